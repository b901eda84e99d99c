package client

import (
	"context"
	"errors"

	"github.com/groupme-go/groupme/gen"
)

// ListDirectMessages calls GET /direct_messages: one page of the messages
// exchanged with params.OtherUserID, newest first (oldest first with
// AfterID). A 304 answer is an empty page, not an error.
// ListDirectMessagesIter and ListDirectMessagesAfterIter walk every page.
func (c *Client) ListDirectMessages(ctx context.Context, params gen.ListDirectMessagesParams) (*gen.DirectMessageList, error) {
	req, err := gen.NewListDirectMessagesRequest(c.base, &params)
	return doJSON[gen.DirectMessageList](ctx, c, call{op: "ListDirectMessages", notModifiedOK: true}, req, err)
}

// CreateDirectMessage calls POST /direct_messages. The answer's message is
// returned whether GroupMe puts it under "direct_message" or "message".
//
// Idempotency works as for CreateMessage: an empty SourceGUID is filled with
// a random one, the request is retried, and a 409 on a retry means an
// earlier attempt was delivered, so the message is looked up by source_guid
// among the newest messages with the recipient and returned with no error.
// A 403 may mean the sender was banned for sending too many messages.
func (c *Client) CreateDirectMessage(ctx context.Context, dm gen.NewDirectMessage) (*gen.DirectMessage, error) {
	if dm.SourceGUID == "" {
		dm.SourceGUID = newGUID()
	}
	state := new(retryState)
	req, err := gen.NewCreateDirectMessageRequest(c.base, gen.DirectMessageCreateRequest{DirectMessage: dm})
	created, err := doJSON[gen.DirectMessageCreated](ctx, c, call{op: "CreateDirectMessage", retry: state}, req, err)
	if err == nil {
		switch {
		case created.DirectMessage != nil:
			return created.DirectMessage, nil
		case created.Message != nil:
			return created.Message, nil
		}
		return nil, &DecodeError{Operation: "CreateDirectMessage", Method: req.Method, Path: req.URL.EscapedPath(), Status: 201, Err: errNoPayload}
	}
	if !errors.Is(err, ErrConflict) || !state.retried() {
		return nil, err
	}
	return c.findDeliveredDirectMessage(ctx, dm), nil
}

func (c *Client) findDeliveredDirectMessage(ctx context.Context, dm gen.NewDirectMessage) *gen.DirectMessage {
	page, err := c.ListDirectMessages(ctx, gen.ListDirectMessagesParams{OtherUserID: dm.RecipientID, Limit: Ptr(100)})
	if err == nil {
		for i := range page.DirectMessages {
			if page.DirectMessages[i].SourceGUID == dm.SourceGUID {
				return &page.DirectMessages[i]
			}
		}
	}
	m := &gen.DirectMessage{RecipientID: dm.RecipientID, SourceGUID: dm.SourceGUID, Text: dm.Text}
	if dm.Attachments != nil {
		m.Attachments = *dm.Attachments
	}
	return m
}
