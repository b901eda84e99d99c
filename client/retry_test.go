package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// step is one scripted answer of a fake transport: a status (with body and
// headers) or an error.
type step struct {
	status int
	body   string
	header []string
	err    error
}

// script is an in-memory transport that answers with its steps in order
// (the last one repeats) and records what it was sent.
type script struct {
	mu     sync.Mutex
	steps  []step
	byPath map[string][]step // per "METHOD path" overrides, consumed in order
	sent   []seen
}

func (s *script) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	s.mu.Lock()
	s.sent = append(s.sent, seen{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	var st step
	key := r.Method + " " + r.URL.EscapedPath()
	if q := s.byPath[key]; len(q) > 0 {
		st = q[0]
		if len(q) > 1 {
			s.byPath[key] = q[1:]
		}
	} else {
		st = s.steps[0]
		if len(s.steps) > 1 {
			s.steps = s.steps[1:]
		}
	}
	s.mu.Unlock()
	if st.err != nil {
		return nil, st.err
	}
	return fakeResponse(r, st.status, st.body, st.header...), nil
}

func (s *script) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.sent...)
}

func scriptedClient(t *testing.T, s *script, opts ...Option) *Client {
	t.Helper()
	c, err := New(testToken, append([]Option{WithHTTPClient(&http.Client{Transport: s})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var okGroup = step{status: 200, body: envelopeOf("200", groupJSON)}

func TestRetryUnavailableThenSuccess(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 503, body: "<html>busy</html>"}, {status: 502}, {status: 504}, okGroup}}
		c := scriptedClient(t, s)
		start := time.Now()
		g, err := c.GetGroup(t.Context(), "1234567", nil)
		if err != nil || g.ID != "1234567" {
			t.Fatalf("GetGroup = %v, %v", g, err)
		}
		if n := len(s.requests()); n != 4 {
			t.Errorf("%d attempts, want 4", n)
		}
		// Back-off of attempt n lies in [d/2, d] with d = 500ms * 2^(n-1).
		if d := time.Since(start); d < (250+500+1000)*time.Millisecond || d > (500+1000+2000)*time.Millisecond {
			t.Errorf("waited %v", d)
		}
	})
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 429, header: []string{"Retry-After", "30"}}, okGroup}}
		c := scriptedClient(t, s)
		start := time.Now()
		if _, err := c.GetGroup(t.Context(), "1", nil); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 30*time.Second {
			t.Errorf("waited %v, want the 30s Retry-After", d)
		}
	})
}

func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		when := time.Now().Add(45 * time.Second).UTC().Format(http.TimeFormat)
		s := &script{steps: []step{{status: 420, header: []string{"Retry-After", when}}, okGroup}}
		c := scriptedClient(t, s)
		start := time.Now()
		if _, err := c.GetGroup(t.Context(), "1", nil); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 45*time.Second {
			t.Errorf("waited %v, want 45s", d)
		}
	})
}

func TestRetryAfterBeyondCapFailsAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 429, header: []string{"Retry-After", "3600"}, body: `{"meta":{"code":429,"errors":["slow down"]}}`}, okGroup}}
		c := scriptedClient(t, s, WithMaxRetryAfter(10*time.Second))
		start := time.Now()
		_, err := c.GetGroup(t.Context(), "1", nil)
		apiErr, ok := asType[*APIError](err)
		if !ok || !errors.Is(err, ErrRateLimited) || apiErr.RetryAfter != time.Hour || apiErr.Errors[0] != "slow down" {
			t.Fatalf("err = %#v", err)
		}
		if n := len(s.requests()); n != 1 || time.Since(start) != 0 {
			t.Errorf("%d attempts over %v, want 1 and no wait", n, time.Since(start))
		}
	})
}

func TestRetriesExhausted(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 502, body: "<html>bad gateway</html>"}}}
		c := scriptedClient(t, s, WithRetries(2))
		_, err := c.GetGroup(t.Context(), "1", nil)
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("err = %v", err)
		}
		if n := len(s.requests()); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})
}

