package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

const (
	// DefaultTimeout is how long one attempt of a request may take unless
	// WithTimeout says otherwise: connecting, sending, waiting for the
	// answer and reading its whole body.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxResponseBytes is the largest response body the Client
	// reads unless WithMaxResponseBytes says otherwise, counted after gzip
	// decompression.
	DefaultMaxResponseBytes = 32 << 20
)

// ErrTimeout matches (with errors.Is) a request attempt that took longer
// than the Client's timeout; see WithTimeout.
var ErrTimeout = errors.New("groupme: request timed out")

// ErrResponseTooLarge matches (with errors.Is) a response body larger than
// the Client's limit; see WithMaxResponseBytes.
var ErrResponseTooLarge = errors.New("groupme: response too large")

// WithTimeout sets how long each attempt of a request may take: connecting,
// sending, waiting for the answer and reading its body (DefaultTimeout by
// default). An attempt that takes longer fails with an error matching
// ErrTimeout (and context.DeadlineExceeded), which GET requests retry like
// any network error. A call therefore ends after at most (retries + 1)
// attempts of d plus the waits between them. Zero turns the limit off; the
// context passed to each call can still end it.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("groupme: WithTimeout(%v): negative", d)
		}
		c.timeout = &d
		return nil
	}
}

// WithMaxResponseBytes sets the largest response body the Client reads, in
// bytes after gzip decompression (DefaultMaxResponseBytes by default), so a
// huge or endlessly inflating answer cannot exhaust memory. A larger body
// fails the call with an error that names the limit and matches
// ErrResponseTooLarge.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return fmt.Errorf("groupme: WithMaxResponseBytes(%d): not positive", n)
		}
		c.maxBody = n
		return nil
	}
}

// timeoutError is an attempt that ran out of time.
type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no complete answer within %v (the Client's timeout, see WithTimeout)", e.d)
}

func (e *timeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

// Timeout lets net-style checks see a timeout.
func (e *timeoutError) Timeout() bool { return true }

// tooLargeError is a body over the limit.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the response body is larger than the limit of %s (see WithMaxResponseBytes)", byteSize(e.limit))
}

func (e *tooLargeError) Is(target error) bool { return target == ErrResponseTooLarge }

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// boundedTransport gives every attempt a deadline and every body a size
// limit. It sits below the RetryTransport, so each attempt gets its own
// deadline, and above the caller's transport, so the limit counts the bytes
// after net/http has decompressed a gzip answer.
type boundedTransport struct {
	base    http.RoundTripper // nil: http.DefaultTransport
	timeout time.Duration     // 0: none
	maxBody int64
	// timeoutErr is the cause of every attempt's deadline: one value,
	// told apart from the parent context's end by parent.Err.
	timeoutErr error
}

// bound wraps base with the Client's timeout and body limit.
func (c *Client) bound(base http.RoundTripper) http.RoundTripper {
	d := DefaultTimeout
	if c.timeout != nil {
		d = *c.timeout
	}
	n := c.maxBody
	if n == 0 {
		n = DefaultMaxResponseBytes
	}
	return &boundedTransport{base: base, timeout: d, maxBody: n, timeoutErr: &timeoutError{d}}
}

func (t *boundedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	parent := req.Context()
	ctx, cancel := parent, context.CancelFunc(func() {})
	var timeout error
	if t.timeout > 0 {
		timeout = t.timeoutErr
		ctx, cancel = context.WithTimeoutCause(parent, t.timeout, timeout)
		req = req.WithContext(ctx)
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		if timeout != nil && parent.Err() == nil && errors.Is(context.Cause(ctx), timeout) {
			err = timeout
		}
		cancel()
		return nil, err
	}
	resp.Body = &boundedBody{rc: resp.Body, left: t.maxBody, limit: t.maxBody, ctx: ctx, parent: parent, timeout: timeout, cancel: cancel}
	return resp, nil
}

// boundedBody reads at most limit bytes and ends the attempt's deadline
// when closed.
type boundedBody struct {
	rc          io.ReadCloser
	left, limit int64
	ctx, parent context.Context
	timeout     error
	cancel      context.CancelFunc
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly limit bytes from a larger one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, &tooLargeError{b.limit}
		}
		return 0, b.readErr(err)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, b.readErr(err)
}

func (b *boundedBody) readErr(err error) error {
	if err != nil && !errors.Is(err, io.EOF) && b.timeout != nil && b.parent.Err() == nil && errors.Is(context.Cause(b.ctx), b.timeout) {
		return b.timeout
	}
	return err
}

func (b *boundedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
