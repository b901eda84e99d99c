package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Fake is an in-memory GroupMe that serves every operation of openapi.yaml.
// It is an [http.Handler]: mount it at the root of a server and point a
// client's API base URL at "<server>/v3" and its image base URL at the server
// itself. Uploaded images are served back under "/i/".
//
// Every request is validated against the spec before it is handled and every
// response before it is sent; see the package documentation. A Fake is safe
// for concurrent use.
type Fake struct {
	cfg config
	val *Validator

	mu    sync.Mutex
	st    state
	calls map[string]int
	rules []*faultState
	ds    *Dataset
	oauth oauthState
	pages map[string][]byte // the previous message page per conversation, for paging faults
	push  pushHub           // push.go

	callbacks callbackHub // callbacks.go
	seeding   bool        // Seed is running: its messages call no bot back
	limit     *limiter    // WithRateLimit; nil: no limit
}

// Option configures a [Fake] (and a [Server]).
type Option func(*config)

type config struct {
	now         func() time.Time
	sleep       func(ctx context.Context, d time.Duration)
	publicURL   string
	onViolation []func(error)
	faults      []FaultRule
	faultSeed   uint64
	dataset     *SeedConfig
	resultsWait int
	resultsTime time.Duration
	noDataset   bool
	replaceBad  bool
	// imageStore bounds the uploaded images' bytes; 0: maxImageStore.
	imageStore int64

	callbackHosts     []string
	callbackTimeout   time.Duration
	callbackObservers []func(CallbackDelivery)
	callbackQueue     int
	callbackWorkers   int
	rateLimit         *RateLimit
}

// WithClock makes the fake read the time from now instead of [time.Now]. It
// decides created_at and updated_at, the 60-second source_guid window, the
// member-add results lifetime, leaderboard periods and SMS mode expiry. See
// [ManualClock] for a clock tests can move by hand.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithSleep replaces the function that injected latency waits with (by
// default a real timer that stops early when the request is cancelled).
// [ManualClock.Sleep] advances a manual clock instead of waiting.
func WithSleep(sleep func(ctx context.Context, d time.Duration)) Option {
	return func(c *config) { c.sleep = sleep }
}

// WithPublicURL sets the scheme and host (for example
// "http://127.0.0.1:8080") of the image URLs the fake hands out. By default
// they are built from each upload request's own Host.
func WithPublicURL(base string) Option {
	return func(c *config) { c.publicURL = strings.TrimRight(base, "/") }
}

// WithViolationHandler registers a function that is called with a
// description of every response the fake sends that does not conform to the
// spec (which is a bug in the fake or in the spec). [NewServer] registers one
// that fails the test.
func WithViolationHandler(h func(error)) Option {
	return func(c *config) { c.onViolation = append(c.onViolation, h) }
}

// WithViolationsAs500 makes the fake send a 500 error envelope instead of
// any answer of its own that violates the spec (after the violation
// handlers have seen it), so a client never receives a shape GroupMe would
// not send. `groupme fake` uses it.
func WithViolationsAs500() Option {
	return func(c *config) { c.replaceBad = true }
}

// WithDataset seeds the fake with the deterministic dataset [Fake.Seed]
// builds from cfg. The result is available from [Fake.Dataset].
func WithDataset(cfg SeedConfig) Option {
	return func(c *config) { c.dataset = &cfg; c.noDataset = false }
}

// WithoutDataset keeps a [Server] empty: by default [NewServer] seeds
// [DefaultSeedConfig].
func WithoutDataset() Option {
	return func(c *config) { c.dataset = nil; c.noDataset = true }
}

// WithMembersResultsDelay sets when the results of adding members become
// ready: after polls answers of 503 and, if wait is positive, once wait has
// passed on the fake's clock. The default is one 503, then ready.
func WithMembersResultsDelay(polls int, wait time.Duration) Option {
	return func(c *config) { c.resultsWait, c.resultsTime = polls, wait }
}

