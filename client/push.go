package client

// Realtime events from GroupMe's push service.
//
// Protocol facts, and where they come from:
//
//   - The service is Faye, the Bayeux protocol, at https://push.groupme.com/faye,
//     reachable over HTTP long-polling (POST a JSON array of Bayeux messages,
//     Content-Type application/json) and over WebSocket at
//     wss://push.groupme.com/faye. GroupMe's push tutorial,
//     https://dev.groupme.com/tutorials/push (long-polling, the handshake and
//     subscribe bodies); the community docs,
//     https://groupme-js.github.io/GroupMeCommunityDocs/push (WebSocket: a
//     handshake over HTTP for a clientId, then the socket).
//   - /meta/handshake answers with a clientId and advice
//     {reconnect, interval, timeout}; the tutorial's sample advice is
//     {"reconnect":"retry","interval":0,"timeout":30000}.
//   - /meta/subscribe to /user/{user_id} carries ext {access_token, timestamp},
//     the timestamp in seconds (tutorial; the community docs stress seconds,
//     not milliseconds). /group/{id} and /direct_message/{a}_{b} (the REST
//     "a+b" id with "_" for "+") carry typing indicators and other per-
//     conversation extras (community docs).
//   - /meta/connect is sent again after every reply; each reply carries the
//     server's advice (community docs, "Maintain the Connection Loop").
//   - Bayeux ids should increase with every message sent (tutorial).
//   - "Signature must refresh every hour" (tutorial): Listen subscribes
//     again, with a fresh ext timestamp on the same clientId, before an hour
//     has passed.
//   - data.type values: ping, line.create, direct_message.create,
//     like.create, favorite, membership.create, message.deleted,
//     message.update, typing (community docs, "WebSocket Message Types").
//     Long-polling keep-alives are {"ping":true} (community docs, long-polling
//     walkthrough).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/groupme-go/groupme/internal/backoff"
)

// DefaultPushURL is GroupMe's push service (Faye). Listen derives the
// WebSocket address from it (wss://push.groupme.com/faye).
const DefaultPushURL = "https://push.groupme.com/faye"

// pushEndpoint is the Faye URL Listen uses: Endpoints.Push, or what
// WithBaseURL derived (endpoints.go).
func (c *Client) pushEndpoint() string { return c.pushURL }

// Event is something Listen delivers. The concrete types are
// *GroupMessageEvent, *DirectMessageEvent, *LikeEvent, *MembershipEvent,
// *RawEvent (every other push, including types this package does not know),
// and the stream's own *ConnectedEvent, *DisconnectedEvent and *GapEvent.
// Type returns GroupMe's data.type for pushes ("line.create", ...) and
// "listen.connected", "listen.disconnected" or "listen.gap" for the others.
type Event interface {
	Type() string
}

// GroupMessageEvent is a new group message ("line.create"), received over push
// or, when Backfilled is true, fetched through the REST API after a
// reconnect.
type GroupMessageEvent struct {
	Message Message
	// Alert is the notification text ("Ana: hi"); empty when backfilled.
	Alert string
	// Channel is the push channel it came on ("/user/123"); empty when
	// backfilled.
	Channel    string
	Backfilled bool
}

// Type implements Event.
func (*GroupMessageEvent) Type() string { return "line.create" }

// DirectMessageEvent is a new direct message ("direct_message.create"),
// received over push or, when Backfilled is true, fetched through the REST
// API after a reconnect.
type DirectMessageEvent struct {
	DirectMessage DirectMessage
	// ConversationID is "<lower user id>+<higher user id>", as in the REST
	// API (push channels use "_" instead of "+").
	ConversationID string
	Alert          string
	Channel        string
	Backfilled     bool
}

// Type implements Event.
func (*DirectMessageEvent) Type() string { return "direct_message.create" }

