// Command groupme reads and writes GroupMe from the command line: groups,
// messages, direct messages, likes, bots, uploads, and whole-history exports.
//
// With a token (--token, GROUPME_TOKEN, or the config file) it talks to the
// real GroupMe. Without one, or with --fake, it starts a fake GroupMe inside
// the process, seeded with a realistic dataset, so every command can be
// tried on any machine.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		getenv:    os.Getenv,
		stderrTTY: isTerminal(os.Stderr),
	})
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a character device, which is what a
// terminal looks like; pipes and files are not.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
