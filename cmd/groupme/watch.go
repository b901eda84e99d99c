package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/spf13/cobra"
)

func (a *app) watchCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "watch [GROUP...]",
		Short: "Print messages as they arrive, until Ctrl-C",
		Long: `watch listens on GroupMe's push service and prints each new message as it
arrives: one table line each, or one JSON object per line with --json
({"type", "conversation_id", "backfilled", "message"}).

With GROUP ids it prints those groups' messages only, and covers them from
the start: a message sent to one of them while the connection is down is
fetched and printed when it comes back, once. Without GROUP it prints every
group and direct message, and covers each conversation from its first
message seen. Connection changes are reported on stderr. Ctrl-C ends it
with exit code 0.`,
		Example: `  groupme watch
  groupme watch 1234567 7654321 --json`,
		RunE: a.withAPI(func(cmd *cobra.Command, args []string) error {
			for _, g := range args {
				if g == "" || strings.Trim(g, "0123456789") != "" {
					return usagef("watch: %q is not a group id (digits only)", g)
				}
			}
			return a.watch(cmd, args)
		}),
	}
}

// watchLine is one line of `watch --json`.
type watchLine struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	Backfilled     bool   `json:"backfilled"`
	Message        any    `json:"message"`
}

//nolint:gocognit // one switch over the push events, each case a few lines of output
func (a *app) watch(cmd *cobra.Command, groups []string) error {
	ctx := cmd.Context()
	var opts []client.ListenOption
	if len(groups) > 0 {
		opts = append(opts, client.Track(groups...))
	}
	if a.fake != nil && len(a.dataset.Users) > 1 {
		// Say how another command reaches this fake, as one of its seeded
		// users (their tokens are public: see the README's groupme fake).
		other := a.dataset.Users[1]
		fmt.Fprintf(a.stderr, "groupme: the fake inside this process serves %s while this runs; post to it from another terminal as %s with:\n  groupme --base-url %s --token %s send %s \"hello\"\n",
			a.fakeBase, other.Name, a.fakeBase, other.Token, a.dataset.Groups[0])
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	header := false
	for ev, err := range a.api.Listen(ctx, opts...) {
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		var line watchLine
		var tableRow []string
		switch ev := ev.(type) {
		case *client.ConnectedEvent:
			what := "every conversation"
			if len(groups) > 0 {
				what = "group " + strings.Join(groups, ", ")
			}
			verb := "watching"
			if ev.Reconnect {
				verb = "reconnected; watching"
			}
			fmt.Fprintf(a.stderr, "groupme: %s %s over %s; Ctrl-C to stop\n", verb, what, ev.Transport)
			continue
		case *client.DisconnectedEvent:
			fmt.Fprintf(a.stderr, "groupme: push connection lost (%s); reconnecting in %s\n", termSafe(fmt.Sprint(ev.Err)), ev.RetryIn.Round(time.Millisecond))
			continue
		case *client.GapEvent:
			fmt.Fprintf(a.stderr, "groupme: too many messages to catch up on in %s; the ones after %s were skipped (groupme messages %s --after %s)\n",
				ev.ConversationID, ev.AfterID, ev.ConversationID, ev.AfterID)
			continue
		case *client.GroupMessageEvent:
			m := ev.Message
			if len(groups) > 0 && !slices.Contains(groups, m.GroupID) {
				continue
			}
			line = watchLine{Type: ev.Type(), ConversationID: m.GroupID, Backfilled: ev.Backfilled, Message: m}
			tableRow = []string{when(m.CreatedAt), m.GroupID, clip(m.Name, 20), attachmentSummary(m.Attachments), clip(str(m.Text), 80)}
		case *client.DirectMessageEvent:
			if len(groups) > 0 {
				continue
			}
			m := ev.DirectMessage
			line = watchLine{Type: ev.Type(), ConversationID: ev.ConversationID, Backfilled: ev.Backfilled, Message: m}
			tableRow = []string{when(m.CreatedAt), ev.ConversationID, clip(m.Name, 20), attachmentSummary(m.Attachments), clip(str(m.Text), 80)}
		default:
			continue // likes, typing and the rest: not messages
		}
		if a.jsonOut {
			if err := enc.Encode(line); err != nil {
				return writeErr(err)
			}
			continue
		}
		if !header {
			header = true
			if err := watchRow(a.stdout, "TIME", "CONVERSATION", "FROM", "ATTACHMENTS", "TEXT"); err != nil {
				return writeErr(err)
			}
		}
		if err := watchRow(a.stdout, tableRow...); err != nil {
			return writeErr(err)
		}
	}
	return nil // ctx is done: Ctrl-C
}

// watchRow writes one line of fixed-width columns: a stream cannot be
// aligned after the fact like a table.
func watchRow(w io.Writer, cols ...string) error {
	for i, c := range cols {
		cols[i] = termSafe(c)
	}
	_, err := fmt.Fprintf(w, "%-16s  %-20s  %-20s  %-11s  %s\n", cols[0], cols[1], cols[2], cols[3], cols[4])
	return err
}

func writeErr(err error) error {
	return errors.Join(errors.New("writing the output"), err)
}
