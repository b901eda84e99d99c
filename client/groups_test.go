package client

import (
	"context"
	"net/url"
	"testing"
)

const groupJSON = `{"id":"1234567","group_id":"1234567","name":"Weekend hikers","type":"private",
"description":"Trails","image_url":null,"creator_user_id":"98765432","created_at":1700000000,
"updated_at":1700000100,"members":[{"id":"1000100","user_id":"98765432","nickname":"Mara","muted":false,"image_url":null}],
"messages":{"count":3,"last_message_id":"175","last_message_created_at":1700000100,
"preview":{"nickname":"Mara","text":"hi","image_url":null,"attachments":[]}},
"max_members":5000,"share_url":null,"share_qr_code_url":null,"phone_number":"+1 2125550100"}`

func envelopeOf(status, payload string) string {
	return `{"response":` + payload + `,"meta":{"code":` + status + `}}`
}

func checkGroup(t *testing.T, got any) {
	t.Helper()
	g, ok := got.(*Group)
	if !ok || g == nil {
		t.Fatalf("got %T, want *Group", got)
	}
	if g.ID != "1234567" || g.Name != "Weekend hikers" || g.Members == nil || len(*g.Members) != 1 ||
		(*g.Members)[0].Nickname != "Mara" || g.Messages.Count != 3 {
		t.Errorf("group = %+v", g)
	}
}

func checkGroups(n int) func(t *testing.T, got any) {
	return func(t *testing.T, got any) {
		t.Helper()
		gs, ok := got.([]Group)
		if !ok || len(gs) != n {
			t.Fatalf("got %#v, want %d groups", got, n)
		}
		if n > 0 && gs[0].ID != "1234567" {
			t.Errorf("group = %+v", gs[0])
		}
	}
}

func TestGroups(t *testing.T) {
	t.Parallel()
	runOpCases(t, []opCase{
		{
			name: "ListGroups",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListGroups(ctx, &ListGroupsParams{Page: 2, PerPage: 50, OmitMemberships: true})
			},
			method: "GET", path: "/v3/groups",
			query:  url.Values{"page": {"2"}, "per_page": {"50"}, "omit": {"memberships"}},
			status: 200, resp: envelopeOf("200", "["+groupJSON+"]"),
			check: checkGroups(1),
		},
		{
			name:   "ListGroups/nil params, empty page",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListGroups(ctx, nil) },
			method: "GET", path: "/v3/groups",
			status: 200, resp: envelopeOf("200", "[]"),
			check: checkGroups(0),
		},
		{
			name:   "ListFormerGroups",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListFormerGroups(ctx) },
			method: "GET", path: "/v3/groups/former",
			status: 200, resp: envelopeOf("200", "["+groupJSON+","+groupJSON+"]"),
			check: checkGroups(2),
		},
		{
			name: "GetGroup",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetGroup(ctx, "1234567", &GetGroupParams{IncludeMembers: true})
			},
			method: "GET", path: "/v3/groups/1234567", query: url.Values{"include": {"members"}},
			status: 200, resp: envelopeOf("200", groupJSON),
			check: checkGroup,
		},
		{
			name: "CreateGroup",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateGroup(ctx, GroupCreateRequest{Name: "Weekend hikers", Share: Ptr(true)})
			},
			method: "POST", path: "/v3/groups", body: `{"name":"Weekend hikers","share":true}`,
			status: 201, resp: envelopeOf("201", groupJSON),
			check: checkGroup,
		},
		{
			name: "UpdateGroup",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateGroup(ctx, "1234567", GroupUpdateRequest{Name: Ptr("Weekend hikers"), OfficeMode: Ptr(true)})
			},
			method: "POST", path: "/v3/groups/1234567/update", body: `{"name":"Weekend hikers","office_mode":true}`,
			status: 200, resp: envelopeOf("200", groupJSON),
			check: checkGroup,
		},
		{
			name:   "DestroyGroup",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.DestroyGroup(ctx, "1234567")) },
			method: "POST", path: "/v3/groups/1234567/destroy",
			status: 200, resp: `{"meta":{"code":200}}`,
		},
		{
			name:   "JoinGroup",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.JoinGroup(ctx, "1234567", "Sh4r3") },
			method: "POST", path: "/v3/groups/1234567/join/Sh4r3",
			status: 200, resp: envelopeOf("200", `{"group":`+groupJSON+`}`),
			check: checkGroup,
		},
		{
			name:   "RejoinGroup",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.RejoinGroup(ctx, "1234567") },
			method: "POST", path: "/v3/groups/join", body: `{"group_id":"1234567"}`,
			status: 200, resp: envelopeOf("200", groupJSON),
			check: checkGroup,
		},
		{
			name: "ChangeGroupOwners",
			call: func(ctx context.Context, c *Client) (any, error) {
				var req ChangeOwnersRequest
				req.Requests = append(req.Requests, struct {
					GroupID string `json:"group_id"`
					OwnerID string `json:"owner_id"`
				}{GroupID: "1", OwnerID: "2"})
				return c.ChangeGroupOwners(ctx, req)
			},
			method: "POST", path: "/v3/groups/change_owners", body: `{"requests":[{"group_id":"1","owner_id":"2"}]}`,
			status: 200, resp: envelopeOf("200", `{"results":[{"group_id":"1","owner_id":"2","status":"403"}]}`),
			check: func(t *testing.T, got any) {
				rs := got.([]ChangeOwnersResult)
				if len(rs) != 1 || rs[0].Status != "403" || rs[0].GroupID != "1" {
					t.Errorf("results = %+v", rs)
				}
			},
		},
	})
}
