package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/spf13/cobra"
)

const (
	// exportRetries is how often the client itself retries a rate-limited
	// or failed page during an export, before the export's own wait takes
	// over.
	exportRetries = 6
	// exportPage is how many messages each request asks for (GroupMe's
	// maximum).
	exportPage = 100
	// defaultMaxWait bounds the time one export run spends waiting out rate
	// limits and outages, on top of the client's own retries.
	defaultMaxWait = 15 * time.Minute
	// defaultUnavailableWait is how long the export waits when GroupMe
	// says neither how long nor why.
	defaultUnavailableWait = 30 * time.Second
)

type exportOptions struct {
	resume       bool
	maxWait      time.Duration
	allowMissing int
}

func (a *app) exportCmd() *cobra.Command {
	var (
		out  string
		opts exportOptions
	)
	cmd := &cobra.Command{
		Use:   "export GROUP",
		Short: "Write a group's whole history to a JSON Lines file, oldest first",
		Long: `export writes every message of a group, oldest first, one JSON object per
line, each exactly as GroupMe sent it. It stops at the group's newest message
as of the start. It can be stopped at any time (Ctrl-C); run it again with
--resume to continue where it stopped.

Everything written is checked: ids strictly increase over the whole file,
every message belongs to the group, no page repeats, goes backwards, or comes
back empty before the group's newest message, and at the end the file holds
as many messages as GroupMe counts. When a check fails the export stops with
exit code 1, keeping only whole pages that passed, so --resume can continue
once GroupMe behaves. --resume refuses a file of another group, or one that
is not an export, and leaves it untouched.

Rate limits and outages are waited out, up to --max-wait in all. Progress
goes to stderr.`,
		Args: exactArgs("GROUP"),
	}
	cmd.Flags().StringVar(&out, "out", "", "output file (default groupme-GROUP.jsonl)")
	cmd.Flags().BoolVar(&opts.resume, "resume", false, "continue an interrupted export in the same file")
	cmd.Flags().DurationVar(&opts.maxWait, "max-wait", defaultMaxWait, "give up after waiting this long in all for rate limits and outages")
	cmd.Flags().IntVar(&opts.allowMissing, "allow-missing", 0, "accept a file with up to this many fewer messages than GroupMe counts")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if opts.maxWait < 0 || opts.allowMissing < 0 {
			return usagef("--max-wait and --allow-missing must not be negative")
		}
		if err := a.connect(cmd.Context(), false, client.WithRetries(exportRetries)); err != nil {
			return err
		}
		if out == "" {
			out = "groupme-" + args[0] + ".jsonl"
		}
		res, err := a.export(cmd.Context(), args[0], out, opts)
		if err != nil {
			return err
		}
		return a.out().emit(res, kv("FILE", res.File, "MESSAGES", fmt.Sprint(res.Messages), "NEW", fmt.Sprint(res.New), "SECONDS", fmt.Sprintf("%.1f", res.Seconds)))
	}
	return cmd
}

// exportResult summarises an export.
type exportResult struct {
	File     string  `json:"file"`
	Group    string  `json:"group_id"`
	Messages int     `json:"messages"` // lines in the file
	New      int     `json:"new"`      // lines this run added
	Seconds  float64 `json:"seconds"`
}

// pageError is a page that failed the export's checks.
type pageError struct{ msg string }

func (e *pageError) Error() string { return e.msg }

func pageErrorf(format string, args ...any) error { return &pageError{fmt.Sprintf(format, args...)} }

