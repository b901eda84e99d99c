package client_test

import (
	"slices"
	"testing"
)

func TestUnofficialProfileSharingAndPinnedConversations(t *testing.T) {
	t.Parallel()
	_, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	first, err := me.SetProfileSharing(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	second, err := me.SetProfileSharing(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if first.ShareURL == nil || second.ShareURL == nil || *first.ShareURL == *second.ShareURL {
		t.Errorf("each enable must make a new link: %v, %v", first.ShareURL, second.ShareURL)
	}
	if off, err := me.SetProfileSharing(ctx, false); err != nil || off.ShareURL != nil {
		t.Errorf("SetProfileSharing(false) = %+v, %v", off, err)
	}

	if ids, err := me.ListPinnedConversations(ctx); err != nil || len(ids) != 0 {
		t.Errorf("ListPinnedConversations at first = %v, %v", ids, err)
	}
	if err := me.UpdatePinnedConversations(ctx, []string{gid, "1+2"}); err != nil {
		t.Fatal(err)
	}
	if ids, err := me.ListPinnedConversations(ctx); err != nil || !slices.Equal(ids, []string{gid, "1+2"}) {
		t.Errorf("ListPinnedConversations = %v, %v", ids, err)
	}
	if err := me.UpdatePinnedConversations(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if ids, err := me.ListPinnedConversations(ctx); err != nil || len(ids) != 0 {
		t.Errorf("after unpinning everything = %v, %v", ids, err)
	}
	if ids, err := other.ListPinnedConversations(ctx); err != nil || len(ids) != 0 {
		t.Errorf("the other user's pins = %v, %v", ids, err)
	}
}
