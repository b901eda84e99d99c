package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// bodyCase is one response body to judge with both validators.
type bodyCase struct {
	name   string
	req    *http.Request
	status int
	header http.Header
	body   []byte

	noMutations bool // too big to mutate: judged as it is
}

// agreement runs the compiled check and kin-openapi (the reference) on
// responses and counts what they said.
type agreement struct {
	t                  *testing.T
	v                  *Validator
	cases, planned     int
	kinRejected        int
	fastPassed, unsure int
}

// judge checks one body: where a compiled check applies, it must pass
// exactly the bodies kin-openapi passes (it may be unsure, never wrong),
// and ValidateResponse must give kin-openapi's verdict.
func (a *agreement) judge(c bodyCase, full bool) (kinOK bool) {
	t := a.t
	t.Helper()
	route, params, err := a.v.route(c.req)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	kinErr := a.v.validateResponseKin(c.req, route, params, c.status, c.header, c.body)
	kinOK = kinErr == nil
	a.cases++
	if !kinOK {
		a.kinRejected++
	}
	if full {
		fullErr := a.v.ValidateResponse(c.req, c.status, c.header, c.body)
		if (fullErr == nil) != kinOK {
			t.Errorf("%s: ValidateResponse says %v, kin-openapi says %v", c.name, fullErr, kinErr)
		}
	}
	vd, ok := a.v.quickCheck(c.req, route, params, c.status, c.header, c.body)
	if !ok {
		return kinOK
	}
	a.planned++
	switch vd {
	case pass:
		a.fastPassed++
		if !kinOK {
			t.Errorf("%s: the compiled check passes a body kin-openapi rejects (%v): %s", c.name, kinErr, c.body)
		}
	case fail:
		if kinOK {
			t.Errorf("%s: the compiled check rejects a body kin-openapi accepts: %s", c.name, c.body)
		}
	case unsure:
		a.unsure++
	}
	return kinOK
}

func (a *agreement) plan(route *routers.Route, c bodyCase) *node {
	if c.req.Method == http.MethodHead || c.status == http.StatusNotModified {
		return nil
	}
	return a.v.bodies.plan(a.v.doc, route.Operation, c.status, c.header.Get("Content-Type"))
}

