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
	cl := call{op: "ListMessages", notModifiedOK: true}
	resp, err := c.send(ctx, cl, req, err)
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
	page, err := decodeArchivePage(body)
	if err != nil {
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	return page, nil
}

// decodeArchivePage reads {"response":{"count":N,"messages":[...]},...} in
// one pass, keeping each message as a sub-slice of body.
func decodeArchivePage(body []byte) (*ArchivePage, error) {
	s := &jsonScan{b: body}
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
				start := s.i
				if err := s.skip(); err != nil {
					return err
				}
				var n int
				if json.Unmarshal(s.b[start:s.i], &n) == nil {
					page.Count = n
				}
				return nil
			case "messages":
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
		s.ws()
		if s.i != len(s.b) {
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

// jsonScan is a validating, allocation-light JSON reader over a byte slice:
// just enough to walk an envelope and pick fields out of messages.
type jsonScan struct {
	b     []byte
	i     int
	depth int
}

const maxJSONDepth = 1000

var errJSONEnd = errors.New("unexpected end of JSON input")

func (s *jsonScan) errorf(format string, args ...any) error {
	if s.i >= len(s.b) {
		return errJSONEnd
	}
	return fmt.Errorf("invalid JSON at byte %d: %s", s.i, fmt.Sprintf(format, args...))
}

func (s *jsonScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// literal consumes word (after whitespace) if it is next.
func (s *jsonScan) literal(word string) bool {
	s.ws()
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// object reads an object, calling field with each key (unquoted) while
// positioned before its value; field must consume the value.
func (s *jsonScan) object(field func(key []byte) error) error {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return s.errorf("want an object")
	}
	if s.depth++; s.depth > maxJSONDepth {
		return s.errorf("nested too deeply")
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		s.depth--
		return nil
	}
	for {
		s.ws()
		key, err := s.str()
		if err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return s.errorf("want ':'")
		}
		s.i++
		if err := field(key); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return errJSONEnd
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return nil
		default:
			return s.errorf("want ',' or '}'")
		}
	}
}

// array reads an array, calling item while positioned before each element;
// item must consume it.
func (s *jsonScan) array(item func() error) error {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '[' {
		return s.errorf("want an array")
	}
	if s.depth++; s.depth > maxJSONDepth {
		return s.errorf("nested too deeply")
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		s.depth--
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return errJSONEnd
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return nil
		default:
			return s.errorf("want ',' or ']'")
		}
	}
}

// str reads a string and returns its text: the raw bytes between the
// quotes when there is no escape, the decoded text otherwise.
func (s *jsonScan) str() ([]byte, error) { return s.stringValue(true) }

// stringValue reads a string, returning its text only when decode is set
// (skipping a string validates it without allocating).
func (s *jsonScan) stringValue(decode bool) ([]byte, error) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, s.errorf("want a string")
	}
	start := s.i
	s.i++
	escaped, high := false, false
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			raw := s.b[start+1 : s.i-1]
			if !decode || !escaped && (!high || utf8.Valid(raw)) {
				return raw, nil
			}
			// Escapes, or invalid UTF-8 (which encoding/json turns into
			// U+FFFD): decode as encoding/json does.
			var out string
			if err := json.Unmarshal(s.b[start:s.i], &out); err != nil {
				return nil, err
			}
			return []byte(out), nil
		case c == '\\':
			escaped = true
			if s.i+1 >= len(s.b) {
				return nil, errJSONEnd
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) {
					return nil, errJSONEnd
				}
				for _, h := range s.b[s.i+2 : s.i+6] {
					if !isHex(h) {
						return nil, s.errorf("bad \\u escape")
					}
				}
				s.i += 6
			default:
				return nil, s.errorf("bad escape")
			}
		case c < 0x20:
			return nil, s.errorf("control character in a string")
		default:
			high = high || c >= 0x80
			s.i++
		}
	}
	return nil, errJSONEnd
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number reads a JSON number.
func (s *jsonScan) number() error {
	digits := func() bool {
		start := s.i
		for s.i < len(s.b) && isDigit(s.b[s.i]) {
			s.i++
		}
		return s.i > start
	}
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case !digits():
		return s.errorf("bad number")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !digits() {
			return s.errorf("bad number")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !digits() {
			return s.errorf("bad number")
		}
	}
	return nil
}

// skip reads and validates any value.
func (s *jsonScan) skip() error {
	s.ws()
	if s.i >= len(s.b) {
		return errJSONEnd
	}
	switch c := s.b[s.i]; {
	case c == '{':
		return s.object(func([]byte) error { return s.skip() })
	case c == '[':
		return s.array(s.skip)
	case c == '"':
		_, err := s.stringValue(false)
		return err
	case c == '-' || isDigit(c):
		return s.number()
	case s.literal("true"), s.literal("false"), s.literal("null"):
		return nil
	}
	return s.errorf("unexpected %q", s.b[s.i])
}

// message reads one message object, keeping its bytes and its id and
// group_id.
func (s *jsonScan) message() (ArchivedMessage, error) {
	var m ArchivedMessage
	s.ws()
	start := s.i
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
		}
		return s.skip()
	})
	m.JSON = s.b[start:s.i:s.i]
	return m, err
}

// idValue reads a value and gives its text when it is a string or an
// integer, and "" otherwise.
func (s *jsonScan) idValue() (string, error) {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '"' {
		v, err := s.str()
		return string(v), err
	}
	start := s.i
	if err := s.skip(); err != nil {
		return "", err
	}
	raw := s.b[start:s.i]
	for _, c := range raw {
		if !isDigit(c) {
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
