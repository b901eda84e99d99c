package contracttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	groupme "github.com/groupme-go/groupme"
)

// The hosts the spec declares as servers. Requests sent anywhere else (an
// httptest server, say) are mapped onto them before routing; see [SpecURL].
const (
	APIHost   = "api.groupme.com"
	ImageHost = "image.groupme.com"
	// VideoHost and FileHost serve the unofficial video and file uploads.
	VideoHost = "video.groupme.com"
	FileHost  = "file.groupme.com"
)

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
)

// LoadSpec parses the embedded openapi.yaml ([groupme.OpenAPI]) and validates
// it. The work is done once; later calls return the same document, which
// callers must treat as read-only.
func LoadSpec() (*openapi3.T, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(groupme.OpenAPI)
		if err != nil {
			specErr = fmt.Errorf("contracttest: loading openapi.yaml: %w", err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			specErr = fmt.Errorf("contracttest: openapi.yaml is not a valid OpenAPI document: %w", err)
			return
		}
		specDoc = doc
	})
	return specDoc, specErr
}

// Validator matches HTTP requests to the spec's operations and validates
// requests and responses against them. It is safe for concurrent use.
//
// Requests may be addressed to the real GroupMe hosts or to any other host
// (such as a local test server); in the latter case the URL is first mapped
// with [SpecURL].
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
}

var registerDecoders sync.Once

// NewValidator returns a Validator for the embedded spec.
//
// On first use it registers a plain-text body decoder for text/html with
// openapi3filter (a process-wide registry), so that the HTML error pages
// GroupMe's proxies serve on 502 and 503 can be validated as strings.
func NewValidator() (*Validator, error) {
	doc, err := LoadSpec()
	if err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(routingDoc(doc))
	if err != nil {
		return nil, fmt.Errorf("contracttest: building router: %w", err)
	}
	registerDecoders.Do(func() {
		if openapi3filter.RegisteredBodyDecoder("text/html") == nil {
			openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		}
	})
	v := &Validator{
		doc:    doc,
		router: router,
		opts: &openapi3filter.Options{
			MultiError:            true,
			IncludeResponseStatus: true,
			AuthenticationFunc:    requireCredential,
		},
	}
	return v, nil
}

// Spec returns the document the Validator checks against (read-only).
func (v *Validator) Spec() *openapi3.T { return v.doc }

// RouteFor returns the operationId of the operation req is addressed to.
func (v *Validator) RouteFor(req *http.Request) (operationID string, err error) {
	route, _, err := v.route(req)
	if err != nil {
		return "", err
	}
	return route.Operation.OperationID, nil
}

// ValidateRequest checks req, whose body is given separately as body (nil
// for none; req.Body is not read), against its operation: security (a token
// in the token query parameter or X-Access-Token header, wherever the spec
// asks for one), parameters and request body. All problems are reported
// together.
//
// The returned input identifies the matched route and path parameters; its
// Request is a copy of req addressed to the spec host (see [SpecURL]). It is
// returned even when validation fails, as long as the request could be
// routed.
func (v *Validator) ValidateRequest(req *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	route, params, err := v.route(req)
	if err != nil {
		return nil, err
	}
	r := withURL(req, SpecURL(req.URL))
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options:    v.opts,
	}
	return input, openapi3filter.ValidateRequest(r.Context(), input)
}

// ValidateResponse checks a response (status, header, body) to req against
// the operation req is routed to. The status must be documented by the
// operation; a 304 must have an empty body (kin-openapi itself never
// validates 304s); other bodies must match the declared media type and
// schema. A response declared without content accepts any body, and so
// does an error (4xx or 5xx) whose body is empty; one declared with only
// text media types (the bot post's single space) also accepts a blank body
// with no Content-Type. Everything else is kin-openapi's openapi3filter.
func (v *Validator) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := v.route(req)
	if err != nil {
		return err
	}
	if route.Operation.Responses.Status(status) == nil && route.Operation.Responses.Default() == nil {
		return fmt.Errorf("operation %s does not document status %d", route.Operation.OperationID, status)
	}
	if status == http.StatusNotModified {
		if len(body) != 0 {
			return fmt.Errorf("operation %s: a 304 response must not have a body (got %d bytes)", route.Operation.OperationID, len(body))
		}
		return nil
	}
	if status >= 400 && len(body) == 0 {
		// The spec's error responses say the body may be empty whatever
		// the Content-Type (GroupMe sends empty 404s labelled JSON);
		// OpenAPI 3.0 cannot mark a response body optional, so the rule is
		// applied here.
		return nil
	}
	if header == nil {
		header = http.Header{}
	}
	if header.Get("Content-Type") == "" && len(bytes.TrimSpace(body)) == 0 && onlyText(route.Operation, status) {
		// A blank answer with no media type where the spec promises only
		// text (the bot post's single space): there is nothing to check.
		return nil
	}
	r := withURL(req, SpecURL(req.URL))
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    r,
			PathParams: params,
			Route:      route,
			Options:    v.opts,
		},
		Status:  status,
		Header:  header,
		Options: v.opts,
	}
	input.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(r.Context(), input)
}

