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

// exportRetries is how often the client itself retries a rate-limited or
// failed page during an export, before the export's own wait takes over.
const exportRetries = 6

func (a *app) exportCmd() *cobra.Command {
	var (
		out    string
		resume bool
	)
	cmd := &cobra.Command{
		Use:   "export GROUP",
		Short: "Write a group's whole history to a JSON Lines file, oldest first",
		Long: `export writes every message of a group, oldest first, one JSON object per
line. It can be stopped at any time (Ctrl-C); run it again with --resume to
continue where it stopped: the file then holds every message exactly once.
Rate limits are waited out. Progress goes to stderr.`,
		Args: exactArgs("GROUP"),
	}
	cmd.Flags().StringVar(&out, "out", "", "output file (default groupme-GROUP.jsonl)")
	cmd.Flags().BoolVar(&resume, "resume", false, "continue an interrupted export in the same file")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := a.connect(cmd.Context(), false, client.WithRetries(exportRetries)); err != nil {
			return err
		}
		if out == "" {
			out = "groupme-" + args[0] + ".jsonl"
		}
		res, err := a.export(cmd.Context(), args[0], out, resume)
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

// export streams the group's history after the last exported message into
// path, each message exactly as GroupMe sent it (fields this program does not
// know included). Memory stays flat: one page is held at a time.
func (a *app) export(ctx context.Context, groupID, path string, resume bool) (exportResult, error) {
	start := a.now()
	res := exportResult{File: path, Group: groupID}
	g, err := a.api.GetGroup(ctx, groupID, nil)
	if err != nil {
		return res, err
	}
	f, st, err := openExport(path, resume)
	if err != nil {
		return res, err
	}
	defer f.Close()
	res.Messages = st.count
	w := bufio.NewWriterSize(f, 256<<10)
	prog := newProgress(a.stderr, a.stderrTTY, "export "+groupID, g.Messages.Count, st.count, a.now)
	// after_id=0 starts before the first message; GroupMe's ids are positive.
	after := st.lastID
	if after == "" {
		after = "0"
	}
	const page = 100
	var werr error
	for {
		inPage := 0
		var iterErr error
		for m, err := range a.api.ListMessagesAfterRawIter(ctx, groupID, &client.MessageParams{AfterID: after, Limit: page, AcceptFiles: true}) {
			if err != nil {
				iterErr = err
				break
			}
			// The bytes GroupMe sent, written as they are: an encoder would
			// escape &, <, > and U+2028 and re-space the object.
			if werr = writeLine(w, m); werr != nil {
				break
			}
			after = m.ID
			res.Messages++
			res.New++
			if inPage++; inPage == page {
				// Whole lines reach the file page by page, so an
				// interruption loses at most the page in flight.
				werr = w.Flush()
				prog.add(inPage)
				inPage = 0
			}
			if werr != nil {
				break
			}
		}
		if werr == nil {
			werr = w.Flush()
		}
		prog.add(inPage)
		if werr != nil {
			return res, fmt.Errorf("write %s: %w", path, werr)
		}
		if iterErr == nil {
			break
		}
		if ctx.Err() != nil {
			prog.finish()
			return res, fmt.Errorf("export interrupted after %d messages; run the same command with --resume to continue", res.Messages)
		}
		wait, ok := rateLimitWait(iterErr)
		if !ok {
			prog.finish()
			return res, iterErr
		}
		fmt.Fprintf(a.stderr, "\ngroupme: rate limited; waiting %s before going on\n", wait)
		if err := sleepCtx(ctx, wait); err != nil {
			return res, fmt.Errorf("export interrupted after %d messages; run the same command with --resume to continue", res.Messages)
		}
	}
	prog.finish()
	res.Seconds = a.now().Sub(start).Seconds()
	return res, f.Sync()
}

// rateLimitWait says whether err is worth waiting out (rate limits and
// unavailability, after the client's own retries), and for how long.
func rateLimitWait(err error) (time.Duration, bool) {
	var api *client.APIError
	if !errors.Is(err, client.ErrRateLimited) && !errors.Is(err, client.ErrUnavailable) {
		return 0, false
	}
	if errors.As(err, &api) && api.RetryAfter > 0 {
		return api.RetryAfter, true
	}
	return 30 * time.Second, true
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

// writeLine writes one message of an export: its JSON exactly as GroupMe
// sent it, then a newline.
func writeLine(w *bufio.Writer, m client.RawMessage) error {
	b, err := m.MarshalJSON()
	if err != nil {
		return err
	}
	if bytes.ContainsAny(b, "\r\n") {
		// A JSON object that spans lines would break the JSON Lines file.
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		b = buf.Bytes()
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.WriteByte('\n')
}
