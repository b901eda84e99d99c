package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/groupme-go/groupme/contracttest"
)

// session runs the program several times with one config directory, as a
// user's successive commands would.
type session struct {
	t     *testing.T
	dir   string
	vars  map[string]string
	login loginEnv
}

func newSession(t *testing.T) *session {
	return &session{t: t, dir: t.TempDir(), vars: map[string]string{}}
}

func (s *session) configPath() string { return filepath.Join(s.dir, "groupme", "config.json") }

func (s *session) run(stderr io.Writer, args ...string) result {
	s.t.Helper()
	var out, errb bytes.Buffer
	var w io.Writer = &errb
	if stderr != nil {
		w = io.MultiWriter(&errb, stderr)
	}
	e := env{
		stdout:    &out,
		stderr:    w,
		getenv:    func(k string) string { return s.vars[k] },
		now:       func() time.Time { return epoch },
		configDir: s.dir,
		fakeOpts:  []contracttest.Option{fixedClock()},
		login:     s.login,
	}
	code := run(s.t.Context(), args, e)
	return result{out.String(), errb.String(), code}
}

// on runs args against srv (as the real GroupMe), with no token given.
func (s *session) on(srv *contracttest.Server, args ...string) result {
	s.t.Helper()
	return s.run(nil, append([]string{"--base-url", srv.URL, "--image-url", srv.ImageURL}, args...)...)
}

// storedToken returns the config file's token, checking the file's and
// the directory's modes.
func (s *session) storedToken() string {
	t := s.t
	t.Helper()
	b, err := os.ReadFile(s.configPath())
	if err != nil {
		t.Fatalf("config file: %v", err)
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{s.configPath(): 0o600, filepath.Dir(s.configPath()): 0o700} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s has mode %04o, want %04o", path, got, want)
			}
		}
	}
	var c struct{ Token string }
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("config file is not JSON: %v", err)
	}
	return c.Token
}

func (s *session) noConfig() {
	s.t.Helper()
	if _, err := os.Stat(s.configPath()); !os.IsNotExist(err) {
		s.t.Errorf("the config file exists (or cannot be checked): %v", err)
	}
}

