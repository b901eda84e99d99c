package client

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// recordingPacer lets every request go at once (or after hold) and
// records what it is told.
type recordingPacer struct {
	mu       sync.Mutex
	waits    int
	observed []int
	held     []time.Duration
}

func (p *recordingPacer) Wait(ctx context.Context) (uint64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waits++
	return uint64(p.waits), ctx.Err()
}

func (p *recordingPacer) Observe(ticket uint64, status int, retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if int(ticket) != len(p.observed)+1 {
		panic("tickets out of order")
	}
	p.observed = append(p.observed, status)
	p.held = append(p.held, retryAfter)
}

// With a pacer, refusals are retried when the pacer says, not after the
// Client's own back-off; every attempt goes through it and it hears every
// answer, with the Retry-After it carried.
func TestPacerSeesEveryAttempt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{status: 429, body: `{"meta":{"code":429,"errors":["slow down"]}}`}, {status: 420, header: []string{"Retry-After", "2"}}, {status: 503}, okGroup}}
		p := &recordingPacer{}
		c := scriptedClient(t, s, WithPacer(p))
		start := time.Now()
		if _, err := c.GetGroup(t.Context(), "1234567", nil); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("the Client waited %v itself; the pacer decides", d)
		}
		if want := []int{429, 420, 503, 200}; !slices.Equal(p.observed, want) || p.waits != 4 {
			t.Errorf("pacer waited %d times and saw %v, want 4 and %v", p.waits, p.observed, want)
		}
		if want := []time.Duration{0, 2 * time.Second, 0, 0}; !slices.Equal(p.held, want) {
			t.Errorf("Retry-After told to the pacer: %v, want %v", p.held, want)
		}
	})
}

// Network errors keep the Client's back-off; the pacer hears status 0.
func TestPacerNetworkErrorKeepsBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &script{steps: []step{{err: context.DeadlineExceeded}, okGroup}}
		p := &recordingPacer{}
		c := scriptedClient(t, s, WithPacer(p))
		start := time.Now()
		if _, err := c.GetGroup(t.Context(), "1234567", nil); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 250*time.Millisecond {
			t.Errorf("retried a network error after %v, want the back-off", d)
		}
		if want := []int{0, 200}; !slices.Equal(p.observed, want) {
			t.Errorf("pacer saw %v, want %v", p.observed, want)
		}
	})
}

func TestWithPacerNil(t *testing.T) {
	if _, err := New(testToken, WithPacer(nil)); err == nil {
		t.Error("WithPacer(nil) accepted")
	}
}
