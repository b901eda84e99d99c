package client

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPushEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []Option
		want string
	}{
		{"default", nil, DefaultPushURL},
		{"explicit default base", []Option{WithBaseURL(DefaultBaseURL)}, DefaultPushURL},
		{"base on another host follows it", []Option{WithBaseURL("http://127.0.0.1:8080/v3")}, "http://127.0.0.1:8080/faye"},
		{"Endpoints.Push wins", []Option{WithBaseURL("http://127.0.0.1:8080/v3"), WithEndpoints(Endpoints{Push: "https://push.example/faye"})}, "https://push.example/faye"},
	} {
		c, err := New("secret-token", tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.pushEndpoint(); got != tc.want {
			t.Errorf("%s: push endpoint %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, err := New("t", WithEndpoints(Endpoints{Push: "not a url"})); err == nil {
		t.Error("Endpoints.Push accepted a URL without scheme and host")
	}
}

func TestListenBackoffBounds(t *testing.T) {
	t.Parallel()
	l := &listener{cfg: listenConfig{minBackoff: time.Second, maxBackoff: 8 * time.Second}}
	for n, full := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 9: 8 * time.Second, 500: 8 * time.Second} {
		for range 50 {
			if d := l.backoff(n); d < full/2 || d > full {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, full/2, full)
			}
		}
	}
}

func TestCompareIDs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{{"9", "10", -1}, {"10", "9", 1}, {"175141257527047935", "175141257527047935", 0}, {"100", "099", 1}} {
		if got := compareIDs(tc.a, tc.b); got != tc.want {
			t.Errorf("compareIDs(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// The ext that carries the token prints without it, however it is printed.
func TestExtHidesToken(t *testing.T) {
	t.Parallel()
	e := &ext{AccessToken: "tok-SECRET", Timestamp: 1}
	for _, s := range []string{fmt.Sprint(e), fmt.Sprintf("%v %+v %#v %s", *e, *e, *e, *e), fmt.Sprint(outMessage{Ext: e})} {
		if strings.Contains(s, "tok-SECRET") {
			t.Errorf("printed ext shows the token: %s", s)
		}
	}
	b, _ := json.Marshal(outMessage{Channel: "/meta/subscribe", Ext: e})
	if !strings.Contains(string(b), `"access_token":"tok-SECRET"`) || !strings.Contains(string(b), `"timestamp":1`) {
		t.Errorf("the wire form lost the ext: %s", b)
	}
}

// Frames the server may send: known types become typed events, unknown
// ones and undecodable payloads arrive raw, pings are dropped.
func TestDeliverKinds(t *testing.T) {
	t.Parallel()
	var got []Event
	l := &listener{convs: map[string]*convState{}, yield: func(ev Event, err error) bool {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		got = append(got, ev)
		return true
	}}
	frames := []string{
		`{"channel":"/user/1","data":{"ping":true}}`,
		`{"channel":"/user/1","data":{"type":"ping"}}`,
		`{"channel":"/user/1","data":{"type":"line.create","alert":"A: hi","subject":{"id":"10","group_id":"5","text":"hi","attachments":[],"location":{"lat":"","lng":"","name":null},"pinned_by":null,"deleted_at":null}}}`,
		`{"channel":"/user/1","data":{"type":"line.create","alert":"A: hi","subject":{"id":"10","group_id":"5","text":"hi","attachments":[]}}}`,
		`{"channel":"/user/1","data":{"type":"direct_message.create","subject":{"id":"11","chat_id":"1+2","recipient_id":"1","user_id":"2","attachments":[]}}}`,
		`{"channel":"/user/1","data":{"type":"like.create","subject":{"line":{"id":"10","group_id":"5","attachments":[]},"user_id":"2"}}}`,
		`{"channel":"/group/5","data":{"type":"favorite","alert":"","subject":{"line":{"id":"10","group_id":"5","attachments":[]},"reactions":[{"type":"unicode","code":"x","user_ids":["2"]}],"user_id":"2"}}}`,
		`{"channel":"/user/1","data":{"type":"membership.create","subject":{"id":"5","name":"test","type":"private"}}}`,
		`{"channel":"/group/5","data":{"type":"typing","user_id":"2","started":1751404765673}}`,
		`{"channel":"/user/1","data":{"type":"brand.new","whatever":[1,2]}}`,
		`{"channel":"/user/1","data":{"type":"line.create","subject":"not an object"}}`,
	}
	for _, f := range frames {
		msgs, err := decodeFrame([]byte(f))
		if err != nil {
			t.Fatal(err)
		}
		l.deliver(msgs[0])
	}
	var kinds []string
	for _, ev := range got {
		kinds = append(kinds, fmt.Sprintf("%T:%s", ev, ev.Type()))
	}
	want := []string{
		"*client.GroupMessageEvent:line.create", // the repeat of id 10 is dropped
		"*client.DirectMessageEvent:direct_message.create",
		"*client.LikeEvent:like.create",
		"*client.LikeEvent:favorite",
		"*client.MembershipEvent:membership.create",
		"*client.RawEvent:typing",
		"*client.RawEvent:brand.new",
		"*client.RawEvent:line.create",
	}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("events\n got %v\nwant %v", kinds, want)
	}
	if ev := got[0].(*GroupMessageEvent); ev.Message.Text == nil || *ev.Message.Text != "hi" || ev.Alert != "A: hi" {
		t.Errorf("message event %+v", ev)
	}
	if ev := got[1].(*DirectMessageEvent); ev.ConversationID != "1+2" {
		t.Errorf("DM conversation %q", ev.ConversationID)
	}
	if ev := got[3].(*LikeEvent); ev.Message == nil || ev.Message.ID != "10" || len(ev.Reactions) != 1 || ev.UserID != "2" {
		t.Errorf("favorite %+v", ev)
	}
	if ev := got[6].(*RawEvent); string(ev.Data) != `{"type":"brand.new","whatever":[1,2]}` {
		t.Errorf("unknown type's data changed: %s", ev.Data)
	}
	if ev := got[7].(*RawEvent); ev.DecodeErr == nil {
		t.Error("an undecodable line.create has no DecodeErr")
	}
}
