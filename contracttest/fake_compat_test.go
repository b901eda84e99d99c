package contracttest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/groupme-go/groupme/gen"
)

// Requests other clients send that GroupMe accepts, and answers other
// clients depend on.

// rawReply sends a request with exactly the given Content-Type ("" for
// none) and body, and the token in the header unless it is "".
func rawReply(t *testing.T, srv *Server, method, target, ctype, body, token string) fakeReply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("X-Access-Token", token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fakeReply{status: resp.StatusCode, header: resp.Header, body: data}
}

func TestFakeBotPostBodies(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	ds := srv.Dataset
	bot, group := ds.Bots[0], ds.Groups[0]
	post := srv.URL + "/bots/post"
	tests := []struct {
		name, target, ctype, body string
		status                    int
		text                      string // the text that must be the group's newest message
	}{
		{"JSON", post, "application/json", `{"bot_id":"` + bot + `","text":"json"}`, 202, "json"},
		{"JSON labelled as a form (curl -d)", post, "application/x-www-form-urlencoded", `{"text": "curl & co", "bot_id": "` + bot + `"}`, 202, "curl & co"},
		{"form fields", post, "application/x-www-form-urlencoded", "bot_id=" + bot + "&text=" + url.QueryEscape("form + fields"), 202, "form + fields"},
		{"form fields with charset", post, "application/x-www-form-urlencoded; charset=utf-8", "text=charset&bot_id=" + bot, 202, "charset"},
		{"JSON without Content-Type", post, "", `{"bot_id":"` + bot + `","text":"untyped"}`, 202, "untyped"},
		{"JSON labelled text/plain", post, "text/plain", `{"bot_id":"` + bot + `","text":"plain"}`, 202, "plain"},
		{"query parameters", post + "?" + url.Values{"bot_id": {bot}, "text": {"query"}}.Encode(), "", "", 202, "query"},
		// As a bot really posted in 2021 (the colin99d cassettes): an
		// image, and text null. The message has no text.
		{"JSON with null text and an image", post, "application/json", `{"bot_id":"` + bot + `","text":null,"attachments":[{"type":"image","url":"https://i.groupme.com/2000x1125.jpeg.3af4"}]}`, 202, ""},
		{"JSON without bot_id", post, "application/json", `{"text":"x"}`, 400, ""},
		{"untyped JSON without bot_id", post, "", `{"text":"x"}`, 400, ""},
		{"form without bot_id", post, "application/x-www-form-urlencoded", "text=x", 400, ""},
		{"form without text", post, "application/x-www-form-urlencoded", "bot_id=" + bot, 400, ""},
		{"neither JSON nor form", post, "", "hello", 400, ""},
		{"unknown bot, JSON", post, "application/json", `{"bot_id":"0000","text":"x"}`, 404, ""},
		{"unknown bot, form", post, "application/x-www-form-urlencoded", "bot_id=0000&text=x", 404, ""},
		{"unknown bot, untyped", post, "", `{"bot_id":"0000","text":"x"}`, 404, ""},
	}
	for _, tc := range tests {
		r := rawReply(t, srv, "POST", tc.target, tc.ctype, tc.body, "")
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d; body %q", tc.name, r.status, tc.status, r.body)
			continue
		}
		if tc.status != 202 {
			continue
		}
		if string(r.body) != " " {
			t.Errorf("%s: body %q, want a single space", tc.name, r.body)
		}
		var page fakeMessageList
		newFakeAPI(t, srv, srv.Token).do("GET", "/groups/"+group+"/messages", nil, q("limit", "1")).expect(t, 200).decode(t, &page)
		if tc.text == "" {
			if len(page.Messages) != 1 || page.Messages[0].Text != nil || len(page.Messages[0].Attachments) != 1 || page.Messages[0].SenderType != "bot" {
				t.Errorf("%s: newest message %+v, want the bot's image with no text", tc.name, page.Messages)
			}
			continue
		}
		if len(page.Messages) != 1 || page.Messages[0].Text == nil || *page.Messages[0].Text != tc.text || page.Messages[0].SenderType != "bot" {
			t.Errorf("%s: newest message %+v, want the bot's %q", tc.name, page.Messages, tc.text)
		}
	}
}

