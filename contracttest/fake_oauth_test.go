package contracttest

import (
	"net/http"
	"net/url"
	"testing"
)

// authorize asks the fake's authorization page for clientID without
// following the redirect, and returns the answer's status and Location.
func authorize(t *testing.T, srv *Server, method, clientID string) (int, *url.URL) {
	t.Helper()
	u := srv.AuthorizeURL
	if clientID != "" {
		u += "?client_id=" + url.QueryEscape(clientID)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := res.Location()
	if err != nil {
		return res.StatusCode, nil
	}
	return res.StatusCode, loc
}

func TestFakeAuthorize(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	if err := srv.Fake.AddOAuthApp("app-1", "http://127.0.0.1:9/back?keep=1"); err != nil {
		t.Fatal(err)
	}
	me, other := srv.Dataset.Users[0], srv.Dataset.Users[1]

	status, loc := authorize(t, srv, http.MethodGet, "app-1")
	if status != http.StatusFound || loc == nil {
		t.Fatalf("approve: status %d, location %v; want 302 with a location", status, loc)
	}
	if loc.Host != "127.0.0.1:9" || loc.Path != "/back" || loc.Query().Get("keep") != "1" {
		t.Errorf("approve redirected to %s, want the registered callback with its own query kept", loc.Redacted())
	}
	if got := loc.Query().Get("access_token"); got != me.Token {
		t.Errorf("approve: access_token is not the first user's token")
	}

	srv.Fake.SetAuthorizeOutcome(AuthorizeApprove, other.ID)
	if _, loc := authorize(t, srv, http.MethodGet, "app-1"); loc == nil || loc.Query().Get("access_token") != other.Token {
		t.Errorf("approve as %s: not that user's token", other.ID)
	}

	srv.Fake.SetAuthorizeOutcome(AuthorizeDeny, "")
	_, loc = authorize(t, srv, http.MethodGet, "app-1")
	if loc == nil || loc.Query().Get("error") != "access_denied" || loc.Query().Has("access_token") {
		t.Errorf("deny redirected to %v, want error=access_denied and no token", loc)
	}

	srv.Fake.SetAuthorizeOutcome(AuthorizeNoToken, "")
	_, loc = authorize(t, srv, http.MethodGet, "app-1")
	if loc == nil || loc.Query().Has("access_token") || loc.Query().Has("error") {
		t.Errorf("no-token redirected to %v, want neither a token nor an error", loc)
	}

	for _, tc := range []struct {
		method, client string
		want           int
	}{
		{http.MethodGet, "", http.StatusBadRequest},
		{http.MethodGet, "unknown", http.StatusNotFound},
		{http.MethodPost, "app-1", http.StatusMethodNotAllowed},
	} {
		if status, loc := authorize(t, srv, tc.method, tc.client); status != tc.want || loc != nil {
			t.Errorf("%s client_id=%q: status %d, location %v; want %d and no redirect", tc.method, tc.client, status, loc, tc.want)
		}
	}
}

func TestAddOAuthAppRejectsBadInput(t *testing.T) {
	t.Parallel()
	f := NewFake(WithoutDataset())
	for _, tc := range []struct{ id, callback string }{
		{"", "http://127.0.0.1/"},
		{"x", "/relative"},
		{"x", "ftp://host/"},
		{"x", "http://"},
		{"x", "http://bad host/"},
	} {
		if err := f.AddOAuthApp(tc.id, tc.callback); err == nil {
			t.Errorf("AddOAuthApp(%q, %q) = nil, want an error", tc.id, tc.callback)
		}
	}
}

func TestFakeAuthorizeWithoutUsers(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithoutDataset())
	if err := srv.Fake.AddOAuthApp("a", "http://127.0.0.1:9/"); err != nil {
		t.Fatal(err)
	}
	if status, _ := authorize(t, srv, http.MethodGet, "a"); status != http.StatusInternalServerError {
		t.Errorf("status %d, want 500 when no user can approve", status)
	}
	u := srv.Fake.AddUser(Account{})
	if _, loc := authorize(t, srv, http.MethodGet, "a"); loc == nil || loc.Query().Get("access_token") != u.Token {
		t.Errorf("the only user's token was not handed out")
	}
}