// onlyText reports whether the operation's response for status declares
// content, all of it text/* media types.
func onlyText(op *openapi3.Operation, status int) bool {
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil || len(ref.Value.Content) == 0 {
		return false
	}
	for mt := range ref.Value.Content {
		if !strings.HasPrefix(mt, "text/") {
			return false
		}
	}
	return true
}

func (v *Validator) route(req *http.Request) (*routers.Route, map[string]string, error) {
	r := withURL(req, SpecURL(req.URL))
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return nil, nil, fmt.Errorf("no operation for %s %s: %w", req.Method, r.URL, err)
	}
	if !servedOn(route.Operation, route.Server) {
		return nil, nil, fmt.Errorf("no operation for %s %s: %w", req.Method, r.URL, routers.ErrPathNotFound)
	}
	return route, params, nil
}

// SpecURL maps u onto the hosts the spec declares, so that requests sent to
// a local server can be routed. URLs for api.groupme.com or
// image.groupme.com are returned unchanged. For any other host, a path
// containing a /v3 segment is moved to https://api.groupme.com (anything in
// front of /v3, such as a test server's mount point, is dropped) and a path
// ending in /pictures to https://image.groupme.com/pictures. The unofficial
// hosts have local mount points of their own: /v4/... and /v1/... (the v4
// and v1 APIs), /v2/... (https://v2.groupme.com), /video/...
// (https://video.groupme.com) and /file/v1/... (https://file.groupme.com/v1).
// Other URLs are returned unchanged and will not route.
func SpecURL(u *url.URL) *url.URL {
	switch u.Host {
	case APIHost, ImageHost, VideoHost, FileHost:
		return u
	}
	out := *u
	out.Scheme = "https"
	path := u.EscapedPath()
	if mapped, ok := unofficialSpecURL(&out, path); ok {
		return mapped
	}
	switch {
	case strings.HasPrefix(path, "/v3/") || path == "/v3":
		out.Host = APIHost
	case strings.Contains(path, "/v3/"):
		out.Host = APIHost
		path = path[strings.Index(path, "/v3/"):]
	case path == "/pictures" || strings.HasSuffix(path, "/pictures"):
		out.Host = ImageHost
		path = "/pictures"
	default:
		return u
	}
	p, err := url.PathUnescape(path)
	if err != nil {
		return u
	}
	out.Path, out.RawPath = p, path
	if out.RawPath == p {
		out.RawPath = ""
	}
	return &out
}

// withURL returns a shallow copy of req addressed to u, with Host set to
// u's host so that host matching sees the spec host.
func withURL(req *http.Request, u *url.URL) *http.Request {
	r := req.Clone(req.Context())
	r.URL = u
	r.Host = u.Host
	r.RequestURI = ""
	return r
}

// requireCredential is the openapi3filter.AuthenticationFunc of a Validator.
// It only checks that the credential an apiKey scheme names is present;
// whether a token is valid is the server's business. Other scheme types
// (oauth2, for documentation) never succeed on their own, so a request has
// to satisfy one of the apiKey alternatives.
func requireCredential(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "apiKey" {
		return in.NewError(fmt.Errorf("security scheme %q is not an apiKey scheme", in.SecuritySchemeName))
	}
	req := in.RequestValidationInput.Request
	var present bool
	switch s.In {
	case openapi3.ParameterInQuery:
		present = req.URL.Query().Get(s.Name) != ""
	case openapi3.ParameterInHeader:
		present = req.Header.Get(s.Name) != ""
	case openapi3.ParameterInCookie:
		c, err := req.Cookie(s.Name)
		present = err == nil && c.Value != ""
	}
	if !present {
		return in.NewError(errors.New("missing " + s.In + " credential " + s.Name))
	}
	return nil
}

// OperationIDs returns the operationIds of openapi.yaml's paths, sorted.
// Callbacks (receiveBotCallback) are not among them: GroupMe calls those.
func OperationIDs() ([]string, error) {
	doc, err := LoadSpec()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}
