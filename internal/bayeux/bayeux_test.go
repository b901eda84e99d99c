package bayeux

// The protocol against the contracttest fake's push service and against
// contracttest.HostilePush, inside testing/synctest bubbles over net.Pipe:
// timeouts of 30 seconds pass in no real time.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/groupme-go/groupme/contracttest"
	"github.com/groupme-go/groupme/internal/pipenet"
)

type world struct {
	fake  *contracttest.Fake
	h     *contracttest.HostilePush // nil for the plain fake
	cfg   Config
	user  contracttest.Account
	group string
}

// serve starts the fake (attack "" for the plain one) in the bubble and
// returns a Config to reach it, its token scrubbed from server text.
func serve(t *testing.T, attack contracttest.PushAttack, longPoll bool) *world {
	t.Helper()
	f := contracttest.NewFake(contracttest.WithDataset(contracttest.SeedConfig{Seed: 4, Users: 2, Groups: 1, Messages: 2, GroupMessages: 1, DirectMessages: 1}))
	w := &world{fake: f, user: f.Dataset().Users[0], group: f.Dataset().Groups[0]}
	var handler http.Handler = f
	if attack != "" {
		w.h = &contracttest.HostilePush{Fake: f, Attack: attack, ReplayGroup: w.group}
		handler = w.h
	}
	mn := pipenet.New()
	srv := &http.Server{Handler: handler}
	go func() { _ = srv.Serve(mn) }()
	tr := &http.Transport{DialContext: mn.Dial}
	tok := w.user.Token
	w.cfg = Config{
		URL:           "http://push.test/faye",
		HTTPClient:    &http.Client{Transport: tr},
		DialTransport: tr,
		LongPollOnly:  longPoll,
		Scrub:         func(s string) string { return strings.ReplaceAll(s, tok, "REDACTED") },
	}
	t.Cleanup(func() {
		if w.h != nil {
			w.h.Close()
		}
		f.DropPushConnections()
		_ = srv.Close()
		tr.CloseIdleConnections()
		synctest.Wait()
	})
	return w
}

func (w *world) ext() Ext { return Ext{AccessToken: w.user.Token, Timestamp: time.Now().Unix()} }

// A session on each transport: handshake, subscribe, and a connect that
// returns a message the fake publishes while it is held.
func TestSessionDeliversOnBothTransports(t *testing.T) {
	t.Parallel()
	for _, lp := range []bool{false, true} {
		want := map[bool]string{false: "websocket", true: "long-polling"}[lp]
		t.Run(want, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				w := serve(t, "", lp)
				s, err := Handshake(t.Context(), w.cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				if s.Transport() != want || s.ClientID() == "" {
					t.Fatalf("transport %q, clientId %q", s.Transport(), s.ClientID())
				}
				if _, err := s.Subscribe(t.Context(), []string{"/user/" + w.user.ID}, w.ext()); err != nil {
					t.Fatal(err)
				}
				go func() {
					time.Sleep(5 * time.Second)
					_ = w.fake.PublishPush("/user/"+w.user.ID, []byte(`{"type":"typing","user_id":"7"}`))
				}()
				start := time.Now()
				var got []Message
				ok, err := s.Connect(t.Context(), func(m Message) bool { got = append(got, m); return true })
				if !ok || err != nil {
					t.Fatalf("connect: %v %v", ok, err)
				}
				if time.Since(start) != 5*time.Second || len(got) != 1 || string(got[0].Data) != `{"type":"typing","user_id":"7"}` {
					t.Errorf("after %v got %+v; want the typing push after 5 s", time.Since(start), got)
				}
			})
		})
	}
}

// A refused subscription is a *Error with the server's code; an unknown
// token is 401.
func TestSubscribeRefused(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := serve(t, "", false)
		s, err := Handshake(t.Context(), w.cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = s.Subscribe(t.Context(), []string{"/user/" + w.user.ID}, Ext{AccessToken: "wrong", Timestamp: time.Now().Unix()})
		var be *Error
		if !errors.As(err, &be) || be.Code != 401 || be.Channel != "/user/"+w.user.ID {
			t.Fatalf("error %#v, want a *Error with code 401", err)
		}
	})
}

