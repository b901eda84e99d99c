package main

// The MCP server's tools are derived from openapi.yaml when the server
// starts: one tool per operation, named by its operationId, described by
// its summary and description, with an input schema made from its
// parameters and request body. Nothing here names an operation, so an
// operation added to the spec is a tool at the next build.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/jsonschema-go/jsonschema"
	"github.com/groupme-go/groupme/client"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpFilter chooses which operations become tools.
type mcpFilter struct {
	allowWrite bool // operations other than GET and HEAD
	unofficial bool // operations marked x-unofficial: true
}

// Why an operation is not a tool.
const (
	reasonWrite      = "changes something: needs --allow-write"
	reasonUnofficial = "unofficial (x-unofficial: true): needs --unofficial"
	reasonUpload     = "uploads a file (its request body is not JSON), which tool arguments cannot carry"
	reasonHeader     = "needs a header parameter, which tool arguments do not carry"
)

// bodyArg is the argument that holds an operation's JSON request body.
const bodyArg = "body"

// specParam is one operation parameter a tool takes.
type specParam struct {
	name, in string
	explode  bool // an array query parameter sent as repeated name=value
}

// specTool is one operation as a tool.
type specTool struct {
	tool     *mcp.Tool
	endpoint client.Endpoint
	params   []specParam
	hasBody  bool
	paging   []string // the operation's paging parameters, in spec order
	schema   *jsonschema.Resolved
}

// pagingParams are the query parameters that page through a listing,
// wherever they appear.
var pagingParams = []string{"page", "per_page", "before_id", "after_id", "since_id", "limit", "from", "before", "after", "end_at", "since"}

// specTools returns the tools for the operations of doc that f lets
// through, sorted by name, and for every other operation why it is left
// out.
func specTools(doc *openapi3.T, f mcpFilter) ([]*specTool, map[string]string, error) {
	auth := authParams(doc)
	var tools []*specTool
	excluded := map[string]string{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return nil, nil, fmt.Errorf("%s %s has no operationId", method, path)
			}
			if why := leaveOut(op, method, f); why != "" {
				excluded[op.OperationID] = why
				continue
			}
			t, err := newSpecTool(item, op, method, path, auth)
			if err != nil {
				return nil, nil, fmt.Errorf("operation %s: %w", op.OperationID, err)
			}
			if t == nil {
				excluded[op.OperationID] = reasonHeader
				continue
			}
			tools = append(tools, t)
		}
	}
	slices.SortFunc(tools, func(a, b *specTool) int { return strings.Compare(a.tool.Name, b.tool.Name) })
	return tools, excluded, nil
}

func isRead(method string) bool { return method == http.MethodGet || method == http.MethodHead }

func isUnofficial(op *openapi3.Operation) bool {
	v, _ := op.Extensions["x-unofficial"].(bool)
	return v
}

// leaveOut says why op is not offered under f, or "".
func leaveOut(op *openapi3.Operation, method string, f mcpFilter) string {
	switch {
	case op.RequestBody != nil && op.RequestBody.Value != nil && op.RequestBody.Value.Content.Get("application/json") == nil:
		return reasonUpload
	case !isRead(method) && !f.allowWrite:
		return reasonWrite
	case isUnofficial(op) && !f.unofficial:
		return reasonUnofficial
	}
	return ""
}

// authParams are the parameters that carry credentials (the token query
// parameter): the client adds those itself, so no tool takes them.
func authParams(doc *openapi3.T) map[[2]string]bool {
	out := map[[2]string]bool{}
	if doc.Components == nil {
		return out
	}
	for _, s := range doc.Components.SecuritySchemes {
		if s.Value != nil && s.Value.Type == "apiKey" {
			out[[2]string{s.Value.In, s.Value.Name}] = true
		}
	}
	return out
}

