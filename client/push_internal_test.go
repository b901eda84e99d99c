package client

import (
	"fmt"
	"strconv"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/groupme-go/groupme/internal/bayeux"
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
		var m bayeux.Message
		if err := jsonv2.Unmarshal([]byte(f), &m); err != nil {
			t.Fatal(err)
		}
		l.deliver(m)
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

// A message id at or below the highest one delivered in its conversation
// is a duplicate however long ago that was: one replayed after 5,000 newer
// ones (the old filter remembered 1,024) is not delivered again, in any
// conversation, and the filter holds one id per conversation.
func TestDeliverDropsReplaysByHighWaterMark(t *testing.T) {
	t.Parallel()
	delivered := map[string]int{}
	l := &listener{convs: map[string]*convState{}, yield: func(ev Event, err error) bool {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		if ev, ok := ev.(*GroupMessageEvent); ok {
			delivered[ev.Message.ID]++
		}
		return true
	}}
	msg := func(group string, id int) bayeux.Message {
		return bayeux.Message{Channel: "/user/1", Data: []byte(`{"type":"line.create","subject":{"id":"` + strconv.Itoa(id) + `","group_id":"` + group + `","attachments":[]}}`)}
	}
	l.deliver(msg("5", 1000))
	l.deliver(msg("6", 1000))
	for id := 1001; id <= 6000; id++ {
		l.deliver(msg("5", id))
	}
	l.deliver(msg("5", 1000)) // replayed after 5,000 others
	l.deliver(msg("5", 999))  // older than anything delivered
	l.deliver(msg("5", 4000))
	l.deliver(msg("6", 1000)) // the other conversation's own replay
	l.deliver(msg("6", 1001)) // new there, although group 5 had 1001
	if delivered["1000"] != 2 || delivered["999"] != 0 || delivered["4000"] != 1 || delivered["1001"] != 2 || delivered["6000"] != 1 {
		t.Errorf("deliveries of 1000, 999, 4000, 1001, 6000: %d %d %d %d %d; want 2 (one per group) 0 1 2 1",
			delivered["1000"], delivered["999"], delivered["4000"], delivered["1001"], delivered["6000"])
	}
	if len(l.convs) != 2 || l.convs["5"].last != "6000" || l.convs["6"].last != "1001" {
		t.Errorf("state %d conversations, last %+v %+v", len(l.convs), l.convs["5"], l.convs["6"])
	}
}

// Track's baseline is where the catch-up starts, not a high-water mark: a
// message pushed between the subscription and the baseline's look-up has
// an id at or below the baseline and must still be delivered (once).
func TestTrackBaselineIsNotAHighWaterMark(t *testing.T) {
	t.Parallel()
	n := 0
	l := &listener{convs: map[string]*convState{"5": {baseline: "1000"}}, yield: func(Event, error) bool { n++; return true }}
	push := bayeux.Message{Channel: "/user/1", Data: []byte(`{"type":"line.create","subject":{"id":"1000","group_id":"5","attachments":[]}}`)}
	l.deliver(push)
	l.deliver(push)
	if n != 1 || l.convs["5"].after() != "1000" || l.convs["5"].last != "1000" {
		t.Errorf("%d deliveries of the message at the baseline, state %+v; want 1", n, l.convs["5"])
	}
	if s := (&convState{baseline: "900", last: "1000"}); s.after() != "1000" {
		t.Errorf("after() = %q, want the higher of baseline and last", s.after())
	}
	if s := (&convState{baseline: "1100", last: "1000"}); s.after() != "1100" {
		t.Errorf("after() = %q, want the higher of baseline and last", s.after())
	}
}
