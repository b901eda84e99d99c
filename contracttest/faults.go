package contracttest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"
)

// FaultKind says how an injected fault breaks a response.
type FaultKind int

const (
	// FaultStatus answers with Fault.Status (420, 429, 500, 502, 503 or
	// 504; 503 if zero) and a JSON error envelope.
	FaultStatus FaultKind = iota + 1
	// FaultHTML answers with Fault.Status (502 if zero) and an HTML error
	// page, as a proxy in front of GroupMe does.
	FaultHTML
	// FaultTruncated handles the request, then sends its real status and
	// headers with the body cut in half (invalid JSON).
	FaultTruncated
	// FaultDrop closes the connection without answering.
	FaultDrop
	// FaultLatency waits Fault.Latency (with the sleep function of
	// [WithSleep]) and then answers normally.
	FaultLatency
)

// Fault is one way of failing a request. Build one with [RateLimited],
// [ServerError], [HTMLError], [TruncatedBody], [DropConnection] or
// [Latency].
type Fault struct {
	Kind       FaultKind
	Status     int
	RetryAfter string        // sent as the Retry-After header when not empty
	Latency    time.Duration // for FaultLatency
	// AfterHandling applies the fault after the request has been handled:
	// the state changes (a message is stored, say) but the answer is lost
	// or replaced, which is what makes retried creates interesting.
	AfterHandling bool
}

// RateLimited is a 420 or 429 answer, with a Retry-After header unless
// retryAfter is empty.
func RateLimited(status int, retryAfter string) Fault {
	return Fault{Kind: FaultStatus, Status: status, RetryAfter: retryAfter}
}

// ServerError is a 500, 502, 503 or 504 answer with a JSON envelope.
func ServerError(status int) Fault { return Fault{Kind: FaultStatus, Status: status} }

// HTMLError is an HTML error page with the given status (500, 502 or 503).
func HTMLError(status int) Fault { return Fault{Kind: FaultHTML, Status: status} }

// TruncatedBody is the real answer with its body cut short.
func TruncatedBody() Fault { return Fault{Kind: FaultTruncated} }

// DropConnection closes the connection without an answer.
func DropConnection() Fault { return Fault{Kind: FaultDrop} }

// Latency delays the answer by d.
func Latency(d time.Duration) Fault { return Fault{Kind: FaultLatency, Latency: d} }

// After returns the fault applied after the request was handled; see
// Fault.AfterHandling.
func (f Fault) After() Fault { f.AfterHandling = true; return f }

// FaultRule says which requests get a fault. Rules are checked in order and
// the first that fires wins. With neither Every nor Rate every matching
// request fires.
type FaultRule struct {
	Fault Fault
	// Operations limits the rule to these operationIds (all if empty).
	Operations []string
	// Every fires on every Nth matching request (the Nth, 2Nth, ...).
	Every int
	// Rate fires with this probability, drawn from a generator seeded with
	// Seed, so a sequence of requests always meets the same faults.
	Rate float64
	Seed uint64
	// Times stops the rule after it fired this many times (0: no limit).
	Times int
	// ImageDownloads also applies the rule to GETs of uploaded images,
	// which are otherwise never faulted.
	ImageDownloads bool
}

// WithFaults installs fault rules from the start.
func WithFaults(rules ...FaultRule) Option {
	return func(c *config) { c.faults = append(c.faults, rules...) }
}

// AddFault installs a fault rule on a running fake.
func (f *Fake) AddFault(r FaultRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, newFaultState(r, uint64(len(f.rules))))
}

// ClearFaults removes every fault rule.
func (f *Fake) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

type faultState struct {
	rule     FaultRule
	matched  int
	injected int
	rng      *rand.Rand
}

func newFaultState(r FaultRule, salt uint64) *faultState {
	seed := r.Seed
	if seed == 0 {
		seed = 0x6d6f636b + salt
	}
	return &faultState{rule: r, rng: rand.New(rand.NewPCG(seed, 0x67726f75706d65))}
}

// pickFault decides whether this request gets a fault. op is empty for an
// image download. Called with f.mu held.
func (f *Fake) pickFault(op string, image bool) *Fault {
	var chosen *Fault
	for _, s := range f.rules {
		r := s.rule
		if image && !r.ImageDownloads {
			continue
		}
		if !image && len(r.Operations) > 0 && !slices.Contains(r.Operations, op) {
			continue
		}
		if r.Times > 0 && s.injected >= r.Times {
			continue
		}
		s.matched++
		fire := true
		if r.Every > 0 {
			fire = s.matched%r.Every == 0
		}
		if r.Rate > 0 {
			fire = fire && s.rng.Float64() < r.Rate
		}
		if fire && chosen == nil {
			s.injected++
			fault := r.Fault
			chosen = &fault
		}
	}
	return chosen
}

// writeFault sends fault instead of the normal answer. handled is the
// normal answer when the request was handled first (nil otherwise).
func (f *Fake) writeFault(w http.ResponseWriter, r *http.Request, fault Fault, handled *bufferedResponse) {
	res := &bufferedResponse{header: http.Header{}}
	var validate bool // whether the answer must still match the spec: each kind below decides
	switch fault.Kind {
	case FaultPageRepeat, FaultPageEmpty, FaultPageSkip, FaultPageReverse, FaultPageMissingID, FaultPageOverlap:
		if handled == nil {
			return
		}
		f.breakPage(r, fault.Kind, handled)
		res = handled
		validate = false // a message without an id breaks the spec on purpose
	case FaultDrop:
		dropConnection(w)
		return
	case FaultTruncated:
		if handled == nil {
			dropConnection(w)
			return
		}
		res = handled
		body := res.body.Bytes()
		cut := append([]byte(nil), body[:len(body)/2]...)
		res.body.Reset()
		res.body.Write(cut)
		validate = false
	case FaultHTML:
		status := fault.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		text := fmt.Sprintf("%d %s", status, http.StatusText(status))
		res.set(status, "text/html; charset=utf-8",
			[]byte("<html><head><title>"+text+"</title></head><body><h1>"+text+"</h1></body></html>\n"))
		validate = status == 500 || status == 502 || status == 503
	default:
		status := fault.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		msg := http.StatusText(status)
		if status == 420 {
			msg = "Enhance Your Calm"
		}
		res.set(status, "application/json; charset=utf-8", errorEnvelope(status, msg))
		validate = status != http.StatusGatewayTimeout // 504 is not in the spec
	}
	if fault.RetryAfter != "" {
		res.header.Set("Retry-After", fault.RetryAfter)
	}
	if validate && !isImageGet(r) {
		if err := f.val.ValidateResponse(r, res.status, res.header, res.body.Bytes()); err != nil {
			f.violation(fmt.Errorf("injected fault on %s: %s", r.URL.Path, describeError(err)))
		}
	}
	res.writeTo(w)
}

func isImageGet(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.HasPrefix(r.URL.Path, imagePathPrefix)
}

// dropConnection closes the client's connection without a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2, a recorder): the server aborts the response.
	panic(http.ErrAbortHandler)
}
