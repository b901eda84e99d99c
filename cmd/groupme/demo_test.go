package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemo runs what `make demo` runs and checks its summary.
func TestDemo(t *testing.T) {
	t.Parallel()
	makefile, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^demo:\n\t\$\(GO\) run \./cmd/groupme demo\b`).Match(makefile) {
		t.Fatalf("make demo no longer runs `go run ./cmd/groupme demo`; update this test with it")
	}
	out := filepath.Join(t.TempDir(), "demo", "export.jsonl")
	// A token in the environment must not make the demo touch the real GroupMe.
	r := runWith(t, t.Context(), map[string]string{"GROUPME_TOKEN": "real-looking-token"}, nil, "demo", "--out", out)
	mustOK(t, r)
	for _, want := range []string{
		"== 1. Your groups ==",
		"== 2. Export group",
		"== 3. Send a message with an image ==",
		"== 4. Like it ==",
		"== 5. Leaderboard (day) ==",
		"groups:      6\n",
		"exported:    10000 messages of group",
		"on the leaderboard: true",
		"export file: " + out + "\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "fake GroupMe") {
		t.Errorf("demo did not say it uses the fake: %q", r.stderr)
	}
	if n := len(exportedIDs(t, out)); n != 10000 {
		t.Errorf("the demo's export holds %d messages, want 10000", n)
	}
}
