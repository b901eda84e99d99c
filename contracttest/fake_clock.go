package contracttest

import (
	"context"
	"sync"
	"time"
)

// ManualClock is a clock that only moves when told to, for [WithClock] and
// [WithSleep]. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock that reads start until it is moved.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep advances the clock by d instead of waiting; pass it to [WithSleep]
// so injected latency costs no real time.
func (c *ManualClock) Sleep(_ context.Context, d time.Duration) { c.Advance(d) }
