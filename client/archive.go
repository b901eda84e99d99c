package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

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
	return c.archivePage(ctx, call{op: "ListMessages", notModifiedOK: true}, req, err, "messages", p.Limit)
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
	return c.archivePage(ctx, call{op: "ListDirectMessages", notModifiedOK: true}, req, err, "direct_messages", p.Limit)
}

// archivePage sends req and reads the page of messages under list; limit
// is how many were asked for (0: GroupMe's default).
func (c *Client) archivePage(ctx context.Context, cl call, req *http.Request, buildErr error, list string, limit int) (*ArchivePage, error) {
	resp, err := c.send(ctx, cl, req, buildErr)
	if err != nil {
		return nil, err
	}
	defer closeBody(resp.Body)
	if resp.StatusCode == http.StatusNotModified {
		return &ArchivePage{}, nil
	}
	body, err := readPage(resp.Body) // bounded by the Client's body limit
	if err != nil {
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	hint := 20 // GroupMe's default page
	if limit > 0 {
		hint = min(limit, 100)
	}
	page, err := decodeArchiveList(body, list, hint)
	if err != nil {
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	return page, nil
}

// readPage reads r whole through a pooled buffer and returns a copy of
// exactly its length, which the page's messages then share: one
// allocation of the page's size, however the body arrives.
func readPage(r io.Reader) ([]byte, error) {
	if bb, ok := r.(*bufferedBody); ok {
		// Read whole already (doWhole), into a pooled buffer: one copy.
		b, err := bb.whole()
		if err != nil {
			return nil, err
		}
		return bytes.Clone(b), nil
	}
	bp := bodyPool.Get().(*[]byte)
	defer putBody(bp)
	b, err := readAll((*bp)[:0], r)
	*bp = b
	if err != nil {
		return nil, err
	}
	return bytes.Clone(b), nil
}

// archiveOptions make the page reader as lenient as encoding/json about
// what a message holds: a repeated name or invalid UTF-8 inside a message
// is kept as sent, not refused.
var archiveOptions = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
}

// decodeArchivePage reads {"response":{"count":N,"messages":[...]},...} in
// one pass of a jsontext.Decoder, which checks the whole body's syntax,
// and keeps each message as the sub-slice of body it was read from.
//
// A page usually holds as many messages as were asked for: room for
// sizeHint of them is made at once.
func decodeArchivePage(body []byte, sizeHint int) (*ArchivePage, error) {
	return decodeArchiveList(body, "messages", sizeHint)
}

// decodeArchiveList reads an archive page whose messages are under list
// ("messages" for a group, "direct_messages" for a conversation).
func decodeArchiveList(body []byte, list string, sizeHint int) (*ArchivePage, error) {
	r := archiveReader{body: body, dec: jsontext.NewDecoder(bytes.NewBuffer(body), archiveOptions...)}
	var page *ArchivePage
	err := r.object(func(name []byte) error {
		if string(name) != "response" {
			return r.skip()
		}
		if r.dec.PeekKind() == 'n' {
			page = nil
			return r.skip()
		}
		page = &ArchivePage{}
		return r.object(func(name []byte) error {
			switch string(name) {
			case "count":
				v, err := r.dec.ReadValue()
				if err != nil {
					return err
				}
				if n, err := strconv.Atoi(string(v)); err == nil {
					page.Count = n
				}
				return nil
			case list:
				page.Messages = make([]ArchivedMessage, 0, sizeHint)
				return r.array(func() error {
					m, err := r.message()
					page.Messages = append(page.Messages, m)
					return err
				})
			}
			return r.skip()
		})
	})
	if err == nil {
		// One value and nothing after it but white space.
		if _, err = r.dec.ReadValue(); err == nil {
			err = fmt.Errorf("invalid JSON at byte %d: data after the JSON value", r.dec.InputOffset())
		} else if errors.Is(err, io.EOF) {
			err = nil
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

// archiveReader walks an archive page with a jsontext.Decoder that reads
// straight from body (a bytes.Buffer is not copied), so offsets into the
// input are offsets into body.
type archiveReader struct {
	body    []byte
	dec     *jsontext.Decoder
	groupID string // the last group_id read
}

// object reads an object, calling member with each name (unescaped) while
// positioned before its value; member must consume the value. What is not
// an object is an error.
func (r *archiveReader) object(member func(name []byte) error) error {
	if err := r.open('{'); err != nil {
		return err
	}
	return r.members(member)
}

// members reads an object's members after its '{', and its '}'.
func (r *archiveReader) members(member func(name []byte) error) error {
	for r.dec.PeekKind() != '}' {
		name, err := r.name()
		if err != nil {
			return err
		}
		if err := member(name); err != nil {
			return err
		}
	}
	_, err := r.dec.ReadToken()
	return err
}

// name reads an object member's name and gives its text, to be compared
// with the few names the reader looks for: the bytes between the quotes
// when there is no escape (a name with invalid UTF-8 matches none of them
// either way), what the escapes spell otherwise.
func (r *archiveReader) name() ([]byte, error) {
	quoted, err := r.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	if raw := quoted[1 : len(quoted)-1]; bytes.IndexByte(raw, '\\') < 0 {
		return raw, nil
	}
	return unquote(quoted), nil
}

// array reads an array, calling item while positioned before each element;
// item must consume it. What is not an array is an error.
func (r *archiveReader) array(item func() error) error {
	if err := r.open('['); err != nil {
		return err
	}
	for r.dec.PeekKind() != ']' {
		if err := item(); err != nil {
			return err
		}
	}
	_, err := r.dec.ReadToken()
	return err
}

// open reads the opening token of an object or array.
func (r *archiveReader) open(kind jsontext.Kind) error {
	if k := r.dec.PeekKind(); k != kind {
		if err := r.skip(); err != nil {
			return err // the decoder's own error: bad syntax or the end
		}
		return fmt.Errorf("invalid JSON at byte %d: want %s, got %s", r.dec.InputOffset(), kind, k)
	}
	_, err := r.dec.ReadToken()
	return err
}

// skip reads and checks any value.
func (r *archiveReader) skip() error {
	_, err := r.dec.ReadValue()
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// unquote gives a string's text: the bytes between the quotes when it
// holds no escape, what the escapes spell otherwise. Invalid UTF-8 becomes
// U+FFFD, as encoding/json reads it.
func unquote(quoted jsontext.Value) []byte {
	if raw := quoted[1 : len(quoted)-1]; bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return raw
	}
	b, _ := jsontext.AppendUnquote(nil, quoted) // the error only says U+FFFD was put in
	return b
}

// message reads one message object, keeping its bytes as sent and its id
// and group_id.
func (r *archiveReader) message() (ArchivedMessage, error) {
	var m ArchivedMessage
	if err := r.open('{'); err != nil {
		return m, err
	}
	start := r.dec.InputOffset() - 1 // the '{' just read
	for r.dec.PeekKind() != '}' {
		name, err := r.name()
		if err != nil {
			return m, err
		}
		switch string(name) {
		case "id":
			var id []byte
			id, err = r.idText()
			m.ID = string(id)
		case "group_id":
			// Every message of a page has the same group_id: one string
			// serves them all.
			var id []byte
			if id, err = r.idText(); string(id) != r.groupID {
				r.groupID = string(id)
			}
			m.GroupID = r.groupID
		case "conversation_id":
			var id []byte
			id, err = r.idText()
			m.ConversationID = string(id)
		default:
			err = r.skip()
		}
		if err != nil {
			return m, err
		}
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return m, err
	}
	end := r.dec.InputOffset() // just after the '}'
	m.JSON = r.body[start:end:end]
	return m, nil
}

// idText reads a value and gives its text when it is a string or an
// integer, and nothing otherwise.
func (r *archiveReader) idText() ([]byte, error) {
	v, err := r.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	switch v.Kind() {
	case '"':
		return unquote(v), nil
	case '0':
		for _, c := range v {
			if c < '0' || c > '9' {
				return nil, nil
			}
		}
		return v, nil
	}
	return nil, nil
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
