package client_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/groupme-go/groupme/client"
)

func TestUnofficialProfileSharingAndPinnedConversations(t *testing.T) {
	t.Parallel()
	_, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	first, err := me.Unofficial().SetProfileSharing(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	second, err := me.Unofficial().SetProfileSharing(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if first.ShareURL == nil || second.ShareURL == nil || *first.ShareURL == *second.ShareURL {
		t.Errorf("each enable must make a new link: %v, %v", first.ShareURL, second.ShareURL)
	}
	if off, err := me.Unofficial().SetProfileSharing(ctx, false); err != nil || off.ShareURL != nil {
		t.Errorf("SetProfileSharing(false) = %+v, %v", off, err)
	}

	if ids, err := me.Unofficial().ListPinnedConversations(ctx); err != nil || len(ids) != 0 {
		t.Errorf("ListPinnedConversations at first = %v, %v", ids, err)
	}
	if err := me.Unofficial().UpdatePinnedConversations(ctx, []string{gid, "1+2"}); err != nil {
		t.Fatal(err)
	}
	if ids, err := me.Unofficial().ListPinnedConversations(ctx); err != nil || !slices.Equal(ids, []string{gid, "1+2"}) {
		t.Errorf("ListPinnedConversations = %v, %v", ids, err)
	}
	if err := me.Unofficial().UpdatePinnedConversations(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if ids, err := me.Unofficial().ListPinnedConversations(ctx); err != nil || len(ids) != 0 {
		t.Errorf("after unpinning everything = %v, %v", ids, err)
	}
	if ids, err := other.Unofficial().ListPinnedConversations(ctx); err != nil || len(ids) != 0 {
		t.Errorf("the other user's pins = %v, %v", ids, err)
	}
}

func TestUnofficialUpdateUserProfile(t *testing.T) {
	t.Parallel()
	srv, me, other, _ := unofficialServer(t)
	ctx := t.Context()
	myID := srv.Dataset.Users[0].ID
	photos := []string{"https://i.groupme.com/1x1.jpeg.a", "https://i.groupme.com/1x1.jpeg.b", "https://i.groupme.com/1x1.jpeg.c"}
	acct, err := me.Unofficial().UpdateUserProfile(ctx, myID, client.ProfileUpdate{Name: client.Ptr("Dana W"), Bio: client.Ptr("runs"), PhotoURLs: &photos})
	if err != nil {
		t.Fatal(err)
	}
	if acct.ID != myID || *acct.Name != "Dana W" || *acct.Bio != "runs" || len(*acct.PhotoURLs) != 3 {
		t.Errorf("UpdateUserProfile = %+v", acct)
	}
	p, err := other.Unofficial().GetUser(ctx, myID, false)
	if err != nil {
		t.Fatal(err)
	}
	if *p.User.Name != "Dana W" || *p.User.Bio != "runs" {
		t.Errorf("the profile another user sees: %+v", p.User)
	}
	if _, err := me.Unofficial().UpdateUserProfile(ctx, myID, client.ProfileUpdate{PhotoURLs: &[]string{"https://i.groupme.com/1x1.jpeg.a"}}); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("one photo: %v, want ErrBadRequest", err)
	}
	if _, err := other.Unofficial().UpdateUserProfile(ctx, myID, client.ProfileUpdate{Bio: client.Ptr("x")}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("updating someone else: %v, want ErrForbidden", err)
	}
}
