package client

import (
	"context"
	"iter"

	"github.com/groupme-go/groupme/gen"
)

// SubgroupsParams are the paging parameters of ListSubgroups. GroupMe's
// community assumes they work like those of ListGroups.
type SubgroupsParams struct {
	Page    int // from 1; 0 sends none
	PerPage int // 0 sends none
}

// ListSubgroups calls GET /groups/{group_id}/subgroups and returns one page
// of the group's topics. params may be nil. Topic ids arrive as numbers;
// ID reads both forms.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListSubgroups(ctx context.Context, groupID string, params *SubgroupsParams) ([]Subgroup, error) {
	var p SubgroupsParams
	if params != nil {
		p = *params
	}
	return u.subgroupsPage(ctx, groupID, p)
}

func (u *Unofficial) subgroupsPage(ctx context.Context, groupID string, p SubgroupsParams) ([]Subgroup, error) {
	var q gen.ListSubgroupsParams
	if p.Page > 0 {
		q.Page = Ptr(p.Page)
	}
	if p.PerPage > 0 {
		q.PerPage = Ptr(p.PerPage)
	}
	req, err := gen.NewListSubgroupsRequest(u.c.base, groupID, &q)
	res, err := doJSON[[]gen.Subgroup](ctx, u.c, call{op: "ListSubgroups"}, req, err)
	if err != nil {
		return nil, err
	}
	return *res, nil
}

// ListSubgroupsIter walks the group's topics page by page from
// params.Page until a page comes back empty.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListSubgroupsIter(ctx context.Context, groupID string, params *SubgroupsParams) iter.Seq2[Subgroup, error] {
	var p SubgroupsParams
	if params != nil {
		p = *params
	}
	return walkPages(p.Page, func(page int) ([]Subgroup, error) {
		q := p
		q.Page = page
		return u.subgroupsPage(ctx, groupID, q)
	}, func(s *Subgroup) string { return string(s.ID) })
}

// GetSubgroup calls GET /groups/{group_id}/subgroups/{subgroup_id}.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) GetSubgroup(ctx context.Context, groupID, subgroupID string) (*Subgroup, error) {
	req, err := gen.NewGetSubgroupRequest(u.c.base, groupID, subgroupID)
	return doJSON[gen.Subgroup](ctx, u.c, call{op: "GetSubgroup"}, req, err)
}

// CreateSubgroup calls POST /groups/{group_id}/subgroups and creates a
// topic; only the group's admins may. GroupType is "private" (anyone
// posts) or "announcement" (only admins post).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) CreateSubgroup(ctx context.Context, groupID string, topic SubgroupCreateRequest) (*SubgroupSummary, error) {
	req, err := gen.NewCreateSubgroupRequest(u.c.base, groupID, topic)
	return doJSON[gen.SubgroupSummary](ctx, u.c, call{op: "CreateSubgroup"}, req, err)
}

// UpdateSubgroup calls PUT /groups/{group_id}/subgroups/{subgroup_id} and
// changes the fields set in change.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) UpdateSubgroup(ctx context.Context, groupID, subgroupID string, change SubgroupUpdateRequest) (*SubgroupSummary, error) {
	req, err := gen.NewUpdateSubgroupRequest(u.c.base, groupID, subgroupID, change)
	return doJSON[gen.SubgroupSummary](ctx, u.c, call{op: "UpdateSubgroup"}, req, err)
}

// DeleteSubgroup calls DELETE /groups/{group_id}/subgroups/{subgroup_id}.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) DeleteSubgroup(ctx context.Context, groupID, subgroupID string) error {
	req, err := gen.NewDeleteSubgroupRequest(u.c.base, groupID, subgroupID)
	return doNoPayload(ctx, u.c, call{op: "DeleteSubgroup"}, req, err)
}

// MembersFilter selects current or former members in ListGroupMembers.
type MembersFilter string

// The values of MembersFilter.
const (
	MembersActive   MembersFilter = "active"
	MembersInactive MembersFilter = "inactive"
)

// ListGroupMembers calls GET /groups/{group_id}/members and returns the
// group's current (MembersActive) or former (MembersInactive) memberships.
// Only the group's owners and admins may; others get an error matching
// ErrUnauthorized.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListGroupMembers(ctx context.Context, groupID string, filter MembersFilter) ([]Member, error) {
	req, err := gen.NewListGroupMembersRequest(u.c.base, groupID, &gen.ListGroupMembersParams{Filter: gen.ListGroupMembersParamsFilter(filter)})
	res, err := doJSON[gen.MembershipList](ctx, u.c, call{op: "ListGroupMembers"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Memberships, nil
}
