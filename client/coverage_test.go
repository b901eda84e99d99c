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

// specOperations reads the embedded openapi.yaml and returns its
// operationIds, split by the x-unofficial mark.
func specOperations(t *testing.T) (official, unofficial []string) {
	t.Helper()
	doc, err := contracttest.LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if mark, ok := op.Extensions["x-unofficial"]; ok && mark == true {
				unofficial = append(unofficial, op.OperationID)
			} else {
				official = append(official, op.OperationID)
			}
		}
	}
	slices.Sort(official)
	slices.Sort(unofficial)
	return official, unofficial
}

// TestEveryOperationHasAMethod checks that each operationId under the
// spec's paths has exactly one method of the same name in Go form
// (listGroups -> ListGroups): an official operation on *Client and not on
// *Unofficial, an operation marked x-unofficial on *Unofficial and not on
// *Client. Callback operations (receiveBotCallback) are served by
// CallbackHandler, not called.
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	official, unofficial := specOperations(t)
	if len(official) != 37 {
		t.Errorf("the spec has %d official operations, expected 37", len(official))
	}
	if len(unofficial) < 65 {
		t.Errorf("the spec has %d unofficial operations, expected at least 65", len(unofficial))
	}
	clientT, unofficialT := reflect.TypeFor[*Client](), reflect.TypeFor[*Unofficial]()
	check := func(id string, home, other reflect.Type) {
		name, has := methodFor(home, id)
		reason, allowed := notCovered[id]
		switch {
		case !has && !allowed:
			t.Errorf("operation %s has no (%v).%s method", id, home, name)
		case has && allowed:
			t.Errorf("operation %s is allow-listed (%s) but (%v).%s exists: drop it from notCovered", id, reason, home, name)
		}
		if name, wrong := methodFor(other, id); wrong {
			t.Errorf("operation %s has a (%v).%s method; it belongs on %v only", id, other, name, home)
		}
	}
	for _, id := range official {
		check(id, clientT, unofficialT)
	}
	for _, id := range unofficial {
		check(id, unofficialT, clientT)
	}
	all := slices.Concat(official, unofficial)
	for id := range notCovered {
		if !slices.Contains(all, id) {
			t.Errorf("notCovered names %s, which the spec does not have", id)
		}
	}
}
