package client

import (
	"context"
	"net/http"

	"github.com/groupme-go/groupme/gen"
)

// GetLeaderboard calls GET /groups/{group_id}/likes: the group's most liked
// messages of the last day, week or month, most liked first.
func (c *Client) GetLeaderboard(ctx context.Context, groupID string, period LeaderboardPeriod) ([]Message, error) {
	req, err := gen.NewGetLeaderboardRequest(c.base, groupID, &gen.GetLeaderboardParams{Period: gen.GetLeaderboardParamsPeriod(period)})
	return leaderboard(ctx, c, "GetLeaderboard", req, err)
}

// GetLeaderboardMine calls GET /groups/{group_id}/likes/mine: the messages
// the user liked, most recently liked first, each with LikedAt set.
func (c *Client) GetLeaderboardMine(ctx context.Context, groupID string) ([]Message, error) {
	req, err := gen.NewGetLeaderboardMineRequest(c.base, groupID)
	return leaderboard(ctx, c, "GetLeaderboardMine", req, err)
}

// GetLeaderboardForMe calls GET /groups/{group_id}/likes/for_me: the user's
// messages that others liked.
func (c *Client) GetLeaderboardForMe(ctx context.Context, groupID string) ([]Message, error) {
	req, err := gen.NewGetLeaderboardForMeRequest(c.base, groupID)
	return leaderboard(ctx, c, "GetLeaderboardForMe", req, err)
}

func leaderboard(ctx context.Context, c *Client, op string, req *http.Request, err error) ([]Message, error) {
	res, err := doJSON[Leaderboard](ctx, c, call{op: op}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Messages, nil
}