// checkPage checks the page GroupMe sent for after_id=after and returns how
// many of its messages belong in the export (those up to newest, the
// group's newest message when the export started) and whether newest was
// reached. Either the whole page passes or nothing of it is written.
func checkPage(page *client.ArchivePage, groupID, after, newest string) (int, bool, error) {
	if len(page.Messages) == 0 {
		return 0, false, pageErrorf("GroupMe sent an empty page after message %s, before reaching the group's newest message %s", after, newest)
	}
	prev := after
	for i, m := range page.Messages {
		switch {
		case m.ID == "":
			return 0, false, pageErrorf("GroupMe sent a message without an id (message %d of the page after %s)", i+1, after)
		case !isMessageID(m.ID):
			return 0, false, pageErrorf("GroupMe sent a message with id %q, which is not a message id (page after %s)", m.ID, after)
		case m.GroupID != groupID:
			return 0, false, pageErrorf("GroupMe sent message %s of group %q in group %s's history", m.ID, m.GroupID, groupID)
		}
		switch c := compareIDs(m.ID, prev); {
		case c == 0:
			return 0, false, pageErrorf("GroupMe sent message %s twice: the page after %s repeats messages", m.ID, after)
		case c < 0 && i == 0:
			return 0, false, pageErrorf("GroupMe answered the page after message %s with the older message %s: the page repeats or goes backwards", after, m.ID)
		case c < 0:
			return 0, false, pageErrorf("GroupMe sent message %s after message %s: the page after %s is out of order", m.ID, prev, after)
		}
		switch c := compareIDs(m.ID, newest); {
		case c == 0:
			return i + 1, true, nil
		case c > 0:
			return 0, false, pageErrorf("GroupMe skipped the group's newest message %s: the page after %s went on to message %s", newest, after, m.ID)
		}
		prev = m.ID
	}
	return len(page.Messages), false, nil
}

