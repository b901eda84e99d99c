package client

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/groupme-go/groupme/internal/backoff"
)

// RetryTransport is an http.RoundTripper that retries requests GroupMe
// could not serve: answers 420, 429, 502, 503 and 504, and network errors.
// The Client retries the same way without it (each call states its own
// retry policy, see [Client]); RetryTransport is for putting GroupMe's
// retry rules into another http.Client.
//
// It waits between attempts with exponential back-off and jitter, or for as
// long as a Retry-After header (seconds or an HTTP date) asks, if that is
// at most MaxRetryAfter; when the server asks for longer, the 420/429/503
// answer is returned at once so the caller can report it. Waiting ends
// early when the request's context is done.
//
// Only GET and HEAD requests are retried: RetryTransport cannot know
// whether another request may be sent twice.
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
}

// NewRetryTransport returns a RetryTransport around base with the Client's
// defaults: 3 retries, Retry-After honoured up to one minute.
func NewRetryTransport(base http.RoundTripper) *RetryTransport {
	return &RetryTransport{Base: base, MaxRetries: defaultRetries, MaxRetryAfter: defaultMaxRetryAfter}
}

// RoundTrip implements http.RoundTripper.
func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	r := retrier{max: t.MaxRetries, maxRetryAfter: t.MaxRetryAfter, minDelay: t.MinDelay, maxDelay: t.MaxDelay, logger: t.Logger}
	policy := retryNever
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		policy = retrySafe
	}
	resp, _, err := r.run(req, policy, base.RoundTrip)
	return resp, err
}

// retryPolicy is what one call allows to be sent more than once. Each
// operation states its own in its call; nothing else switches retries on.
type retryPolicy uint8

const (
	// retrySafe: GETs, and requests whose repetition does no harm (an
	// image upload stores another copy). Retried when the body can be
	// replayed.
	retrySafe retryPolicy = iota + 1
	// retryNever: the request is sent once (POSTs that are not
	// idempotent, and GetMembersResults, whose 503 means "not ready yet").
	retryNever
	// retryIdempotent: a POST that carries a source_guid, so GroupMe
	// answers 409 instead of delivering it twice.
	retryIdempotent
)

// retrier holds the retry settings that the Client and RetryTransport
// share, and runs the attempts of one request.
type retrier struct {
	max                int
	maxRetryAfter      time.Duration
	minDelay, maxDelay time.Duration
	logger             *slog.Logger
	secret             secret // scrubbed from logged errors
	pacer              Pacer  // WithPacer; nil: requests go at once
}

// run sends req with send, and again after a wait while the answer is one
// GroupMe could not serve and policy and the attempt count allow it. It
// returns the last answer and how many attempts were made.
//
//nolint:gocognit // one loop read top to bottom: send, log, decide whether and how long to wait, replay the body, wait
func (t *retrier) run(req *http.Request, policy retryPolicy, send func(*http.Request) (*http.Response, error)) (*http.Response, int, error) {
	log := t.logger
	ctx := req.Context()
	if log != nil && !log.Enabled(ctx, slog.LevelWarn) && !log.Enabled(ctx, slog.LevelDebug) {
		log = nil
	}
	canRetry := t.max > 0 && policy != retryNever &&
		(req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)

	r := req
	for attempt := 1; ; attempt++ {
		var ticket uint64
		if t.pacer != nil {
			var err error
			if ticket, err = t.pacer.Wait(ctx); err != nil {
				return nil, attempt, err
			}
		}
		var start time.Time
		if log != nil {
			start = time.Now()
		}
		resp, err := send(r)
		var ra time.Duration
		raOK := false
		if err == nil && retryableStatus(resp.StatusCode) {
			ra, raOK = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
		if t.pacer != nil {
			status := 0
			if err == nil {
				status = resp.StatusCode
			}
			held := time.Duration(0)
			if raOK && ra <= t.retryAfterCap() {
				held = ra
			}
			t.pacer.Observe(ticket, status, held)
		}
		if log != nil {
			t.logRequest(ctx, log, slog.LevelDebug, "groupme: request", r, resp, err, attempt, slog.Duration("duration", time.Since(start)))
		}
		if !canRetry || attempt > t.max {
			return resp, attempt, err
		}
		var wait time.Duration
		if err != nil {
			if ctx.Err() != nil {
				return nil, attempt, err
			}
			wait = t.backoff(attempt)
		} else {
			if !retryableStatus(resp.StatusCode) {
				return resp, attempt, nil
			}
			if raOK {
				if ra > t.retryAfterCap() {
					return resp, attempt, nil
				}
				wait = ra
			} else {
				wait = t.backoff(attempt)
			}
		}
		if t.pacer != nil && err == nil && pacedStatus(resp.StatusCode) {
			wait = 0 // the pacer spaces the retry, and holds it for a Retry-After
		}
		next := r
		if req.Body != nil && req.Body != http.NoBody {
			body, gerr := req.GetBody()
			if gerr != nil {
				return resp, attempt, err // cannot replay: report what we have
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
			return nil, attempt, err
		}
		r = next
	}
}

// logRequest writes one line about an attempt: method, path (never the
// query, which may hold the token), status, attempt, extra, and the
// redacted error if there was one.
func (t *retrier) logRequest(ctx context.Context, log *slog.Logger, level slog.Level, msg string, r *http.Request, resp *http.Response, err error, attempt int, extra slog.Attr) {
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
		attrs = append(attrs, slog.String("error", redactText(err.Error(), t.secret.value())))
	}
	log.LogAttrs(ctx, level, msg, attrs...)
}

// pacedStatus is an answer a Pacer learns the pace from.
func pacedStatus(code int) bool {
	return code == 420 || code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
}

func retryableStatus(code int) bool {
	switch code {
	case 420, http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (t *retrier) retryAfterCap() time.Duration {
	if t.maxRetryAfter > 0 {
		return t.maxRetryAfter
	}
	return defaultMaxRetryAfter
}

// backoff is the shortest delay doubled per attempt, capped at the longest,
// jittered into [d/2, d] (the back-off Listen uses too).
func (t *retrier) backoff(attempt int) time.Duration {
	lo, hi := t.minDelay, t.maxDelay
	if lo <= 0 {
		lo = 500 * time.Millisecond
	}
	if hi <= 0 {
		hi = 30 * time.Second
	}
	return backoff.Delay(attempt, lo, max(lo, hi))
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error { return backoff.Sleep(ctx, d) }
