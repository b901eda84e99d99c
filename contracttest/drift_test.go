package contracttest

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

var strictDrift = flag.Bool("strict-drift", false,
	"fail TestUndocumentedProperties when recorded responses carry properties the spec does not describe (also: GROUPME_STRICT_DRIFT=1)")

// TestUndocumentedProperties reports properties that response bodies carry
// but the response schemas do not describe, in both sets: the written
// recordings and the real corpus (each finding says which). It is a
// report: findings are logged, and fail the test only with -strict-drift
// or GROUPME_STRICT_DRIFT=1.
func TestUndocumentedProperties(t *testing.T) {
	t.Parallel()
	v := newTestValidator(t)
	type entry struct {
		set, op string
		ex      exchange
	}
	var entries []entry
	for _, f := range loadRecordings(t) {
		for _, ex := range f.Exchanges {
			entries = append(entries, entry{"written", f.OperationID, ex})
		}
	}
	for _, ex := range realExchanges(t) {
		op, err := v.RouteFor(ex.Request.httpRequest(t))
		if err != nil {
			t.Errorf("%s: %v", ex.Name, err)
			continue
		}
		entries = append(entries, entry{"real", op, ex})
	}
	findings := map[string]int{} // "set operation status path" -> occurrences
	walked := map[string]int{}   // set -> JSON bodies walked
	for _, e := range entries {
		ex := e.ex
		if ex.Response.Body == nil {
			continue
		}
		schema, err := responseSchema(v, ex)
		if err != nil {
			t.Errorf("%s / %q: %v", e.op, ex.Name, err)
			continue
		}
		if schema == nil {
			continue // declared without a schema: anything goes
		}
		var body any
		if err := json.Unmarshal(ex.Response.Body, &body); err != nil {
			t.Errorf("%s / %q: response body: %v", e.op, ex.Name, err)
			continue
		}
		walked[e.set]++
		for _, p := range undocumentedProperties(schema, body) {
			findings[fmt.Sprintf("%s %s %d %s", e.set, e.op, ex.Response.Status, p)]++
		}
	}
	keys := slices.Sorted(maps.Keys(findings))
	for _, k := range keys {
		t.Logf("undocumented: %s (%d×)", k, findings[k])
	}
	t.Logf("summary: %d undocumented properties (distinct set/operation/status/path) in %d written and %d real JSON response bodies",
		len(keys), walked["written"], walked["real"])
	if len(keys) > 0 && (*strictDrift || os.Getenv("GROUPME_STRICT_DRIFT") == "1") {
		t.Errorf("%d undocumented properties (strict drift mode)", len(keys))
	}
}

// responseSchema returns the schema the spec declares for ex's response
// (nil when the response is declared without one).
func responseSchema(v *Validator, ex exchange) (*openapi3.Schema, error) {
	req, err := ex.Request.newHTTPRequest()
	if err != nil {
		return nil, err
	}
	route, _, err := v.route(req)
	if err != nil {
		return nil, err
	}
	ref := route.Operation.Responses.Status(ex.Response.Status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("status %d is not documented", ex.Response.Status)
	}
	mt := ref.Value.Content.Get(ex.Response.header().Get("Content-Type"))
	if mt == nil || mt.Schema == nil {
		return nil, nil
	}
	return mt.Schema.Value, nil
}

// undocumentedProperties walks value alongside schema and returns, sorted
// and without repeats, the JSON paths (such as
// "$.response.messages[].attachments[].blur_hash") of object properties the
// schema does not describe.
//
// The walk resolves allOf (a property described by any member counts),
// oneOf/anyOf (the branch a discriminator selects, else the first branch
// the value validates against, else all branches), array items and
// additionalProperties schemas. Objects whose schema declares no properties
// at all are free-form and not reported.
func undocumentedProperties(schema *openapi3.Schema, value any) []string {
	found := map[string]bool{}
	walkSchema(schema, value, "$", found)
	return slices.Sorted(maps.Keys(found))
}

func walkSchema(schema *openapi3.Schema, value any, path string, found map[string]bool) {
	if schema == nil || value == nil {
		return
	}
	candidates := flatten(schema, value, nil, 0)
	switch val := value.(type) {
	case map[string]any:
		declares := false
		for _, s := range candidates {
			if len(s.Properties) > 0 {
				declares = true
			}
		}
		for _, key := range slices.Sorted(maps.Keys(val)) {
			child := path + "." + key
			described := false
			for _, s := range candidates {
				if p := s.Properties[key]; p != nil && p.Value != nil {
					described = true
					walkSchema(p.Value, val[key], child, found)
				}
			}
			if described {
				continue
			}
			for _, s := range candidates {
				if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
					described = true
					walkSchema(ap.Value, val[key], path+".*", found)
				}
				if has := s.AdditionalProperties.Has; has != nil && *has {
					described = true // additionalProperties: true
				}
			}
			if !described && declares {
				found[child] = true
			}
		}
	case []any:
		for _, s := range candidates {
			if s.Items == nil || s.Items.Value == nil {
				continue
			}
			for _, item := range val {
				walkSchema(s.Items.Value, item, path+"[]", found)
			}
		}
	}
}

