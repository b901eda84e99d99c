package client_test

// Listen against push services that attack it (contracttest.HostilePush),
// in fake time: every test runs inside a testing/synctest bubble over an
// in-memory network (net.Pipe), so the back-off and the advised waits of
// half an hour pass in milliseconds, and the clock the test reads is the
// clock Listen waits on.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
	"github.com/groupme-go/groupme/internal/pipenet"
)

// hostileWorld is a HostilePush served in the bubble, and a client of it.
type hostileWorld struct {
	h     *contracttest.HostilePush
	c     *client.Client
	token string
	group string
}

var hostileDataset = contracttest.SeedConfig{Seed: 3, Users: 2, Groups: 1, Messages: 5, GroupMessages: 1, DirectMessages: 1}

// newHostile must run inside the bubble; the server and the client's
// connections are closed when the test ends.
func newHostile(t *testing.T, attack contracttest.PushAttack, opts ...client.Option) *hostileWorld {
	t.Helper()
	f := contracttest.NewFake(contracttest.WithDataset(hostileDataset), contracttest.WithViolationHandler(func(err error) {
		t.Errorf("the fake broke the spec: %v", err)
	}))
	ds := f.Dataset()
	h := &contracttest.HostilePush{Fake: f, Attack: attack, ReplayGroup: ds.Groups[0]}
	mn := pipenet.New()
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(mn) }()
	tr := &http.Transport{DialContext: mn.Dial}
	c, err := client.New(ds.Users[0].Token, append([]client.Option{
		client.WithBaseURL("http://push.test/v3"),
		client.WithHTTPClient(&http.Client{Transport: tr})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Close()
		_ = srv.Close()
		tr.CloseIdleConnections()
		synctest.Wait()
	})
	return &hostileWorld{h: h, c: c, token: ds.Users[0].Token, group: ds.Groups[0]}
}

// listenFor runs Listen for at most d of fake time and returns every event,
// the time it ran and the error it ended with (nil if it was still going
// at d).
func (w *hostileWorld) listenFor(t *testing.T, d time.Duration, opts ...client.ListenOption) ([]client.Event, time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	start := time.Now()
	var evs []client.Event
	for ev, err := range w.c.Listen(ctx, opts...) {
		if err != nil {
			return evs, time.Since(start), err
		}
		evs = append(evs, ev)
	}
	return evs, time.Since(start), nil
}

func disconnects(evs []client.Event) []*client.DisconnectedEvent {
	var out []*client.DisconnectedEvent
	for _, ev := range evs {
		if d, ok := ev.(*client.DisconnectedEvent); ok {
			out = append(out, d)
		}
	}
	return out
}

// Every attack that ends sessions early: Listen backs off (never more
// than one handshake a second on average, over the whole run), counts
// each session as a failed attempt, and gives up after
// MaxReconnectAttempts with a *PushError; no error or event shows the
// token.
func TestListenHostileServersBackOffAndGiveUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		attack contracttest.PushAttack
		opts   []client.ListenOption
	}{
		{contracttest.PushCloseAfterSubscribe, nil},
		{contracttest.PushCloseAfterSubscribe, []client.ListenOption{client.LongPolling()}},
		{contracttest.PushMalformedFrame, nil},
		{contracttest.PushMalformedFrame, []client.ListenOption{client.LongPolling()}},
		{contracttest.PushHugeFrames, nil},
		{contracttest.PushHugeFrames, []client.ListenOption{client.LongPolling()}},
		{contracttest.PushFramesNoAnswer, nil},
		{contracttest.PushCloseWithToken, nil},
		{contracttest.PushCloseWithToken, []client.ListenOption{client.LongPolling()}},
		{contracttest.PushFailCatchUp, nil},
	} {
		name := string(tc.attack)
		if len(tc.opts) > 0 {
			name += "/long-polling"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var logs bytes.Buffer
				w := newHostile(t, tc.attack, client.WithLogger(slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
				opts := append([]client.ListenOption{client.MaxReconnectAttempts(8)}, tc.opts...)
				if tc.attack == contracttest.PushFailCatchUp {
					opts = append(opts, client.Track(w.group)) // so every session catches up
				}
				evs, took, err := w.listenFor(t, 24*time.Hour, opts...)
				var pe *client.PushError
				if !errors.As(err, &pe) {
					t.Fatalf("after %v: ended with %v, want a *PushError after 8 attempts", took, err)
				}
				hs := w.h.Handshakes()
				perSecond := float64(hs) / took.Seconds()
				t.Logf("%d handshakes in %v of fake time (%.3f/s), %d connects, %d bytes sent by the server; %v",
					hs, took, perSecond, w.h.Connects(), w.h.Written(), err)
				if hs != 8 || perSecond > 1 {
					t.Errorf("%d handshakes in %v: want 8, at most one a second", hs, took)
				}
				ds := disconnects(evs)
				if len(ds) != 7 {
					t.Fatalf("%d disconnect events, want 7", len(ds))
				}
				for i, d := range ds {
					if d.Attempt != i+1 {
						t.Errorf("disconnect %d: attempt %d, want %d (no session may count as healthy)", i, d.Attempt, i+1)
					}
					if strings.Contains(d.Err.Error(), w.token) {
						t.Errorf("disconnect %d shows the token: %v", i, d.Err)
					}
				}
				if strings.Contains(err.Error(), w.token) {
					t.Errorf("the final error shows the token: %v", err)
				}
				if strings.Contains(logs.String(), w.token) || !strings.Contains(logs.String(), "reconnecting") {
					t.Errorf("the log shows the token, or no reconnect:\n%s", logs.String())
				}
				if tc.attack == contracttest.PushCloseWithToken && !strings.Contains(ds[0].Err.Error(), "REDACTED") {
					t.Errorf("the close reason is not reported (scrubbed): %v", ds[0].Err)
				}
				// The setup budget: what the server could make the client
				// read per session.
				if per := w.h.Written() / hs; per > 4<<20 {
					t.Errorf("the server got %d bytes read per session; the budget is 2 MiB plus a frame", per)
				}
			})
		})
	}
}

