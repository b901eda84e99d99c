package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// Sentinel errors, matched by *APIError's Is method:
//
//	if errors.Is(err, client.ErrNotFound) { ... }
var (
	ErrBadRequest     = errors.New("groupme: bad request")            // 400
	ErrUnauthorized   = errors.New("groupme: unauthorized")           // 401
	ErrForbidden      = errors.New("groupme: forbidden")              // 403
	ErrNotFound       = errors.New("groupme: not found")              // 404
	ErrConflict       = errors.New("groupme: conflict")               // 409
	ErrRateLimited    = errors.New("groupme: rate limited")           // 420 and 429
	ErrUnavailable    = errors.New("groupme: service unavailable")    // 502, 503, 504
	ErrServerError    = errors.New("groupme: server error")           // any other 5xx
	ErrResultsExpired = errors.New("groupme: member results expired") // WaitForMembers got 404
)

// APIError is a non-2xx answer from GroupMe. It carries what the body said
// when the body was an envelope; an HTML or empty body still gives an
// APIError with the status.
type APIError struct {
	Status     int           // HTTP status code
	Code       int           // meta.code, usually equal to Status; 0 when absent
	Errors     []string      // meta.errors, flattened ("key: message" for the object form)
	Operation  string        // the spec's operationId in Go form, e.g. "GetGroup"
	Method     string        // HTTP method
	Path       string        // URL path, without the query string
	RetryAfter time.Duration // from the Retry-After header; 0 when absent
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("groupme: ")
	b.WriteString(e.Operation)
	b.WriteByte(' ')
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.Status))
	if t := http.StatusText(e.Status); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	} else if e.Status == 420 {
		b.WriteString(" Enhance Your Calm")
	}
	if len(e.Errors) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Errors, "; "))
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is the sentinel for e's status, so that
// errors.Is(err, ErrRateLimited) holds for both 420 and 429.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrConflict:
		return e.Status == http.StatusConflict
	case ErrRateLimited:
		return e.Status == 420 || e.Status == http.StatusTooManyRequests
	case ErrUnavailable:
		return isUnavailable(e.Status)
	case ErrServerError:
		return e.Status >= 500 && e.Status <= 599 && !isUnavailable(e.Status)
	}
	return false
}

func isUnavailable(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// newAPIError reads at most errorBodyLimit bytes of resp's body.
func newAPIError(op string, req *http.Request, resp *http.Response) *APIError {
	e := &APIError{
		Status:    resp.StatusCode,
		Operation: op,
		Method:    req.Method,
		Path:      req.URL.EscapedPath(),
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	var body struct {
		Meta struct {
			Code   gen.Number      `json:"code"` // an integer, or its digits as a string (2017)
			Errors json.RawMessage `json:"errors"`
		} `json:"meta"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, errorBodyLimit)).Decode(&body) == nil {
		if code, err := body.Meta.Code.Int64(); err == nil {
			e.Code = int(code)
		}
		e.Errors = flattenErrors(body.Meta.Errors)
	}
	return e
}

// flattenErrors turns meta.errors, a list of strings or an object mapping a
// parameter to its problem, into a list of strings.
func flattenErrors(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		out := make([]string, 0, len(list))
		for _, item := range list {
			out = append(out, rawString(item))
		}
		return out
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out := make([]string, 0, len(obj))
		for _, k := range keys {
			out = append(out, k+": "+rawString(obj[k]))
		}
		return out
	}
	if s := rawString(raw); s != "" && s != "null" {
		return []string{s}
	}
	return nil
}

// rawString gives a JSON string's value, or the raw JSON of anything else
// (a nested list is joined with ", ").
func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ", ")
	}
	return string(raw)
}

// parseRetryAfter reads a Retry-After value, either delay-seconds or an
// HTTP date (relative to now).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		const maxSeconds = int64(1<<63-1) / int64(time.Second)
		return time.Duration(min(n, maxSeconds)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// DecodeError is a 2xx answer whose body could not be read as the
// operation's payload: malformed or truncated JSON, or an envelope with no
// payload where one is required.
type DecodeError struct {
	Operation string
	Method    string
	Path      string // without the query string
	Status    int
	Err       error // the encoding/json error, io.ErrUnexpectedEOF, ...
}

func newDecodeError(op string, req *http.Request, resp *http.Response, err error) *DecodeError {
	return &DecodeError{Operation: op, Method: req.Method, Path: req.URL.EscapedPath(), Status: resp.StatusCode, Err: err}
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("groupme: %s %s %s: decoding the %d response: %v", e.Operation, e.Method, e.Path, e.Status, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// TransportError is a request that got no HTTP answer: the connection
// failed, the context ended, or the body could not be sent. Err is the
// underlying error, typically a *url.Error whose URL has had its query
// string removed, so it never holds the token.
type TransportError struct {
	Operation string
	Method    string
	Path      string // without the query string
	Err       error
}

func (e *TransportError) Error() string {
	return "groupme: " + e.Operation + " " + e.Method + " " + e.Path + ": " + e.Err.Error()
}

func (e *TransportError) Unwrap() error { return e.Err }

// redactURL drops the query string, fragment and user info of a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			return raw[:i]
		}
		return raw
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment, u.User = "", false, "", "", nil
	return u.String()
}

// redactErr rebuilds every *url.Error in err's chain (as far as it is a
// single chain of wrappers net/http produces) with a redacted URL.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: redactErr(ue.Err)}
	}
	return err
}

// redactTransport redacts the URLs of *url.Errors and, when the message
// still holds a query string or the token (a transport that printed the
// URL or a header itself), replaces the error by a scrubbed copy.
func (c *Client) redactTransport(err error) error {
	err = redactErr(err)
	msg := err.Error()
	if clean := redactText(msg, c.token.value()); clean != msg {
		return &scrubbedError{msg: clean, err: err}
	}
	return err
}

// redactText removes query strings (from a '?' to the next space or quote)
// and any copy of secret from s.
func redactText(s, secret string) string {
	if redactable(secret) && strings.Contains(s, secret) {
		s = strings.ReplaceAll(s, secret, "REDACTED")
	}
	if !strings.Contains(s, "?") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '?' {
			b.WriteByte(s[i])
			continue
		}
		for i+1 < len(s) && !strings.ContainsRune(" \t\n\"'`", rune(s[i+1])) {
			i++
		}
	}
	return b.String()
}

// minRedactLen is the shortest secret replaced in text. GroupMe's tokens
// are 32 characters or more; replacing a shorter "token" (a test's "t", a
// typo) would mangle every message that happens to contain those letters,
// and such a value is no secret worth hiding.
const minRedactLen = 8

func redactable(secret string) bool { return len(secret) >= minRedactLen }

// scrubbedError hides a message that contained the token. It unwraps to
// nothing, so the original text cannot be reached.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }

// Is keeps errors.Is(err, context.Canceled) and the like working.
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.err, target) }
