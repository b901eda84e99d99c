package client

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/contracttest"
)

// notCovered lists spec operations the Client deliberately has no method
// for, each with its reason. It is expected to stay empty.
var notCovered = map[string]string{}

// methodFor finds the method for operation id: the same name in Go form,
// initialisms aside (enableSmsMode -> EnableSMSMode).
func methodFor(typ reflect.Type, id string) (string, bool) {
	for i := range typ.NumMethod() {
		if m := typ.Method(i).Name; strings.EqualFold(m, id) {
			return m, true
		}
	}
	return strings.ToUpper(id[:1]) + id[1:], false
}

// TestEveryOperationHasAMethod parses the embedded openapi.yaml and checks
// that each operationId under paths has a *Client method of the same name
// in Go form (listGroups -> ListGroups). Callback operations
// (receiveBotCallback) are served by CallbackHandler, not called.
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	ops, err := contracttest.OperationIDs()
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeFor[*Client]()
	if len(ops) < 37 {
		t.Errorf("the spec has %d operations, expected at least 37", len(ops))
	}
	for _, id := range ops {
		name, has := methodFor(typ, id)
		reason, allowed := notCovered[id]
		switch {
		case !has && !allowed:
			t.Errorf("operation %s has no (*Client).%s method", id, name)
		case has && allowed:
			t.Errorf("operation %s is allow-listed (%s) but (*Client).%s exists: drop it from notCovered", id, reason, name)
		}
	}
	for id := range notCovered {
		if !slices.Contains(ops, id) {
			t.Errorf("notCovered names %s, which the spec does not have", id)
		}
	}
}
