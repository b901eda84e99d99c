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
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
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
	Attempt int // consecutive failed attempts so far (0 after a live session ended)
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
	Op      string // "handshake", "subscribe", "connect"
	Channel string // the subscription, for subscribe
	Message string // the server's error text (never the token)
	Err     error  // the last underlying error, if any
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
// ("401::..." or "403::...").
func (e *PushError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return strings.HasPrefix(e.Message, "401")
	case ErrForbidden:
		return strings.HasPrefix(e.Message, "403")
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
	seenPerConversation  = 1024
	signatureLifetime    = 55 * time.Minute // the tutorial: "signature must refresh every hour"
	replyMargin          = 15 * time.Second // beyond advice.timeout before a session is dead
	defaultAdviceTimeout = 30 * time.Second
	maxAdviceTimeout     = 2 * time.Minute
	maxAdviceInterval    = time.Minute
	pushBodyLimit        = 8 << 20
	pushWriteTimeout     = 15 * time.Second
	pushRequestTimeout   = 30 * time.Second // handshake and subscribe
	pendingLimit         = 10000            // data messages held while a session is set up
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

// ReconnectBackoff sets the shortest and longest wait between failed
// connection attempts (1s and 1m by default). The wait doubles per failed
// attempt and is jittered; the first reconnect after a working session
// waits only what the server advised.
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
// Listen gives up with a *PushError (30 by default).
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
//     newer than the last one it delivered there. A message that arrives
//     both over push and through the backfill is delivered once (by id).
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
// never part of a URL, a log line or an error. Long-polling holds each
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
			sleep:         sleepCtx,
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

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listener is the state of one Listen call.
type listener struct {
	c       *Client
	cfg     listenConfig
	url     string
	yield   func(Event, error) bool
	stopped bool // the consumer broke out of the loop

	userID    string
	nextID    int
	sessions  int
	baselined bool
	convs     map[string]*convState
	interval  time.Duration // advice.interval
	timeout   time.Duration // advice.timeout
}

// convState is what Listen remembers about one conversation.
type convState struct {
	last string   // highest message id delivered ("" when none)
	seen []string // recent ids delivered, oldest first, bounded
	dm   bool
}

func (l *listener) conv(id string) *convState {
	s := l.convs[id]
	if s == nil {
		s = &convState{dm: strings.Contains(id, "+")}
		l.convs[id] = s
	}
	return s
}

// emit hands ev to the consumer; false means stop.
func (l *listener) emit(ev Event) bool {
	if l.stopped {
		return false
	}
	if !l.yield(ev, nil) {
		l.stopped = true
	}
	return !l.stopped
}

// errFatal marks an error that ends Listen.
type fatalError struct{ err error }

func (e fatalError) Error() string { return e.err.Error() }
func (e fatalError) Unwrap() error { return e.err }

// errStop ends a session because the consumer stopped.
var errStop = errors.New("groupme: listen stopped")

func (l *listener) run(ctx context.Context) {
	fails := 0
	for {
		if ctx.Err() != nil {
			return
		}
		connected, err := l.session(ctx)
		if l.stopped || errors.Is(err, errStop) || ctx.Err() != nil {
			return
		}
		var fe fatalError
		if errors.As(err, &fe) {
			l.yield(nil, fe.err)
			return
		}
		if connected {
			fails = 0
		} else {
			fails++
		}
		if fails >= l.cfg.maxAttempts {
			l.yield(nil, &PushError{Op: "connect", Message: fmt.Sprintf("gave up after %d attempts", fails), Err: err})
			return
		}
		wait := l.interval
		if fails > 0 {
			wait = l.backoff(fails)
		}
		if l.c.logger != nil {
			l.c.logger.Warn("groupme: push connection lost; reconnecting", "err", err.Error(), "retry_in", wait, "attempt", fails)
		}
		if !l.emit(&DisconnectedEvent{Err: err, RetryIn: wait, Attempt: fails}) {
			return
		}
		if l.cfg.sleep(ctx, wait) != nil {
			return
		}
	}
}

// backoff is the wait after the n-th consecutive failure: minBackoff
// doubled n-1 times, capped at maxBackoff, then jittered into [d/2, d].
func (l *listener) backoff(n int) time.Duration {
	d := l.cfg.minBackoff
	for i := 1; i < n && d < l.cfg.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, l.cfg.maxBackoff)
	half := d / 2
	return half + rand.N(d-half+1)
}

