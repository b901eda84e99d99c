package client

import (
	"context"
	"errors"
	"net/http"

	"github.com/groupme-go/groupme/gen"
)

// ListMessages calls GET /groups/{group_id}/messages: one page of a
// group's messages. params may be nil (the newest 20, newest first). A 304
// answer (no messages match the cursor) is an empty page, not an error.
// ListMessagesIter and ListMessagesAfterIter walk every page.
func (c *Client) ListMessages(ctx context.Context, groupID string, params *MessageParams) (*MessageList, error) {
	req, err := gen.NewListMessagesRequest(c.base, groupID, params.group())
	return doJSON[MessageList](ctx, c, call{op: "ListMessages", notModifiedOK: true}, req, err)
}

// ListDirectMessages calls GET /direct_messages: one page of the messages
// exchanged with otherUserID, newest first (oldest first with AfterID).
// params may be nil. A 304 answer is an empty page, not an error.
// ListDirectMessagesIter and ListDirectMessagesAfterIter walk every page.
func (c *Client) ListDirectMessages(ctx context.Context, otherUserID string, params *MessageParams) (*DirectMessageList, error) {
	req, err := gen.NewListDirectMessagesRequest(c.base, params.direct(otherUserID))
	return doJSON[DirectMessageList](ctx, c, call{op: "ListDirectMessages", notModifiedOK: true}, req, err)
}

// CreateMessage calls POST /groups/{group_id}/messages.
//
// The message's SourceGUID makes the call idempotent: when it is empty a
// random one is generated (a given one is never changed), and the request is
// retried like a GET. GroupMe answers 409 to a repeated source_guid, so a
// 409 on a retry means an earlier attempt was delivered: CreateMessage then
// looks the message up by its source_guid on the newest page and returns it
// with no error. If it cannot be found there, the returned message has only
// the fields that were sent (ID is empty). A 409 on the first attempt is an
// error matching ErrConflict: the caller reused a source_guid.
func (c *Client) CreateMessage(ctx context.Context, groupID string, msg NewMessage) (*Message, error) {
	if msg.SourceGUID == "" {
		msg.SourceGUID = newGUID()
	}
	return createIdempotent(ctx, c, "CreateMessage", msg.SourceGUID,
		func() (*http.Request, error) {
			return gen.NewCreateMessageRequest(c.base, groupID, MessageCreateRequest{Message: msg})
		},
		func(res *MessageCreated) *Message { return &res.Message },
		c.groupPage(ctx, groupID),
		func(m *Message) string { return m.SourceGUID },
		func() *Message {
			m := &Message{GroupID: groupID, SourceGUID: msg.SourceGUID, Text: msg.Text}
			if msg.Attachments != nil {
				m.Attachments = *msg.Attachments
			}
			return m
		})
}

// CreateDirectMessage calls POST /direct_messages. The answer's message is
// returned whether GroupMe puts it under "direct_message" or "message".
//
// Idempotency works as for CreateMessage: an empty SourceGUID is filled with
// a random one, the request is retried, and a 409 on a retry means an
// earlier attempt was delivered, so the message is looked up by source_guid
// among the newest messages with the recipient and returned with no error.
// A 403 may mean the sender was banned for sending too many messages.
func (c *Client) CreateDirectMessage(ctx context.Context, dm NewDirectMessage) (*DirectMessage, error) {
	if dm.SourceGUID == "" {
		dm.SourceGUID = newGUID()
	}
	return createIdempotent(ctx, c, "CreateDirectMessage", dm.SourceGUID,
		func() (*http.Request, error) {
			return gen.NewCreateDirectMessageRequest(c.base, DirectMessageCreateRequest{DirectMessage: dm})
		},
		func(res *directMessageCreated) *DirectMessage {
			if res.DirectMessage != nil {
				return res.DirectMessage
			}
			return res.Message
		},
		c.directPage(ctx, dm.RecipientID),
		func(m *DirectMessage) string { return m.SourceGUID },
		func() *DirectMessage {
			m := &DirectMessage{RecipientID: dm.RecipientID, SourceGUID: dm.SourceGUID, Text: dm.Text}
			if dm.Attachments != nil {
				m.Attachments = *dm.Attachments
			}
			return m
		})
}

// directMessageCreated is the answer of CreateDirectMessage, which must
// carry the message under one of its two names.
type directMessageCreated DirectMessageCreated

func (r *directMessageCreated) check() error {
	if r.DirectMessage == nil && r.Message == nil {
		return errNoPayload
	}
	return nil
}

// createIdempotent is what message and direct-message creation share: the
// request carries guid as its source_guid, so it is retried, and a 409
// after a retry means an earlier attempt was delivered; the message is then
// looked up by guid on the newest page (newest), or built from what was sent
// (sent) when it is not there.
func createIdempotent[R, M any](ctx context.Context, c *Client, op, guid string,
	build func() (*http.Request, error), message func(*R) *M,
	newest func(*MessageParams) ([]M, error), guidOf func(*M) string, sent func() *M) (*M, error) {
	var attempts int
	req, err := build()
	res, err := doJSON[R](ctx, c, call{op: op, retry: retryIdempotent, attempts: &attempts}, req, err)
	if err == nil {
		return message(res), nil
	}
	if !errors.Is(err, ErrConflict) || attempts < 2 {
		return nil, err
	}
	if page, lerr := newest(&MessageParams{Limit: 100}); lerr == nil {
		for i := range page {
			if guidOf(&page[i]) == guid {
				return &page[i], nil
			}
		}
	}
	return sent(), nil
}
