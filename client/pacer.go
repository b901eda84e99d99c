package client

import (
	"context"
	"errors"
	"time"
)

// Pacer spaces the requests of every Client that shares it, so that they
// stay under a rate limit together. Wait blocks until a request may go and
// returns a ticket for it; Observe reports its answer: the HTTP status (0
// when none came) and the Retry-After it carried (0 when none). The
// groupme command's pacer learns GroupMe's unpublished limit from the
// answers; see WithPacer.
type Pacer interface {
	Wait(ctx context.Context) (ticket uint64, err error)
	Observe(ticket uint64, status int, retryAfter time.Duration)
}

// WithPacer sends every attempt of every request (retries included) through
// p, and tells p each answer. With a pacer, a 420, 429 or 503 answer is
// retried without the Client's own back-off: p decides when the retry goes
// (a Retry-After is still honoured up to WithMaxRetryAfter, by p holding
// every request until it has passed). Share one Pacer among all Clients of
// one token: GroupMe limits a token, not a Client.
func WithPacer(p Pacer) Option {
	return func(c *Client) error {
		if p == nil {
			return errors.New("groupme: WithPacer: nil Pacer")
		}
		c.retry.pacer = p
		return nil
	}
}
