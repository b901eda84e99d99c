package client_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

func TestAuthorizeURL(t *testing.T) {
	t.Parallel()
	got, err := client.AuthorizeURL("abc")
	if err != nil || got != "https://oauth.groupme.com/oauth/authorize?client_id=abc" {
		t.Errorf("AuthorizeURL = %q, %v", got, err)
	}
	got, err = client.OAuthApp{ClientID: "a&b=c", AuthorizeEndpoint: "https://api.groupme.com/oauth/authorize?x=1#frag"}.AuthorizeURL()
	if err != nil || got != "https://api.groupme.com/oauth/authorize?client_id=a%26b%3Dc&x=1" {
		t.Errorf("custom endpoint: %q, %v", got, err)
	}
	for _, id := range []string{"", "a b", "a\nb", "a\x00"} {
		_, err := client.AuthorizeURL(id)
		var oe *client.OAuthError
		if !errors.Is(err, client.ErrBadClientID) || !errors.As(err, &oe) {
			t.Errorf("AuthorizeURL(%q) error %v, want an *OAuthError wrapping ErrBadClientID", id, err)
		}
	}
	for _, ep := range []string{"/oauth/authorize", "ftp://x/", "http://", "://"} {
		if _, err := (client.OAuthApp{ClientID: "a", AuthorizeEndpoint: ep}).AuthorizeURL(); err == nil {
			t.Errorf("endpoint %q accepted", ep)
		}
	}
}

