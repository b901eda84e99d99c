package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// ErrPagingStalled is yielded, once, by an iterator whose server stops
// paging properly: a cursor that does not move or moves the wrong way, a
// page that repeats the previous one, or an item without the id the next
// cursor needs. The walk ends there, so what was yielded before is valid
// but incomplete. Test with errors.Is.
var ErrPagingStalled = errors.New("groupme: paging stalled")

// ErrBadCursor is a cursor argument that cannot be a GroupMe message id
// (ids are decimal digits). Test with errors.Is.
var ErrBadCursor = errors.New("groupme: a message cursor must be a message id (decimal digits)")

func stalled(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrPagingStalled, fmt.Sprintf(format, args...))
}

// fail is an iterator that yields err once.
func fail[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// walkPages walks numbered pages from start (the first page when less
// than 1), with walkCursor's checks.
func walkPages[T any](start int, fetch func(page int) ([]T, error), key func(*T) string) iter.Seq2[T, error] {
	return walkCursor(max(start, 1), fetch, func(page int, _ []T) int { return page + 1 }, key)
}

// walkCursor walks pages from cursor start, each next cursor taken from the
// page before by next (a page number, or a cursor that is not a message id
// such as the gallery's timestamps). It ends at an empty page (a 304 is
// one). A page whose first item has no id (key) or repeats the previous
// page's first item, or a cursor that does not move, yields
// ErrPagingStalled once and ends the walk.
func walkCursor[T any, C comparable](start C, fetch func(cursor C) ([]T, error), next func(cursor C, page []T) C, key func(*T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor, prevFirst := start, ""
		for {
			page, err := fetch(cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			if len(page) == 0 {
				return
			}
			switch first := key(&page[0]); first {
			case "":
				yield(zero, stalled("the page at %v: its first item has no id", cursor))
				return
			case prevFirst:
				yield(zero, stalled("the page at %v repeats the one before (the server ignores the cursor)", cursor))
				return
			default:
				prevFirst = first
			}
			for i := range page {
				if !yield(page[i], nil) {
					return
				}
			}
			n := next(cursor, page)
			if n == cursor {
				yield(zero, stalled("cursor %v did not move", cursor))
				return
			}
			cursor = n
		}
	}
}

// direction is the way a message walk moves through a conversation.
type direction bool

const (
	backward direction = false // before_id, newest first
	forward  direction = true  // after_id, oldest first
)

// walkMessages walks a conversation from cursor in direction dir: each page
// is fetched with the id of the last message of the page before as its
// cursor. It ends at an empty page (GroupMe answers 304 past either end).
// Every message must have an id, and ids must move the way dir goes
// (smaller backwards, larger forwards, as GroupMe's ids do); anything else
// yields ErrPagingStalled once and ends the walk.
func walkMessages[M any](cursor string, dir direction, fetch func(cursor string) ([]M, error), id func(*M) string) iter.Seq2[M, error] {
	return func(yield func(M, error) bool) {
		var zero M
		for {
			page, err := fetch(cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			if len(page) == 0 {
				return
			}
			prev := cursor
			for i := range page {
				got := id(&page[i])
				if !validID(got) {
					yield(zero, stalled("after cursor %q: a message has no valid id (%q)", cursor, got))
					return
				}
				if prev != "" && !ordered(dir, prev, got) {
					yield(zero, stalled("after cursor %q: message %s does not come %s %s", cursor, got, dir, prev))
					return
				}
				prev = got
				if !yield(page[i], nil) {
					return
				}
			}
			cursor = prev
		}
	}
}

func (d direction) String() string {
	if d == forward {
		return "after"
	}
	return "before"
}

// ordered reports whether b comes after a in direction d; both are
// decimal ids.
func ordered(d direction, a, b string) bool {
	if d == forward {
		return compareIDs(a, b) < 0
	}
	return compareIDs(a, b) > 0
}

// messageWalk starts a walk over one conversation with params: the page
// method is list, and the walk owns the cursor of its direction. The other
// cursors must be empty.
func messageWalk[M any](params *MessageParams, dir direction, list func(*MessageParams) ([]M, error), id func(*M) string) iter.Seq2[M, error] {
	var p MessageParams
	if params != nil {
		p = *params
	}
	start := p.BeforeID // empty: from the newest message
	other := p.AfterID != "" || p.SinceID != ""
	if dir == forward {
		start, other = p.AfterID, p.BeforeID != "" || p.SinceID != ""
		if start == "" {
			start = "0" // after_id=0: from the first message
		}
	}
	if other {
		return fail[M](fmt.Errorf("groupme: a message walk %s an id takes no other cursor (SinceID and %s must be empty)", dir, map[direction]string{forward: "BeforeID", backward: "AfterID"}[dir]))
	}
	if start != "" && !validID(start) {
		return fail[M](fmt.Errorf("%w: %q", ErrBadCursor, start))
	}
	if p.Limit == 0 {
		p.Limit = 100
	}
	return walkMessages(start, dir, func(cursor string) ([]M, error) {
		q := p
		if dir == forward {
			q.AfterID = cursor
		} else {
			q.BeforeID = cursor
		}
		return list(&q)
	}, id)
}

// ListGroupsIter walks GET /groups page by page from params.Page (the
// first page when 0), yielding every group the user belongs to, until a
// page comes back empty.
func (c *Client) ListGroupsIter(ctx context.Context, params *ListGroupsParams) iter.Seq2[Group, error] {
	var p ListGroupsParams
	if params != nil {
		p = *params
	}
	return walkPages(p.Page, func(page int) ([]Group, error) {
		q := p
		q.Page = page
		return c.ListGroups(ctx, &q)
	}, func(g *Group) string { return g.ID })
}

// ListFormerGroupsIter yields the groups of GET /groups/former, which is
// not paginated; it exists so all group listings can be ranged over alike.
func (c *Client) ListFormerGroupsIter(ctx context.Context) iter.Seq2[Group, error] {
	return func(yield func(Group, error) bool) {
		groups, err := c.ListFormerGroups(ctx)
		if err != nil {
			yield(Group{}, err)
			return
		}
		for _, g := range groups {
			if !yield(g, nil) {
				return
			}
		}
	}
}

// ListChatsIter walks GET /chats page by page from params.Page until a
// page comes back empty, yielding every conversation, most recently
// updated first.
func (c *Client) ListChatsIter(ctx context.Context, params *ListChatsParams) iter.Seq2[Chat, error] {
	var p ListChatsParams
	if params != nil {
		p = *params
	}
	return walkPages(p.Page, func(page int) ([]Chat, error) {
		q := p
		q.Page = page
		return c.ListChats(ctx, &q)
	}, func(ch *Chat) string { return ch.LastMessage.ID })
}

// ListMessagesIter walks a group's history backwards, newest first, with
// before_id: it starts just before params.BeforeID, or at the newest
// message when that is empty, and ends at the group's first message.
// params.Limit sets the page size (100 when 0); AfterID and SinceID must be
// empty.
func (c *Client) ListMessagesIter(ctx context.Context, groupID string, params *MessageParams) iter.Seq2[Message, error] {
	return messageWalk(params, backward, c.groupPage(ctx, groupID), messageID)
}

// ListMessagesAfterIter walks a group's history forwards, oldest first,
// with after_id and no gaps: it yields the messages newer than
// params.AfterID, or every message from the group's first when that is
// empty, up to the newest. Keep the last id it yielded to resume later.
func (c *Client) ListMessagesAfterIter(ctx context.Context, groupID string, params *MessageParams) iter.Seq2[Message, error] {
	return messageWalk(params, forward, c.groupPage(ctx, groupID), messageID)
}

// ListDirectMessagesIter walks the conversation with otherUserID
// backwards, newest first, like ListMessagesIter.
func (c *Client) ListDirectMessagesIter(ctx context.Context, otherUserID string, params *MessageParams) iter.Seq2[DirectMessage, error] {
	return messageWalk(params, backward, c.directPage(ctx, otherUserID), directMessageID)
}

// ListDirectMessagesAfterIter walks the conversation with otherUserID
// forwards, oldest first, like ListMessagesAfterIter. GroupMe's reference
// documents after_id for group messages; for direct messages only
// community sources do.
func (c *Client) ListDirectMessagesAfterIter(ctx context.Context, otherUserID string, params *MessageParams) iter.Seq2[DirectMessage, error] {
	return messageWalk(params, forward, c.directPage(ctx, otherUserID), directMessageID)
}

func messageID(m *Message) string             { return m.ID }
func directMessageID(m *DirectMessage) string { return m.ID }

func (c *Client) groupPage(ctx context.Context, groupID string) func(*MessageParams) ([]Message, error) {
	return func(p *MessageParams) ([]Message, error) {
		res, err := c.ListMessages(ctx, groupID, p)
		if err != nil {
			return nil, err
		}
		return res.Messages, nil
	}
}

func (c *Client) directPage(ctx context.Context, otherUserID string) func(*MessageParams) ([]DirectMessage, error) {
	return func(p *MessageParams) ([]DirectMessage, error) {
		res, err := c.ListDirectMessages(ctx, otherUserID, p)
		if err != nil {
			return nil, err
		}
		return res.DirectMessages, nil
	}
}
