// Echobot is a GroupMe bot written with the client package only. It
// answers "!ping" with "pong" and "!echo TEXT" with TEXT, each as a reply
// that mentions the sender. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/groupme-go/groupme/client"
)

// config is what the bot reads from its environment.
type config struct {
	BotID   string // GROUPME_BOT_ID: the bot to post as (required)
	Listen  string // LISTEN: the address of the callback URL, 127.0.0.1:8000 by default
	APIURL  string // GROUPME_API_URL: the API, https://api.groupme.com/v3 by default
	Token   string // GROUPME_TOKEN: the bot owner's token; with it, callbacks are verified
	GroupID string // GROUPME_GROUP_ID: the bot's group, for the verification
}

func configFromEnv() (config, error) {
	c := config{BotID: os.Getenv("GROUPME_BOT_ID"), Listen: os.Getenv("LISTEN"), APIURL: os.Getenv("GROUPME_API_URL"),
		Token: os.Getenv("GROUPME_TOKEN"), GroupID: os.Getenv("GROUPME_GROUP_ID")}
	if c.BotID == "" {
		return c, errors.New("GROUPME_BOT_ID is not set: create a bot (groupme bots create GROUP NAME --callback-url http://127.0.0.1:8000/) and give its bot_id")
	}
	if c.Token != "" && c.GroupID == "" {
		return c, errors.New("GROUPME_TOKEN is set, so callbacks are verified: GROUPME_GROUP_ID must name the bot's group")
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8000"
	}
	if c.APIURL == "" {
		c.APIURL = client.DefaultBaseURL
	}
	return c, nil
}

// replyTimeout bounds the reply to one message.
const replyTimeout = 10 * time.Second

// newHandler is the bot: the callback handler with its commands.
func newHandler(c config, logw io.Writer) (http.Handler, error) {
	poster, err := client.NewBotPoster(client.WithBaseURL(c.APIURL))
	if err != nil {
		return nil, err
	}
	reply := func(ctx context.Context, to client.Callback, text string) error {
		// The reply is not cut short if GroupMe stops waiting for the
		// callback's answer.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
		defer cancel()
		err := poster.Reply(ctx, c.BotID, to, text, client.MentionSender())
		if err != nil {
			fmt.Fprintf(logw, "echobot: replying to message %s: %v\n", to.ID, err)
		}
		return err
	}
	commands := client.BotCommands{
		"!ping": func(ctx context.Context, cb client.Callback, _ string) error { return reply(ctx, cb, "pong") },
		"!echo": func(ctx context.Context, cb client.Callback, args string) error {
			if args == "" {
				return reply(ctx, cb, "say !echo and some text")
			}
			return reply(ctx, cb, args)
		},
	}
	opts := []client.CallbackOption{client.SkipBotMessages(), client.SkipSystemMessages()}
	if c.Token != "" {
		api, err := client.New(c.Token, client.WithBaseURL(c.APIURL))
		if err != nil {
			return nil, err
		}
		opts = append(opts, client.VerifyCallbacks(api, c.GroupID))
	}
	return client.CallbackHandler(commands.Handle, opts...), nil
}

// serve runs the bot on ln until ctx ends.
func serve(ctx context.Context, c config, ln net.Listener, logw io.Writer) error {
	h, err := newHandler(c, logw)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	verified := "not verified (no GROUPME_TOKEN)"
	if c.Token != "" {
		verified = "verified against the API"
	}
	fmt.Fprintf(logw, "echobot: callbacks at http://%s/ (%s)\n", ln.Addr(), verified)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func main() {
	c, err := configFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobot:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", c.Listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobot:", err)
		os.Exit(1)
	}
	if err := serve(ctx, c, ln, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "echobot:", err)
		os.Exit(1)
	}
}
