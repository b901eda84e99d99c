package client

import (
	"context"
	"net/url"
	"testing"
)

func TestLeaderboard(t *testing.T) {
	t.Parallel()
	board := envelopeOf("200", `{"messages":[`+messageJSON("175", "a")+`,`+messageJSON("170", "b")+`]}`)
	check := func(t *testing.T, got any) {
		ms := got.([]Message)
		if len(ms) != 2 || ms[0].ID != "175" || ms[1].ID != "170" {
			t.Errorf("messages = %+v", ms)
		}
	}
	runOpCases(t, []opCase{
		{
			name:   "GetLeaderboard",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetLeaderboard(ctx, "1234567", "week") },
			method: "GET", path: "/v3/groups/1234567/likes", query: url.Values{"period": {"week"}},
			status: 200, resp: board, check: check,
		},
		{
			name:   "GetLeaderboardMine",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetLeaderboardMine(ctx, "1234567") },
			method: "GET", path: "/v3/groups/1234567/likes/mine",
			status: 200, resp: board, check: check,
		},
		{
			name:   "GetLeaderboardForMe",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetLeaderboardForMe(ctx, "1234567") },
			method: "GET", path: "/v3/groups/1234567/likes/for_me",
			status: 200, resp: board, check: check,
		},
	})
}