// secretFree fails when the token appears in the run's output.
func secretFree(t *testing.T, r result, token string) {
	t.Helper()
	if strings.Contains(r.stdout, token) || strings.Contains(r.stderr, token) {
		t.Errorf("the token was printed:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
	}
}

func TestLoginFromStdinThenMeAndLogout(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := newSession(t)
	name := srv.Dataset.Users[0].Name

	s.login.stdin = strings.NewReader("  " + srv.Token + "\r\nignored\n")
	r := s.on(srv, "login")
	mustOK(t, r)
	secretFree(t, r, srv.Token)
	if r.stdout != "signed in as "+name+"\n" || !strings.Contains(r.stderr, "token stored in "+s.configPath()) {
		t.Errorf("login output:\nstdout: %q\nstderr: %q", r.stdout, r.stderr)
	}
	if s.storedToken() != srv.Token {
		t.Fatal("the stored token is not the one given")
	}

	r = s.on(srv, "me") // no --token, no GROUPME_TOKEN: the stored token
	mustOK(t, r)
	secretFree(t, r, srv.Token)
	if !strings.Contains(r.stdout, name) || strings.Contains(r.stderr, "fake GroupMe inside") {
		t.Errorf("me after login:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
	}

	r = s.run(nil, "logout")
	mustOK(t, r)
	if !strings.Contains(r.stdout, "signed out") {
		t.Errorf("logout said %q", r.stdout)
	}
	s.noConfig()
	r = s.run(nil, "logout")
	mustOK(t, r)
	if !strings.Contains(r.stdout, "not signed in") {
		t.Errorf("second logout said %q", r.stdout)
	}
}

func TestLoginRejects(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"wrong token", "not-a-real-token\n", nil, exitAPI, "did not accept the token"},
		{"empty stdin", "", nil, exitUsage, "no token on standard input"},
		{"blank line", "\n", nil, exitUsage, "no token on standard input"},
		{"spaces inside", "abc def\n", nil, exitUsage, "not a GroupMe token"},
		{"fake", srv.Token, []string{"--fake"}, exitUsage, "--fake needs no sign-in"},
		{"port alone", srv.Token, []string{"--port", "8080"}, exitUsage, "--port belongs to --client-id"},
		{"client id without port", "", []string{"--client-id", "x"}, exitUsage, "needs --port"},
		{"bad port", "", []string{"--client-id", "x", "--port", "70000"}, exitUsage, "needs --port"},
		{"bad timeout", "", []string{"--timeout", "0s"}, exitUsage, "--timeout must be positive"},
		{"bad client id", "", []string{"--client-id", "a b", "--port", "1"}, exitUsage, "bad OAuth client id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t)
			s.login.stdin = strings.NewReader(tc.stdin)
			s.login.listen = func(context.Context, string) (net.Listener, error) {
				return nil, fmt.Errorf("the test listens nowhere")
			}
			r := s.on(srv, append([]string{"login"}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
			s.noConfig()
		})
	}
}

// TestLoginKeepsTheFileSafe: an existing config file readable by others is
// warned about, replaced with mode 0600 in a 0700 directory, and its other
// keys are kept.
func TestLoginKeepsTheFileSafe(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("file modes are Unix")
	}
	srv := newServer(t)
	s := newSession(t)
	dir := filepath.Dir(s.configPath())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.configPath(), []byte(`{"token":"old-token","editor":"vi"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(s.configPath(), 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.on(srv, "me")
	if !strings.Contains(r.stderr, "other users can read it (mode 0644)") || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("no warning about a world-readable config file: %q", r.stderr)
	}
	secretFree(t, r, "old-token")

	s.login.stdin = strings.NewReader(srv.Token)
	r = s.on(srv, "login")
	mustOK(t, r)
	if s.storedToken() != srv.Token {
		t.Error("the token was not replaced")
	}
	b, _ := os.ReadFile(s.configPath())
	if !strings.Contains(string(b), `"editor": "vi"`) {
		t.Errorf("other keys were lost: %s", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".config-*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	r = s.on(srv, "me")
	mustOK(t, r)
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("a warning after login fixed the modes: %q", r.stderr)
	}

	r = s.run(nil, "logout")
	mustOK(t, r)
	b, err := os.ReadFile(s.configPath())
	if err != nil || strings.Contains(string(b), "token") || !strings.Contains(string(b), "editor") {
		t.Errorf("after logout the file holds %q (%v); want the other keys only", b, err)
	}

	if err := os.WriteFile(s.configPath(), []byte(`{"token": 42}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := s.on(srv, "me"); r.code != exitAPI || !strings.Contains(r.stderr, `"token" is not a string`) {
		t.Errorf("a non-string token: exit %d, %q", r.code, r.stderr)
	}
	if err := os.WriteFile(s.configPath(), []byte(`{"token": "sec`), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := s.on(srv, "me"); r.code != exitAPI || !strings.Contains(r.stderr, "not a JSON object") || strings.Contains(r.stderr, "sec") {
		t.Errorf("broken JSON: exit %d, %q", r.code, r.stderr)
	}
}

func TestTokenFlagWarnsAboutTheProcessList(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := newSession(t)
	r := s.on(srv, "--token", srv.Token, "me")
	mustOK(t, r)
	secretFree(t, r, srv.Token)
	if n := strings.Count(r.stderr, "process list"); n != 1 {
		t.Errorf("%d process-list warnings, want 1: %q", n, r.stderr)
	}
	s.vars["GROUPME_TOKEN"] = srv.Token
	if r := s.on(srv, "me"); strings.Contains(r.stderr, "process list") {
		t.Errorf("GROUPME_TOKEN got the --token warning: %q", r.stderr)
	}
	// login --token stores the given token (after the warning).
	r = s.on(srv, "--token", srv.Token, "login")
	mustOK(t, r)
	if !strings.Contains(r.stderr, "process list") || !strings.Contains(r.stderr, "GROUPME_TOKEN is set") || s.storedToken() != srv.Token {
		t.Errorf("login --token: %q", r.stderr)
	}
}

// browser plays the user's browser: it follows the authorization page's
// redirect to the callback and remembers the page it got.
type browser struct {
	mu     sync.Mutex
	status int
	page   string
	opened []string
}

func (b *browser) open(ctx context.Context) func(string) error {
	return func(u string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		page, err := io.ReadAll(res.Body)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.opened = append(b.opened, u)
		b.status, b.page = res.StatusCode, string(page)
		return err
	}
}

// oauthSession is a session whose login listens on a port the test opened
// and registered with the fake as the application's callback.
func oauthSession(t *testing.T, srv *contracttest.Server, clientID string) (*session, *browser, []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	if err := srv.Fake.AddOAuthApp(clientID, "http://"+ln.Addr().String()+"/"); err != nil {
		t.Fatal(err)
	}
	s := newSession(t)
	b := &browser{}
	s.login.browse = b.open(t.Context())
	s.login.listen = func(_ context.Context, addr string) (net.Listener, error) {
		if addr != ln.Addr().String() {
			return nil, fmt.Errorf("login listens on %s, the test opened %s", addr, ln.Addr())
		}
		return ln, nil
	}
	return s, b, []string{"login", "--client-id", clientID, "--port", port, "--oauth-url", srv.AuthorizeURL}
}

func TestLoginOAuthAgainstFake(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	other := srv.Dataset.Users[1]
	srv.Fake.SetAuthorizeOutcome(contracttest.AuthorizeApprove, other.ID)
	s, b, args := oauthSession(t, srv, "cli-app")

	r := s.on(srv, args...)
	mustOK(t, r)
	secretFree(t, r, other.Token)
	if r.stdout != "signed in as "+other.Name+"\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if !strings.Contains(r.stderr, srv.AuthorizeURL+"?client_id=cli-app") || len(b.opened) != 1 || !strings.HasPrefix(b.opened[0], srv.AuthorizeURL+"?client_id=cli-app") {
		t.Errorf("the authorize URL was not printed and opened: opened %v, stderr %q", b.opened, r.stderr)
	}
	if b.status != http.StatusOK || !strings.Contains(b.page, "You are signed in") {
		t.Errorf("the browser got %d %q", b.status, b.page)
	}
	if s.storedToken() != other.Token {
		t.Error("the stored token is not the approving user's")
	}
	r = s.on(srv, "me")
	mustOK(t, r)
	if !strings.Contains(r.stdout, other.Name) {
		t.Errorf("me after OAuth login: %q", r.stdout)
	}
}

func TestLoginOAuthFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		outcome contracttest.AuthorizeOutcome
		page    int
		want    string
	}{
		{"denied", contracttest.AuthorizeDeny, http.StatusForbidden, "did not authorize the application"},
		{"no token", contracttest.AuthorizeNoToken, http.StatusBadRequest, "without a token"},
	}
	// None of these ends the wait: anybody can send the browser (or a
	// request) back without a token, or with a made-up one. Login says so
	// and goes on waiting, here until --timeout.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.Fake.SetAuthorizeOutcome(tc.outcome, "")
			s, b, args := oauthSession(t, srv, "cli-app")
			r := s.on(srv, append(args, "--timeout", "1ms")...)
			if r.code != exitAPI || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "still waiting") || !strings.Contains(r.stderr, "gave up waiting") {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitAPI, tc.want)
			}
			if b.status != tc.page {
				t.Errorf("the browser got %d, want %d", b.status, tc.page)
			}
			s.noConfig()
		})
	}

	t.Run("token GroupMe rejects", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		s, b, args := oauthSession(t, srv, "cli-app")
		// The token check goes to a GroupMe that knows nobody.
		empty := contracttest.NewServer(t, contracttest.WithoutDataset())
		r := s.run(nil, append([]string{"--base-url", empty.URL}, append(args, "--timeout", "1ms")...)...)
		if r.code != exitAPI || !strings.Contains(r.stderr, "did not accept the token") || !strings.Contains(r.stderr, "still waiting") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if b.status != http.StatusInternalServerError || strings.Contains(b.page, "You are signed in") {
			t.Errorf("the browser was told %d %q", b.status, b.page)
		}
		s.noConfig()
	})

	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		s, _, args := oauthSession(t, srv, "cli-app")
		s.login.browse = func(string) error { return fmt.Errorf("no browser") } // the user never comes back
		r := s.on(srv, append(args, "--timeout", "1ms")...)
		if r.code != exitAPI || !strings.Contains(r.stderr, "gave up waiting for GroupMe after 1ms") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		s.noConfig()
	})

	t.Run("port in use", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		busy, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer busy.Close()
		s := newSession(t)
		s.login.browse = func(string) error { t.Error("a browser was opened although login could not listen"); return nil }
		r := s.on(srv, "login", "--client-id", "x", "--port", fmt.Sprint(busy.Addr().(*net.TCPAddr).Port), "--oauth-url", srv.AuthorizeURL)
		if r.code != exitAPI || !strings.Contains(r.stderr, "cannot listen for GroupMe's callback") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

// TestLoginRefusesForgedCallbacks plays a web page and a local process
// that try to sign the user in as somebody else while login waits: an
// image request, a fetch, a foreign Host header, other paths, a refusal sent
// by a third party, and a top-level navigation with another user's valid
// token that the user declines at the prompt. None of them ends the wait
// or is stored; the real return from GroupMe then signs the user in.
func TestLoginRefusesForgedCallbacks(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	user, attacker := srv.Dataset.Users[1], srv.Dataset.Users[2]
	srv.Fake.SetAuthorizeOutcome(contracttest.AuthorizeApprove, user.ID)
	s, b, args := oauthSession(t, srv, "cli-app")
	var asked []string
	s.login.confirm = func(who string) (bool, error) {
		asked = append(asked, who)
		return who == user.Name, nil
	}
	realBrowse := s.login.browse
	type forged struct {
		name    string
		path    string
		host    string
		headers map[string]string
		want    int
	}
	s.login.browse = func(authURL string) error {
		callback := "http://127.0.0.1:" + args[slices.Index(args, "--port")+1] + "/"
		for _, f := range []forged{
			{"img", "?access_token=" + attacker.Token, "", map[string]string{"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
			{"fetch", "?access_token=" + attacker.Token, "", map[string]string{"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"}, http.StatusForbidden},
			{"script", "?access_token=" + attacker.Token, "", map[string]string{"Sec-Fetch-Dest": "script", "Sec-Fetch-Mode": "no-cors"}, http.StatusForbidden},
			{"rebinding", "?access_token=" + attacker.Token, "attacker.example:80", nil, http.StatusMisdirectedRequest},
			{"robots", "robots.txt", "", nil, http.StatusNotFound},
			{"favicon", "favicon.ico?access_token=" + attacker.Token, "", nil, http.StatusNotFound},
			{"third-party refusal", "?error=access_denied", "", map[string]string{"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"}, http.StatusForbidden},
			{"declined navigation", "?access_token=" + attacker.Token, "", map[string]string{"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "cross-site"}, http.StatusInternalServerError},
		} {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, callback+f.path, nil)
			if err != nil {
				return err
			}
			if f.host != "" {
				req.Host = f.host
			}
			for k, v := range f.headers {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("%s: %w", f.name, err)
			}
			_ = res.Body.Close()
			if res.StatusCode != f.want {
				t.Errorf("%s: status %d, want %d", f.name, res.StatusCode, f.want)
			}
		}
		return realBrowse(authURL)
	}
	r := s.on(srv, args...)
	mustOK(t, r)
	secretFree(t, r, attacker.Token)
	secretFree(t, r, user.Token)
	if r.stdout != "signed in as "+user.Name+"\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if s.storedToken() != user.Token {
		t.Error("the stored token is not the user's")
	}
	if len(asked) != 2 || asked[0] != attacker.Name || asked[1] != user.Name {
		t.Errorf("the user was asked about %q, want the attacker (declined) then the user", asked)
	}
	if !strings.Contains(r.stderr, "not signed in as "+attacker.Name) {
		t.Errorf("stderr does not say the declined sign-in was dropped: %q", r.stderr)
	}
	if b.status != http.StatusOK {
		t.Errorf("the real return got %d", b.status)
	}
}

// promptWatch is a stderr that reports when the prompt has been written.
type promptWatch struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	prompt string
	seen   chan struct{}
}

func (p *promptWatch) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	if p.seen != nil && strings.Contains(p.buf.String(), p.prompt) {
		close(p.seen)
		p.seen = nil
	}
	return len(b), nil
}

// TestLoginPromptOnTerminal types the token into a pseudo-terminal after
// the prompt, and checks the terminal never echoed it.
func TestLoginPromptOnTerminal(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tc := range []struct {
		name  string
		typed func(token string) string
		code  int
	}{
		{"token", func(tok string) string { return tok + "\r" }, exitOK},
		{"ctrl-c", func(string) string { return "\x03" }, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ptm, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pseudo-terminal here: %v", err)
			}
			defer ptm.Close()
			s := newSession(t)
			s.login.stdin = tty
			watch := &promptWatch{prompt: "Token: ", seen: make(chan struct{})}
			seen := watch.seen

			done := make(chan result, 1)
			go func() { done <- s.on2(srv, watch, "login") }()
			select {
			case <-seen:
			case r := <-done:
				t.Fatalf("login ended before prompting: exit %d, %q", r.code, r.stderr)
			}
			if _, err := io.WriteString(ptm, tc.typed(srv.Token)); err != nil {
				t.Fatal(err)
			}
			r := <-done
			tty.Close()
			echoed, _ := io.ReadAll(ptm) // ends with EIO once the terminal is closed
			if strings.Contains(string(echoed), srv.Token) || strings.Contains(r.stderr, srv.Token) || strings.Contains(r.stdout, srv.Token) {
				t.Errorf("the token was echoed or printed: terminal %q", echoed)
			}
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
			}
			if tc.code == exitOK {
				if r.stdout != "signed in as "+srv.Dataset.Users[0].Name+"\n" || s.storedToken() != srv.Token {
					t.Errorf("stdout %q", r.stdout)
				}
			} else {
				if !strings.Contains(r.stderr, "no token entered") {
					t.Errorf("stderr %q", r.stderr)
				}
				s.noConfig()
			}
		})
	}
}

// on2 is on with an extra stderr writer.
func (s *session) on2(srv *contracttest.Server, stderr io.Writer, args ...string) result {
	return s.run(stderr, append([]string{"--base-url", srv.URL, "--image-url", srv.ImageURL}, args...)...)
}