// LikeEvent is a reaction being added or removed: "like.create" (older
// form, your messages) or "favorite" (current form). Exactly one of Message
// and DirectMessage is set when GroupMe sent the message.
type LikeEvent struct {
	Kind          string // "like.create" or "favorite"
	UserID        string // who reacted
	Message       *Message
	DirectMessage *DirectMessage
	// Reactions is the message's full reaction list after the change, when
	// GroupMe sent it.
	Reactions []Reaction
	Channel   string
}

// Type implements Event.
func (e *LikeEvent) Type() string { return e.Kind }

// MembershipEvent is "membership.create": the user was added to a group.
// Group holds the trimmed group GroupMe sends (no members).
type MembershipEvent struct {
	Group   Group
	Alert   string
	Channel string
}

// Type implements Event.
func (*MembershipEvent) Type() string { return "membership.create" }

// RawEvent is any other push, passed through as GroupMe sent it: typing,
// message.update, message.deleted, and types this package does not know.
// A known type whose payload could not be decoded also arrives as a
// RawEvent, with DecodeErr set, rather than being dropped.
type RawEvent struct {
	Kind      string // data.type ("" when missing)
	Channel   string
	Data      json.RawMessage // the Bayeux message's data object
	DecodeErr error
}

// Type implements Event.
func (e *RawEvent) Type() string { return e.Kind }

// ConnectedEvent reports that a push session is subscribed. It comes before
// the backfill of that session, so events delivered after it are live or
// backfilled, never both.
type ConnectedEvent struct {
	Transport string // "websocket" or "long-polling"
	Reconnect bool   // false for the first session of this Listen
}

// Type implements Event.
func (*ConnectedEvent) Type() string { return "listen.connected" }

// DisconnectedEvent reports that a session ended (or could not start) and
// that Listen will try again after RetryIn.
type DisconnectedEvent struct {
	Err     error
	RetryIn time.Duration
	// Attempt counts consecutive failed attempts so far; 0 after a healthy
	// session (one that delivered a push or stayed up 30 seconds) ended.
	Attempt int
}

// Type implements Event.
func (*DisconnectedEvent) Type() string { return "listen.disconnected" }

// GapEvent reports messages Listen could not backfill: messages of
// ConversationID newer than AfterID and older than the next message
// delivered for it were not delivered. Either the bound set by
// BackfillPages was reached (Err is nil; fetch them with the REST API if
// they matter), or the conversation can no longer be read (Err matches
// ErrNotFound or ErrForbidden: the user left or was removed) and Listen
// stops backfilling it.
type GapEvent struct {
	ConversationID string
	AfterID        string
	Err            error
}

// Type implements Event.
func (*GapEvent) Type() string { return "listen.gap" }

// PushError is a failure of the push protocol that ends Listen: the server
// refused a subscription, advised not to reconnect, or every reconnect
// attempt failed. It matches ErrUnauthorized or ErrForbidden with errors.Is
// when the server's error code says so.
type PushError struct {
	Op      string // "handshake", "subscribe", "connect", "read", ...
	Channel string // the subscription, for subscribe
	Message string // the server's error text (never the token)
	Err     error  // the last underlying error, if any
	code    int    // the Bayeux error code the server sent, or 0
}

func (e *PushError) Error() string {
	s := "groupme: push " + e.Op
	if e.Channel != "" {
		s += " " + e.Channel
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *PushError) Unwrap() error { return e.Err }

// Is matches ErrUnauthorized and ErrForbidden by the Bayeux error code
// the server sent ("401::..." or "403::...").
func (e *PushError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.code == http.StatusUnauthorized
	case ErrForbidden:
		return e.code == http.StatusForbidden
	}
	return false
}

// ListenOption configures Listen.
type ListenOption func(*listenConfig) error

