// Package bayeux speaks the Bayeux protocol (Faye) that GroupMe's push
// service uses: the handshake, subscriptions and the connect loop, over
// WebSocket (github.com/coder/websocket) or HTTP long-polling. It knows
// nothing about GroupMe's events; the client package turns the data
// messages it returns into events, decides when to reconnect, and owns the
// back-off.
//
// Everything read is bounded: each WebSocket frame and each long-polling
// body has a size limit, everything read before a subscription is
// confirmed shares one byte budget, and every wait has a deadline. Server
// text that reaches an error (Bayeux error strings, WebSocket close
// reasons) first goes through Config.Scrub, so a server that echoes the
// token cannot make it appear in an error. No decision here depends on the
// text of an error: callers test errors with errors.Is and errors.As
// against the sentinels and types below.
package bayeux

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Limits and timeouts.
const (
	// FrameLimit bounds one WebSocket frame. GroupMe's pushes are a few
	// kilobytes; a frame of a megabyte is an attack or a fault.
	FrameLimit = 1 << 20
	// PollBodyLimit bounds one long-polling answer, which may carry every
	// message queued since the last connect.
	PollBodyLimit = 8 << 20
	// SetupBudget bounds everything read from the handshake until every
	// subscription of one Subscribe call is confirmed.
	SetupBudget = 2 << 20
	// RequestTimeout bounds the handshake and each Subscribe call as a
	// whole, however many frames arrive meanwhile.
	RequestTimeout = 30 * time.Second
	// WriteTimeout bounds sending one WebSocket frame.
	WriteTimeout = 15 * time.Second

	defaultAdviceTimeout = 30 * time.Second
	maxAdviceTimeout     = 2 * time.Minute
	maxAdviceInterval    = time.Minute
	replyMargin          = 15 * time.Second // beyond advice.timeout before a connect is dead
	pendingLimit         = 10000            // data messages held while subscribing
)

// Sentinel errors; they are wrapped, so test them with errors.Is.
var (
	// ErrMalformed: the server sent something that is not a Bayeux
	// message or array of messages.
	ErrMalformed = errors.New("bayeux: malformed message")
	// ErrTooLarge: a frame or body was over its limit, or the setup
	// budget was spent before every subscription was confirmed.
	ErrTooLarge = errors.New("bayeux: server sent more than the limit")
	// ErrNoAnswer: the server did not answer a request (a handshake, a
	// subscription, a connect) in time or at all.
	ErrNoAnswer = errors.New("bayeux: no answer from the server")
	// ErrRehandshake: the server's advice was reconnect "handshake": the
	// clientId is gone and a new session is needed.
	ErrRehandshake = errors.New("bayeux: server advised a new handshake")
	// ErrNoReconnect: the server's advice was reconnect "none".
	ErrNoReconnect = errors.New("bayeux: server advised not to reconnect")
	// ErrClosed: the server closed the WebSocket or refused the request.
	ErrClosed = errors.New("bayeux: connection closed by the server")
)

// Error is a failure of one Bayeux operation. Message is the server's text
// (scrubbed); Code is the Bayeux error code it starts with ("401::..."),
// or 0.
type Error struct {
	Op      string // "handshake", "subscribe", "connect", "read", "write", "post"
	Channel string // the subscription, for subscribe
	Code    int
	Message string
	Err     error // a sentinel above, or the underlying error
}

