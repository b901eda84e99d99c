package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
	"github.com/spf13/cobra"
)

// demoDataset is what the embedded fake is seeded with: several groups, the
// first with 10,000 messages carrying every kind of attachment, direct
// conversations and bots.
var demoDataset = contracttest.SeedConfig{
	Seed:           2026,
	Users:          8,
	Groups:         5,
	Messages:       10000,
	GroupMessages:  40,
	DirectMessages: 25,
	Bots:           2,
}

// app holds one run's flags and connections.
type app struct {
	env

	token    string
	useFake  bool
	jsonOut  bool
	baseURL  string
	imageURL string

	api      *client.Client
	fake     *contracttest.Fake
	dataset  *contracttest.Dataset
	fakeBase string // the in-process fake's API base URL, when it runs
	apiToken string // the token api signs in with, for scrubbing (mcp.go)
	closers  []func()
}

func (a *app) out() printer { return printer{w: a.stdout, json: a.jsonOut} }

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// connect makes the API client: against GroupMe with a token, otherwise
// against a fake GroupMe started inside this process.
func (a *app) connect(ctx context.Context, forceFake bool, opts ...client.Option) error {
	if a.api != nil {
		return nil
	}
	token := a.token
	if token == "" {
		token = a.getenv("GROUPME_TOKEN")
	}
	if token == "" && !a.useFake && !forceFake {
		t, err := a.tokenFromConfig()
		if err != nil {
			return err
		}
		token = t
	}
	base, image := a.baseURL, a.imageURL
	switch {
	case a.useFake || forceFake:
		var err error
		base, image, token, err = a.startFake(ctx)
		if err != nil {
			return err
		}
		a.fakeBase = base
		// WithBaseURL below moves the video and file hosts to the fake too.
		fmt.Fprintf(a.stderr, "groupme: using a fake GroupMe inside this process (%d messages of demo data); nothing leaves this machine\n", demoDataset.Messages)
	case token == "":
		return usagef("no GroupMe token: sign in with 'groupme login', or give one with --token, the GROUPME_TOKEN environment variable, or the config file %s; or try the program without an account with --fake or 'groupme demo'", a.configFile())
	}
	if base != "" {
		opts = append(opts, client.WithBaseURL(base))
	}
	if image != "" {
		opts = append(opts, client.WithEndpoints(client.Endpoints{Image: image}))
	}
	all := append([]client.Option{client.WithUserAgent("groupme-cli")}, a.clientOpts...)
	c, err := client.New(token, append(all, opts...)...)
	if err != nil {
		return err
	}
	a.api = c
	a.apiToken = token
	return nil
}

// startFake serves a seeded fake GroupMe on a loopback port and returns its
// API base URL, image base URL, and the token of its main user.
func (a *app) startFake(ctx context.Context) (base, image, token string, err error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", "", fmt.Errorf("start the fake GroupMe: %w", err)
	}
	root := "http://" + ln.Addr().String()
	opts := append([]contracttest.Option{
		contracttest.WithDataset(demoDataset),
		// Its seeded pictures are served by itself, so that downloading
		// them (backup --images) never leaves the machine.
		contracttest.WithPublicURL(root),
		// A fake that breaks the spec is a bug worth seeing.
		contracttest.WithViolationHandler(func(err error) { fmt.Fprintln(a.stderr, "groupme: the fake GroupMe broke openapi.yaml:", err) }),
	}, a.fakeOpts...)
	a.fake = contracttest.NewFake(opts...)
	ds := a.fake.Dataset()
	if ds == nil || len(ds.Users) == 0 {
		_ = ln.Close() // never served; the missing users are the error to report
		return "", "", "", errors.New("the fake GroupMe has no users")
	}
	a.dataset = ds
	srv := &http.Server{Handler: a.fake, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // http.ErrServerClosed once closed
	a.closers = append(a.closers, func() { _ = srv.Close(); a.fake.Close() })
	return root + "/v3", root, ds.Users[0].Token, nil
}

// withAPI wraps a command body so it runs with a connected client.
func (a *app) withAPI(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := a.connect(cmd.Context(), false); err != nil {
			return err
		}
		return fn(cmd, args)
	}
}
