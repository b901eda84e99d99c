package client_test

// Listen against the contracttest fake's push service (/faye on the same
// server as the REST fake). No test waits on the real clock: the back-off
// goes through ListenSleep, and every step waits for an event.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// listenStream steps through a Listen call from the test goroutine.
type listenStream struct {
	t    *testing.T
	next func() (client.Event, error, bool)
	stop func()
}

func startListen(t *testing.T, c *client.Client, opts ...client.ListenOption) *listenStream {
	t.Helper()
	// Not a wait: a bound on a broken test, which would otherwise hang
	// until go test's own timeout. The stream then ends and until fails.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	next, stop := iter.Pull2(c.Listen(ctx, opts...))
	t.Cleanup(func() { stop(); cancel() })
	return &listenStream{t: t, next: next, stop: stop}
}

// until returns the first event for which match is true; every event up to
// and including it goes to seen (when not nil). It fails on an error or after 2000 events.
func (s *listenStream) until(what string, match func(client.Event) bool, seen func(client.Event)) client.Event {
	s.t.Helper()
	for range 2000 {
		ev, err, ok := s.next()
		if !ok {
			s.t.Fatalf("waiting for %s: the stream ended", what)
		}
		if err != nil {
			s.t.Fatalf("waiting for %s: %v", what, err)
		}
		if seen != nil {
			seen(ev)
		}
		if match(ev) {
			return ev
		}
	}
	s.t.Fatalf("waiting for %s: 2000 other events", what)
	return nil
}

func isConnected(ev client.Event) bool { _, ok := ev.(*client.ConnectedEvent); return ok }

func isMessage(id string) func(client.Event) bool {
	return func(ev client.Event) bool {
		switch ev := ev.(type) {
		case *client.GroupMessageEvent:
			return ev.Message.ID == id
		case *client.DirectMessageEvent:
			return ev.DirectMessage.ID == id
		}
		return false
	}
}

// pushWorld is a fake with a listening user (me) and another user who
// writes to them.
type pushWorld struct {
	srv       *contracttest.Server
	me, other contracttest.Account
	group     string // both are members
	dmConv    string
	c, oc     *client.Client
}

func newPushWorld(t *testing.T, opts ...client.Option) *pushWorld {
	t.Helper()
	srv := contracttest.NewServer(t)
	w := &pushWorld{srv: srv, me: srv.Dataset.Users[0], other: srv.Dataset.Users[1], group: srv.Dataset.Groups[0]}
	w.c = e2eClient(t, srv, w.me.Token, opts...)
	w.oc = e2eClient(t, srv, w.other.Token)
	a, b := w.me.ID, w.other.ID
	if len(b) < len(a) || (len(a) == len(b) && b < a) {
		a, b = b, a
	}
	w.dmConv = a + "+" + b
	return w
}

func (w *pushWorld) send(t *testing.T, text string) string {
	t.Helper()
	m, err := w.oc.CreateMessage(t.Context(), w.group, client.NewMessage{Text: client.Ptr(text)})
	if err != nil {
		t.Fatalf("CreateMessage: %v", err)
	}
	return m.ID
}

func (w *pushWorld) sendDM(t *testing.T, text string) string {
	t.Helper()
	m, err := w.oc.CreateDirectMessage(t.Context(), client.NewDirectMessage{RecipientID: w.me.ID, Text: client.Ptr(text)})
	if err != nil {
		t.Fatalf("CreateDirectMessage: %v", err)
	}
	return m.ID
}

