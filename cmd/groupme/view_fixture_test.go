package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// The backup the view is tested on is written here from the fake's seeded
// data, in the layout `groupme backup` writes (DIR/manifest.json,
// DIR/groups/<id>.jsonl, DIR/chats/<other user id>.jsonl, DIR/images/<hex
// SHA-256 of the URL>.<ext>). Until that command is merged, this is how
// the browser test gets a backup:
//
//	GROUPME_VIEW_FIXTURE=DIR go test -count=1 -run '^TestWriteViewFixture$' ./cmd/groupme/

// viewFixtureSeed is smaller than the demo's, so the fixture is quick to
// write, and still has a group of several pages.
var viewFixtureSeed = contracttest.SeedConfig{
	Seed: 2026, Users: 6, Groups: 3, Messages: 600, GroupMessages: 30, DirectMessages: 20, Bots: 1,
}

// viewFixtureWord is in exactly one message of the fixture, which another
// message replies to.
const viewFixtureWord = "quokkaberry"

// viewFixture is what a test needs to know about the written backup.
type viewFixture struct {
	dir       string
	big       viewFixtureConversation // the group with the most messages
	convs     []viewFixtureConversation
	knownID   string // the message holding viewFixtureWord
	replyID   string // the message replying to it
	pictures  int    // image files written
	firstID   string // the big group's oldest message
	imageHash string // one picture's hash, whose file exists
}

type viewFixtureConversation struct {
	Kind      string              `json:"kind"`
	ID        string              `json:"id"`
	Name      string              `json:"name"`
	File      string              `json:"file"`
	Count     int                 `json:"count"`
	LastID    string              `json:"last_id"`
	UpdatedAt int64               `json:"updated_at"`
	Members   []viewFixtureMember `json:"members"`
}

type viewFixtureMember struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
}

func writeViewFixture(t testing.TB, dir string) viewFixture {
	t.Helper()
	ctx := context.Background()
	srv := contracttest.NewServer(t, contracttest.WithDataset(viewFixtureSeed), fixedClock())
	c, err := client.New(srv.Token, client.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ds := srv.Fake.Dataset()
	fx := viewFixture{dir: dir}

	// The known message, and a reply to it.
	text := "Who left the " + viewFixtureWord + " jam at the cabin by the lake?"
	known, err := c.CreateMessage(ctx, ds.Groups[0], client.NewMessage{SourceGUID: "view-fixture-1", Text: &text})
	if err != nil {
		t.Fatal(err)
	}
	reply := "That was mine, sorry! I will pick it up on Saturday."
	atts := []client.Attachment{client.NewReplyAttachment(known.ID, known.ID)}
	answer, err := c.CreateMessage(ctx, ds.Groups[0], client.NewMessage{SourceGUID: "view-fixture-2", Text: &reply, Attachments: &atts})
	if err != nil {
		t.Fatal(err)
	}
	fx.knownID, fx.replyID = known.ID, answer.ID

	for _, sub := range []string{"groups", "chats", "images"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	lines := map[string][][]byte{}
	for _, gid := range ds.Groups {
		g, err := c.GetGroup(ctx, gid, nil)
		if err != nil {
			t.Fatal(err)
		}
		conv := viewFixtureConversation{Kind: "group", ID: gid, Name: g.Name, File: "groups/" + gid + ".jsonl", UpdatedAt: g.UpdatedAt}
		if g.Members != nil {
			for _, m := range *g.Members {
				conv.Members = append(conv.Members, viewFixtureMember{UserID: m.UserID, Name: m.Nickname})
			}
		}
		for m, err := range c.ListMessagesArchiveIter(ctx, gid, nil) {
			if err != nil {
				t.Fatal(err)
			}
			lines[conv.File] = append(lines[conv.File], append([]byte(nil), m.JSON...))
			conv.LastID = m.ID
		}
		fx.convs = append(fx.convs, conv)
	}
	for ch, err := range c.ListChatsIter(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		other := string(ch.OtherUser.ID)
		conv := viewFixtureConversation{Kind: "chat", ID: other, Name: ch.OtherUser.Name, File: "chats/" + other + ".jsonl",
			UpdatedAt: ch.UpdatedAt, Members: []viewFixtureMember{{UserID: other, Name: ch.OtherUser.Name}}}
		for m, err := range c.ListDirectMessagesAfterIter(ctx, other, nil) {
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			lines[conv.File] = append(lines[conv.File], b)
			conv.LastID = m.ID
		}
		fx.convs = append(fx.convs, conv)
	}

	for i := range fx.convs {
		conv := &fx.convs[i]
		var body []byte
		for _, l := range lines[conv.File] {
			body = append(append(body, l...), '\n')
			fx.pictures += savePictures(t, dir, srv.ImageURL, l, &fx.imageHash)
		}
		conv.Count = len(lines[conv.File])
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(conv.File)), body, 0o644); err != nil {
			t.Fatal(err)
		}
		if conv.Count > fx.big.Count {
			fx.big = *conv
			var first struct{ ID string }
			if err := json.Unmarshal(lines[conv.File][0], &first); err != nil {
				t.Fatal(err)
			}
			fx.firstID = first.ID
		}
	}
	manifest, err := json.MarshalIndent(map[string]any{"conversations": fx.convs}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	return fx
}

// savePictures saves the pictures a message line points at, under the
// hex SHA-256 of their URL, fetched from the fake's image server (the
// seeded URLs name GroupMe's CDN; the fake serves the same names).
func savePictures(t testing.TB, dir, imageBase string, line []byte, some *string) int {
	t.Helper()
	var m struct {
		Attachments []struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range m.Attachments {
		if a.Type != "image" || a.URL == "" {
			continue
		}
		name := a.URL[strings.LastIndex(a.URL, "/")+1:]
		resp, err := http.Get(imageBase + "/i/" + name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("picture %s: %v %s", a.URL, err, resp.Status)
		}
		sum := sha256.Sum256([]byte(a.URL))
		hash := hex.EncodeToString(sum[:])
		if err := os.WriteFile(filepath.Join(dir, "images", hash+".jpeg"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		*some = hash
		n++
	}
	return n
}

// String describes the fixture in test failures.
func (fx viewFixture) String() string {
	return fmt.Sprintf("backup %s: %d conversations, big %s %s (%d messages)", fx.dir, len(fx.convs), fx.big.Kind, fx.big.ID, fx.big.Count)
}
