// Package index keeps a SQLite full-text index of a backup directory that
// `groupme backup` wrote: DIR/manifest.json and one JSON Lines file per
// conversation, one message a line, oldest first, exactly as GroupMe sent
// it. The index lives in DIR/index.sqlite. The JSON Lines files are the
// source of truth: the index is derived from them, can be deleted at any
// time, and is rebuilt from them when it is missing or damaged; nothing is
// ever fetched again because of it.
//
// The index is brought up to date incrementally: for each conversation it
// remembers how many bytes of its file it has read and the last message id
// there, and reads only what was appended since. A file that shrank, or
// whose next message does not come after the last one indexed, is indexed
// again from its start.
//
// SQLite comes from modernc.org/sqlite, a translation of SQLite's C code to
// Go, so the program stays one static binary without cgo. Its FTS5
// extension holds the full-text table.
package index

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/groupme-go/groupme/cmd/groupme/internal/msgid"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// FileName is the index's name inside a backup directory.
const FileName = "index.sqlite"

// schemaVersion changes when the tables change; an index of another
// version is rebuilt.
const schemaVersion = 2

// maxLine bounds one message line; backup writes GroupMe's message
// objects, which are far smaller.
const maxLine = 4 << 20

// Manifest is the part of a backup's manifest.json the index reads.
type Manifest struct {
	Conversations []ManifestConversation `json:"conversations"`
}

// ManifestConversation is one conversation of the manifest.
type ManifestConversation struct {
	Kind    string           `json:"kind"` // "group" or "chat"
	ID      string           `json:"id"`
	Name    string           `json:"name"`
	File    string           `json:"file"` // relative to the directory
	Count   int              `json:"count"`
	LastID  string           `json:"last_id"`
	Members []ManifestMember `json:"members"`
}

// ManifestMember is a member whose name the manifest knows.
type ManifestMember struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
}

// ReadManifest reads DIR/manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("reading the backup's manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("the backup's manifest.json is not valid: %w", err)
	}
	return &m, nil
}