// Messages, direct messages and likes made through the REST API arrive as
// typed events, over WebSocket, over the long-polling fallback when the
// upgrade fails, and over long-polling on request.
func TestListenLiveEvents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		noWS      bool
		opts      []client.ListenOption
		transport string
	}{
		{"websocket", false, nil, "websocket"},
		{"fallback when the upgrade fails", true, nil, "long-polling"},
		{"long-polling on request", false, []client.ListenOption{client.LongPolling()}, "long-polling"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newPushWorld(t)
			w.srv.Fake.SetPushWebSocket(!tc.noWS)
			s := startListen(t, w.c, tc.opts...)
			conn := s.until("connected", isConnected, nil).(*client.ConnectedEvent)
			if conn.Transport != tc.transport || conn.Reconnect {
				t.Fatalf("connected %+v, want transport %s, first session", conn, tc.transport)
			}

			id := w.send(t, "hello over push")
			ev := s.until("the group message", isMessage(id), nil).(*client.GroupMessageEvent)
			if ev.Backfilled || ev.Channel != "/user/"+w.me.ID || ev.Message.GroupID != w.group ||
				ev.Message.Text == nil || *ev.Message.Text != "hello over push" || !strings.Contains(ev.Alert, "hello over push") {
				t.Errorf("group message event %+v", ev)
			}

			dmID := w.sendDM(t, "psst")
			dm := s.until("the direct message", isMessage(dmID), nil).(*client.DirectMessageEvent)
			if dm.ConversationID != w.dmConv || dm.DirectMessage.RecipientID != w.me.ID {
				t.Errorf("direct message event: conversation %q, recipient %q", dm.ConversationID, dm.DirectMessage.RecipientID)
			}

			mine, err := w.c.CreateMessage(t.Context(), w.group, client.NewMessage{Text: client.Ptr("my own")})
			if err != nil {
				t.Fatal(err)
			}
			s.until("my own message", isMessage(mine.ID), nil)
			if _, err := w.oc.LikeMessage(t.Context(), w.group, mine.ID, nil); err != nil {
				t.Fatal(err)
			}
			like := s.until("the like", func(ev client.Event) bool { _, ok := ev.(*client.LikeEvent); return ok }, nil).(*client.LikeEvent)
			if like.Type() != "like.create" || like.UserID != w.other.ID || like.Message == nil || like.Message.ID != mine.ID {
				t.Errorf("like event %+v", like)
			}
		})
	}
}

