package pacer

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// bucket is a server's token bucket in (fake) time.
type bucket struct {
	mu         sync.Mutex
	rate       float64
	burst      float64
	tokens     float64
	last       time.Time
	accepted   int
	refused    int
	retryAfter time.Duration
	status     int
}

func newBucket(rate, burst float64) *bucket {
	return &bucket{rate: rate, burst: burst, tokens: burst, last: time.Now(), status: http.StatusTooManyRequests}
}

func (b *bucket) take() (int, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		b.accepted++
		return http.StatusOK, 0
	}
	b.refused++
	return b.status, b.retryAfter
}

// run sends requests from workers through p against b for d of fake time,
// each answer arriving latency after it was sent.
func run(p *Pacer, b *bucket, workers int, latency, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				sent, err := p.Wait(ctx)
				if err != nil {
					return
				}
				time.Sleep(latency / 2)
				status, ra := b.take()
				time.Sleep(latency / 2)
				p.Observe(sent, status, ra)
			}
		})
	}
	wg.Wait()
}

func TestPacerLearnsTokenBucket(t *testing.T) {
	for _, tc := range []struct {
		name        string
		rate, burst float64
		workers     int
		latency     time.Duration
		status      int
		d           time.Duration
		retryAfter  time.Duration
	}{
		{"20/s burst 50, 4 workers, 429", 20, 50, 4, 5 * time.Millisecond, 429, time.Minute, 0},
		{"20/s burst 50, 8 workers, 420", 20, 50, 8, 40 * time.Millisecond, 420, time.Minute, 0},
		// The first refusals cost about as many at any rate: at 3/s a
		// run needs a few minutes for them to be a small share.
		{"3/s burst 10, 4 workers", 3, 10, 4, 20 * time.Millisecond, 429, 5 * time.Minute, 0},
		{"200/s burst 20, 6 workers", 200, 20, 6, 2 * time.Millisecond, 429, time.Minute, 0},
		// A Retry-After of a whole second holds everything at each
		// refusal: the pace must be found in few of them.
		{"10/s burst 10, 4 workers, 420 with Retry-After", 10, 10, 4, 5 * time.Millisecond, 420, 2 * time.Minute, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				d := tc.d
				p := New()
				b := newBucket(tc.rate, tc.burst)
				b.status, b.retryAfter = tc.status, tc.retryAfter
				run(p, b, tc.workers, tc.latency, d)
				// The floor is the time the bucket needs for what it
				// accepted; the run lasted d.
				floor := (float64(b.accepted) - tc.burst) / tc.rate
				ratio := d.Seconds() / floor
				refused := float64(b.refused) / float64(b.accepted+b.refused)
				st := p.Stats()
				t.Logf("accepted %d refused %d (%.1f%%), %.3fx the floor, pace %.2f/s", b.accepted, b.refused, 100*refused, ratio, st.Rate)
				if ratio > 1.15 {
					t.Errorf("took %.3fx the floor, want at most 1.15x", ratio)
				}
				if refused > 0.10 {
					t.Errorf("%.1f%% refused, want at most 10%%", 100*refused)
				}
				if !st.Measured || st.Rate > tc.rate*1.1 || st.Rate < tc.rate*0.8 {
					t.Errorf("pace %.2f/s (measured %v), want close to %v", st.Rate, st.Measured, tc.rate)
				}
				if st.Refused != b.refused || st.Accepted != b.accepted {
					t.Errorf("stats %+v, server saw %d accepted %d refused", st, b.accepted, b.refused)
				}
			})
		})
	}
}

// A limit that halves halfway through is found again.
func TestPacerFollowsALowerLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New()
		b := newBucket(40, 20)
		run(p, b, 4, 5*time.Millisecond, 30*time.Second)
		b.mu.Lock()
		b.rate, b.accepted, b.refused = 10, 0, 0
		b.mu.Unlock()
		run(p, b, 4, 5*time.Millisecond, 60*time.Second)
		refused := float64(b.refused) / float64(b.accepted+b.refused)
		if ratio := 60.0 / (float64(b.accepted) / 10); ratio > 1.1 || refused > 0.05 {
			t.Errorf("after the limit dropped: %.3fx the floor, %.1f%% refused", ratio, 100*refused)
		}
		if st := p.Stats(); st.Rate > 11 {
			t.Errorf("pace %.2f/s, want under 11", st.Rate)
		}
	})
}

// A Retry-After holds every request, not only the refused one.
func TestPacerHoldsForRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New()
		ctx := t.Context()
		sent, _ := p.Wait(ctx)
		start := time.Now()
		p.Observe(sent, 420, 3*time.Second)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				at, err := p.Wait(ctx)
				if err != nil {
					t.Error(err)
				}
				if got := time.Since(start); got < 3*time.Second {
					t.Errorf("a request went %v after a Retry-After of 3s", got)
				}
				_ = at
			})
		}
		wg.Wait()
	})
}

// Without refusals nothing is paced; a 503 cuts the pace but measures nothing.
func TestPacerUnpacedUntilRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New()
		ctx := t.Context()
		start := time.Now()
		for range 1000 {
			sent, _ := p.Wait(ctx)
			p.Observe(sent, 200, 0)
		}
		if time.Since(start) != 0 {
			t.Errorf("1000 accepted requests took %v of fake time", time.Since(start))
		}
		for range 10 {
			time.Sleep(10 * time.Millisecond)
			sent, _ := p.Wait(ctx)
			p.Observe(sent, 200, 0)
		}
		sent, _ := p.Wait(ctx)
		p.Observe(sent, 503, 0)
		st := p.Stats()
		if st.Rate <= 0 || st.Rate > 100 || st.Measured || st.Unavailable != 1 {
			t.Errorf("after a 503: %+v, want a pace of at most 50/s, not measured", st)
		}
		// A request sent before the cut does not cut again.
		p.Observe(sent, 503, 0)
		if again := p.Stats().Rate; again != st.Rate {
			t.Errorf("a second answer from before the cut moved the pace from %v to %v", st.Rate, again)
		}
	})
}

func TestPacerWaitEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New()
		sent, _ := p.Wait(t.Context())
		p.Observe(sent, 429, time.Minute)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := p.Wait(ctx); err == nil {
			t.Error("Wait returned no error when its context ended during a hold")
		}
	})
}
