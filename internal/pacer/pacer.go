// Package pacer spaces the requests sent with one token so that they stay
// just under a rate limit that nobody publishes.
//
// GroupMe documents 420 and answers 429 when a token asks too much, sends
// no quota headers and (as far as anyone has seen) no Retry-After. A client
// that fetches several conversations at once has to find the pace itself,
// and share it: the limit is per token, not per conversation.
//
// # How the pace is learned
//
// A Pacer sends requests one at a time at a steady rate (no bursts of its
// own), starting unpaced. Every answer is reported back with [Pacer.Observe]:
//
//   - A refusal (420 or 429) means the server's bucket is empty at that
//     moment. Two refusals at least [MinSpan] apart, with the bucket empty
//     at both ends, bracket a stretch in which every token the server added
//     was spent on an accepted request: accepted/elapsed is the server's
//     refill rate, measured, not guessed (over up to four refusals in a
//     row, so the fractions of a token at the ends cancel out). The pace
//     is set a little ([Margin]) under it. A measurement is trusted once
//     the one before agrees within 10%: a span in which the pace was so low
//     that the server's bucket filled up and overflowed measures too little.
//   - A refusal that cannot be measured that way (the first one, or one
//     right after another) halves the pace, once per flight: only a request
//     sent after the last cut cuts again, so the requests already on their
//     way when the first refusal came do not halve the pace four times. The
//     first cut starts from the rate at which requests were just being sent.
//     A 503 cuts the same way but measures nothing.
//   - A Retry-After holds every request until it has passed; the pace
//     does not grow while held.
//   - An accepted answer, while requests are queueing for the pace, raises
//     the pace: by [SlowGrowth] after a measurement, by [FastGrowth] and
//     at least twofold per second after a cut (a halved pace may be far
//     under the limit). The pace thus creeps over the limit, the
//     server refuses one request, and the next measurement sets it back:
//     the sawtooth stays within a few percent of the limit, and the tokens
//     the server saved while the pace was under it are spent while it is
//     over, so little of the budget is lost.
//
// This is AIMD whose decrease is a measurement where one is possible.
// Against a token bucket of rate R and burst B, after the first few
// refusals about one request in a hundred is refused and the wall time
// stays close to the floor (accepted - B) / R.
package pacer

import (
	"context"
	"math"
	"net/http"
	"sync"
	"time"
)

const (
	// Margin is how far under a measured rate the pace is set.
	Margin = 0.03
	// MinSpan is the shortest time between two refusals from which the
	// server's rate is measured; shorter spans only cut the pace.
	MinSpan = 500 * time.Millisecond
	// minMeasured is the fewest accepted requests a measurement needs.
	minMeasured = 5
	// FastGrowth is how much (relative) each accepted request raises the
	// pace while no rate has been measured, on top of doubling per second.
	FastGrowth = 0.02
	// SlowGrowth is how much each accepted request raises the pace once a
	// rate has been measured: starting [Margin] under the limit, the pace
	// passes it after about 60 requests and the next refusal comes some 60
	// later, whatever the limit.
	SlowGrowth = 0.0005
	// MinRate is the slowest pace, in requests per second.
	MinRate = 0.1
	// MaxHold bounds one Retry-After.
	MaxHold = 5 * time.Minute
	// recent is how many send times are kept to find the rate at which
	// requests were going when the first refusal came.
	recent = 16
	// window is how many refusals a measurement may span, and maxSpan how
	// long ago the oldest may be: over several consecutive spans the
	// fractions of a token at either end of each cancel out, and a limit
	// that changes is followed within a few refusals.
	window  = 4
	maxSpan = time.Minute
)

// refusal is when a refusal came and how many requests had been accepted.
type refusal struct {
	at       time.Time
	accepted int
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Pacer paces the requests of one token. Its zero value is not usable;
// create one with New. A Pacer is safe for concurrent use, and meant to be
// shared by every client that uses the same token.
type Pacer struct {
	mu          sync.Mutex
	rate        float64         // requests per second; 0 until the first refusal
	next        time.Time       // the earliest moment of the next request
	hold        time.Time       // Retry-After: nothing goes before it
	seq         uint64          // tickets handed out
	cutSeq      uint64          // the first ticket handed out after the last cut
	refusals    [window]refusal // the last refusals, oldest overwritten
	nrefusals   int
	lastGrow    time.Time
	measured    bool    // the pace comes from a trusted measurement
	lastMeasure float64 // the last measured rate
	queued      bool    // the last request waited for its turn
	sends       [recent]time.Time
	nsends      int
	epoch       uint64 // changes when the pace is cut or held

	stats Stats
}

// Stats counts what a Pacer has seen.
type Stats struct {
	Accepted    int     // answers that were not refusals
	Refused     int     // 420 and 429 answers
	Unavailable int     // 503 answers
	Rate        float64 // the pace now, requests per second (0: not paced)
	Measured    bool    // Rate comes from a measurement of the server's limit
}

// New returns a Pacer that sends unpaced until the first refusal.
func New() *Pacer { return &Pacer{} }

// Wait blocks until the caller may send its next request, or until ctx is
// done. It returns a ticket for the request, to be handed back to Observe
// with the answer.
func (p *Pacer) Wait(ctx context.Context) (uint64, error) {
	for {
		p.mu.Lock()
		now := time.Now()
		at := now
		if p.hold.After(at) {
			at = p.hold
		}
		if p.rate > 0 {
			if p.next.After(at) {
				at = p.next
			}
			p.next = at.Add(time.Duration(float64(time.Second) / p.rate))
		}
		epoch := p.epoch
		p.mu.Unlock()
		if d := at.Sub(now); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return 0, ctx.Err()
			case <-t.C:
			}
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		p.mu.Lock()
		if p.epoch != epoch {
			// The pace was cut, or a Retry-After came, while this
			// request waited: its turn was given at the old pace.
			p.mu.Unlock()
			continue
		}
		p.queued = at.After(now)
		p.sends[p.nsends%recent] = at
		p.nsends++
		p.seq++
		ticket := p.seq
		p.mu.Unlock()
		return ticket, nil
	}
}

