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
	fmt.Fprintf(a.stdout, "signed in as %s\n", me)
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

	type result struct {
		token, name string
		err         error
	}
	done := make(chan result, 1)
	deliver := func(r result) {
		select {
		case done <- r:
		default: // the first answer counts
		}
	}
	callback := &client.OAuthCallback{
		OnToken: func(r *http.Request, token string) error {
			// Check the token before the browser is told it worked.
			name, err := a.whoIs(r.Context(), token)
			deliver(result{token, name, err})
			return err
		},
		OnError: func(_ *http.Request, err error) { deliver(result{err: err}) },
	}
	mux := http.NewServeMux()
	mux.Handle("/favicon.ico", http.NotFoundHandler())
	mux.Handle("/", callback)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // http.ErrServerClosed once shut down
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
		if r.err != nil {
			if errors.Is(r.err, client.ErrAuthorizationDenied) {
				return "", fmt.Errorf("GroupMe did not authorize the application: %w", r.err)
			}
			return "", r.err
		}
		return r.token, nil
	case <-timer.C:
		return "", fmt.Errorf("gave up waiting for GroupMe after %s (raise --timeout)", timeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
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