func TestTokenFromCallback(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-TOKEN"
	cases := []struct {
		query string
		want  error
	}{
		{"access_token=" + secret, nil},
		{"access_token=" + secret + "&other=1", nil},
		{"", client.ErrNoAccessToken},
		{"access_token=", client.ErrNoAccessToken},
		{"error=access_denied", client.ErrAuthorizationDenied},
		{"error=access_denied&access_token=" + secret, client.ErrAuthorizationDenied},
		{"error=", client.ErrAuthorizationDenied},
		{"access_token=" + secret + "&access_token=" + secret, client.ErrMalformedAccessToken},
		{"access_token=" + secret + "%20x", client.ErrMalformedAccessToken},
		{"access_token=" + secret + "%0A", client.ErrMalformedAccessToken},
		{"access_token=%C3%A9" + secret, client.ErrMalformedAccessToken},
		{"access_token=" + strings.Repeat("a", 513), client.ErrMalformedAccessToken},
	}
	for _, tc := range cases {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := client.TokenFromCallback(q)
		if tc.want == nil {
			if err != nil || got != secret {
				t.Errorf("%q: got an error %v or the wrong token", tc.query, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) || got != "" {
			t.Errorf("%q: error %v, want %v and no token", tc.query, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%q: the error shows the token: %v", tc.query, err)
		}
	}
	_, err := client.TokenFromCallback(url.Values{"error": {"access_denied"}, "error_description": {"The user said\nno"}})
	var oe *client.OAuthError
	if !errors.As(err, &oe) || oe.Code != "access_denied" || oe.Description != "The user saidno" {
		t.Errorf("denied: %#v", err)
	}
}

// callbackServer serves an OAuthCallback and records what it was handed.
type callbackServer struct {
	*httptest.Server
	tokens chan string
	errs   chan error
}

func newCallbackServer(t *testing.T, onToken func(*http.Request, string) error) *callbackServer {
	t.Helper()
	cs := &callbackServer{tokens: make(chan string, 1), errs: make(chan error, 1)}
	h := &client.OAuthCallback{
		OnToken: func(r *http.Request, token string) error {
			cs.tokens <- token
			if onToken != nil {
				return onToken(r, token)
			}
			return nil
		},
		OnError: func(_ *http.Request, err error) { cs.errs <- err },
	}
	mux := http.NewServeMux()
	mux.Handle("/callback", h)
	cs.Server = httptest.NewServer(mux)
	t.Cleanup(cs.Close)
	return cs
}

func get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

// TestOAuthFlowAgainstFake runs the whole implicit flow: the browser goes
// to the fake's authorization page, comes back to the callback with the
// token, and the token works.
func TestOAuthFlowAgainstFake(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t)
	cs := newCallbackServer(t, nil)
	if err := srv.Fake.AddOAuthApp("my-app", cs.URL+"/callback"); err != nil {
		t.Fatal(err)
	}
	app := client.OAuthApp{ClientID: "my-app", AuthorizeEndpoint: srv.AuthorizeURL}
	authURL, err := app.AuthorizeURL()
	if err != nil {
		t.Fatal(err)
	}

	status, h, body := get(t, authURL) // the "browser" follows the redirect
	if status != http.StatusOK || !strings.Contains(body, "signed in") {
		t.Fatalf("approve: status %d, page %q", status, body)
	}
	for k, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Content-Type": "text/html; charset=utf-8"} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	token := <-cs.tokens
	if token != srv.Token {
		t.Fatalf("the callback was not handed the approving user's token")
	}
	if strings.Contains(body, token) {
		t.Error("the page shows the token")
	}
	c, err := client.New(token, client.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	me, err := c.GetMe(t.Context())
	if err != nil || me.Name != srv.Dataset.Users[0].Name {
		t.Fatalf("GetMe with the token: %v, %v", me, err)
	}

	srv.Fake.SetAuthorizeOutcome(contracttest.AuthorizeDeny, "")
	status, _, body = get(t, authURL)
	if err := <-cs.errs; status != http.StatusForbidden || !errors.Is(err, client.ErrAuthorizationDenied) || !strings.Contains(body, "not authorized") {
		t.Errorf("deny: status %d, error %v, page %q", status, err, body)
	}

	srv.Fake.SetAuthorizeOutcome(contracttest.AuthorizeNoToken, "")
	status, _, _ = get(t, authURL)
	if err := <-cs.errs; status != http.StatusBadRequest || !errors.Is(err, client.ErrNoAccessToken) {
		t.Errorf("no token: status %d, error %v", status, err)
	}
	if len(cs.tokens) != 0 {
		t.Error("a failed authorization handed a token to the application")
	}
}

func TestOAuthCallbackFailures(t *testing.T) {
	t.Parallel()
	const secret = "tok-123"
	cs := newCallbackServer(t, func(*http.Request, string) error { return errors.New("disk full: " + secret) })
	status, _, body := get(t, cs.URL+"/callback?access_token="+secret)
	if status != http.StatusInternalServerError || strings.Contains(body, "disk full") || strings.Contains(body, secret) {
		t.Errorf("OnToken failing: status %d, page %q", status, body)
	}
	if got := <-cs.tokens; got != secret {
		t.Errorf("OnToken got %q", got)
	}

	res, err := http.Post(cs.URL+"/callback?access_token="+secret, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != http.MethodGet || len(cs.tokens) != 0 {
		t.Errorf("POST: status %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}

	// Without OnToken the handler fails instead of dropping the token.
	rec := httptest.NewRecorder()
	(&client.OAuthCallback{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cb?access_token="+secret, nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("no OnToken: status %d", rec.Code)
	}

	// An error description is escaped, not rendered as HTML (and not shown).
	rec = httptest.NewRecorder()
	(&client.OAuthCallback{OnToken: func(*http.Request, string) error { return nil }}).ServeHTTP(rec,
		httptest.NewRequest(http.MethodGet, "/cb?error=x&error_description=%3Cscript%3E", nil))
	if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "<script>") {
		t.Errorf("error description: status %d, page %q", rec.Code, rec.Body.String())
	}
}

// TestSpecDescribesTheOAuthFlow ties DefaultAuthorizeURL to the spec's
// oauth scheme, and checks no operation asks for that scheme: requests
// carry the token through the apiKey schemes only.
func TestSpecDescribesTheOAuthFlow(t *testing.T) {
	t.Parallel()
	doc, err := contracttest.LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	ref := doc.Components.SecuritySchemes["oauth"]
	if ref == nil || ref.Value == nil || ref.Value.Type != "oauth2" || ref.Value.Flows == nil || ref.Value.Flows.Implicit == nil {
		t.Fatal("openapi.yaml has no oauth2 scheme with an implicit flow named oauth")
	}
	if got := ref.Value.Flows.Implicit.AuthorizationURL; got != client.DefaultAuthorizeURL {
		t.Errorf("the spec's authorizationUrl is %q, DefaultAuthorizeURL is %q", got, client.DefaultAuthorizeURL)
	}
	uses := func(reqs []openapi3.SecurityRequirement) bool {
		for _, r := range reqs {
			if _, ok := r["oauth"]; ok {
				return true
			}
		}
		return false
	}
	if uses(doc.Security) {
		t.Error("the top-level security lists oauth")
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Security != nil && uses(*op.Security) {
				t.Errorf("%s %s lists oauth in its security", method, path)
			}
		}
	}
}