func (e *Error) Error() string {
	s := "bayeux: " + e.Op
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

func (e *Error) Unwrap() error { return e.Err }

// bayeuxCode reads the error code of a Bayeux error string ("403::x" is
// 403): three digits before the first colon, else 0.
func bayeuxCode(s string) int {
	head, _, ok := strings.Cut(s, ":")
	if !ok || len(head) != 3 {
		return 0
	}
	n, err := strconv.Atoi(head)
	if err != nil {
		return 0
	}
	return n
}

// Message is a Bayeux message as received. It has no ext field: GroupMe
// echoes the subscriber's ext (token included) on long-polling deliveries,
// and what is not decoded cannot leak.
type Message struct {
	Channel      string         `json:"channel"`
	ID           string         `json:"id"`
	ClientID     string         `json:"clientId"`
	Successful   *bool          `json:"successful"`
	Error        string         `json:"error"`
	Subscription jsontext.Value `json:"subscription"`
	Advice       *Advice        `json:"advice"`
	Data         jsontext.Value `json:"data"`
}

// IsMeta reports whether m is a protocol message (/meta/...) rather than
// a data message.
func (m *Message) IsMeta() bool { return strings.HasPrefix(m.Channel, "/meta/") }

// Advice is the server's advice on reconnecting; times in milliseconds.
type Advice struct {
	Reconnect string `json:"reconnect"`
	Interval  *int64 `json:"interval"`
	Timeout   *int64 `json:"timeout"`
}

// out is a Bayeux message as sent.
type out struct {
	Channel                  string   `json:"channel"`
	ID                       string   `json:"id"`
	ClientID                 string   `json:"clientId,omitempty"`
	Version                  string   `json:"version,omitempty"`
	SupportedConnectionTypes []string `json:"supportedConnectionTypes,omitempty"`
	ConnectionType           string   `json:"connectionType,omitempty"`
	Subscription             string   `json:"subscription,omitempty"`
	Ext                      *Ext     `json:"ext,omitempty"`
}

// Ext is the ext object of a subscription: GroupMe's signature. String,
// GoString and Format print it without the token.
type Ext struct {
	AccessToken string `json:"access_token"`
	Timestamp   int64  `json:"timestamp"` // seconds
}

func (Ext) String() string   { return "{access_token:REDACTED}" }
func (Ext) GoString() string { return "bayeux.Ext{REDACTED}" }

// Format prints String for every verb.
func (e Ext) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(e.String())) }

var decodeOptions = jsonv2.JoinOptions(
	jsonv2.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// decodeFrame reads a JSON array of Bayeux messages, or a single one.
func decodeFrame(b []byte) ([]Message, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var m Message
		if err := jsonv2.Unmarshal(b, &m, decodeOptions); err != nil {
			return nil, &Error{Op: "read", Err: ErrMalformed}
		}
		return []Message{m}, nil
	}
	var ms []Message
	if err := jsonv2.Unmarshal(b, &ms, decodeOptions); err != nil {
		return nil, &Error{Op: "read", Err: ErrMalformed}
	}
	return ms, nil
}

// Config says where the push service is and how to reach it.
type Config struct {
	URL string // the Faye endpoint, http:// or https://
	// HTTPClient sends the handshake and the long-polling requests. It
	// needs a Timeout above the advised timeout plus 15 seconds, or none.
	HTTPClient *http.Client
	// DialTransport carries the WebSocket upgrade; nil means
	// http.DefaultTransport.
	DialTransport http.RoundTripper
	UserAgent     string
	LongPollOnly  bool
	// Scrub removes secrets from text the server wrote (error strings,
	// close reasons) before it goes into an error. ScrubErr does the same
	// for errors of the transport (which may quote a URL). Both may be
	// nil.
	Scrub    func(string) string
	ScrubErr func(error) error
}

// maxServerText bounds how much of a server's text goes into an error.
const maxServerText = 256

