package contracttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coder/websocket"
)

// bayeux is a Bayeux message as the tests read it.
type bayeux struct {
	Channel                  string          `json:"channel"`
	ID                       string          `json:"id"`
	ClientID                 string          `json:"clientId"`
	Successful               *bool           `json:"successful"`
	Error                    string          `json:"error"`
	Subscription             string          `json:"subscription"`
	SupportedConnectionTypes []string        `json:"supportedConnectionTypes"`
	Advice                   *pushAdvice     `json:"advice"`
	Data                     json.RawMessage `json:"data"`
}

// pushPost sends msgs to /faye by long-polling and returns the reply.
func pushPost(t *testing.T, srv *Server, msgs ...map[string]any) (int, []bayeux) {
	t.Helper()
	b, _ := json.Marshal(msgs)
	resp, err := srv.Client().Post(srv.PushURL, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	var out []bayeux
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("reply is not a Bayeux array: %v: %s", err, body)
	}
	return resp.StatusCode, out
}

func pushHandshake(t *testing.T, srv *Server) string {
	t.Helper()
	_, out := pushPost(t, srv, map[string]any{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": []string{"long-polling"}, "id": "1"})
	if len(out) != 1 || out[0].Successful == nil || !*out[0].Successful || out[0].ClientID == "" {
		t.Fatalf("handshake reply %+v", out)
	}
	return out[0].ClientID
}

func subscribeMsg(clientID, channel, token string, ts int64) map[string]any {
	m := map[string]any{"channel": "/meta/subscribe", "clientId": clientID, "subscription": channel, "id": "2"}
	if token != "" {
		m["ext"] = map[string]any{"access_token": token, "timestamp": ts}
		if ts < 0 { // as node-groupme's realtime client sends it
			m["ext"] = map[string]any{"access_token": token}
		}
	}
	return m
}

const nowSeconds = 1795000000

// The handshake answers as GroupMe's tutorial shows; subscribe checks the
// token, the seconds timestamp and who may hear which channel.
func TestPushHandshakeAndSubscribeAuth(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	me, other := srv.Dataset.Users[0], srv.Dataset.Users[1]
	_, out := pushPost(t, srv, map[string]any{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": []string{"websocket"}, "id": "1"})
	hs := out[0]
	if hs.Channel != "/meta/handshake" || hs.ID != "1" || hs.Advice == nil || hs.Advice.Reconnect != "retry" || hs.Advice.Timeout != 30000 ||
		!strings.Contains(strings.Join(hs.SupportedConnectionTypes, ","), "websocket") {
		t.Errorf("handshake reply %+v", hs)
	}
	client := hs.ClientID
	var notMember string
	for _, g := range srv.Dataset.Groups {
		srv.Fake.mu.Lock()
		if srv.Fake.st.groups[g].member(other.ID) == nil {
			notMember = g
		}
		srv.Fake.mu.Unlock()
	}
	cases := []struct {
		name, channel, token string
		ts                   int64
		clientID             string
		wantErr              string // "" for success
	}{
		{"own user channel", "/user/" + me.ID, me.Token, nowSeconds, client, ""},
		{"a group one belongs to", "/group/" + srv.Dataset.Groups[0], me.Token, nowSeconds, client, ""},
		{"own direct conversation", "/direct_message/" + me.ID + "_" + other.ID, me.Token, nowSeconds, client, ""},
		{"no ext", "/user/" + me.ID, "", 0, client, "401:"},
		{"unknown token", "/user/" + me.ID, "nope", nowSeconds, client, "401:"},
		{"milliseconds", "/user/" + me.ID, me.Token, nowSeconds * 1000, client, "400:"},
		{"no timestamp (node-groupme sends none)", "/user/" + me.ID, me.Token, -1, client, ""},
		{"someone else's channel", "/user/" + me.ID, other.Token, nowSeconds, client, "403:"},
		{"someone else's conversation", "/direct_message/1_2", me.Token, nowSeconds, client, "403:"},
		{"unknown client", "/user/" + me.ID, me.Token, nowSeconds, "no-such-client", "401:"},
	}
	if notMember != "" {
		cases = append(cases, struct {
			name, channel, token string
			ts                   int64
			clientID             string
			wantErr              string
		}{"a group one is not in", "/group/" + notMember, other.Token, nowSeconds, client, "403:"})
	}
	for _, tc := range cases {
		_, out := pushPost(t, srv, subscribeMsg(tc.clientID, tc.channel, tc.token, tc.ts))
		if len(out) != 1 || out[0].Successful == nil {
			t.Errorf("%s: reply %+v", tc.name, out)
			continue
		}
		r := out[0]
		if tc.wantErr == "" && (!*r.Successful || r.Subscription != tc.channel) {
			t.Errorf("%s: refused: %+v", tc.name, r)
		}
		if tc.wantErr != "" && (*r.Successful || !strings.HasPrefix(r.Error, tc.wantErr)) {
			t.Errorf("%s: reply %+v, want error %s...", tc.name, r, tc.wantErr)
		}
		if strings.Contains(r.Error, me.Token) || strings.Contains(r.Error, other.Token) {
			t.Errorf("%s: the error shows a token: %s", tc.name, r.Error)
		}
	}
	// A body that is not JSON, or not sent as JSON, is a bad request.
	resp, err := srv.Client().Post(srv.PushURL, "text/plain", strings.NewReader("[]"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("text/plain body: status %d, want 400", resp.StatusCode)
	}
}

// A connect from a client the server forgot is told to handshake again.
func TestPushConnectUnknownClient(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	_, out := pushPost(t, srv, map[string]any{"channel": "/meta/connect", "clientId": "gone", "connectionType": "long-polling", "id": "3"})
	if len(out) != 1 || out[0].Successful == nil || *out[0].Successful || out[0].Advice == nil || out[0].Advice.Reconnect != "handshake" {
		t.Fatalf("reply %+v, want unsuccessful with advice handshake", out)
	}
}

// pushData is the data object of a delivered event.
type pushDataTest struct {
	Type       string          `json:"type"`
	Alert      string          `json:"alert"`
	Subject    json.RawMessage `json:"subject"`
	ReceivedAt int64           `json:"received_at"`
}

// checkSubject fails the test unless subject matches openapi.yaml's schema
// name (what asyncapi.yaml promises).
func checkSubject(t *testing.T, srv *Server, name string, subject json.RawMessage) {
	t.Helper()
	var v any
	if err := json.Unmarshal(subject, &v); err != nil {
		t.Fatal(err)
	}
	ref := srv.Fake.val.Spec().Components.Schemas[name]
	if ref == nil {
		t.Fatalf("no schema %s in openapi.yaml", name)
	}
	if err := ref.Value.VisitJSON(v); err != nil {
		t.Errorf("pushed subject does not match openapi.yaml's %s: %v", name, err)
	}
}

// Messages, direct messages, likes and added members made through the REST
// API are delivered by long-polling connects, with subjects that match
// openapi.yaml.
func TestPushPublishesWhatRESTCreates(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	me, other := srv.Dataset.Users[0], srv.Dataset.Users[1]
	group := srv.Dataset.Groups[0]
	client := pushHandshake(t, srv)
	for _, ch := range []string{"/user/" + me.ID, "/group/" + group} {
		if _, out := pushPost(t, srv, subscribeMsg(client, ch, me.Token, nowSeconds)); !*out[0].Successful {
			t.Fatalf("subscribe %s: %+v", ch, out)
		}
	}
	api := newFakeAPI(t, srv, other.Token)
	var created struct {
		Message struct{ ID string } `json:"message"`
	}
	api.do("POST", "/groups/"+group+"/messages", map[string]any{"message": map[string]any{"source_guid": "g1", "text": "over push"}}, nil).expect(t, 201).decode(t, &created)
	var dm struct {
		DirectMessage struct{ ID string } `json:"direct_message"`
	}
	api.do("POST", "/direct_messages", map[string]any{"direct_message": map[string]any{"source_guid": "d1", "recipient_id": me.ID, "text": "psst"}}, nil).expect(t, 201).decode(t, &dm)
	var mine struct {
		Message struct{ ID string } `json:"message"`
	}
	api.as(me.Token).do("POST", "/groups/"+group+"/messages", map[string]any{"message": map[string]any{"source_guid": "g2", "text": "mine"}}, nil).expect(t, 201).decode(t, &mine)
	api.do("POST", "/messages/"+group+"/"+mine.Message.ID+"/like", nil, nil).expect(t, 200)

	_, out := pushPost(t, srv, map[string]any{"channel": "/meta/connect", "clientId": client, "connectionType": "long-polling", "id": "4"})
	if len(out) == 0 || out[0].Channel != "/meta/connect" || !*out[0].Successful || out[0].Advice == nil {
		t.Fatalf("connect reply %+v", out)
	}
	var got []string
	for _, m := range out[1:] {
		var d pushDataTest
		if err := json.Unmarshal(m.Data, &d); err != nil {
			t.Fatal(err)
		}
		if m.ClientID != client || m.ID == "" || d.ReceivedAt == 0 {
			t.Errorf("delivery %+v", m)
		}
		got = append(got, m.Channel+" "+d.Type)
		switch d.Type {
		case "line.create", "message.update":
			checkSubject(t, srv, "Message", d.Subject)
		case "direct_message.create":
			checkSubject(t, srv, "DirectMessage", d.Subject)
			var s struct {
				ChatID string `json:"chat_id"`
			}
			_ = json.Unmarshal(d.Subject, &s)
			if s.ChatID == "" {
				t.Errorf("direct_message.create without chat_id: %s", d.Subject)
			}
		case "like.create", "favorite":
			var s struct {
				Line   json.RawMessage `json:"line"`
				UserID string          `json:"user_id"`
			}
			_ = json.Unmarshal(d.Subject, &s)
			checkSubject(t, srv, "Message", s.Line)
			if s.UserID != other.ID {
				t.Errorf("%s by %q, want %q", d.Type, s.UserID, other.ID)
			}
		}
	}
	want := []string{
		"/user/" + me.ID + " line.create",
		"/group/" + group + " line.create",
		"/user/" + me.ID + " direct_message.create",
		"/user/" + me.ID + " line.create",
		"/group/" + group + " line.create",
		"/user/" + me.ID + " like.create",
		"/group/" + group + " favorite",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("deliveries\n got %q\nwant %q", got, want)
	}
}

// The same session over WebSocket; DropPushConnections closes the socket
// and forgets the client.
func TestPushWebSocketAndDrop(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	me := srv.Dataset.Users[0]
	client := pushHandshake(t, srv)
	ctx := t.Context()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.PushURL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	exchange := func(msgs ...map[string]any) []bayeux {
		t.Helper()
		b, _ := json.Marshal(msgs)
		if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
		_, reply, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []bayeux
		if err := json.Unmarshal(reply, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := exchange(subscribeMsg(client, "/user/"+me.ID, me.Token, nowSeconds)); !*out[0].Successful {
		t.Fatalf("subscribe over WebSocket: %+v", out)
	}
	if err := srv.Fake.PublishPush("/user/"+me.ID, json.RawMessage(`{"type":"typing","user_id":"1","started":2}`)); err != nil {
		t.Fatal(err)
	}
	out := exchange(map[string]any{"channel": "/meta/connect", "clientId": client, "connectionType": "websocket", "id": "3"})
	if len(out) != 2 || out[0].Channel != "/meta/connect" || string(out[1].Data) != `{"type":"typing","user_id":"1","started":2}` {
		t.Fatalf("connect over WebSocket: %+v", out)
	}

	srv.Fake.DropPushConnections()
	if _, _, err := conn.Read(ctx); err == nil {
		t.Fatal("the socket survived DropPushConnections")
	}
	_, again := pushPost(t, srv, map[string]any{"channel": "/meta/connect", "clientId": client, "connectionType": "long-polling", "id": "4"})
	if len(again) != 1 || *again[0].Successful || again[0].Advice.Reconnect != "handshake" {
		t.Errorf("connect after the drop: %+v, want advice handshake", again)
	}

	srv.Fake.SetPushWebSocket(false)
	if _, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.PushURL, "http"), nil); err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("upgrade with WebSocket off: err %v", err)
	}
	srv.Fake.FailPushHandshakes(1)
	if status, _ := pushPost(t, srv, map[string]any{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": []string{"long-polling"}, "id": "1"}); status != http.StatusServiceUnavailable {
		t.Errorf("injected handshake failure: status %d, want 503", status)
	}
	pushHandshake(t, srv) // the next one works
	if n := srv.Fake.PushHandshakes(); n != 3 {
		t.Errorf("%d handshakes counted, want 3", n)
	}
}

// The faye reference client sends its subscription and a connect asking
// for advice.timeout 0 in one batch; the connect is answered at once, and a
// connect asking for 2 s is held 2 s, not the server's 30 (fake time).
func TestPushConnectHonoursClientTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := NewFake(WithDataset(SeedConfig{Seed: 2, Users: 2, Groups: 1, Messages: 3, GroupMessages: 1, DirectMessages: 1}))
		me := f.Dataset().Users[0]
		never := make(chan struct{})
		hs := f.handlePush([]pushIn{{Channel: "/meta/handshake", ID: "1"}}, "long-polling", never, never)
		id := hs[0].ClientID
		for _, tc := range []struct {
			timeout string
			want    time.Duration
		}{{`0`, 0}, {`2000`, 2 * time.Second}, {`600000`, pushTimeout}} {
			var batch []pushIn
			raw := `[{"channel":"/meta/subscribe","id":"2","clientId":"` + id + `","subscription":"/user/` + me.ID + `","ext":{"access_token":"` + me.Token + `"}},` +
				`{"channel":"/meta/connect","id":"3","clientId":"` + id + `","connectionType":"long-polling","advice":{"timeout":` + tc.timeout + `}}]`
			if err := json.Unmarshal([]byte(raw), &batch); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			out := f.handlePush(batch, "long-polling", never, never)
			if took := time.Since(start); took != tc.want {
				t.Errorf("connect with advice.timeout %s answered after %v, want %v", tc.timeout, took, tc.want)
			}
			if len(out) != 2 || out[0].Successful == nil || !*out[0].Successful || out[1].Channel != "/meta/connect" || !*out[1].Successful {
				t.Errorf("advice.timeout %s: replies %+v", tc.timeout, out)
			}
		}
	})
}
