package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// realDir holds the corpus of real traffic: exchanges recorded from
// api.groupme.com and image.groupme.com by other projects and published,
// anonymized (see testdata/real/README.md). One file per source.
const realDir = "testdata/real"

// realFile is one source of the corpus.
type realFile struct {
	Source    string         `json:"source"`
	Retrieved string         `json:"retrieved"`
	License   string         `json:"license"`
	Exchanges []realExchange `json:"exchanges"`
}

// realExchange is one recorded request and GroupMe's answer. Path is the
// URL path (/v3/... or /v4/... on api.groupme.com, /pictures on image.groupme.com),
// Query the raw query string, Headers the response headers. RequestHeaders
// says only whether the token was sent as X-Access-Token (its value is
// always REDACTED). A body that was JSON is stored as that JSON value; any
// other body (empty, a single space, an HTML page) as a JSON string
// holding its text; no body as null.
type realExchange struct {
	Method         string            `json:"method"`
	Path           string            `json:"path"`
	Query          string            `json:"query"`
	Status         int               `json:"status"`
	Headers        map[string]string `json:"headers"`
	RequestHeaders map[string]string `json:"request_headers,omitempty"`
	RequestBody    json.RawMessage   `json:"request_body"`
	ResponseBody   json.RawMessage   `json:"response_body"`
}

// realSource is a loaded corpus file.
type realSource struct {
	Name string // file name without .json
	realFile
}

var loadRealFiles = jsonDirLoader[realFile](realDir)

// loadReal reads every corpus file once, sorted by name. Callers must not
// modify the result.
func loadReal(t testing.TB) []realSource {
	t.Helper()
	var out []realSource
	for _, f := range loadRealFiles(t) {
		out = append(out, realSource{Name: f.name, realFile: f.value})
	}
	return out
}

// rawBody decodes the stored form of a body (see realExchange) into its
// bytes; ok is false for no body.
func rawBody(stored json.RawMessage) (body []byte, isJSON, ok bool) {
	s := bytes.TrimSpace(stored)
	if len(s) == 0 || string(s) == "null" {
		return nil, false, false
	}
	if s[0] == '"' {
		var text string
		if json.Unmarshal(s, &text) == nil {
			return []byte(text), false, true
		}
	}
	return s, true, true
}

// asExchange turns a corpus exchange into the recordings' exchange type, so
// that the validator helpers and the drift report work on both sets.
func (r realExchange) asExchange(name string) exchange {
	host := APIHost
	if r.Path == "/pictures" {
		host = ImageHost
	}
	u := url.URL{Scheme: "https", Host: host, Path: r.Path, RawQuery: r.Query}
	ex := exchange{
		Name:     name,
		Request:  recordedRequest{Method: r.Method, URL: u.String()},
		Response: recordedResponse{Status: r.Status, Headers: r.Headers},
	}
	if len(r.RequestHeaders) > 0 {
		ex.Request.Headers = maps.Clone(r.RequestHeaders)
	}
	if body, isJSON, ok := rawBody(r.RequestBody); ok {
		if isJSON {
			ex.Request.Body = json.RawMessage(body)
			if ex.Request.Headers == nil {
				ex.Request.Headers = map[string]string{}
			}
			ex.Request.Headers["Content-Type"] = "application/json"
		} else {
			s := string(body)
			ex.Request.BodyRaw = &s
		}
	}
	if body, isJSON, ok := rawBody(r.ResponseBody); ok {
		if isJSON {
			ex.Response.Body = json.RawMessage(body)
		} else {
			s := string(body)
			ex.Response.BodyRaw = &s
		}
	}
	return ex
}

// realExchanges returns every corpus exchange as an exchange named
// "<source file>[<index>]".
func realExchanges(t testing.TB) []exchange {
	t.Helper()
	var out []exchange
	for _, src := range loadReal(t) {
		for i, r := range src.Exchanges {
			out = append(out, r.asExchange(fmt.Sprintf("%s[%d]", src.Name, i)))
		}
	}
	return out
}

