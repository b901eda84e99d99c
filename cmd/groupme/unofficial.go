package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/spf13/cobra"
)

// The commands in this file use calls GroupMe does not document (described
// by the community from GroupMe's own apps). They may stop working when
// GroupMe changes them; their help says so.

const unofficialNote = `

This command uses a call GroupMe does not document: the community described
it by watching GroupMe's own apps. It may change or stop working without
notice.`

//nolint:gocognit // five small subcommands declared side by side; each RunE is short, the sum is not
func (a *app) pollCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "poll", Short: "Create, vote in, show, list and end polls (unofficial)", Long: "Polls in a group." + unofficialNote}

	var multi, anonymous bool
	var expires time.Duration
	create := &cobra.Command{
		Use:   "create GROUP QUESTION OPTION OPTION...",
		Short: "Create a poll and post it to the group",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 4 {
				return usagef("%s needs a group, a question and at least two options (got %d arguments)", cmd.CommandPath(), len(args))
			}
			return nil
		},
	}
	create.Flags().BoolVar(&multi, "multi", false, "let people choose more than one option")
	create.Flags().BoolVar(&anonymous, "anonymous", false, "hide who voted for what")
	create.Flags().DurationVar(&expires, "expires", 24*time.Hour, "how long the poll stays open")
	create.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		if expires < time.Minute {
			return usagef("--expires must be at least a minute")
		}
		req := client.PollCreateRequest{Subject: args[1], Expiration: a.now().Add(expires).Unix(),
			Type: client.PollSingle, Visibility: client.PollPublic}
		if multi {
			req.Type = client.PollMulti
		}
		if anonymous {
			req.Visibility = client.PollAnonymous
		}
		for _, o := range args[2:] {
			req.Options = append(req.Options, client.NewPollOption{Title: o})
		}
		res, err := a.api.Unofficial().CreatePoll(cmd.Context(), args[0], req)
		if err != nil {
			return err
		}
		return a.out().emit(res, pollTable(res.Poll))
	})

	vote := &cobra.Command{
		Use:   "vote GROUP POLL OPTION...",
		Short: "Vote for options (by id or title); a new vote replaces your old one",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 3 {
				return usagef("%s needs a group, a poll and at least one option (got %d arguments)", cmd.CommandPath(), len(args))
			}
			return nil
		},
	}
	vote.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		p, err := a.api.Unofficial().GetPoll(ctx, args[0], args[1])
		if err != nil {
			return err
		}
		var chosen []string
		for _, want := range args[2:] {
			id, ok := findOption(p, want)
			if !ok {
				return usagef("poll %s has no option %q (see: groupme poll show %s %s)", args[1], want, args[0], args[1])
			}
			chosen = append(chosen, id)
		}
		if str(p.Data.Type) != "multi" {
			if len(chosen) > 1 {
				return usagef("poll %s takes one vote", args[1])
			}
			p, err = a.api.Unofficial().VotePollOption(ctx, args[0], args[1], chosen[0])
		} else {
			p, err = a.api.Unofficial().VotePoll(ctx, args[0], args[1], chosen...)
		}
		if err != nil {
			return err
		}
		return a.out().emit(p, pollTable(*p))
	})

	show := &cobra.Command{Use: "show GROUP POLL", Short: "Show a poll with its counts and your votes", Args: exactArgs("GROUP", "POLL")}
	show.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		p, err := a.api.Unofficial().GetPoll(cmd.Context(), args[0], args[1])
		if err != nil {
			return err
		}
		return a.out().emit(p, pollTable(*p))
	})

	list := &cobra.Command{Use: "list GROUP", Short: "List a group's polls", Args: exactArgs("GROUP")}
	list.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		ps, err := a.api.Unofficial().ListPolls(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		return a.out().emit(ps, func(w *tabwriter.Writer) {
			row(w, "POLL ID", "STATUS", "TYPE", "CLOSES", "VOTES", "QUESTION")
			for _, p := range ps {
				row(w, string(p.Data.ID), str(p.Data.Status), str(p.Data.Type), when(deref64(p.Data.Expiration)), strconv.Itoa(totalVotes(p)), clip(str(p.Data.Subject), 50))
			}
		})
	})

	end := &cobra.Command{Use: "end GROUP POLL", Short: "Close a poll you created now", Args: exactArgs("GROUP", "POLL")}
	end.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		p, err := a.api.Unofficial().EndPoll(cmd.Context(), args[0], args[1])
		if err != nil {
			return err
		}
		return a.out().emit(p, pollTable(*p))
	})
	cmd.AddCommand(create, vote, show, list, end)
	return cmd
}

