package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
	now            func() time.Time                           // nil: time.Now
	sleep          func(context.Context, time.Duration) error // nil: a timer
	configDir      string                                     // "": os.UserConfigDir()
	fakeOpts       []contracttest.Option
	clientOpts     []client.Option
	login          loginEnv // what login reads and opens; see login.go
	// exportFile wraps the file an export writes (nil: the file itself);
	// tests make its Sync or Close fail.
	exportFile func(*os.File) exportFile
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
	if e.sleep == nil {
		e.sleep = sleepCtx
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
	// Errors of the client library start with "groupme:" themselves.
	fmt.Fprintln(e.stderr, "groupme:", strings.TrimPrefix(err.Error(), "groupme: "))
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

// exactArgs is cobra.ExactArgs with a usage error in plain words that
// names the arguments.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
		switch {
		case len(args) == len(names):
			return nil
		case len(names) == 0 && cmd.HasAvailableSubCommands():
			var subs []string
			for _, c := range cmd.Commands() {
				if c.IsAvailableCommand() {
					subs = append(subs, c.Name())
				}
			}
			return usagef("%s has no subcommand %q; use one of: %s", path, args[0], strings.Join(subs, ", "))
		case len(names) == 0:
			return usagef("%s takes no arguments, but was given %q", path, strings.Join(args, " "))
		case len(args) < len(names):
			return usagef("%s needs %s; %s is missing", path, strings.Join(names, " "), strings.Join(names[len(args):], " "))
		default:
			return usagef("%s needs only %s; %q is one argument too many", path, strings.Join(names, " "), args[len(names)])
		}
	}
}