func newSpecTool(item *openapi3.PathItem, op *openapi3.Operation, method, path string, auth map[[2]string]bool) (*specTool, error) {
	t := &specTool{endpoint: client.Endpoint{Operation: op.OperationID, Method: method, Path: path, Server: operationServer(item, op)}}
	props := map[string]any{}
	var required []string
	params, err := operationParams(item, op)
	if err != nil {
		return nil, err
	}
	for _, p := range params {
		if auth[[2]string{p.In, p.Name}] {
			continue
		}
		switch p.In {
		case "path", "query":
		default:
			if p.Required {
				return nil, nil
			}
			continue
		}
		if _, dup := props[p.Name]; dup || p.Name == bodyArg {
			return nil, fmt.Errorf("parameter %s clashes with another argument", p.Name)
		}
		props[p.Name] = paramSchema(p)
		if p.In == "path" || p.Required {
			required = append(required, p.Name)
		}
		explode := p.Explode == nil || *p.Explode
		t.params = append(t.params, specParam{name: p.Name, in: p.In, explode: explode})
		if p.In == "query" && slices.Contains(pagingParams, p.Name) {
			t.paging = append(t.paging, p.Name)
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		props[bodyArg] = bodySchema(rb.Value)
		if rb.Value.Required {
			required = append(required, bodyArg)
		}
		t.hasBody = true
	}
	input := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		input["required"] = required
	}
	raw, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	if t.schema, err = resolveSchema(raw); err != nil {
		return nil, err
	}
	read := isRead(method)
	t.tool = &mcp.Tool{
		Name:        op.OperationID,
		Title:       op.Summary,
		Description: toolDescription(op, t.paging),
		InputSchema: json.RawMessage(raw),
		Annotations: &mcp.ToolAnnotations{
			Title:          op.Summary,
			ReadOnlyHint:   read,
			IdempotentHint: read || method == http.MethodPut || method == http.MethodDelete,
			// Every tool reaches GroupMe, an open world.
			DestructiveHint: ptr(!read && (method == http.MethodDelete || destructivePath(path))),
		},
	}
	return t, nil
}

// operationParams are the parameters of op at item: the path-level ones
// first, then the operation's, which override them.
func operationParams(item *openapi3.PathItem, op *openapi3.Operation) ([]*openapi3.Parameter, error) {
	params := map[[2]string]*openapi3.Parameter{}
	var order [][2]string
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range list {
			p := ref.Value
			if p == nil {
				return nil, errors.New("a parameter did not resolve")
			}
			k := [2]string{p.In, p.Name}
			if _, seen := params[k]; !seen {
				order = append(order, k)
			}
			params[k] = p
		}
	}
	out := make([]*openapi3.Parameter, 0, len(order))
	for _, k := range order {
		out = append(out, params[k])
	}
	return out, nil
}

// operationServer is the server op names for itself or, failing that,
// the one its path item names; "" for the document's.
func operationServer(item *openapi3.PathItem, op *openapi3.Operation) string {
	switch {
	case op.Servers != nil && len(*op.Servers) > 0:
		return (*op.Servers)[0].URL
	case len(item.Servers) > 0:
		return item.Servers[0].URL
	}
	return ""
}

// bodySchema is the JSON Schema of the argument for the request body rb.
func bodySchema(rb *openapi3.RequestBody) map[string]any {
	s := map[string]any{}
	if mt := rb.Content.Get("application/json"); mt.Schema != nil {
		s = jsonSchema(mt.Schema, nil)
	}
	if rb.Description != "" {
		s["description"] = rb.Description
	}
	return s
}

// paramSchema is the JSON Schema of the argument for parameter p.
func paramSchema(p *openapi3.Parameter) map[string]any {
	s := map[string]any{}
	if p.Schema != nil {
		s = jsonSchema(p.Schema, nil)
	}
	if p.Description != "" {
		s["description"] = p.Description
	}
	return s
}

// resolveSchema reads raw as a JSON Schema and resolves it.
func resolveSchema(raw []byte) (*jsonschema.Resolved, error) {
	var js jsonschema.Schema
	if err := json.Unmarshal(raw, &js); err != nil {
		return nil, fmt.Errorf("the input schema does not read as JSON Schema: %w", err)
	}
	r, err := js.Resolve(nil)
	if err != nil {
		return nil, fmt.Errorf("the input schema does not resolve: %w", err)
	}
	return r, nil
}

func ptr[T any](v T) *T { return &v }

// destructivePath reports whether a POST path names a destruction
// (GroupMe deletes with POST .../destroy, .../remove, .../delete).
func destructivePath(path string) bool {
	last := path[strings.LastIndexByte(path, '/')+1:]
	return last == "destroy" || last == "remove" || last == "delete"
}

func toolDescription(op *openapi3.Operation, paging []string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(op.Summary))
	if d := strings.TrimSpace(op.Description); d != "" {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(d)
	}
	if isUnofficial(op) {
		b.WriteString("\n\nUnofficial: described by the community, not by GroupMe; it may change or disappear without notice.")
	}
	if len(paging) > 0 {
		b.WriteString("\n\nPaging: this listing takes " + strings.Join(paging, ", ") +
			"; when a page is not empty, the result ends with the arguments that fetch the next one.")
	}
	return b.String()
}

