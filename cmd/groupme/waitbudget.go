package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/groupme-go/groupme/client"
)

// waitBudget is --max-wait: the time one export may spend waiting for
// GroupMe, counted wherever the wait happens. The export's own waits (after
// the client gave up on a page) are added by the export; the client's
// waits, between a refused or failed attempt and the next one (its back-off
// and the pacer's hold for a Retry-After), are counted by budgetPacer, which
// every attempt passes through. A wait that would go past the budget ends
// the request with errWaitBudget instead.
type waitBudget struct {
	limit time.Duration
	now   func() time.Time

	mu       sync.Mutex
	spent    time.Duration
	failedAt time.Time // when the last attempt failed; zero after a success
}

var errWaitBudget = errors.New("waiting longer would exceed --max-wait")

func newWaitBudget(limit time.Duration, now func() time.Time) *waitBudget {
	return &waitBudget{limit: limit, now: now}
}

// used is the time waited so far.
func (b *waitBudget) used() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.spent
}

// add counts a wait made outside the client.
func (b *waitBudget) add(d time.Duration) {
	b.mu.Lock()
	b.spent += d
	b.mu.Unlock()
}

// budgetPacer passes every attempt to the real pacer and counts against the
// budget the time from a failed attempt to the next one.
type budgetPacer struct {
	inner client.Pacer
	b     *waitBudget
}

func (p budgetPacer) Wait(ctx context.Context) (uint64, error) {
	b := p.b
	b.mu.Lock()
	failedAt, left := b.failedAt, b.limit-b.spent
	b.mu.Unlock()
	if failedAt.IsZero() {
		return p.inner.Wait(ctx)
	}
	// The back-off since the failure already counts.
	left -= b.now().Sub(failedAt)
	if left <= 0 {
		b.settle(failedAt)
		return 0, fmt.Errorf("%w (%s)", errWaitBudget, b.limit)
	}
	wctx, cancel := context.WithTimeoutCause(ctx, left, errWaitBudget)
	defer cancel()
	t, err := p.inner.Wait(wctx)
	b.settle(failedAt)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(wctx), errWaitBudget) {
		return 0, fmt.Errorf("%w (%s)", errWaitBudget, b.limit)
	}
	return t, err
}

// settle adds the wait since failedAt to what was spent.
func (b *waitBudget) settle(failedAt time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failedAt.Equal(failedAt) {
		b.spent += b.now().Sub(failedAt)
		b.failedAt = time.Time{}
	}
}

func (p budgetPacer) Observe(ticket uint64, status int, retryAfter time.Duration) {
	p.inner.Observe(ticket, status, retryAfter)
	b := p.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if status == 0 || status == 420 || status == 429 || status >= 500 {
		if b.failedAt.IsZero() {
			b.failedAt = b.now()
		}
	} else {
		b.failedAt = time.Time{}
	}
}
