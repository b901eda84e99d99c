package contracttest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/groupme-go/groupme/gen"
)

// realCallbackDir holds bodies GroupMe really POSTed to bots' callback
// URLs, published by other projects and anonymized like the rest of the
// corpus: one file per source (see testdata/real/README.md).
const realCallbackDir = "testdata/real/callbacks"

// realCallbackFile is one source of real callback bodies.
type realCallbackFile struct {
	Source    string            `json:"source"`
	Retrieved string            `json:"retrieved"`
	License   string            `json:"license"`
	Callbacks []json.RawMessage `json:"callbacks"`
}

var loadRealCallbacks = jsonDirLoader[realCallbackFile](realCallbackDir)

// TestRealCallbacksMatchSpec checks every real callback body against the
// spec's BotCallback schema and decodes it into the generated type.
func TestRealCallbacksMatchSpec(t *testing.T) {
	t.Parallel()
	schema := newTestValidator(t).Spec().Components.Schemas["BotCallback"]
	if schema == nil || schema.Value == nil {
		t.Fatal("the spec has no BotCallback schema")
	}
	n := 0
	for _, f := range loadRealCallbacks(t) {
		if f.value.Source == "" || f.value.Retrieved == "" || f.value.License == "" || len(f.value.Callbacks) == 0 {
			t.Errorf("%s: source, retrieved, license and callbacks must all be set", f.name)
		}
		for i, body := range f.value.Callbacks {
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Errorf("%s[%d]: %v", f.name, i, err)
				continue
			}
			if err := schema.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
				t.Errorf("%s[%d]: the spec's BotCallback rejects it: %v", f.name, i, err)
			}
			var cb gen.BotCallback
			if err := json.NewDecoder(bytes.NewReader(body)).Decode(&cb); err != nil || cb.ID == "" || cb.GroupID == "" {
				t.Errorf("%s[%d]: read as gen.BotCallback: %+v, %v", f.name, i, cb, err)
			}
			n++
		}
	}
	if n < 4 {
		t.Fatalf("only %d real callbacks loaded from %s", n, realCallbackDir)
	}
	t.Logf("%d real callbacks match the spec", n)
}
