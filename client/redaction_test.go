package client

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
)

func debugLogger() (*slog.Logger, *LockedBuffer) {
	buf := &LockedBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func authModes() map[string][]Option {
	return map[string][]Option{"header": nil, "query": {WithQueryToken()}}
}

// TestTokenNeverLeaks drives every kind of failure in both auth modes with
// a debug logger and checks that neither the errors nor the log hold the
// token.
func TestTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	for mode, opts := range authModes() {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				log, buf := debugLogger()
				transports := map[string]http.RoundTripper{
					// What net/http reports: a *url.Error holding the full URL.
					"url.Error": roundTripFunc(func(r *http.Request) (*http.Response, error) {
						return nil, &url.Error{Op: "Get", URL: r.URL.String(), Err: errBoom}
					}),
					// A careless transport that prints the URL in its own error.
					"url in message": roundTripFunc(func(r *http.Request) (*http.Response, error) {
						return nil, fmt.Errorf("dialing %s: %w", r.URL, errBoom)
					}),
					"503 then 400": &script{steps: []step{{status: 503}, {status: 400, body: `{"meta":{"code":400,"errors":["bad"]}}`}}},
				}
				for name, tr := range transports {
					c, err := New(testToken, append([]Option{WithHTTPClient(&http.Client{Transport: tr}), WithLogger(log), WithRetries(1)}, opts...)...)
					if err != nil {
						t.Fatal(err)
					}
					_, err = c.GetGroup(t.Context(), "1", nil)
					if err == nil {
						t.Fatalf("%s: no error", name)
					}
					if strings.Contains(err.Error(), testToken) || strings.Contains(fmt.Sprintf("%+v", err), testToken) {
						t.Errorf("%s: error leaks the token: %v", name, err)
					}
					if name != "503 then 400" && !strings.Contains(err.Error(), "boom") {
						t.Errorf("%s: error lost its cause: %v", name, err)
					}
				}
				out := buf.String()
				if strings.Contains(out, testToken) {
					t.Errorf("log leaks the token:\n%s", out)
				}
				if n := strings.Count(out, "level=DEBUG"); n != 6 {
					t.Errorf("%d debug lines, want 6 (2 attempts x 3):\n%s", n, out)
				}
				if n := strings.Count(out, "level=WARN"); n != 3 {
					t.Errorf("%d warn lines, want 3:\n%s", n, out)
				}
				for _, want := range []string{"method=GET", "path=/v3/groups/1", "status=503", "attempt=2", "duration="} {
					if !strings.Contains(out, want) {
						t.Errorf("log lacks %q:\n%s", want, out)
					}
				}
			})
		})
	}
}

// TestTokenNotInRealTransportErrors uses net/http for real against a closed
// server, whose *url.Error names the URL.
func TestTokenNotInRealTransportErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	for mode, opts := range authModes() {
		log, buf := debugLogger()
		c, err := New(testToken, append([]Option{WithBaseURL(base + "/v3"), WithRetries(0), WithLogger(log)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetGroup(t.Context(), "1", nil)
		te, ok := err.(*TransportError) //nolint:errorlint // the error itself must be a *TransportError
		if !ok {
			t.Fatalf("%s: err = %v (%T), want *TransportError", mode, err, err)
		}
		if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "token=") || strings.Contains(buf.String(), testToken) {
			t.Errorf("%s: token leaked: %v\n%s", mode, err, buf)
		}
		if te.Operation != "GetGroup" || te.Path != "/v3/groups/1" || !strings.Contains(err.Error(), "/v3/groups/1") {
			t.Errorf("%s: TransportError = %+v", mode, te)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://api.groupme.com/v3/groups?token=abc&page=2": "https://api.groupme.com/v3/groups",
		"https://user:pw@h/p#frag":                           "https://h/p",
		"%zz?token=abc":                                      "%zz",
	}
	for in, want := range cases {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSilentByDefault(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, reply(200, envelopeOf("200", groupJSON)))
	c := newTestClient(t, srv)
	if c.logger != nil || c.retry.logger != nil {
		t.Error("a default client has a logger")
	}
}