// Index is an open index.
type Index struct {
	db   *sql.DB
	dir  string
	root *os.Root // dir: the files are opened through it, so none leaves dir
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations (
	key TEXT PRIMARY KEY,          -- kind ":" id
	kind TEXT NOT NULL,
	id TEXT NOT NULL,
	name TEXT NOT NULL,
	file TEXT NOT NULL,
	messages INTEGER NOT NULL DEFAULT 0,
	last_at INTEGER NOT NULL DEFAULT 0,
	read_bytes INTEGER NOT NULL DEFAULT 0,
	read_last_id TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS members (
	conv TEXT NOT NULL,
	user_id TEXT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (conv, user_id)
);
CREATE TABLE IF NOT EXISTS messages (
	rowid INTEGER PRIMARY KEY,     -- created_at << 16 | n: time order (see rowidFor)
	conv TEXT NOT NULL,
	id TEXT NOT NULL,
	sender_id TEXT NOT NULL,
	sender_name TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	text TEXT NOT NULL,
	likes INTEGER NOT NULL,
	kinds TEXT NOT NULL,           -- attachment types, space-separated
	reply_to TEXT NOT NULL,        -- the replied-to message id, or ''
	images TEXT NOT NULL,          -- sha256 of each image URL, space-separated
	system INTEGER NOT NULL,
	UNIQUE (conv, id)
);
CREATE INDEX IF NOT EXISTS messages_conv ON messages (conv);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (
	text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
`

// Open opens (creating it if needed) the index of the backup in dir. An
// index file that SQLite cannot read, that fails its quick check, or that
// has another schema version is moved aside (to index.sqlite.damaged) and
// started anew: Update then fills it from the JSON Lines files.
func Open(ctx context.Context, dir string) (*Index, error) {
	path := filepath.Join(dir, FileName)
	ix, err := open(ctx, dir, path)
	if err == nil {
		return ix, nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	// Damaged: keep it for inspection, start again.
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Rename(path+suffix, path+".damaged"+suffix)
	}
	return open(ctx, dir, path)
}

func open(ctx context.Context, dir, path string) (*Index, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	// One connection: SQLite writes one at a time anyway, and the view
	// server only reads.
	db.SetMaxOpenConns(1)
	root, err := os.OpenRoot(dir)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	ix := &Index{db: db, dir: dir, root: root}
	if err := ix.init(ctx); err != nil {
		_ = ix.Close()
		return nil, err
	}
	return ix, nil
}

func (ix *Index) init(ctx context.Context) error {
	var check string
	if err := ix.db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return fmt.Errorf("checking the index: %w", err)
	}
	if check != "ok" {
		return fmt.Errorf("the index is damaged: %s", check)
	}
	if _, err := ix.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("creating the index's tables: %w", err)
	}
	var v string
	err := ix.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'schema'").Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = ix.db.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('schema', ?)", fmt.Sprint(schemaVersion))
		return err
	case err != nil:
		return err
	case v != fmt.Sprint(schemaVersion):
		return fmt.Errorf("the index has schema %s, not %d", v, schemaVersion)
	}
	return nil
}

// Close closes the index.
func (ix *Index) Close() error {
	rerr := ix.root.Close()
	if err := ix.db.Close(); err != nil {
		return err
	}
	return rerr
}

// Stats says what one Update did.
type Stats struct {
	Conversations int // conversations in the manifest
	Added         int // messages added to the index
	Reindexed     int // conversations indexed again from the start
}

// Update brings the index up to the backup's files: conversations and
// members from the manifest, and the messages appended to each file since
// the last update. Only complete lines are read; a last line that a
// running backup has not finished is left for the next update.
func (ix *Index) Update(ctx context.Context) (Stats, error) {
	m, err := ReadManifest(ix.dir)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Conversations: len(m.Conversations)}
	for _, c := range m.Conversations {
		added, again, err := ix.updateConversation(ctx, c)
		st.Added += added
		if again {
			st.Reindexed++
		}
		if err != nil {
			return st, fmt.Errorf("indexing %s %s (%s): %w", c.Kind, c.ID, c.File, err)
		}
	}
	return st, nil
}

// Rebuild empties the index and fills it again from the files.
func (ix *Index) Rebuild(ctx context.Context) (Stats, error) {
	for _, q := range []string{"DELETE FROM messages", "INSERT INTO messages_fts(messages_fts) VALUES ('delete-all')", "DELETE FROM members", "DELETE FROM conversations"} {
		if _, err := ix.db.ExecContext(ctx, q); err != nil {
			return Stats{}, err
		}
	}
	return ix.Update(ctx)
}

// UpdateConversation brings one conversation up to its file, as Update
// does for each conversation of the manifest: a backup calls it while the
// conversation is still being saved, before the manifest lists it.
func (ix *Index) UpdateConversation(ctx context.Context, c ManifestConversation) (added int, err error) {
	added, _, err = ix.updateConversation(ctx, c)
	if err != nil {
		return added, fmt.Errorf("indexing %s %s (%s): %w", c.Kind, c.ID, c.File, err)
	}
	return added, nil
}

// safeFile checks that a manifest's file name stays inside the backup.
func safeFile(name string) error {
	if name == "" || !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("the manifest names the file %q, which is not inside the backup", name)
	}
	return nil
}

func (ix *Index) updateConversation(ctx context.Context, c ManifestConversation) (added int, reindexed bool, err error) {
	if err := safeFile(c.File); err != nil {
		return 0, false, err
	}
	key := c.Kind + ":" + c.ID
	f, err := ix.root.Open(filepath.FromSlash(c.File))
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil // listed before its first page was saved
	}
	if err != nil {
		return 0, false, err
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return 0, false, err
	}

	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var offset int64
	var lastID string
	err = tx.QueryRowContext(ctx, "SELECT read_bytes, read_last_id FROM conversations WHERE key = ?", key).Scan(&offset, &lastID)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return 0, false, err
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO conversations (key, kind, id, name, file) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET name = excluded.name, file = excluded.file`, key, c.Kind, c.ID, c.Name, c.File); err != nil {
		return 0, false, err
	}
	for _, mem := range c.Members {
		if _, err = tx.ExecContext(ctx, `INSERT INTO members (conv, user_id, name) VALUES (?, ?, ?)
			ON CONFLICT (conv, user_id) DO UPDATE SET name = excluded.name`, key, mem.UserID, mem.Name); err != nil {
			return 0, false, err
		}
	}
	if fi.Size() < offset {
		reindexed = true
	}
	if !reindexed && offset > 0 {
		// The next line must come after the last one indexed; otherwise
		// the file was written anew, and is read again from its start.
		if _, err = f.Seek(offset, io.SeekStart); err != nil {
			return 0, false, err
		}
		next, perr := peekID(f)
		if perr != nil || (next != "" && msgid.Compare(next, lastID) <= 0) {
			reindexed = true
		}
	}
	if reindexed {
		if err = deleteConversation(ctx, tx, key); err != nil {
			return 0, true, err
		}
		offset, lastID = 0, ""
	}
	if _, err = f.Seek(offset, io.SeekStart); err != nil {
		return 0, reindexed, err
	}
	added, offset, lastID, err = insertLines(ctx, tx, key, f, offset, lastID)
	if err != nil {
		return 0, reindexed, err
	}
	if _, err = tx.ExecContext(ctx, `UPDATE conversations SET read_bytes = ?, read_last_id = ?,
		messages = (SELECT count(*) FROM messages WHERE conv = ?),
		last_at = coalesce((SELECT max(created_at) FROM messages WHERE conv = ?), 0) WHERE key = ?`,
		offset, lastID, key, key, key); err != nil {
		return 0, reindexed, err
	}
	return added, reindexed, tx.Commit()
}

// peekID reads the id of the line at the reader's position ("" at the end
// of the file or before a line that is not complete).
func peekID(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	line, err := br.ReadSlice('\n')
	if errors.Is(err, io.EOF) || errors.Is(err, bufio.ErrBufferFull) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var m struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &m); err != nil {
		return "", err
	}
	return idString(m.ID), nil
}

