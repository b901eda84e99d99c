package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// utf16Slice is s[start:start+n] counted in UTF-16 code units.
func utf16Slice(s string, start, n int) (string, bool) {
	u := utf16.Encode([]rune(s))
	if start < 0 || n < 0 || start+n > len(u) {
		return "", false
	}
	return string(utf16.Decode(u[start : start+n])), true
}

// TestMentionLociAreUTF16 reads every mention of the real traffic
// (contracttest/testdata/real) and shows that loci count UTF-16 code
// units: wherever counting characters or UTF-16 units disagree on where a
// mention starts, only UTF-16 lands on its "@".
func TestMentionLociAreUTF16(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../contracttest/testdata/real/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no real traffic: %v", err)
	}
	utf16Only, runesOnly, total := 0, 0, 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			text, _ := v["text"].(string)
			atts, _ := v["attachments"].([]any)
			for _, a := range atts {
				m, _ := a.(map[string]any)
				if m["type"] != "mentions" {
					continue
				}
				loci, _ := m["loci"].([]any)
				for _, l := range loci {
					pair, _ := l.([]any)
					if len(pair) != 2 {
						continue
					}
					start, n := int(pair[0].(float64)), int(pair[1].(float64))
					total++
					u, uok := utf16Slice(text, start, n)
					runes := []rune(text)
					byRunes := ""
					if start+n <= len(runes) {
						byRunes = string(runes[start : start+n])
					}
					switch {
					case uok && strings.HasPrefix(u, "@") && !strings.HasPrefix(byRunes, "@"):
						utf16Only++
					case strings.HasPrefix(byRunes, "@") && !(uok && strings.HasPrefix(u, "@")):
						runesOnly++
						t.Errorf("locus %v of %q fits characters, not UTF-16 units", pair, text)
					}
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(v)
	}
	if utf16Only == 0 || runesOnly != 0 {
		t.Errorf("of %d real mentions, %d start at an @ only in UTF-16 units and %d only in characters; want some and none", total, utf16Only, runesOnly)
	}
	t.Logf("%d real mentions; %d land on their @ only when counted in UTF-16 units", total, utf16Only)
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	words := strings.Repeat("lorem ipsum dolor sit amet ", 100) // 2,700 characters
	fox := strings.Repeat("🦊", 600)                             // 1,200 UTF-16 units, no space
	accents := strings.Repeat("e\u0301", 700)                   // 1,400 units, a mark after every letter
	lines := strings.Repeat("x", 700) + "\n" + strings.Repeat("y", 250) + " " + strings.Repeat("z", 200)
	cases := []struct {
		name, text string
		max        int
		joinWith   string // what the parts joined with give the text back
		wantParts  int
	}{
		{"empty", "", 0, "", 0},
		{"fits", "hello", 0, "", 1},
		{"exactly the limit", strings.Repeat("a", 1000), 0, "", 1},
		{"words", strings.TrimSpace(words), 0, " ", 3},
		{"one long word of emoji", fox, 0, "", 2},
		{"combining marks", accents, 0, "", 2},
		{"prefers the line break", lines, 0, "\n", 2},
		{"small max", "ab cd ef", 5, " ", 2},
	}
	for _, tc := range cases {
		parts := client.SplitText(tc.text, tc.max)
		max := tc.max
		if max == 0 {
			max = client.MaxTextLength
		}
		if len(parts) != tc.wantParts {
			t.Errorf("%s: %d parts; want %d", tc.name, len(parts), tc.wantParts)
		}
		for i, p := range parts {
			if client.TextLength(p) > max || !utf8.ValidString(p) || p == "" {
				t.Errorf("%s: part %d has %d units (max %d), valid UTF-8 %v", tc.name, i, client.TextLength(p), max, utf8.ValidString(p))
			}
			if strings.HasPrefix(p, "\u0301") {
				t.Errorf("%s: part %d starts with a combining mark", tc.name, i)
			}
		}
		if got := strings.Join(parts, tc.joinWith); got != tc.text {
			t.Errorf("%s: the parts joined do not give the text back (%d parts)", tc.name, len(parts))
		}
	}
	// A part that fills the room up to a white space ends there, not at
	// the white space before it: "aa bb" | "cc dd", not "aa" | "bb" | "cc dd".
	// A line break in the second half still comes first.
	for _, tc := range []struct {
		text string
		max  int
		want string
	}{
		{"aa bb cc dd", 5, "aa bb|cc dd"},
		{"aa bb\ncc dd", 5, "aa bb|cc dd"},
		{"aaa\nbb cc", 6, "aaa|bb cc"},
	} {
		if got := client.SplitText(tc.text, tc.max); strings.Join(got, "|") != tc.want {
			t.Errorf("SplitText(%q, %d) = %q; want %s", tc.text, tc.max, got, tc.want)
		}
	}
	if got := client.SplitText("🦊a🦊", 1); strings.Join(got, "|") != "🦊|a|🦊" {
		t.Errorf("SplitText(🦊a🦊, 1) = %q", got)
	}
	if client.TextLength("@Zoë 🦊") != 7 {
		t.Errorf("TextLength(@Zoë 🦊) = %d; want 7", client.TextLength("@Zoë 🦊"))
	}
}

