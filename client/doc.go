// Package client is the idiomatic Go layer over GroupMe's v3 API.
//
// It is the only package a Go program imports. It builds its requests with
// the code generated from the project's OpenAPI description and returns the
// generated models under their own names here ([Message], [Group], ...,
// aliases generated from package gen, so nothing is kept by hand),
// unwrapped from GroupMe's {"response": ..., "meta": ...} envelope in the
// same single pass that decodes the body. Each official operation of the
// spec is a [Client] method named after its operationId, with the context
// first:
//
//	c, err := client.New(os.Getenv("GROUPME_TOKEN"))
//	...
//	group, err := c.GetGroup(ctx, "1234567", nil)
//	msg, err := c.CreateMessage(ctx, "1234567", client.NewMessage{Text: client.Ptr("hello")})
//
// A Client is safe for concurrent use.
//
// # Unofficial calls
//
// GroupMe documents only some of the calls its own apps make. The others
// (polls, the calendar, pins, message edits and deletions, topics, video
// and file uploads, mutes, join requests, contacts, ...), described by the
// community and marked x-unofficial in openapi.yaml, are methods of
// [Unofficial], so each call site says what GroupMe does not promise:
//
//	poll, err := c.Unofficial().CreatePoll(ctx, groupID, req)
//
// # Where GroupMe lives
//
// GroupMe is spread over several hosts (the v3, v4, v2 and v1 APIs, the
// image, video and file services, the push service). [WithBaseURL] moves
// all of them to one test server or proxy; [WithEndpoints] places each one
// on its own; [Client.Endpoints] reports where each one is.
//
// # Authentication
//
// Every call except posting as a bot needs a user's access token (shown on
// dev.groupme.com, or obtained through GroupMe's OAuth implicit flow). By
// default the token travels in the X-Access-Token header, which keeps it out
// of URLs and access logs; [WithQueryToken] sends it as the token query
// parameter instead. On a redirect to another host the token is dropped.
//
// Posting as a bot needs only the bot's id: [Client.PostBotMessage] sends no
// token, and [NewBotPoster] gives a poster for programs that have no token
// at all. [CallbackHandler] serves a bot's callback URL; [VerifyCallbacks]
// checks each callback against the API with the bot owner's token, since
// GroupMe signs nothing. [BotPoster.Reply], [BotPoster.Say], [SplitText],
// [Client.PostBotImage] and [BotCommands] help a bot answer.
//
// # Errors
//
// A non-2xx answer is an [*APIError] holding the status, meta.code,
// meta.errors (flattened to strings, whichever shape GroupMe used), the
// operation, the method and the path (never the query string, so never the
// token), and RetryAfter when the server sent one. Match it with the
// sentinels:
//
//	switch {
//	case errors.Is(err, client.ErrNotFound):     // 404
//	case errors.Is(err, client.ErrRateLimited):  // 420 or 429
//	case errors.Is(err, client.ErrUnavailable):  // 502, 503, 504
//	}
//
// An HTML or empty error body still gives an *APIError with the status. A
// 2xx answer whose body is malformed, truncated, or lacks the payload is a
// [*DecodeError] naming the operation; no call returns a zero value with a
// nil error. A request that got no answer is a [*TransportError] whose
// wrapped *url.Error has had its query string removed. A 304 on a message
// listing is an empty page, not an error; calls that answer without a
// payload (DestroyGroup, RemoveMember, DeleteBlock, PostBotMessage, ...)
// accept any 2xx body, JSON or not.
//
// # Pagination
//
// The List methods fetch one page. The Iter methods return
// iter.Seq2[T, error] iterators over every page; each takes the same params
// struct as its page method ([ListGroupsParams], [ListChatsParams],
// [MessageParams]) and owns only the cursor:
//
//	for g, err := range c.ListGroupsIter(ctx, &client.ListGroupsParams{OmitMemberships: true}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(g.Name)
//	}
//
// Groups and chats are walked by page number until a page is empty.
// Group and direct messages are walked backwards with before_id, newest
// first ([Client.ListMessagesIter], [Client.ListDirectMessagesIter]), or
// forwards with after_id, oldest first and without gaps
// ([Client.ListMessagesAfterIter], [Client.ListDirectMessagesAfterIter]).
// An empty cursor means "from the start" in both directions: the newest
// message backwards, the group's first message forwards (after_id=0).
// Iterators stop on a 304 and on an empty page, never on a merely short
// page. A server whose paging misbehaves (a cursor that does not move or
// goes the wrong way, a page that repeats, a message without an id) is not
// a silent end: the iterator yields an error matching [ErrPagingStalled],
// once, and stops. Any error is yielded once and ends the iteration.
//
// # Realtime
//
// [Client.Listen] receives messages as they happen, over GroupMe's push
// service (Faye over WebSocket, with long-polling as the fallback), and
// backfills through the REST API whatever a disconnect made it miss, so
// each message of a covered conversation arrives exactly once, in order:
//
//	for ev, err := range c.Listen(ctx, client.Track(groupID)) {
//		if err != nil {
//			return err // gave up for good: bad token, or every reconnect failed
//		}
//		if m, ok := ev.(*client.GroupMessageEvent); ok {
//			fmt.Println(m.Message.ID, m.Message.Name, m.Backfilled)
//		}
//	}
//
// Listen documents exactly what is guaranteed. [Endpoints].Push moves the
// push endpoint; a Client whose base URL points at another host (a test
// server) listens on that host's /faye. asyncapi.yaml describes the push service
// for other languages.
//
// # Rate limits
//
// GroupMe answers 420 or 429 when it is rate limiting and 502, 503 or 504
// when it is down. The Client retries those answers and network errors
// around the caller's http.Client (3 times by default, see [WithRetries]) with exponential back-off and jitter,
// honouring a Retry-After header up to [WithMaxRetryAfter]; when the server
// asks for a longer wait the call fails at once with an *APIError whose
// RetryAfter says how long. Waits end when the context is done.
//
// Each call states its own retry policy; nothing else switches retries on.
// Only what cannot be duplicated is retried: GET requests (except
// [Client.GetMembersResults], whose 503 means "not ready yet": it sends one
// request and [Client.WaitForMembers] polls), and message and
// direct-message creation, which always carry a source_guid (a random one
// when the caller gave none). When a retried creation meets 409, an earlier
// attempt was delivered, and the call succeeds with that message. Image
// uploads are retried only when the reader is an io.Seeker. Other POSTs are
// sent once. [RetryTransport] puts the same rules (GETs only) into another
// http.Client.
//
// GroupMe publishes no limit and sends no quota headers. A program that
// sends many requests (an archiver fetching several conversations at once)
// can give its Clients one shared [Pacer] with [WithPacer]: every attempt
// waits for its turn, every answer is reported to it, and a refusal is
// retried when the pacer says rather than after the Client's back-off. The
// groupme command's pacer learns the limit from the refusals and keeps
// just under it.
//
// # Limits
//
// Nothing the Client does waits or reads without a bound. Each attempt of a
// request (connecting, sending, waiting for the answer, reading its body)
// has [DefaultTimeout], changed with [WithTimeout]; an attempt that runs
// out fails with an error matching [ErrTimeout] and is retried like a
// network error. A response body may hold [DefaultMaxResponseBytes] after
// gzip decompression, changed with [WithMaxResponseBytes]; a larger one
// fails with a [*DecodeError] matching [ErrResponseTooLarge] that names the
// limit, so a gzip bomb inflates no further than the limit.
// [Client.WaitForMembers] polls for at most five minutes.
//
// A Client prints (with any fmt verb) and logs (as a slog value) without
// its token, error text a server wrote is scrubbed of it, and a Client
// given only [WithBaseURL] sends uploads and pushes to that host, never to
// GroupMe's image or push service ([WithEndpoints] moves each service on
// its own).
//
// # Logging
//
// [WithLogger] takes a *slog.Logger; without it the Client logs nothing. It
// logs one Debug record per request attempt (method, path, status,
// duration, attempt) and one Warn record per retry. Paths are logged
// without query strings and the token is never logged.
package client
