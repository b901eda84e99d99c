package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// ListBots calls GET /bots: every bot the user created, in all groups.
func (c *Client) ListBots(ctx context.Context) ([]gen.Bot, error) {
	req, err := gen.NewListBotsRequest(c.base)
	bots, err := doJSON[[]gen.Bot](ctx, c, call{op: "ListBots"}, req, err)
	if err != nil {
		return nil, err
	}
	return *bots, nil
}

// botCreated reads the bot whether GroupMe wraps it in "bot" (what it does)
// or sends it bare (what its reference shows).
type botCreated struct {
	Bot *gen.Bot `json:"bot"`
	bareBot
}

type bareBot = gen.Bot

// CreateBot calls POST /bots and returns the new bot. If bot.CallbackURL
// is set, GroupMe POSTs every message of the group to it; see
// CallbackHandler.
func (c *Client) CreateBot(ctx context.Context, bot gen.NewBot) (*gen.Bot, error) {
	req, err := gen.NewCreateBotRequest(c.base, gen.BotCreateRequest{Bot: bot})
	res, err := doJSON[botCreated](ctx, c, call{op: "CreateBot"}, req, err)
	if err != nil {
		return nil, err
	}
	if res.Bot != nil {
		return res.Bot, nil
	}
	if res.BotID != "" {
		return &res.bareBot, nil
	}
	return nil, newDecodeErrorFromRequest("CreateBot", req, 201, errNoPayload)
}

// DestroyBot calls POST /bots/destroy.
func (c *Client) DestroyBot(ctx context.Context, botID string) error {
	req, err := gen.NewDestroyBotRequest(c.base, gen.BotDestroyRequest{BotID: botID})
	return doNoPayload(ctx, c, call{op: "DestroyBot"}, req, err)
}

// PostBotMessage calls POST /bots/post as the bot msg.BotID. The bot id
// is the credential: the user's token is not sent. Any 2xx answer is a
// success (GroupMe documents 201 and answers 202, with a body that is a
// single space). It is not retried, since a retry could post twice.
func (c *Client) PostBotMessage(ctx context.Context, msg gen.BotPostRequest) error {
	req, err := gen.NewPostBotMessageRequest(c.base, nil, msg)
	return doNoPayload(ctx, c, call{op: "PostBotMessage", noAuth: true}, req, err)
}

// BotPoster posts as bots without any user token, for programs that only
// run a bot. It is safe for concurrent use.
type BotPoster struct {
	c *Client
}

// NewBotPoster returns a BotPoster. It takes the same options as New;
// those about the token are irrelevant.
func NewBotPoster(opts ...Option) (*BotPoster, error) {
	c, err := newClient("", opts)
	if err != nil {
		return nil, err
	}
	return &BotPoster{c: c}, nil
}

// Post calls POST /bots/post; see Client.PostBotMessage.
func (b *BotPoster) Post(ctx context.Context, msg gen.BotPostRequest) error {
	return b.c.PostBotMessage(ctx, msg)
}