// node-groupme treats an answer as empty only when it says
// "Content-Length: 0"; GroupMe's 304s do.
func TestFake304SaysContentLengthZero(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	var page fakeMessageList
	api := newFakeAPI(t, srv, srv.Token)
	path := "/groups/" + srv.Dataset.Groups[0] + "/messages"
	api.do("GET", path, nil, q("limit", "1")).expect(t, 200).decode(t, &page)

	// Read the raw answer: net/http's client hides how a 304 was framed.
	u, _ := url.Parse(srv.URL + path + "?since_id=" + page.Messages[0].ID)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = io.WriteString(conn, "GET "+u.RequestURI()+" HTTP/1.1\r\nHost: "+u.Host+"\r\nX-Access-Token: "+srv.Token+"\r\nConnection: close\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	if !strings.HasPrefix(head, "HTTP/1.1 304 ") {
		t.Fatalf("status line: %q", head)
	}
	if !strings.Contains(strings.ToLower(head), "\r\ncontent-length: 0") {
		t.Errorf("a 304 without Content-Length: 0:\n%s", head)
	}
	if body != "" {
		t.Errorf("a 304 with a body: %q", body)
	}
	// The Go client side sees an ordinary empty 304.
	r := api.do("GET", path, nil, q("since_id", page.Messages[0].ID)).expect(t, 304)
	if len(r.body) != 0 {
		t.Errorf("body %q", r.body)
	}
}

// The spec tells clients to percent-encode path parameters, so the "+" of
// a direct conversation id arrives as "%2B".
func TestFakeLikesDirectMessageWithEscapedPlus(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	me, other := srv.Dataset.Users[0], srv.Dataset.Users[1]
	api := newFakeAPI(t, srv, srv.Token)
	var dms struct {
		DirectMessages []struct {
			ID             string `json:"id"`
			ConversationID string `json:"conversation_id"`
		} `json:"direct_messages"`
	}
	api.do("GET", "/direct_messages", nil, q("other_user_id", other.ID)).expect(t, 200).decode(t, &dms)
	if len(dms.DirectMessages) == 0 {
		t.Fatal("no direct messages")
	}
	dm := dms.DirectMessages[0]
	conv := conversationID(me.ID, other.ID)
	if dm.ConversationID != "" && dm.ConversationID != conv {
		t.Fatalf("conversation id %q, want %q", dm.ConversationID, conv)
	}
	escaped := strings.Replace(conv, "+", "%2B", 1)
	for _, path := range []string{"/messages/" + escaped + "/" + dm.ID + "/like", "/messages/" + escaped + "/" + dm.ID + "/unlike",
		"/messages/" + conv + "/" + dm.ID + "/like"} {
		rawReply(t, srv, "POST", srv.URL+path, "", "", srv.Token).expect(t, 200)
	}
	// A wrong id stays wrong when escaped.
	rawReply(t, srv, "POST", srv.URL+"/messages/1%2B2/"+dm.ID+"/like", "", "", srv.Token).expect(t, 404)
}

