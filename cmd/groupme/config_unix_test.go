//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigSomebodyElseCouldHavePlanted: a config file that another user
// owns or can write, or that sits in a directory others can write, is not
// used: the run stops with exit 2 (no usable token) and says why.
func TestConfigSomebodyElseCouldHavePlanted(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	planted := `{"token": "` + srv.Dataset.Users[2].Token + `"}`
	cases := []struct {
		name      string
		setup     func(t *testing.T, dir, file string)
		want      string
		needsRoot bool
	}{
		{"group-writable file", func(t *testing.T, _, file string) { must(t, os.Chmod(file, 0o620)) }, "can be changed by other users", false},
		{"world-writable directory", func(t *testing.T, dir, _ string) { must(t, os.Chmod(dir, 0o777)) }, "config directory", false},
		{"another user's file", func(t *testing.T, _, file string) { must(t, os.Chown(file, 4242, 4242)) }, "belongs to another user", true},
		{"another user's directory", func(t *testing.T, dir, _ string) { must(t, os.Chown(dir, 4242, 4242)) }, "belongs to another user", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.needsRoot && os.Getuid() != 0 {
				t.Skip("changing a file's owner needs root")
			}
			s := newSession(t)
			dir := filepath.Dir(s.configPath())
			must(t, os.MkdirAll(dir, 0o700))
			must(t, os.WriteFile(s.configPath(), []byte(planted), 0o600))
			tc.setup(t, dir, s.configPath())
			r := s.on(srv, "me")
			if r.code == exitOK || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stdout, srv.Dataset.Users[2].Name) {
				t.Errorf("exit %d, stdout %q, stderr %q; want a refusal saying %q", r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
}

// TestLoginLeavesASymlinkedConfigDirectoryAlone: login narrows a config
// directory it owns to 0700, but never changes the mode of what a
// symlinked one points at.
func TestLoginLeavesASymlinkedConfigDirectoryAlone(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := newSession(t)
	target := filepath.Join(t.TempDir(), "shared")
	must(t, os.Mkdir(target, 0o755))
	must(t, os.Symlink(target, filepath.Dir(s.configPath())))
	s.login.stdin = strings.NewReader(srv.Token + "\n")
	r := s.on(srv, "login")
	mustOK(t, r)
	fi, err := os.Stat(target)
	must(t, err)
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("the link's target has mode %04o now, want 0755 as before", fi.Mode().Perm())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
