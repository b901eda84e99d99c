package client

import (
	"context"
	"net/url"
	"testing"
)

func messageJSON(id, guid string) string {
	return `{"id":"` + id + `","source_guid":"` + guid + `","created_at":1700000000,"user_id":"98765432","group_id":"1234567",
"name":"Mara","avatar_url":null,"text":"hello ` + id + `","system":false,"favorited_by":[],
"attachments":[{"type":"image","url":"https://i.groupme.com/1x1.png.abc"},{"type":"brand_new_kind","x":1}],"sender_type":"user"}`
}

func TestMessages(t *testing.T) {
	t.Parallel()
	runOpCases(t, []opCase{
		{
			name: "ListMessages",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListMessages(ctx, "1234567", &MessageParams{BeforeID: "175", Limit: 100, AcceptFiles: true})
			},
			method: "GET", path: "/v3/groups/1234567/messages",
			query:  url.Values{"before_id": {"175"}, "limit": {"100"}, "acceptFiles": {"1"}},
			status: 200, resp: envelopeOf("200", `{"count":2,"messages":[`+messageJSON("174", "g1")+`,`+messageJSON("173", "g2")+`]}`),
			check: func(t *testing.T, got any) {
				l := got.(*MessageList)
				if l.Count != 2 || len(l.Messages) != 2 || l.Messages[0].ID != "174" || *l.Messages[1].Text != "hello 173" {
					t.Fatalf("list = %+v", l)
				}
				if typ := l.Messages[0].Attachments[1].Type(); typ != "brand_new_kind" {
					t.Errorf("unknown attachment = %q", typ)
				}
			},
		},
		{
			name:   "ListMessages/304 is an empty page",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListMessages(ctx, "1234567", nil) },
			method: "GET", path: "/v3/groups/1234567/messages",
			status: 304, resp: ``,
			check: func(t *testing.T, got any) {
				if l := got.(*MessageList); l == nil || len(l.Messages) != 0 {
					t.Errorf("list = %+v", l)
				}
			},
		},
		{
			name: "CreateMessage keeps the caller's source_guid",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateMessage(ctx, "1234567", NewMessage{SourceGUID: "mine-1", Text: Ptr("hello 175")})
			},
			method: "POST", path: "/v3/groups/1234567/messages",
			body:   `{"message":{"source_guid":"mine-1","text":"hello 175"}}`,
			status: 201, resp: envelopeOf("201", `{"message":`+messageJSON("175", "mine-1")+`}`),
			check: func(t *testing.T, got any) {
				if m := got.(*Message); m.ID != "175" || m.SourceGUID != "mine-1" {
					t.Errorf("message = %+v", m)
				}
			},
		},
	})
}

func TestCreateMessageGeneratesSourceGUID(t *testing.T) {
	t.Parallel()
	srv, rec := newServer(t, reply(201, envelopeOf("201", `{"message":`+messageJSON("175", "x")+`}`)))
	c := newTestClient(t, srv)
	for range 2 {
		if _, err := c.CreateMessage(t.Context(), "1", NewMessage{Text: Ptr("hi")}); err != nil {
			t.Fatal(err)
		}
	}
	var guids []string
	for _, r := range rec.all() {
		var body MessageCreateRequest
		if err := jsonUnmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		guids = append(guids, body.Message.SourceGUID)
	}
	if len(guids) != 2 || len(guids[0]) != 36 || guids[0] == guids[1] {
		t.Errorf("generated guids = %q", guids)
	}
}
