package contracttest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// recordingsDir holds one file per operation, named <operationId>.json, each
// a JSON array of exchanges.
const recordingsDir = "testdata/recordings"

// exchange is one recorded request and the answer GroupMe gave (or, for
// cases only the API reference describes, would give).
type exchange struct {
	Name     string           `json:"name"`
	Request  recordedRequest  `json:"request"`
	Response recordedResponse `json:"response"`
}

// recordedRequest is a request. At most one of Body (a JSON value),
// BodyRaw (exact text) and BodyBase64 (bytes) is set.
type recordedRequest struct {
	Method     string            `json:"method"`
	URL        string            `json:"url"`
	Headers    map[string]string `json:"headers,omitempty"`
	Body       json.RawMessage   `json:"body,omitempty"`
	BodyRaw    *string           `json:"body_raw,omitempty"`
	BodyBase64 *string           `json:"body_base64,omitempty"`
}

// recordedResponse is a response; no Body and no BodyRaw means no body.
type recordedResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
	BodyRaw *string           `json:"body_raw,omitempty"`
}

// recordingFile is the parsed content of one recordings file.
type recordingFile struct {
	OperationID string // the file name without .json
	Exchanges   []exchange
}

var loadRecordingFiles = jsonDirLoader[[]exchange](recordingsDir)

// loadRecordings reads every recordings file once, sorted by operationId.
// Callers must not modify the result; see clone.
func loadRecordings(t testing.TB) []recordingFile {
	t.Helper()
	var out []recordingFile
	for _, f := range loadRecordingFiles(t) {
		out = append(out, recordingFile{OperationID: f.name, Exchanges: f.value})
	}
	return out
}

// namedJSON is one file of a folder of JSON files: its name without .json
// and its decoded value.
type namedJSON[T any] struct {
	name  string
	value T
}

// jsonDirLoader returns a function that reads every *.json file of dir
// once (sorted by name, unknown fields refused) and fails the test when
// one cannot be read or the folder is empty.
func jsonDirLoader[T any](dir string) func(testing.TB) []namedJSON[T] {
	var (
		once  sync.Once
		files []namedJSON[T]
		err   error
	)
	return func(t testing.TB) []namedJSON[T] {
		t.Helper()
		once.Do(func() {
			var names []string
			if names, err = filepath.Glob(filepath.Join(dir, "*.json")); err != nil {
				return
			}
			slices.Sort(names)
			for _, name := range names {
				var data []byte
				if data, err = os.ReadFile(name); err != nil {
					return
				}
				dec := json.NewDecoder(bytes.NewReader(data))
				dec.DisallowUnknownFields()
				var v T
				if err = dec.Decode(&v); err != nil {
					err = fmt.Errorf("%s: %w", name, err)
					return
				}
				files = append(files, namedJSON[T]{strings.TrimSuffix(filepath.Base(name), ".json"), v})
			}
		})
		if err != nil {
			t.Fatalf("loading %s: %v", dir, err)
		}
		if len(files) == 0 {
			t.Fatalf("no JSON files in %s", dir)
		}
		return files
	}
}

// findExchange returns a deep copy of the exchange called name in the file
// of operationID.
func findExchange(t testing.TB, operationID, name string) exchange {
	t.Helper()
	for _, f := range loadRecordings(t) {
		if f.OperationID != operationID {
			continue
		}
		for _, ex := range f.Exchanges {
			if ex.Name == name {
				return ex.clone(t)
			}
		}
	}
	t.Fatalf("no exchange %q in %s.json", name, operationID)
	return exchange{}
}