// What a hostile server can do, and the error each gives.
func TestHostileServers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		attack   contracttest.PushAttack
		longPoll bool
		want     error
		took     time.Duration // -1: not checked
	}{
		{contracttest.PushHugeFrames, false, ErrTooLarge, 0},
		{contracttest.PushHugeFrames, true, ErrTooLarge, 0},
		{contracttest.PushFramesNoAnswer, false, ErrNoAnswer, RequestTimeout},
		{contracttest.PushCloseWithToken, false, ErrClosed, 0},
		{contracttest.PushMalformedFrame, false, ErrMalformed, 0},
		{contracttest.PushMalformedFrame, true, ErrMalformed, 0},
	} {
		t.Run(fmt.Sprintf("%s/long-polling=%v", tc.attack, tc.longPoll), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				w := serve(t, tc.attack, tc.longPoll)
				start := time.Now()
				s, err := Handshake(t.Context(), w.cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				_, err = s.Subscribe(t.Context(), []string{"/user/" + w.user.ID}, w.ext())
				if err == nil {
					_, err = s.Connect(t.Context(), func(Message) bool { return true })
				}
				if !errors.Is(err, tc.want) {
					t.Fatalf("error %v, want %v", err, tc.want)
				}
				if tc.took >= 0 && time.Since(start) != tc.took {
					t.Errorf("failed after %v, want %v", time.Since(start), tc.took)
				}
				if strings.Contains(err.Error(), w.user.Token) {
					t.Errorf("the error shows the token: %v", err)
				}
				if tc.attack == contracttest.PushCloseWithToken && !strings.Contains(err.Error(), `reason "bad signature REDACTED"`) {
					t.Errorf("close reason not reported, scrubbed: %v", err)
				}
				if tc.attack == contracttest.PushHugeFrames && w.h.Written() > SetupBudget+PollBodyLimit {
					t.Errorf("%d bytes sent before the client stopped reading", w.h.Written())
				}
			})
		})
	}
}

func TestAdviceErr(t *testing.T) {
	t.Parallel()
	s := &Session{}
	no, yes := false, true
	for _, tc := range []struct {
		m    Message
		want error
		code int
	}{
		{Message{Successful: &yes}, nil, 0},
		{Message{Successful: &yes, Advice: &Advice{Reconnect: "retry"}}, nil, 0},
		{Message{Successful: &yes, Advice: &Advice{Reconnect: "handshake"}}, ErrRehandshake, 0},
		{Message{Successful: &no, Error: "401:abc:Unknown client", Advice: &Advice{Reconnect: "handshake"}}, ErrRehandshake, 401},
		{Message{Successful: &no, Error: "403::Forbidden"}, nil, 403},
		{Message{Successful: &no, Advice: &Advice{Reconnect: "none"}}, ErrNoReconnect, 0},
	} {
		err := s.adviceErr(tc.m, "connect")
		var be *Error
		if (tc.want == nil && tc.code == 0) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) || (tc.code != 0 && (!errors.As(err, &be) || be.Code != tc.code)) {
			t.Errorf("%+v: error %v, want %v with code %d", tc.m, err, tc.want, tc.code)
		}
	}
}

func TestDecodeFrame(t *testing.T) {
	t.Parallel()
	if ms, err := decodeFrame([]byte(` {"channel":"/a","data":{"x":1}} `)); err != nil || len(ms) != 1 || string(ms[0].Data) != `{"x":1}` {
		t.Errorf("one message: %+v %v", ms, err)
	}
	if ms, err := decodeFrame([]byte(`[{"channel":"/meta/connect","successful":true},{"channel":"/b"}]`)); err != nil || len(ms) != 2 || !ms[0].IsMeta() || ms[1].IsMeta() {
		t.Errorf("an array: %+v %v", ms, err)
	}
	for _, bad := range []string{``, `[`, `{"channel":`, `"x"`, `[1]`} {
		if _, err := decodeFrame([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v, want ErrMalformed", bad, err)
		}
	}
}

// The ext that carries the token prints without it, however it is
// printed; the wire form keeps it.
func TestExtHidesToken(t *testing.T) {
	t.Parallel()
	e := Ext{AccessToken: "tok-SECRET", Timestamp: 1}
	for _, s := range []string{fmt.Sprint(e), fmt.Sprintf("%v %+v %#v %s %q", e, e, e, e, e), fmt.Sprintf("%+v", out{Ext: &e}), fmt.Sprintf("%#v", &e)} {
		if strings.Contains(s, "tok-SECRET") {
			t.Errorf("printed ext shows the token: %s", s)
		}
	}
	b, _ := jsonv2.Marshal(out{Channel: "/meta/subscribe", Ext: &e})
	if !strings.Contains(string(b), `"access_token":"tok-SECRET"`) || !strings.Contains(string(b), `"timestamp":1`) {
		t.Errorf("the wire form lost the ext: %s", b)
	}
}

func TestBayeuxCode(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{"401::x": 401, "403:/user/1:Forbidden": 403, "": 0, "oops": 0, "40:x": 0, "abc:x": 0} {
		if got := bayeuxCode(s); got != want {
			t.Errorf("bayeuxCode(%q) = %d, want %d", s, got, want)
		}
	}
}

// Server text reaches errors scrubbed, escaped and bounded.
func TestScrubServerText(t *testing.T) {
	t.Parallel()
	c := Config{Scrub: func(s string) string { return strings.ReplaceAll(s, "tok", "REDACTED") }}
	if got := c.scrub(" 401::bad tok\x1b]0;owned\x07 "); got != `401::bad REDACTED\x1b]0;owned\a` {
		t.Errorf("scrub = %q", got)
	}
	if got := c.scrub(strings.Repeat("x", 10000)); len(got) != maxServerText+3 {
		t.Errorf("scrub of 10,000 bytes gave %d", len(got))
	}
}
