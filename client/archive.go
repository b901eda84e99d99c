package client

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/groupme-go/groupme/gen"
)

// ArchivePage is one page of a group's messages for an archiver: each
// message is kept as the exact bytes GroupMe sent, with only the fields an
// archiver needs to check the page decoded beside them. Nothing is
// re-encoded, so fields and attachment types this version does not know,
// and characters such as &, < and >, survive byte for byte.
type ArchivePage struct {
	// Count is the group's message count as the page reports it.
	Count    int
	Messages []ArchivedMessage
}

// ArchivedMessage is one message of an ArchivePage.
type ArchivedMessage struct {
	// ID is the message's id; empty when the message has none, or has one
	// that is neither a JSON string nor an integer.
	ID string
	// GroupID is the message's group_id, empty when absent.
	GroupID string
	// JSON is the message object exactly as GroupMe sent it.
	JSON []byte
}

// UnmarshalJSON keeps a copy of b and reads the id and group_id out of it.
func (m *ArchivedMessage) UnmarshalJSON(b []byte) error {
	var keys struct {
		ID      json.RawMessage `json:"id"`
		GroupID json.RawMessage `json:"group_id"`
	}
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	m.JSON = bytes.Clone(b)
	m.ID = idText(keys.ID)
	m.GroupID = idText(keys.GroupID)
	return nil
}

// idText gives the text of an id sent as a JSON string or integer, and ""
// for anything else (absent, null, a float, an object).
func idText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return string(raw)
}

type archiveList struct {
	Count    int               `json:"count"`
	Messages []ArchivedMessage `json:"messages"`
}

// ListMessagesArchivePage calls GET /groups/{group_id}/messages once, with
// after_id=afterID (oldest first; "0" starts before the first message),
// the given limit (GroupMe allows up to 100) and acceptFiles=1, so messages
// with file attachments keep their text. A 304 answer is an empty page.
//
// It is the page an archiver walks itself: it checks nothing about the
// order or the ids, so the caller can check everything.
func (c *Client) ListMessagesArchivePage(ctx context.Context, groupID, afterID string, limit int) (*ArchivePage, error) {
	params := gen.ListMessagesParams{
		AfterID:     &afterID,
		Limit:       &limit,
		AcceptFiles: Ptr(gen.ListMessagesParamsAcceptFiles(1)),
	}
	req, err := gen.NewListMessagesRequest(c.base, groupID, &params)
	res, err := doJSON[archiveList](ctx, c, call{op: "ListMessages", notModifiedOK: true}, req, err)
	if err != nil {
		return nil, err
	}
	return &ArchivePage{Count: res.Count, Messages: res.Messages}, nil
}
