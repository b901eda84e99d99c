package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress reports how far a long job (an export) has come. On a terminal it
// redraws one line with a bar, the rate and the time left; elsewhere it
// prints a plain line every interval, so logs stay readable.
type progress struct {
	w        io.Writer
	tty      bool
	total    int
	done     int
	base     int // done at the start: work of earlier runs, left out of rate and ETA
	start    time.Time
	last     time.Time
	now      func() time.Time
	interval time.Duration
	label    string
	extra    func() string // more to say on each line (a backup's conversations)
}

func newProgress(w io.Writer, tty bool, label string, total, done int, now func() time.Time) *progress {
	t := now()
	p := &progress{w: w, tty: tty, label: label, total: total, done: done, base: done, start: t, now: now}
	p.interval = 2 * time.Second
	if tty {
		p.interval = 100 * time.Millisecond
	}
	return p
}

// start records the items done before this run (left out of rate and ETA).
func (p *progress) begin(done int) { p.done, p.base = done, done }

// add records n more items and redraws when the interval has passed.
func (p *progress) add(n int) {
	p.done += n
	if t := p.now(); t.Sub(p.last) >= p.interval {
		p.last = t
		p.draw(false)
	}
}

// finish draws the final state and ends the line.
func (p *progress) finish() { p.draw(true) }

func (p *progress) draw(final bool) {
	elapsed := p.now().Sub(p.start)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(p.done-p.base) / s
	}
	total := max(p.total, p.done)
	eta := "--"
	if rate > 0 && total > p.done {
		eta = (time.Duration(float64(total-p.done)/rate) * time.Second).Round(time.Second).String()
	} else if total == p.done {
		eta = "0s"
	}
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(p.done) / float64(total)
	}
	more := ""
	if p.extra != nil {
		more = ", " + p.extra()
	}
	if !p.tty {
		fmt.Fprintf(p.w, "%s: %d/%d messages (%.0f%%), %.0f/s, eta %s%s\n", p.label, p.done, total, pct, rate, eta, more)
		return
	}
	const width = 30
	filled := int(pct / 100 * width)
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d %3.0f%% %6.0f/s eta %-8s%s", p.label, bar, p.done, total, pct, rate, eta, more)
	if final {
		fmt.Fprintln(p.w)
	}
}
