package contracttest

import (
	"maps"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOptionalRequestPropertiesAcceptNull holds the spec to its rule for
// request bodies (info.description, "Requests and null"): in the request
// body of a documented operation, an optional property whose value is a
// string, number, integer or boolean also accepts null, which GroupMe reads
// as "not given". Other clients send every unset field that way (Groupy
// does), and GroupMe accepts it (a 2014 bot creation with
// "callback_url": null answered 201). Schemas that answers use too
// (attachments, the like icon, the join question) are left out: making
// them nullable would change what answers may hold.
func TestOptionalRequestPropertiesAcceptNull(t *testing.T) {
	t.Parallel()
	doc, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	inAnswers := map[*openapi3.Schema]bool{}
	var mark func(s *openapi3.Schema)
	mark = func(s *openapi3.Schema) {
		if s == nil || inAnswers[s] {
			return
		}
		inAnswers[s] = true
		for _, p := range s.Properties {
			mark(p.Value)
		}
		if s.Items != nil {
			mark(s.Items.Value)
		}
		if s.AdditionalProperties.Schema != nil {
			mark(s.AdditionalProperties.Schema.Value)
		}
		for _, refs := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range refs {
				mark(r.Value)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				for _, mt := range r.Value.Content {
					if mt.Schema != nil {
						mark(mt.Schema.Value)
					}
				}
			}
		}
	}

	var missing []string
	checked := 0
	var walk func(s *openapi3.Schema, at string)
	walk = func(s *openapi3.Schema, at string) {
		if s == nil || inAnswers[s] {
			return
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			v := s.Properties[name].Value
			if v == nil {
				continue
			}
			if !slices.Contains(s.Required, name) && isScalar(v) {
				checked++
				if !v.Nullable {
					missing = append(missing, at+"."+name)
				}
			}
			walk(v, at+"."+name)
		}
		if s.Items != nil {
			walk(s.Items.Value, at+"[]")
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil || op.Extensions["x-unofficial"] == true {
				continue
			}
			if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				walk(mt.Schema.Value, method+" "+path)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d optional request properties found: the walk is broken", checked)
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("%s is optional but refuses null", m)
	}
}

func isScalar(s *openapi3.Schema) bool {
	return s.Type.Is("string") || s.Type.Is("integer") || s.Type.Is("number") || s.Type.Is("boolean")
}