// NewFake returns an empty fake GroupMe (or a seeded one, with
// [WithDataset]). It panics only if the embedded spec cannot be loaded, which
// the package's own tests rule out.
func NewFake(opts ...Option) *Fake {
	cfg := config{resultsWait: 1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.sleep == nil {
		cfg.sleep = realSleep
	}
	v, err := sharedValidator()
	if err != nil {
		panic(err)
	}
	f := &Fake{cfg: cfg, val: v, calls: map[string]int{}}
	f.st.init()
	if l := cfg.rateLimit; l != nil && l.Rate > 0 {
		f.limit = newLimiter(*l, cfg.now)
	}
	for i, r := range cfg.faults {
		f.rules = append(f.rules, newFaultState(r, cfg.faultSeed+uint64(i)))
	}
	if cfg.dataset != nil {
		ds, err := f.Seed(*cfg.dataset)
		if err != nil {
			panic(fmt.Sprintf("contracttest: seeding: %v", err))
		}
		f.ds = ds
	}
	return f
}

// Dataset returns the dataset seeded by [WithDataset], or nil.
func (f *Fake) Dataset() *Dataset {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ds
}

// Calls reports how many requests for the operation operationID the fake has
// received, including rejected ones and ones answered with an injected fault.
func (f *Fake) Calls(operationID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[operationID]
}

func realSleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

var (
	validatorOnce sync.Once
	validatorVal  *Validator
	validatorErr  error
)

// sharedValidator builds the router once per process: every fake uses it.
func sharedValidator() (*Validator, error) {
	validatorOnce.Do(func() { validatorVal, validatorErr = NewValidator() })
	return validatorVal, validatorErr
}

// maxBody bounds what the fake reads from a request (image uploads
// included); a larger body is refused with 413 before it is read, or as
// soon as it passes the limit, never cut and served.
const maxBody = 32 << 20

// bigBodies bounds how many request bodies larger than smallBody the fake
// holds at once, so parallel huge uploads queue instead of adding up: at
// most 2 x maxBody of bodies are in memory, however many arrive.
var bigBodies = make(chan struct{}, 2)

const smallBody = 1 << 20

// readBody reads r's body within maxBody. A body over the limit is an
// *http.MaxBytesError; a body of known length is read into a buffer of
// that size, so reading it allocates it once.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxBody {
		return nil, &http.MaxBytesError{Limit: maxBody}
	}
	if r.ContentLength < 0 || r.ContentLength > smallBody {
		select {
		case bigBodies <- struct{}{}:
			defer func() { <-bigBodies }()
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	body := http.MaxBytesReader(w, r.Body, maxBody)
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1)
	}
	_, err := buf.ReadFrom(body)
	return buf.Bytes(), err
}

