package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// LikeMessage calls POST /messages/{conversation_id}/{message_id}/like.
// conversationID is the group id for a group message, or the direct-message
// conversation id ("<lower user id>+<higher user id>") for a DM. A nil icon
// is a plain like; a non-nil one makes it an emoji reaction. It returns the
// message's reactions after the change, or nil when GroupMe answers without
// a payload (as older deployments did).
func (c *Client) LikeMessage(ctx context.Context, conversationID, messageID string, icon *LikeIcon) ([]Reaction, error) {
	req, err := gen.NewLikeMessageRequest(c.base, conversationID, messageID, LikeRequest{LikeIcon: icon})
	res, err := doOptional[ReactionList](ctx, c, call{op: "LikeMessage"}, req, err)
	if err != nil || res == nil {
		return nil, err
	}
	return res.Reactions, nil
}

// UnlikeMessage calls POST /messages/{conversation_id}/{message_id}/unlike
// and returns the reactions that remain (nil when GroupMe answers without a
// payload).
func (c *Client) UnlikeMessage(ctx context.Context, conversationID, messageID string) ([]Reaction, error) {
	req, err := gen.NewUnlikeMessageRequest(c.base, conversationID, messageID)
	res, err := doOptional[ReactionList](ctx, c, call{op: "UnlikeMessage"}, req, err)
	if err != nil || res == nil {
		return nil, err
	}
	return res.Reactions, nil
}
