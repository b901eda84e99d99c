package client

import (
	"context"
	"testing"
)

func TestLikes(t *testing.T) {
	t.Parallel()
	reactions := envelopeOf("200", `{"reactions":[{"type":"emoji","pack_id":1,"pack_index":62,"user_ids":["98765432"]},{"type":"unicode","code":"🔥","pack_id":0,"pack_index":0,"user_ids":["1"]}]}`)
	checkReactions := func(n int) func(t *testing.T, got any) {
		return func(t *testing.T, got any) {
			rs := got.([]Reaction)
			if len(rs) != n {
				t.Fatalf("reactions = %+v, want %d", rs, n)
			}
			if n > 0 && (rs[0].Type != "emoji" || rs[0].UserIDs == nil || (*rs[0].UserIDs)[0] != "98765432") {
				t.Errorf("reactions = %+v", rs)
			}
		}
	}
	runOpCases(t, []opCase{
		{
			name:   "LikeMessage",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.LikeMessage(ctx, "1234567", "175", nil) },
			method: "POST", path: "/v3/messages/1234567/175/like", body: `{}`,
			status: 200, resp: reactions, check: checkReactions(2),
		},
		{
			name: "LikeMessage/emoji reaction in a DM",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LikeMessage(ctx, "555+98765432", "9", &LikeIcon{Type: "emoji", PackID: Ptr(1), PackIndex: Ptr(62)})
			},
			method: "POST", path: "/v3/messages/555+98765432/9/like",
			body:   `{"like_icon":{"type":"emoji","pack_id":1,"pack_index":62}}`,
			status: 200, resp: reactions, check: checkReactions(2),
		},
		{
			name:   "LikeMessage/no payload",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.LikeMessage(ctx, "1", "2", nil) },
			method: "POST", path: "/v3/messages/1/2/like", body: `{}`,
			status: 200, resp: ``, check: checkReactions(0),
		},
		{
			name:   "UnlikeMessage",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.UnlikeMessage(ctx, "1234567", "175") },
			method: "POST", path: "/v3/messages/1234567/175/unlike",
			status: 200, resp: envelopeOf("200", `{"reactions":[]}`), check: checkReactions(0),
		},
		{
			name:   "UnlikeMessage/meta only",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.UnlikeMessage(ctx, "1234567", "175") },
			method: "POST", path: "/v3/messages/1234567/175/unlike",
			status: 200, resp: `{"meta":{"code":200}}`, check: checkReactions(0),
		},
	})
}
