//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockBackup takes an exclusive lock on DIR/.lock, so that two backups
// never write the same directory at once. The kernel drops the lock when
// the process ends, however it ends (kill -9 included).
func lockBackup(root *os.Root, dir string) (unlock func(), err error) {
	f, err := root.OpenFile(".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close() // never locked; the lock's error is the one to report
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another backup is writing %s; wait for it to finish", dir)
		}
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return func() { _ = f.Close() }, nil
}