// flatten returns schema and every schema that also applies to value
// through allOf, oneOf and anyOf.
func flatten(schema *openapi3.Schema, value any, out []*openapi3.Schema, depth int) []*openapi3.Schema {
	if schema == nil || depth > 32 || slices.Contains(out, schema) {
		return out
	}
	out = append(out, schema)
	for _, s := range schema.AllOf {
		if s.Value != nil {
			out = flatten(s.Value, value, out, depth+1)
		}
	}
	for _, branches := range []openapi3.SchemaRefs{schema.OneOf, schema.AnyOf} {
		for _, b := range chooseBranches(schema, branches, value) {
			out = flatten(b, value, out, depth+1)
		}
	}
	return out
}

// chooseBranches picks the oneOf/anyOf branches that describe value.
func chooseBranches(parent *openapi3.Schema, branches openapi3.SchemaRefs, value any) []*openapi3.Schema {
	if len(branches) == 0 {
		return nil
	}
	if d := parent.Discriminator; d != nil {
		obj, _ := value.(map[string]any)
		tag, _ := obj[d.PropertyName].(string)
		want := d.Mapping[tag].Ref
		for _, b := range branches {
			if b.Value == nil {
				continue
			}
			if (want != "" && b.Ref == want) || (want == "" && tag != "" && strings.HasSuffix(b.Ref, "/"+tag)) {
				return []*openapi3.Schema{b.Value}
			}
		}
		return nil // an unknown tag: validation reports it
	}
	for _, b := range branches {
		if b.Value != nil && b.Value.VisitJSON(value, openapi3.VisitAsResponse()) == nil {
			return []*openapi3.Schema{b.Value}
		}
	}
	var all []*openapi3.Schema
	for _, b := range branches {
		if b.Value != nil {
			all = append(all, b.Value)
		}
	}
	return all
}

// TestUndocumentedPropertiesWalker runs the drift walker on a small
// synthetic schema with known extras, so the report above is known to
// find what it should and nothing else.
func TestUndocumentedPropertiesWalker(t *testing.T) {
	t.Parallel()
	const spec = `
openapi: 3.0.3
info: {title: walker, version: "1"}
paths: {}
components:
  schemas:
    Envelope:
      type: object
      properties:
        response: {$ref: '#/components/schemas/Group'}
        meta:
          type: object
          properties:
            code: {type: integer}
            errors:
              oneOf:
                - type: array
                  items: {type: string}
                - type: object
                  additionalProperties: {type: string}
    Group:
      allOf:
        - $ref: '#/components/schemas/Named'
        - type: object
          properties:
            members:
              type: array
              nullable: true
              items: {$ref: '#/components/schemas/Member'}
            attachments:
              type: array
              items: {$ref: '#/components/schemas/Attachment'}
            labels:
              type: object
              additionalProperties:
                type: object
                properties:
                  color: {type: string}
            event:
              type: object
              properties:
                type: {type: string}
                data: {type: object}
            extras:
              type: object
              properties:
                kind: {type: string}
              additionalProperties: true
    Named:
      type: object
      properties:
        id: {type: string}
        name: {type: string}
    Member:
      type: object
      properties:
        user_id: {type: string}
    Attachment:
      oneOf:
        - $ref: '#/components/schemas/ImageAttachment'
        - $ref: '#/components/schemas/LocationAttachment'
      discriminator:
        propertyName: type
        mapping:
          image: '#/components/schemas/ImageAttachment'
          location: '#/components/schemas/LocationAttachment'
    ImageAttachment:
      type: object
      properties:
        type: {type: string}
        url: {type: string}
    LocationAttachment:
      type: object
      properties:
        type: {type: string}
        lat: {type: string}
        lng: {type: string}
`
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatal(err)
	}
	const body = `{
	  "response": {
	    "id": "1", "name": "g", "office_mode": false,
	    "members": [{"user_id": "2", "roles": ["admin"]}, {"user_id": "3"}],
	    "attachments": [
	      {"type": "image", "url": "https://i.groupme.com/1x1.png.a", "blur_hash": "L00"},
	      {"type": "location", "lat": "1", "lng": "2", "url": "not on locations"},
	      {"type": "hologram", "depth": 3}
	    ],
	    "labels": {"fast": {"color": "red", "shade": "dark"}},
	    "event": {"type": "x", "data": {"anything": 1}},
	    "extras": {"kind": "open", "whatever": [1, 2]}
	  },
	  "meta": {"code": 400, "errors": {"filter": "cannot be blank"}},
	  "extra_top": true
	}`
	var value any
	if err := json.Unmarshal([]byte(body), &value); err != nil {
		t.Fatal(err)
	}
	got := undocumentedProperties(doc.Components.Schemas["Envelope"].Value, value)
	want := []string{
		"$.extra_top",
		"$.response.attachments[].blur_hash",
		"$.response.attachments[].url",
		"$.response.labels.*.shade",
		"$.response.members[].roles",
		"$.response.office_mode",
	}
	if !slices.Equal(got, want) {
		t.Errorf("undocumentedProperties:\n got %q\nwant %q", got, want)
	}
}
