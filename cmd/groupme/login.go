package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// loginEnv is what `groupme login` takes from its surroundings; tests
// replace it. Zero fields mean the real thing.
type loginEnv struct {
	stdin  io.Reader                                                    // nil: os.Stdin
	browse func(url string) error                                       // nil: the system's browser opener
	listen func(ctx context.Context, addr string) (net.Listener, error) // nil: a TCP listener on addr
	// confirm asks the user whether to sign in as who; nil: ask on the
	// terminal when standard input is one, otherwise accept.
	confirm func(who string) (bool, error)
}

// maxTokenInput bounds what is read as a token from a pipe.
const maxTokenInput = 4096

func (a *app) loginCmd() *cobra.Command {
	var (
		clientID, oauthURL string
		port               int
		timeout            time.Duration
	)
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in: check a token and keep it in the config file",
		Long: `Sign in to GroupMe and keep the token in ` + a.configFile() + `
(mode 0600), where every later command finds it.

Without --client-id, login asks for a personal access token: log in at
https://dev.groupme.com and click "Access Token". Typing is hidden; when
standard input is not a terminal, the token is read from it:

    groupme login < token.txt

With --client-id, login runs GroupMe's OAuth flow for an application you
registered at https://dev.groupme.com/applications/new with the callback URL
http://127.0.0.1:PORT/ : it listens on that port, prints the address to
authorize the application (and opens a browser when it can), and waits for
GroupMe to send the browser back with the token.

Either way the token is checked with GroupMe (GET /users/me) before it is
stored, and it is never printed.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.useFake {
				return usagef("login signs in to the real GroupMe; --fake needs no sign-in")
			}
			if clientID == "" && cmd.Flags().Changed("port") {
				return usagef("--port belongs to --client-id")
			}
			if timeout <= 0 {
				return usagef("--timeout must be positive, not %s", timeout)
			}
			ctx := cmd.Context()
			var token string
			var err error
			switch {
			case a.token != "":
				token = a.token
			case clientID != "":
				if port < 1 || port > 65535 {
					return usagef("--client-id needs --port, the port of the application's callback URL http://127.0.0.1:PORT/ (1-65535)")
				}
				token, err = a.oauthLogin(ctx, clientID, oauthURL, port, timeout)
			default:
				token, err = a.promptToken()
			}
			if err != nil {
				return err
			}
			return a.finishLogin(ctx, token)
		},
	}
	f := cmd.Flags()
	f.StringVar(&clientID, "client-id", "", "sign in through the OAuth application with this client id")
	f.IntVar(&port, "port", 0, "the port of the application's callback URL http://127.0.0.1:PORT/")
	f.DurationVar(&timeout, "timeout", 5*time.Minute, "how long to wait for the browser to come back")
	f.StringVar(&oauthURL, "oauth-url", client.DefaultAuthorizeURL, "GroupMe's authorization page (tests point it at a fake)")
	_ = f.MarkHidden("oauth-url")
	return cmd
}

// finishLogin checks token with GroupMe and stores it.
func (a *app) finishLogin(ctx context.Context, token string) error {
	if err := checkTokenShape(token); err != nil {
		return err
	}
	me, err := a.whoIs(ctx, token)
	if err != nil {
		return err
	}
	path, err := a.storeToken(token)
	if err != nil {
		return fmt.Errorf("GroupMe accepted the token, but it could not be stored: %w", err)
	}
	fmt.Fprintf(a.stdout, "signed in as %s\n", termSafe(me))
	fmt.Fprintf(a.stderr, "groupme: token stored in %s\n", path)
	if a.getenv("GROUPME_TOKEN") != "" {
		fmt.Fprintln(a.stderr, "groupme: note: GROUPME_TOKEN is set and is used before the stored token")
	}
	return nil
}

// checkTokenShape rejects what cannot be a token before it is sent anywhere.
func checkTokenShape(token string) error {
	if token == "" {
		return usagef("no token given")
	}
	if len(token) > 512 || strings.IndexFunc(token, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
		return usagef("that is not a GroupMe token (it has spaces, control or non-ASCII characters, or is too long)")
	}
	return nil
}

// whoIs asks GroupMe whose token this is and returns their name.
func (a *app) whoIs(ctx context.Context, token string) (string, error) {
	opts := append([]client.Option{client.WithUserAgent("groupme-cli")}, a.clientOpts...)
	if a.baseURL != "" {
		opts = append(opts, client.WithBaseURL(a.baseURL))
	}
	c, err := client.New(token, opts...)
	if err != nil {
		return "", err
	}
	me, err := c.GetMe(ctx)
	if errors.Is(err, client.ErrUnauthorized) {
		return "", errors.New("GroupMe did not accept the token (401 Unauthorized); nothing was stored")
	}
	if err != nil {
		return "", fmt.Errorf("checking the token: %w", err)
	}
	if me.Name == "" {
		return me.ID, nil
	}
	return me.Name, nil
}

// promptToken reads a personal token: hidden from a terminal, or the first
// line of a pipe or file.
func (a *app) promptToken() (string, error) {
	in := a.login.stdin
	if in == nil {
		in = os.Stdin
	}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintln(a.stderr, `Paste your access token from https://dev.groupme.com (log in, then "Access Token"). Typing is hidden.`)
		return readHidden(f, a.stderr, "Token: ")
	}
	line, err := bufio.NewReaderSize(io.LimitReader(in, maxTokenInput), maxTokenInput).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the token from standard input: %w", err)
	}
	token := strings.TrimSpace(line)
	if token == "" {
		return "", usagef("no token on standard input (pipe one in, or run login in a terminal)")
	}
	return token, nil
}