// A server that answers every /meta/connect at once with advice.interval
// 0 gets at most two connects a second, on both transports, and the
// session stays up (it is not an error).
func TestListenZeroIntervalIsFloored(t *testing.T) {
	t.Parallel()
	for _, lp := range []bool{false, true} {
		name := "websocket"
		var opts []client.ListenOption
		if lp {
			name, opts = "long-polling", []client.ListenOption{client.LongPolling()}
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				w := newHostile(t, contracttest.PushZeroInterval)
				evs, took, err := w.listenFor(t, time.Minute, opts...)
				if err != nil {
					t.Fatal(err)
				}
				n := w.h.Connects()
				t.Logf("%d connects in %v of fake time (%.1f/s)", n, took, float64(n)/took.Seconds())
				if n > 121 || n < 100 {
					t.Errorf("%d connects in a minute; want about 120 (one per 500 ms)", n)
				}
				if len(disconnects(evs)) != 0 || w.h.Handshakes() != 1 {
					t.Errorf("%d disconnects, %d handshakes; want one session", len(disconnects(evs)), w.h.Handshakes())
				}
			})
		})
	}
}

// A subscription answered with frames but never confirmed times out after
// 30 seconds however many frames arrive.
func TestListenSubscribeWithoutAnswerTimesOut(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newHostile(t, contracttest.PushFramesNoAnswer)
		start := time.Now()
		for ev, err := range w.c.Listen(t.Context(), client.MaxReconnectAttempts(1)) {
			if err == nil {
				t.Fatalf("event %#v before the subscription was confirmed", ev)
			}
			if took := time.Since(start); took != 30*time.Second {
				t.Errorf("gave up after %v, want the 30 s subscribe deadline", took)
			}
			if !strings.Contains(err.Error(), "subscribe") {
				t.Errorf("error %v does not say the subscription failed", err)
			}
			return
		}
		t.Fatal("the stream ended without an error")
	})
}

// A message id replayed after 1,100 newer ones is not delivered again.
func TestListenReplayedIDIsNotDeliveredAgain(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newHostile(t, contracttest.PushReplay)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		count := map[string]int{}
		for ev, err := range w.c.Listen(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if m, ok := ev.(*client.GroupMessageEvent); ok {
				count[m.Message.ID]++
				if m.Message.ID == "2101" {
					break
				}
			}
		}
		if count["1000"] != 1 || len(count) != 1102 {
			t.Errorf("id 1000 delivered %d times, %d ids in all; want once, 1102", count["1000"], len(count))
		}
	})
}

// The done-when of issue 22, with Listen's defaults: a server that closes
// the connection after every subscription gets at most one handshake a
// second on average, counted over the whole run in fake time, and Listen
// gives up after the default 30 attempts.
func TestListenCloseAfterEverySubscriptionDefaults(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newHostile(t, contracttest.PushCloseAfterSubscribe)
		_, took, err := w.listenFor(t, 24*time.Hour)
		hs := w.h.Handshakes()
		t.Logf("%d handshakes in %v of fake time: %.4f a second; ended with %v", hs, took, float64(hs)/took.Seconds(), err)
		var pe *client.PushError
		if !errors.As(err, &pe) || hs != 30 {
			t.Fatalf("%d handshakes, ended with %v; want 30 and a *PushError", hs, err)
		}
		if float64(hs)/took.Seconds() > 1 {
			t.Errorf("%d handshakes in %v: more than one a second", hs, took)
		}
		if took < 10*time.Minute {
			t.Errorf("gave up after %v; 30 attempts with a back-off capped at a minute take about 25 minutes", took)
		}
	})
}
