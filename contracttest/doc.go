// Package contracttest is a stateful fake GroupMe that cannot drift from
// openapi.yaml, plus the spec validation it is built on.
//
// [NewFake] returns an [http.Handler] that keeps users, groups, members,
// messages, direct messages, likes, bots, blocks and images in memory and
// serves every operation of the spec: the v3 API under /v3 and the image
// service at /pictures, with uploaded images served back under /i/. Other
// Go services use it to test their GroupMe code without the real service;
// the command-line program serves it in-process when it has no token; the
// client's end-to-end tests run against it.
//
// In tests, [NewServer] starts the fake on a loopback server, seeds
// [DefaultSeedConfig] unless told otherwise, and exposes the API base URL
// ([Server.URL], ".../v3"), the image service base URL ([Server.ImageURL])
// and the seeded accounts and their tokens:
//
//	func TestNotifier(t *testing.T) {
//		srv := contracttest.NewServer(t)
//		svc := newNotifier(srv.URL, srv.Token, srv.Dataset.Groups[0])
//		...
//	}
//
// # Validation
//
// Every request is first matched to its operation and validated against the
// spec with kin-openapi ([Validator]). A request for a path the spec does not
// have gets the 404 envelope; a missing or unknown token (X-Access-Token
// header or token query parameter) gets 401; any other violation gets a 400
// envelope whose meta.errors name each problem ("query parameter "limit":
// /: number must be at most 100") and changes nothing.
//
// Every response is buffered and validated before it is sent. A response
// that violates the spec is still sent, and reported to the functions given
// with [WithViolationHandler]; [NewServer] turns each report into a test
// failure, so every response of every test that uses a Server is checked.
// The spec is parsed once per process and the router is shared by all fakes;
// validation is kin-openapi's openapi3filter.
//
// # Behaviour
//
// Authentication decides the view: a user sees only groups they belong to
// (others answer 404), their own direct conversations, bots and blocks.
// Message listings follow GroupMe's cursor rules: newest first by default and
// with before_id, oldest first with after_id, the newest end with since_id,
// limit 1..100 (default 20), and 304 with no body when nothing matches.
// Message ids are 18-digit decimal strings handed out in order, so they sort
// by creation. A source_guid repeated within 60 seconds answers 409 and
// stores nothing. Likes fill favorited_by and reactions (a plain like is a
// red heart); the leaderboard counts likes on messages of the last day, week
// (7 days) or month (30 days). Members added with POST .../members/add
// join at once; their results answer 503 for the first poll (see
// [WithMembersResultsDelay]), then 200, and 404 one hour after the add.
// POST /bots/post stores a message with sender_type "bot" and answers 202
// with a body of one space.
//
// Time comes from [WithClock] ([ManualClock] is a clock tests move by hand),
// so the 60-second window, the results lifetime, SMS mode expiry and the
// leaderboard periods can be tested without waiting.
//
// # Seeding
//
// The Add methods ([Fake.AddUser], [Fake.AddGroup], [Fake.AddMember],
// [Fake.AddMessage], [Fake.AddDirectMessage], [Fake.AddBot], [Fake.AddBlock],
// [Fake.Like]) build exactly the state a test needs. [Fake.Seed] and
// [WithDataset] build a realistic dataset from a seed and sizes: several
// users, groups (the first with, for example, 10,000 messages carrying every
// attachment type, system notices, bot posts and likes), direct
// conversations, bots, a block and a former group, and a group made in 2014
// ([Dataset].OldEraGroup) whose messages keep the shapes GroupMe sent then
// (mention ids as numbers, odd emoji charmaps, an attachment type the spec
// does not list), served byte for byte. The same seed and sizes on the same
// clock give the same ids, tokens and content.
//
// # Signing in
//
// The fake also plays GroupMe's OAuth authorization page at [AuthorizePath]
// ([Server.AuthorizeURL]), outside the spec's paths. [Fake.AddOAuthApp]
// registers an application's client id and callback URL; a browser sent to
// the page is redirected at once to the callback with ?access_token= and
// the first seeded user's token. [Fake.SetAuthorizeOutcome] picks another
// user, a refusal (?error=access_denied) or a redirect without a token.
//
// # Faults
//
// [FaultRule] injects failures per operation, on every Nth request, or at a
// rate drawn from a seeded generator, a given number of times or forever:
// 420 or 429 with or without Retry-After, 500, 502, 503 or 504 envelopes,
// HTML error pages, truncated JSON bodies, dropped connections and added
// latency (waited with [WithSleep], so tests need not sleep). A fault marked
// [Fault.After] lets the request change the state first, which is how a
// lost answer to a create is tested. Faults never touch image downloads
// unless [FaultRule].ImageDownloads says so. Faults that are invalid on
// purpose (truncated bodies, dropped connections, 504, which the spec does
// not list) are not validated; the others are.
//
// Paging faults break a message page while it still looks like a success,
// the way a misbehaving server or cache does, to prove that a walker
// notices: [RepeatPage] (the previous page again), [EmptyPage] (304 in the
// middle of the history), [SkipMessages] (the first half of the page
// missing), [ReversePage] (the page in the wrong order), [MissingID] (a
// message without an id) and [OverlapPage] (the cursor's message again).
// # Push
//
// The fake also serves GroupMe's push service (Faye/Bayeux, described by
// asyncapi.yaml) at /faye on the same server, over HTTP long-polling and
// WebSocket: [Server].PushURL. Subscriptions need a user's token in ext,
// and a user may only hear their own channel, their groups and their direct
// conversations. Messages, direct messages, likes and added members made
// through the REST API (or the Add methods) are pushed as line.create,
// direct_message.create, like.create / favorite and membership.create;
// [Fake.PublishPush] pushes anything else. [Fake.DropPushConnections]
// simulates a lost connection (clients must handshake again and miss what
// is published meanwhile), [Fake.SetPushWebSocket] turns the upgrade off to
// force long-polling, and [Fake.FailPushHandshakes] fails handshakes.
//
// # Bot callbacks
//
// Every message created in a group (through the API, by a bot's post, as
// a poll or event notice, or with [Fake.AddMessage]; not the seeded ones)
// is POSTed to the callback_url of each bot of the group, the bot's own
// posts included, as the spec's BotCallback (checked before it is sent), in
// the background: one attempt, no retry, within [WithCallbackTimeout].
// Only loopback hosts are called unless [WithCallbackHosts] allows more.
// [WithCallbackObserver] sees each delivery and its status,
// [WithCallbackLimits] bounds the queue and the concurrent deliveries, and
// [Fake.Close] stops them ([NewServer] closes its fake when the test ends).
//
// # What the fake does not model
//
// It fetches no
// remote images (POST /pictures?url= stores a 1x1 placeholder unless the
// address is one of its own images); it posts no system notices for changes
// made through the API; it has no rate limits, read receipts, pins, message
// editing or deletion, join approval, invitations of people without an
// account, or the community-documented endpoints outside the spec.
//
// # Recordings
//
// testdata/recordings/<operationId>.json holds recorded exchanges written from
// the facts of the API reference (real field names, nulls, system messages,
// payload-less successes, proxy error pages), at least one for every status
// every operation documents. The package's tests route each one with
// kin-openapi and validate request and response, prove with mutated copies
// that the check can fail, and report properties recorded but missing from
// the spec.
//
// testdata/real/ holds traffic GroupMe really sent, recorded by other
// projects and anonymized, one file per source (its README lists them).
// Every real response, and every real request GroupMe answered with 2xx,
// must validate; where written and real recordings disagree, the real ones
// decide what the spec says. [LoadSpec] and [Validator] are the validation
// code the tests and the fake share.
package contracttest
