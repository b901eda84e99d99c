package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// ListChats calls GET /chats: one page of the user's one-to-one
// conversations, most recently updated first. params may be nil. Past the
// last page the list is empty; ListChatsIter walks every page.
func (c *Client) ListChats(ctx context.Context, params *ListChatsParams) ([]Chat, error) {
	req, err := gen.NewListChatsRequest(c.base, params.gen())
	chats, err := doJSON[[]Chat](ctx, c, call{op: "ListChats", notModifiedOK: true}, req, err)
	if err != nil {
		return nil, err
	}
	return *chats, nil
}