func deleteConversation(ctx context.Context, tx *sql.Tx, key string) error {
	// The full-text table holds a copy of each text (it is an external
	// content table): each row is removed from it with its old text.
	if _, err := tx.ExecContext(ctx, `INSERT INTO messages_fts (messages_fts, rowid, text)
		SELECT 'delete', rowid, text FROM messages WHERE conv = ?`, key); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM messages WHERE conv = ?", key)
	return err
}

// message is what the index reads of one of GroupMe's message objects.
type message struct {
	ID          json.RawMessage   `json:"id"`
	UserID      json.RawMessage   `json:"user_id"`
	SenderID    json.RawMessage   `json:"sender_id"`
	Name        string            `json:"name"`
	CreatedAt   float64           `json:"created_at"`
	Text        *string           `json:"text"`
	FavoritedBy []json.RawMessage `json:"favorited_by"`
	System      bool              `json:"system"`
	Attachments []struct {
		Type    string          `json:"type"`
		URL     string          `json:"url"`
		ReplyID json.RawMessage `json:"reply_id"`
	} `json:"attachments"`
}

// idString is an id GroupMe wrote as a string or a number.
func idString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// ImageName is the name, without extension, under which backup keeps the
// picture at url in DIR/images: the hex SHA-256 of the URL.
func ImageName(url string) string {
	sum := sha256.Sum256([]byte(url))
	return hex.EncodeToString(sum[:])
}