func TestRetryNetworkError(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{err: errBoom}, {err: io.ErrUnexpectedEOF}, okGroup}}
		c := scriptedClient(t, s)
		if _, err := c.GetGroup(t.Context(), "1", nil); err != nil {
			t.Fatal(err)
		}
		if n := len(s.requests()); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})
}

func TestNoRetriesWhenDisabled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{err: errBoom}, okGroup}}
		c := scriptedClient(t, s, WithRetries(0))
		_, err := c.GetGroup(t.Context(), "1", nil)
		if _, ok := asType[*TransportError](err); !ok || !errors.Is(err, errBoom) {
			t.Errorf("err = %v, want a TransportError wrapping errBoom", err)
		}
	})
}

func TestRetryWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 503, header: []string{"Retry-After", "50"}}}}
		c := scriptedClient(t, s)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.GetGroup(ctx, "1", nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 5*time.Second {
			t.Errorf("returned after %v, want 5s", d)
		}
	})
}

func TestPostsAreNotRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		calls := map[string]func(context.Context, *Client) error{
			"CreateGroup": func(ctx context.Context, c *Client) error {
				_, err := c.CreateGroup(ctx, GroupCreateRequest{Name: "x"})
				return err
			},
			"PostBotMessage": func(ctx context.Context, c *Client) error {
				return c.PostBotMessage(ctx, BotPostRequest{BotID: "b", Text: "t"})
			},
			"AddMembers": func(ctx context.Context, c *Client) error {
				_, err := c.AddMembers(ctx, "1", nil)
				return err
			},
			"DestroyGroup": func(ctx context.Context, c *Client) error { return c.DestroyGroup(ctx, "1") },
		}
		for name, call := range calls {
			s := &script{steps: []step{{status: 503}, {status: 200, body: `{"meta":{"code":200}}`}}}
			c := scriptedClient(t, s)
			if err := call(t.Context(), c); !errors.Is(err, ErrUnavailable) {
				t.Errorf("%s: err = %v, want the 503", name, err)
			}
			if n := len(s.requests()); n != 1 {
				t.Errorf("%s: %d attempts, want 1", name, n)
			}
		}
	})
}

func TestRetryTransportStandalone(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 503}, {status: 200}}}
		hc := &http.Client{Transport: NewRetryTransport(s)}
		resp, err := hc.Post("http://example.invalid/x", "text/plain", strings.NewReader("body"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 503 || len(s.requests()) != 1 {
			t.Errorf("unmarked POST: status %d after %d attempts", resp.StatusCode, len(s.requests()))
		}
		resp, err = hc.Get("http://example.invalid/x")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET: status %d", resp.StatusCode)
		}
	})
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	rt := &retrier{minDelay: time.Second, maxDelay: 30 * time.Second}
	for attempt := 1; attempt <= 10; attempt++ {
		d := min(time.Second<<(attempt-1), 30*time.Second)
		for range 50 {
			if got := rt.backoff(attempt); got < d/2 || got > d {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempt, got, d/2, d)
			}
		}
	}
}

// The 409 cases: message creation carries a source_guid, so a retry cannot
// duplicate, and a 409 on a retry means the first attempt got through.

