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
func (u *Unofficial) PinMessage(ctx context.Context, conversationID, messageID string) error {
	req, err := gen.NewPinMessageRequest(u.c.base, conversationID, messageID)
	return doNoPayload(ctx, u.c, call{op: "PinMessage"}, req, err)
}

// UnpinMessage calls POST /conversations/{conversation_id}/messages/{message_id}/unpin.
// Unpinning a message that is not pinned is a 400.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) UnpinMessage(ctx context.Context, conversationID, messageID string) error {
	req, err := gen.NewUnpinMessageRequest(u.c.base, conversationID, messageID)
	return doNoPayload(ctx, u.c, call{op: "UnpinMessage"}, req, err)
}

// ListPinnedMessages calls GET /pinned/groups/{group_id}/messages and
// returns the group's pinned messages (PinnedAt and PinnedBy set).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListPinnedMessages(ctx context.Context, groupID string) ([]Message, error) {
	req, err := gen.NewListPinnedMessagesRequest(u.c.base, groupID)
	res, err := doJSON[gen.PinnedMessageList](ctx, u.c, call{op: "ListPinnedMessages"}, req, err)
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
func (u *Unofficial) ListPinnedDirectMessages(ctx context.Context, otherUserID string) ([]DirectMessage, error) {
	req, err := gen.NewListPinnedDirectMessagesRequest(u.c.base, &gen.ListPinnedDirectMessagesParams{OtherUserID: otherUserID})
	res, err := doJSON[gen.PinnedDirectMessageList](ctx, u.c, call{op: "ListPinnedDirectMessages"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Messages, nil
}
