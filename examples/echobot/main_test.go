package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// TestEchobotEndToEnd runs the bot against the fake GroupMe, as a user
// would meet it: a user posts "!echo …" in the group, the fake calls the
// bot back, the bot verifies the callback with its owner's token and
// replies through /bots/post, and the reply (mentioning the user) is in the
// group. A forged callback POSTed straight to the bot is refused.
func TestEchobotEndToEnd(t *testing.T) {
	deliveries := make(chan contracttest.CallbackDelivery, 16)
	srv := contracttest.NewServer(t, contracttest.WithoutDataset(),
		contracttest.WithCallbackObserver(func(d contracttest.CallbackDelivery) { deliveries <- d }))
	f := srv.Fake
	owner := f.AddUser(contracttest.Account{Name: "Owner"})
	zoe := f.AddUser(contracttest.Account{Name: "Zoë 🦊"})
	group, err := f.AddGroup(contracttest.Group{Name: "Echoes", CreatorID: owner.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddMember(group, zoe.ID, ""); err != nil {
		t.Fatal(err)
	}
	ownerAPI, err := client.New(owner.Token, client.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	zoeAPI, err := client.New(zoe.Token, client.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}

	// The bot's address, then the bot with that callback URL, then the
	// bot's program (it needs the bot_id).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	bot, err := ownerAPI.CreateBot(t.Context(), client.NewBot{GroupID: client.ID(group), Name: "Echobot", CallbackURL: client.Ptr("http://" + addr + "/")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	log := &lockedLog{}
	go func() {
		done <- serve(ctx, config{BotID: bot.BotID, APIURL: srv.URL, Token: owner.Token, GroupID: group}, ln, log)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})

	m, err := zoeAPI.CreateMessage(t.Context(), group, client.NewMessage{Text: client.Ptr("!echo héllo 🦊 world")})
	if err != nil {
		t.Fatal(err)
	}
	// The fake reports the delivery once the bot has answered, which it
	// does after its reply is posted. (The callback of the reply itself,
	// which the bot skips, may be reported first.)
	timeout := time.After(15 * time.Second)
	for got := false; !got; {
		select {
		case d := <-deliveries:
			if d.MessageID != m.ID {
				continue
			}
			if d.Status != http.StatusOK {
				t.Fatalf("delivery %+v; want 200 (bot log: %s)", d, log)
			}
			got = true
		case <-timeout:
			t.Fatal("no callback delivery of the user's message within 15s")
		}
	}
	msgs := f.GroupMessages(group)
	last := msgs[len(msgs)-1]
	if last.Name != "Echobot" || last.Text == nil || *last.Text != "@Zoë 🦊 héllo 🦊 world" {
		t.Fatalf("the group's last message is %q by %q; want the bot's echo", deref(last.Text), last.Name)
	}
	var replied bool
	for _, a := range last.Attachments {
		if r, ok := a.AsReply(); ok && r.BaseReplyID == m.ID {
			replied = true
		}
	}
	if !replied {
		t.Errorf("the echo is not a reply to %s: %+v", m.ID, last.Attachments)
	}

	// A forged callback: a made-up message in the bot's group.
	forged := `{"attachments":[],"avatar_url":null,"created_at":1,"group_id":"` + group + `","id":"170000000000099999",` +
		`"name":"Owner","sender_id":"` + owner.ID + `","sender_type":"user","source_guid":"x","system":false,"text":"!echo pwned","user_id":"` + owner.ID + `"}`
	resp, err := http.Post("http://"+addr+"/", "application/json", strings.NewReader(forged))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged callback: status %d; want 403", resp.StatusCode)
	}
	if msgs := f.GroupMessages(group); len(msgs) != 2 { // Zoë's and the echo
		t.Errorf("%d messages in the group after the forged callback; want 2", len(msgs))
	}
}

// lockedLog is the bot's log, written by its goroutines.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