// jsonSchema turns an OpenAPI 3.0 schema into a JSON Schema (2020-12)
// object: $refs are inlined (kin-openapi has resolved them), nullable
// becomes a "null" type (or a null alternative), example becomes
// examples, and the OpenAPI-only keywords (discriminator, xml, readOnly
// handling) are dropped. onPath holds the schemas being expanded, so a
// schema that contains itself ends in an open {} rather than recursing.
func jsonSchema(ref *openapi3.SchemaRef, onPath []*openapi3.Schema) map[string]any {
	out := map[string]any{}
	if ref == nil || ref.Value == nil {
		return out
	}
	s := ref.Value
	if slices.Contains(onPath, s) {
		out["description"] = "(the enclosing schema, recursively)"
		return out
	}
	onPath = append(onPath, s)
	sub := func(r *openapi3.SchemaRef) map[string]any { return jsonSchema(r, onPath) }
	subs := func(rs openapi3.SchemaRefs) []any {
		l := make([]any, 0, len(rs))
		for _, r := range rs {
			l = append(l, sub(r))
		}
		return l
	}
	types := s.Type.Slice()
	if len(types) > 0 {
		ts := slices.Clone(types)
		if s.Nullable && !slices.Contains(ts, "null") {
			ts = append(ts, "null")
		}
		if len(ts) == 1 {
			out["type"] = ts[0]
		} else {
			out["type"] = ts
		}
	}
	setKeywords(out, s)
	setSubschemas(out, s, sub, subs)
	// A nullable schema without a type of its own (an allOf, a $ref
	// wrapper) accepts null as one more alternative.
	if s.Nullable && len(types) == 0 {
		return map[string]any{"anyOf": []any{out, map[string]any{"type": "null"}}}
	}
	return out
}

// setIf sets out[k] to v when ok.
func setIf(out map[string]any, k string, v any, ok bool) {
	if ok {
		out[k] = v
	}
}

// setKeywords copies the keywords of s that hold no schema into out.
func setKeywords(out map[string]any, s *openapi3.Schema) {
	setIf := func(k string, v any, ok bool) { setIf(out, k, v, ok) }
	setIf("title", s.Title, s.Title != "")
	setIf("description", s.Description, s.Description != "")
	setIf("format", s.Format, s.Format != "")
	if len(s.Enum) > 0 {
		enum := slices.Clone(s.Enum)
		if s.Nullable && !slices.Contains(enum, nil) {
			enum = append(enum, nil)
		}
		out["enum"] = enum
	}
	setIf("default", s.Default, s.Default != nil)
	setIf("examples", []any{s.Example}, s.Example != nil)
	setIf("deprecated", true, s.Deprecated)
	setIf("uniqueItems", true, s.UniqueItems)
	if s.Min != nil {
		if b := s.ExclusiveMin.Bool; b != nil && *b {
			out["exclusiveMinimum"] = *s.Min
		} else {
			out["minimum"] = *s.Min
		}
	}
	if s.Max != nil {
		if b := s.ExclusiveMax.Bool; b != nil && *b {
			out["exclusiveMaximum"] = *s.Max
		} else {
			out["maximum"] = *s.Max
		}
	}
	setIf("multipleOf", s.MultipleOf, s.MultipleOf != nil)
	setIf("minLength", s.MinLength, s.MinLength > 0)
	setIf("maxLength", s.MaxLength, s.MaxLength != nil)
	setIf("pattern", s.Pattern, s.Pattern != "")
	setIf("minItems", s.MinItems, s.MinItems > 0)
	setIf("maxItems", s.MaxItems, s.MaxItems != nil)
	setIf("minProperties", s.MinProps, s.MinProps > 0)
	setIf("maxProperties", s.MaxProps, s.MaxProps != nil)
	setIf("required", s.Required, len(s.Required) > 0)
}

