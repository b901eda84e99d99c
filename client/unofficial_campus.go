package client

import (
	"context"
	"fmt"

	"github.com/groupme-go/groupme/gen"
)

// GetDirectory calls GET /directories and returns the campus directory (a
// school's domain of groups and people) the caller belongs to; a caller
// in none gets an error.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) GetDirectory(ctx context.Context) (*Directory, error) {
	req, err := gen.NewGetDirectoryRequest(u.c.base)
	return doJSON[gen.Directory](ctx, u.c, call{op: "GetDirectory"}, req, err)
}

// LeaveDirectory calls DELETE /directories/{directory_id}/membership and
// disconnects the caller's account from the campus directory.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) LeaveDirectory(ctx context.Context, directoryID string) error {
	req, err := gen.NewLeaveDirectoryRequest(u.c.base, directoryID)
	return doNoPayload(ctx, u.c, call{op: "LeaveDirectory"}, req, err)
}

// ListDirectoryGroups calls GET {v1}/search/directories and returns one
// page of the groups of the caller's campus directory. params may be nil.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v1 API (Endpoints.V1).
func (u *Unofficial) ListDirectoryGroups(ctx context.Context, params *PublicGroupsParams) ([]PublicGroup, error) {
	var q gen.ListDirectoryGroupsParams
	var err error
	if q.PerPage, q.From, err = params.paging("ListDirectoryGroups"); err != nil {
		return nil, err
	}
	req, err := gen.NewListDirectoryGroupsRequest(u.c.v1Base(), &q)
	res, err := doJSON[gen.PublicGroupLists](ctx, u.c, call{op: "ListDirectoryGroups"}, req, err)
	if err != nil || res.Directories == nil {
		return nil, err
	}
	return *res.Directories, nil
}

// DirectoryMembersParams filters and pages ListDirectoryMembers.
type DirectoryMembersParams struct {
	PublicGroupsParams       // PerPage and From
	Majors             []int // major codes; people with any of them
	GraduationYear     int   // 0: any year
}

// ListDirectoryMembers calls GET {v1}/search/directory/users and returns
// one page of the people of the caller's campus directory whom their
// privacy settings show to the caller. params may be nil.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v1 API (Endpoints.V1).
func (u *Unofficial) ListDirectoryMembers(ctx context.Context, params *DirectoryMembersParams) ([]DirectoryMember, error) {
	var q gen.ListDirectoryMembersParams
	if params != nil {
		var err error
		if q.PerPage, q.From, err = params.paging("ListDirectoryMembers"); err != nil {
			return nil, err
		}
		if params.GraduationYear < 0 {
			return nil, fmt.Errorf("groupme: ListDirectoryMembers: negative GraduationYear %d", params.GraduationYear)
		}
		if len(params.Majors) > 0 {
			q.Majors = Ptr(append([]int{}, params.Majors...))
		}
		if params.GraduationYear > 0 {
			q.GraduationYear = Ptr(params.GraduationYear)
		}
	}
	req, err := gen.NewListDirectoryMembersRequest(u.c.v1Base(), &q)
	res, err := doJSON[gen.DirectoryMembers](ctx, u.c, call{op: "ListDirectoryMembers"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Users, nil
}

// UpdateDirectoryMajors calls PUT /directories/user/majors and replaces
// the majors on the caller's profile inside their campus directory with
// codes (major codes, as strings). It returns the codes now set.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) UpdateDirectoryMajors(ctx context.Context, codes ...string) ([]string, error) {
	if codes == nil {
		codes = []string{}
	}
	req, err := gen.NewUpdateDirectoryMajorsRequest(u.c.base, DirectoryMajorsRequest{Codes: codes})
	set, err := doJSON[[]string](ctx, u.c, call{op: "UpdateDirectoryMajors"}, req, err)
	if err != nil {
		return nil, err
	}
	return *set, nil
}

// UpdateDirectoryMembership calls PUT /directories/user/membership and sets
// the graduation year on the caller's profile inside their campus directory
// (nil hides it) and who there sees the profile ("hidden",
// "graduation_year", "major" or "visible"). It returns the caller's
// directory membership.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) UpdateDirectoryMembership(ctx context.Context, change DirectoryMembershipUpdate) (*DirectoryMembership, error) {
	req, err := gen.NewUpdateDirectoryMembershipRequest(u.c.base, change)
	return doJSON[DirectoryMembership](ctx, u.c, call{op: "UpdateDirectoryMembership"}, req, err)
}