// The connection drops; messages are sent while it is down and while the
// new session is backfilling. Every message arrives exactly once, in
// ascending id order per conversation, on both transports.
func TestListenReconnectBackfillsExactlyOnce(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"websocket", "long-polling"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			w := newPushWorld(t, client.WithLogger(slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			var opts []client.ListenOption
			if transport == "long-polling" {
				opts = append(opts, client.LongPolling())
			}
			var sleeps []time.Duration
			opts = append(opts, client.ListenSleep(func(ctx context.Context, d time.Duration) error {
				sleeps = append(sleeps, d)
				return ctx.Err()
			}))
			s := startListen(t, w.c, opts...)

			count := map[string]int{}
			order := map[string][]string{}
			backfilled := map[string]bool{}
			record := func(ev client.Event) {
				switch ev := ev.(type) {
				case *client.GroupMessageEvent:
					count[ev.Message.ID]++
					order[ev.Message.GroupID] = append(order[ev.Message.GroupID], ev.Message.ID)
					backfilled[ev.Message.ID] = ev.Backfilled
				case *client.DirectMessageEvent:
					count[ev.DirectMessage.ID]++
					order[ev.ConversationID] = append(order[ev.ConversationID], ev.DirectMessage.ID)
					backfilled[ev.DirectMessage.ID] = ev.Backfilled
				}
			}
			s.until("connected", isConnected, record)
			var want []string
			live := w.send(t, "before the drop")
			liveDM := w.sendDM(t, "dm before the drop")
			want = append(want, live, liveDM)
			s.until("the DM before the drop", isMessage(liveDM), record)

			w.srv.Fake.DropPushConnections()
			disc := s.until("the disconnect", func(ev client.Event) bool { _, ok := ev.(*client.DisconnectedEvent); return ok }, record).(*client.DisconnectedEvent)
			if disc.Attempt != 0 || disc.RetryIn != time.Second || disc.Err == nil {
				t.Errorf("disconnect after a live session: %+v (want an error, attempt 0, retry after the 1s floor: the fake advises 0)", disc)
			}
			if strings.Contains(disc.Err.Error(), w.me.Token) {
				t.Errorf("the disconnect error shows the token: %v", disc.Err)
			}
			var down []string
			for i := range 3 {
				down = append(down, w.send(t, fmt.Sprintf("while down %d", i)))
			}
			down = append(down, w.sendDM(t, "dm while down"))
			want = append(want, down...)

			conn := s.until("the reconnect", isConnected, record).(*client.ConnectedEvent)
			if !conn.Reconnect {
				t.Errorf("second session not marked as a reconnect: %+v", conn)
			}
			// Sent after the new subscription and before the backfill: they
			// arrive over push and through the backfill, and must be
			// delivered once.
			for i := range 2 {
				want = append(want, w.send(t, fmt.Sprintf("during backfill %d", i)))
			}
			s.until("the last message sent during the backfill", isMessage(want[len(want)-1]), record)
			// Pushed after the duplicates queued for this session, so any
			// duplicate would show before it.
			sentinel := w.send(t, "sentinel")
			s.until("the sentinel", isMessage(sentinel), record)

			for _, id := range want {
				if count[id] != 1 {
					t.Errorf("message %s delivered %d times, want exactly once", id, count[id])
				}
			}
			for _, id := range down {
				if !backfilled[id] {
					t.Errorf("message %s, sent while disconnected, not marked Backfilled", id)
				}
			}
			for conv, ids := range order {
				if !slices.IsSortedFunc(ids, func(a, b string) int {
					if len(a) != len(b) {
						return len(a) - len(b)
					}
					return strings.Compare(a, b)
				}) {
					t.Errorf("conversation %s delivered out of order: %v", conv, ids)
				}
			}
			if !slices.Equal(sleeps, []time.Duration{time.Second}) {
				t.Errorf("slept %v; one reconnect wait (the 1s floor) expected", sleeps)
			}
			s.stop()
			if strings.Contains(logs.String(), w.me.Token) {
				t.Error("the token appears in the client's log")
			}
		})
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// Failed attempts back off exponentially within bounds, and Listen gives up
// after MaxReconnectAttempts with a *PushError.
func TestListenBackoffAndGiveUp(t *testing.T) {
	t.Parallel()
	w := newPushWorld(t)
	w.srv.Fake.FailPushHandshakes(3)
	var sleeps []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }
	s := startListen(t, w.c, client.ListenSleep(sleep), client.ReconnectBackoff(time.Second, 3*time.Second))
	var discs []*client.DisconnectedEvent
	s.until("connected", isConnected, func(ev client.Event) {
		if d, ok := ev.(*client.DisconnectedEvent); ok {
			discs = append(discs, d)
		}
	})
	caps := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	if len(discs) != 3 {
		t.Fatalf("%d disconnect events before connecting, want 3", len(discs))
	}
	for i, d := range discs {
		if d.Attempt != i+1 || d.RetryIn < caps[i]/2 || d.RetryIn > caps[i] || sleeps[i] != d.RetryIn {
			t.Errorf("attempt %d: %+v slept %v; want attempt %d, wait within [%v, %v]", i, d, sleeps[i], i+1, caps[i]/2, caps[i])
		}
	}
	if got := w.srv.Fake.PushHandshakes(); got != 4 {
		t.Errorf("%d handshakes, want 4", got)
	}

	w2 := newPushWorld(t)
	w2.srv.Fake.FailPushHandshakes(100)
	var err error
	n := 0
	for ev, e := range w2.c.Listen(t.Context(), client.ListenSleep(sleep), client.MaxReconnectAttempts(2)) {
		if e != nil {
			err = e
			break
		}
		if _, ok := ev.(*client.DisconnectedEvent); ok {
			n++
		}
	}
	var pe *client.PushError
	if !errors.As(err, &pe) || n != 1 {
		t.Fatalf("after 2 failed attempts: error %v (%d disconnect events), want a *PushError after 1", err, n)
	}
	if got := w2.srv.Fake.PushHandshakes(); got != 2 {
		t.Errorf("%d handshakes, want 2", got)
	}
}

// A token the fake does not know ends Listen with ErrUnauthorized, and the
// error does not show the token.
func TestListenUnauthorized(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t)
	c := e2eClient(t, srv, "not-a-known-token-123")
	for _, err := range c.Listen(t.Context()) {
		if !errors.Is(err, client.ErrUnauthorized) {
			t.Fatalf("error %v, want ErrUnauthorized", err)
		}
		if strings.Contains(err.Error(), "not-a-known-token-123") {
			t.Fatalf("the error shows the token: %v", err)
		}
		return
	}
	t.Fatal("the stream ended without an error")
}

