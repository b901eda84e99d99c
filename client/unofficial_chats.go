package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// GetChat calls GET /chats/{chat_id} and returns one of the caller's
// direct-message conversations, as ListChats shows it. chatID is the
// conversation id, "<lower user id>+<higher user id>" (a DirectMessage's
// ConversationID).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) GetChat(ctx context.Context, chatID string) (*Chat, error) {
	req, err := gen.NewGetChatRequest(u.c.base, chatID)
	return doJSON[gen.Chat](ctx, u.c, call{op: "GetChat"}, req, err)
}

// DeleteChat calls DELETE /chats/{chat_id}: it clears the conversation's
// history for the caller and removes it from the caller's ListChats until
// a new message arrives. The other user keeps theirs.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) DeleteChat(ctx context.Context, chatID string) error {
	req, err := gen.NewDeleteChatRequest(u.c.base, chatID)
	return doNoPayload(ctx, u.c, call{op: "DeleteChat"}, req, err)
}

// CreateReadReceipt calls POST {v2}/read_receipts and marks the direct
// message messageID of the conversation chatID, and those before it,
// read. Only newer messages move the receipt: naming an older one keeps
// the latest read message and updates ReadAt. It returns the caller's
// receipt.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v2 API (Endpoints.V2).
func (u *Unofficial) CreateReadReceipt(ctx context.Context, chatID, messageID string) (*ReadReceipt, error) {
	req, err := gen.NewCreateReadReceiptRequest(u.c.v2Base(), gen.ReadReceiptCreateRequest{
		ReadReceipt: gen.NewReadReceipt{ChatID: chatID, MessageID: messageID},
	})
	res, err := doJSON[gen.ReadReceiptAnswer](ctx, u.c, call{op: "CreateReadReceipt"}, req, err)
	if err != nil {
		return nil, err
	}
	return &res.ReadReceipt, nil
}