// TestFastCheckAgreesWithKin holds the compiled response check to
// kin-openapi's verdicts on every recorded response, on the pages the fake
// serves, and on thousands of bodies mutated from them: wrong types,
// missing required fields, unknown properties, values outside enums and
// bounds, attachments relabelled as other types or stripped of fields.
func TestFastCheckAgreesWithKin(t *testing.T) {
	t.Parallel()
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	a := &agreement{t: t, v: v}

	var bases []bodyCase
	for _, f := range loadRecordings(t) {
		for _, ex := range f.Exchanges {
			bases = append(bases, bodyCase{
				name:   f.OperationID + "/" + ex.Name,
				req:    ex.Request.httpRequest(t),
				status: ex.Response.Status,
				header: ex.Response.header(),
				body:   ex.Response.body(),
			})
		}
	}
	recorded := len(bases)
	bases = append(bases, fakeMessageBodies(t)...)

	mutated := 0
	seen := map[string]bool{}
	for _, b := range bases {
		if !a.judge(b, true) || !json.Valid(b.body) || b.noMutations {
			continue
		}
		route, _, _ := v.route(b.req)
		if a.plan(route, b) == nil {
			continue
		}
		var doc any
		dec := json.NewDecoder(bytes.NewReader(b.body))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		resp := route.Operation.Responses.Status(b.status)
		if resp == nil {
			resp = route.Operation.Responses.Default()
		}
		schema := resp.Value.Content.Get(b.header.Get("Content-Type")).Schema.Value
		// One mutation of a kind per place in a response schema.
		want := func(shape, kind string) bool {
			key := fmt.Sprintf("%p %s %s", schema, shape, kind)
			if seen[key] {
				return false
			}
			seen[key] = true
			return true
		}
		mutate(doc, want, func(m mutation) {
			body, err := marshalRaw(m.doc)
			if err != nil {
				t.Fatalf("%s: %v", m.kind, err)
			}
			c := b
			c.name = fmt.Sprintf("%s: %s at %s", b.name, m.kind, m.shape)
			c.body = body
			a.judge(c, false)
			mutated++
		})
	}
	// Declared response headers (Retry-After) missing or malformed.
	headerCases := 0
	for _, b := range bases {
		route, _, _ := v.route(b.req)
		if !declaresHeaders(route.Operation, b.status) {
			continue
		}
		stripped := http.Header{"Content-Type": b.header["Content-Type"]}
		bad := b.header.Clone()
		for name := range route.Operation.Responses.Status(b.status).Value.Headers {
			bad.Set(name, "soon")
		}
		for i, h := range []http.Header{stripped, bad} {
			c := b
			c.name, c.header = fmt.Sprintf("%s: headers %d", b.name, i), h
			a.judge(c, true)
			headerCases++
		}
	}
	if headerCases == 0 {
		t.Error("no recorded response declares headers: the header path is not exercised")
	}

	// Bodies that are not JSON at all, or not quite.
	for _, b := range bases {
		if route, _, _ := v.route(b.req); a.plan(route, b) == nil || b.status != http.StatusOK {
			continue
		}
		for _, junk := range []string{``, ` `, `{`, `{"response":null,"meta":{"code":200}}x`, `[]`, `null`, `"x"`,
			`{"response":null,"meta":{"code":200},"meta":{"code":"x"}}`, `{"response":null,"meta":{"code":200,}}`,
			`{"response":null,"meta":{"code":0200}}`, `{"response":null,"meta":{"code":2e2}}`, `{"response":nul,"meta":{"code":200}}`,
			"{\"response\":\"\xff\",\"meta\":{\"code\":200}}", `{"response":"\ud800","meta":{"code":200}}`} {
			c := b
			c.name, c.body = fmt.Sprintf("%s: junk %q", b.name, junk), []byte(junk)
			a.judge(c, true)
		}
		break
	}

	t.Logf("%d bodies (%d recorded, %d from the fake, %d mutated): kin-openapi rejected %d; %d had a compiled check, which passed %d and was unsure of %d",
		a.cases, recorded, len(bases)-recorded, mutated, a.kinRejected, a.planned, a.fastPassed, a.unsure)
	why := map[string]int{}
	v.bodies.reasons.Range(func(k, reason any) bool {
		why[reason.(string)]++
		if strings.Contains(reason.(string), errRefused.Error()) {
			t.Errorf("%s %d %q: no compiled check: %s", k.(planKey).op.OperationID, k.(planKey).status, k.(planKey).contentType, reason)
		}
		return true
	})
	t.Logf("response shapes left to kin-openapi, by reason: %v", why)
	if mutated < 2000 || a.kinRejected < 1000 {
		t.Errorf("only %d mutated bodies, %d rejected: the mutations no longer exercise the check", mutated, a.kinRejected)
	}
	if a.fastPassed < (a.cases-a.kinRejected)*9/10 {
		t.Errorf("the compiled check passed only %d of %d accepted bodies: most responses fall back to kin-openapi", a.fastPassed, a.cases-a.kinRejected)
	}
}

