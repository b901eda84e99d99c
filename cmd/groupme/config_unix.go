//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// checkConfigOwner refuses a config file that somebody else could have
// put there or can change: one owned by another user, one that others may
// write, or one in a directory that is not the user's or that others may
// write. Such a file could hold another person's token, and every message
// the program sent would then go out under their account. ssh refuses its
// files in the same cases.
func checkConfigOwner(path string, fi os.FileInfo) error {
	uid := os.Getuid()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != uid {
		return fmt.Errorf("config file %s belongs to another user (uid %d); not using it (remove it, or log in again to write your own)", path, st.Uid)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("config file %s can be changed by other users (mode %04o); not using it: run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	dir := filepath.Dir(path)
	di, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	if st, ok := di.Sys().(*syscall.Stat_t); ok && int(st.Uid) != uid {
		return fmt.Errorf("config directory %s belongs to another user (uid %d); not using %s", dir, st.Uid, path)
	}
	if di.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("config directory %s can be changed by other users (mode %04o); not using %s: run chmod 700 %s", dir, di.Mode().Perm(), path, dir)
	}
	return nil
}
