package client

import (
	"context"
	"errors"
	"iter"

	"github.com/groupme-go/groupme/gen"
)

// PageOption tunes an iterator.
type PageOption func(*pageConfig)

type pageConfig struct {
	size            int
	omitMemberships bool
	acceptFiles     bool
}

// PageSize sets how many items each request asks for: per_page for groups
// and chats (GroupMe's default when unset), limit for messages (100, the
// maximum, when unset).
func PageSize(n int) PageOption { return func(p *pageConfig) { p.size = n } }

// OmitMemberships lists groups with omit=memberships: Members is nil and
// MembersCount 0, which is much lighter for users in large groups.
func OmitMemberships() PageOption { return func(p *pageConfig) { p.omitMemberships = true } }

// AcceptFiles lists messages with acceptFiles=1, so messages with file
// attachments keep their text.
func AcceptFiles() PageOption { return func(p *pageConfig) { p.acceptFiles = true } }

func pageOptions(opts []PageOption) pageConfig {
	var p pageConfig
	for _, o := range opts {
		o(&p)
	}
	return p
}

func (p pageConfig) limit() *int {
	if p.size > 0 {
		return &p.size
	}
	return Ptr(100)
}

func (p pageConfig) perPage() *int {
	if p.size > 0 {
		return &p.size
	}
	return nil
}

// messageParams are the query parameters of one message page: the page
// size, acceptFiles, and the cursor (before or after; empty means none).
func (p pageConfig) messageParams(before, after string) gen.ListMessagesParams {
	params := gen.ListMessagesParams{Limit: p.limit(), BeforeID: optionalID(before), AfterID: optionalID(after)}
	if p.acceptFiles {
		params.AcceptFiles = Ptr(gen.ListMessagesParamsAcceptFiles(1))
	}
	return params
}

// directMessageParams is messageParams for a conversation with otherUserID.
func (p pageConfig) directMessageParams(otherUserID, before, after string) gen.ListDirectMessagesParams {
	params := gen.ListDirectMessagesParams{OtherUserID: otherUserID, Limit: p.limit(), BeforeID: optionalID(before), AfterID: optionalID(after)}
	if p.acceptFiles {
		params.AcceptFiles = Ptr(gen.ListDirectMessagesParamsAcceptFiles(1))
	}
	return params
}

func optionalID(id string) *string {
	if id == "" {
		return nil
	}
	return &id
}

// walk is the loop every iterator shares: fetch the page for cursor, yield
// its items, move the cursor with next. It stops on an empty page (a 304
// is one), on a cursor that does not move and on a page whose first item
// repeats the previous page's first item (a server ignoring the cursor);
// an error is yielded once, then it stops. A short page is not the end.
func walk[T any, C comparable](start C, fetch func(C) ([]T, error), next func(C, []T) C, key func(*T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cur := start
		prevFirst := ""
		for {
			page, err := fetch(cur)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			if len(page) == 0 {
				return
			}
			if first := key(&page[0]); first != "" && first == prevFirst {
				return
			} else {
				prevFirst = first
			}
			for _, v := range page {
				if !yield(v, nil) {
					return
				}
			}
			n := next(cur, page)
			if n == cur {
				return
			}
			cur = n
		}
	}
}

func nextPage[T any](page int, _ []T) int { return page + 1 }

// ListGroupsIter walks GET /groups page by page (page, per_page) until a
// page comes back empty, yielding every group the user belongs to.
func (c *Client) ListGroupsIter(ctx context.Context, opts ...PageOption) iter.Seq2[gen.Group, error] {
	p := pageOptions(opts)
	params := gen.ListGroupsParams{PerPage: p.perPage()}
	if p.omitMemberships {
		params.Omit = Ptr(gen.ListGroupsParamsOmit("memberships"))
	}
	return walk(1, func(page int) ([]gen.Group, error) {
		params.Page = &page
		return c.ListGroups(ctx, &params)
	}, nextPage, func(g *gen.Group) string { return g.ID })
}

// ListFormerGroupsIter yields the groups of GET /groups/former, which is
// not paginated; it exists so all group listings can be ranged over alike.
func (c *Client) ListFormerGroupsIter(ctx context.Context) iter.Seq2[gen.Group, error] {
	return func(yield func(gen.Group, error) bool) {
		groups, err := c.ListFormerGroups(ctx)
		if err != nil {
			yield(gen.Group{}, err)
			return
		}
		for _, g := range groups {
			if !yield(g, nil) {
				return
			}
		}
	}
}