// clone returns a deep copy of ex, safe to mutate.
func (ex exchange) clone(t testing.TB) exchange {
	t.Helper()
	data, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	var out exchange
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// body returns the request body bytes, or nil for none.
func (r recordedRequest) body() ([]byte, error) {
	switch {
	case r.Body != nil:
		return r.Body, nil
	case r.BodyRaw != nil:
		return []byte(*r.BodyRaw), nil
	case r.BodyBase64 != nil:
		return base64.StdEncoding.DecodeString(*r.BodyBase64)
	}
	return nil, nil
}

// body returns the response body bytes, or nil for none.
func (r recordedResponse) body() []byte {
	switch {
	case r.Body != nil:
		return r.Body
	case r.BodyRaw != nil:
		return []byte(*r.BodyRaw)
	}
	return nil
}

func (r recordedResponse) header() http.Header {
	h := make(http.Header, len(r.Headers))
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	return h
}

// httpRequest builds the *http.Request of r (without a body: the
// Validator takes the body separately).
func (r recordedRequest) httpRequest(t testing.TB) *http.Request {
	t.Helper()
	req, err := r.newHTTPRequest()
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	return req
}

func (r recordedRequest) newHTTPRequest() (*http.Request, error) {
	req, err := http.NewRequest(r.Method, r.URL, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

// validateExchange routes and validates both halves of ex and returns
// every problem found (nil when ex conforms to the spec). wantOp, if not
// empty, is the operationId the request must route to.
func validateExchange(t testing.TB, v *Validator, ex exchange, wantOp string) []error {
	t.Helper()
	var errs []error
	req := ex.Request.httpRequest(t)
	op, err := v.RouteFor(req)
	if err != nil {
		return []error{fmt.Errorf("routing: %w", err)}
	}
	if wantOp != "" && op != wantOp {
		errs = append(errs, fmt.Errorf("request routes to operation %s, recorded under %s", op, wantOp))
	}
	body, err := ex.Request.body()
	if err != nil {
		return append(errs, fmt.Errorf("request body: %w", err))
	}
	if _, err := v.ValidateRequest(req, body); err != nil {
		errs = append(errs, fmt.Errorf("request: %w", err))
	}
	if err := v.ValidateResponse(req, ex.Response.Status, ex.Response.header(), ex.Response.body()); err != nil {
		errs = append(errs, fmt.Errorf("response %d: %w", ex.Response.Status, err))
	}
	return errs
}

// TestRecordingsAreWellFormed checks the recordings themselves, independent
// of the spec: names, redacted tokens, one kind of body, and envelopes whose
// meta.code echoes the status.
func TestRecordingsAreWellFormed(t *testing.T) {
	t.Parallel()
	for _, f := range loadRecordings(t) {
		seen := map[string]bool{}
		for i, ex := range f.Exchanges {
			where := fmt.Sprintf("%s.json[%d] %q", f.OperationID, i, ex.Name)
			if ex.Name == "" || seen[ex.Name] {
				t.Errorf("%s: name is empty or repeated", where)
			}
			seen[ex.Name] = true
			bodies := 0
			for _, set := range []bool{ex.Request.Body != nil, ex.Request.BodyRaw != nil, ex.Request.BodyBase64 != nil} {
				if set {
					bodies++
				}
			}
			if bodies > 1 {
				t.Errorf("%s: request has more than one of body, body_raw, body_base64", where)
			}
			if ex.Response.Body != nil && ex.Response.BodyRaw != nil {
				t.Errorf("%s: response has both body and body_raw", where)
			}
			u, err := url.Parse(ex.Request.URL)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			if tok, ok := u.Query()["token"]; ok && (len(tok) != 1 || tok[0] != "REDACTED") {
				t.Errorf("%s: token query parameter is not REDACTED", where)
			}
			for k, val := range ex.Request.Headers {
				if strings.EqualFold(k, "X-Access-Token") && val != "REDACTED" {
					t.Errorf("%s: X-Access-Token is not REDACTED", where)
				}
			}
			if ex.Response.Body != nil {
				var env struct {
					Meta *struct {
						Code *int `json:"code"`
					} `json:"meta"`
				}
				if json.Unmarshal(ex.Response.Body, &env) == nil && env.Meta != nil && env.Meta.Code != nil && *env.Meta.Code != ex.Response.Status {
					t.Errorf("%s: meta.code %d does not echo status %d", where, *env.Meta.Code, ex.Response.Status)
				}
			}
		}
	}
}
