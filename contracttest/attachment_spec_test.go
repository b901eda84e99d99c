package contracttest

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestAttachmentUnionIsOpen checks the shape of the attachment union: any
// type the spec does not list is accepted through OtherAttachment, the
// listed types keep their schemas (a malformed one is still an error), and
// the list OtherAttachment excludes is exactly the discriminator's mapping.
func TestAttachmentUnionIsOpen(t *testing.T) {
	t.Parallel()
	doc, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	schemas := doc.Components.Schemas
	known := schemas["KnownAttachment"].Value
	if known == nil || known.Discriminator == nil {
		t.Fatal("KnownAttachment has no discriminator")
	}
	mapped := slices.Sorted(maps.Keys(known.Discriminator.Mapping))
	if len(mapped) != len(known.OneOf) {
		t.Errorf("KnownAttachment maps %d types but lists %d schemas", len(mapped), len(known.OneOf))
	}
	other := schemas["OtherAttachment"].Value
	typ := other.Properties["type"].Value
	if typ.Not == nil || typ.Not.Value == nil {
		t.Fatal("OtherAttachment.type has no `not`")
	}
	var excluded []string
	for _, v := range typ.Not.Value.Enum {
		s, _ := v.(string)
		excluded = append(excluded, s)
	}
	slices.Sort(excluded)
	if !slices.Equal(excluded, mapped) {
		t.Errorf("OtherAttachment excludes %q, KnownAttachment maps %q: they must be the same list", excluded, mapped)
	}

	union := schemas["Attachment"].Value
	for _, tc := range []struct {
		json string
		ok   bool
	}{
		{`{"type":"image","url":"https://i.groupme.com/1x1.png.a"}`, true},
		{`{"type":"mentions","user_ids":["1",2],"loci":[[0,3],[4,3]]}`, true},
		{`{"type":"mentions","user_ids":[12345678]}`, true},
		{`{"type":"emoji","placeholder":"\ufffd","charmap":[["2",17,27],[1,2]]}`, true},
		{`{"type":"hologram","depth":3,"frames":[{"at":0}]}`, true},
		{`{"type":"hologram"}`, true},
		{`{"type":"image"}`, false},                               // a listed type keeps its required fields
		{`{"type":"location","name":"x","lat":1,"lng":2}`, false}, // and their types
		{`{"url":"https://i.groupme.com/x"}`, false},              // no type at all
		{`{"type":7}`, false},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.json), &v); err != nil {
			t.Fatal(err)
		}
		err := union.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors())
		if (err == nil) != tc.ok {
			t.Errorf("%s: valid = %v, want %v (%v)", tc.json, err == nil, tc.ok, err)
		}
	}
}