// inMessage is a Bayeux message as received. It has no ext field: GroupMe
// echoes the subscriber's ext (token included) on long-polling deliveries,
// and what is not decoded cannot leak.
type inMessage struct {
	Channel      string          `json:"channel"`
	ID           string          `json:"id"`
	ClientID     string          `json:"clientId"`
	Successful   *bool           `json:"successful"`
	Error        string          `json:"error"`
	Subscription json.RawMessage `json:"subscription"`
	Advice       *advice         `json:"advice"`
	Data         json.RawMessage `json:"data"`
}

type advice struct {
	Reconnect string `json:"reconnect"`
	Interval  *int64 `json:"interval"` // milliseconds
	Timeout   *int64 `json:"timeout"`  // milliseconds
}

// outMessage is a Bayeux message as sent.
type outMessage struct {
	Channel                  string   `json:"channel"`
	ID                       string   `json:"id"`
	ClientID                 string   `json:"clientId,omitempty"`
	Version                  string   `json:"version,omitempty"`
	SupportedConnectionTypes []string `json:"supportedConnectionTypes,omitempty"`
	ConnectionType           string   `json:"connectionType,omitempty"`
	Subscription             string   `json:"subscription,omitempty"`
	Ext                      *ext     `json:"ext,omitempty"`
}

// ext carries the token; its String, GoString and LogValue hide it.
type ext struct {
	AccessToken string `json:"access_token"`
	Timestamp   int64  `json:"timestamp"` // seconds
}

func (ext) String() string   { return "{access_token:REDACTED}" }
func (ext) GoString() string { return "client.ext{REDACTED}" }

func (l *listener) id() string {
	l.nextID++
	return strconv.Itoa(l.nextID)
}

// applyAdvice records the server's advice, bounded.
func (l *listener) applyAdvice(a *advice) {
	if a == nil {
		return
	}
	if a.Interval != nil {
		l.interval = min(max(time.Duration(*a.Interval)*time.Millisecond, 0), maxAdviceInterval)
	}
	if a.Timeout != nil && *a.Timeout > 0 {
		l.timeout = min(time.Duration(*a.Timeout)*time.Millisecond, maxAdviceTimeout)
	}
}

func (l *listener) replyWait() time.Duration {
	t := l.timeout
	if t <= 0 {
		t = defaultAdviceTimeout
	}
	return t + replyMargin
}

// session runs one handshake-subscribe-connect cycle. connected reports
// whether it got as far as a subscription.
func (l *listener) session(ctx context.Context) (connected bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if l.userID == "" {
		me, err := l.c.GetMe(ctx)
		if err != nil {
			if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) {
				return false, fatalError{err}
			}
			return false, err
		}
		l.userID = me.ID
	}
	clientID, err := l.handshake(ctx)
	if err != nil {
		return false, err
	}
	tr, err := l.open(ctx, clientID)
	if err != nil {
		return false, err
	}
	defer tr.close()

	pending, err := l.subscribe(ctx, tr, clientID)
	if err != nil {
		return false, err
	}
	subscribed := l.cfg.now()
	l.sessions++
	if !l.emit(&ConnectedEvent{Transport: tr.name(), Reconnect: l.sessions > 1}) {
		return true, errStop
	}
	if err := l.baseline(ctx); err != nil {
		return true, err
	}
	if err := l.backfill(ctx); err != nil {
		return true, err
	}
	for _, m := range pending {
		if !l.deliver(m) {
			return true, errStop
		}
	}
	for {
		if l.cfg.now().Sub(subscribed) >= signatureLifetime {
			// A fresh signature on the same clientId: nothing published
			// meanwhile is lost, unlike with a new handshake.
			more, err := l.subscribe(ctx, tr, clientID)
			if err != nil {
				return true, err
			}
			subscribed = l.cfg.now()
			for _, m := range more {
				if !l.deliver(m) {
					return true, errStop
				}
			}
		}
		connect := outMessage{Channel: "/meta/connect", ID: l.id(), ClientID: clientID, ConnectionType: tr.name()}
		if err := tr.send(ctx, []outMessage{connect}); err != nil {
			return true, err
		}
		for answered := false; !answered; {
			msgs, err := tr.recv(ctx, l.replyWait())
			if err != nil {
				return true, err
			}
			for _, m := range msgs {
				if m.Channel != "/meta/connect" {
					if !l.deliver(m) {
						return true, errStop
					}
					continue
				}
				answered = true
				l.applyAdvice(m.Advice)
				if err := l.adviceErr(m, "connect"); err != nil {
					return true, err
				}
			}
		}
		if l.interval > 0 {
			if err := l.cfg.sleep(ctx, l.interval); err != nil {
				return true, err
			}
		}
	}
}

