package contracttest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
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