// The requests of the most-used Go client for GroupMe
// (github.com/densestvoid/groupme): the token in the query string, and
// "Content-Type: application/json" on every POST, with or without a body.
// GroupMe accepts them; so must the fake.
func TestFakeAcceptsGoPeerRequestShapes(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	ds := srv.Dataset
	me, other := ds.Users[0], ds.Users[1]
	group := ds.Groups[0]
	withToken := func(path string, kv ...string) string {
		v := q(kv...)
		v.Set("token", me.Token)
		return srv.URL + path + "?" + v.Encode()
	}
	const js = "application/json"
	step := func(name, method, target, ctype, body string, status int) fakeReply {
		t.Helper()
		r := rawReply(t, srv, method, target, ctype, body, "")
		if r.status != status {
			t.Fatalf("%s: status %d, want %d; body %.300s", name, r.status, status, r.body)
		}
		return r
	}

	step("index groups", "GET", withToken("/groups", "page", "1", "per_page", "10", "omit", "memberships"), "", "", 200)
	var created struct {
		ID       string `json:"id"`
		ShareURL string `json:"share_url"`
	}
	step("create group with empty optional strings", "POST", withToken("/groups"), js,
		`{"name":"Peer group","description":"","image_url":"","office_mode":false,"share":true}`, 201).decode(t, &created)
	step("update group", "POST", withToken("/groups/"+created.ID+"/update"), js,
		`{"name":"Peer group 2","description":"","image_url":"","office_mode":false,"share":true}`, 200)
	var added struct {
		ResultsID string `json:"results_id"`
	}
	step("add members", "POST", withToken("/groups/"+created.ID+"/members/add"), js,
		`{"members":[{"user_id":"`+other.ID+`","nickname":"Ben","guid":"peer-1"}]}`, 202).decode(t, &added)
	step("update nickname", "POST", withToken("/groups/"+created.ID+"/memberships/update"), js, `{"membership":{"nickname":"Boss"}}`, 200)

	var sent struct {
		Message struct {
			ID string `json:"id"`
		} `json:"message"`
	}
	step("create message", "POST", withToken("/groups/"+group+"/messages"), js,
		`{"message":{"source_guid":"peer-guid-1","text":"from the Go peer","attachments":[{"type":"location","name":"Here","lat":"40.1","lng":"-75.2"}]}}`, 201).decode(t, &sent)
	step("index messages", "GET", withToken("/groups/"+group+"/messages", "before_id", sent.Message.ID, "limit", "20"), "", "", 200)
	step("like with an empty JSON-typed body", "POST", withToken("/messages/"+group+"/"+sent.Message.ID+"/like"), js, "", 200)
	step("unlike with an empty JSON-typed body", "POST", withToken("/messages/"+group+"/"+sent.Message.ID+"/unlike"), js, "", 200)
	step("leaderboard", "GET", withToken("/groups/"+group+"/likes", "period", "week"), "", "", 200)

	step("create direct message", "POST", withToken("/direct_messages"), js,
		`{"direct_message":{"source_guid":"peer-guid-2","recipient_id":"`+other.ID+`","text":"hi"}}`, 201)
	step("index direct messages", "GET", withToken("/direct_messages", "other_user_id", other.ID), "", "", 200)
	step("index chats", "GET", withToken("/chats", "page", "1", "per_page", "10"), "", "", 200)

	var bot struct {
		Bot struct {
			BotID string `json:"bot_id"`
		} `json:"bot"`
	}
	step("create bot", "POST", withToken("/bots"), js, `{"bot":{"group_id":"`+group+`","name":"Peer bot"}}`, 201).decode(t, &bot)
	// Its bot client sends JSON without a token, labelled JSON; the
	// picture goes under a key GroupMe ignores.
	step("post as the bot", "POST", srv.URL+"/bots/post", js,
		`{"bot_id":"`+bot.Bot.BotID+`","text":"beep","PictureURL":"https://i.groupme.com/1x1.png.abc"}`, 202)
	step("index bots", "GET", withToken("/bots"), "", "", 200)
	step("destroy bot", "POST", withToken("/bots/destroy"), js, `{"bot_id":"`+bot.Bot.BotID+`"}`, 200)

	step("me", "GET", withToken("/users/me"), "", "", 200)
	step("update me with empty strings", "POST", withToken("/users/update"), js,
		`{"avatar_url":"","name":"Mara L.","email":"","zip_code":""}`, 200)
	step("sms mode", "POST", withToken("/users/sms_mode"), js, `{"duration":4}`, 201)
	step("sms mode off, empty JSON-typed body", "POST", withToken("/users/sms_mode/delete"), js, "", 200)
	step("block", "POST", withToken("/blocks", "user", me.ID, "otherUser", ds.Users[2].ID), js, "", 201)
	step("between", "GET", withToken("/blocks/between", "user", me.ID, "otherUser", ds.Users[2].ID), "", "", 200)
	step("unblock", "DELETE", withToken("/blocks", "user", me.ID, "otherUser", ds.Users[2].ID), "", "", 200)

	token := created.ShareURL[strings.LastIndex(created.ShareURL, "/")+1:]
	joinAs := func(path string) string { return srv.URL + path + "?token=" + url.QueryEscape(ds.Users[3].Token) }
	step("join by share token, empty JSON-typed body", "POST", joinAs("/groups/"+created.ID+"/join/"+token), js, "", 200)
	step("destroy group, empty JSON-typed body", "POST", withToken("/groups/"+created.ID+"/destroy"), js, "", 200)

	png := string(testPNG(t, 3, 2))
	step("upload a PNG with the token in the query", "POST", srv.ImageURL+"/pictures?token="+url.QueryEscape(me.Token), "image/png", png, 200)
}

// With WithViolationsAs500 an answer that breaks the spec never leaves the
// fake: the handlers hear of it and the client gets a 500.
func TestFakeReplacesViolationsWith500(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var violations []error
	// Not NewServer: its handler fails the test on a violation, and this
	// fake is meant to commit one.
	f := NewFake(WithViolationsAs500(), WithViolationHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		violations = append(violations, err)
	}))
	u := f.AddUser(Account{Name: "Ada"})
	g, err := f.AddGroup(Group{Name: "G", CreatorID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	var bad gen.Attachment
	if err := bad.UnmarshalJSON([]byte(`{"type":"image"}`)); err != nil { // an image without its url
		t.Fatal(err)
	}
	if _, err := f.AddMessage(g, Message{UserID: u.ID, Text: "broken", Attachments: []gen.Attachment{bad}}); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(f)
	defer hs.Close()
	req, _ := http.NewRequest("GET", hs.URL+"/v3/groups/"+g+"/messages", nil)
	req.Header.Set("X-Access-Token", u.Token)
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(body), "openapi.yaml") {
		t.Errorf("status %d, body %s; want the 500 that replaces a violation", resp.StatusCode, body)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(violations) != 1 {
		t.Errorf("%d violations reported, want 1: %v", len(violations), violations)
	}
}
