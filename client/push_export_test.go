package client

import (
	"context"
	"time"
)

// ListenSleep replaces the waits of Listen (back-off and advised
// intervals), so tests run them in no real time.
func ListenSleep(sleep func(ctx context.Context, d time.Duration) error) ListenOption {
	return func(c *listenConfig) error { c.sleep = sleep; return nil }
}

// ListenClock replaces the clock Listen reads (session age, ext timestamp).
func ListenClock(now func() time.Time) ListenOption {
	return func(c *listenConfig) error { c.now = now; return nil }
}