// Events the REST API cannot cause (typing, types nobody knows) pass
// through unchanged as *RawEvent; keep-alive pings do not.
func TestListenPassesUnknownTypesThrough(t *testing.T) {
	t.Parallel()
	w := newPushWorld(t)
	s := startListen(t, w.c, client.SubscribeGroups(w.group))
	s.until("connected", isConnected, nil)
	for _, data := range []string{`{"type":"ping"}`, `{"ping":true}`, `{"type":"typing","user_id":"7","started":1751404765673}`, `{"type":"brand.new.thing","x":[1,"2"]}`} {
		if err := w.srv.Fake.PublishPush("/group/"+w.group, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for len(got) < 2 {
		ev := s.until("a raw event", func(ev client.Event) bool { _, ok := ev.(*client.RawEvent); return ok }, nil).(*client.RawEvent)
		if ev.DecodeErr != nil || ev.Channel != "/group/"+w.group {
			t.Errorf("raw event %+v", ev)
		}
		got = append(got, ev.Type()+" "+string(ev.Data))
	}
	want := []string{`typing {"type":"typing","user_id":"7","started":1751404765673}`, `brand.new.thing {"type":"brand.new.thing","x":[1,"2"]}`}
	if !slices.Equal(got, want) {
		t.Errorf("raw events\n got %q\nwant %q", got, want)
	}
}

// ResumeAfter backfills from a stored id on the first connect; Track covers
// a conversation from the first connect although nothing of it was seen;
// BackfillPages bounds the backfill and reports the gap.
func TestListenResumeTrackAndGap(t *testing.T) {
	t.Parallel()
	w := newPushWorld(t)
	history := w.srv.Fake.GroupMessages(w.group)
	from := history[len(history)-4].ID // three newer messages exist
	other := w.srv.Dataset.Groups[1]
	s := startListen(t, w.c, client.ResumeAfter(w.group, from), client.Track(other), client.BackfillPages(1))
	s.until("connected", isConnected, nil)
	for _, m := range history[len(history)-3:] {
		ev := s.until("a resumed message", func(client.Event) bool { return true }, nil)
		got, ok := ev.(*client.GroupMessageEvent)
		if !ok || got.Message.ID != m.ID || !got.Backfilled {
			t.Fatalf("resumed event %#v, want backfilled message %s", ev, m.ID)
		}
	}
	w.srv.Fake.DropPushConnections()
	s.until("the disconnect", func(ev client.Event) bool { _, ok := ev.(*client.DisconnectedEvent); return ok }, nil)
	var ids []string
	for i := range 101 {
		m, err := w.c.CreateMessage(t.Context(), other, client.NewMessage{Text: client.Ptr(fmt.Sprint("tracked ", i))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	s.until("the reconnect", isConnected, nil)
	for _, id := range ids[:100] {
		ev := s.until("a backfilled message", func(client.Event) bool { return true }, nil)
		if got, ok := ev.(*client.GroupMessageEvent); !ok || got.Message.ID != id || !got.Backfilled {
			t.Fatalf("event %#v, want backfilled message %s of the tracked group", ev, id)
		}
	}
	gap := s.until("the gap", func(ev client.Event) bool { _, ok := ev.(*client.GapEvent); return ok }, nil).(*client.GapEvent)
	if gap.ConversationID != other || gap.AfterID != ids[99] {
		t.Errorf("gap %+v, want conversation %s after %s", gap, other, ids[99])
	}
}

// Subscribed to both the user and the group channel, the fake (like
// GroupMe) pushes a group message on each; it is delivered once.
func TestListenDedupesAcrossChannels(t *testing.T) {
	t.Parallel()
	w := newPushWorld(t)
	s := startListen(t, w.c, client.SubscribeGroups(w.group))
	s.until("connected", isConnected, nil)
	id := w.send(t, "twice on the wire")
	count := 0
	s.until("the message", isMessage(id), nil)
	sentinel := w.send(t, "sentinel")
	s.until("the sentinel", isMessage(sentinel), func(ev client.Event) {
		if isMessage(id)(ev) {
			count++
		}
	})
	if count != 0 {
		t.Errorf("message %s delivered %d more times", id, count)
	}
}

// tourListen is TestE2EListen's scenario: a message sent by writer to
// group reaches the listener live.
func tourListen(t *testing.T, listener, writer *client.Client, group string) {
	s := startListen(t, listener)
	s.until("connected", isConnected, nil)
	m, err := writer.CreateMessage(t.Context(), group, client.NewMessage{Text: client.Ptr("live from the tour")})
	if err != nil {
		t.Fatal(err)
	}
	ev := s.until("the tour's message", isMessage(m.ID), nil).(*client.GroupMessageEvent)
	if ev.Backfilled || ev.Message.Text == nil || *ev.Message.Text != "live from the tour" {
		t.Errorf("Listen delivered %+v", ev)
	}
	s.stop()
}

// A user who leaves a group while disconnected is told, once, that the
// group can no longer be backfilled; the stream goes on.
func TestListenForgetsAConversationItCannotRead(t *testing.T) {
	t.Parallel()
	w := newPushWorld(t)
	s := startListen(t, w.oc) // the other user listens
	s.until("connected", isConnected, nil)
	s.until("a message in the group", isMessage(w.send(t, "seen")), nil)

	w.srv.Fake.DropPushConnections()
	s.until("the disconnect", func(ev client.Event) bool { _, ok := ev.(*client.DisconnectedEvent); return ok }, nil)
	g, err := w.oc.GetGroup(t.Context(), w.group, nil)
	if err != nil || g.Members == nil {
		t.Fatalf("GetGroup: %v", err)
	}
	for _, m := range *g.Members {
		if m.UserID == w.other.ID && m.ID != nil {
			if err := w.oc.RemoveMember(t.Context(), w.group, *m.ID); err != nil {
				t.Fatalf("leaving the group: %v", err)
			}
		}
	}
	s.until("the reconnect", isConnected, nil)
	gap := s.until("the gap", func(ev client.Event) bool { _, ok := ev.(*client.GapEvent); return ok }, nil).(*client.GapEvent)
	if gap.ConversationID != w.group || gap.Err == nil || !(errors.Is(gap.Err, client.ErrNotFound) || errors.Is(gap.Err, client.ErrForbidden)) {
		t.Fatalf("gap %+v, want the group with a not-found or forbidden error", gap)
	}
	// Still listening: a direct message arrives.
	dm, err := w.c.CreateDirectMessage(t.Context(), client.NewDirectMessage{RecipientID: w.other.ID, Text: client.Ptr("still there?")})
	if err != nil {
		t.Fatal(err)
	}
	s.until("a direct message after the gap", isMessage(dm.ID), nil)
}

// Before an hour has passed the subscription is renewed (GroupMe's
// tutorial: "signature must refresh every hour") on the same session:
// no new handshake, no disconnect, nothing lost.
func TestListenRefreshesHourly(t *testing.T) {
	t.Parallel()
	w := newPushWorld(t)
	clock := contracttest.NewManualClock(time.Now())
	s := startListen(t, w.c, client.ListenClock(clock.Now))
	s.until("connected", isConnected, nil)
	first := w.send(t, "before the refresh")
	s.until("the first message", isMessage(first), nil)
	clock.Advance(56 * time.Minute)
	second := w.send(t, "around the refresh")
	noSession := func(ev client.Event) {
		switch ev.(type) {
		case *client.ConnectedEvent, *client.DisconnectedEvent:
			t.Fatalf("a signature refresh changed the session: %#v", ev)
		}
	}
	s.until("the second message", isMessage(second), noSession)
	third := w.send(t, "after the refresh")
	s.until("the third message", isMessage(third), noSession)
	if n := w.srv.Fake.PushHandshakes(); n != 1 {
		t.Errorf("%d handshakes, want 1", n)
	}
	if n := w.srv.Fake.PushSubscribes(); n != 2 {
		t.Errorf("%d subscriptions, want 2 (the first and the refresh)", n)
	}
}