// ListChatsIter walks GET /chats page by page until a page comes back
// empty, yielding every conversation, most recently updated first.
func (c *Client) ListChatsIter(ctx context.Context, opts ...PageOption) iter.Seq2[gen.Chat, error] {
	p := pageOptions(opts)
	params := gen.ListChatsParams{PerPage: p.perPage()}
	return walk(1, func(page int) ([]gen.Chat, error) {
		params.Page = &page
		return c.ListChats(ctx, &params)
	}, nextPage, func(ch *gen.Chat) string { return ch.LastMessage.ID })
}

func lastMessageID(_ string, page []gen.Message) string { return page[len(page)-1].ID }

func lastDirectMessageID(_ string, page []gen.DirectMessage) string {
	return page[len(page)-1].ID
}

func messageKey(m *gen.Message) string             { return m.ID }
func directMessageKey(m *gen.DirectMessage) string { return m.ID }

// ListMessagesIter walks a group's history backwards, newest first, with
// before_id: it starts just before beforeID, or at the newest message when
// beforeID is empty, and ends at the group's first message (GroupMe's 304).
func (c *Client) ListMessagesIter(ctx context.Context, groupID, beforeID string, opts ...PageOption) iter.Seq2[gen.Message, error] {
	p := pageOptions(opts)
	return walk(beforeID, func(cursor string) ([]gen.Message, error) {
		params := p.messageParams(cursor, "")
		res, err := c.ListMessages(ctx, groupID, &params)
		if err != nil {
			return nil, err
		}
		return res.Messages, nil
	}, lastMessageID, messageKey)
}

var errNoCursor = errors.New("groupme: a forward iterator needs the id of a message to start after")

// ListMessagesAfterIter walks a group's messages forwards, oldest first,
// with after_id and no gaps: it yields the messages newer than afterID
// (which must not be empty) up to the newest one. Keep the last id it
// yielded to resume later.
func (c *Client) ListMessagesAfterIter(ctx context.Context, groupID, afterID string, opts ...PageOption) iter.Seq2[gen.Message, error] {
	p := pageOptions(opts)
	if afterID == "" {
		return func(yield func(gen.Message, error) bool) { yield(gen.Message{}, errNoCursor) }
	}
	return walk(afterID, func(cursor string) ([]gen.Message, error) {
		params := p.messageParams("", cursor)
		res, err := c.ListMessages(ctx, groupID, &params)
		if err != nil {
			return nil, err
		}
		return res.Messages, nil
	}, lastMessageID, messageKey)
}

// ListDirectMessagesIter walks the conversation with otherUserID
// backwards, newest first, with before_id, starting just before beforeID
// or at the newest message when it is empty.
func (c *Client) ListDirectMessagesIter(ctx context.Context, otherUserID, beforeID string, opts ...PageOption) iter.Seq2[gen.DirectMessage, error] {
	p := pageOptions(opts)
	return walk(beforeID, func(cursor string) ([]gen.DirectMessage, error) {
		params := p.directMessageParams(otherUserID, cursor, "")
		res, err := c.ListDirectMessages(ctx, params)
		if err != nil {
			return nil, err
		}
		return res.DirectMessages, nil
	}, lastDirectMessageID, directMessageKey)
}

// ListDirectMessagesAfterIter walks the conversation with otherUserID
// forwards, oldest first, with after_id, yielding the messages newer than
// afterID (which must not be empty). GroupMe's reference documents after_id
// for group messages; for direct messages only community sources do.
func (c *Client) ListDirectMessagesAfterIter(ctx context.Context, otherUserID, afterID string, opts ...PageOption) iter.Seq2[gen.DirectMessage, error] {
	p := pageOptions(opts)
	if afterID == "" {
		return func(yield func(gen.DirectMessage, error) bool) { yield(gen.DirectMessage{}, errNoCursor) }
	}
	return walk(afterID, func(cursor string) ([]gen.DirectMessage, error) {
		params := p.directMessageParams(otherUserID, "", cursor)
		res, err := c.ListDirectMessages(ctx, params)
		if err != nil {
			return nil, err
		}
		return res.DirectMessages, nil
	}, lastDirectMessageID, directMessageKey)
}
