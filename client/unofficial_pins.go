package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// PinMessage calls POST /conversations/{conversation_id}/messages/{message_id}/pin.
// conversationID is the group id, or for a direct message the
// "<lower user id>+<higher user id>" conversation id. Pinning a message
// that is already pinned is a 400 (an error matching ErrBadRequest).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (c *Client) PinMessage(ctx context.Context, conversationID, messageID string) error {
	req, err := gen.NewPinMessageRequest(c.base, conversationID, messageID)
	return doNoPayload(ctx, c, call{op: "PinMessage"}, req, err)
}

// UnpinMessage calls POST /conversations/{conversation_id}/messages/{message_id}/unpin.
// Unpinning a message that is not pinned is a 400.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (c *Client) UnpinMessage(ctx context.Context, conversationID, messageID string) error {
	req, err := gen.NewUnpinMessageRequest(c.base, conversationID, messageID)
	return doNoPayload(ctx, c, call{op: "UnpinMessage"}, req, err)
}

// ListPinnedMessages calls GET /pinned/groups/{group_id}/messages and
// returns the group's pinned messages (PinnedAt and PinnedBy set).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (c *Client) ListPinnedMessages(ctx context.Context, groupID string) ([]Message, error) {
	req, err := gen.NewListPinnedMessagesRequest(c.base, groupID)
	res, err := doJSON[gen.PinnedMessageList](ctx, c, call{op: "ListPinnedMessages"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Messages, nil
}

// ListPinnedDirectMessages calls GET /pinned/direct_messages and returns the
// pinned messages of the conversation with otherUserID.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (c *Client) ListPinnedDirectMessages(ctx context.Context, otherUserID string) ([]DirectMessage, error) {
	req, err := gen.NewListPinnedDirectMessagesRequest(c.base, &gen.ListPinnedDirectMessagesParams{OtherUserID: otherUserID})
	res, err := doJSON[gen.PinnedDirectMessageList](ctx, c, call{op: "ListPinnedDirectMessages"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Messages, nil
}
