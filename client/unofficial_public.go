package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// GetGroupPreview calls GET /groups/{group_id}/preview and shows what
// someone needs before joining a public group: whether it requires
// approval (RequiresApproval) and its join question (JoinQuestion).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) GetGroupPreview(ctx context.Context, groupID string) (*GroupPreview, error) {
	req, err := gen.NewGetGroupPreviewRequest(u.c.base, groupID)
	return doJSON[gen.GroupPreview](ctx, u.c, call{op: "GetGroupPreview"}, req, err)
}

// JoinPublicGroup calls POST /groups/{group_id}/join and joins a public
// group without a share token, with answer as the reply to its join
// question ("" sends none). In a group that requires approval it asks to
// join instead: the caller becomes a member only once an admin accepts
// (see ListPendingMemberships).
//
// The community reports that GroupMe now rejects this call unless it
// carries a device attestation only GroupMe's own apps can produce, so
// expect an error from the real service.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) JoinPublicGroup(ctx context.Context, groupID, answer string) (*Group, error) {
	var body gen.PublicGroupJoinRequest
	if answer != "" {
		body.Answer = &gen.JoinReasonAnswer{Response: &answer}
	}
	req, err := gen.NewJoinPublicGroupRequest(u.c.base, groupID, body)
	return doJSON[gen.Group](ctx, u.c, call{op: "JoinPublicGroup"}, req, err)
}
