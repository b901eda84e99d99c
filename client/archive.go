package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"unicode/utf8"

	"github.com/groupme-go/groupme/gen"
)

// ArchivePage is one page of a group's messages for an archiver: each
// message is kept as the exact bytes GroupMe sent, with only the fields an
// archiver needs to check the page decoded beside them. Nothing is
// re-encoded, so fields and attachment types this version does not know,
// and characters such as &, < and >, survive byte for byte. The page is
// read in one pass over the body, which is validated as JSON on the way.
type ArchivePage struct {
	// Count is the group's message count as the page reports it.
	Count    int
	Messages []ArchivedMessage
}

// ArchivedMessage is one message of an ArchivePage.
type ArchivedMessage struct {
	// ID is the message's id; empty when the message has none, or has one
	// that is neither a JSON string nor an integer.
	ID string
	// GroupID is the message's group_id, empty when absent.
	GroupID string
	// ConversationID is a direct message's conversation_id ("A+B", the two
	// users' ids), empty when absent.
	ConversationID string
	// JSON is the message object exactly as GroupMe sent it. It shares
	// memory with the page's other messages; copy it to keep it longer
	// than the page.
	JSON []byte
}

// ListMessagesArchivePage calls GET /groups/{group_id}/messages once,
// like ListMessages with the same params, and keeps each message as the
// exact bytes GroupMe sent. acceptFiles=1 is always sent, so messages with
// file attachments keep their text. A 304 answer is an empty page.
//
// It is the page an archiver walks itself: it checks nothing about the
// order or the ids, so the caller can check everything.
// ListMessagesArchiveIter walks it with the checks of the other iterators.
func (c *Client) ListMessagesArchivePage(ctx context.Context, groupID string, params *MessageParams) (*ArchivePage, error) {
	var p MessageParams
	if params != nil {
		p = *params
	}
	p.AcceptFiles = true
	req, err := gen.NewListMessagesRequest(c.base, groupID, p.group())
	return c.archivePage(ctx, call{op: "ListMessages", notModifiedOK: true}, req, err, "messages")
}

// ListDirectMessagesArchivePage calls GET /direct_messages once, like
// ListDirectMessages with the same params, and keeps each message as the
// exact bytes GroupMe sent, as ListMessagesArchivePage does for a group.
// acceptFiles=1 is always sent. A 304 answer is an empty page.
func (c *Client) ListDirectMessagesArchivePage(ctx context.Context, otherUserID string, params *MessageParams) (*ArchivePage, error) {
	var p MessageParams
	if params != nil {
		p = *params
	}
	p.AcceptFiles = true
	req, err := gen.NewListDirectMessagesRequest(c.base, p.direct(otherUserID))
	return c.archivePage(ctx, call{op: "ListDirectMessages", notModifiedOK: true}, req, err, "direct_messages")
}

