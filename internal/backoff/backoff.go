// Package backoff holds the one exponential back-off and the one
// context-aware sleep that the client's retries and its push listener share.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Delay is the wait before the next try after attempt consecutive failures
// (attempt >= 1): lo doubled attempt-1 times, capped at hi, then jittered
// into [d/2, d] so that many clients do not retry in step. lo and hi must
// be positive with lo <= hi; a non-positive attempt counts as 1.
func Delay(attempt int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 1; i < attempt && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sleep waits for d or until ctx is done, whichever comes first, and
// returns ctx's error in the second case. A d of zero or less returns at
// once (with ctx's error, if it is done).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
