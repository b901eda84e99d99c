package client

// Listen's machinery: the reconnect loop, one session (handshake,
// subscribe, connect loop over internal/bayeux), the REST catch-up and the
// turning of pushes into events.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/groupme-go/groupme/internal/backoff"
	"github.com/groupme-go/groupme/internal/bayeux"
)

// listener is the state of one Listen call.
type listener struct {
	c       *Client
	cfg     listenConfig
	url     string
	yield   func(Event, error) bool
	stopped bool // the consumer broke out of the loop
	emitted int  // events handed to the consumer so far

	userID    string
	sessions  int
	baselined bool
	convs     map[string]*convState
	interval  time.Duration // the last advice.interval
}

// convState is what Listen remembers about one conversation.
type convState struct {
	// last is the highest message id delivered (or ResumeAfter's); no
	// message at or below it is delivered again. "" when none.
	last string
	// baseline is Track's: the newest id when the first session was
	// subscribed. The catch-up starts after it, but a push of an id at or
	// below it is still delivered (it may have been sent between the
	// subscription and the look-up), so it is not a high-water mark.
	baseline string
	dm       bool
}

// after is where the next catch-up starts: the higher of last and
// baseline, "" when the conversation is not covered.
func (s *convState) after() string {
	if s.last == "" || (s.baseline != "" && compareIDs(s.baseline, s.last) > 0) {
		return s.baseline
	}
	return s.last
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
	l.emitted++
	if !l.yield(ev, nil) {
		l.stopped = true
	}
	return !l.stopped
}

// fatalError marks an error that ends Listen.
type fatalError struct{ err error }

func (e fatalError) Error() string { return e.err.Error() }
func (e fatalError) Unwrap() error { return e.err }

// errStop ends a session because the consumer stopped.
var errStop = errors.New("groupme: listen stopped")

