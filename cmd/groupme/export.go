package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/cmd/groupme/internal/msgid"
	"github.com/groupme-go/groupme/internal/pacer"
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
	// pacedRetryWait is how long an export waits, on top of the pacer, when
	// the client gave up on a refused page.
	pacedRetryWait = time.Second
)

type exportOptions struct {
	resume       bool
	maxWait      time.Duration
	allowMissing int
	// paced: the client has a pacer, which spaces retries itself.
	paced bool
	// quiet: waits are not reported on stderr (a backup's progress says
	// how it goes).
	quiet bool
	// again says how to continue after a stop ("run the same command
	// with --resume to continue").
	again string
	// onPage, when set, sees the messages of each page once they are
	// written (a backup collects their pictures).
	onPage func([]client.ArchivedMessage)
	// budget, when set, is --max-wait shared with the client's own waits
	// (export's pacer counts them); without it only the export's own
	// waits count.
	budget *waitBudget
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
		// --max-wait counts every wait, the client's included: its pacer
		// is wrapped to count them (waitbudget.go).
		opts.budget = newWaitBudget(opts.maxWait, a.now)
		if err := a.connect(cmd.Context(), false, client.WithRetries(exportRetries), client.WithPacer(budgetPacer{inner: pacer.New(), b: opts.budget})); err != nil {
			return err
		}
		opts.paced = true
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

// conversation is what an export walks: a group, or a direct
// conversation with another user, as GroupMe described it at the start.
type conversation struct {
	kind   string // "group" or "chat"
	id     string // the group's id, or the other user's
	convID string // for a chat, the conversation id its messages carry ("A+B")
	name   string
	count  int    // GroupMe's message count
	newest string // the newest message's id, "" when there is none
}

func (c conversation) String() string {
	if c.kind == "chat" {
		return "the direct conversation with user " + c.id
	}
	return "group " + c.id
}

// check says whether GroupMe's description can be exported with checks.
func (c conversation) check() error {
	if c.newest != "" && !msgid.Valid(c.newest) {
		return fmt.Errorf("GroupMe gave %q as %s's newest message id, which is not a message id, so the export cannot be checked", c.newest, c)
	}
	if c.newest == "" && c.count > 0 {
		return fmt.Errorf("GroupMe counts %d messages in %s but names no newest message, so the export cannot be checked", c.count, c)
	}
	return nil
}

// owns reports whether a message with these group_id and conversation_id
// belongs to the conversation, and if not says why (to follow "message N").
func (c conversation) owns(groupID, convID string) error {
	if c.kind == "chat" {
		// GroupMe may leave conversation_id out; the page was asked for
		// this conversation, so only a different one is wrong.
		if convID != "" && convID != c.convID {
			return fmt.Errorf("of conversation %q", convID)
		}
		if groupID != "" {
			return fmt.Errorf("of group %q", groupID)
		}
		return nil
	}
	if groupID != c.id {
		return fmt.Errorf("of group %q", groupID)
	}
	return nil
}

// checkPage checks the page GroupMe sent for after_id=after and returns how
// many of its messages belong in the export (those up to newest, the
// conversation's newest message when the export started) and whether
// newest was reached. Either the whole page passes or nothing of it is
// written.
func checkPage(page *client.ArchivePage, conv conversation, after string) (int, bool, error) {
	newest := conv.newest
	if len(page.Messages) == 0 {
		return 0, false, pageErrorf("GroupMe sent an empty page after message %s, before reaching %s's newest message %s", after, conv, newest)
	}
	prev := after
	for i, m := range page.Messages {
		switch {
		case m.ID == "":
			return 0, false, pageErrorf("GroupMe sent a message without an id (message %d of the page after %s)", i+1, after)
		case !msgid.Valid(m.ID):
			return 0, false, pageErrorf("GroupMe sent a message with id %q, which is not a message id (page after %s)", m.ID, after)
		}
		if err := conv.owns(m.GroupID, m.ConversationID); err != nil {
			return 0, false, pageErrorf("GroupMe sent message %s %v in %s's history", m.ID, err, conv)
		}
		switch c := msgid.Compare(m.ID, prev); {
		case c == 0:
			return 0, false, pageErrorf("GroupMe sent message %s twice: the page after %s repeats messages", m.ID, after)
		case c < 0 && i == 0:
			return 0, false, pageErrorf("GroupMe answered the page after message %s with the older message %s: the page repeats or goes backwards", after, m.ID)
		case c < 0:
			return 0, false, pageErrorf("GroupMe sent message %s after message %s: the page after %s is out of order", m.ID, prev, after)
		}
		switch c := msgid.Compare(m.ID, newest); {
		case c == 0:
			return i + 1, true, nil
		case c > 0:
			return 0, false, pageErrorf("GroupMe skipped %s's newest message %s: the page after %s went on to message %s", conv, newest, after, m.ID)
		}
		prev = m.ID
	}
	return len(page.Messages), false, nil
}

// export streams the group's history after the last exported message into
// path; see exportCmd and exportConversation.
func (a *app) export(ctx context.Context, groupID, path string, opts exportOptions) (exportResult, error) {
	start := a.now()
	res := exportResult{File: path, Group: groupID}
	g, err := a.api.GetGroup(ctx, groupID, nil)
	if err != nil {
		return res, err
	}
	conv := groupConversation(g)
	if err := conv.check(); err != nil {
		return res, err
	}
	prog := newProgress(a.stderr, a.stderrTTY, "export "+groupID, conv.count, 0, a.now)
	opts.again = "run the same command with --resume to continue"
	open := func(resume bool) (*os.File, error) {
		if resume {
			return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		}
		return os.Create(path)
	}
	st, err := a.exportConversation(ctx, conv, path, open, opts, prog)
	prog.finish()
	res.Messages, res.New = st.count, st.added
	res.Seconds = a.now().Sub(start).Seconds()
	return res, err
}

// groupConversation describes a group for an export.
func groupConversation(g *client.Group) conversation {
	conv := conversation{kind: "group", id: g.ID, name: g.Name, count: g.Messages.Count}
	if g.Messages.LastMessageID != nil {
		conv.newest = *g.Messages.LastMessageID
	}
	return conv
}

// counter is where an export reports the messages it writes.
type counter interface {
	begin(done int) // the messages already in the file, before any request
	add(n int)
	finish()
}

// exportRun is what one exportConversation did.
type exportRun struct {
	count  int    // lines in the file, all checked
	added  int    // lines this run added
	lastID string // the last line's id, "" when none
	done   bool   // the file holds every message up to the newest as of the start
}

// exportConversation streams the conversation's history after the last
// exported message into the file open gives (name is how errors call it),
// each message exactly as GroupMe sent it (fields this program does not
// know included), checking every page. Memory stays flat: at most two
// pages are held, the one being written and the next. Whatever it
// returns, the file holds only whole checked pages, and a later run with
// resume continues after the last.
func (a *app) exportConversation(ctx context.Context, conv conversation, name string, open func(resume bool) (*os.File, error), opts exportOptions, prog counter) (exportRun, error) {
	var run exportRun
	of, st, err := openExport(name, open, opts.resume, conv)
	if err != nil {
		return run, err
	}
	var f exportFile = of
	if a.exportFile != nil {
		f = a.exportFile(of)
	}
	// Closed once: at the end, after the sync, or here on an earlier
	// failure, where the close only releases the file and that failure is
	// the one to report.
	closeFile := sync.OnceValue(f.Close)
	defer func() { _ = closeFile() }()
	run.count, run.lastID = st.count, st.lastID
	prog.begin(st.count)
	// stopped explains a failure after the file was opened: what is in the
	// file is valid, so a resumed run can go on from it.
	stopped := func(err error) error {
		return fmt.Errorf("%w\n%d messages are in %s, all checked; %s", err, run.count, name, opts.again)
	}
	interrupted := func() error {
		return fmt.Errorf("export of %s interrupted after %d messages; %s", conv, run.count, opts.again)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	// after_id=0 starts before the first message; GroupMe's ids are positive.
	after := st.lastID
	if after == "" {
		after = "0"
	}
	done := conv.newest == "" || after == conv.newest
	var waited time.Duration
	var compact bytes.Buffer
	// The next page is requested while the current one is written, so
	// fetching and writing overlap; at most two pages are held.
	fetchCtx, stopFetch := context.WithCancel(ctx)
	defer stopFetch() // a page still in flight when the export fails
	fetch := func(after string) <-chan fetchedPage { return a.fetchArchivePage(fetchCtx, conv, after) }
	var next <-chan fetchedPage
	if !done {
		next = fetch(after)
	}
	for !done {
		r := <-next
		page, err := r.page, r.err
		if err != nil {
			waited, err = a.waitToRetry(ctx, err, opts, waited)
			switch {
			case errors.Is(err, errInterrupted):
				return run, interrupted()
			case err != nil:
				return run, stopped(err)
			}
			next = fetch(after)
			continue
		}
		n, reached, cerr := checkPage(page, conv, after)
		if cerr == nil && !reached {
			next = fetch(page.Messages[n-1].ID)
		}
		if err := writeLines(w, page.Messages[:n], &compact); err != nil {
			return run, stopped(err)
		}
		// Whole pages reach the file one by one, so an interruption loses
		// at most the page in flight.
		if err := w.Flush(); err != nil {
			// A *PathError names the file once. Complete lines already
			// written were checked; a resumed run drops a partial one.
			return run, fmt.Errorf("%w; once that is fixed, %s", err, opts.again)
		}
		if n > 0 {
			after = page.Messages[n-1].ID
			run.lastID = after
			if opts.onPage != nil {
				opts.onPage(page.Messages[:n])
			}
		}
		run.count += n
		run.added += n
		prog.add(n)
		if cerr != nil {
			return run, stopped(cerr)
		}
		done = reached
	}
	// Exit 0 promises a complete file: it must be on disk and closed
	// without error. A *PathError names the file.
	if err := syncClose(f, closeFile); err != nil {
		return run, fmt.Errorf("%w; the export may be incomplete: %s", err, opts.again)
	}
	run.done = true
	if err := checkCount(run.count, conv.count, opts.allowMissing, a.stderr); err != nil {
		return run, fmt.Errorf("%w; the file %s is kept", err, name)
	}
	return run, nil
}

// fetchedPage is the answer to one archive page request.
type fetchedPage struct {
	page *client.ArchivePage
	err  error
}

// fetchArchivePage requests the page of conv after the message after in
// the background; the channel gives its answer.
func (a *app) fetchArchivePage(ctx context.Context, conv conversation, after string) <-chan fetchedPage {
	ch := make(chan fetchedPage, 1)
	go func() {
		params := &client.MessageParams{AfterID: after, Limit: exportPage}
		var p *client.ArchivePage
		var err error
		if conv.kind == "chat" {
			p, err = a.api.ListDirectMessagesArchivePage(ctx, conv.id, params)
		} else {
			p, err = a.api.ListMessagesArchivePage(ctx, conv.id, params)
		}
		ch <- fetchedPage{p, err}
	}()
	return ch
}

// waitToRetry handles err, the failure of a page request, after waited
// has been spent waiting: when GroupMe asks to wait and --max-wait allows
// it, it waits and returns the new total with a nil error, and the request
// is to be made again. Otherwise it returns why the export stops, or
// errInterrupted when ctx ended.
func (a *app) waitToRetry(ctx context.Context, err error, opts exportOptions, waited time.Duration) (time.Duration, error) {
	if ctx.Err() != nil {
		return waited, errInterrupted
	}
	if errors.Is(err, errWaitBudget) {
		return waited, fmt.Errorf("giving up: GroupMe kept refusing and waiting more would exceed --max-wait %s: %w", opts.maxWait, err)
	}
	wait, why, ok := serverWait(err, opts.paced)
	if !ok {
		return waited, err
	}
	if opts.budget != nil {
		waited = opts.budget.used()
	}
	if waited+wait > opts.maxWait {
		return waited, fmt.Errorf("giving up: GroupMe is %s and waiting %s more would exceed --max-wait %s (waited %s so far): %w", why, wait, opts.maxWait, waited, err)
	}
	if !opts.quiet {
		fmt.Fprintf(a.stderr, "\ngroupme: GroupMe is %s; waiting %s before going on\n", why, wait)
	}
	if err := a.sleep(ctx, wait); err != nil {
		return waited, errInterrupted
	}
	waited += wait
	if opts.budget != nil {
		opts.budget.add(wait)
	}
	return waited, nil
}

// writeLines writes msgs to w one per line, as GroupMe sent them; compact
// is scratch space. A write error stays in w and comes back from its Flush;
// the error returned is a message that cannot be put on one line.
func writeLines(w *bufio.Writer, msgs []client.ArchivedMessage, compact *bytes.Buffer) error {
	for _, m := range msgs {
		line := m.JSON
		if bytes.IndexByte(line, '\n') >= 0 || bytes.IndexByte(line, '\r') >= 0 {
			// Whitespace between tokens (a pretty-printed answer) would
			// break the one-message-per-line format; strings cannot hold
			// raw newlines, so compacting changes nothing else.
			compact.Reset()
			if err := json.Compact(compact, line); err != nil {
				return fmt.Errorf("message %s: %w", m.ID, err)
			}
			line = compact.Bytes()
		}
		_, _ = w.Write(line)
		_ = w.WriteByte('\n')
	}
	return nil
}

// syncClose syncs f and closes it (through closeFile, which closes once),
// and returns the first failure.
func syncClose(f exportFile, closeFile func() error) error {
	err := f.Sync()
	if cerr := closeFile(); err == nil {
		err = cerr
	}
	return err
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
// GroupMe is. With a pacer (paced), a refusal without Retry-After is tried
// again soon: the pacer has slowed down already.
func serverWait(err error, paced bool) (time.Duration, string, bool) {
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
	if paced && errors.Is(err, client.ErrRateLimited) {
		return pacedRetryWait, why, true
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