// slowDown starts a new epoch: requests waiting for a turn given at the
// old pace take a new one, the first a full interval of the new pace after
// the last request sent.
func (p *Pacer) slowDown() {
	p.epoch++
	p.next = time.Time{}
	if p.rate > 0 && p.nsends > 0 {
		last := p.sends[(p.nsends-1)%recent]
		p.next = last.Add(time.Duration(float64(time.Second) / p.rate))
	}
}

// Observe reports the answer to the request Wait gave ticket: its
// HTTP status (0 when no answer came, which teaches nothing) and the
// Retry-After it carried (0 when none).
func (p *Pacer) Observe(ticket uint64, status int, retryAfter time.Duration) {
	if status == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	// The hold this answer asks for starts after what it teaches.
	defer func() {
		if retryAfter <= 0 {
			return
		}
		if hold := now.Add(min(retryAfter, MaxHold)); hold.After(p.hold) {
			p.hold = hold
			p.lastGrow = hold // time held is no time to grow in
			p.slowDown()
		}
	}()
	switch status {
	case 420, http.StatusTooManyRequests:
		p.stats.Refused++
		// The bucket is empty now and was empty at each earlier refusal:
		// every token it gained in between went to an accepted request.
		var span time.Duration
		acc := 0
		for i := min(p.nrefusals, window); i >= 1; i-- {
			r := p.refusals[(p.nrefusals-i)%window]
			span, acc = now.Sub(r.at), p.stats.Accepted-r.accepted
			if span <= maxSpan {
				break // the oldest within maxSpan, or else the newest
			}
		}
		// Time held by a Retry-After counts: the tokens the server's
		// bucket gained then were spent after it. (A bucket smaller than
		// the rate times the hold overflows meanwhile, and the
		// measurement comes out low; growing finds the rest.)
		active := span
		if active >= MinSpan && acc >= minMeasured {
			m := float64(acc) / active.Seconds()
			p.rate = max(m*(1-Margin), MinRate)
			// Trust a measurement (and creep up slowly) once two in a
			// row agree: a span in which the bucket filled up and lost
			// tokens measures too little.
			p.measured = math.Abs(m-p.lastMeasure) < 0.1*p.lastMeasure
			p.lastMeasure = m
			p.cutSeq = p.seq + 1
			p.slowDown()
		} else if p.cut(ticket, now, acc <= 0 && span > 0) && active > 0 {
			// Too short to measure, but an upper bound all the same.
			p.rate = max(min(p.rate, float64(max(acc, 0)+1)/active.Seconds()), MinRate)
		}
		p.refusals[p.nrefusals%window] = refusal{now, p.stats.Accepted}
		p.nrefusals++
	case http.StatusServiceUnavailable:
		p.stats.Unavailable++
		p.cut(ticket, now, false)
	default:
		p.stats.Accepted++
		if p.rate > 0 && p.queued {
			if p.measured {
				p.rate *= 1 + SlowGrowth
			} else {
				// Per request, and at least doubling per second: a
				// pace far under the limit lets the server's bucket
				// fill up and overflow, and what overflows is lost.
				p.rate *= 1 + FastGrowth + min(max(now.Sub(p.lastGrow), 0), time.Second).Seconds()
			}
		}
		p.lastGrow = later(p.lastGrow, now)
	}
}

// cut halves the pace (quarters it when deep, after a refusal that nothing
// got through since), unless the request was sent before the last cut (it
// was already on its way: its refusal is news of the old pace). It reports
// whether it did.
func (p *Pacer) cut(ticket uint64, now time.Time, deep bool) bool {
	if ticket < p.cutSeq {
		return false
	}
	if p.rate == 0 {
		p.rate = p.sendRate()
	}
	if deep {
		p.rate /= 2
	}
	p.rate = max(p.rate/2, MinRate)
	p.cutSeq = p.seq + 1
	p.slowDown()
	p.measured = false // grow fast again, up to the next measurement
	return true
}

// sendRate is the rate at which the last requests went out.
func (p *Pacer) sendRate() float64 {
	n := min(p.nsends, recent)
	if n < 2 {
		return 2 * MinRate
	}
	first := p.sends[(p.nsends-n)%recent]
	last := p.sends[(p.nsends-1)%recent]
	span := max(last.Sub(first), 10*time.Millisecond)
	return float64(n-1) / span.Seconds()
}

// Stats returns what the Pacer has seen so far.
func (p *Pacer) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Rate, s.Measured = p.rate, p.measured
	return s
}
