package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Query is a full-text search with its filters.
type Query struct {
	// Match is an FTS5 query: words (all must occur), "a phrase",
	// prefix*, OR, NOT, NEAR(...). It is passed to SQLite as it is.
	Match string
	// In keeps conversations whose id or name is In (a name matches
	// without regard to case).
	In string
	// By keeps messages whose sender's id is By, or whose sender's name
	// contains By (without regard to case).
	By string
	// From and To keep messages sent at or after From and before To; zero
	// times do not filter.
	From, To time.Time
	// Limit is the most hits returned (20 when 0).
	Limit int
	// Mark and Unmark surround the matched words in Snippet.
	Mark, Unmark string
}

// Hit is one message that matched.
type Hit struct {
	ConversationKind string `json:"conversation_kind"`
	ConversationID   string `json:"conversation_id"`
	ConversationName string `json:"conversation_name"`
	MessageID        string `json:"message_id"`
	SenderID         string `json:"sender_id"`
	SenderName       string `json:"sender_name"`
	CreatedAt        int64  `json:"created_at"`
	Text             string `json:"text"`
	Snippet          string `json:"snippet"`
}

// ErrQuery marks a search whose Match SQLite's full-text engine cannot
// parse (an unbalanced quote, a bare operator).
var ErrQuery = errors.New("not a valid search")

// MaxHits bounds Query.Limit.
const MaxHits = 1000

// Search returns the messages matching q, newest first.
func (ix *Index) Search(ctx context.Context, q Query) ([]Hit, error) {
	if strings.TrimSpace(q.Match) == "" {
		return nil, fmt.Errorf("%w: nothing to search for", ErrQuery)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, MaxHits)
	if q.Mark == "" && q.Unmark == "" {
		q.Mark, q.Unmark = "[", "]"
	}
	var where []string
	args := []any{q.Mark, q.Unmark, q.Match}
	if q.In != "" {
		where = append(where, "(c.id = ? OR c.name = ? COLLATE NOCASE)")
		args = append(args, q.In, q.In)
	}
	if q.By != "" {
		where = append(where, "(m.sender_id = ? OR instr(lower(m.sender_name), lower(?)) > 0)")
		args = append(args, q.By, q.By)
	}
	// Dates are rowid ranges (rowids follow the time, see rowidFor), which
	// the full-text table applies itself.
	if !q.From.IsZero() {
		where = append(where, "messages_fts.rowid >= ?")
		args = append(args, max(q.From.Unix(), 0)<<16)
	}
	if !q.To.IsZero() {
		where = append(where, "messages_fts.rowid < ?")
		args = append(args, max(q.To.Unix(), 0)<<16)
	}
	sqlText := `SELECT c.kind, c.id, c.name, m.id, m.sender_id, m.sender_name, m.created_at, m.text,
		snippet(messages_fts, 0, ?, ?, '…', 16)
		FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid JOIN conversations c ON c.key = m.conv
		WHERE messages_fts MATCH ?`
	for _, w := range where {
		sqlText += " AND " + w
	}
	sqlText += " ORDER BY messages_fts.rowid DESC LIMIT ?"
	args = append(args, limit)
	rows, err := ix.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, queryErr(err)
	}
	defer func() { _ = rows.Close() }()
	hits := []Hit{}
	for rows.Next() {
		var h Hit
		if err := rows.Scan(&h.ConversationKind, &h.ConversationID, &h.ConversationName, &h.MessageID, &h.SenderID, &h.SenderName, &h.CreatedAt, &h.Text, &h.Snippet); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, queryErr(err)
	}
	return hits, nil
}

// queryErr tells a malformed full-text query from other failures.
func queryErr(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "fts5:") || strings.Contains(msg, "syntax error") || strings.Contains(msg, "no such column") || strings.Contains(msg, "unterminated string") {
		return fmt.Errorf("%w: %s", ErrQuery, msg)
	}
	return err
}

