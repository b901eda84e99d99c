package client

import (
	"context"
	"net/url"
	"testing"
)

func dmJSON(id, guid string) string {
	return `{"id":"` + id + `","source_guid":"` + guid + `","recipient_id":"555","user_id":"98765432","created_at":1700000000,
"name":"Mara","avatar_url":null,"text":"dm ` + id + `","favorited_by":[],"attachments":[],"conversation_id":"555+98765432"}`
}

const chatJSON = `{"created_at":1700000000,"updated_at":1700000100,"messages_count":7,
"other_user":{"id":555,"name":"Ben","avatar_url":null},"last_message":` + `{"id":"9","source_guid":"g","recipient_id":"555","user_id":"98765432","created_at":1,"name":"Mara","avatar_url":null,"text":"yo","favorited_by":[],"attachments":[]}}`

func TestChats(t *testing.T) {
	t.Parallel()
	runOpCases(t, []opCase{
		{
			name: "ListChats",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListChats(ctx, &ListChatsParams{Page: 1, PerPage: 20})
			},
			method: "GET", path: "/v3/chats", query: url.Values{"page": {"1"}, "per_page": {"20"}},
			status: 200, resp: envelopeOf("200", "["+chatJSON+"]"),
			check: func(t *testing.T, got any) {
				cs := got.([]Chat)
				if len(cs) != 1 || cs[0].MessagesCount != 7 || cs[0].LastMessage.ID != "9" {
					t.Fatalf("chats = %+v", cs)
				}
				if id := cs[0].OtherUser.ID; id != "555" {
					t.Errorf("other user id = %q, want 555 (sent as a JSON number)", id)
				}
			},
		},
	})
}
