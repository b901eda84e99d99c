package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "s3cr3t-T0KEN-value"

// seen is one request as the test server received it.
type seen struct {
	Method   string
	Path     string // escaped path
	RawQuery string
	Header   http.Header
	Body     []byte
}

// recorder collects the requests a test server receives.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) add(req *http.Request) seen {
	body, _ := io.ReadAll(req.Body)
	s := seen{Method: req.Method, Path: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery, Header: req.Header.Clone(), Body: body}
	r.mu.Lock()
	r.reqs = append(r.reqs, s)
	r.mu.Unlock()
	return s
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

// newServer starts a server that answers only under /v3/ (the API) and
// /img/ (the image service); anything else is a 404 with a text body, so a
// client that drops the /v3 prefix fails.
func newServer(t testing.TB, h func(w http.ResponseWriter, r *http.Request, s seen)) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/v3/") && !strings.HasPrefix(r.URL.Path, "/img/") {
			http.Error(w, "no such path (missing /v3 prefix?)", http.StatusNotFound)
			return
		}
		s := rec.add(r)
		h(w, r, s)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

// reply answers every request with status and body (JSON unless body is
// not JSON).
func reply(status int, body string) func(http.ResponseWriter, *http.Request, seen) {
	return func(w http.ResponseWriter, _ *http.Request, _ seen) {
		if json.Valid([]byte(body)) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func newTestClient(t testing.TB, srv *httptest.Server, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithBaseURL(srv.URL + "/v3"), WithEndpoints(Endpoints{Image: srv.URL + "/img"}), WithHTTPClient(srv.Client())}
	c, err := New(testToken, append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// jsonEqual reports whether a and b hold the same JSON value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Errorf("invalid JSON %q: %v", a, err)
		return false
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Errorf("invalid JSON %q: %v", b, err)
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// opCase is one call of one method against a server that answers status
// and resp, with what the server must have received.
type opCase struct {
	name    string
	call    func(ctx context.Context, c *Client) (any, error)
	method  string
	path    string // escaped, with the /v3 prefix
	query   url.Values
	body    string // expected JSON body; empty means none
	noToken bool   // the request must carry no token
	status  int
	resp    string
	check   func(t *testing.T, got any)
}

func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := newServer(t, reply(tc.status, tc.resp))
			c := newTestClient(t, srv)
			got, err := tc.call(t.Context(), c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tc.method || r.Path != tc.path {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.Path, tc.method, tc.path)
			}
			q, _ := url.ParseQuery(r.RawQuery)
			if len(q) == 0 {
				q = nil
			}
			if !reflect.DeepEqual(q, tc.query) {
				t.Errorf("query = %v, want %v", q, tc.query)
			}
			if tc.noToken {
				if v := r.Header.Get(tokenHeader); v != "" {
					t.Errorf("X-Access-Token = %q, want none", v)
				}
			} else if v := r.Header.Get(tokenHeader); v != testToken {
				t.Errorf("X-Access-Token = %q, want the token", v)
			}
			if ua := r.Header.Get("User-Agent"); ua != DefaultUserAgent {
				t.Errorf("User-Agent = %q", ua)
			}
			if tc.body == "" {
				if len(r.Body) != 0 {
					t.Errorf("body = %q, want none", r.Body)
				}
			} else {
				if ct := r.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q", ct)
				}
				if !jsonEqual(t, r.Body, []byte(tc.body)) {
					t.Errorf("body = %s\nwant %s", r.Body, tc.body)
				}
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// ok wraps an error-only call for opCase.
func ok(err error) (any, error) { return nil, err }

func TestNewOptions(t *testing.T) {
	t.Parallel()
	if _, err := New(""); err == nil {
		t.Error("New(\"\") succeeded")
	}
	bad := []Option{
		WithBaseURL("::"),
		WithBaseURL("/relative"),
		WithBaseURL("https://h/v3?x=1"),
		WithEndpoints(Endpoints{Image: "nohost"}),
		WithBaseURL(""),
		WithRetries(-1),
		WithMaxRetryAfter(0),
		WithHTTPClient(nil),
	}
	for i, o := range bad {
		if _, err := New(testToken, o); err == nil {
			t.Errorf("option %d accepted", i)
		}
	}
	c, err := New(testToken)
	if err != nil {
		t.Fatal(err)
	}
	if c.base != DefaultBaseURL+"/" || c.imageBase != DefaultImageBaseURL+"/" {
		t.Errorf("bases = %q, %q", c.base, c.imageBase)
	}
	if r := c.retry; r.max != 3 || r.maxRetryAfter != time.Minute || r.logger != nil {
		t.Errorf("default retries = %+v", r)
	}
	// A logger that discards everything is dropped.
	c, _ = New(testToken, WithLogger(slog.New(slog.DiscardHandler)))
	if c.logger != nil {
		t.Error("discarding logger kept")
	}
}

func TestWithHTTPClientKeepsSettings(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, reply(200, `{"response":{"id":"1","name":"A","created_at":1,"updated_at":1},"meta":{"code":200}}`))
	var used bool
	inner := srv.Client().Transport
	hc := &http.Client{
		Timeout: 42 * time.Second,
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			used = true
			return inner.RoundTrip(r)
		}),
	}
	c, err := New(testToken, WithBaseURL(srv.URL+"/v3"), WithHTTPClient(hc), WithUserAgent("my-app/1"), WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if c.hc == hc || c.hc.Timeout != 42*time.Second {
		t.Errorf("http.Client not copied with its timeout")
	}
	if _, err := c.GetMe(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !used {
		t.Error("caller's transport not used")
	}
	if hc.CheckRedirect != nil {
		t.Error("caller's client modified")
	}
}

func TestUserAgentAndQueryToken(t *testing.T) {
	t.Parallel()
	srv, rec := newServer(t, reply(200, `{"response":{"id":"1","name":"A","created_at":1,"updated_at":1},"meta":{"code":200}}`))
	c := newTestClient(t, srv, WithQueryToken(), WithUserAgent("my-app/1"))
	if _, err := c.GetGroup(t.Context(), "1", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGroup(t.Context(), "1", &GetGroupParams{IncludeMembers: true}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if q, _ := url.ParseQuery(reqs[1].RawQuery); q.Get("include") != "members" {
		t.Errorf("include lost next to the token: %q", reqs[1].RawQuery)
	}
	for _, r := range reqs {
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Get("token") != testToken {
			t.Errorf("%s: token query = %q", r.Path, q.Get("token"))
		}
		if r.Header.Get(tokenHeader) != "" {
			t.Errorf("%s: header token sent in query mode", r.Path)
		}
		if ua := r.Header.Get("User-Agent"); ua != "my-app/1" {
			t.Errorf("User-Agent = %q", ua)
		}
		if acc := r.Header.Get("Accept"); acc != "application/json" {
			t.Errorf("Accept = %q, want application/json", acc)
		}
	}
}

func TestTokenDroppedOnCrossHostRedirect(t *testing.T) {
	t.Parallel()
	other, otherRec := newServer(t, reply(200, `{"response":{"id":"1","name":"A","created_at":1,"updated_at":1},"meta":{"code":200}}`))
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ seen) {
		http.Redirect(w, r, other.URL+"/v3/users/me?token="+url.QueryEscape(testToken), http.StatusFound)
	})
	for _, query := range []bool{false, true} {
		opts := []Option{}
		if query {
			opts = append(opts, WithQueryToken())
		}
		c := newTestClient(t, srv, opts...)
		if _, err := c.GetMe(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range otherRec.all() {
		if r.Header.Get(tokenHeader) != "" || strings.Contains(r.RawQuery, "token") {
			t.Errorf("token followed the redirect to another host: %v %q", r.Header, r.RawQuery)
		}
	}
	if n := len(otherRec.all()); n != 2 {
		t.Errorf("redirect target saw %d requests, want 2", n)
	}
}

func TestNewGUID(t *testing.T) {
	t.Parallel()
	a, b := newGUID(), newGUID()
	if a == b || len(a) != 36 || a[14] != '4' || !strings.ContainsRune("89ab", rune(a[19])) {
		t.Errorf("newGUID = %q, %q", a, b)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fakeResponse builds a response for in-memory transports.
func fakeResponse(r *http.Request, status int, body string, header ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{
		StatusCode:    status,
		Status:        http.StatusText(status),
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader([]byte(body))),
		ContentLength: int64(len(body)),
		Request:       r,
		Proto:         "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}
}

var errBoom = errors.New("boom")

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
