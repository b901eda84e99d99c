package client_test

import (
	"errors"
	"testing"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
	"github.com/groupme-go/groupme/gen"
)

func TestUpdateBot(t *testing.T) {
	t.Parallel()
	srv, me, _, gid := unofficialServer(t)
	ctx := t.Context()
	bot, err := me.CreateBot(ctx, client.NewBot{Name: "before", GroupID: gen.StringOrInteger(gid)})
	if err != nil {
		t.Fatal(err)
	}
	name, cb := "after", "https://example.com/hook"
	if err := me.Unofficial().UpdateBot(ctx, client.BotUpdate{BotID: bot.BotID, Name: &name, CallbackURL: &cb}); err != nil {
		t.Fatal(err)
	}
	bots, err := me.ListBots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range bots {
		if b.BotID == bot.BotID {
			found = true
			if b.Name != "after" || b.CallbackURL == nil || *b.CallbackURL != cb || b.AvatarURL != nil {
				t.Errorf("after the update: %+v", b)
			}
		}
	}
	if !found || srv.Fake.Calls("updateBot") != 1 {
		t.Errorf("bot listed: %v, updateBot calls: %d", found, srv.Fake.Calls("updateBot"))
	}
	if err := me.Unofficial().UpdateBot(ctx, client.BotUpdate{BotID: "0000000000aaaaaaaaaa000000", Name: &name}); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("someone else's bot: %v", err)
	}
	if err := me.Unofficial().UpdateBot(ctx, client.BotUpdate{Name: &name}); err == nil {
		t.Error("an empty bot id was sent")
	}
}

// TestGetMessageOnV3: the fake answers a message shown under /v3, as
// GroupMe did for lowerpines in 2019, and refuses an edit there.
func TestGetMessageOnV3(t *testing.T) {
	t.Parallel()
	srv, _, _, gid := unofficialServer(t)
	mid, err := srv.Fake.AddMessage(gid, contracttest.Message{UserID: srv.Dataset.Users[0].ID, Text: "on v3"})
	if err != nil {
		t.Fatal(err)
	}
	v3, err := client.New(srv.Dataset.Users[0].Token, client.WithEndpoints(client.Endpoints{API: srv.URL, V4: srv.URL}), client.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	m, err := v3.Unofficial().GetMessage(t.Context(), gid, mid)
	if err != nil || m.ID != mid || m.Text == nil || *m.Text != "on v3" {
		t.Fatalf("GetMessage on v3: %+v, %v", m, err)
	}
	text := "edited"
	if _, err := v3.Unofficial().EditMessage(t.Context(), gid, mid, client.MessageEditRequest{Text: &text}); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("an edit under /v3: %v, want a 404", err)
	}
}
