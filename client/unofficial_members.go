package client

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// MuteUntilUnmuted, given as the duration of MuteGroup, MuteGroupAll or
// MuteSubgroup, mutes until the matching unmute call.
const MuteUntilUnmuted time.Duration = 0

// muteRequest turns d into the mute calls' body: whole minutes, rounded
// up, or null for MuteUntilUnmuted.
func muteRequest(op string, d time.Duration) (gen.MuteRequest, error) {
	switch {
	case d < 0:
		return gen.MuteRequest{}, fmt.Errorf("groupme: %s: negative duration %v", op, d)
	case d == MuteUntilUnmuted:
		return gen.MuteRequest{}, nil
	}
	minutes := int((d + time.Minute - 1) / time.Minute)
	return gen.MuteRequest{Duration: &minutes}, nil
}

func (u *Unofficial) mute(ctx context.Context, op string, d time.Duration, build func(gen.MuteRequest) (*http.Request, error)) (*MutedMembership, error) {
	body, err := muteRequest(op, d)
	if err != nil {
		return nil, err
	}
	req, err := build(body)
	return u.muteAnswer(ctx, op, req, err)
}

func (u *Unofficial) muteAnswer(ctx context.Context, op string, req *http.Request, err error) (*MutedMembership, error) {
	res, err := doJSON[gen.MembershipMute](ctx, u.c, call{op: op}, req, err)
	if err != nil {
		return nil, err
	}
	return &res.Membership, nil
}

// MuteGroup calls POST {v2}/groups/{group_id}/memberships/mute and
// silences the general notifications of the group's main chat for d
// (rounded up to whole minutes), or until UnmuteGroup with
// MuteUntilUnmuted. Mentions, replies and reactions to the caller's
// messages still notify. It returns the caller's membership (State
// "muted", MutedUntil set). A negative d is an error, and nothing is sent.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v2 API (Endpoints.V2).
func (u *Unofficial) MuteGroup(ctx context.Context, groupID string, d time.Duration) (*MutedMembership, error) {
	return u.mute(ctx, "MuteGroup", d, func(b gen.MuteRequest) (*http.Request, error) {
		return gen.NewMuteGroupRequest(u.c.v2Base(), groupID, b)
	})
}

// UnmuteGroup calls POST {v2}/groups/{group_id}/memberships/unmute and
// turns the main chat's notifications back on.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v2 API (Endpoints.V2).
func (u *Unofficial) UnmuteGroup(ctx context.Context, groupID string) (*MutedMembership, error) {
	req, err := gen.NewUnmuteGroupRequest(u.c.v2Base(), groupID)
	return u.muteAnswer(ctx, "UnmuteGroup", req, err)
}

// MuteGroupAll calls POST /groups/{group_id}/memberships/mute_all and
// silences the main chat and every topic of the group for d (rounded up
// to whole minutes), or until UnmuteGroupAll with MuteUntilUnmuted. The
// membership it returns lists the muted topics in MutedChildren.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) MuteGroupAll(ctx context.Context, groupID string, d time.Duration) (*MutedMembership, error) {
	return u.mute(ctx, "MuteGroupAll", d, func(b gen.MuteRequest) (*http.Request, error) {
		return gen.NewMuteGroupAllRequest(u.c.base, groupID, b)
	})
}

// UnmuteGroupAll calls POST /groups/{group_id}/memberships/unmute_all and
// turns the notifications of the main chat and every topic back on.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) UnmuteGroupAll(ctx context.Context, groupID string) (*MutedMembership, error) {
	req, err := gen.NewUnmuteGroupAllRequest(u.c.base, groupID)
	return u.muteAnswer(ctx, "UnmuteGroupAll", req, err)
}

// MuteSubgroup calls POST /groups/{group_id}/subgroups/{subgroup_id}/mute
// and silences one topic for d (rounded up to whole minutes), or until
// UnmuteSubgroup with MuteUntilUnmuted. It returns the caller's membership
// of the parent group.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) MuteSubgroup(ctx context.Context, groupID, subgroupID string, d time.Duration) (*MutedMembership, error) {
	return u.mute(ctx, "MuteSubgroup", d, func(b gen.MuteRequest) (*http.Request, error) {
		return gen.NewMuteSubgroupRequest(u.c.base, groupID, subgroupID, b)
	})
}

// UnmuteSubgroup calls POST /groups/{group_id}/subgroups/{subgroup_id}/unmute
// and turns one topic's notifications back on.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) UnmuteSubgroup(ctx context.Context, groupID, subgroupID string) (*MutedMembership, error) {
	req, err := gen.NewUnmuteSubgroupRequest(u.c.base, groupID, subgroupID)
	return u.muteAnswer(ctx, "UnmuteSubgroup", req, err)
}

// The states ListMembershipStates reports so far; others may appear.
const (
	MembershipActive        = "active"         // a member now
	MembershipExited        = "exited"         // left on their own
	MembershipRemoved       = "removed"        // removed by someone else
	MembershipExitedRemoved = "exited_removed" // left, and barred from rejoining
)

// ListMembershipStates calls GET /memberships/states and returns every
// group the caller has ever been in, with the caller's state there
// (MembershipActive, MembershipExited, ...), in one unpaged list.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListMembershipStates(ctx context.Context) ([]MembershipState, error) {
	req, err := gen.NewListMembershipStatesRequest(u.c.base)
	res, err := doJSON[[]gen.MembershipState](ctx, u.c, call{op: "ListMembershipStates"}, req, err)
	if err != nil {
		return nil, err
	}
	return *res, nil
}

// ListPendingMemberships calls GET /groups/{group_id}/pending_memberships
// and returns the requests to join a group that requires approval. Any
// member may list them.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListPendingMemberships(ctx context.Context, groupID string) ([]PendingMembership, error) {
	req, err := gen.NewListPendingMembershipsRequest(u.c.base, groupID)
	res, err := doJSON[[]gen.PendingMembership](ctx, u.c, call{op: "ListPendingMemberships"}, req, err)
	if err != nil {
		return nil, err
	}
	return *res, nil
}

// ApprovePendingMembership calls POST
// /groups/{group_id}/members/{membership_id}/approval and accepts
// (approve true: State "active", the person becomes a member) or denies
// (State "denied") the join request membershipID (a PendingMembership's
// ID). Only the group's owners and admins may; others get an error
// matching ErrUnauthorized.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ApprovePendingMembership(ctx context.Context, groupID, membershipID string, approve bool) (*MembershipApproval, error) {
	req, err := gen.NewApprovePendingMembershipRequest(u.c.base, groupID, membershipID, gen.MembershipApprovalRequest{Approval: approve})
	return doJSON[gen.MembershipApproval](ctx, u.c, call{op: "ApprovePendingMembership"}, req, err)
}

// BanMember calls POST {v2}/groups/{group_id}/memberships/{membership_id}/destroy
// and bars someone who has left the group from rejoining it. membershipID
// is their membership id, not their user id. Current members cannot be
// banned: remove them first (RemoveMember).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v2 API (Endpoints.V2).
func (u *Unofficial) BanMember(ctx context.Context, groupID, membershipID string) error {
	req, err := gen.NewBanMemberRequest(u.c.v2Base(), groupID, membershipID)
	return doNoPayload(ctx, u.c, call{op: "BanMember"}, req, err)
}