// archivePage sends req and reads the page of messages under list.
func (c *Client) archivePage(ctx context.Context, cl call, req *http.Request, buildErr error, list string) (*ArchivePage, error) {
	resp, err := c.send(ctx, cl, req, buildErr)
	if err != nil {
		return nil, err
	}
	defer closeBody(resp.Body)
	if resp.StatusCode == http.StatusNotModified {
		return &ArchivePage{}, nil
	}
	body, err := io.ReadAll(resp.Body) // bounded by the Client's body limit
	if err != nil {
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	page, err := decodeArchiveList(body, list)
	if err != nil {
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	return page, nil
}

// decodeArchivePage reads {"response":{"count":N,"messages":[...]},...} in
// one pass, keeping each message as a sub-slice of body.
func decodeArchivePage(body []byte) (*ArchivePage, error) {
	return decodeArchiveList(body, "messages")
}

// decodeArchiveList reads an archive page whose messages are under list.
func decodeArchiveList(body []byte, list string) (*ArchivePage, error) {
	s := newJSONScan(body)
	var page *ArchivePage
	err := s.object(func(key []byte) error {
		if string(key) != "response" {
			return s.skip()
		}
		if s.literal("null") {
			page = nil
			return nil
		}
		page = &ArchivePage{}
		return s.object(func(key []byte) error {
			switch string(key) {
			case "count":
				s.skipSpace()
				start := s.pos
				if err := s.skip(); err != nil {
					return err
				}
				var n int
				if json.Unmarshal(s.buf[start:s.pos], &n) == nil {
					page.Count = n
				}
				return nil
			case list:
				page.Messages = page.Messages[:0]
				return s.array(func() error {
					m, err := s.message()
					page.Messages = append(page.Messages, m)
					return err
				})
			}
			return s.skip()
		})
	})
	if err == nil {
		if !s.end() {
			err = s.errorf("data after the JSON value")
		}
	}
	if err != nil {
		return nil, err
	}
	if page == nil {
		return nil, errNoPayload
	}
	return page, nil
}

// jsonScan is the archive page reader's scanner: lenient, since messages
// are kept byte for byte whatever their strings hold, and with errors
// that say where the JSON went wrong.
type jsonScan struct{ scanner }

func newJSONScan(b []byte) *jsonScan { return &jsonScan{scanner{buf: b, lenient: true}} }

var errJSONEnd = errors.New("unexpected end of JSON input")

func (s *jsonScan) errorf(format string, args ...any) error {
	if s.pos >= len(s.buf) {
		return errJSONEnd
	}
	return fmt.Errorf("invalid JSON at byte %d: %s", s.pos, fmt.Sprintf(format, args...))
}

// literal consumes word (after white space) if it is next.
func (s *jsonScan) literal(word string) bool {
	s.skipSpace()
	return s.scanner.literal(word)
}

// object reads an object, calling field with each key (unquoted) while
// positioned before its value; field must consume the value.
func (s *jsonScan) object(field func(key []byte) error) error {
	return s.container('{', '}', func() error {
		key, err := s.str()
		if err != nil {
			return err
		}
		if s.peek() != ':' {
			return s.errorf("want ':'")
		}
		s.pos++
		return field(key)
	})
}

// array reads an array, calling item while positioned before each element;
// item must consume it.
func (s *jsonScan) array(item func() error) error {
	return s.container('[', ']', item)
}

// container reads an object or an array, calling member for each.
func (s *jsonScan) container(opening, closing byte, member func() error) error {
	if s.peek() != opening {
		return s.errorf("want %q", opening)
	}
	if !s.enter() {
		return s.errorf("nested too deeply")
	}
	more, ok := s.firstMember(closing)
	for ; ok && more; more, ok = s.nextMember(closing) {
		if err := member(); err != nil {
			return err
		}
	}
	if !ok {
		return s.errorf("want ',' or %q", closing)
	}
	s.depth--
	return nil
}

// str reads a string and returns its text: the raw bytes between the
// quotes when there is no escape and they are valid UTF-8, the text as
// encoding/json decodes it otherwise (invalid UTF-8 becomes U+FFFD).
func (s *jsonScan) str() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.errorf("want a string")
	}
	start := s.pos
	end, escaped, high, ok := s.scanString()
	if !ok {
		return nil, s.errorf("bad string")
	}
	raw := s.buf[start+1 : end]
	if !escaped && (!high || utf8.Valid(raw)) {
		return raw, nil
	}
	var out string
	if err := json.Unmarshal(s.buf[start:end+1], &out); err != nil {
		return nil, err
	}
	return []byte(out), nil
}

// skip reads and checks any value.
func (s *jsonScan) skip() error {
	if s.peek() == 0 && s.pos >= len(s.buf) {
		return errJSONEnd
	}
	if !s.skipValue() {
		return s.errorf("bad value")
	}
	return nil
}

// message reads one message object, keeping its bytes and its id and
// group_id.
func (s *jsonScan) message() (ArchivedMessage, error) {
	var m ArchivedMessage
	s.skipSpace()
	start := s.pos
	err := s.object(func(key []byte) error {
		switch string(key) {
		case "id":
			id, err := s.idValue()
			m.ID = id
			return err
		case "group_id":
			id, err := s.idValue()
			m.GroupID = id
			return err
		case "conversation_id":
			id, err := s.idValue()
			m.ConversationID = id
			return err
		}
		return s.skip()
	})
	m.JSON = s.buf[start:s.pos:s.pos]
	return m, err
}

// idValue reads a value and gives its text when it is a string or an
// integer, and "" otherwise.
func (s *jsonScan) idValue() (string, error) {
	if s.peek() == '"' {
		v, err := s.str()
		return string(v), err
	}
	start := s.pos
	if err := s.skip(); err != nil {
		return "", err
	}
	raw := s.buf[start:s.pos]
	for _, c := range raw {
		if c < '0' || c > '9' {
			return "", nil
		}
	}
	return string(raw), nil
}

// ListMessagesArchiveIter walks a group's history forwards, oldest first,
// like ListMessagesAfterIter with the same params (an empty AfterID starts
// at the group's first message), and yields each message as the exact
// bytes GroupMe sent (see ArchivePage): for archives that must lose
// nothing. Paging that misbehaves ends the walk with ErrPagingStalled.
func (c *Client) ListMessagesArchiveIter(ctx context.Context, groupID string, params *MessageParams) iter.Seq2[ArchivedMessage, error] {
	return messageWalk(params, forward, func(p *MessageParams) ([]ArchivedMessage, error) {
		page, err := c.ListMessagesArchivePage(ctx, groupID, p)
		if err != nil {
			return nil, err
		}
		return page.Messages, nil
	}, func(m *ArchivedMessage) string { return m.ID })
}
