package client

import (
	"context"
	"errors"

	"github.com/groupme-go/groupme/gen"
)

// ListMessages calls GET /groups/{group_id}/messages: one page of a
// group's messages. params may be nil (the newest 20, newest first). A 304
// answer (no messages match the cursor) is an empty page, not an error.
// ListMessagesIter and ListMessagesAfterIter walk every page.
func (c *Client) ListMessages(ctx context.Context, groupID string, params *gen.ListMessagesParams) (*gen.MessageList, error) {
	req, err := gen.NewListMessagesRequest(c.base, groupID, params)
	return doJSON[gen.MessageList](ctx, c, call{op: "ListMessages", notModifiedOK: true}, req, err)
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
func (c *Client) CreateMessage(ctx context.Context, groupID string, msg gen.NewMessage) (*gen.Message, error) {
	if msg.SourceGUID == "" {
		msg.SourceGUID = newGUID()
	}
	state := new(retryState)
	req, err := gen.NewCreateMessageRequest(c.base, groupID, gen.MessageCreateRequest{Message: msg})
	created, err := doJSON[gen.MessageCreated](ctx, c, call{op: "CreateMessage", retry: state}, req, err)
	if err == nil {
		return &created.Message, nil
	}
	if !errors.Is(err, ErrConflict) || !state.retried() {
		return nil, err
	}
	return c.findDeliveredMessage(ctx, groupID, msg), nil
}

// findDeliveredMessage looks for msg on the newest page of the group.
func (c *Client) findDeliveredMessage(ctx context.Context, groupID string, msg gen.NewMessage) *gen.Message {
	page, err := c.ListMessages(ctx, groupID, &gen.ListMessagesParams{Limit: Ptr(100)})
	if err == nil {
		for i := range page.Messages {
			if page.Messages[i].SourceGUID == msg.SourceGUID {
				return &page.Messages[i]
			}
		}
	}
	m := &gen.Message{GroupID: groupID, SourceGUID: msg.SourceGUID, Text: msg.Text}
	if msg.Attachments != nil {
		m.Attachments = *msg.Attachments
	}
	return m
}
