package client

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestClientPrintsWithoutToken formats a Client, and a copy of one, with
// every verb and through slog's handlers.
func TestClientPrintsWithoutToken(t *testing.T) {
	t.Parallel()
	for mode, opts := range authModes() {
		c, err := New(testToken, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			out = append(out, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, []any{c, *c}))
		}
		out = append(out, fmt.Sprint(c), fmt.Sprintln(*c), c.String(), c.GoString())
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var b bytes.Buffer
			slog.New(h(&b)).Info("made", "client", c, "copy", *c, slog.Any("any", c))
			out = append(out, b.String())
		}
		for _, s := range out {
			if strings.Contains(s, testToken) {
				t.Errorf("%s: printed the token: %s", mode, s)
			}
		}
		if !strings.Contains(fmt.Sprintf("%+v", c), "REDACTED") {
			t.Errorf("%s: %%+v = %s, want it to say the token is redacted", mode, fmt.Sprintf("%+v", c))
		}
	}
}

// TestServerQuotingTheTokenIsRedacted: a server that writes the token back
// into meta.errors does not get it into the error text.
func TestServerQuotingTheTokenIsRedacted(t *testing.T) {
	t.Parallel()
	for mode, opts := range authModes() {
		srv, _ := newServer(t, reply(400, `{"meta":{"code":400,"errors":["bad token `+testToken+`", {"x":"`+testToken+`"}]},"response":null}`))
		c := newTestClient(t, srv, opts...)
		_, err := c.GetMe(t.Context())
		var api *APIError
		if !errors.As(err, &api) || !errors.Is(err, ErrBadRequest) {
			t.Fatalf("%s: err %v", mode, err)
		}
		if strings.Contains(err.Error(), testToken) || strings.Contains(fmt.Sprintf("%+v %#v", api, api), testToken) {
			t.Errorf("%s: the error holds the token: %s", mode, err)
		}
		if !strings.Contains(err.Error(), "bad token REDACTED") {
			t.Errorf("%s: %s", mode, err)
		}
	}
	// A token in the path (passed by mistake as an id) is redacted too.
	srv, _ := newServer(t, reply(404, `{"meta":{"code":404,"errors":["not found"]}}`))
	_, err := newTestClient(t, srv).GetGroup(t.Context(), testToken, nil)
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("path error %v", err)
	}
}