// adviceErr turns an unsuccessful reply or a "handshake"/"none" advice into
// the error that ends the session.
func (l *listener) adviceErr(m inMessage, op string) error {
	if m.Advice != nil && m.Advice.Reconnect == "none" {
		return fatalError{&PushError{Op: op, Message: l.clean("server advised not to reconnect " + m.Error)}}
	}
	if m.Successful != nil && !*m.Successful {
		return &PushError{Op: op, Message: l.clean(m.Error)}
	}
	if m.Advice != nil && m.Advice.Reconnect == "handshake" {
		return &PushError{Op: op, Message: "server advised a new handshake"}
	}
	return nil
}

func (l *listener) clean(s string) string { return strings.TrimSpace(redactText(s, l.c.token.value())) }

// handshake always goes over HTTP: the community docs describe the
// WebSocket transport as a handshake by POST, then the socket.
func (l *listener) handshake(ctx context.Context) (string, error) {
	types := []string{"websocket", "long-polling"}
	if l.cfg.longPollOnly {
		types = []string{"long-polling"}
	}
	msgs, err := l.post(ctx, []outMessage{{Channel: "/meta/handshake", ID: l.id(), Version: "1.0", SupportedConnectionTypes: types}}, pushRequestTimeout)
	if err != nil {
		return "", err
	}
	for _, m := range msgs {
		if m.Channel != "/meta/handshake" {
			continue
		}
		l.applyAdvice(m.Advice)
		if err := l.adviceErr(m, "handshake"); err != nil {
			var pe *PushError
			if errors.As(err, &pe) && pe.Message == "server advised a new handshake" {
				err = nil
			} else {
				return "", err
			}
		}
		if m.ClientID == "" {
			return "", &PushError{Op: "handshake", Message: "no clientId in the reply"}
		}
		return m.ClientID, nil
	}
	return "", &PushError{Op: "handshake", Message: "no /meta/handshake reply"}
}

// post sends msgs in one HTTP POST and returns the reply's messages.
func (l *listener) post(ctx context.Context, msgs []outMessage, wait time.Duration) ([]inMessage, error) {
	body, err := json.Marshal(msgs)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.url, bytes.NewReader(body))
	if err != nil {
		return nil, &PushError{Op: "post", Message: "invalid push URL"}
	}
	req.Header.Set("Content-Type", "application/json")
	if l.c.userAgent != "" {
		req.Header.Set("User-Agent", l.c.userAgent)
	}
	resp, err := l.c.hc.Do(req)
	if err != nil {
		return nil, &TransportError{Operation: "Listen", Method: http.MethodPost, Path: req.URL.EscapedPath(), Err: l.c.redactTransport(err)}
	}
	defer closeBody(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, &PushError{Op: "post", Message: fmt.Sprintf("HTTP %d", resp.StatusCode)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, pushBodyLimit))
	if err != nil {
		return nil, &TransportError{Operation: "Listen", Method: http.MethodPost, Path: req.URL.EscapedPath(), Err: l.c.redactTransport(err)}
	}
	return decodeFrame(b)
}

// decodeFrame reads a JSON array of Bayeux messages, or a single one.
func decodeFrame(b []byte) ([]inMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var m inMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, &PushError{Op: "read", Message: "malformed Bayeux message"}
		}
		return []inMessage{m}, nil
	}
	var ms []inMessage
	if err := json.Unmarshal(b, &ms); err != nil {
		return nil, &PushError{Op: "read", Message: "malformed Bayeux message array"}
	}
	return ms, nil
}

