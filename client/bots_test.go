package client

import (
	"context"
	"testing"
)

const botJSON = `{"bot_id":"3f9a1c","group_id":"1234567","group_name":"Weekend hikers","name":"Trail weather","avatar_url":null,"callback_url":"https://example.com/cb","dm_notification":false}`

func TestBots(t *testing.T) {
	t.Parallel()
	checkBot := func(t *testing.T, got any) {
		b := got.(*Bot)
		if b.BotID != "3f9a1c" || b.Name != "Trail weather" || *b.CallbackURL != "https://example.com/cb" {
			t.Errorf("bot = %+v", b)
		}
	}
	post := BotPostRequest{BotID: "3f9a1c", Text: "sunny"}
	runOpCases(t, []opCase{
		{
			name:   "ListBots",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListBots(ctx) },
			method: "GET", path: "/v3/bots",
			status: 200, resp: envelopeOf("200", "["+botJSON+"]"),
			check: func(t *testing.T, got any) {
				if bs := got.([]Bot); len(bs) != 1 || *bs[0].GroupName != "Weekend hikers" {
					t.Errorf("bots = %+v", bs)
				}
			},
		},
		{
			name: "CreateBot",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateBot(ctx, NewBot{Name: "Trail weather", GroupID: "1234567", CallbackURL: Ptr("https://example.com/cb")})
			},
			method: "POST", path: "/v3/bots",
			body:   `{"bot":{"name":"Trail weather","group_id":"1234567","callback_url":"https://example.com/cb"}}`,
			status: 201, resp: envelopeOf("201", `{"bot":`+botJSON+`}`), check: checkBot,
		},
		{
			name: "CreateBot/bare bot",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateBot(ctx, NewBot{Name: "Trail weather", GroupID: "1234567"})
			},
			method: "POST", path: "/v3/bots", body: `{"bot":{"name":"Trail weather","group_id":"1234567"}}`,
			status: 201, resp: envelopeOf("201", botJSON), check: checkBot,
		},
		{
			name:   "DestroyBot",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.DestroyBot(ctx, "3f9a1c")) },
			method: "POST", path: "/v3/bots/destroy", body: `{"bot_id":"3f9a1c"}`,
			status: 200, resp: `{"response":null,"meta":{"code":200}}`,
		},
		{
			name:   "PostBotMessage/202 single space",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.PostBotMessage(ctx, post)) },
			method: "POST", path: "/v3/bots/post", body: `{"bot_id":"3f9a1c","text":"sunny"}`, noToken: true,
			status: 202, resp: " ",
		},
		{
			name:   "PostBotMessage/201 empty",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.PostBotMessage(ctx, post)) },
			method: "POST", path: "/v3/bots/post", body: `{"bot_id":"3f9a1c","text":"sunny"}`, noToken: true,
			status: 201, resp: "",
		},
	})
}

func TestBotPosterNeedsNoToken(t *testing.T) {
	t.Parallel()
	srv, rec := newServer(t, reply(202, " "))
	p, err := NewBotPoster(WithBaseURL(srv.URL+"/v3"), WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Post(t.Context(), BotPostRequest{BotID: "b", Text: "hi", PictureURL: Ptr("https://i.groupme.com/x")}); err != nil {
		t.Fatal(err)
	}
	r := rec.all()[0]
	if r.Path != "/v3/bots/post" || r.Header.Get(tokenHeader) != "" || r.RawQuery != "" {
		t.Errorf("request = %+v", r)
	}
	if !jsonEqual(t, r.Body, []byte(`{"bot_id":"b","text":"hi","picture_url":"https://i.groupme.com/x"}`)) {
		t.Errorf("body = %s", r.Body)
	}
}
