//go:build unix

package main

import (
	"os"
	"strings"
	"testing"
)

func TestBackupRefusesADirectoryInUse(t *testing.T) {
	t.Parallel()
	s := startFakeServer(t, 50)
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	unlock, err := lockBackup(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	r := s.run(t, "backup", dir)
	if r.code != exitAPI || !strings.Contains(r.stderr, "another backup is writing") {
		t.Errorf("with the directory locked: exit %d\n%s", r.code, r.stderr)
	}
	unlock()
	if r := s.run(t, "backup", dir); r.code != exitOK {
		t.Errorf("once unlocked: exit %d\n%s", r.code, r.stderr)
	}
}
