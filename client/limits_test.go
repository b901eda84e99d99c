package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// hang is a server that accepts a request and never answers.
var hang = roundTripFunc(func(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
})

// TestDefaultTimeoutEndsAHang: against a server that never answers, a call
// ends after its attempts have each used up DefaultTimeout, in fake time.
func TestDefaultTimeoutEndsAHang(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, err := New(testToken, WithHTTPClient(&http.Client{Transport: hang}), WithBackoff(time.Second, time.Second))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = c.GetMe(t.Context())
		took := time.Since(start)
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no complete answer within 1m0s") {
			t.Fatalf("err = %v, want the timeout", err)
		}
		// 1 attempt + 3 retries of a minute each, with the back-off between.
		if want := 4 * DefaultTimeout; took < want || took > want+4*time.Second {
			t.Errorf("the call took %v, want about %v", took, want)
		}
	})
}

// TestTimeoutCoversTheBody: an answer whose body stalls half-way is an
// attempt that ran out of time, and a GET is sent again, as after a
// timeout before the answer (WithTimeout's promise).
func TestTimeoutCoversTheBody(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		attempts := 0
		stall := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			attempts++
			resp := fakeResponse(r, 200, "")
			resp.Body = io.NopCloser(io.MultiReader(strings.NewReader(`{"response":{"id":"1",`), ctxReader{r.Context()}))
			return resp, nil
		})
		c, err := New(testToken, WithHTTPClient(&http.Client{Transport: stall}), WithTimeout(5*time.Second), WithBackoff(time.Second, time.Second))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = c.GetMe(t.Context())
		// 1 attempt + 3 retries of 5 s each, up to a second (less
		// jitter) between them.
		if took := time.Since(start); !errors.Is(err, ErrTimeout) || took < 20*time.Second || took > 23*time.Second {
			t.Fatalf("err = %v after %v, want the 5s timeout while reading the body, four times", err, took)
		}
		if attempts != 4 {
			t.Errorf("%d attempts, want 4", attempts)
		}
		var te *TransportError
		if !errors.As(err, &te) {
			t.Errorf("%T, want a *TransportError", err)
		}
	})
}

// TestBodyFailuresAreRetried: a connection that breaks in the middle of a
// GET's body is an attempt like one that broke before the answer: the call
// is sent again and succeeds. A POST that may not be repeated is not.
func TestBodyFailuresAreRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		attempts := 0
		flaky := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			attempts++
			resp := fakeResponse(r, 200, "")
			body := `{"response":{"id":"1","name":"Ann"},"meta":{"code":200}}`
			if attempts == 1 {
				resp.Body = io.NopCloser(io.MultiReader(strings.NewReader(body[:20]), errReader{errors.New("connection reset by peer")}))
			} else {
				resp.Body = io.NopCloser(strings.NewReader(body))
			}
			return resp, nil
		})
		c, err := New(testToken, WithHTTPClient(&http.Client{Transport: flaky}), WithBackoff(time.Second, time.Second))
		if err != nil {
			t.Fatal(err)
		}
		me, err := c.GetMe(t.Context())
		if err != nil || me.Name != "Ann" || attempts != 2 {
			t.Fatalf("GetMe = %+v, %v after %d attempts; want Ann after 2", me, err, attempts)
		}
	})
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// ctxReader blocks until its context ends.
type ctxReader struct{ ctx context.Context }

func (r ctxReader) Read([]byte) (int, error) {
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}

func TestTimeoutZeroTurnsItOff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, err := New(testToken, WithHTTPClient(&http.Client{Transport: hang}), WithTimeout(0), WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
		defer cancel()
		start := time.Now()
		_, err = c.GetMe(ctx)
		if errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 10*time.Minute {
			t.Fatalf("err = %v after %v, want only the caller's deadline", err, time.Since(start))
		}
	})
	if _, err := New(testToken, WithTimeout(-time.Second)); err == nil {
		t.Error("a negative timeout was accepted")
	}
	if _, err := New(testToken, WithMaxResponseBytes(0)); err == nil {
		t.Error("a zero body limit was accepted")
	}
}