// fakeMessageBodies returns the fake's message pages of the default
// dataset (every attachment type), whole and cut into one-message pages.
func fakeMessageBodies(t *testing.T) []bodyCase {
	srv := NewServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	var out []bodyCase
	before := ""
	for page := 0; ; page++ {
		q := map[string][]string{"limit": {"100"}}
		if before != "" {
			q["before_id"] = []string{before}
		}
		r := api.do(http.MethodGet, "/groups/"+srv.Dataset.Groups[0]+"/messages", nil, q)
		if r.status != http.StatusOK {
			break
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/groups/"+srv.Dataset.Groups[0]+"/messages?limit=100", nil)
		req.Header.Set("X-Access-Token", srv.Token)
		out = append(out, bodyCase{name: fmt.Sprintf("fake page %d", page), req: req, status: r.status, header: r.header, body: r.body, noMutations: true})
		var env struct {
			Response struct {
				Messages []json.RawMessage `json:"messages"`
			} `json:"response"`
		}
		if err := json.Unmarshal(r.body, &env); err != nil {
			t.Fatal(err)
		}
		for i, m := range env.Response.Messages {
			body := []byte(`{"response":{"count":1,"messages":[` + string(m) + `]},"meta":{"code":200}}`)
			out = append(out, bodyCase{name: fmt.Sprintf("fake page %d message %d", page, i), req: req, status: r.status, header: r.header, body: body})
			var id struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(m, &id)
			before = id.ID
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d bodies from the fake", len(out))
	}
	return out
}

// mutation is a document with one change.
type mutation struct {
	doc   any
	shape string // where: the path with array indices left out and attachment types kept
	kind  string
}

// attachmentTypes are type values to relabel objects with.
var attachmentTypes = []string{"image", "location", "split", "emoji", "mentions", "reply", "video", "file",
	"linked_image", "poll", "event", "copilot", "partial_image", "image_edited", "autokicked_member", "no_such_type"}

// mutate calls use with doc changed in one of a set of ways at one place,
// for every change want agrees to. use must not keep the document.
func mutate(doc any, want func(shape, kind string) bool, use func(mutation)) {
	var walk func(v any, shape string, set func(any))
	walk = func(v any, shape string, set func(any)) {
		type change struct {
			kind string
			v    any
		}
		// Every value becomes each other kind of value; then changes that
		// keep its kind.
		changes := []change{{"null", nil}, {"true", true}, {"string", "x"}, {"integer", json.Number("1")},
			{"fraction", json.Number("1.5")}, {"empty array", []any{}}, {"empty object", map[string]any{}}}
		switch v.(type) {
		case string:
			changes = append(changes, change{"empty string", ""}, change{"long string", strings.Repeat("ab", 600)},
				change{"not an enum value", "zz-not-an-enum-value"}, change{"unicode string", "Zoë ❤️ \u2028"})
		case json.Number:
			changes = append(changes, change{"zero", json.Number("0")}, change{"negative", json.Number("-1")},
				change{"exponent", json.Number("1e3")}, change{"huge", json.Number("1e400")},
				change{"beyond int64", json.Number("9223372036854775808")}, change{"beyond int32", json.Number("2147483648")})
		case bool:
			changes = append(changes, change{"false", false})
		case []any:
			changes = append(changes, change{"array of string", []any{"x"}})
		case map[string]any:
			changes = append(changes, change{"object with a string", map[string]any{"type": "x"}})
		}
		for _, r := range changes {
			if want(shape, r.kind) {
				set(r.v)
				use(mutation{doc: doc, shape: shape, kind: r.kind})
				set(v)
			}
		}
		switch x := v.(type) {
		case map[string]any:
			if ty, ok := x["type"].(string); ok {
				shape += "[type=" + ty + "]"
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if kind := "without " + k; want(shape, kind) {
					val := x[k]
					delete(x, k)
					use(mutation{doc: doc, shape: shape, kind: kind})
					x[k] = val
				}
			}
			if want(shape, "unknown property") {
				x["zz_unknown"] = json.Number("1")
				use(mutation{doc: doc, shape: shape, kind: "unknown property"})
				delete(x, "zz_unknown")
			}
			if ty, ok := x["type"].(string); ok {
				for _, other := range attachmentTypes {
					if kind := "type " + other; other != ty && want(shape, kind) {
						x["type"] = other
						use(mutation{doc: doc, shape: shape, kind: kind})
					}
				}
				x["type"] = ty
			}
			for _, k := range keys {
				walk(x[k], shape+"/"+k, func(nv any) { x[k] = nv })
			}
		case []any:
			if len(x) > 0 {
				for _, extra := range []any{"x", json.Number("1"), nil, map[string]any{}, []any{}} {
					if kind := fmt.Sprintf("array plus %#v", extra); want(shape, kind) {
						set(append(slices.Clone(x), extra))
						use(mutation{doc: doc, shape: shape, kind: kind})
					}
				}
				set(x)
			}
			// Below an array, the mutated document keeps only the element
			// being changed: smaller bodies, the same shapes.
			for i := range x {
				one := []any{x[i]}
				set(one)
				walk(x[i], shape+"/*", func(nv any) { one[0] = nv })
				set(x)
			}
		}
	}
	walk(doc, "", func(nv any) { doc = nv })
}

// marshalRaw encodes v without HTML escaping.
func marshalRaw(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// keywordSpec exercises every keyword the compiled check implements, and
// some it refuses.
const keywordSpec = `
openapi: 3.0.3
info: {title: keywords, version: "1"}
paths: {}
components:
  schemas:
    EnumStr: {type: string, enum: [a, b]}
    EnumNum: {type: integer, enum: [0, 1]}
    EnumBool: {type: boolean, enum: [true]}
    UntypedEnum: {enum: [a, 1, true]}
    ObjectEnum: {type: object, enum: [a]}
    EnumNullable: {type: string, nullable: true, enum: [a]}
    Int32: {type: integer, format: int32}
    Int64: {type: integer, format: int64, minimum: -5, maximum: 5000000000000000000}
    Num: {type: number, minimum: 1, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true}
    NumInclusive: {type: number, minimum: 1, maximum: 10}
    MultipleOf: {type: number, multipleOf: 0.5}
    Len: {type: string, minLength: 2, maxLength: 3}
    DateTime: {type: string, format: date-time}
    Binary: {type: string, format: binary}
    Pattern: {type: string, pattern: '^[a-z]+$'}
    Items: {type: array, items: {type: integer}, minItems: 1, maxItems: 2}
    AnyArray: {type: array, items: {}}
    Untyped: {description: anything but null}
    NullableUntyped: {nullable: true}
    NullableObj: {type: object, nullable: true}
    Closed:
      type: object
      properties: {a: {type: string}}
      required: [a, b]
      additionalProperties: false
    MapOf: {type: object, additionalProperties: {type: integer}}
    Props: {type: object, minProperties: 1, maxProperties: 2}
    StrOrInt: {oneOf: [{type: string}, {type: integer}]}
    Ambiguous: {oneOf: [{type: integer}, {type: number}]}
    NullableOneOf: {oneOf: [{type: string, nullable: true}, {type: integer}]}
    AnyOf: {anyOf: [{type: string, maxLength: 1}, {type: string, minLength: 3}]}
    AllOf: {allOf: [{type: object, required: [a]}, {type: object, required: [b]}]}
    Cat:
      type: object
      required: [kind, claws]
      properties: {kind: {type: string, enum: [cat]}, claws: {type: integer}}
    Dog:
      type: object
      required: [kind, bark]
      properties: {kind: {type: string}, bark: {type: boolean}}
    Pet:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
      discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat', dog: Dog, bird: '#/components/schemas/Bird'}}
    Bird: {type: object}
    PetNoMapping:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
      discriminator: {propertyName: kind}
    PetAnyOf:
      anyOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
      discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}}
    Pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    Tree:
      type: object
      properties: {children: {type: array, items: {$ref: '#/components/schemas/Tree'}}, n: {type: integer}}
    Not: {not: {type: string}}
    StringNotEnum: {type: string, not: {enum: [a, cat]}}
    NullableNot: {type: string, nullable: true, not: {enum: [a]}}
    OpenKind:
      type: object
      required: [kind]
      properties: {kind: {type: string, not: {enum: [cat, dog]}}}
      additionalProperties: true
    OpenPet:
      anyOf: [{$ref: '#/components/schemas/Pet'}, {$ref: '#/components/schemas/OpenKind'}]
    Unique: {type: array, items: {}, uniqueItems: true}
`

// keywordValues are JSON documents to run every keywordSpec schema on.
var keywordValues = []string{
	`null`, `true`, `false`, `0`, `1`, `-1`, `-0`, `1.5`, `2.5`, `1.25`, `1e0`, `1E+1`, `10`, `10.0`, `-6`, `-5`,
	`2147483647`, `2147483648`, `-2147483649`, `9007199254740993`, `9223372036854775807`, `9223372036854775808`,
	`5000000000000000000`, `5000000000000000001`, `1e400`, `-1e400`, `1e-400`, `123456789012345678901234567890`,
	`""`, `"a"`, `"b"`, `"c"`, `"ab"`, `"abc"`, `"abcd"`, `"AB"`, `"ü"`, `"üü"`, `"é€x"`, `"😀"`, `"😀😀😀😀"`,
	`"\u0061"`, `"\u0061b"`, `"a\nb"`, `"\"q"`, `"\ud83d\ude00"`, `"2026-01-01T00:00:00Z"`, `"2026-13-01T00:00:00Z"`, `"cat"`,
	`[]`, `[1]`, `[1,2]`, `[1,2,3]`, `["x"]`, `[1.5]`, `[null]`, `[[]]`, `[1,1]`,
	`{}`, `{"a":"x"}`, `{"a":"x","b":1}`, `{"a":1,"b":1}`, `{"a":"x","b":1,"c":2}`, `{"b":1}`, `{"x":1,"y":2}`, `{"x":1,"y":"2"}`,
	`{"x":null}`, `{"x":1.5}`,
	`{"kind":"cat","claws":3}`, `{"kind":"dog","bark":true}`, `{"kind":"dog","claws":3}`, `{"kind":"dog","bark":true,"claws":3}`,
	`{"kind":"cat","claws":3,"bark":true}`, `{"kind":"cow"}`, `{"kind":1}`, `{"kind":null}`, `{"claws":1}`, `{"kind":"bird"}`,
	`{"kind":"Cat","claws":1}`, `{"kind":"c\u0061t","claws":1}`, `{"k\u0069nd":"cat","claws":1}`,
	`[{"kind":"cat","claws":3},{"kind":"dog","bark":false}]`, `[{"kind":"cat","claws":"3"}]`,
	`{"children":[{"children":[{"n":1}]},{"n":2}]}`, `{"children":[{"children":[{"n":"x"}]}]}`,
	` {"a":"x","b":1} `, `{"a" : "x" , "b" : 1}`,
	// JSON decoders differ on these: the compiled check leaves them to kin-openapi.
	`"\ud800"`, `"x\udc00"`, `{"a":"x","a":"y","b":1}`, `{"kind":"cat","kind":"dog","bark":true}`, "\"\xff\"",
}

// keywordValuesUnsure are the keywordValues the compiled check may leave
// to kin-openapi.
var keywordValuesUnsure = map[string]bool{
	`"\ud800"`: true, `"x\udc00"`: true, `{"a":"x","a":"y","b":1}`: true, `{"kind":"cat","kind":"dog","bark":true}`: true, "\"\xff\"": true,
}

// TestFastCheckKeywordsAgreeWithKin runs every schema of keywordSpec over
// every value of keywordValues with the compiled check and with
// kin-openapi's schema validation (as ValidateResponse calls it).
func TestFastCheckKeywordsAgreeWithKin(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(keywordSpec))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	names := slices.Sorted(maps.Keys(doc.Components.Schemas))
	passed, rejected := 0, 0
	for _, name := range names {
		schema := doc.Components.Schemas[name].Value
		n, err := compileSchema(schema)
		if name == "Unique" {
			if err == nil {
				t.Errorf("%s: compiled, want it refused", name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, raw := range keywordValues {
			dec := json.NewDecoder(strings.NewReader(raw))
			dec.UseNumber()
			var value any
			if err := dec.Decode(&value); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			kinErr := schema.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsResponse())
			got := checkBody(n, []byte(raw))
			switch {
			case got == unsure && keywordValuesUnsure[raw]:
			case got == unsure:
				t.Errorf("%s on %s: unsure (kin-openapi: %v)", name, raw, kinErr)
			case (got == pass) != (kinErr == nil):
				t.Errorf("%s on %s: compiled check %v, kin-openapi %v", name, raw, got == pass, kinErr)
			case got == pass:
				passed++
			default:
				rejected++
			}
		}
	}
	t.Logf("%d schemas × %d values: %d passed, %d rejected by both", len(names), len(keywordValues), passed, rejected)
}

// TestFastCheckCoversTheSpec compiles the schema of every JSON response in
// openapi.yaml: a keyword the compiled check does not implement would send
// that response back to the slow path without anyone noticing.
func TestFastCheckCoversTheSpec(t *testing.T) {
	t.Parallel()
	doc, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	compiled := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, resp := range op.Responses.Map() {
				for mediaType, mt := range resp.Value.Content {
					if !strings.Contains(mediaType, "json") || mt.Schema == nil {
						continue
					}
					if _, err := compileSchema(mt.Schema.Value); err != nil {
						t.Errorf("%s %s %s %s: %v (implement it in fastcheck.go)", method, path, status, mediaType, err)
						continue
					}
					compiled++
				}
			}
		}
	}
	if compiled < 100 {
		t.Errorf("only %d JSON response schemas compiled", compiled)
	}
	t.Logf("%d JSON response schemas compiled", compiled)
}

// FuzzFastCheckAgreesWithKin feeds arbitrary bodies to the compiled check of
// a few response shapes: whatever it passes, kin-openapi must pass, and what
// kin-openapi passes it must not call a definite failure. The seeds are
// recorded bodies; `go test` runs only them.
func FuzzFastCheckAgreesWithKin(f *testing.F) {
	v, err := NewValidator()
	if err != nil {
		f.Fatal(err)
	}
	type shape struct {
		req    *http.Request
		status int
		header http.Header
	}
	var shapes []shape
	for _, file := range loadRecordings(f) {
		for _, ex := range file.Exchanges {
			if ex.Response.Body == nil {
				continue
			}
			sh := shape{ex.Request.httpRequest(f), ex.Response.Status, ex.Response.header()}
			route, _, err := v.route(sh.req)
			if err != nil || v.bodies.plan(v.doc, route.Operation, sh.status, sh.header.Get("Content-Type")) == nil {
				continue
			}
			if len(shapes) < 255 {
				f.Add(uint8(len(shapes)), []byte(ex.Response.Body))
				shapes = append(shapes, sh)
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		sh := shapes[int(which)%len(shapes)]
		route, params, err := v.route(sh.req)
		if err != nil {
			t.Fatal(err)
		}
		vd, _ := v.quickCheck(sh.req, route, params, sh.status, sh.header, body)
		kinErr := v.validateResponseKin(sh.req, route, params, sh.status, sh.header, body)
		switch vd {
		case pass:
			if kinErr != nil {
				t.Errorf("%s %d: compiled check passes what kin-openapi rejects (%v): %q", route.Operation.OperationID, sh.status, kinErr, body)
			}
		case fail:
			if kinErr == nil {
				t.Errorf("%s %d: compiled check rejects what kin-openapi passes: %q", route.Operation.OperationID, sh.status, body)
			}
		}
	})
}

// TestFastCheckValidatesDeclaredHeaders: when the body passes the compiled
// check, the response's declared headers are still validated.
func TestFastCheckValidatesDeclaredHeaders(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: headers, version: "1"}
servers: [{url: "https://api.groupme.com/v3"}]
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: things
          headers:
            X-Count: {required: true, schema: {type: integer}}
          content:
            application/json:
              schema: {type: object, required: [things], properties: {things: {type: array, items: {type: string}}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	base, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	v := &Validator{doc: doc, router: router, opts: base.opts, headerOpts: base.headerOpts}
	req, _ := http.NewRequest(http.MethodGet, "https://api.groupme.com/v3/things", nil)
	for _, c := range []struct {
		count, body string
		ok          bool
	}{
		{"3", `{"things":["a"]}`, true},
		{"", `{"things":["a"]}`, false},
		{"three", `{"things":["a"]}`, false},
		{"3", `{"things":[1]}`, false},
	} {
		h := http.Header{"Content-Type": {"application/json"}}
		if c.count != "" {
			h.Set("X-Count", c.count)
		}
		route, params, err := v.route(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := v.quickCheck(req, route, params, 200, h, []byte(c.body)); !ok {
			t.Fatalf("X-Count %q: no compiled check", c.count)
		}
		err = v.ValidateResponse(req, 200, h, []byte(c.body))
		if (err == nil) != c.ok {
			t.Errorf("X-Count %q, body %s: got %v, want ok=%v", c.count, c.body, err, c.ok)
		}
		if kinErr := v.validateResponseKin(req, route, params, 200, h, []byte(c.body)); (kinErr == nil) != c.ok {
			t.Errorf("X-Count %q, body %s: kin-openapi says %v, want ok=%v", c.count, c.body, kinErr, c.ok)
		}
	}
}