type listenConfig struct {
	track         []string          // conversations to baseline on the first connect
	resume        map[string]string // conversation -> last message id handled
	groups        []string          // extra /group/ subscriptions
	dms           []string          // extra /direct_message/ subscriptions
	longPollOnly  bool
	minBackoff    time.Duration
	maxBackoff    time.Duration
	maxAttempts   int
	backfillPages int
	// Hooks for tests; the defaults use the real clock.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
}

// Listen bounds.
const (
	defaultMinBackoff    = time.Second
	defaultMaxBackoff    = time.Minute
	defaultMaxAttempts   = 30 // consecutive failed attempts: about 25 minutes at the default cap
	defaultBackfillPages = 20 // of 100 messages, per conversation and reconnect
	backfillPageSize     = 100
	signatureLifetime    = 55 * time.Minute // the tutorial: "signature must refresh every hour"
	// A session is healthy, and resets the count of failed attempts, once
	// it has delivered a push or stayed up this long (one connect cycle
	// at GroupMe). One that ends sooner counts as a failed attempt,
	// whether the handshake, the subscription, a connect or the REST
	// catch-up failed.
	healthyAfter = 30 * time.Second
	// minConnectGap spaces /meta/connect requests that come back at once
	// with nothing in them, whatever advice.interval says.
	minConnectGap = 500 * time.Millisecond
)

// Track makes Listen guarantee delivery for the given conversations (group
// ids, or "a+b" direct conversation ids) from the moment the first session
// is subscribed, even before a message of theirs has been seen: on the first
// connect Listen notes each one's newest message id, and later reconnects
// backfill from there. Conversations not tracked are covered from their
// first delivered message on.
func Track(conversationIDs ...string) ListenOption {
	return func(c *listenConfig) error {
		for _, id := range conversationIDs {
			if id == "" {
				return errors.New("groupme: Track: empty conversation id")
			}
		}
		c.track = append(c.track, conversationIDs...)
		return nil
	}
}

// ResumeAfter makes Listen start conversationID after messageID: the first
// session backfills every newer message, so a service that stores the last
// id it handled misses nothing across restarts.
func ResumeAfter(conversationID, messageID string) ListenOption {
	return func(c *listenConfig) error {
		if conversationID == "" || !validID(messageID) {
			return fmt.Errorf("groupme: ResumeAfter: need a conversation id and a numeric message id")
		}
		if c.resume == nil {
			c.resume = map[string]string{}
		}
		c.resume[conversationID] = messageID
		return nil
	}
}

// SubscribeGroups also subscribes to /group/{id} for each id, which carries
// typing indicators, edits, deletions and reactions to other people's
// messages (as *RawEvent or *LikeEvent). New messages come on the user
// channel regardless.
func SubscribeGroups(groupIDs ...string) ListenOption {
	return func(c *listenConfig) error {
		c.groups = append(c.groups, groupIDs...)
		return nil
	}
}

// SubscribeDirectMessages also subscribes to /direct_message/{a}_{b} for
// each direct conversation id ("a+b" as the REST API writes it).
func SubscribeDirectMessages(conversationIDs ...string) ListenOption {
	return func(c *listenConfig) error {
		c.dms = append(c.dms, conversationIDs...)
		return nil
	}
}

// LongPolling makes Listen use HTTP long-polling only. By default it uses
// WebSocket and falls back to long-polling when the upgrade fails.
func LongPolling() ListenOption {
	return func(c *listenConfig) error { c.longPollOnly = true; return nil }
}

// ReconnectBackoff sets the shortest and longest wait between connection
// attempts (1s and 1m by default). The wait doubles per failed attempt and
// is jittered; after a healthy session it is what the server advised, but
// never less than min, so no advice can make Listen reconnect in a loop.
func ReconnectBackoff(min, max time.Duration) ListenOption {
	return func(c *listenConfig) error {
		if min <= 0 || max < min {
			return fmt.Errorf("groupme: ReconnectBackoff(%v, %v): need 0 < min <= max", min, max)
		}
		c.minBackoff, c.maxBackoff = min, max
		return nil
	}
}