// insertLines indexes the complete lines of r, which starts at offset, and
// returns how many messages it added, the offset after the last complete
// line and the last id.
func insertLines(ctx context.Context, tx *sql.Tx, key string, r io.Reader, offset int64, lastID string) (int, int64, string, error) {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO messages (rowid, conv, id, sender_id, sender_name, created_at, text, likes, kinds, reply_to, images, system)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conv, id) DO NOTHING RETURNING rowid`)
	if err != nil {
		return 0, offset, lastID, err
	}
	defer func() { _ = ins.Close() }()
	taken, err := tx.PrepareContext(ctx, "SELECT max(rowid) FROM messages WHERE rowid BETWEEN ? AND ?")
	if err != nil {
		return 0, offset, lastID, err
	}
	defer func() { _ = taken.Close() }()
	fts, err := tx.PrepareContext(ctx, "INSERT INTO messages_fts (rowid, text) VALUES (?, ?)")
	if err != nil {
		return 0, offset, lastID, err
	}
	defer func() { _ = fts.Close() }()

	st := indexStmts{ins: ins, taken: taken, fts: fts}
	br := bufio.NewReaderSize(r, 256<<10)
	added := 0
	var cols messageColumns
	for n := 0; ; n++ {
		if n%1000 == 0 && ctx.Err() != nil {
			return added, offset, lastID, ctx.Err()
		}
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			return added, offset, lastID, nil // an unfinished last line waits
		}
		if err != nil {
			return added, offset, lastID, err
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			return added, offset, lastID, fmt.Errorf("the line at byte %d is not a message: %w", offset, err)
		}
		id := idString(m.ID)
		if id == "" {
			return added, offset, lastID, fmt.Errorf("the message at byte %d has no id", offset)
		}
		cols.read(&m)
		isNew, err := st.insert(ctx, key, id, &m, &cols)
		if err != nil {
			return added, offset, lastID, err
		}
		if isNew {
			added++
		}
		offset += int64(len(line))
		lastID = id
	}
}

// messageColumns are the columns of the messages table read from a
// message's own fields.
type messageColumns struct {
	sender, text, replyTo string
	kinds, images         []string // the attachments' types, the pictures' ImageName
}

// read sets c from m, reusing c's slices.
func (c *messageColumns) read(m *message) {
	c.sender = idString(m.UserID)
	if c.sender == "" {
		c.sender = idString(m.SenderID)
	}
	c.text = ""
	if m.Text != nil {
		c.text = *m.Text
	}
	c.kinds, c.images, c.replyTo = c.kinds[:0], c.images[:0], ""
	for _, a := range m.Attachments {
		c.kinds = append(c.kinds, a.Type)
		switch a.Type {
		case "image", "linked_image":
			if a.URL != "" {
				c.images = append(c.images, ImageName(a.URL))
			}
		case "reply":
			c.replyTo = idString(a.ReplyID)
		}
	}
}

// indexStmts are insertLines' prepared statements.
type indexStmts struct {
	ins   *sql.Stmt // inserts a message unless indexed, returning its rowid
	taken *sql.Stmt // the highest rowid taken in a range
	fts   *sql.Stmt // inserts a message's text into the full-text index
}

// insert indexes the message m, whose id is id, of the conversation key,
// and reports whether it was new.
func (s indexStmts) insert(ctx context.Context, key, id string, m *message, c *messageColumns) (bool, error) {
	rowid, err := rowidFor(ctx, s.taken, int64(m.CreatedAt))
	if err != nil {
		return false, err
	}
	err = s.ins.QueryRowContext(ctx, rowid, key, id, c.sender, m.Name, int64(m.CreatedAt), c.text, len(m.FavoritedBy),
		strings.Join(c.kinds, " "), c.replyTo, strings.Join(c.images, " "), m.System).Scan(&rowid)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// already indexed (an update that was cut short after inserting
		// but before recording the offset cannot happen in one
		// transaction, but a file that repeats a line can)
		return false, nil
	case err != nil:
		return false, err
	}
	if c.text != "" {
		if _, err := s.fts.ExecContext(ctx, rowid, c.text); err != nil {
			return false, err
		}
	}
	return true, nil
}

// rowidFor picks the rowid of a message sent at sec: sec << 16, plus one
// for each message of that second already indexed. Rowids thus follow the
// time messages were sent, across conversations, whatever order they are
// indexed in, and the full-text table, which walks its matches in rowid
// order, hands a search its newest matches first: "the 20 newest of 100,000
// matches" reads about 20 of them instead of sorting all.
func rowidFor(ctx context.Context, taken *sql.Stmt, sec int64) (int64, error) {
	if sec < 0 || sec > 1<<46 {
		return 0, fmt.Errorf("created_at %d is not a time GroupMe could have sent", sec)
	}
	lo, hi := sec<<16, sec<<16|0xffff
	var top sql.NullInt64
	if err := taken.QueryRowContext(ctx, lo, hi).Scan(&top); err != nil {
		return 0, err
	}
	switch {
	case !top.Valid:
		return lo, nil
	case top.Int64 < hi:
		return top.Int64 + 1, nil
	}
	return 0, fmt.Errorf("more than 65,536 messages sent in the second %d", sec)
}

// readLine returns the next complete line (with its newline), io.EOF at
// the end or before an unfinished line, and an error for a line over
// maxLine.
func readLine(br *bufio.Reader) ([]byte, error) {
	var long []byte
	for {
		part, err := br.ReadSlice('\n')
		switch {
		case err == nil:
			if long == nil {
				return part, nil
			}
			return append(long, part...), nil
		case errors.Is(err, bufio.ErrBufferFull):
			long = append(long, part...)
			if len(long) > maxLine {
				return nil, fmt.Errorf("a line longer than %d bytes", maxLine)
			}
		case errors.Is(err, io.EOF):
			return nil, io.EOF
		default:
			return nil, err
		}
	}
}