// export streams the group's history after the last exported message into
// path, each message exactly as GroupMe sent it (fields this program does
// not know included), checking every page; see exportCmd. Memory stays
// flat: at most two pages are held, the one being written and the next.
func (a *app) export(ctx context.Context, groupID, path string, opts exportOptions) (exportResult, error) {
	start := a.now()
	res := exportResult{File: path, Group: groupID}
	g, err := a.api.GetGroup(ctx, groupID, nil)
	if err != nil {
		return res, err
	}
	var newest string
	if g.Messages.LastMessageID != nil {
		newest = *g.Messages.LastMessageID
	}
	count := g.Messages.Count
	if newest != "" && !isMessageID(newest) {
		return res, fmt.Errorf("GroupMe gave %q as group %s's newest message id, which is not a message id, so the export cannot be checked", newest, groupID)
	}
	if newest == "" && count > 0 {
		return res, fmt.Errorf("GroupMe counts %d messages in group %s but names no newest message, so the export cannot be checked", count, groupID)
	}
	f, st, err := openExport(path, opts.resume, groupID, newest)
	if err != nil {
		return res, err
	}
	defer f.Close()
	res.Messages = st.count
	// stopped explains a failure after the file was opened: what is in the
	// file is valid, so --resume can go on from it.
	stopped := func(err error) error {
		return fmt.Errorf("%w\n%d messages are in %s, all checked; run the same command with --resume to continue", err, res.Messages, path)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	prog := newProgress(a.stderr, a.stderrTTY, "export "+groupID, count, st.count, a.now)
	// after_id=0 starts before the first message; GroupMe's ids are positive.
	after := st.lastID
	if after == "" {
		after = "0"
	}
	done := newest == "" || after == newest
	var waited time.Duration
	var compact bytes.Buffer
	// The next page is requested while the current one is written, so
	// fetching and writing overlap; at most two pages are held.
	type fetched struct {
		page *client.ArchivePage
		err  error
	}
	fetchCtx, stopFetch := context.WithCancel(ctx)
	defer stopFetch() // a page still in flight when the export fails
	fetch := func(after string) <-chan fetched {
		ch := make(chan fetched, 1)
		go func() {
			p, err := a.api.ListMessagesArchivePage(fetchCtx, groupID, &client.MessageParams{AfterID: after, Limit: exportPage})
			ch <- fetched{p, err}
		}()
		return ch
	}
	var next <-chan fetched
	if !done {
		next = fetch(after)
	}
	for !done {
		r := <-next
		page, err := r.page, r.err
		if err != nil {
			if ctx.Err() != nil {
				prog.finish()
				return res, fmt.Errorf("export interrupted after %d messages; run the same command with --resume to continue", res.Messages)
			}
			wait, why, ok := serverWait(err)
			if !ok {
				prog.finish()
				return res, stopped(err)
			}
			if waited+wait > opts.maxWait {
				prog.finish()
				return res, stopped(fmt.Errorf("giving up: GroupMe is %s and waiting %s more would exceed --max-wait %s (waited %s so far): %w", why, wait, opts.maxWait, waited, err))
			}
			fmt.Fprintf(a.stderr, "\ngroupme: GroupMe is %s; waiting %s before going on\n", why, wait)
			if err := a.sleep(ctx, wait); err != nil {
				return res, fmt.Errorf("export interrupted after %d messages; run the same command with --resume to continue", res.Messages)
			}
			waited += wait
			next = fetch(after)
			continue
		}
		n, reached, cerr := checkPage(page, groupID, after, newest)
		if cerr == nil && !reached {
			next = fetch(page.Messages[n-1].ID)
		}
		for _, m := range page.Messages[:n] {
			line := m.JSON
			if bytes.IndexByte(line, '\n') >= 0 || bytes.IndexByte(line, '\r') >= 0 {
				// Whitespace between tokens (a pretty-printed answer)
				// would break the one-message-per-line format; strings
				// cannot hold raw newlines, so compacting changes nothing
				// else.
				compact.Reset()
				if err := json.Compact(&compact, line); err != nil {
					return res, stopped(fmt.Errorf("message %s: %w", m.ID, err))
				}
				line = compact.Bytes()
			}
			w.Write(line)
			w.WriteByte('\n')
		}
		// Whole pages reach the file one by one, so an interruption loses
		// at most the page in flight.
		if err := w.Flush(); err != nil {
			prog.finish()
			// A *PathError names the file once. Complete lines already
			// written were checked; --resume drops a partial one.
			return res, fmt.Errorf("%w; once that is fixed, run the same command with --resume to continue", err)
		}
		if n > 0 {
			after = page.Messages[n-1].ID
		}
		res.Messages += n
		res.New += n
		prog.add(n)
		if cerr != nil {
			prog.finish()
			return res, stopped(cerr)
		}
		done = reached
	}
	prog.finish()
	if err := f.Sync(); err != nil {
		return res, err
	}
	res.Seconds = a.now().Sub(start).Seconds()
	if err := checkCount(res.Messages, count, opts.allowMissing, a.stderr); err != nil {
		return res, fmt.Errorf("%w; the file %s is kept", err, path)
	}
	return res, nil
}

// checkCount compares the lines in the file with the count GroupMe gave at
// the start. Deleted messages stay in GroupMe's listings (as tombstones), so
// a listing that matches the count holds every message: fewer lines means
// the server skipped some, which only the count can reveal.
func checkCount(lines, count, allowMissing int, warn interface{ Write([]byte) (int, error) }) error {
	switch missing := count - lines; {
	case missing > allowMissing:
		return fmt.Errorf("the export holds %d messages but GroupMe counts %d: %d are missing, so GroupMe skipped messages while paging; export again without --resume, or accept the shortfall with --allow-missing %d", lines, count, missing, missing)
	case missing > 0:
		fmt.Fprintf(warn, "groupme: warning: the export holds %d messages but GroupMe counts %d (%d missing, accepted by --allow-missing)\n", lines, count, missing)
	case missing < 0:
		fmt.Fprintf(warn, "groupme: warning: the export holds %d messages but GroupMe counts only %d\n", lines, count)
	}
	return nil
}

// serverWait says whether err is worth waiting out (rate limits and
// unavailability, after the client's own retries), for how long, and what
// GroupMe is.
func serverWait(err error) (time.Duration, string, bool) {
	var why string
	switch {
	case errors.Is(err, client.ErrRateLimited):
		why = "rate limiting"
	case errors.Is(err, client.ErrUnavailable):
		why = "unavailable"
	default:
		return 0, "", false
	}
	var api *client.APIError
	if errors.As(err, &api) && api.RetryAfter > 0 {
		return api.RetryAfter, why, true
	}
	return defaultUnavailableWait, why, true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