// botWorld is a fake GroupMe with a group, a bot and a BotPoster.
type botWorld struct {
	srv    *contracttest.Server
	api    *client.Client // the owner's
	user   *client.Client // Zoë's
	poster *client.BotPoster
	group  string
	botID  string
}

func newBotWorld(t *testing.T) *botWorld {
	t.Helper()
	w := &botWorld{srv: contracttest.NewServer(t, contracttest.WithoutDataset())}
	f := w.srv.Fake
	owner := f.AddUser(contracttest.Account{Name: "Owner"})
	zoe := f.AddUser(contracttest.Account{Name: "Zoë 🦊"})
	var err error
	if w.group, err = f.AddGroup(contracttest.Group{Name: "G", CreatorID: owner.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddMember(w.group, zoe.ID, ""); err != nil {
		t.Fatal(err)
	}
	if w.botID, err = f.AddBot(contracttest.Bot{OwnerID: owner.ID, GroupID: w.group, Name: "Kit"}); err != nil {
		t.Fatal(err)
	}
	w.api, w.user = e2eClient(t, w.srv, owner.Token), e2eClient(t, w.srv, zoe.Token)
	if w.poster, err = client.NewBotPoster(client.WithBaseURL(w.srv.URL)); err != nil {
		t.Fatal(err)
	}
	return w
}

// botPosts are the bot's messages in the group, oldest first.
func (w *botWorld) botPosts(t *testing.T) []client.Message {
	t.Helper()
	var out []client.Message
	for _, m := range w.srv.Fake.GroupMessages(w.group) {
		if deref(m.SenderType) == "bot" {
			out = append(out, m)
		}
	}
	return out
}

// TestBotReplyMentionsSender: Reply answers Zoë 🦊's message with a reply
// attachment and a mention whose locus, in UTF-16 units, covers "@Zoë 🦊".
func TestBotReplyMentionsSender(t *testing.T) {
	t.Parallel()
	w := newBotWorld(t)
	m, err := w.user.CreateMessage(t.Context(), w.group, client.NewMessage{Text: strp("!ping")})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.poster.Reply(t.Context(), w.botID, callbackFor(m), "pong", client.MentionSender()); err != nil {
		t.Fatal(err)
	}
	posts := w.botPosts(t)
	if len(posts) != 1 || deref(posts[0].Text) != "@Zoë 🦊 pong" {
		t.Fatalf("bot posts %+v", posts)
	}
	var reply, mention bool
	for _, a := range posts[0].Attachments {
		if r, ok := a.AsReply(); ok {
			reply = deref(r.ReplyID) == m.ID && r.BaseReplyID == m.ID && deref(r.UserID) == m.UserID
		}
		if mm, ok := a.AsMentions(); ok && mm.Loci != nil && len(*mm.Loci) == 1 && len(mm.UserIDs) == 1 {
			l := (*mm.Loci)[0]
			got, _ := utf16Slice(deref(posts[0].Text), l[0], l[1])
			mention = string(mm.UserIDs[0]) == m.UserID && got == "@Zoë 🦊" && l[0] == 0 && l[1] == 7
		}
	}
	if !reply || !mention {
		t.Errorf("reply attachment right: %v, mention right: %v; attachments %+v", reply, mention, posts[0].Attachments)
	}

	// A reply to a reply points at the thread's first message.
	text, atts := client.ReplyContent(callbackFor(&posts[0]), "again", true)
	r, _ := atts[0].AsReply()
	if text != "again" || deref(r.ReplyID) != posts[0].ID || r.BaseReplyID != m.ID || len(atts) != 1 {
		t.Errorf("reply to a bot's reply: %q, %+v (%d attachments: a bot is not mentioned)", text, r, len(atts))
	}
}

// TestBotSayAndImage: a 2,500-character text goes out as 3 posts in order,
// the attachment with the first; PostBotImage uploads through the image
// service and posts the image.
func TestBotSayAndImage(t *testing.T) {
	t.Parallel()
	w := newBotWorld(t)
	long := strings.TrimSpace(strings.Repeat("word ", 500))
	if err := w.poster.Say(t.Context(), w.botID, long, client.NewLocationAttachment("Here", 1, 2)); err != nil {
		t.Fatal(err)
	}
	posts := w.botPosts(t)
	var texts []string
	for _, p := range posts {
		texts = append(texts, deref(p.Text))
	}
	if len(posts) != 3 || strings.Join(texts, " ") != long || len(posts[0].Attachments) != 1 || len(posts[1].Attachments) != 0 {
		t.Fatalf("%d posts, attachments %d/%d; joined text matches: %v", len(posts), len(posts[0].Attachments), len(posts[1].Attachments), strings.Join(texts, " ") == long)
	}

	img := testPNG(t, 3, 2)
	if err := w.api.PostBotImage(t.Context(), w.botID, "a picture", bytes.NewReader(img), "image/png"); err != nil {
		t.Fatal(err)
	}
	posts = w.botPosts(t)
	last := posts[len(posts)-1]
	var url string
	for _, a := range last.Attachments {
		if im, ok := a.AsImage(); ok {
			url = im.URL
		}
	}
	if deref(last.Text) != "a picture" || url == "" || !bytes.Equal(fetch(t, t.Context(), url), img) {
		t.Errorf("image post %+v (url %q)", last, url)
	}
}

func TestBotCommands(t *testing.T) {
	t.Parallel()
	var got []string
	cmds := client.BotCommands{
		"!echo": func(_ context.Context, _ client.Callback, args string) error {
			got = append(got, "echo:"+args)
			return nil
		},
		"!ping": func(context.Context, client.Callback, string) error { got = append(got, "ping"); return nil },
	}
	for _, text := range []string{"!echo  hello there ", "!ping", "!ping\tnow", "hello", "!pingpong", ""} {
		if err := cmds.Handle(t.Context(), client.Callback{Text: strp(text)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmds.Handle(t.Context(), client.Callback{}); err != nil { // a null text
		t.Fatal(err)
	}
	want := []string{"echo:hello there", "ping", "ping"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("routed %q; want %q", got, want)
	}
	cmds[""] = func(_ context.Context, _ client.Callback, text string) error {
		got = append(got, "default:"+text)
		return nil
	}
	got = nil
	_ = cmds.Handle(t.Context(), client.Callback{Text: strp("hello")})
	if len(got) != 1 || got[0] != "default:hello" {
		t.Errorf("default route: %q", got)
	}
}

// FuzzSplitText: whatever the text and the limit, SplitText ends, each
// part fits (or is one character wider than a limit of 1), and the parts
// hold the text's characters in order, only white space dropped.
func FuzzSplitText(f *testing.F) {
	f.Add("lorem ipsum dolor", 5)
	f.Add(strings.Repeat("🦊", 10), 3)
	f.Add("e\u0301e\u0301e\u0301 x\ny", 2)
	f.Add("\xff\xfe abc", 1)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max > 2000 || max < -5 {
			return
		}
		parts := client.SplitText(text, max)
		limit := max
		if limit < 1 {
			limit = client.MaxTextLength
		}
		noSpace := func(s string) string { return strings.Join(strings.Fields(s), "") }
		for _, p := range parts {
			if client.TextLength(p) > limit && utf8.RuneCountInString(p) > 1 {
				t.Fatalf("part %q has %d units; max %d", p, client.TextLength(p), limit)
			}
		}
		if noSpace(strings.Join(parts, "")) != noSpace(text) {
			t.Fatalf("SplitText(%q, %d) = %q lost characters", text, max, parts)
		}
	})
}