// findOption matches want against an option's id, then its title (ignoring
// case).
func findOption(p *client.PollWithVotes, want string) (string, bool) {
	if p.Data.Options == nil {
		return "", false
	}
	for _, o := range *p.Data.Options {
		if string(o.ID) == want {
			return want, true
		}
	}
	for _, o := range *p.Data.Options {
		if strings.EqualFold(str(o.Title), want) {
			return string(o.ID), true
		}
	}
	return "", false
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func totalVotes(p client.PollWithVotes) int {
	n := 0
	if p.Data.Options != nil {
		for _, o := range *p.Data.Options {
			if o.Votes != nil {
				n += *o.Votes
			}
		}
	}
	return n
}

func pollTable(p client.PollWithVotes) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		mine := map[string]bool{}
		if p.UserVotes != nil {
			for _, v := range *p.UserVotes {
				mine[v] = true
			}
		}
		row(w, "POLL", string(p.Data.ID)+"  "+str(p.Data.Subject))
		row(w, "STATUS", fmt.Sprintf("%s, %s, %s, closes %s", str(p.Data.Status), str(p.Data.Type), str(p.Data.Visibility), when(deref64(p.Data.Expiration))))
		row(w, "")
		row(w, "OPTION", "VOTES", "", "TITLE")
		total := max(totalVotes(p), 1)
		if p.Data.Options == nil {
			return
		}
		for _, o := range *p.Data.Options {
			n := 0
			if o.Votes != nil {
				n = *o.Votes
			}
			mark := ""
			if mine[string(o.ID)] {
				mark = " (your vote)"
			}
			row(w, string(o.ID), strconv.Itoa(n), strings.Repeat("#", n*20/total), str(o.Title)+mark)
		}
	}
}

func (a *app) pinCmd(pin bool) *cobra.Command {
	use, short := "pin CONVERSATION MESSAGE", "Pin a message (unofficial; CONVERSATION is a group id, or userA+userB for a DM)"
	if !pin {
		use, short = "unpin CONVERSATION MESSAGE", "Unpin a message (unofficial)"
	}
	cmd := &cobra.Command{Use: use, Short: short, Long: short + "." + unofficialNote, Args: exactArgs("CONVERSATION", "MESSAGE")}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		var err error
		if pin {
			err = a.api.Unofficial().PinMessage(cmd.Context(), args[0], args[1])
		} else {
			err = a.api.Unofficial().UnpinMessage(cmd.Context(), args[0], args[1])
		}
		if err != nil {
			return err
		}
		state := "pinned"
		if !pin {
			state = "unpinned"
		}
		res := map[string]string{"conversation_id": args[0], "message_id": args[1], "state": state}
		return a.out().emit(res, kv("MESSAGE", args[1], "STATE", state))
	})
	return cmd
}

func (a *app) pinsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "pins GROUP", Short: "List a group's pinned messages (unofficial)", Long: "List a group's pinned messages, most recently pinned first." + unofficialNote, Args: exactArgs("GROUP")}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		ms, err := a.api.Unofficial().ListPinnedMessages(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		return a.out().emit(ms, func(w *tabwriter.Writer) {
			row(w, "ID", "PINNED", "PINNED BY", "FROM", "TEXT")
			for _, m := range ms {
				row(w, m.ID, when(deref64(m.PinnedAt)), str(m.PinnedBy), clip(m.Name, 20), clip(str(m.Text), 60))
			}
		})
	})
	return cmd
}

func (a *app) deleteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete CONVERSATION MESSAGE",
		Short: "Delete a message (unofficial; CONVERSATION is a group id, or userA+userB for a DM)",
		Long: `Delete a message. You may delete your own messages, and a group's owner
may delete others' as far as the group allows. The message stays in the
history as "This message was deleted".` + unofficialNote,
		Args: exactArgs("CONVERSATION", "MESSAGE"),
	}
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		if err := a.api.Unofficial().DeleteMessage(cmd.Context(), args[0], args[1]); err != nil {
			return err
		}
		res := map[string]string{"conversation_id": args[0], "message_id": args[1], "state": "deleted"}
		return a.out().emit(res, kv("MESSAGE", args[1], "STATE", "deleted"))
	})
	return cmd
}

func (a *app) eventsCmd() *cobra.Command {
	var (
		from  string
		limit int
	)
	cmd := &cobra.Command{Use: "events GROUP", Short: "List a group's calendar events (unofficial)", Long: "List a group's calendar events, soonest first." + unofficialNote, Args: exactArgs("GROUP")}
	cmd.Flags().StringVar(&from, "from", "", "leave out events before this date (YYYY-MM-DD; default today)")
	cmd.Flags().IntVar(&limit, "limit", 20, "how many events to list")
	cmd.RunE = a.withAPI(func(cmd *cobra.Command, args []string) error {
		start := a.now().UTC().Truncate(24 * time.Hour)
		if from != "" {
			t, err := time.Parse("2006-01-02", from)
			if err != nil {
				return usagef("--from must be a date like 2026-12-24")
			}
			start = t
		}
		if limit < 1 {
			return usagef("--limit must be at least 1")
		}
		evs, err := a.api.Unofficial().ListEvents(cmd.Context(), args[0], &client.EventsParams{From: start, Limit: limit})
		if err != nil {
			return err
		}
		if evs == nil {
			evs = []client.CalendarEvent{}
		}
		return a.out().emit(evs, func(w *tabwriter.Writer) {
			row(w, "EVENT ID", "STARTS", "ENDS", "GOING", "NOT GOING", "NAME", "WHERE")
			for _, e := range evs {
				where := ""
				if e.Location != nil {
					where = str(e.Location.Name)
				}
				row(w, string(e.EventID), str(e.StartAt), str(e.EndAt), strconv.Itoa(count(e.Going)), strconv.Itoa(count(e.NotGoing)), clip(str(e.Name), 40), clip(where, 30))
			}
		})
	})
	return cmd
}

func count[T any](p *[]T) int {
	if p == nil {
		return 0
	}
	return len(*p)
}