// run is the reconnect loop. Every session that does not turn healthy,
// whatever failed in it, is a failed attempt: it doubles the back-off and
// counts against MaxReconnectAttempts. No wait is shorter than the
// shortest back-off, whatever the server advised.
func (l *listener) run(ctx context.Context) {
	fails := 0
	for {
		if ctx.Err() != nil {
			return
		}
		healthy, err := l.session(ctx)
		if l.stopped || errors.Is(err, errStop) || ctx.Err() != nil {
			return
		}
		var fe fatalError
		if errors.As(err, &fe) {
			l.yield(nil, fe.err)
			return
		}
		if healthy {
			fails = 0
		} else {
			fails++
		}
		if fails >= l.cfg.maxAttempts {
			l.yield(nil, &PushError{Op: "connect", Message: fmt.Sprintf("gave up after %d attempts", fails), Err: err})
			return
		}
		wait := max(l.interval, l.cfg.minBackoff)
		if fails > 0 {
			wait = max(backoff.Delay(fails, l.cfg.minBackoff, l.cfg.maxBackoff), l.interval)
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

// bayeuxConfig is how internal/bayeux reaches the push service for this
// Client: its HTTP client for long-polling, the caller's transport for the
// WebSocket, and the Client's redaction for server text.
func (l *listener) bayeuxConfig() bayeux.Config {
	base := http.DefaultTransport
	if l.c.callerHC != nil && l.c.callerHC.Transport != nil {
		base = l.c.callerHC.Transport
	}
	tok := l.c.token.value()
	return bayeux.Config{
		URL:           l.url,
		HTTPClient:    l.c.hc,
		DialTransport: base,
		UserAgent:     l.c.userAgent,
		LongPollOnly:  l.cfg.longPollOnly,
		Scrub:         func(s string) string { return redactText(s, tok) },
		ScrubErr:      l.c.redactTransport,
	}
}

// pushErr turns an error of internal/bayeux into a *PushError; a refused
// subscription with code 401 or 403 and an advice not to reconnect end
// Listen.
func (l *listener) pushErr(err error) error {
	var be *bayeux.Error
	if !errors.As(err, &be) {
		return err
	}
	pe := &PushError{Op: be.Op, Channel: be.Channel, Message: be.Message, Err: be.Err, code: be.Code}
	if errors.Is(err, bayeux.ErrNoReconnect) || (be.Op == "subscribe" && (be.Code == http.StatusUnauthorized || be.Code == http.StatusForbidden)) {
		return fatalError{pe}
	}
	return pe
}

// channels are the subscriptions of a session.
func (l *listener) channels() []string {
	channels := []string{"/user/" + l.userID}
	for _, g := range l.cfg.groups {
		channels = append(channels, "/group/"+g)
	}
	for _, d := range l.cfg.dms {
		channels = append(channels, "/direct_message/"+strings.ReplaceAll(d, "+", "_"))
	}
	return channels
}

func (l *listener) subscribe(ctx context.Context, s *bayeux.Session) ([]bayeux.Message, error) {
	pending, err := s.Subscribe(ctx, l.channels(), bayeux.Ext{AccessToken: l.c.token.value(), Timestamp: l.cfg.now().Unix()})
	return pending, l.pushErr(err)
}

// session runs one handshake-subscribe-connect cycle. healthy reports
// whether it delivered a push or stayed up healthyAfter.
func (l *listener) session(ctx context.Context) (healthy bool, err error) {
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
	s, err := bayeux.Handshake(ctx, l.bayeuxConfig())
	if err != nil {
		return false, l.pushErr(err)
	}
	defer s.Close()
	l.interval = s.Interval()

	pending, err := l.subscribe(ctx, s)
	if err != nil {
		return false, err
	}
	live := &liveSession{l: l, s: s, start: l.cfg.now()}
	live.subscribed = live.start
	l.sessions++
	if !l.emit(&ConnectedEvent{Transport: s.Transport(), Reconnect: l.sessions > 1}) {
		return true, errStop
	}
	if err := l.baseline(ctx); err != nil {
		return live.healthy(), err
	}
	if err := l.backfill(ctx); err != nil {
		return live.healthy(), err
	}
	if !live.deliverAll(pending) {
		return true, errStop
	}
	err = live.connectLoop(ctx)
	if errors.Is(err, errStop) {
		return true, err
	}
	return live.healthy(), err
}

// liveSession is a subscribed session.
type liveSession struct {
	l                 *listener
	s                 *bayeux.Session
	start, subscribed time.Time
	delivered         bool // a push was delivered
}

func (ls *liveSession) healthy() bool {
	return ls.delivered || ls.l.cfg.now().Sub(ls.start) >= healthyAfter
}

// deliver hands on a push and notes whether it made an event.
func (ls *liveSession) deliver(m bayeux.Message) bool {
	before := ls.l.emitted
	ok := ls.l.deliver(m)
	ls.delivered = ls.delivered || ls.l.emitted > before
	return ok
}

func (ls *liveSession) deliverAll(msgs []bayeux.Message) bool {
	for _, m := range msgs {
		if !ls.deliver(m) {
			return false
		}
	}
	return true
}

// connectLoop sends /meta/connect after /meta/connect until the session
// fails, renewing the signature before it expires.
func (ls *liveSession) connectLoop(ctx context.Context) error {
	l := ls.l
	for {
		if l.cfg.now().Sub(ls.subscribed) >= signatureLifetime {
			// A fresh signature on the same clientId: nothing published
			// meanwhile is lost, unlike with a new handshake.
			more, err := l.subscribe(ctx, ls.s)
			if err != nil {
				return err
			}
			ls.subscribed = l.cfg.now()
			if !ls.deliverAll(more) {
				return errStop
			}
		}
		sent, before := l.cfg.now(), l.emitted
		ok, err := ls.s.Connect(ctx, ls.deliver)
		if !ok {
			return errStop
		}
		l.interval = ls.s.Interval()
		if err != nil {
			return l.pushErr(err)
		}
		wait := l.interval
		if l.emitted == before {
			// An empty answer: never sooner than minConnectGap after the
			// last connect, whatever the advice.
			wait = max(wait, minConnectGap-l.cfg.now().Sub(sent))
		}
		if wait > 0 {
			if err := l.cfg.sleep(ctx, wait); err != nil {
				return err
			}
		}
	}
}

// baseline notes the newest message id of each tracked conversation, once.
func (l *listener) baseline(ctx context.Context) error {
	if l.baselined {
		return nil
	}
	for _, id := range l.cfg.track {
		s := l.conv(id)
		if s.after() != "" {
			continue
		}
		newest, err := l.newestID(ctx, id)
		if err != nil {
			return l.restErr(err)
		}
		s.baseline = newest
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
		if s.after() != "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		s := l.convs[id]
		complete := false
		for range l.cfg.backfillPages {
			page, err := l.fetchPage(ctx, id, s.after(), backfillPageSize)
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden) {
				// Left or removed: the conversation cannot be read any more.
				delete(l.convs, id)
				if !l.emit(&GapEvent{ConversationID: id, AfterID: s.after(), Err: err}) {
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
		if !complete && !l.emit(&GapEvent{ConversationID: id, AfterID: s.after()}) {
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

// deliverEvent hands a message event to the consumer unless its id is not
// above the highest one delivered in that conversation: GroupMe's message
// ids grow, so one high-water mark per conversation filters every
// duplicate (a message pushed on two channels, pushed and backfilled, or
// replayed by the server any time later) in constant memory.
func (l *listener) deliverEvent(convID, msgID string, ev Event) bool {
	s := l.conv(convID)
	if msgID != "" {
		if s.last != "" && compareIDs(msgID, s.last) <= 0 {
			return true
		}
		s.last = msgID
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
func (l *listener) deliver(bm bayeux.Message) bool {
	if bm.IsMeta() || len(bm.Data) == 0 {
		return true
	}
	m := struct {
		Channel string
		Data    json.RawMessage
	}{bm.Channel, json.RawMessage(bm.Data)}
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
