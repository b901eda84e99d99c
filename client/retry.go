package client

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryTransport is an http.RoundTripper that retries requests GroupMe
// could not serve: answers 420, 429, 502, 503 and 504, and network errors.
//
// It waits between attempts with exponential back-off and jitter, or for as
// long as a Retry-After header (seconds or an HTTP date) asks, if that is
// at most MaxRetryAfter; when the server asks for longer, the 420/429/503
// answer is returned at once so the caller can report it. Waiting ends
// early when the request's context is done.
//
// Only requests that can neither be duplicated nor lose their body are
// retried: GET and HEAD requests, and requests the Client marks as safe
// (message and direct-message creation, which carry a source_guid, and
// image uploads whose body can be replayed). A request with a body is
// retried only when its GetBody is set.
//
// New installs a RetryTransport around the caller's transport; use
// NewRetryTransport to put one in another http.Client.
type RetryTransport struct {
	// Base sends each attempt; nil means http.DefaultTransport.
	Base http.RoundTripper
	// MaxRetries is how many times a request is retried; 0 disables retries.
	MaxRetries int
	// MaxRetryAfter is the longest Retry-After honoured; 0 means one minute.
	MaxRetryAfter time.Duration
	// MinDelay and MaxDelay bound the back-off; 0 means 500ms and 30s.
	MinDelay, MaxDelay time.Duration
	// Logger receives a Debug record per attempt and a Warn record per
	// retry; nil means no logging. URLs are logged without their query.
	Logger *slog.Logger

	secret string // the Client's token, scrubbed from logged errors
}

// NewRetryTransport returns a RetryTransport around base with the Client's
// defaults: 3 retries, Retry-After honoured up to one minute.
func NewRetryTransport(base http.RoundTripper) *RetryTransport {
	return &RetryTransport{Base: base, MaxRetries: defaultRetries, MaxRetryAfter: defaultMaxRetryAfter}
}

// retryKey marks a context whose POST request may be retried; its value is
// a *retryState the transport reports to.
type retryKey struct{}

// retryState tells the Client whether a request was sent more than once,
// which is how CreateMessage knows a 409 means "already delivered".
type retryState struct {
	attempts int
}

func (s *retryState) retried() bool { return s != nil && s.attempts > 1 }

// RoundTrip implements http.RoundTripper.
func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	log := t.Logger
	ctx := req.Context()
	if log != nil && !log.Enabled(ctx, slog.LevelWarn) {
		log = nil
	}
	var state *retryState
	canRetry := t.MaxRetries > 0
	if canRetry {
		switch req.Method {
		case http.MethodGet, http.MethodHead:
		default:
			state, _ = ctx.Value(retryKey{}).(*retryState)
			canRetry = state != nil
		}
		canRetry = canRetry && (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)
	}

	r := req
	for attempt := 1; ; attempt++ {
		if state != nil {
			state.attempts = attempt
		}
		var start time.Time
		if log != nil {
			start = time.Now()
		}
		resp, err := base.RoundTrip(r)
		if log != nil {
			t.logAttempt(ctx, log, r, resp, err, attempt, time.Since(start))
		}
		if !canRetry || attempt > t.MaxRetries {
			return resp, err
		}
		var wait time.Duration
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			wait = t.backoff(attempt)
		} else {
			if !retryableStatus(resp.StatusCode) {
				return resp, nil
			}
			if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				if ra > t.maxRetryAfter() {
					return resp, nil
				}
				wait = ra
			} else {
				wait = t.backoff(attempt)
			}
		}
		next := r
		if req.Body != nil && req.Body != http.NoBody {
			body, gerr := req.GetBody()
			if gerr != nil {
				return resp, err // cannot replay: report what we have
			}
			cp := *req
			cp.Body = body
			next = &cp
		}
		if resp != nil {
			closeBody(resp.Body)
		}
		if log != nil {
			t.logRequest(ctx, log, slog.LevelWarn, "groupme: retrying request", r, resp, err, attempt, slog.Duration("wait", wait))
		}
		if err := sleep(ctx, wait); err != nil {
			if next != r && next.Body != nil {
				_ = next.Body.Close()
			}
			return nil, err
		}
		r = next
	}
}

func (t *RetryTransport) logAttempt(ctx context.Context, log *slog.Logger, r *http.Request, resp *http.Response, err error, attempt int, d time.Duration) {
	t.logRequest(ctx, log, slog.LevelDebug, "groupme: request", r, resp, err, attempt, slog.Duration("duration", d))
}

// logRequest writes one line about an attempt: method, path (never the
// query, which may hold the token), status, attempt, extra, and the
// redacted error if there was one.
func (t *RetryTransport) logRequest(ctx context.Context, log *slog.Logger, level slog.Level, msg string, r *http.Request, resp *http.Response, err error, attempt int, extra slog.Attr) {
	if !log.Enabled(ctx, level) {
		return
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		extra,
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", redactText(err.Error(), t.secret)))
	}
	log.LogAttrs(ctx, level, msg, attrs...)
}

func retryableStatus(code int) bool {
	switch code {
	case 420, http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (t *RetryTransport) maxRetryAfter() time.Duration {
	if t.MaxRetryAfter > 0 {
		return t.MaxRetryAfter
	}
	return defaultMaxRetryAfter
}

// backoff is MinDelay doubled per attempt, capped at MaxDelay, with the
// upper half jittered: the wait lies in [d/2, d].
func (t *RetryTransport) backoff(attempt int) time.Duration {
	lo, hi := t.MinDelay, t.MaxDelay
	if lo <= 0 {
		lo = 500 * time.Millisecond
	}
	if hi <= 0 {
		hi = 30 * time.Second
	}
	d := lo
	for i := 1; i < attempt && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