// transport is one way of exchanging Bayeux messages within a session.
type transport interface {
	name() string
	send(ctx context.Context, msgs []outMessage) error
	// recv returns the next batch of messages, waiting at most wait.
	recv(ctx context.Context, wait time.Duration) ([]inMessage, error)
	close()
}

// open dials the WebSocket, or falls back to long-polling when it cannot.
func (l *listener) open(ctx context.Context, clientID string) (transport, error) {
	if !l.cfg.longPollOnly {
		ws, err := l.dial(ctx)
		if err == nil {
			return ws, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return &longPoll{l: l}, nil
}

func (l *listener) dial(ctx context.Context) (*wsTransport, error) {
	u, err := url.Parse(l.url)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	case "http":
		u.Scheme = "ws"
	}
	base := http.DefaultTransport
	if l.c.callerHC != nil && l.c.callerHC.Transport != nil {
		base = l.c.callerHC.Transport
	}
	hdr := http.Header{}
	if l.c.userAgent != "" {
		hdr.Set("User-Agent", l.c.userAgent)
	}
	dctx, cancel := context.WithTimeout(ctx, pushRequestTimeout)
	defer cancel()
	conn, resp, err := websocket.Dial(dctx, u.String(), &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: base},
		HTTPHeader: hdr,
	})
	if resp != nil && resp.Body != nil {
		closeBody(resp.Body)
	}
	if err != nil {
		return nil, l.c.redactTransport(err)
	}
	conn.SetReadLimit(pushBodyLimit)
	return &wsTransport{conn: conn}, nil
}

type wsTransport struct{ conn *websocket.Conn }

func (*wsTransport) name() string { return "websocket" }

func (t *wsTransport) send(ctx context.Context, msgs []outMessage) error {
	b, err := json.Marshal(msgs)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, pushWriteTimeout)
	defer cancel()
	if err := t.conn.Write(ctx, websocket.MessageText, b); err != nil {
		return &PushError{Op: "websocket write", Err: err}
	}
	return nil
}

func (t *wsTransport) recv(ctx context.Context, wait time.Duration) ([]inMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	_, b, err := t.conn.Read(ctx)
	if err != nil {
		return nil, &PushError{Op: "websocket read", Err: err}
	}
	return decodeFrame(b)
}

func (t *wsTransport) close() { _ = t.conn.CloseNow() }

// longPoll sends each batch as a POST; the reply is what recv returns.
type longPoll struct {
	l     *listener
	queue [][]inMessage
}

func (*longPoll) name() string { return "long-polling" }

func (t *longPoll) send(ctx context.Context, msgs []outMessage) error {
	got, err := t.l.post(ctx, msgs, t.l.replyWait())
	if err != nil {
		return err
	}
	t.queue = append(t.queue, got)
	return nil
}

func (t *longPoll) recv(context.Context, time.Duration) ([]inMessage, error) {
	if len(t.queue) == 0 {
		return nil, &PushError{Op: "long-polling", Message: "no reply to read"}
	}
	got := t.queue[0]
	t.queue = t.queue[1:]
	return got, nil
}

func (*longPoll) close() {}

// subscribe subscribes to the user channel and the extra channels, and
// returns the data messages that arrived meanwhile.
func (l *listener) subscribe(ctx context.Context, tr transport, clientID string) ([]inMessage, error) {
	channels := []string{"/user/" + l.userID}
	for _, g := range l.cfg.groups {
		channels = append(channels, "/group/"+g)
	}
	for _, d := range l.cfg.dms {
		channels = append(channels, "/direct_message/"+strings.ReplaceAll(d, "+", "_"))
	}
	ts := l.cfg.now().Unix()
	want := map[string]string{} // Bayeux id -> channel
	var out []outMessage
	for _, ch := range channels {
		m := outMessage{Channel: "/meta/subscribe", ID: l.id(), ClientID: clientID, Subscription: ch,
			Ext: &ext{AccessToken: l.c.token.value(), Timestamp: ts}}
		want[m.ID] = ch
		out = append(out, m)
	}
	if err := tr.send(ctx, out); err != nil {
		return nil, err
	}
	var pending []inMessage
	for len(want) > 0 {
		msgs, err := tr.recv(ctx, pushRequestTimeout)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Channel != "/meta/subscribe" {
				if !strings.HasPrefix(m.Channel, "/meta/") && len(pending) < pendingLimit {
					pending = append(pending, m)
				}
				continue
			}
			ch, ok := want[m.ID]
			if !ok {
				continue
			}
			delete(want, m.ID)
			if m.Successful == nil || !*m.Successful {
				err := &PushError{Op: "subscribe", Channel: ch, Message: l.clean(m.Error)}
				if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) {
					return nil, fatalError{err}
				}
				return nil, err
			}
		}
		if len(want) > 0 && tr.name() == "long-polling" {
			return nil, &PushError{Op: "subscribe", Message: "the server did not answer every subscription"}
		}
	}
	return pending, nil
}

