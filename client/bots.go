package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// ListBots calls GET /bots: every bot the user created, in all groups.
func (c *Client) ListBots(ctx context.Context) ([]Bot, error) {
	req, err := gen.NewListBotsRequest(c.base)
	bots, err := doJSON[[]Bot](ctx, c, call{op: "ListBots"}, req, err)
	if err != nil {
		return nil, err
	}
	return *bots, nil
}

// botCreated reads the bot whether GroupMe wraps it in "bot" (what it does)
// or sends it bare (what its reference shows).
type botCreated struct {
	Bot *Bot `json:"bot"`
	bareBot
}

type bareBot = Bot

// CreateBot calls POST /bots and returns the new bot. If bot.CallbackURL
// is set, GroupMe POSTs every message of the group to it; see
// CallbackHandler.
func (c *Client) CreateBot(ctx context.Context, bot NewBot) (*Bot, error) {
	req, err := gen.NewCreateBotRequest(c.base, BotCreateRequest{Bot: bot})
	res, err := doJSON[botCreated](ctx, c, call{op: "CreateBot"}, req, err)
	if err != nil {
		return nil, err
	}
	if res.Bot != nil {
		return res.Bot, nil
	}
	return &res.bareBot, nil
}

func (r *botCreated) check() error {
	if r.Bot == nil && r.BotID == "" {
		return errNoPayload
	}
	return nil
}

// DestroyBot calls POST /bots/destroy.
func (c *Client) DestroyBot(ctx context.Context, botID string) error {
	req, err := gen.NewDestroyBotRequest(c.base, BotDestroyRequest{BotID: botID})
	return doNoPayload(ctx, c, call{op: "DestroyBot"}, req, err)
}

// PostBotMessage calls POST /bots/post as the bot msg.BotID. The bot id
// is the credential: the user's token is not sent. Any 2xx answer is a
// success (GroupMe documents 201 and answers 202, with a body that is a
// single space). It is not retried, since a retry could post twice.
func (c *Client) PostBotMessage(ctx context.Context, msg BotPostRequest) error {
	req, err := gen.NewPostBotMessageRequest(c.base, nil, msg)
	// The answer is text (a single space), never JSON, and is ignored.
	return doNoPayload(ctx, c, call{op: "PostBotMessage", noAuth: true, accept: "*/*"}, req, err)
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
func (b *BotPoster) Post(ctx context.Context, msg BotPostRequest) error {
	return b.c.PostBotMessage(ctx, msg)
}
