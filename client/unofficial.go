package client

import (
	"context"
	"net/http"

	"github.com/groupme-go/groupme/gen"
)

// Unofficial groups the calls that are not part of GroupMe's documented
// API: reach them with [Client.Unofficial], as in
//
//	poll, err := c.Unofficial().CreatePoll(ctx, groupID, req)
//
// The community (GroupMeCommunityDocs) described these calls by watching
// GroupMe's own apps; GroupMe promises nothing about them, and they may
// change or disappear without notice. openapi.yaml marks their operations
// with x-unofficial: true. They share the Client's token, options, retries
// and limits; an Unofficial is as safe for concurrent use as its Client.
type Unofficial struct {
	c *Client
}

// Unofficial returns the namespace of c's unofficial calls (see
// [Unofficial]). It allocates nothing; keep or call it as convenient.
func (c *Client) Unofficial() *Unofficial { return &c.unofficialNS }

// doBare sends req and decodes a 2xx answer that has no envelope (the
// video and file services answer bare JSON).
func doBare[T any](ctx context.Context, c *Client, cl call, req *http.Request, buildErr error) (*T, error) {
	resp, err := c.send(ctx, cl, req, buildErr)
	if err != nil {
		return nil, err
	}
	defer closeBody(resp.Body)
	var out T
	if err := decodeJSON(resp.Body, &out); err != nil {
		return nil, newDecodeError(cl.op, req, resp, err)
	}
	return &out, nil
}

// DeleteMessage calls DELETE /conversations/{conversation_id}/messages/{message_id}
// and deletes a group message (conversationID is the group id) or a direct
// message (the "<lower user id>+<higher user id>" conversation id), as far
// as the group's message_deletion_mode allows. The message stays in
// listings as a tombstone with DeletedAt set.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) DeleteMessage(ctx context.Context, conversationID, messageID string) error {
	req, err := gen.NewDeleteMessageRequest(u.c.base, conversationID, messageID)
	return doNoPayload(ctx, u.c, call{op: "DeleteMessage"}, req, err)
}

// GetMessage calls GET {v4}/groups/{group_id}/messages/{message_id} and
// returns one group message.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (Endpoints.V4).
func (u *Unofficial) GetMessage(ctx context.Context, groupID, messageID string) (*Message, error) {
	req, err := gen.NewGetMessageRequest(u.c.v4Base(), groupID, messageID)
	res, err := doJSON[gen.MessageCreated](ctx, u.c, call{op: "GetMessage"}, req, err)
	if err != nil {
		return nil, err
	}
	return &res.Message, nil
}

// EditMessage calls PUT {v4}/groups/{group_id}/messages/{message_id} and
// replaces the text and attachments of one of the caller's messages,
// within the group's message_edit_period. It returns the edited message
// (UpdatedAt set).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (Endpoints.V4).
func (u *Unofficial) EditMessage(ctx context.Context, groupID, messageID string, edit MessageEditRequest) (*Message, error) {
	req, err := gen.NewEditMessageRequest(u.c.v4Base(), groupID, messageID, edit)
	res, err := doJSON[gen.MessageCreated](ctx, u.c, call{op: "EditMessage"}, req, err)
	if err != nil {
		return nil, err
	}
	return &res.Message, nil
}

// UnicodeReaction returns the like icon of an emoji reaction with a Unicode
// emoji, for LikeMessage. GroupMe's apps offer 15 emoji (❤️ 👍 🤣 🎉 🔥 😮
// 👀 😭 🥺 🙏 💀 🫶 🤬 💅 🫠) and GroupMe is reported to refuse others.
//
// Unofficial: reactions beyond the plain like are described by the
// community, not by GroupMe; they may change without notice.
func UnicodeReaction(emoji string) *LikeIcon {
	return &LikeIcon{Type: gen.LikeIconTypeUnicode, Code: &emoji}
}