// TestRealTrafficMatchesSpec validates every real response, and every
// real request GroupMe answered with 2xx, against the spec. What GroupMe
// has sent decides what the spec says: any mismatch fails.
func TestRealTrafficMatchesSpec(t *testing.T) {
	t.Parallel()
	v := newTestValidator(t)
	type key struct {
		op     string
		status int
	}
	counts := map[key]int{}
	bySource := map[string]int{}
	failed := 0
	for _, src := range loadReal(t) {
		bySource[src.Name] = len(src.Exchanges)
		for i, r := range src.Exchanges {
			ex := r.asExchange(fmt.Sprintf("%s[%d]", src.Name, i))
			req := ex.Request.httpRequest(t)
			op, err := v.RouteFor(req)
			if err != nil {
				t.Errorf("%s %s %s: %v", ex.Name, r.Method, r.Path, err)
				failed++
				continue
			}
			counts[key{op, r.Status}]++
			var errs []error
			if r.Status >= 200 && r.Status < 300 {
				body, err := ex.Request.body()
				if err != nil {
					errs = append(errs, err)
				} else if _, err := v.ValidateRequest(req, body); err != nil {
					errs = append(errs, fmt.Errorf("request: %w", err))
				}
			}
			if err := v.ValidateResponse(req, r.Status, ex.Response.header(), ex.Response.body()); err != nil {
				errs = append(errs, fmt.Errorf("response %d: %w", r.Status, err))
			}
			if len(errs) > 0 {
				failed++
				for _, err := range errs {
					t.Errorf("%s (%s %d): %v", ex.Name, op, r.Status, err)
				}
			}
		}
	}
	total := 0
	for _, name := range slices.Sorted(maps.Keys(bySource)) {
		t.Logf("source %s: %d exchanges", name, bySource[name])
		total += bySource[name]
	}
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b key) int {
		if c := strings.Compare(a.op, b.op); c != 0 {
			return c
		}
		return a.status - b.status
	})
	for _, k := range keys {
		t.Logf("%-22s %d: %d", k.op, k.status, counts[k])
	}
	t.Logf("real corpus: %d exchanges, %d rejected by the spec", total, failed)
}

// TestRealCorpusIsWellFormed checks the corpus files themselves: each names
// its source, date and license, and carries no credential.
func TestRealCorpusIsWellFormed(t *testing.T) {
	t.Parallel()
	for _, src := range loadReal(t) {
		if src.Source == "" || src.Retrieved == "" || src.License == "" {
			t.Errorf("%s: source, retrieved and license must all be set", src.Name)
		}
		if len(src.Exchanges) == 0 {
			t.Errorf("%s: no exchanges", src.Name)
		}
		for i, r := range src.Exchanges {
			where := fmt.Sprintf("%s[%d]", src.Name, i)
			if !strings.HasPrefix(r.Path, "/v3/") && !strings.HasPrefix(r.Path, "/v4/") && r.Path != "/pictures" {
				t.Errorf("%s: path %q is neither /v3/..., /v4/... nor /pictures", where, r.Path)
			}
			q, err := url.ParseQuery(r.Query)
			if err != nil {
				t.Errorf("%s: query: %v", where, err)
			}
			for _, k := range []string{"token", "access_token"} {
				if vals, ok := q[k]; ok && (len(vals) != 1 || vals[0] != "REDACTED") {
					t.Errorf("%s: %s is not REDACTED", where, k)
				}
			}
			if r.Status < 100 || r.Status > 599 {
				t.Errorf("%s: status %d", where, r.Status)
			}
			for k := range r.Headers {
				if strings.EqualFold(k, "X-Access-Token") || strings.EqualFold(k, "Set-Cookie") {
					t.Errorf("%s: header %s must not be kept", where, k)
				}
			}
			for k, v := range r.RequestHeaders {
				if k != "X-Access-Token" || v != "REDACTED" {
					t.Errorf("%s: request header %s: %q; only X-Access-Token: REDACTED is kept", where, k, v)
				}
			}
		}
	}
}
