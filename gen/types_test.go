package gen

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// Each flexible value reads every form GroupMe sends and, where it keeps
// the form, writes it back unchanged.
func TestFlexibleValues(t *testing.T) {
	for _, tc := range []struct{ in, id, number string }{
		{`"12345678"`, "12345678", `"12345678"`},
		{`12345678`, "12345678", `12345678`},
		{`"é\"x"`, "", `"é\"x"`},
	} {
		var n Number
		if err := json.Unmarshal([]byte(tc.in), &n); err != nil {
			t.Fatalf("Number %s: %v", tc.in, err)
		}
		if out, err := json.Marshal(n); err != nil || string(out) != tc.number {
			t.Errorf("Number %s written back as %s, %v", tc.in, out, err)
		}
		if tc.id == "" {
			continue
		}
		var id ID
		if err := json.Unmarshal([]byte(tc.in), &id); err != nil || string(id) != tc.id {
			t.Errorf("ID %s = %q, %v", tc.in, id, err)
		}
	}
	for _, bad := range []string{`1.5`, `true`, `{}`, `[1]`} {
		var id ID
		if json.Unmarshal([]byte(bad), &id) == nil {
			t.Errorf("ID accepted %s", bad)
		}
		var n Number
		if json.Unmarshal([]byte(bad), &n) == nil {
			t.Errorf("Number accepted %s", bad)
		}
	}
	var ts Timestamp
	want := time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC)
	if err := json.Unmarshal([]byte(`"2026-11-29T20:00:00Z"`), &ts); err != nil || !ts.Time().Equal(want) {
		t.Errorf("Timestamp from RFC 3339 = %d, %v", ts, err)
	}
	if err := json.Unmarshal([]byte(strconv.FormatInt(want.Unix(), 10)), &ts); err != nil || !ts.Time().Equal(want) {
		t.Errorf("Timestamp from seconds = %d, %v", ts, err)
	}
	var d SMSDuration
	for in, want := range map[string]string{`4`: `4`, `"always"`: `"always"`} {
		if err := json.Unmarshal([]byte(in), &d); err != nil {
			t.Fatalf("SMSDuration %s: %v", in, err)
		}
		if out, _ := json.Marshal(d); string(out) != want {
			t.Errorf("SMSDuration %s written as %s", in, out)
		}
	}
	if _, err := json.Marshal(SMSDuration{}); err == nil {
		t.Error("the zero SMSDuration was written")
	}
}
