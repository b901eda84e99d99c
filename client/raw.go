package client

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"

	"github.com/groupme-go/groupme/gen"
)

// RawMessage is a group message as decoded into Message, together with
// the exact JSON object GroupMe sent for it. The JSON keeps fields and
// attachment types that this version of the spec does not know, so an
// archive written from it loses nothing. Marshalling a RawMessage writes
// that JSON back unchanged (or the decoded Message when JSON is empty).
type RawMessage struct {
	Message
	JSON json.RawMessage
}

// UnmarshalJSON keeps a copy of b and decodes it into the Message.
func (m *RawMessage) UnmarshalJSON(b []byte) error {
	m.JSON = bytes.Clone(b)
	return unmarshalJSON(b, &m.Message)
}

// MarshalJSON returns the JSON GroupMe sent.
func (m RawMessage) MarshalJSON() ([]byte, error) {
	if len(m.JSON) == 0 {
		return json.Marshal(m.Message)
	}
	return m.JSON, nil
}

// rawMessageList is a message page whose items keep their JSON.
type rawMessageList struct {
	Count    int          `json:"count"`
	Messages []RawMessage `json:"messages"`
}

// ListMessagesAfterRawIter is ListMessagesAfterIter for archives: it walks
// the same pages with the same params, oldest first with after_id, and
// yields each message with the JSON GroupMe sent for it.
func (c *Client) ListMessagesAfterRawIter(ctx context.Context, groupID string, params *MessageParams) iter.Seq2[RawMessage, error] {
	return messageWalk(params, forward, func(p *MessageParams) ([]RawMessage, error) {
		req, err := gen.NewListMessagesRequest(c.base, groupID, p.group())
		res, err := doJSON[rawMessageList](ctx, c, call{op: "ListMessages", notModifiedOK: true}, req, err)
		if err != nil {
			return nil, err
		}
		return res.Messages, nil
	}, func(m *RawMessage) string { return m.ID })
}
