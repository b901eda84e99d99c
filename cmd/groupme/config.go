package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// The config file keeps the token between runs:
// <user config dir>/groupme/config.json ($XDG_CONFIG_HOME or ~/.config on
// Linux), holding {"token": "..."}. `groupme login` writes it atomically
// with mode 0600 in a 0700 directory; keys other than "token" are kept.
// This file is the only place the program reads or writes it.

// configFile is the config file's path, or "" when the system has no user
// config directory.
func (e env) configFile() string {
	dir := e.configDir
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		dir = d
	}
	return filepath.Join(dir, "groupme", "config.json")
}

// maxConfigSize bounds what is read from the config file.
const maxConfigSize = 1 << 20

// readConfig returns the config file's keys (nil when there is no file).
// Like ssh, it warns when the file is readable by other users.
func (e env) readConfig() (map[string]json.RawMessage, error) {
	path := e.configFile()
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	defer func() { _ = f.Close() }() // only read
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("config file %s is not a regular file", path)
	}
	if fi.Size() > maxConfigSize {
		return nil, fmt.Errorf("config file %s is larger than %d bytes", path, maxConfigSize)
	}
	if err := checkConfigOwner(path, fi); err != nil {
		return nil, err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		fmt.Fprintf(e.stderr, "groupme: warning: %s holds your token and other users can read it (mode %04o); run: chmod 600 %s\n", path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if len(b) > maxConfigSize {
		return nil, fmt.Errorf("config file %s is larger than %d bytes", path, maxConfigSize)
	}
	var c map[string]json.RawMessage
	if err := json.Unmarshal(b, &c); err != nil {
		// Never echo the file's content: it holds a secret.
		return nil, fmt.Errorf("config file %s is not a JSON object", path)
	}
	return c, nil
}

// tokenFromConfig reads the token from the config file, if there is one.
func (e env) tokenFromConfig() (string, error) {
	c, err := e.readConfig()
	if err != nil || c["token"] == nil {
		return "", err
	}
	var token string
	if err := json.Unmarshal(c["token"], &token); err != nil {
		return "", fmt.Errorf("config file %s: \"token\" is not a string", e.configFile())
	}
	return token, nil
}

// storeToken writes token into the config file ("" removes it; a file
// left with no keys is deleted). It returns the file's path.
func (e env) storeToken(token string) (string, error) {
	path := e.configFile()
	if path == "" {
		return "", errors.New("this system has no user config directory to keep the token in (set $HOME or $XDG_CONFIG_HOME)")
	}
	c, err := e.readConfig()
	if err != nil {
		return path, err
	}
	if c == nil {
		c = map[string]json.RawMessage{}
	}
	if token == "" {
		if _, ok := c["token"]; !ok {
			return path, nil
		}
		delete(c, "token")
		if len(c) == 0 {
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return path, err
			}
			return path, nil
		}
	} else {
		c["token"], _ = json.Marshal(token)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return path, err
	}
	return path, writeFileAtomic(path, append(b, '\n'))
}

// writeFileAtomic replaces path with data so that a reader sees the old
// file or the new one, never a part: it writes a temporary file with mode
// 0600 beside it, syncs it and renames it over path. The directory is
// created (or narrowed) to mode 0700.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// Narrow the directory itself, never what a link points at: a
	// symlinked config directory keeps its target's mode.
	if fi, err := os.Lstat(dir); err == nil && fi.IsDir() && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(dir, ".config-*.json") // mode 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			// Cleaning up after err, which is what is reported.
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