func TestCreateMessageRetryThen409IsSuccess(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{byPath: map[string][]step{
			"POST /v3/groups/1234567/messages": {{status: 503}, {status: 409, body: `{"meta":{"code":409,"errors":["duplicate source_guid"]}}`}},
			"GET /v3/groups/1234567/messages": {{status: 200, body: envelopeOf("200",
				`{"count":3,"messages":[`+messageJSON("176", "other")+`,`+messageJSON("175", "mine-1")+`]}`)}},
		}}
		c := scriptedClient(t, s, WithBaseURL("https://api.example/v3"))
		m, err := c.CreateMessage(t.Context(), "1234567", NewMessage{SourceGUID: "mine-1", Text: Ptr("hello 175")})
		if err != nil {
			t.Fatalf("CreateMessage: %v", err)
		}
		if m.ID != "175" || m.SourceGUID != "mine-1" {
			t.Errorf("message = %+v, want the delivered one", m)
		}
		reqs := s.requests()
		if len(reqs) != 3 || reqs[0].Method != "POST" || reqs[1].Method != "POST" || reqs[2].Method != "GET" {
			t.Fatalf("requests = %v", reqs)
		}
		if string(reqs[0].Body) != string(reqs[1].Body) || !strings.Contains(string(reqs[1].Body), `"source_guid":"mine-1"`) {
			t.Errorf("retry body %s differs from %s", reqs[1].Body, reqs[0].Body)
		}
		if !strings.Contains(reqs[2].RawQuery, "limit=100") {
			t.Errorf("lookup query = %q", reqs[2].RawQuery)
		}
	})
}

func TestCreateMessageRetryThen409NotListed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{byPath: map[string][]step{
			"POST /v3/groups/1/messages": {{err: errBoom}, {status: 409}},
			"GET /v3/groups/1/messages":  {{status: 304}},
		}}
		c := scriptedClient(t, s)
		m, err := c.CreateMessage(t.Context(), "1", NewMessage{Text: Ptr("hi")})
		if err != nil {
			t.Fatalf("CreateMessage: %v (a false failure)", err)
		}
		if len(m.SourceGUID) != 36 || *m.Text != "hi" || m.GroupID != "1" {
			t.Errorf("message = %+v", m)
		}
	})
}

func TestCreateMessageFirst409IsConflict(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 409, body: `{"meta":{"code":409,"errors":["duplicate"]}}`}}}
		c := scriptedClient(t, s)
		_, err := c.CreateMessage(t.Context(), "1", NewMessage{SourceGUID: "reused", Text: Ptr("hi")})
		if !errors.Is(err, ErrConflict) {
			t.Errorf("err = %v, want ErrConflict", err)
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
}

func TestCreateDirectMessageRetryThen409IsSuccess(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{byPath: map[string][]step{
			"POST /v3/direct_messages": {{status: 429, header: []string{"Retry-After", "2"}}, {status: 409}},
			"GET /v3/direct_messages": {{status: 200, body: envelopeOf("200",
				`{"count":1,"direct_messages":[`+dmJSON("9", "dm-guid")+`]}`)}},
		}}
		c := scriptedClient(t, s)
		m, err := c.CreateDirectMessage(t.Context(), NewDirectMessage{SourceGUID: "dm-guid", RecipientID: "555", Text: Ptr("dm 9")})
		if err != nil || m.ID != "9" {
			t.Fatalf("CreateDirectMessage = %+v, %v", m, err)
		}
		reqs := s.requests()
		if len(reqs) != 3 || !strings.Contains(reqs[2].RawQuery, "other_user_id=555") {
			t.Errorf("requests = %v", reqs)
		}
	})
}

func TestWithBackoffSetsTheWaits(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 503}, {status: 503}, {status: 503}, okGroup}}
		c := scriptedClient(t, s, WithBackoff(10*time.Second, 15*time.Second))
		start := time.Now()
		if _, err := c.GetGroup(t.Context(), "1", nil); err != nil {
			t.Fatal(err)
		}
		// Waits of d = 10s, 15s (capped from 20s), 15s, each jittered to [d/2, d].
		if d := time.Since(start); d < 20*time.Second || d > 40*time.Second {
			t.Errorf("waited %v, want 20s..40s", d)
		}
	})
	for _, bad := range [][2]time.Duration{{0, time.Second}, {2 * time.Second, time.Second}, {-time.Second, time.Second}} {
		if _, err := New(testToken, WithBackoff(bad[0], bad[1])); err == nil {
			t.Errorf("WithBackoff(%v, %v) was accepted", bad[0], bad[1])
		}
	}
}
