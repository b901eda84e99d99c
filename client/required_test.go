package client

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestEmptyObjectsAreDecodeErrors: an answer whose payload lacks the id
// GroupMe always sends ({"response":{}}, or a created message without
// one) is a *DecodeError naming the field, never a zero value with a nil
// error.
func TestEmptyObjectsAreDecodeErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, field string
		call              func(c *Client) error
	}{
		{"group", `{"response":{},"meta":{"code":200}}`, `"id"`, func(c *Client) error { _, err := c.GetGroup(t.Context(), "1", nil); return err }},
		{"me", `{"response":{"name":"x"},"meta":{"code":200}}`, `"id"`, func(c *Client) error { _, err := c.GetMe(t.Context()); return err }},
		{"message", `{"response":{"message":{}},"meta":{"code":201}}`, `"message.id"`, func(c *Client) error {
			_, err := c.CreateMessage(t.Context(), "1", NewMessage{Text: Ptr("hi")})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newServer(t, reply(http.StatusOK, tc.body))
			c := newTestClient(t, srv)
			err := tc.call(c)
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("err = %v (%T), want a *DecodeError naming %s", err, err, tc.field)
			}
		})
	}
}

// TestShortSecretsAreNotRedacted: only a value long enough to be a token
// is replaced in error text; a one-letter "token" leaves the text alone.
func TestShortSecretsAreNotRedacted(t *testing.T) {
	t.Parallel()
	if got := redactText("a name with a in it", "a"); got != "a name with a in it" {
		t.Errorf("a one-letter secret changed the text: %q", got)
	}
	tok := strings.Repeat("k", 40)
	if got := redactText("bad token "+tok+" here", tok); got != "bad token REDACTED here" {
		t.Errorf("a real token was not redacted: %q", got)
	}
}
