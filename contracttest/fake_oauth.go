package contracttest

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// AuthorizePath is where a [Fake] serves GroupMe's OAuth authorization page,
// the counterpart of https://oauth.groupme.com/oauth/authorize. Point an
// application's authorize URL at "<server>" + AuthorizePath.
const AuthorizePath = "/oauth/authorize"

// AuthorizeOutcome is what the fake's authorization page does when a user
// arrives with a registered client id; see [Fake.SetAuthorizeOutcome].
type AuthorizeOutcome int

const (
	// AuthorizeApprove: the user signs in and approves at once; the browser
	// is redirected to the callback URL with ?access_token=<the user's
	// token>, as GroupMe does. This is the default.
	AuthorizeApprove AuthorizeOutcome = iota
	// AuthorizeDeny: the user refuses; the browser is redirected to the
	// callback URL with ?error=access_denied and no token (the OAuth 2.0
	// convention; GroupMe does not document what it sends).
	AuthorizeDeny
	// AuthorizeNoToken: the browser is redirected to the callback URL with
	// no parameters at all, to test callbacks that must cope with it.
	AuthorizeNoToken
)

// oauthState is the fake's OAuth configuration. It is guarded by Fake.mu.
type oauthState struct {
	apps    map[string]string // client id -> callback URL
	outcome AuthorizeOutcome
	userID  string // who approves; "" = the first seeded user
}

// AddOAuthApp registers an application, as creating one on
// dev.groupme.com does: the authorization page then accepts clientID and
// redirects to callbackURL (an absolute http or https URL).
func (f *Fake) AddOAuthApp(clientID, callbackURL string) error {
	if clientID == "" {
		return errors.New("contracttest: AddOAuthApp: empty client id")
	}
	u, err := url.Parse(callbackURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("contracttest: AddOAuthApp: callback URL %q is not an absolute http(s) URL", callbackURL)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.oauth.apps == nil {
		f.oauth.apps = map[string]string{}
	}
	f.oauth.apps[clientID] = callbackURL
	return nil
}

// SetAuthorizeOutcome decides what the authorization page does from now
// on, and which user approves (userID "" means Dataset.Users[0], or the
// first user created).
func (f *Fake) SetAuthorizeOutcome(o AuthorizeOutcome, userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.oauth.outcome, f.oauth.userID = o, userID
}

// serveAuthorize is the authorization page: an automatic sign-in and
// decision, then a redirect to the application's callback URL.
func (f *Fake) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		authorizePage(w, http.StatusMethodNotAllowed, "The authorization page only answers GET.")
		return
	}
	clientID := r.URL.Query().Get("client_id")
	f.mu.Lock()
	callback, ok := f.oauth.apps[clientID]
	outcome := f.oauth.outcome
	var token string
	if ok && outcome == AuthorizeApprove {
		token = f.approverTokenLocked()
	}
	f.mu.Unlock()
	if clientID == "" {
		authorizePage(w, http.StatusBadRequest, "The client_id parameter is missing.")
		return
	}
	if !ok {
		authorizePage(w, http.StatusNotFound, "No application is registered with this client id.")
		return
	}
	u, _ := url.Parse(callback) // checked by AddOAuthApp
	q := u.Query()
	switch outcome {
	case AuthorizeApprove:
		if token == "" {
			authorizePage(w, http.StatusInternalServerError, "The fake has no user to sign in.")
			return
		}
		q.Set("access_token", token)
	case AuthorizeDeny:
		q.Set("error", "access_denied")
	case AuthorizeNoToken:
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// approverTokenLocked returns the token of the user who approves.
func (f *Fake) approverTokenLocked() string {
	id := f.oauth.userID
	if id == "" && f.ds != nil && len(f.ds.Users) > 0 {
		id = f.ds.Users[0].ID
	}
	if id == "" {
		// The user with the lowest id: the first one created.
		for uid := range f.st.users {
			if id == "" || uid < id {
				id = uid
			}
		}
	}
	if u := f.st.users[id]; u != nil {
		return u.token
	}
	return ""
}

func authorizePage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<title>GroupMe (fake): authorization</title>\n<p>%s</p>\n", html.EscapeString(strings.TrimSpace(msg)))
}