// MaxReconnectAttempts sets how many consecutive attempts may fail before
// Listen gives up with a *PushError (30 by default). An attempt fails
// unless its session turns healthy (it delivers a push or stays up 30
// seconds): a server that accepts the subscription and then drops the
// connection, sends garbage or cannot be caught up with through the REST
// API counts against the limit like one that refuses the handshake.
func MaxReconnectAttempts(n int) ListenOption {
	return func(c *listenConfig) error {
		if n < 1 {
			return fmt.Errorf("groupme: MaxReconnectAttempts(%d): need at least 1", n)
		}
		c.maxAttempts = n
		return nil
	}
}

// BackfillPages bounds how many pages of 100 messages Listen fetches per
// conversation on each reconnect (20 by default). When the bound is reached
// a *GapEvent says where the gap is.
func BackfillPages(n int) ListenOption {
	return func(c *listenConfig) error {
		if n < 1 {
			return fmt.Errorf("groupme: BackfillPages(%d): need at least 1", n)
		}
		c.backfillPages = n
		return nil
	}
}

// Listen connects to GroupMe's push service as the token's user and yields
// events as they happen, until ctx is done (the loop then ends without an
// error) or the stream fails for good (one error, then the end). Breaking
// out of the loop closes the connection.
//
// What is guaranteed, for group and direct messages:
//
//   - Every message of a covered conversation is delivered once: after any
//     disconnect Listen reconnects (with back-off, honouring the server's
//     advice) and fetches through the REST API, with after_id, every message
//     newer than the last one it delivered there. A message whose id is not
//     above the highest one delivered in its conversation is not delivered
//     again (GroupMe's ids grow), however long ago that was.
//   - A conversation is covered from its first delivered message, from
//     Track's baseline, or from ResumeAfter's id.
//   - Within a conversation, backfilled messages come oldest first, and
//     messages come in the order GroupMe pushes them (ascending ids).
//   - The backfill is bounded (BackfillPages); hitting the bound yields a
//     *GapEvent naming the conversation and the last id delivered before
//     the gap. A conversation that can no longer be read (the user left or
//     was removed) yields one *GapEvent with Err set and is dropped.
//
// Not guaranteed: likes, membership changes, typing and other events are
// delivered only while connected (at most once, no backfill), and so are
// messages of a conversation that is neither tracked nor yet seen (for
// example a group you were added to while disconnected). ping keep-alives
// are not delivered. Every wait is bounded: connection attempts
// (MaxReconnectAttempts), back-off (ReconnectBackoff), the reply to each
// Bayeux message (the server's advised timeout plus a margin).
//
// The token travels only inside the subscribe message's ext object; it is
// never part of a URL, a log line or an error (server text such as a
// WebSocket close reason is scrubbed of it). What the server sends is
// bounded: a WebSocket frame to 1 MiB, a long-polling answer to 8 MiB,
// everything before the subscriptions are confirmed to 2 MiB and 30
// seconds. Long-polling holds each
// request for up to the server's advised timeout (30 seconds at GroupMe):
// an http.Client given to WithHTTPClient needs a Timeout above 45 seconds,
// or none.
func (c *Client) Listen(ctx context.Context, opts ...ListenOption) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		cfg := listenConfig{
			minBackoff:    defaultMinBackoff,
			maxBackoff:    defaultMaxBackoff,
			maxAttempts:   defaultMaxAttempts,
			backfillPages: defaultBackfillPages,
			sleep:         backoff.Sleep,
			now:           time.Now,
		}
		for _, o := range opts {
			if err := o(&cfg); err != nil {
				yield(nil, err)
				return
			}
		}
		l := &listener{
			c:     c,
			cfg:   cfg,
			url:   c.pushEndpoint(),
			yield: yield,
			convs: map[string]*convState{},
		}
		for id, after := range cfg.resume {
			l.conv(id).last = after
		}
		l.run(ctx)
	}
}
