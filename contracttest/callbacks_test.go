package contracttest

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// botServer is a bot's callback URL: every POST it gets goes to got, and
// it answers once release is closed (at once when release is nil).
type botServer struct {
	*httptest.Server
	got chan botPost
}

type botPost struct {
	contentType string
	cb          gen.BotCallback
	raw         string
}

func newBotServer(t *testing.T, release <-chan struct{}) *botServer {
	t.Helper()
	b := &botServer{got: make(chan botPost, 64)}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p botPost
		p.contentType, p.raw = r.Header.Get("Content-Type"), string(body)
		if err := json.Unmarshal(body, &p.cb); err != nil {
			t.Errorf("callback body is not a BotCallback: %v: %s", err, body)
		}
		b.got <- p
		if release != nil {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(b.Close)
	return b
}

// callbackWorld is a fake with one group of two users and an observer of
// every delivery.
type callbackWorld struct {
	srv        *Server
	api        *fakeAPI
	owner      Account
	other      Account
	group      string
	deliveries chan CallbackDelivery
}

func newCallbackWorld(t *testing.T, opts ...Option) *callbackWorld {
	t.Helper()
	w := &callbackWorld{deliveries: make(chan CallbackDelivery, 256)}
	all := append([]Option{WithoutDataset(), WithCallbackObserver(func(d CallbackDelivery) { w.deliveries <- d })}, opts...)
	w.srv = NewServer(t, all...)
	f := w.srv.Fake
	w.owner = f.AddUser(Account{Name: "Owner"})
	w.other = f.AddUser(Account{Name: "Zoë 🦊"})
	var err error
	if w.group, err = f.AddGroup(Group{Name: "Bots", CreatorID: w.owner.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddMember(w.group, w.other.ID, ""); err != nil {
		t.Fatal(err)
	}
	w.api = newFakeAPI(t, w.srv, w.other.Token)
	return w
}

func (w *callbackWorld) addBot(t *testing.T, name, callback string) string {
	t.Helper()
	var created gen.BotCreated
	w.api.as(w.owner.Token).do("POST", "/bots", map[string]any{"bot": map[string]any{
		"name": name, "group_id": w.group, "callback_url": callback}}, nil).expect(t, 201).decode(t, &created)
	return created.Bot.BotID
}

func (w *callbackWorld) post(t *testing.T, text string) string {
	t.Helper()
	var created gen.MessageCreated
	w.api.do("POST", "/groups/"+w.group+"/messages", map[string]any{"message": map[string]any{
		"source_guid": "guid-" + text, "text": text}}, nil).expect(t, 201).decode(t, &created)
	return created.Message.ID
}

func (w *callbackWorld) next(t *testing.T) CallbackDelivery {
	t.Helper()
	select {
	case d := <-w.deliveries:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no callback delivery reported within 10s")
		return CallbackDelivery{}
	}
}

func nextPost(t *testing.T, b *botServer) botPost {
	t.Helper()
	select {
	case p := <-b.got:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("the bot got no callback within 10s")
		return botPost{}
	}
}

// TestCallbacksReachBots: a user's message, the bot's own post and a
// system notice each reach the bot of the group, as the spec's
// BotCallback; a bot without a callback URL and a bot of another group
// get nothing.
func TestCallbacksReachBots(t *testing.T) {
	t.Parallel()
	w := newCallbackWorld(t)
	bot := newBotServer(t, nil)
	botID := w.addBot(t, "Echo", bot.URL+"/callback?secret=s3cret")
	w.addBot(t, "Mute", "")
	otherGroup, _ := w.srv.Fake.AddGroup(Group{Name: "Elsewhere", CreatorID: w.owner.ID})
	elsewhere := newBotServer(t, nil)
	if _, err := w.srv.Fake.AddBot(Bot{OwnerID: w.owner.ID, GroupID: otherGroup, Name: "Far", CallbackURL: elsewhere.URL}); err != nil {
		t.Fatal(err)
	}

	// A user posts.
	id := w.post(t, "!ping")
	p := nextPost(t, bot)
	if p.contentType != "application/json" || p.cb.ID != id || p.cb.GroupID != w.group || p.cb.Text == nil || *p.cb.Text != "!ping" ||
		p.cb.SenderType != "user" || p.cb.SenderID != w.other.ID || p.cb.UserID != w.other.ID || p.cb.Name != "Zoë 🦊" || p.cb.System {
		t.Errorf("user message callback = %+v (Content-Type %q)", p.cb, p.contentType)
	}
	for _, key := range []string{`"attachments":[]`, `"avatar_url":null`, `"source_guid":"guid-!ping"`} {
		if !strings.Contains(p.raw, key) {
			t.Errorf("callback body lacks %s: %s", key, p.raw)
		}
	}
	d := w.next(t)
	if d.Status != 200 || d.Err != nil || d.MessageID != id || d.BotID != botID || d.BotName != "Echo" || strings.Contains(d.URL, "s3cret") || !strings.HasSuffix(d.URL, "/callback") {
		t.Errorf("delivery = %+v", d)
	}

	// The bot posts: GroupMe calls the bot back with its own post.
	w.api.do("POST", "/bots/post", map[string]any{"bot_id": botID, "text": "pong"}, nil).expect(t, 202)
	p = nextPost(t, bot)
	if p.cb.SenderType != "bot" || p.cb.Text == nil || *p.cb.Text != "pong" || p.cb.Name != "Echo" {
		t.Errorf("bot's own post callback = %+v", p.cb)
	}
	w.next(t)

	// A system notice the fake makes.
	sys, err := w.srv.Fake.AddMessage(w.group, Message{Text: "Zoë changed the topic"})
	if err != nil {
		t.Fatal(err)
	}
	p = nextPost(t, bot)
	if p.cb.ID != sys || !p.cb.System || p.cb.SenderType != "system" || p.cb.UserID != "system" {
		t.Errorf("system notice callback = %+v", p.cb)
	}
	w.next(t)

	select {
	case p := <-elsewhere.got:
		t.Errorf("a bot of another group was called back: %+v", p.cb)
	case d := <-w.deliveries:
		t.Errorf("unexpected delivery %+v", d)
	default:
	}
}

// TestCallbackDoesNotBlockMessages: while a bot holds its callback open,
// messages are still created at once; deliveries beyond the queue's cap
// are dropped and reported; a dead bot is reported; Close cancels what is
// running and waits for it.
func TestCallbackDoesNotBlockMessages(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	w := newCallbackWorld(t, WithCallbackLimits(1, 1))
	slow := newBotServer(t, release)
	w.addBot(t, "Slow", slow.URL)

	first := w.post(t, "one")
	nextPost(t, slow) // the only worker is now held by the slow bot
	w.post(t, "two")  // queued
	third := w.post(t, "three")
	// All three were created while the bot still holds the first callback.
	d := w.next(t)
	if !errors.Is(d.Err, ErrCallbackQueueFull) || d.MessageID != third {
		t.Errorf("the third delivery: %+v; want it dropped with ErrCallbackQueueFull", d)
	}
	if n := len(w.srv.Fake.GroupMessages(w.group)); n != 3 {
		t.Errorf("%d messages in the group while the bot was slow; want 3", n)
	}
	close(release)
	if d := w.next(t); d.MessageID != first || d.Status != 200 {
		t.Errorf("first delivery %+v", d)
	}
	if d := w.next(t); d.Status != 200 {
		t.Errorf("second delivery %+v", d)
	}
	nextPost(t, slow)

	// A dead bot: nothing listens on its port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/"
	ln.Close()
	w2 := newCallbackWorld(t)
	w2.addBot(t, "Dead", dead)
	w2.post(t, "anyone there?")
	if d := w2.next(t); d.Status != 0 || d.Err == nil {
		t.Errorf("dead bot delivery %+v; want an error", d)
	}

	// Close cancels a delivery a bot holds open and waits for it.
	hold := make(chan struct{})
	defer close(hold)
	w3 := newCallbackWorld(t)
	stuck := newBotServer(t, hold)
	w3.addBot(t, "Stuck", stuck.URL)
	w3.post(t, "hello")
	nextPost(t, stuck)
	w3.srv.Fake.Close()
	if d := w3.next(t); d.Err == nil || !strings.Contains(d.Err.Error(), "closed") {
		t.Errorf("delivery cut by Close: %+v", d)
	}
	w3.post(t, "after close")
	select {
	case d := <-w3.deliveries:
		t.Errorf("a delivery after Close: %+v", d)
	default:
	}
}

// TestCallbackTimeout: a bot that does not answer within the timeout is
// reported with an error and no status.
func TestCallbackTimeout(t *testing.T) {
	t.Parallel()
	hold := make(chan struct{})
	defer close(hold)
	w := newCallbackWorld(t, WithCallbackTimeout(100*time.Millisecond))
	stuck := newBotServer(t, hold)
	w.addBot(t, "Stuck", stuck.URL)
	w.post(t, "hello")
	d := w.next(t)
	if d.Status != 0 || d.Err == nil || !strings.Contains(d.Err.Error(), "deadline") {
		t.Errorf("delivery %+v; want a deadline error", d)
	}
}

// TestCallbackHosts: by default only loopback hosts are called; the seeded
// bots' https://example.com URLs are refused without a connection;
// WithCallbackHosts allows a named host.
func TestCallbackHosts(t *testing.T) {
	t.Parallel()
	w := newCallbackWorld(t)
	w.addBot(t, "Remote", "https://example.com/groupme/bot")
	w.post(t, "hello")
	if d := w.next(t); !errors.Is(d.Err, ErrCallbackHostRefused) || d.Duration != 0 {
		t.Errorf("delivery to example.com: %+v; want ErrCallbackHostRefused", d)
	}

	bot := newBotServer(t, nil)
	w2 := newCallbackWorld(t, WithCallbackHosts("bot.test"))
	// bot.test is allowed by name; it resolves nowhere, so the delivery
	// fails at the lookup, not at the host check.
	w2.addBot(t, "Named", "http://bot.test/")
	w2.addBot(t, "Local", strings.Replace(bot.URL, "127.0.0.1", "localhost", 1))
	w2.post(t, "hello")
	for range 2 {
		d := w2.next(t)
		switch d.BotName {
		case "Named":
			if d.Err == nil || errors.Is(d.Err, ErrCallbackHostRefused) {
				t.Errorf("bot.test: %+v; want a lookup error, not a refusal", d)
			}
		case "Local":
			if d.Status != 200 {
				t.Errorf("localhost: %+v", d)
			}
		}
	}

	// Seeded messages are history: a dataset with bots calls nobody.
	seen := make(chan CallbackDelivery, 1)
	NewServer(t, WithCallbackObserver(func(d CallbackDelivery) { seen <- d })).Fake.Close()
	select {
	case d := <-seen:
		t.Errorf("seeding called a bot back: %+v", d)
	default:
	}
}
