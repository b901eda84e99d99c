package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// SetProfileSharing calls POST /users/features/share and turns the
// caller's profile share link on (enable true: a new ShareURL and
// ShareQRCodeURL each time, invalidating the ones shared before) or off.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) SetProfileSharing(ctx context.Context, enable bool) (*ProfileSharing, error) {
	status := gen.ProfileSharingRequestStatusDisable
	if enable {
		status = gen.ProfileSharingRequestStatusEnable
	}
	req, err := gen.NewSetProfileSharingRequest(u.c.base, gen.ProfileSharingRequest{Status: status})
	return doJSON[gen.ProfileSharing](ctx, u.c, call{op: "SetProfileSharing"}, req, err)
}

// ListPinnedConversations calls GET {v4}/pinned_conversations and returns
// the ids of the groups and direct conversations ("<lower user id>+<higher
// user id>") the caller pinned, in order. Groups the caller left stay
// until unpinned.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (Endpoints.V4).
func (u *Unofficial) ListPinnedConversations(ctx context.Context) ([]string, error) {
	req, err := gen.NewListPinnedConversationsRequest(u.c.v4Base())
	res, err := doJSON[gen.PinnedConversations](ctx, u.c, call{op: "ListPinnedConversations"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.PinnedConversationIDs, nil
}

// UpdatePinnedConversations calls PUT {v4}/pinned_conversations and
// replaces the caller's pinned conversations with ids: those left out are
// unpinned, and an empty (or nil) ids unpins everything.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (Endpoints.V4).
func (u *Unofficial) UpdatePinnedConversations(ctx context.Context, ids []string) error {
	body := gen.PinnedConversations{PinnedConversationIDs: append([]string{}, ids...)}
	req, err := gen.NewUpdatePinnedConversationsRequest(u.c.v4Base(), body)
	return doNoPayload(ctx, u.c, call{op: "UpdatePinnedConversations"}, req, err)
}

// UpdateUserProfile calls POST {v2}/users/{user_id} and changes the
// fields set in change on the caller's own account (userID is the
// caller's id, as GetMe returns it): name, email and avatar, and the
// fields only GroupMe's apps show (bio, theme song, photo gallery of at
// least 3 photos, reaction notifications, notification sounds). It
// returns the account after the change.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v2 API (Endpoints.V2).
func (u *Unofficial) UpdateUserProfile(ctx context.Context, userID string, change ProfileUpdate) (*ProfileAccount, error) {
	req, err := gen.NewUpdateUserProfileRequest(u.c.v2Base(), userID, gen.ProfileUpdateRequest{User: change})
	res, err := doJSON[gen.ProfileAccountAnswer](ctx, u.c, call{op: "UpdateUserProfile"}, req, err)
	if err != nil {
		return nil, err
	}
	return &res.User, nil
}