// gzipped returns prefix, then n bytes of 'a', then suffix, gzip-compressed.
func gzipped(t *testing.T, prefix string, n int, suffix string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	// Writes into a bytes.Buffer; gzip's errors stick, and Close reports them.
	_, _ = zw.Write([]byte(prefix))
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	for left := n; left > 0; left -= len(chunk) {
		_, _ = zw.Write(chunk[:min(left, len(chunk))])
	}
	_, _ = zw.Write([]byte(suffix))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGzipBombIsCut: a small gzip answer that inflates far past the limit
// fails with an error naming the limit, having inflated no more than it.
func TestGzipBombIsCut(t *testing.T) {
	t.Parallel()
	const inflated = 16 << 20
	bomb := gzipped(t, `{"response":{"id":"1","name":"`, inflated, `"},"meta":{"code":200}}`)
	if len(bomb) > inflated/100 {
		t.Fatalf("the bomb is %d bytes compressed; it should be tiny", len(bomb))
	}
	var asked bool
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ seen) {
		asked = strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(bomb) // the client hangs up part-way, on purpose
	})
	counted := &countingTransport{base: srv.Client().Transport}
	c := newTestClient(t, srv, WithHTTPClient(&http.Client{Transport: counted}), WithMaxResponseBytes(1<<20))
	_, err := c.GetMe(t.Context())
	if !asked {
		t.Fatal("the transport did not ask for gzip; the test proves nothing")
	}
	var de *DecodeError
	if !errors.Is(err, ErrResponseTooLarge) || !errors.As(err, &de) || !strings.Contains(err.Error(), "limit of 1 MiB") {
		t.Fatalf("err = %v, want the body limit named", err)
	}
	if n := counted.read.Load(); n > 1<<20+64<<10 {
		t.Errorf("%d inflated bytes were read, the limit is 1 MiB", n)
	}
}

// TestBodyLimitExact: a plain body over DefaultMaxResponseBytes fails; one
// of exactly the limit does not.
func TestBodyLimitExact(t *testing.T) {
	t.Parallel()
	body := `{"response":{"id":"1","name":"` + strings.Repeat("a", 1000) + `"},"meta":{"code":200}}`
	srv, _ := newServer(t, reply(200, body))
	if _, err := newTestClient(t, srv, WithMaxResponseBytes(int64(len(body)))).GetMe(t.Context()); err != nil {
		t.Errorf("a body of exactly the limit: %v", err)
	}
	_, err := newTestClient(t, srv, WithMaxResponseBytes(int64(len(body)-1))).GetMe(t.Context())
	if want := fmt.Sprintf("limit of %d bytes", len(body)-1); !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), want) {
		t.Errorf("a body one byte over: %v, want %q", err, want)
	}
	// Without the option the default limit and timeout are in place.
	c := newTestClient(t, srv)
	b, ok := c.hc.Transport.(*boundedTransport)
	if !ok || b.maxBody != DefaultMaxResponseBytes || b.timeout != DefaultTimeout {
		t.Errorf("default bounds %+v", b)
	}
	if got := (&tooLargeError{DefaultMaxResponseBytes}).Error(); !strings.Contains(got, "limit of 32 MiB") {
		t.Errorf("default limit reads %q", got)
	}
}

// countingTransport counts the body bytes read through it (after net/http
// inflated them).
type countingTransport struct {
	base http.RoundTripper
	read atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// TestWaitForMembersIsBounded: a server that is never ready, or always
// answers 502, does not keep WaitForMembers polling for ever.
func TestWaitForMembersIsBounded(t *testing.T) {
	t.Parallel()
	for _, status := range []int{503, 502} {
		synctest.Test(t, func(t *testing.T) {
			var calls int
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				calls++
				return fakeResponse(r, status, `{"meta":{"code":`+fmt.Sprint(status)+`}}`), nil
			})
			c, err := New(testToken, WithHTTPClient(&http.Client{Transport: rt}), WithRetries(0))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = c.WaitForMembers(t.Context(), "1", "r")
			took := time.Since(start)
			if status == 502 {
				if !errors.Is(err, ErrUnavailable) || calls != 1 {
					t.Errorf("502: %v after %d calls; want the 502 at once", err, calls)
				}
				return
			}
			if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "results not ready after 5m") || took < pollTotal || took > pollTotal+pollMax {
				t.Errorf("503: %v after %v and %d calls", err, took, calls)
			}
		})
	}
}