// Conversation is a conversation of the backup, as the index holds it.
type Conversation struct {
	Kind     string `json:"kind"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Messages int    `json:"messages"`
	LastAt   int64  `json:"last_at"`
}

// Conversations lists the backup's conversations, most recently active
// first.
func (ix *Index) Conversations(ctx context.Context) ([]Conversation, error) {
	rows, err := ix.db.QueryContext(ctx, "SELECT kind, id, name, messages, last_at FROM conversations ORDER BY last_at DESC, name")
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	out := []Conversation{}
	for rows.Next() {
		var c Conversation
		if err := rows.Scan(&c.Kind, &c.ID, &c.Name, &c.Messages, &c.LastAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Message is one message as the view shows it.
type Message struct {
	ID         string   `json:"id"`
	SenderID   string   `json:"sender_id"`
	SenderName string   `json:"sender_name"`
	CreatedAt  int64    `json:"created_at"`
	Text       string   `json:"text"`
	Likes      int      `json:"likes"`
	Kinds      []string `json:"attachment_kinds"`
	ReplyTo    string   `json:"reply_to,omitempty"`
	// Reply is the message replied to, when the backup holds it.
	Reply  *Message `json:"reply,omitempty"`
	Images []string `json:"images"` // names in DIR/images without extension
	System bool     `json:"system"`
}

// MaxPage bounds one page of Messages.
const MaxPage = 500

// Messages returns up to limit messages of a conversation, oldest first:
// the newest ones, or with before set, the ones before that message id;
// with around set, a page centered on that message.
func (ix *Index) Messages(ctx context.Context, kind, id, before, around string, limit int) ([]Message, error) {
	limit = min(max(limit, 1), MaxPage)
	key := kind + ":" + id
	var rows *sql.Rows
	var err error
	cols := "id, sender_id, sender_name, created_at, text, likes, kinds, reply_to, images, system"
	switch {
	case around != "":
		rows, err = ix.db.QueryContext(ctx, `SELECT * FROM (
			SELECT `+cols+`, rowid FROM messages WHERE conv = ? AND rowid <= (SELECT rowid FROM messages WHERE conv = ? AND id = ?) ORDER BY rowid DESC LIMIT ?)
			UNION SELECT * FROM (SELECT `+cols+`, rowid FROM messages WHERE conv = ? AND rowid > (SELECT rowid FROM messages WHERE conv = ? AND id = ?) ORDER BY rowid LIMIT ?)
			ORDER BY rowid`, key, key, around, limit-limit/2, key, key, around, limit/2)
	case before != "":
		rows, err = ix.db.QueryContext(ctx, `SELECT * FROM (SELECT `+cols+`, rowid FROM messages
			WHERE conv = ? AND rowid < (SELECT rowid FROM messages WHERE conv = ? AND id = ?) ORDER BY rowid DESC LIMIT ?) ORDER BY rowid`, key, key, before, limit)
	default:
		rows, err = ix.db.QueryContext(ctx, `SELECT * FROM (SELECT `+cols+`, rowid FROM messages
			WHERE conv = ? ORDER BY rowid DESC LIMIT ?) ORDER BY rowid`, key, limit)
	}
	if err != nil {
		return nil, err
	}
	out := []Message{}
	for rows.Next() {
		var m Message
		var kinds, images string
		var rowid int64
		if err := rows.Scan(&m.ID, &m.SenderID, &m.SenderName, &m.CreatedAt, &m.Text, &m.Likes, &kinds, &m.ReplyTo, &images, &m.System, &rowid); err != nil {
			_ = rows.Close()
			return nil, err
		}
		m.Kinds, m.Images = fieldsOrEmpty(kinds), fieldsOrEmpty(images)
		out = append(out, m)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].ReplyTo == "" {
			continue
		}
		var r Message
		var kinds, images string
		err := ix.db.QueryRowContext(ctx, "SELECT "+cols+" FROM messages WHERE conv = ? AND id = ?", key, out[i].ReplyTo).
			Scan(&r.ID, &r.SenderID, &r.SenderName, &r.CreatedAt, &r.Text, &r.Likes, &kinds, &r.ReplyTo, &images, &r.System)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r.Kinds, r.Images = fieldsOrEmpty(kinds), fieldsOrEmpty(images)
		out[i].Reply = &r
	}
	return out, nil
}

func fieldsOrEmpty(s string) []string {
	f := strings.Fields(s)
	if f == nil {
		return []string{}
	}
	return f
}
