package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

const (
	// DefaultUserAgent is sent when WithUserAgent is not used.
	DefaultUserAgent = "groupme-go"

	defaultRetries       = 3
	defaultMaxRetryAfter = time.Minute

	tokenHeader = "X-Access-Token"
	tokenQuery  = "token"

	// errorBodyLimit bounds how much of an error body is read.
	errorBodyLimit = 64 << 10
	// drainLimit bounds how much of a finished body is read so the
	// connection can be reused.
	drainLimit = 4 << 10
)

// Client calls GroupMe's v3 API. Create one with New; a Client is safe for
// concurrent use by multiple goroutines.
type Client struct {
	token      secret // behind a pointer: see redact.go
	queryToken bool
	base       string // with a trailing slash
	imageBase  string // with a trailing slash
	pushURL    string // the Faye endpoint (push.go), no trailing slash
	userAgent  string
	hc         *http.Client
	logger     *slog.Logger // nil when logging is off

	callerHC *http.Client
	retry    retrier
	timeout  *time.Duration // nil: DefaultTimeout (limits.go)
	maxBody  int64          // 0: DefaultMaxResponseBytes (limits.go)

	// endpoints is what WithEndpoints and WithBaseURL asked for; hosts
	// holds the resolved bases of the unofficial calls (endpoints.go).
	endpoints endpointOptions
	hosts     hosts
	// unofficialNS is what Unofficial returns; its c points back here.
	unofficialNS Unofficial

	// userAgentHeader is the User-Agent value every request carries, made
	// once (net/http only reads it).
	userAgentHeader []string
	do              func(*http.Request) (*http.Response, error) // hc.Do
}

// acceptJSON is the Accept header of every request but the bot post.
var acceptJSON = []string{"application/json"}

// Option configures a Client in New.
type Option func(*Client) error

// WithHTTPClient makes the Client send its requests through hc. The Client
// keeps hc's Transport, Jar, Timeout and CheckRedirect (adding only that the
// token never follows a redirect to another host); hc itself is not
// modified. Retries happen around hc, one attempt per hc call.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("groupme: WithHTTPClient: nil *http.Client")
		}
		c.callerHC = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithLogger makes the Client log through l: one Debug record per request
// attempt and one Warn record per retry. A nil l turns logging off, which is
// the default. The token is never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		c.logger = l
		return nil
	}
}

// WithRetries sets how many times a failed request is retried (3 by
// default). Zero turns retries off. The package documentation says what
// is retried.
func WithRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return fmt.Errorf("groupme: WithRetries(%d): negative", n)
		}
		c.retry.max = n
		return nil
	}
}

// WithMaxRetryAfter caps how long the Client waits when the server answers
// with a Retry-After header (one minute by default). When the server asks
// for longer, the Client does not wait: it returns the rate-limit *APIError
// with RetryAfter set.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("groupme: WithMaxRetryAfter(%v): not positive", d)
		}
		c.retry.maxRetryAfter = d
		return nil
	}
}

// WithBackoff sets the shortest and longest wait between retries when the
// server gives no Retry-After (500ms and 30s by default). The wait starts at
// min, doubles per attempt up to max, and is jittered. Tests against a local
// fake can make it tiny; services rarely need to change it.
func WithBackoff(min, max time.Duration) Option {
	return func(c *Client) error {
		if min <= 0 || max < min {
			return fmt.Errorf("groupme: WithBackoff(%v, %v): need 0 < min <= max", min, max)
		}
		c.retry.minDelay, c.retry.maxDelay = min, max
		return nil
	}
}

// WithQueryToken sends the token as the "token" query parameter instead of
// the X-Access-Token header. The header is the default because URLs end up
// in logs; the Client redacts query strings from its own errors and logs
// either way.
func WithQueryToken() Option {
	return func(c *Client) error {
		c.queryToken = true
		return nil
	}
}

// New returns a Client that authenticates with token, a GroupMe access
// token. An empty token is an error; to post as a bot without a token use
// NewBotPoster.
func New(token string, opts ...Option) (*Client, error) {
	if token == "" {
		return nil, errors.New("groupme: New: empty token")
	}
	return newClient(token, opts)
}

