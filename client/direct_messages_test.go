package client

import (
	"context"
	"net/url"
	"testing"
)

func TestDirectMessages(t *testing.T) {
	t.Parallel()
	checkDM := func(t *testing.T, got any) {
		if m := got.(*DirectMessage); m.ID != "9" || m.SourceGUID != "mine" || *m.Text != "dm 9" {
			t.Errorf("dm = %+v", m)
		}
	}
	runOpCases(t, []opCase{
		{
			name: "ListDirectMessages",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListDirectMessages(ctx, "555", &MessageParams{SinceID: "5"})
			},
			method: "GET", path: "/v3/direct_messages", query: url.Values{"other_user_id": {"555"}, "since_id": {"5"}},
			status: 200, resp: envelopeOf("200", `{"count":1,"direct_messages":[`+dmJSON("9", "g")+`],"read_receipt":{"id":"","chat_id":"555+98765432","message_id":"9","user_id":"555","read_at":1}}`),
			check: func(t *testing.T, got any) {
				l := got.(*DirectMessageList)
				if l.Count != 1 || len(l.DirectMessages) != 1 || l.ReadReceipt == nil || *l.ReadReceipt.MessageID != "9" {
					t.Errorf("list = %+v", l)
				}
			},
		},
		{
			name: "ListDirectMessages/304 is an empty page",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListDirectMessages(ctx, "555", nil)
			},
			method: "GET", path: "/v3/direct_messages", query: url.Values{"other_user_id": {"555"}},
			status: 304,
			check: func(t *testing.T, got any) {
				if l := got.(*DirectMessageList); l == nil || len(l.DirectMessages) != 0 {
					t.Errorf("list = %+v", l)
				}
			},
		},
		{
			name: "CreateDirectMessage/direct_message key",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateDirectMessage(ctx, NewDirectMessage{SourceGUID: "mine", RecipientID: "555", Text: Ptr("dm 9")})
			},
			method: "POST", path: "/v3/direct_messages",
			body:   `{"direct_message":{"source_guid":"mine","recipient_id":"555","text":"dm 9"}}`,
			status: 201, resp: envelopeOf("201", `{"direct_message":`+dmJSON("9", "mine")+`}`),
			check: checkDM,
		},
		{
			name: "CreateDirectMessage/message key",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateDirectMessage(ctx, NewDirectMessage{SourceGUID: "mine", RecipientID: "555", Text: Ptr("dm 9")})
			},
			method: "POST", path: "/v3/direct_messages",
			body:   `{"direct_message":{"source_guid":"mine","recipient_id":"555","text":"dm 9"}}`,
			status: 201, resp: envelopeOf("201", `{"message":`+dmJSON("9", "mine")+`}`),
			check: checkDM,
		},
	})
}