// scrub makes server text fit for an error: secrets removed (Config.Scrub),
// control characters escaped as in a Go string literal (a close reason
// with ESC sequences must not drive the terminal that prints it), at
// most maxServerText bytes.
func (c *Config) scrub(s string) string {
	if c.Scrub != nil {
		s = c.Scrub(s)
	}
	s = strings.TrimSpace(s)
	if len(s) > maxServerText {
		s = strings.ToValidUTF8(s[:maxServerText], "") + "..."
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

func (c *Config) scrubErr(err error) error {
	if c.ScrubErr != nil {
		return c.ScrubErr(err)
	}
	return err
}

// transport exchanges Bayeux messages within a session.
type transport interface {
	name() string
	send(ctx context.Context, msgs []out) error
	// recv returns the next batch of messages, waiting at most until ctx
	// is done, and how many bytes it read for them.
	recv(ctx context.Context) ([]Message, int, error)
	close()
}

// Session is one clientId on one transport. It is not safe for concurrent
// use.
type Session struct {
	cfg      Config
	clientID string
	tr       transport
	nextID   int
	interval time.Duration
	timeout  time.Duration
	budget   int  // bytes left for reading until the subscriptions are confirmed
	setup    bool // no Subscribe has completed yet since the last budget reset
}

// Handshake asks the server for a clientId over HTTP (GroupMe's WebSocket
// transport too starts with a handshake by POST) and opens the transport:
// a WebSocket, or long-polling when the upgrade fails or
// Config.LongPollOnly is set.
func Handshake(ctx context.Context, cfg Config) (*Session, error) {
	s := &Session{cfg: cfg, budget: SetupBudget, setup: true}
	types := []string{"websocket", "long-polling"}
	if cfg.LongPollOnly {
		types = []string{"long-polling"}
	}
	hs := out{Channel: "/meta/handshake", ID: s.id(), Version: "1.0", SupportedConnectionTypes: types}
	ctx2, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	msgs, n, err := s.post(ctx2, []out{hs}, SetupBudget)
	if err != nil {
		return nil, opError("handshake", err)
	}
	if err := s.spend(n); err != nil {
		return nil, opError("handshake", err)
	}
	for _, m := range msgs {
		if m.Channel != "/meta/handshake" {
			continue
		}
		s.applyAdvice(m.Advice)
		// A handshake's own advice "handshake" is the normal one.
		if err := s.adviceErr(m, "handshake"); err != nil && !errors.Is(err, ErrRehandshake) {
			return nil, err
		}
		if m.ClientID == "" {
			return nil, &Error{Op: "handshake", Message: "no clientId in the reply", Err: ErrMalformed}
		}
		s.clientID = m.ClientID
		break
	}
	if s.clientID == "" {
		return nil, &Error{Op: "handshake", Message: "no /meta/handshake reply", Err: ErrNoAnswer}
	}
	if !cfg.LongPollOnly {
		ws, err := s.dial(ctx)
		if err == nil {
			s.tr = ws
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	s.tr = &longPoll{s: s}
	return s, nil
}

// opError puts err under op unless it already is a *Error.
func opError(op string, err error) error {
	var be *Error
	if errors.As(err, &be) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &Error{Op: op, Err: err}
}

// Transport is "websocket" or "long-polling".
func (s *Session) Transport() string { return s.tr.name() }

// ClientID is the server's id of this session.
func (s *Session) ClientID() string { return s.clientID }

// Interval is the server's advised wait between connects, bounded to a
// minute.
func (s *Session) Interval() time.Duration { return s.interval }

// Close ends the transport.
func (s *Session) Close() {
	if s.tr != nil {
		s.tr.close()
	}
}

func (s *Session) id() string {
	s.nextID++
	return strconv.Itoa(s.nextID)
}

func (s *Session) spend(n int) error {
	s.budget -= n
	if s.budget < 0 {
		return fmt.Errorf("%w: %d bytes before every subscription was confirmed", ErrTooLarge, SetupBudget)
	}
	return nil
}

// applyAdvice records the server's advice, bounded.
func (s *Session) applyAdvice(a *Advice) {
	if a == nil {
		return
	}
	if a.Interval != nil {
		s.interval = min(max(time.Duration(*a.Interval)*time.Millisecond, 0), maxAdviceInterval)
	}
	if a.Timeout != nil && *a.Timeout > 0 {
		s.timeout = min(time.Duration(*a.Timeout)*time.Millisecond, maxAdviceTimeout)
	}
}

// replyWait is how long a connect may stay unanswered.
func (s *Session) replyWait() time.Duration {
	t := s.timeout
	if t <= 0 {
		t = defaultAdviceTimeout
	}
	return t + replyMargin
}

// adviceErr turns an unsuccessful reply or a "handshake"/"none" advice into
// the error that ends the session.
func (s *Session) adviceErr(m Message, op string) error {
	if m.Advice != nil && m.Advice.Reconnect == "none" {
		return &Error{Op: op, Code: bayeuxCode(m.Error), Message: s.cfg.scrub(m.Error), Err: ErrNoReconnect}
	}
	if m.Successful != nil && !*m.Successful {
		e := &Error{Op: op, Code: bayeuxCode(m.Error), Message: s.cfg.scrub(m.Error)}
		if m.Advice != nil && m.Advice.Reconnect == "handshake" {
			e.Err = ErrRehandshake
		}
		return e
	}
	if m.Advice != nil && m.Advice.Reconnect == "handshake" {
		return &Error{Op: op, Err: ErrRehandshake}
	}
	return nil
}

// Subscribe subscribes to channels, each with ext (ext.AccessToken is the
// signature), and returns the data messages that arrived meanwhile. It
// fails when any subscription is refused (a *Error with the server's
// code), when the server has not answered every one within
// RequestTimeout however many other frames it sent, and when it sent
// more than SetupBudget bytes first.
func (s *Session) Subscribe(ctx context.Context, channels []string, ext Ext) ([]Message, error) {
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	s.setup = true
	defer func() { s.setup = false; s.budget = SetupBudget }()
	want := map[string]string{} // Bayeux id -> channel
	msgs := make([]out, 0, len(channels))
	for _, ch := range channels {
		e := ext
		m := out{Channel: "/meta/subscribe", ID: s.id(), ClientID: s.clientID, Subscription: ch, Ext: &e}
		want[m.ID] = ch
		msgs = append(msgs, m)
	}
	if err := s.tr.send(ctx, msgs); err != nil {
		return nil, s.timeoutErr(ctx, "subscribe", err)
	}
	var pending []Message
	for len(want) > 0 {
		got, n, err := s.tr.recv(ctx)
		if err != nil {
			return nil, s.timeoutErr(ctx, "subscribe", err)
		}
		if err := s.spend(n); err != nil {
			return nil, &Error{Op: "subscribe", Err: err}
		}
		for _, m := range got {
			if m.Channel != "/meta/subscribe" {
				if !m.IsMeta() && len(pending) < pendingLimit {
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
				return nil, &Error{Op: "subscribe", Channel: ch, Code: bayeuxCode(m.Error), Message: s.cfg.scrub(m.Error)}
			}
		}
		if len(want) > 0 && s.tr.name() == "long-polling" {
			return nil, &Error{Op: "subscribe", Message: "the server did not answer every subscription", Err: ErrNoAnswer}
		}
	}
	return pending, nil
}

// timeoutErr reports the expiry of op's own deadline as ErrNoAnswer.
func (s *Session) timeoutErr(ctx context.Context, op string, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Op: op, Message: "timed out", Err: ErrNoAnswer}
	}
	return opError(op, err)
}

// Connect sends one /meta/connect and reads until it is answered. Data
// messages that arrive meanwhile are passed to deliver as they come; if
// deliver returns false Connect returns with ok false at once. An
// unsuccessful answer or an advice to handshake again or to stop ends in
// an error (ErrRehandshake, ErrNoReconnect).
func (s *Session) Connect(ctx context.Context, deliver func(Message) bool) (ok bool, err error) {
	connect := out{Channel: "/meta/connect", ID: s.id(), ClientID: s.clientID, ConnectionType: s.tr.name()}
	if err := s.tr.send(ctx, []out{connect}); err != nil {
		return true, opError("connect", err)
	}
	for {
		rctx, cancel := context.WithTimeout(ctx, s.replyWait())
		got, _, err := s.tr.recv(rctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				return true, &Error{Op: "connect", Message: "no answer within the advised timeout", Err: ErrNoAnswer}
			}
			return true, opError("connect", err)
		}
		answered := false
		for _, m := range got {
			if m.Channel != "/meta/connect" {
				if !m.IsMeta() && !deliver(m) {
					return false, nil
				}
				continue
			}
			answered = true
			s.applyAdvice(m.Advice)
			if err := s.adviceErr(m, "connect"); err != nil {
				return true, err
			}
		}
		if answered {
			return true, nil
		}
	}
}
