package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/groupme-go/groupme/client"
)

// printer writes results either as aligned tables for people or, with
// --json, as indented JSON for programs.
type printer struct {
	w    io.Writer
	json bool
}

// emit writes v as JSON when --json is set, otherwise calls table.
func (p printer) emit(v any, table func(*tabwriter.Writer)) error {
	if p.json {
		enc := json.NewEncoder(p.w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	table(tw)
	return tw.Flush()
}

// row writes one table row. Every cell goes through termSafe: the text in
// it comes from GroupMe, where any member can write control characters.
func row(w io.Writer, cols ...string) {
	for i, c := range cols {
		cols[i] = termSafe(c)
	}
	fmt.Fprintln(w, strings.Join(cols, "\t"))
}

// termSafe shows control characters (C0, DEL, C1), which a terminal would
// obey (an ESC sequence can retitle or clear it, move the cursor, or hide
// text), and the bidirectional overrides, which reorder what is shown,
// escaped as \xNN or \uNNNN, as ls and gh do. --json output is escaped by
// the JSON encoder instead.
func termSafe(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !unsafeRune(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// clip shortens s to n runes on one line, for table cells.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// when formats Unix seconds as UTC, so output does not depend on the
// machine's zone.
func when(sec int64) string {
	if sec == 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format("2006-01-02 15:04")
}

func groupsTable(groups []client.Group) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "ID", "NAME", "MEMBERS", "MESSAGES", "LAST ACTIVE")
		for _, g := range groups {
			members := "-"
			if g.Members != nil {
				members = strconv.Itoa(len(*g.Members))
			}
			if g.MembersCount != nil && *g.MembersCount > 0 {
				members = strconv.Itoa(*g.MembersCount)
			}
			row(w, g.ID, clip(g.Name, 40), members, strconv.Itoa(g.Messages.Count), when(g.UpdatedAt))
		}
	}
}

func groupTable(g client.Group) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "ID", g.ID)
		row(w, "NAME", g.Name)
		row(w, "DESCRIPTION", clip(str(g.Description), 70))
		row(w, "TYPE", g.Type)
		row(w, "CREATOR", g.CreatorUserID)
		row(w, "CREATED", when(g.CreatedAt))
		row(w, "MESSAGES", strconv.Itoa(g.Messages.Count))
		row(w, "SHARE URL", str(g.ShareURL))
		if g.Members != nil {
			row(w, "MEMBERS", strconv.Itoa(len(*g.Members)))
			for _, m := range *g.Members {
				row(w, "", fmt.Sprintf("%s (user %s, membership %s)", m.Nickname, m.UserID, str(m.ID)))
			}
		}
	}
}

// attachmentSummary names a message's attachments by type, e.g. "image,mentions".
func attachmentSummary(as []client.Attachment) string {
	types := make([]string, 0, len(as))
	for _, a := range as {
		t := client.AttachmentKind(a)
		if t == "" {
			t = "?"
		}
		types = append(types, t)
	}
	return strings.Join(types, ",")
}

func messagesTable(msgs []client.Message) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "ID", "TIME", "FROM", "LIKES", "ATTACHMENTS", "TEXT")
		for _, m := range msgs {
			row(w, m.ID, when(m.CreatedAt), clip(m.Name, 20), strconv.Itoa(len(m.FavoritedBy)), attachmentSummary(m.Attachments), clip(str(m.Text), 60))
		}
	}
}

func directMessagesTable(msgs []client.DirectMessage) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "ID", "TIME", "FROM", "LIKES", "ATTACHMENTS", "TEXT")
		for _, m := range msgs {
			row(w, m.ID, when(m.CreatedAt), clip(m.Name, 20), strconv.Itoa(len(m.FavoritedBy)), attachmentSummary(m.Attachments), clip(str(m.Text), 60))
		}
	}
}

func chatsTable(chats []client.Chat) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "USER ID", "NAME", "MESSAGES", "UPDATED", "LAST MESSAGE")
		for _, c := range chats {
			row(w, string(c.OtherUser.ID), clip(c.OtherUser.Name, 30), strconv.Itoa(c.MessagesCount), when(c.UpdatedAt), clip(str(c.LastMessage.Text), 50))
		}
	}
}

func botsTable(bots []client.Bot) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "BOT ID", "NAME", "GROUP", "CALLBACK URL")
		for _, b := range bots {
			group := b.GroupID
			if b.GroupName != nil {
				group += " (" + *b.GroupName + ")"
			}
			row(w, b.BotID, clip(b.Name, 30), group, str(b.CallbackURL))
		}
	}
}

func userTable(u client.User) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "ID", u.ID)
		row(w, "NAME", u.Name)
		row(w, "EMAIL", str(u.Email))
		row(w, "PHONE", str(u.PhoneNumber))
		sms := "off"
		if u.SMS != nil && *u.SMS {
			sms = "on"
		}
		row(w, "SMS MODE", sms)
		row(w, "CREATED", when(u.CreatedAt))
	}
}

func membersTable(members []client.Member) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "MEMBERSHIP ID", "USER ID", "NICKNAME")
		for _, m := range members {
			row(w, str(m.ID), m.UserID, m.Nickname)
		}
	}
}

// kv prints one key/value table, for single results such as an upload.
func kv(pairs ...string) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		for i := 0; i+1 < len(pairs); i += 2 {
			row(w, pairs[i], pairs[i+1])
		}
	}
}
