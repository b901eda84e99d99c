package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/groupme-go/groupme/cmd/groupme/internal/index"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (a *app) indexCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "index DIR",
		Short: "Rebuild the search index of a backup from its files",
		Long: `index rebuilds DIR/index.sqlite, the full-text index that search and view
read, from the backup's JSON Lines files, which stay the source of truth.
backup keeps the index up to date by itself; run index after copying a
backup without its index, or if the index was damaged. Nothing is fetched
from GroupMe.`,
		Args: exactArgs("DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dir := args[0]
			if err := checkBackupDir(dir); err != nil {
				return err
			}
			start := a.now()
			ix, err := index.Open(ctx, dir)
			if err != nil {
				return fmt.Errorf("opening the index: %w", err)
			}
			st, err := ix.Rebuild(ctx)
			if cerr := ix.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("indexing %s: %w", dir, err)
			}
			secs := a.now().Sub(start).Seconds()
			return a.out().emit(map[string]any{"dir": dir, "conversations": st.Conversations, "messages": st.Added, "seconds": secs},
				kv("DIR", dir, "CONVERSATIONS", strconv.Itoa(st.Conversations), "MESSAGES", strconv.Itoa(st.Added), "SECONDS", fmt.Sprintf("%.1f", secs)))
		},
	}
}

// checkBackupDir says clearly when dir is not a backup.
func checkBackupDir(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return usagef("%s is not a backup (it has no manifest.json); make one with: groupme backup %s", dir, dir)
		}
		return err
	}
	return nil
}

func (a *app) searchCmd() *cobra.Command {
	var (
		in, by, from, to string
		limit            int
	)
	cmd := &cobra.Command{
		Use:   "search DIR WORDS...",
		Short: "Find messages in a backup: full-text search, newest first",
		Long: `search finds the messages of a backup (made with 'groupme backup DIR') that
hold all the words given, newest first, with the conversation, the sender,
the time and the matching part of the text. It reads DIR/index.sqlite, and
brings it up to date with the backup's files first; nothing is fetched from
GroupMe.

The words are a SQLite FTS5 query, passed through as they are: "a phrase"
in quotes (quote it for the shell too), prefix* matches words that start
with prefix, and OR, NOT and NEAR(a b) combine them. Case and accents do not
matter.

    groupme search backup/ cabin
    groupme search backup/ '"the cabin"' --in Hikers --from 2019-01-01 --to 2020-01-01
    groupme search backup/ 'cab*' --by Ann --json

When nothing matches it says "no messages match" on stderr and exits 0.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef("search needs a backup directory and the words to find: groupme search DIR WORDS...")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in, "in", "", "only this conversation (its id or its name)")
	f.StringVar(&by, "by", "", "only messages of this sender (user id, or part of the name)")
	f.StringVar(&from, "from", "", "only messages sent on or after this day (YYYY-MM-DD, UTC)")
	f.StringVar(&to, "to", "", "only messages sent before this day (YYYY-MM-DD, UTC)")
	f.IntVar(&limit, "limit", 20, fmt.Sprintf("at most this many messages (1-%d)", index.MaxHits))
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		dir := args[0]
		q := index.Query{Match: strings.Join(args[1:], " "), In: in, By: by, Limit: limit}
		if limit < 1 || limit > index.MaxHits {
			return usagef("--limit must be between 1 and %d", index.MaxHits)
		}
		var err error
		if q.From, err = parseDay("--from", from); err != nil {
			return err
		}
		if q.To, err = parseDay("--to", to); err != nil {
			return err
		}
		if err := checkBackupDir(dir); err != nil {
			return err
		}
		if !a.jsonOut && a.stdoutTTY() {
			q.Mark, q.Unmark = "\x1b[1m", "\x1b[22m"
		} else {
			q.Mark, q.Unmark = "[", "]"
		}
		ix, err := index.Open(ctx, dir)
		if err != nil {
			return fmt.Errorf("opening the index: %w", err)
		}
		defer func() { _ = ix.Close() }()
		if _, err := ix.Update(ctx); err != nil {
			return fmt.Errorf("bringing the index up to date: %w", err)
		}
		hits, err := ix.Search(ctx, q)
		if errors.Is(err, index.ErrQuery) {
			return usagef("%v", err)
		}
		if err != nil {
			return err
		}
		if len(hits) == 0 {
			fmt.Fprintln(a.stderr, "no messages match")
		}
		if !a.jsonOut && len(hits) == 0 {
			return nil
		}
		return a.out().emit(hits, searchTable(hits, q.Mark, q.Unmark))
	}
	return cmd
}

// stdoutTTY reports whether standard output is a terminal.
func (a *app) stdoutTTY() bool {
	f, ok := a.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func parseDay(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, usagef("%s %q: give a day as YYYY-MM-DD", flag, s)
	}
	return t, nil
}

// searchTable shows each hit on one line; the snippet's marks (bold on a
// terminal) survive termSafe-style escaping because they are added after
// the text is made safe.
func searchTable(hits []index.Hit, mark, unmark string) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "TIME", "CONVERSATION", "FROM", "MESSAGE")
		for _, h := range hits {
			snippet := clip(h.Snippet, 120)
			if strings.HasPrefix(mark, "\x1b") {
				// Escape the text, then put back the marks.
				snippet = strings.NewReplacer(termSafe(mark), mark, termSafe(unmark), unmark).Replace(termSafe(snippet))
				fmt.Fprintln(w, strings.Join([]string{termSafe(when(h.CreatedAt)), termSafe(clip(h.ConversationName, 30)), termSafe(clip(h.SenderName, 20)), snippet}, "\t"))
				continue
			}
			row(w, when(h.CreatedAt), clip(h.ConversationName, 30), clip(h.SenderName, 20), snippet)
		}
	}
}
