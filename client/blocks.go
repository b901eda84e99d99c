package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// GroupMe takes both block parameters in the query string, and userID must
// be the caller's own user id.

// ListBlocks calls GET /blocks?user={userID}: the users the caller blocked.
func (c *Client) ListBlocks(ctx context.Context, userID string) ([]Block, error) {
	req, err := gen.NewListBlocksRequest(c.base, &gen.ListBlocksParams{User: userID})
	res, err := doJSON[BlockList](ctx, c, call{op: "ListBlocks"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Blocks, nil
}

// GetBlockBetween calls GET /blocks/between?user={userID}&otherUser={otherUserID}
// and reports whether a block exists between the two users.
func (c *Client) GetBlockBetween(ctx context.Context, userID, otherUserID string) (bool, error) {
	req, err := gen.NewGetBlockBetweenRequest(c.base, &gen.GetBlockBetweenParams{User: userID, OtherUser: otherUserID})
	res, err := doJSON[BlockBetween](ctx, c, call{op: "GetBlockBetween"}, req, err)
	if err != nil {
		return false, err
	}
	return res.Between, nil
}

// CreateBlock calls POST /blocks?user={userID}&otherUser={otherUserID},
// blocking otherUserID, and returns the new block.
func (c *Client) CreateBlock(ctx context.Context, userID, otherUserID string) (*Block, error) {
	req, err := gen.NewCreateBlockRequest(c.base, &gen.CreateBlockParams{User: userID, OtherUser: otherUserID})
	res, err := doJSON[BlockCreated](ctx, c, call{op: "CreateBlock"}, req, err)
	if err != nil {
		return nil, err
	}
	return &res.Block, nil
}

// DeleteBlock calls DELETE /blocks?user={userID}&otherUser={otherUserID},
// removing the block on otherUserID.
func (c *Client) DeleteBlock(ctx context.Context, userID, otherUserID string) error {
	req, err := gen.NewDeleteBlockRequest(c.base, &gen.DeleteBlockParams{User: userID, OtherUser: otherUserID})
	return doNoPayload(ctx, c, call{op: "DeleteBlock"}, req, err)
}

// DeleteBlockPost calls POST /blocks/delete?user={userID}&otherUser={otherUserID},
// the POST form of DeleteBlock for environments that cannot send DELETE.
func (c *Client) DeleteBlockPost(ctx context.Context, userID, otherUserID string) error {
	req, err := gen.NewDeleteBlockPostRequest(c.base, &gen.DeleteBlockPostParams{User: userID, OtherUser: otherUserID})
	return doNoPayload(ctx, c, call{op: "DeleteBlockPost"}, req, err)
}