func newClient(token string, opts []Option) (*Client, error) {
	tok := newSecret(token)
	c := &Client{
		token:     tok,
		userAgent: DefaultUserAgent,
		retry:     retrier{max: defaultRetries, maxRetryAfter: defaultMaxRetryAfter, secret: tok},
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.resolveEndpoints()
	c.unofficialNS.c = c
	if c.logger != nil && !c.logger.Enabled(context.Background(), slog.LevelWarn) &&
		!c.logger.Enabled(context.Background(), slog.LevelDebug) {
		c.logger = nil // a discarding logger costs nothing per request
	}
	c.retry.logger = c.logger
	c.userAgentHeader = []string{c.userAgent}
	hc := &http.Client{}
	if c.callerHC != nil {
		*hc = *c.callerHC
	}
	// Each attempt is bounded in time and in body size (limits.go).
	hc.Transport = c.bound(hc.Transport)
	hc.CheckRedirect = stripTokenOnRedirect(hc.CheckRedirect)
	c.hc = hc
	c.do = hc.Do // one method value, not one per request
	return c, nil
}

// stripTokenOnRedirect keeps the token from following a redirect to another
// host, then defers to next (or to net/http's default policy).
func stripTokenOnRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && req.URL.Host != via[0].URL.Host {
			req.Header.Del(tokenHeader)
			if req.URL.RawQuery != "" {
				q := req.URL.Query()
				if q.Has(tokenQuery) {
					q.Del(tokenQuery)
					req.URL.RawQuery = q.Encode()
				}
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// Ptr returns a pointer to v, for the optional fields of the gen types.
func Ptr[T any](v T) *T { return &v }

// newGUID returns a random (version 4) UUID for a message's source_guid.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// call describes how one operation is sent and how its answer is read.
type call struct {
	op            string
	noAuth        bool        // POST /bots/post carries no user token
	accept        string      // the Accept header; empty: application/json
	notModifiedOK bool        // 304 is an empty result
	retry         retryPolicy // zero: retrySafe for GET, retryNever otherwise
	attempts      *int        // when set, receives how many attempts were sent
}

// send authorizes and sends req, built by a gen.NewXxxRequest function
// (buildErr is that function's error). It returns the response when the
// status is 2xx (or 304 when c.notModifiedOK); any other status is turned
// into an *APIError and the body is closed.
func (c *Client) send(ctx context.Context, cl call, req *http.Request, buildErr error) (*http.Response, error) {
	if buildErr != nil {
		return nil, fmt.Errorf("groupme: %s: building the request: %w", cl.op, redactErr(buildErr))
	}
	req = req.WithContext(ctx)
	if !cl.noAuth {
		if c.queryToken {
			if req.URL.RawQuery == "" {
				req.URL.RawQuery = tokenQuery + "=" + url.QueryEscape(c.token.value())
			} else {
				req.URL.RawQuery += "&" + tokenQuery + "=" + url.QueryEscape(c.token.value())
			}
		} else {
			req.Header[tokenHeader] = []string{c.token.value()}
		}
	}
	if c.userAgent != "" {
		req.Header["User-Agent"] = c.userAgentHeader
	}
	// Every answer is read as JSON (or ignored); saying so lets mock
	// servers such as Prism pick the JSON form of a response. A call whose
	// answer is never JSON (a bot post's) says what it takes instead, or a
	// mock answers 406.
	if cl.accept == "" {
		req.Header["Accept"] = acceptJSON
	} else {
		req.Header["Accept"] = []string{cl.accept}
	}
	policy := cl.retry
	if policy == 0 {
		policy = retryNever
		if req.Method == http.MethodGet {
			policy = retrySafe
		}
	}
	do := c.do
	if policy != retryNever && c.retry.max > 0 {
		do = c.doWhole
	}
	resp, attempts, err := c.retry.run(req, policy, do)
	if cl.attempts != nil {
		*cl.attempts = attempts
	}
	if err != nil {
		return nil, &TransportError{Operation: cl.op, Method: req.Method, Path: req.URL.EscapedPath(), Err: c.redactTransport(err)}
	}
	if resp.StatusCode/100 == 2 || (resp.StatusCode == http.StatusNotModified && cl.notModifiedOK) {
		return resp, nil
	}
	apiErr := c.scrubAPIError(newAPIError(cl.op, req, resp))
	closeBody(resp.Body)
	return nil, apiErr
}

// doWhole is c.do for requests that may be sent again: it reads a 2xx
// answer's whole body (within the Client's size limit) as part of the
// attempt, so a connection reset or a timeout in the middle of the body
// fails the attempt, and the retrier sends the request again as it would
// after a failure before the answer. The body it returns is in memory.
func (c *Client) doWhole(req *http.Request) (*http.Response, error) {
	resp, err := c.do(req)
	if err != nil || resp.StatusCode/100 != 2 {
		return resp, err
	}
	bp := bodyPool.Get().(*[]byte)
	b, err := readAll((*bp)[:0], resp.Body)
	*bp = b
	_ = resp.Body.Close()
	if err != nil && !errors.Is(err, ErrResponseTooLarge) {
		putBody(bp)
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	resp.Body = &bufferedBody{data: b, err: err, pooled: bp}
	return resp, nil
}

// bufferedBody is a body read whole by doWhole into a pooled buffer, which
// Close gives back: the decoders read data in place (decodeJSON decodes
// it, readPage copies it once), and a plain reader reads it through Read.
// err, if any, is the reading error to report at its end (the body over
// the size limit).
type bufferedBody struct {
	data   []byte
	pos    int
	err    error
	pooled *[]byte
}

func (b *bufferedBody) Read(p []byte) (int, error) {
	if b.pos >= len(b.data) {
		if b.err != nil {
			return 0, b.err
		}
		return 0, io.EOF
	}
	n := copy(p, b.data[b.pos:])
	b.pos += n
	return n, nil
}

// whole returns the unread body and the reading error, and marks it read.
func (b *bufferedBody) whole() ([]byte, error) {
	d := b.data[b.pos:]
	b.pos = len(b.data)
	return d, b.err
}

func (b *bufferedBody) Close() error {
	if b.pooled != nil {
		putBody(b.pooled)
		b.pooled, b.data = nil, nil
	}
	return nil
}

// closeBody reads a little of what is left of body, so the connection can be
// reused, and closes it.
func closeBody(body io.ReadCloser) {
	var buf [512]byte
	for n := 0; n < drainLimit; {
		m, err := body.Read(buf[:])
		n += m
		if err != nil {
			break
		}
	}
	_ = body.Close()
}

// envelope is the v3 answer: the payload under "response", the status under
// "meta". meta.errors is skipped on success.
type envelope[T any] struct {
	Response *T `json:"response"`
	Meta     struct {
		Code int `json:"code"`
	} `json:"meta"`
}

var errNoPayload = errors.New("the response has no payload")

// doJSON sends req, reads the whole body of a 2xx answer (within the
// Client's size limit) and decodes its envelope into a T. A 304 (when
// allowed) gives a zero T. A missing or null payload, malformed JSON, and
// a payload whose check method (if T has one) fails are a *DecodeError.
func doJSON[T any](ctx context.Context, c *Client, cl call, req *http.Request, buildErr error) (*T, error) {
	resp, err := c.send(ctx, cl, req, buildErr)
	if err != nil {
		return nil, err
	}
	defer closeBody(resp.Body)
	if resp.StatusCode == http.StatusNotModified {
		return new(T), nil
	}
	var env envelope[T]
	if err := decodeJSON(resp.Body, &env); err != nil {
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	if env.Response == nil {
		return nil, newDecodeError(cl.op, req, resp, errNoPayload)
	}
	if err := missingID(env.Response); err != nil {
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	if v, ok := any(env.Response).(interface{ check() error }); ok {
		if err := v.check(); err != nil {
			return nil, newDecodeError(cl.op, req, resp, err)
		}
	}
	return env.Response, nil
}

// doOptional is doJSON for answers whose payload may be missing: an empty
// body, a meta-only envelope or a null response give a nil *T and no error.
// A body that starts as JSON but is malformed is still a *DecodeError.
func doOptional[T any](ctx context.Context, c *Client, cl call, req *http.Request, buildErr error) (*T, error) {
	resp, err := c.send(ctx, cl, req, buildErr)
	if err != nil {
		return nil, err
	}
	defer closeBody(resp.Body)
	var env envelope[T]
	if err := decodeJSON(resp.Body, &env); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	return env.Response, nil
}

// doNoPayload sends req and ignores the body of a 2xx answer, whatever it
// is: empty, an envelope with or without a response, or not JSON at all.
func doNoPayload(ctx context.Context, c *Client, cl call, req *http.Request, buildErr error) error {
	resp, err := c.send(ctx, cl, req, buildErr)
	if err != nil {
		return err
	}
	closeBody(resp.Body)
	return nil
}
