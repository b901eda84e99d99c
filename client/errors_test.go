package client

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	sentinels := []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited, ErrUnavailable, ErrServerError}
	cases := []struct {
		name       string
		status     int
		body       string
		header     []string
		want       error // the one sentinel that must match
		wantCode   int
		wantErrors []string
		wantRetry  time.Duration
	}{
		{"400 list", 400, `{"response":null,"meta":{"code":400,"errors":["name is required","name is too long"]}}`, nil, ErrBadRequest, 400, []string{"name is required", "name is too long"}, 0},
		{"400 object", 400, `{"meta":{"code":400,"errors":{"filter":"cannot be blank","a":["x","y"]}}}`, nil, ErrBadRequest, 400, []string{"a: x, y", "filter: cannot be blank"}, 0},
		{"401", 401, `{"meta":{"code":401,"errors":["unauthorized"]}}`, nil, ErrUnauthorized, 401, []string{"unauthorized"}, 0},
		{"403", 403, `{"meta":{"code":403,"errors":null}}`, nil, ErrForbidden, 403, nil, 0},
		{"404 html", 404, `<html><body>Not Found</body></html>`, nil, ErrNotFound, 0, nil, 0},
		{"409", 409, `{"meta":{"code":409,"errors":["duplicate"]}}`, nil, ErrConflict, 409, []string{"duplicate"}, 0},
		{"420", 420, `{"meta":{"code":420,"errors":["Enhance Your Calm"]}}`, nil, ErrRateLimited, 420, []string{"Enhance Your Calm"}, 0},
		{"429 retry-after", 429, ``, []string{"Retry-After", "7200"}, ErrRateLimited, 0, nil, 2 * time.Hour},
		{"500 empty", 500, ``, nil, ErrServerError, 0, nil, 0},
		{"501", 501, `{}`, nil, ErrServerError, 0, nil, 0},
		{"502 html", 502, `<html>Bad Gateway</html>`, nil, ErrUnavailable, 0, nil, 0},
		{"503", 503, `{"meta":{"code":503}}`, nil, ErrUnavailable, 503, nil, 0},
		{"504", 504, ``, nil, ErrUnavailable, 0, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ seen) {
				for i := 0; i+1 < len(tc.header); i += 2 {
					w.Header().Set(tc.header[i], tc.header[i+1])
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c := newTestClient(t, srv, WithRetries(0), WithQueryToken())
			_, err := c.GetGroup(t.Context(), "1234567", nil)
			apiErr, ok := asType[*APIError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			if apiErr.Status != tc.status || apiErr.Code != tc.wantCode || apiErr.Operation != "GetGroup" ||
				apiErr.Method != "GET" || apiErr.Path != "/v3/groups/1234567" || apiErr.RetryAfter != tc.wantRetry {
				t.Errorf("APIError = %+v", apiErr)
			}
			if strings.Join(apiErr.Errors, "|") != strings.Join(tc.wantErrors, "|") {
				t.Errorf("Errors = %q, want %q", apiErr.Errors, tc.wantErrors)
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tc.want) { //nolint:errorlint // which sentinel this is, not what it wraps
					t.Errorf("errors.Is(err, %v) = %v", s, got)
				}
			}
			if msg := err.Error(); strings.Contains(msg, testToken) || strings.Contains(msg, "token=") ||
				!strings.Contains(msg, "GetGroup") || !strings.Contains(msg, strconv.Itoa(tc.status)) {
				t.Errorf("message = %q", msg)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"30", 30 * time.Second, true},
		{" 0 ", 0, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestMalformedSuccessBodies: a 2xx whose body is not the payload is a
// DecodeError naming the operation, never a zero value.
func TestMalformedSuccessBodies(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"truncated":     `{"response":{"id":"1234567","name":"Weekend`,
		"not JSON":      `<html>oops</html>`,
		"empty":         ``,
		"wrong type":    `{"response":{"id":1234567},"meta":{"code":200}}`,
		"null response": `{"response":null,"meta":{"code":200}}`,
		"meta only":     `{"meta":{"code":200}}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newServer(t, reply(200, body))
			c := newTestClient(t, srv)
			g, err := c.GetGroup(t.Context(), "1234567", nil)
			de, ok := asType[*DecodeError](err)
			if !ok || g != nil {
				t.Fatalf("got %+v, %v; want nil and a *DecodeError", g, err)
			}
			if de.Operation != "GetGroup" || de.Status != 200 || de.Path != "/v3/groups/1234567" || de.Err == nil {
				t.Errorf("DecodeError = %+v", de)
			}
			if !strings.Contains(err.Error(), "GetGroup") {
				t.Errorf("message = %q", err)
			}
		})
	}
}

func TestPayloadlessBodies(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, ` `, `{"meta":{"code":200}}`, `{"response":null,"meta":{"code":200}}`, `{"response":{},"meta":{"code":200,"errors":[]}}`, `OK`} {
		srv, _ := newServer(t, reply(200, body))
		c := newTestClient(t, srv)
		if err := c.DestroyGroup(t.Context(), "1"); err != nil {
			t.Errorf("body %q: %v", body, err)
		}
		if err := c.RemoveMember(t.Context(), "1", "2"); err != nil {
			t.Errorf("body %q: %v", body, err)
		}
	}
}

func TestNotModifiedOnlyForListings(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, reply(304, ``))
	c := newTestClient(t, srv)
	if _, err := c.GetGroup(t.Context(), "1", nil); err == nil {
		t.Error("GetGroup on 304 succeeded")
	} else if apiErr, ok := asType[*APIError](err); !ok || apiErr.Status != 304 {
		t.Errorf("GetGroup on 304: %v, want an APIError with status 304", err)
	}
	if l, err := c.ListMessages(t.Context(), "1", nil); err != nil || len(l.Messages) != 0 {
		t.Errorf("ListMessages on 304: %+v, %v", l, err)
	}
}

// asType is errors.AsType, which is Go 1.26, for the Go 1.25 the module
// supports: the error in err's tree of type E, if there is one.
func asType[E error](err error) (E, bool) {
	var e E
	ok := errors.As(err, &e)
	return e, ok
}