// baseline notes the newest message id of each tracked conversation, once.
func (l *listener) baseline(ctx context.Context) error {
	if l.baselined {
		return nil
	}
	for _, id := range l.cfg.track {
		s := l.conv(id)
		if s.last != "" {
			continue
		}
		newest, err := l.newestID(ctx, id)
		if err != nil {
			return l.restErr(err)
		}
		s.last = newest
	}
	l.baselined = true
	return nil
}

// restErr makes authorization failures of REST calls fatal.
func (l *listener) restErr(err error) error {
	if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) {
		return fatalError{err}
	}
	return err
}

// backfill delivers, for every covered conversation, the messages newer
// than the last one delivered, oldest first, at most backfillPages pages
// each.
func (l *listener) backfill(ctx context.Context) error {
	ids := make([]string, 0, len(l.convs))
	for id, s := range l.convs {
		if s.last != "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		s := l.convs[id]
		complete := false
		for range l.cfg.backfillPages {
			page, err := l.fetchPage(ctx, id, s.last, backfillPageSize)
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden) {
				// Left or removed: the conversation cannot be read any more.
				delete(l.convs, id)
				if !l.emit(&GapEvent{ConversationID: id, AfterID: s.last, Err: err}) {
					return errStop
				}
				complete = true
				break
			}
			if err != nil {
				return l.restErr(err)
			}
			for _, ev := range page {
				if !l.deliverEvent(id, ev.id, ev.ev) {
					return errStop
				}
			}
			if len(page) < backfillPageSize {
				complete = true
				break
			}
		}
		if !complete && !l.emit(&GapEvent{ConversationID: id, AfterID: s.last}) {
			return errStop
		}
	}
	return nil
}

type fetched struct {
	id string
	ev Event
}

// fetchPage is the one place Listen calls the REST API for messages: one
// page of conversation id, oldest first. With afterID it holds the messages
// just newer than afterID (the backfill); with afterID "" the newest ones
// (the baseline).
func (l *listener) fetchPage(ctx context.Context, id, afterID string, limit int) ([]fetched, error) {
	p := &MessageParams{AfterID: afterID, Limit: limit}
	var out []fetched
	if !l.conv(id).dm {
		page, err := l.c.ListMessages(ctx, id, p)
		if err != nil {
			return nil, err
		}
		for _, m := range page.Messages {
			out = append(out, fetched{m.ID, &GroupMessageEvent{Message: m, Backfilled: true}})
		}
	} else {
		page, err := l.c.ListDirectMessages(ctx, l.otherUser(id), p)
		if err != nil {
			return nil, err
		}
		for _, m := range page.DirectMessages {
			out = append(out, fetched{m.ID, &DirectMessageEvent{DirectMessage: m, ConversationID: id, Backfilled: true}})
		}
	}
	slices.SortStableFunc(out, func(a, b fetched) int { return compareIDs(a.id, b.id) })
	return out, nil
}

// newestID is the id of the newest message of conversation id ("0" when it
// has none, so that every later message is backfilled).
func (l *listener) newestID(ctx context.Context, id string) (string, error) {
	page, err := l.fetchPage(ctx, id, "", 1)
	if err != nil {
		return "", err
	}
	if len(page) == 0 {
		return "0", nil
	}
	return page[len(page)-1].id, nil
}

func (l *listener) otherUser(conversationID string) string {
	a, b, _ := strings.Cut(conversationID, "+")
	if a == l.userID {
		return b
	}
	return a
}

