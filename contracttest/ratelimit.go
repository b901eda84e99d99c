package contracttest

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RateLimit makes the fake limit the requests of each token the way a
// token bucket does: Burst requests at once, then Rate a second. The API
// hosts are limited; image downloads and the push service are not. A
// request over the limit is answered with GroupMe's error envelope and
// status 429 (420 with Status 420), without a Retry-After unless
// RetryAfter is set, and is not handled. The bucket fills on the fake's
// clock ([WithClock]): with a [ManualClock] it refills only when the clock
// is moved.
type RateLimit struct {
	Rate  float64 // requests per second; must be positive
	Burst int     // bucket size; 0 means 1
	// Status is 429 (the default) or 420 (what GroupMe documents).
	Status int
	// RetryAfter sends a Retry-After header: the whole seconds until the
	// bucket holds a request again (at least 1).
	RetryAfter bool
}

// RateLimitStats counts what the fake's rate limit did.
type RateLimitStats struct {
	Accepted int // requests let through
	Refused  int // requests answered 420 or 429
}

// WithRateLimit limits each token's requests; see [RateLimit].
func WithRateLimit(l RateLimit) Option {
	return func(c *config) { c.rateLimit = &l }
}

// limiter holds a token bucket per access token.
type limiter struct {
	cfg     RateLimit
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*bucket
	stats   RateLimitStats
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(l RateLimit, now func() time.Time) *limiter {
	if l.Burst <= 0 {
		l.Burst = 1
	}
	if l.Status != 420 {
		l.Status = http.StatusTooManyRequests
	}
	return &limiter{cfg: l, now: now, buckets: map[string]*bucket{}}
}

// take spends one of token's requests. When there is none it returns
// false and how long until there is one.
func (l *limiter) take(token string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[token]
	if b == nil {
		b = &bucket{tokens: float64(l.cfg.Burst), last: now}
		l.buckets[token] = b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = math.Min(float64(l.cfg.Burst), b.tokens+d.Seconds()*l.cfg.Rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		l.stats.Accepted++
		return true, 0
	}
	l.stats.Refused++
	return false, time.Duration((1 - b.tokens) / l.cfg.Rate * float64(time.Second))
}

// refuse writes the answer to a request over the limit.
func (l *limiter) refuse(w http.ResponseWriter, wait time.Duration) {
	msg := "Too Many Requests"
	if l.cfg.Status == 420 {
		msg = "Enhance Your Calm"
	}
	if l.cfg.RetryAfter {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	}
	writeDirect(w, l.cfg.Status, errorEnvelope(l.cfg.Status, msg))
}

// RateLimitStats returns what the rate limit ([WithRateLimit]) has done so
// far (zero without one).
func (f *Fake) RateLimitStats() RateLimitStats {
	if f.limit == nil {
		return RateLimitStats{}
	}
	f.limit.mu.Lock()
	defer f.limit.mu.Unlock()
	return f.limit.stats
}

// requestToken is the access token a request carries ("" for none).
func requestToken(r *http.Request) string {
	if t := r.Header.Get("X-Access-Token"); t != "" {
		return t
	}
	return r.URL.Query().Get("token")
}
