package client

import (
	"context"
	"net/url"
	"testing"
)

func TestBlocks(t *testing.T) {
	t.Parallel()
	both := url.Values{"user": {"98765432"}, "otherUser": {"555"}}
	const block = `{"user_id":"98765432","blocked_user_id":"555","created_at":1764090000}`
	runOpCases(t, []opCase{
		{
			name:   "ListBlocks",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListBlocks(ctx, "98765432") },
			method: "GET", path: "/v3/blocks", query: url.Values{"user": {"98765432"}},
			status: 200, resp: envelopeOf("200", `{"blocks":[`+block+`]}`),
			check: func(t *testing.T, got any) {
				if bs := got.([]Block); len(bs) != 1 || bs[0].BlockedUserID != "555" {
					t.Errorf("blocks = %+v", bs)
				}
			},
		},
		{
			name:   "GetBlockBetween",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetBlockBetween(ctx, "98765432", "555") },
			method: "GET", path: "/v3/blocks/between", query: both,
			status: 200, resp: envelopeOf("200", `{"between":true}`),
			check: func(t *testing.T, got any) {
				if got != true {
					t.Errorf("between = %v", got)
				}
			},
		},
		{
			name:   "CreateBlock",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.CreateBlock(ctx, "98765432", "555") },
			method: "POST", path: "/v3/blocks", query: both,
			status: 201, resp: envelopeOf("201", `{"block":`+block+`}`),
			check: func(t *testing.T, got any) {
				if b := got.(*Block); b.CreatedAt == nil || *b.CreatedAt != 1764090000 || b.UserID != "98765432" {
					t.Errorf("block = %+v", b)
				}
			},
		},
		{
			name:   "DeleteBlock",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.DeleteBlock(ctx, "98765432", "555")) },
			method: "DELETE", path: "/v3/blocks", query: both,
			status: 200, resp: ``,
		},
		{
			name: "DeleteBlockPost",
			call: func(ctx context.Context, c *Client) (any, error) {
				return ok(c.DeleteBlockPost(ctx, "98765432", "555"))
			},
			method: "POST", path: "/v3/blocks/delete", query: both,
			status: 200, resp: `<html>ok</html>`,
		},
	})
}