// ServeHTTP implements [http.Handler].
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case AuthorizePath:
		f.serveAuthorize(w, r)
		return
	case pushPath:
		f.servePush(w, r) // push.go
		return
	}
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.HasPrefix(r.URL.Path, imagePathPrefix) {
		f.serveImage(w, r)
		return
	}
	if f.limit != nil {
		if ok, wait := f.limit.take(requestToken(r)); !ok {
			f.limit.refuse(w, wait)
			return
		}
	}
	body, err := readBody(w, r)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		w.Header().Set("Connection", "close")
		writeDirect(w, http.StatusRequestEntityTooLarge, errorEnvelope(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than the fake's limit of %d MB", maxBody>>20)))
		return
	}
	if err != nil {
		writeDirect(w, http.StatusBadRequest, errorEnvelope(http.StatusBadRequest, "reading the request body: "+err.Error()))
		return
	}
	input, verr := f.val.ValidateRequest(r, body)
	if input == nil {
		// Not a documented route: what GroupMe answers for a bad path.
		writeDirect(w, http.StatusNotFound, errorEnvelope(http.StatusNotFound, "The requested path does not exist"))
		return
	}
	op := input.Route.Operation.OperationID
	c := &call{
		f:      f,
		r:      r,
		op:     op,
		params: decodePathParams(input.PathParams),
		query:  r.URL.Query(),
		body:   body,
		res:    &bufferedResponse{header: http.Header{}},
	}

	f.mu.Lock()
	f.calls[op]++
	fault := f.pickFault(op, false)
	f.mu.Unlock()

	if fault != nil && fault.Kind == FaultLatency {
		f.cfg.sleep(r.Context(), fault.Latency)
		fault = nil
	}
	if fault != nil && !fault.AfterHandling && fault.Kind != FaultTruncated && !fault.Kind.paging() {
		f.writeFault(w, r, *fault, nil)
		return
	}

	f.handle(c, input, verr)

	if fault != nil {
		f.writeFault(w, r, *fault, c.res)
		return
	}
	f.rememberPage(op, r, c.res)
	if err := f.val.ValidateResponse(r, c.res.status, c.res.header, c.res.body.Bytes()); err != nil {
		f.violation(fmt.Errorf("%s %s: response %d does not match openapi.yaml: %s", op, r.URL.Path, c.res.status, describeError(err)))
		if f.cfg.replaceBad {
			c.res.header = http.Header{}
			c.fail(http.StatusInternalServerError, "the fake GroupMe's answer would have broken openapi.yaml (see its log)")
		}
	}
	c.res.writeTo(w)
}