// deliverEvent hands a message event to the consumer unless its id was
// already delivered in that conversation.
func (l *listener) deliverEvent(convID, msgID string, ev Event) bool {
	s := l.conv(convID)
	if msgID != "" {
		if slices.Contains(s.seen, msgID) {
			return true
		}
		if len(s.seen) >= seenPerConversation {
			s.seen = slices.Delete(s.seen, 0, len(s.seen)-seenPerConversation+1)
		}
		s.seen = append(s.seen, msgID)
		if s.last == "" || compareIDs(msgID, s.last) > 0 {
			s.last = msgID
		}
	}
	return l.emit(ev)
}

// pushData is the part of a push's data object Listen reads.
type pushData struct {
	Type    string          `json:"type"`
	Alert   string          `json:"alert"`
	Subject json.RawMessage `json:"subject"`
	Ping    bool            `json:"ping"`
}

// deliver turns one data message into an event and hands it on.
func (l *listener) deliver(m inMessage) bool {
	if strings.HasPrefix(m.Channel, "/meta/") || len(m.Data) == 0 {
		return true
	}
	var d pushData
	if err := json.Unmarshal(m.Data, &d); err != nil {
		return l.emit(&RawEvent{Channel: m.Channel, Data: m.Data, DecodeErr: err})
	}
	raw := func(err error) bool {
		return l.emit(&RawEvent{Kind: d.Type, Channel: m.Channel, Data: m.Data, DecodeErr: err})
	}
	switch d.Type {
	case "ping":
		return true
	case "":
		if d.Ping {
			return true
		}
		return raw(nil)
	case "line.create":
		var msg Message
		if err := json.Unmarshal(d.Subject, &msg); err != nil || msg.ID == "" || msg.GroupID == "" {
			return raw(cmp.Or(err, errors.New("line.create without a message id or group id")))
		}
		return l.deliverEvent(msg.GroupID, msg.ID, &GroupMessageEvent{Message: msg, Alert: d.Alert, Channel: m.Channel})
	case "direct_message.create":
		var dm DirectMessage
		if err := json.Unmarshal(d.Subject, &dm); err != nil || dm.ID == "" {
			return raw(cmp.Or(err, errors.New("direct_message.create without a message id")))
		}
		conv := dmConversation(dm)
		if conv == "" {
			return raw(errors.New("direct_message.create without a conversation"))
		}
		return l.deliverEvent(conv, dm.ID, &DirectMessageEvent{DirectMessage: dm, ConversationID: conv, Alert: d.Alert, Channel: m.Channel})
	case "like.create", "favorite":
		var s struct {
			Line          json.RawMessage `json:"line"`
			DirectMessage json.RawMessage `json:"direct_message"`
			Reactions     []Reaction      `json:"reactions"`
			UserID        string          `json:"user_id"`
		}
		if err := json.Unmarshal(d.Subject, &s); err != nil {
			return raw(err)
		}
		ev := &LikeEvent{Kind: d.Type, UserID: s.UserID, Reactions: s.Reactions, Channel: m.Channel}
		if len(s.Line) > 0 && string(s.Line) != "null" {
			ev.Message = new(Message)
			if err := json.Unmarshal(s.Line, ev.Message); err != nil {
				return raw(err)
			}
		}
		if len(s.DirectMessage) > 0 && string(s.DirectMessage) != "null" {
			ev.DirectMessage = new(DirectMessage)
			if err := json.Unmarshal(s.DirectMessage, ev.DirectMessage); err != nil {
				return raw(err)
			}
		}
		return l.emit(ev)
	case "membership.create":
		var g Group
		if err := json.Unmarshal(d.Subject, &g); err != nil {
			return raw(err)
		}
		return l.emit(&MembershipEvent{Group: g, Alert: d.Alert, Channel: m.Channel})
	default:
		return raw(nil)
	}
}

// dmConversation is the "a+b" id of a direct message: chat_id or
// conversation_id when present, else built from its two users.
func dmConversation(dm DirectMessage) string {
	if dm.ChatID != nil && *dm.ChatID != "" {
		return *dm.ChatID
	}
	if dm.ConversationID != nil && *dm.ConversationID != "" {
		return *dm.ConversationID
	}
	a, b := dm.UserID, dm.RecipientID
	if a == "" || b == "" {
		return ""
	}
	if compareIDs(b, a) < 0 {
		a, b = b, a
	}
	return a + "+" + b
}
