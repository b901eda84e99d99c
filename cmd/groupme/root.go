package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK    = 0
	exitAPI   = 1 // the API (or the file system, or the network) said no
	exitUsage = 2 // the command line was wrong
)

// env is what the program takes from its surroundings, so tests can run it
// in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	stderrTTY      bool
	now            func() time.Time // nil: time.Now
	configDir      string           // "": os.UserConfigDir()
	fakeOpts       []contracttest.Option
	clientOpts     []client.Option
	sleep          func(context.Context, time.Duration) error // nil: a real timer (gallery waits)
}

// usageError marks a mistake on the command line (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, e env) int {
	if e.now == nil {
		e.now = time.Now
	}
	a := &app{env: e}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.ExecuteContext(ctx)
	a.close()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(e.stderr, "groupme:", err)
	if isUsage(err) {
		return exitUsage
	}
	return exitAPI
}

func isUsage(err error) bool {
	var u usageError
	// Flag and argument errors arrive as usageError (SetFlagErrorFunc,
	// exactArgs); cobra reports an unknown command with a plain error.
	// Matching only the start keeps API errors that happen to contain
	// similar words from turning into exit code 2.
	return errors.As(err, &u) || strings.HasPrefix(err.Error(), "unknown command")
}

// exactArgs is cobra.ExactArgs with a usage error and the argument names.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usagef("%s needs %d argument(s): %s (got %d)", cmd.CommandPath(), len(names), strings.Join(names, " "), len(args))
		}
		return nil
	}
}

// configFile is where the token may be kept: <user config dir>/groupme/config.json,
// holding {"token": "..."}.
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

// tokenFromConfig reads the token from the config file, if there is one.
func (e env) tokenFromConfig() (string, error) {
	path := e.configFile()
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var c struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		// Never echo the file's content: it holds a secret.
		return "", fmt.Errorf("config file %s is not valid JSON", path)
	}
	return c.Token, nil
}
