package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/cmd/groupme/internal/index"
	"github.com/groupme-go/groupme/contracttest"
)

// TestBackupThenSearch: after a backup of the fake with a message that
// holds a unique word, search prints exactly that message; the backup kept
// the index up to date by itself; a new message appears in search after the
// next backup; a missing index is rebuilt by search, and by index.
func TestBackupThenSearch(t *testing.T) {
	t.Parallel()
	s := startFakeServer(t, 300)
	c := s.client(t)
	group := s.ds.Groups[0]
	m, err := c.CreateMessage(t.Context(), group, client.NewMessage{Text: client.Ptr("meet at the quokkaberry cabin at noon")})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backup")
	if r := s.run(t, "backup", dir); r.code != exitOK {
		t.Fatalf("backup: exit %d\n%s", r.code, r.stderr)
	}
	r := s.run(t, "--json", "search", dir, "quokkaberry")
	var hits []index.Hit
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &hits) != nil || len(hits) != 1 || hits[0].MessageID != m.ID || hits[0].ConversationID != group {
		t.Fatalf("search --json: exit %d, %s %s", r.code, r.stdout, r.stderr)
	}
	if hits[0].Snippet != "meet at the [quokkaberry] cabin at noon" {
		t.Errorf("snippet %q", hits[0].Snippet)
	}
	r = s.run(t, "search", dir, "quokkaberry")
	if rows := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != exitOK || len(rows) != 2 || !strings.Contains(rows[1], "[quokkaberry]") {
		t.Errorf("search table: exit %d\n%s", r.code, r.stdout)
	}

	// Nothing matches: said on stderr, exit 0, no table.
	r = s.run(t, "search", dir, "zzyzxnothing")
	if r.code != exitOK || r.stdout != "" || !strings.Contains(r.stderr, "no messages match") {
		t.Errorf("no match: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = s.run(t, "--json", "search", dir, "zzyzxnothing")
	if r.code != exitOK || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("no match --json: exit %d, stdout %q", r.code, r.stdout)
	}
	// A malformed FTS5 query and bad flags are usage errors.
	for _, args := range [][]string{{"search", dir, `"open`}, {"search", dir, "x", "--from", "July"}, {"search", dir}, {"search", t.TempDir(), "x"}} {
		if r := s.run(t, args...); r.code != exitUsage {
			t.Errorf("%q: exit %d, stderr %s", args, r.code, r.stderr)
		}
	}

	// A message sent after the backup is found after the next one.
	m2, err := c.CreateMessage(t.Context(), group, client.NewMessage{Text: client.Ptr("second quokkaberry sighting")})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.run(t, "backup", dir); r.code != exitOK {
		t.Fatalf("second backup: exit %d\n%s", r.code, r.stderr)
	}
	r = s.run(t, "--json", "search", dir, "quokkaberry", "--in", group)
	if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil || len(hits) != 2 || hits[0].MessageID != m2.ID {
		t.Fatalf("after the second backup: %s %s", r.stdout, r.stderr)
	}

	// The index gone: search rebuilds it from the files; index rebuilds it
	// on demand and counts every message.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(filepath.Join(dir, index.FileName+suffix)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	r = s.run(t, "--json", "search", dir, "sighting")
	if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil || len(hits) != 1 || hits[0].MessageID != m2.ID {
		t.Fatalf("search without an index: %s %s", r.stdout, r.stderr)
	}
	r = s.run(t, "--json", "index", dir)
	var st struct{ Messages int }
	total := 0
	for _, e := range readManifestFile(t, dir).Conversations {
		total += e.Count
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || r.code != exitOK || st.Messages != total {
		t.Errorf("index: exit %d, %s; want %d messages", r.code, r.stdout, total)
	}
}

// TestBackupWithoutIndex: --index=false leaves no index behind.
func TestBackupWithoutIndex(t *testing.T) {
	t.Parallel()
	s := startFakeServer(t, 50, contracttest.WithRateLimit(contracttest.RateLimit{Rate: 1000, Burst: 100}))
	dir := filepath.Join(t.TempDir(), "backup")
	if r := s.run(t, "backup", "--index=false", dir); r.code != exitOK {
		t.Fatalf("backup: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, index.FileName)); !os.IsNotExist(err) {
		t.Errorf("--index=false wrote an index (%v)", err)
	}
}
