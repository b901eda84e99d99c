package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// ListGroups calls GET /groups: one page of the groups the user belongs to.
// params may be nil. Past the last page the list is empty; ListGroupsIter
// walks every page.
func (c *Client) ListGroups(ctx context.Context, params *ListGroupsParams) ([]Group, error) {
	req, err := gen.NewListGroupsRequest(c.base, params.gen())
	groups, err := doJSON[[]Group](ctx, c, call{op: "ListGroups", notModifiedOK: true}, req, err)
	if err != nil {
		return nil, err
	}
	return *groups, nil
}

// ListFormerGroups calls GET /groups/former: the groups the user left and
// may rejoin.
func (c *Client) ListFormerGroups(ctx context.Context) ([]Group, error) {
	req, err := gen.NewListFormerGroupsRequest(c.base)
	groups, err := doJSON[[]Group](ctx, c, call{op: "ListFormerGroups"}, req, err)
	if err != nil {
		return nil, err
	}
	return *groups, nil
}

// GetGroup calls GET /groups/{group_id}. params may be nil.
func (c *Client) GetGroup(ctx context.Context, groupID string, params *GetGroupParams) (*Group, error) {
	req, err := gen.NewGetGroupRequest(c.base, groupID, params.gen())
	return doJSON[Group](ctx, c, call{op: "GetGroup"}, req, err)
}

// CreateGroup calls POST /groups. It is not retried: a retry could create
// a second group.
func (c *Client) CreateGroup(ctx context.Context, body GroupCreateRequest) (*Group, error) {
	req, err := gen.NewCreateGroupRequest(c.base, body)
	return doJSON[Group](ctx, c, call{op: "CreateGroup"}, req, err)
}

// UpdateGroup calls POST /groups/{group_id}/update. Fields left nil in body
// are not changed.
func (c *Client) UpdateGroup(ctx context.Context, groupID string, body GroupUpdateRequest) (*Group, error) {
	req, err := gen.NewUpdateGroupRequest(c.base, groupID, body)
	return doJSON[Group](ctx, c, call{op: "UpdateGroup"}, req, err)
}

// DestroyGroup calls POST /groups/{group_id}/destroy, which disbands the
// group. Only its creator may do this.
func (c *Client) DestroyGroup(ctx context.Context, groupID string) error {
	req, err := gen.NewDestroyGroupRequest(c.base, groupID)
	return doNoPayload(ctx, c, call{op: "DestroyGroup"}, req, err)
}

// JoinGroup calls POST /groups/{group_id}/join/{share_token}, joining a
// group through its share link (the token is the last segment of its
// share_url). It returns the group, unwrapped from the answer's "group" key.
func (c *Client) JoinGroup(ctx context.Context, groupID, shareToken string) (*Group, error) {
	req, err := gen.NewJoinGroupRequest(c.base, groupID, shareToken)
	joined, err := doJSON[GroupJoin](ctx, c, call{op: "JoinGroup"}, req, err)
	if err != nil {
		return nil, err
	}
	return &joined.Group, nil
}

// RejoinGroup calls POST /groups/join, rejoining a group the user left.
func (c *Client) RejoinGroup(ctx context.Context, groupID string) (*Group, error) {
	req, err := gen.NewRejoinGroupRequest(c.base, GroupRejoinRequest{GroupID: groupID})
	return doJSON[Group](ctx, c, call{op: "RejoinGroup"}, req, err)
}

// ChangeGroupOwners calls POST /groups/change_owners. The call succeeds
// even when some transfers fail: check each result's Status ("200" means
// the transfer happened).
func (c *Client) ChangeGroupOwners(ctx context.Context, body ChangeOwnersRequest) ([]ChangeOwnersResult, error) {
	req, err := gen.NewChangeGroupOwnersRequest(c.base, body)
	res, err := doJSON[ChangeOwnersResults](ctx, c, call{op: "ChangeGroupOwners"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Results, nil
}
