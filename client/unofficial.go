package client

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/groupme-go/groupme/gen"
)

// The calls in the unofficial_*.go files are not part of GroupMe's
// documented API. The community (GroupMeCommunityDocs) described them by
// watching GroupMe's own apps; GroupMe promises nothing about them, and they
// may change or disappear without notice. Their methods say "Unofficial" in
// their documentation, and openapi.yaml marks their operations with
// x-unofficial: true.

// Base URLs of the unofficial hosts.
const (
	// DefaultV4BaseURL is where the few v4 calls live (GetMessage,
	// EditMessage). Unofficial.
	DefaultV4BaseURL = "https://api.groupme.com/v4"
	// DefaultVideoBaseURL is GroupMe's video service (UploadVideo).
	// Unofficial.
	DefaultVideoBaseURL = "https://video.groupme.com"
	// DefaultFileBaseURL is GroupMe's file service (UploadFile). Unofficial.
	DefaultFileBaseURL = "https://file.groupme.com/v1"
)

// unofficialHosts holds the base URLs set with WithV4BaseURL, WithV2BaseURL, WithV1BaseURL,
// WithVideoBaseURL and WithFileBaseURL ("" for the default), each with a
// trailing slash.
type unofficialHosts struct {
	v4, video, file, v2, v1 string
}

// WithV4BaseURL replaces DefaultV4BaseURL. Without it the v4 base is
// derived from the v3 base URL: a base ending in /v3 gets /v4 instead (so
// WithBaseURL("http://127.0.0.1:8080/v3") also moves the v4 calls), any
// other base leaves DefaultV4BaseURL. Unofficial.
func WithV4BaseURL(base string) Option {
	return func(c *Client) error {
		b, err := normalizeBase(base)
		if err != nil {
			return fmt.Errorf("groupme: WithV4BaseURL: %w", err)
		}
		c.unofficial.v4 = b
		return nil
	}
}

// WithVideoBaseURL replaces DefaultVideoBaseURL, the host UploadVideo and
// GetVideoUploadStatus call. Unofficial.
func WithVideoBaseURL(base string) Option {
	return func(c *Client) error {
		b, err := normalizeBase(base)
		if err != nil {
			return fmt.Errorf("groupme: WithVideoBaseURL: %w", err)
		}
		c.unofficial.video = b
		return nil
	}
}

// WithFileBaseURL replaces DefaultFileBaseURL, the base UploadFile and
// GetFileUploadStatus call (it includes the /v1). Unofficial.
func WithFileBaseURL(base string) Option {
	return func(c *Client) error {
		b, err := normalizeBase(base)
		if err != nil {
			return fmt.Errorf("groupme: WithFileBaseURL: %w", err)
		}
		c.unofficial.file = b
		return nil
	}
}

func (c *Client) v4Base() string {
	switch {
	case c.unofficial.v4 != "":
		return c.unofficial.v4
	case strings.HasSuffix(c.base, "/v3/"):
		return strings.TrimSuffix(c.base, "v3/") + "v4/"
	}
	return DefaultV4BaseURL + "/"
}

func (c *Client) videoBase() string {
	if c.unofficial.video != "" {
		return c.unofficial.video
	}
	return DefaultVideoBaseURL + "/"
}

func (c *Client) fileBase() string {
	if c.unofficial.file != "" {
		return c.unofficial.file
	}
	return DefaultFileBaseURL + "/"
}

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
func (c *Client) DeleteMessage(ctx context.Context, conversationID, messageID string) error {
	req, err := gen.NewDeleteMessageRequest(c.base, conversationID, messageID)
	return doNoPayload(ctx, c, call{op: "DeleteMessage"}, req, err)
}

// GetMessage calls GET {v4}/groups/{group_id}/messages/{message_id} and
// returns one group message.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (see WithV4BaseURL).
func (c *Client) GetMessage(ctx context.Context, groupID, messageID string) (*Message, error) {
	req, err := gen.NewGetMessageRequest(c.v4Base(), groupID, messageID)
	res, err := doJSON[gen.MessageCreated](ctx, c, call{op: "GetMessage"}, req, err)
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
// without notice. It is served by the v4 API (see WithV4BaseURL).
func (c *Client) EditMessage(ctx context.Context, groupID, messageID string, edit MessageEditRequest) (*Message, error) {
	req, err := gen.NewEditMessageRequest(c.v4Base(), groupID, messageID, edit)
	res, err := doJSON[gen.MessageCreated](ctx, c, call{op: "EditMessage"}, req, err)
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