// handle authenticates and validates the request, then runs the operation.
func (f *Fake) handle(c *call, input *openapi3filter.RequestValidationInput, verr error) {
	if needsToken(f.val.Spec(), input.Route.Operation) {
		token := c.r.Header.Get("X-Access-Token")
		if token == "" {
			token = c.query.Get("token")
		}
		f.mu.Lock()
		u := f.st.tokens[token]
		f.mu.Unlock()
		if token == "" || u == nil {
			c.fail(http.StatusUnauthorized, "unauthorized")
			return
		}
		c.userID = u.id
	}
	if verr != nil {
		c.fail(http.StatusBadRequest, describeErrors(verr)...)
		return
	}
	h := operations[c.op]
	if h == nil {
		// Every documented operation has a handler (TestFakeServesEveryOperation).
		c.fail(http.StatusNotFound, "The requested path does not exist")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c.now = f.cfg.now()
	if c.userID != "" {
		c.user = f.st.users[c.userID]
	}
	h(f, c)
}

func (f *Fake) violation(err error) {
	for _, h := range f.cfg.onViolation {
		h(err)
	}
}

// needsToken reports whether op requires a user token: every operation does
// unless it declares an empty security list (POST /bots/post).
func needsToken(doc *openapi3.T, op *openapi3.Operation) bool {
	if op.Security != nil {
		return len(*op.Security) > 0
	}
	return len(doc.Security) > 0
}

// call is one request being handled.
type call struct {
	f      *Fake
	r      *http.Request
	op     string
	params map[string]string
	query  url.Values
	body   []byte
	userID string
	user   *user
	now    time.Time
	res    *bufferedResponse
}

// meta is the status part of an envelope.
type meta struct {
	Code   int      `json:"code"`
	Errors []string `json:"errors,omitempty"`
}

type envelope struct {
	Response any  `json:"response"`
	Meta     meta `json:"meta"`
}

func errorEnvelope(status int, msgs ...string) []byte {
	b, _ := json.Marshal(envelope{Meta: meta{Code: status, Errors: msgs}})
	return b
}

// ok writes payload in an envelope with the given status.
//
// Like GroupMe, it does not escape &, < and > as \u0026, \u003c and
// \u003e, so the bytes of archived messages go out as stored.
func (c *call) ok(status int, payload any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(envelope{Response: payload, Meta: meta{Code: status}}); err != nil {
		c.fail(http.StatusInternalServerError, "encoding the response: "+err.Error())
		return
	}
	c.res.set(status, "application/json; charset=utf-8", bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// fail writes an error envelope.
func (c *call) fail(status int, msgs ...string) {
	c.res.set(status, "application/json; charset=utf-8", errorEnvelope(status, msgs...))
}

// bufferedResponse holds a response until it has been validated.
type bufferedResponse struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (b *bufferedResponse) set(status int, contentType string, body []byte) {
	b.status = status
	b.body.Reset()
	b.body.Write(body)
	if contentType == "" {
		b.header.Del("Content-Type")
	} else {
		b.header.Set("Content-Type", contentType)
	}
}

func (b *bufferedResponse) writeTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == http.StatusNotModified {
		// GroupMe's 304s say "Content-Length: 0", and some clients
		// (node-groupme) treat an answer as empty only when they do.
		// net/http deletes a Content-Length set under its canonical name
		// on a 304, so it goes in under a name net/http does not look for
		// (header names are case-insensitive on the wire).
		w.Header().Del("Content-Length")
		w.Header()["content-length"] = []string{"0"}
		w.WriteHeader(b.status)
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(b.body.Len()))
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// decodePathParams percent-decodes the path parameters the router matched:
// a client that follows the spec escapes the "+" of a direct conversation
// id as "%2B".
func decodePathParams(params map[string]string) map[string]string {
	out := make(map[string]string, len(params))
	for k, v := range params {
		if d, err := url.PathUnescape(v); err == nil {
			v = d
		}
		out[k] = v
	}
	return out
}

func writeDirect(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// describeErrors turns a kin-openapi validation error into short messages
// for meta.errors: what is wrong and where, without schema dumps.
func describeErrors(err error) []string {
	var out []string
	var walk func(prefix string, err error)
	walk = func(prefix string, err error) {
		join := func(s string) string {
			if prefix == "" {
				return s
			}
			return prefix + ": " + s
		}
		var multi openapi3.MultiError
		var reqErr *openapi3filter.RequestError
		var schemaErr *openapi3.SchemaError
		var secErr *openapi3filter.SecurityRequirementsError
		var parseErr *openapi3filter.ParseError
		switch {
		case errors.As(err, &multi) && isMulti(err):
			for _, e := range multi {
				walk(prefix, e)
			}
		case asDirect(err, &reqErr):
			p := "request body"
			if reqErr.Parameter != nil {
				p = fmt.Sprintf("%s parameter %q", reqErr.Parameter.In, reqErr.Parameter.Name)
			}
			if reqErr.Err == nil {
				out = append(out, join(p+": "+reqErr.Reason))
				return
			}
			walk(join(p), reqErr.Err)
		case errors.As(err, &secErr):
			out = append(out, join("a token is required (X-Access-Token header or token query parameter)"))
		case errors.As(err, &schemaErr):
			where := "/" + strings.Join(schemaErr.JSONPointer(), "/")
			if schemaErr.Origin != nil && schemaErr.Reason == "" {
				walk(join(where), schemaErr.Origin)
				return
			}
			reason := schemaErr.Reason
			if reason == "" {
				reason = "does not match the schema (" + schemaErr.SchemaField + ")"
			}
			out = append(out, join(where+": "+reason))
		case errors.As(err, &parseErr):
			out = append(out, join(firstLine(parseErr.Error())))
		default:
			out = append(out, join(firstLine(err.Error())))
		}
	}
	walk("", err)
	if len(out) == 0 {
		out = []string{"invalid request"}
	}
	return out
}

func isMulti(err error) bool {
	_, ok := err.(openapi3.MultiError) //nolint:errorlint // this node of the tree walk, not one it wraps
	return ok
}

func asDirect(err error, target **openapi3filter.RequestError) bool {
	e, ok := err.(*openapi3filter.RequestError) //nolint:errorlint // this node of the tree walk, not one it wraps
	if ok {
		*target = e
	}
	return ok
}

// describeError is describeErrors on one line.
func describeError(err error) string {
	return strings.Join(describeErrors(err), "; ")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
