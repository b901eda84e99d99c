package client

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// DefaultAuthorizeURL is GroupMe's OAuth authorization page, the address
// GroupMe's authentication tutorial (https://dev.groupme.com/tutorials/oauth)
// gives. Older applications use https://api.groupme.com/oauth/authorize;
// set [OAuthApp.AuthorizeEndpoint] to use another address.
const DefaultAuthorizeURL = "https://oauth.groupme.com/oauth/authorize"

// maxTokenLen bounds the access_token a callback accepts. GroupMe's tokens
// are a few dozen characters.
const maxTokenLen = 512

// Errors of the OAuth callback, matched by [*OAuthError]'s Unwrap:
//
//	if errors.Is(err, client.ErrAuthorizationDenied) { ... }
var (
	ErrAuthorizationDenied  = errors.New("groupme: the user did not authorize the application")
	ErrNoAccessToken        = errors.New("groupme: the callback carries no access_token")
	ErrMalformedAccessToken = errors.New("groupme: the callback's access_token is malformed")
	ErrBadClientID          = errors.New("groupme: bad OAuth client id")
)

// OAuthError is a callback request that did not deliver a usable token, or
// an authorize URL that cannot be built. It never holds the token.
type OAuthError struct {
	Err         error  // one of the sentinels above
	Code        string // the callback's error parameter (e.g. "access_denied"), if any
	Description string // the callback's error_description parameter, or details
}

func (e *OAuthError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	return b.String()
}

func (e *OAuthError) Unwrap() error { return e.Err }

// OAuthApp is an application registered on dev.groupme.com
// (https://dev.groupme.com/applications/new), which signs users in with
// GroupMe's OAuth implicit flow:
//
//  1. The application sends the user's browser to [OAuthApp.AuthorizeURL].
//  2. The user signs in to GroupMe and authorizes the application.
//  3. GroupMe redirects the browser to the callback URL registered with the
//     application, with the user's token in the query string:
//     ?access_token=ACCESS_TOKEN. An [OAuthCallback] serves that URL.
//
// The token then goes to [New]. It has no scopes, and GroupMe documents no
// expiry.
type OAuthApp struct {
	// ClientID is the application's client id.
	ClientID string
	// AuthorizeEndpoint is the authorization page; "" means
	// [DefaultAuthorizeURL]. Tests point it at a fake (contracttest's
	// Server.AuthorizeURL).
	AuthorizeEndpoint string
}

// AuthorizeURL returns the address to send the user to: the authorization
// page with ?client_id=... added. An empty client id, or one with spaces or
// control characters, is an [*OAuthError] wrapping [ErrBadClientID]; a bad
// AuthorizeEndpoint is an error too.
func (a OAuthApp) AuthorizeURL() (string, error) {
	if a.ClientID == "" {
		return "", &OAuthError{Err: ErrBadClientID, Description: "empty"}
	}
	if strings.IndexFunc(a.ClientID, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return "", &OAuthError{Err: ErrBadClientID, Description: "it contains spaces or control characters"}
	}
	endpoint := a.AuthorizeEndpoint
	if endpoint == "" {
		endpoint = DefaultAuthorizeURL
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("groupme: authorize endpoint %q is not an absolute http(s) URL", endpoint)
	}
	q := u.Query()
	q.Set("client_id", a.ClientID)
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return u.String(), nil
}

// AuthorizeURL returns GroupMe's authorization page for the application
// with this client id: https://oauth.groupme.com/oauth/authorize?client_id=...
// It is OAuthApp{ClientID: clientID}.AuthorizeURL().
func AuthorizeURL(clientID string) (string, error) {
	return OAuthApp{ClientID: clientID}.AuthorizeURL()
}

// OAuthCallback is the [http.Handler] for an application's callback URL,
// where GroupMe sends the user's browser back with ?access_token=.... It
// hands the token to OnToken and answers the browser with a small page
// saying whether signing in worked.
//
// It writes no logs. Its pages tell the browser not to cache them and not to
// send the address (which holds the token) as a Referer.
type OAuthCallback struct {
	// OnToken receives the token of a successful authorization, with the
	// request (for its context, or a session cookie). If it returns an
	// error, the browser is told that signing in failed; the error's text
	// is not shown. Required.
	OnToken func(r *http.Request, token string) error
	// OnError, if set, is told about a callback request without a usable
	// token: an [*OAuthError] wrapping [ErrAuthorizationDenied] (the user
	// refused: an error parameter), [ErrNoAccessToken], or
	// [ErrMalformedAccessToken].
	OnError func(r *http.Request, err error)
}

// ServeHTTP implements [http.Handler]. Only GET is answered (405 otherwise).
func (c *OAuthCallback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	if r.Method != http.MethodGet {
		h.Set("Allow", http.MethodGet)
		writeOAuthPage(w, http.StatusMethodNotAllowed, "Not signed in", "This address only answers the browser's return from GroupMe.")
		return
	}
	token, err := TokenFromCallback(r.URL.Query())
	if err != nil {
		if c.OnError != nil {
			c.OnError(r, err)
		}
		status, msg := http.StatusBadRequest, "GroupMe sent the browser back without a usable access token. Please try signing in again."
		if errors.Is(err, ErrAuthorizationDenied) {
			status, msg = http.StatusForbidden, "The application was not authorized. You can close this window."
		}
		writeOAuthPage(w, status, "Not signed in", msg)
		return
	}
	if c.OnToken == nil {
		writeOAuthPage(w, http.StatusInternalServerError, "Not signed in", "The application cannot take the token.")
		return
	}
	if err := c.OnToken(r, token); err != nil {
		writeOAuthPage(w, http.StatusInternalServerError, "Not signed in", "GroupMe authorized the application, but the application could not finish signing you in.")
		return
	}
	writeOAuthPage(w, http.StatusOK, "Signed in", "You are signed in to GroupMe. You can close this window.")
}

// TokenFromCallback extracts the access token from the query of GroupMe's
// redirect to a callback URL (what [OAuthCallback] does), for applications
// that serve the callback their own way. A query with an error parameter is
// [ErrAuthorizationDenied]; no access_token, or an empty one, is
// [ErrNoAccessToken]; several, or one with spaces, control characters or
// more than 512 bytes, is [ErrMalformedAccessToken]. The error never holds
// the token.
func TokenFromCallback(q url.Values) (string, error) {
	if code := q.Get("error"); code != "" || q.Has("error") {
		return "", &OAuthError{Err: ErrAuthorizationDenied, Code: clipParam(code), Description: clipParam(q.Get("error_description"))}
	}
	tokens := q["access_token"]
	switch {
	case len(tokens) == 0 || (len(tokens) == 1 && tokens[0] == ""):
		return "", &OAuthError{Err: ErrNoAccessToken}
	case len(tokens) > 1:
		return "", &OAuthError{Err: ErrMalformedAccessToken, Description: "it appears more than once"}
	}
	t := tokens[0]
	if len(t) > maxTokenLen {
		return "", &OAuthError{Err: ErrMalformedAccessToken, Description: fmt.Sprintf("longer than %d bytes", maxTokenLen)}
	}
	for _, r := range t {
		if r <= ' ' || r >= 0x7f {
			return "", &OAuthError{Err: ErrMalformedAccessToken, Description: "it contains spaces, control or non-ASCII characters"}
		}
	}
	return t, nil
}

// clipParam bounds a parameter copied into an error and keeps it printable.
func clipParam(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

var oauthPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; margin: 3em auto; max-width: 32em">
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
</body>
</html>
`))

func writeOAuthPage(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = oauthPage.Execute(w, struct{ Title, Message string }{title, msg})
}
