package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportKeepsOldEraMessagesByteForByte exports the fake's 2014 group,
// whose messages have the shapes GroupMe gave them then (mention ids as
// numbers, emoji charmap entries that are not integer pairs, an attachment
// type the spec does not list, text with &, <, > and U+2028), and checks
// that every line of the file is the message exactly as the fake served
// it.
func TestExportKeepsOldEraMessagesByteForByte(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	group := srv.Dataset.OldEraGroup
	if group == "" {
		t.Fatal("the demo data has no old-era group")
	}
	out := filepath.Join(t.TempDir(), "old.jsonl")
	mustOK(t, runOn(t, srv, "export", group, "--out", out))

	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	served := srv.Fake.GroupMessagesJSON(group)
	if len(lines) != len(served) || len(served) == 0 {
		t.Fatalf("export has %d lines, the group %d messages", len(lines), len(served))
	}
	for i := range served {
		if !bytes.Equal(lines[i], served[i]) {
			t.Errorf("line %d differs from what GroupMe sent:\n got %s\nwant %s", i+1, lines[i], served[i])
		}
	}

	// The era's quirks are in the file, as sent.
	for _, want := range []string{
		`"user_ids":[` + srv.Dataset.Users[1].ID + `]`, // a number, not a string
		`"charmap":[["2",17,27]]`,
		`{"type":"postprocessing"}`,
		`"width":"858","aspectRatio":"35.8974358974359%"`,
		`drive & bring <snacks>?`,
		"Route notes\u2028first pitch",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the export lacks %q", want)
		}
	}
	for _, escaped := range []string{`\u0026`, `\u003c`, `\u2028`} {
		if bytes.Contains(data, []byte(escaped)) {
			t.Errorf("the export escaped a character GroupMe sent raw: %s", escaped)
		}
	}
	for i, l := range lines {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, modern := range []string{"platform", "pinned_by", "reactions"} {
			if _, ok := m[modern]; ok {
				t.Errorf("line %d has %q, which 2015 messages did not carry", i+1, modern)
			}
		}
	}
	if !strings.Contains(string(data), `"sender_type":"system"`) {
		t.Error("the export lacks the old system notice")
	}
}