// readHidden reads one line from the terminal f without echoing it. The
// terminal is put in raw mode before the prompt is written, so nothing
// typed after the prompt appears on screen.
func readHidden(f *os.File, prompt io.Writer, text string) (string, error) {
	fd := int(f.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return "", fmt.Errorf("setting up the terminal: %w", err)
	}
	defer func() { _ = term.Restore(fd, old) }() // nothing better to do if the terminal will not go back
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{f, prompt}, "")
	line, err := t.ReadPassword(text)
	fmt.Fprint(prompt, "\r\n")
	if err != nil {
		// Ctrl-C and Ctrl-D end the prompt with io.EOF.
		return "", usagef("no token entered")
	}
	return strings.TrimSpace(line), nil
}

// oauthLogin runs the implicit flow with a callback server on
// 127.0.0.1:port and returns the token GroupMe sends back.
func (a *app) oauthLogin(ctx context.Context, clientID, oauthURL string, port int, timeout time.Duration) (string, error) {
	authURL, err := client.OAuthApp{ClientID: clientID, AuthorizeEndpoint: oauthURL}.AuthorizeURL()
	if err != nil {
		return "", usageError{err}
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	listen := a.login.listen
	if listen == nil {
		listen = func(ctx context.Context, addr string) (net.Listener, error) {
			return (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
		}
	}
	ln, err := listen(ctx, addr)
	if err != nil {
		return "", fmt.Errorf("cannot listen for GroupMe's callback on %s (is another program using the port?): %w", addr, err)
	}

	type result struct{ token, name string }
	done := make(chan result, 1)
	// One answer at a time: a confirmation prompt must not interleave with
	// another, and after the first accepted token the rest are refused.
	var mu sync.Mutex
	finished := false
	callback := &client.OAuthCallback{
		OnToken: func(r *http.Request, token string) error {
			mu.Lock()
			defer mu.Unlock()
			if finished {
				return errors.New("already signed in")
			}
			// Check the token before the browser is told it worked.
			name, err := a.whoIs(r.Context(), token)
			if err != nil {
				// Not the end of the wait: anybody can send a
				// made-up token to this port.
				fmt.Fprintf(a.stderr, "groupme: %s; still waiting for GroupMe (Ctrl-C to stop)\n", termSafe(err.Error()))
				return err
			}
			ok, err := a.confirmLogin(name)
			if err != nil || !ok {
				fmt.Fprintf(a.stderr, "groupme: not signed in as %s; still waiting for GroupMe (Ctrl-C to stop)\n", termSafe(name))
				return errors.New("not confirmed")
			}
			finished = true
			done <- result{token: token, name: name}
			return nil
		},
		// A callback without a token does not end the wait: anybody can
		// send one. The user hears of it and can stop with Ctrl-C.
		OnError: func(_ *http.Request, err error) {
			fmt.Fprintf(a.stderr, "groupme: the browser came back without a token (%s); still waiting (Ctrl-C to stop)\n", termSafe(err.Error()))
		},
	}
	srv := &http.Server{Handler: callbackGuard(addr, callback), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		// Let the browser get its page, then stop.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close()
		}
	}()

	fmt.Fprintf(a.stderr, "Waiting for GroupMe on http://%s/ (the application's callback URL must be http://%s/).\nOpen this address in a browser to sign in:\n\n    %s\n\n", addr, addr, authURL)
	browse := a.login.browse
	if browse == nil {
		browse = openBrowser
	}
	_ = browse(authURL) // the printed address is enough when no browser opens

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.token, nil
	case <-timer.C:
		return "", fmt.Errorf("gave up waiting for GroupMe after %s (raise --timeout)", timeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// callbackGuard lets through to the OAuth callback only what a browser
// sends when GroupMe sends it back: a GET of the callback path "/" on the
// address login listens on, as a top-level navigation. Everything else is
// refused without ending the wait:
//
//   - another path (a favicon, /robots.txt): 404;
//   - another Host header (a DNS-rebinding page reaching the port under a
//     name of its own): 421;
//   - a request a web page makes without navigating (an <img>, a script, a
//     fetch): browsers mark those with Sec-Fetch-Dest and Sec-Fetch-Mode,
//     and they get 403. Browsers too old to send these headers, and programs
//     that can set any header, are why login also shows the user who would
//     be signed in and asks before storing the token when it can.
//
// GroupMe's implicit flow passes no state parameter through (its OAuth page
// documents only client_id, and the callback carries only access_token), so
// the callback cannot be tied to the authorization request that way.
func callbackGuard(addr string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/":
			http.NotFound(w, r)
		case r.Host != addr:
			http.Error(w, "wrong host", http.StatusMisdirectedRequest)
		case !navigation(r.Header):
			http.Error(w, "only a browser's navigation is accepted here", http.StatusForbidden)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// navigation reports whether the Fetch metadata headers, when present, say
// the request is a top-level navigation to a document.
func navigation(h http.Header) bool {
	if d := h.Get("Sec-Fetch-Dest"); d != "" && d != "document" {
		return false
	}
	if m := h.Get("Sec-Fetch-Mode"); m != "" && m != "navigate" {
		return false
	}
	return true
}

// confirmLogin asks the user whether to sign in as who, on the terminal
// when standard input is one; without a terminal it accepts (login prints
// who was signed in either way).
func (a *app) confirmLogin(who string) (bool, error) {
	if a.login.confirm != nil {
		return a.login.confirm(who)
	}
	in := a.login.stdin
	if in == nil {
		in = os.Stdin
	}
	f, ok := in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return true, nil
	}
	fmt.Fprintf(a.stderr, "GroupMe sent back the token of %s. Sign in as %s? [y/N] ", termSafe(who), termSafe(who))
	line, err := bufio.NewReaderSize(io.LimitReader(f, 256), 256).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// openBrowser asks the desktop to open url, without waiting; it fails
// quietly where there is no opener.
func openBrowser(url string) error {
	var name string
	var args []string
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler"}
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return errors.New("no graphical session")
		}
		name = "xdg-open"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return err
	}
	cmd := exec.Command(path, append(args, url)...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reap the browser launcher; its exit status says nothing about the login
	return nil
}

func (a *app) logoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Remove the stored token from the config file",
		Args:  exactArgs(),
		RunE: func(*cobra.Command, []string) error {
			had, err := a.tokenFromConfig()
			if err != nil {
				return err
			}
			path, err := a.storeToken("")
			if err != nil {
				return err
			}
			if had == "" {
				fmt.Fprintf(a.stdout, "not signed in (no token in %s)\n", path)
			} else {
				fmt.Fprintf(a.stdout, "signed out: the token is no longer in %s\n", path)
			}
			if a.getenv("GROUPME_TOKEN") != "" {
				fmt.Fprintln(a.stderr, "groupme: note: GROUPME_TOKEN is still set in the environment")
			}
			return nil
		},
	}
}

// warnTokenFlag is the root command's pre-run: a token given with --token
// is visible to other users of the machine in the process list.
func (a *app) warnTokenFlag(cmd *cobra.Command, _ []string) {
	if f := cmd.Root().PersistentFlags().Lookup("token"); f != nil && f.Changed {
		fmt.Fprintln(a.stderr, "groupme: warning: other users of this machine can see --token in the process list; prefer `groupme login` or GROUPME_TOKEN")
	}
}
