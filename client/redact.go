package client

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
)

// secret holds the token behind a pointer: printing a Client, or a copy of
// one, with any verb shows an address where the token is, never the token.
// (A pointer to a struct or a slice would be printed with its contents
// under a wrong verb; a *string is not.)
type secret struct{ p *string }

func newSecret(s string) secret { return secret{&s} }

// value is the token; "" for a Client without one (NewBotPoster).
func (s secret) value() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// String describes the Client without its token.
func (c *Client) String() string {
	if c == nil {
		return "groupme.Client(nil)"
	}
	auth := "header"
	if c.queryToken {
		auth = "query"
	}
	return fmt.Sprintf("groupme.Client{base: %s, image base: %s, token: REDACTED (sent in the %s)}", c.base, c.imageBase, auth)
}

// GoString is String, so %#v does not print the token either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %q, %x, ...).
func (c *Client) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	_, _ = io.WriteString(f, c.String())
}

// LogValue makes slog log the Client without its token.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("groupme.Client(nil)")
	}
	return slog.GroupValue(
		slog.String("base", c.base),
		slog.String("image_base", c.imageBase),
		slog.String("token", "REDACTED"),
	)
}

// scrubAPIError removes the token from what a server wrote into an error
// answer (a server that quotes the request back, say) and from the path.
func (c *Client) scrubAPIError(e *APIError) *APIError {
	tok := c.token.value()
	if !redactable(tok) {
		return e
	}
	for i, s := range e.Errors {
		e.Errors[i] = strings.ReplaceAll(s, tok, "REDACTED")
	}
	e.Path = strings.ReplaceAll(e.Path, tok, "REDACTED")
	e.Path = strings.ReplaceAll(e.Path, url.PathEscape(tok), "REDACTED")
	return e
}

// followBase makes the image base URL follow an overridden API base URL
// (to its scheme and host) unless WithImageBaseURL was given, so a Client
// pointed at a test server never sends its token to GroupMe's real image
// service.
func (c *Client) followBase() {
	if c.imageSet || c.base == DefaultBaseURL+"/" {
		return
	}
	if u, err := url.Parse(c.base); err == nil {
		c.imageBase = u.Scheme + "://" + u.Host + "/"
	}
}
