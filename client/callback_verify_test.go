package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// verifyWorld is a fake GroupMe with a group of two users, a verifying
// handler and a record of what it handed on.
type verifyWorld struct {
	srv          *contracttest.Server
	owner, other contracttest.Account
	group        string
	handler      http.Handler
	mu           sync.Mutex
	handed       []client.Callback
	arrived      chan struct{} // one value per call of fn
}

func newVerifyWorld(t *testing.T) *verifyWorld {
	t.Helper()
	w := &verifyWorld{srv: contracttest.NewServer(t, contracttest.WithoutDataset()), arrived: make(chan struct{}, 64)}
	f := w.srv.Fake
	w.owner = f.AddUser(contracttest.Account{Name: "Owner"})
	w.other = f.AddUser(contracttest.Account{Name: "Mara"})
	var err error
	if w.group, err = f.AddGroup(contracttest.Group{Name: "G", CreatorID: w.owner.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddMember(w.group, w.other.ID, ""); err != nil {
		t.Fatal(err)
	}
	api := e2eClient(t, w.srv, w.owner.Token)
	w.handler = client.CallbackHandler(func(_ context.Context, cb client.Callback) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.handed = append(w.handed, cb)
		select {
		case w.arrived <- struct{}{}:
		default:
		}
		return nil
	}, client.VerifyCallbacks(api, w.group))
	return w
}

func (w *verifyWorld) handedOn() []client.Callback {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]client.Callback(nil), w.handed...)
}

// post sends body to the handler as GroupMe would and returns the status.
func (w *verifyWorld) post(t *testing.T, body any) int {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/cb", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	return rec.Code
}

// callbackFor is the callback GroupMe would send for m.
func callbackFor(m *client.Message) client.Callback {
	return client.Callback{Attachments: m.Attachments, AvatarURL: m.AvatarURL, CreatedAt: m.CreatedAt,
		GroupID: m.GroupID, ID: m.ID, Name: m.Name, SenderID: deref(m.SenderID), SenderType: deref(m.SenderType),
		SourceGUID: m.SourceGUID, System: m.System, Text: m.Text, UserID: m.UserID}
}

// TestVerifiedCallbacks: the fake's own callback of a real message passes
// the verifying handler, forged ones (a made-up id, a real id with another
// text or sender, another group) get 403 and never reach fn, and the API
// being unreachable gives 503.
func TestVerifiedCallbacks(t *testing.T) {
	t.Parallel()
	w := newVerifyWorld(t)
	bot := httptest.NewServer(w.handler)
	t.Cleanup(bot.Close)
	if _, err := w.srv.Fake.AddBot(contracttest.Bot{OwnerID: w.owner.ID, GroupID: w.group, Name: "Verifier", CallbackURL: bot.URL}); err != nil {
		t.Fatal(err)
	}

	mara := e2eClient(t, w.srv, w.other.Token)
	real, err := mara.CreateMessage(t.Context(), w.group, client.NewMessage{Text: strp("!weather in Zürich")})
	if err != nil {
		t.Fatal(err)
	}
	// The fake calls the bot back with the message.
	select {
	case <-w.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the fake's callback did not reach fn within 10s")
	}
	got := w.handedOn()
	if len(got) != 1 || got[0].ID != real.ID || deref(got[0].Text) != "!weather in Zürich" || got[0].SenderID != w.other.ID {
		t.Fatalf("handed on %+v; want the real message %s", got, real.ID)
	}

	good := callbackFor(real)
	forged := func(change func(*client.Callback)) client.Callback {
		cb := good
		change(&cb)
		return cb
	}
	cases := []struct {
		name string
		cb   client.Callback
		want int
	}{
		{"made-up id", forged(func(c *client.Callback) { c.ID = "170000000000009999" }), 403},
		{"other text", forged(func(c *client.Callback) { c.Text = strp("!kick everyone") }), 403},
		{"other sender", forged(func(c *client.Callback) { c.SenderID, c.UserID, c.Name = w.owner.ID, w.owner.ID, "Owner" }), 403},
		{"posing as a bot", forged(func(c *client.Callback) { c.SenderType = "bot" }), 403},
		{"other group", forged(func(c *client.Callback) { c.GroupID = "29999999" }), 403},
		{"no id", forged(func(c *client.Callback) { c.ID = "" }), 403},
		{"the real one again", good, 200},
	}
	for _, tc := range cases {
		if status := w.post(t, tc.cb); status != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, status, tc.want)
		}
	}
	if n := len(w.handedOn()); n != 2 {
		t.Errorf("fn was called %d times; want 2 (the fake's callback and the real one posted again)", n)
	}

	// The API cannot be reached: 503, and fn is not called.
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	api, err := client.New("t", client.WithBaseURL(down.URL+"/v3"), client.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	called := false
	h := client.CallbackHandler(func(context.Context, client.Callback) error { called = true; return nil }, client.VerifyCallbacks(api, ""))
	b, _ := json.Marshal(good)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/cb", strings.NewReader(string(b))))
	if rec.Code != http.StatusServiceUnavailable || called {
		t.Errorf("API down: status %d, fn called %v; want 503, false", rec.Code, called)
	}
}

// TestVerifiedCallbacksBurst: 20 copies of one callback arriving at once
// make one API call, and each is handed on; a forged variant of the same
// message afterwards is refused from the cache, with no call.
func TestVerifiedCallbacksBurst(t *testing.T) {
	t.Parallel()
	w := newVerifyWorld(t)
	mara := e2eClient(t, w.srv, w.other.Token)
	m, err := mara.CreateMessage(t.Context(), w.group, client.NewMessage{Text: strp("hello")})
	if err != nil {
		t.Fatal(err)
	}
	before := w.srv.Fake.Calls("listMessages")
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { statuses <- w.post(t, callbackFor(m)) })
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 200 {
			t.Errorf("status %d", s)
		}
	}
	if calls := w.srv.Fake.Calls("listMessages") - before; calls != 1 {
		t.Errorf("%d identical callbacks made %d API calls; want 1", n, calls)
	}
	if got := len(w.handedOn()); got != n {
		t.Errorf("handed on %d; want %d", got, n)
	}
	cb := callbackFor(m)
	cb.Text = strp("forged")
	if s := w.post(t, cb); s != 403 {
		t.Errorf("forged copy: status %d", s)
	}
	if calls := w.srv.Fake.Calls("listMessages") - before; calls != 1 {
		t.Errorf("the forged copy made a call (%d in all)", calls)
	}
}

func strp(s string) *string { return &s }