// setSubschemas sets the keywords of s that hold schemas in out, each
// turned by sub (a list by subs).
func setSubschemas(out map[string]any, s *openapi3.Schema, sub func(*openapi3.SchemaRef) map[string]any, subs func(openapi3.SchemaRefs) []any) {
	setIf := func(k string, v any, ok bool) { setIf(out, k, v, ok) }
	if s.Items != nil {
		out["items"] = sub(s.Items)
	}
	if len(s.Properties) > 0 {
		props := map[string]any{}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			props[name] = sub(s.Properties[name])
		}
		out["properties"] = props
	}
	if ap := s.AdditionalProperties; ap.Schema != nil {
		out["additionalProperties"] = sub(ap.Schema)
	} else if ap.Has != nil {
		out["additionalProperties"] = *ap.Has
	}
	setIf("allOf", subs(s.AllOf), len(s.AllOf) > 0)
	setIf("oneOf", subs(s.OneOf), len(s.OneOf) > 0)
	setIf("anyOf", subs(s.AnyOf), len(s.AnyOf) > 0)
	if s.Not != nil {
		out["not"] = sub(s.Not)
	}
}

// toolCall is one call's arguments sorted into what Client.Call takes.
type toolCall struct {
	path  map[string]string
	query url.Values
	body  any
}

// splitArgs sorts the validated arguments of t into path parameters,
// query parameters and the body.
func (t *specTool) splitArgs(args map[string]any) (toolCall, error) {
	tc := toolCall{path: map[string]string{}, query: url.Values{}}
	for _, p := range t.params {
		v, ok := args[p.name]
		if !ok || v == nil {
			continue
		}
		if list, isList := v.([]any); isList && p.in == "query" {
			var parts []string
			for _, e := range list {
				s, err := argString(e)
				if err != nil {
					return tc, fmt.Errorf("argument %s: %w", p.name, err)
				}
				parts = append(parts, s)
			}
			if p.explode {
				tc.query[p.name] = parts
			} else {
				tc.query.Set(p.name, strings.Join(parts, ","))
			}
			continue
		}
		s, err := argString(v)
		if err != nil {
			return tc, fmt.Errorf("argument %s: %w", p.name, err)
		}
		if p.in == "path" {
			tc.path[p.name] = s
		} else {
			tc.query.Set(p.name, s)
		}
	}
	if t.hasBody {
		tc.body = args[bodyArg] // nil when left out: no body is sent
	}
	return tc, nil
}

// argString writes one scalar argument as a parameter value.
func argString(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case json.Number:
		return v.String(), nil
	}
	return "", fmt.Errorf("a %T cannot be sent as a parameter", v)
}

// nextPage says which arguments fetch the page after the one in raw, or
// "" when there is none to fetch or the listing's cursor is not one it
// knows how to move. The cursor is moved by the operation's paging
// parameters alone: page counts up, from skips what was returned,
// before_id and after_id take the id of the last item of the page (the
// oldest for before_id, which lists newest first; the newest for
// after_id, which lists oldest first).
func (t *specTool) nextPage(args map[string]any, raw json.RawMessage) string {
	if len(t.paging) == 0 {
		return ""
	}
	items := listIn(raw)
	if len(items) == 0 {
		return ""
	}
	has := func(p string) bool { return slices.Contains(t.paging, p) }
	given := func(p string) bool { _, ok := args[p]; return ok }
	lastID := func() string {
		var item struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(items[len(items)-1], &item) != nil || len(item.ID) == 0 {
			return ""
		}
		var s string
		if json.Unmarshal(item.ID, &s) == nil {
			return s
		}
		return string(item.ID) // a numeric id
	}
	var next string
	switch {
	case has("after_id") && given("after_id"):
		if id := lastID(); id != "" {
			next = "after_id=" + id + " (newer items)"
		}
	case has("before_id") && !given("since_id"):
		if id := lastID(); id != "" {
			next = "before_id=" + id + " (older items)"
		}
	case has("page"):
		page := 1
		if v, ok := args["page"].(float64); ok {
			page = int(v)
		}
		next = "page=" + strconv.Itoa(page+1)
	case has("from"):
		from := 0
		if v, ok := args["from"].(float64); ok {
			from = int(v)
		}
		next = "from=" + strconv.Itoa(from+len(items))
	}
	if next == "" {
		return ""
	}
	return fmt.Sprintf("Next page: call %s again with the same arguments and %s.", t.tool.Name, next)
}

// listIn finds the items of a listing: the payload itself when it is a
// list, otherwise its longest list-valued field (messages of
// {"count": n, "messages": [...]}).
func listIn(raw json.RawMessage) []json.RawMessage {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		var l []json.RawMessage
		if json.Unmarshal(obj[k], &l) == nil && len(l) > len(list) {
			list = l
		}
	}
	return list
}
