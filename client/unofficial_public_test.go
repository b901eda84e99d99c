package client_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/groupme-go/groupme/client"
)

// makePublic makes groupID searchable, with a join question, requiring
// approval or not.
func makePublic(t *testing.T, owner *client.Client, groupID string, approval bool) {
	t.Helper()
	vis := client.GroupUpdateRequestVisibilitySearchable
	_, err := owner.UpdateGroup(t.Context(), groupID, client.GroupUpdateRequest{
		Visibility: &vis, RequiresApproval: &approval, ShowJoinQuestion: &approval,
		JoinQuestion: &client.JoinQuestion{Type: client.Ptr("join_reason/questions/text"), Text: client.Ptr("Do you run?")},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnofficialJoinPublicGroup(t *testing.T) {
	t.Parallel()
	srv, me, _, _ := unofficialServer(t)
	ctx := t.Context()
	ds := srv.Dataset
	joiner := e2eClient(t, srv, ds.Users[5].Token)
	isMember := func(gid string) bool {
		g, err := me.GetGroup(ctx, gid, nil)
		if err != nil {
			t.Fatal(err)
		}
		return g.Members != nil && slices.ContainsFunc(*g.Members, func(m client.Member) bool { return m.UserID == ds.Users[5].ID })
	}
	open, err := me.CreateGroup(ctx, client.GroupCreateRequest{Name: "Open runners"})
	if err != nil {
		t.Fatal(err)
	}
	gated, err := me.CreateGroup(ctx, client.GroupCreateRequest{Name: "Gated runners"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := joiner.Unofficial().GetGroupPreview(ctx, open.ID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("previewing a hidden group: %v, want ErrNotFound", err)
	}
	makePublic(t, me, open.ID, false)
	makePublic(t, me, gated.ID, true)

	p, err := joiner.Unofficial().GetGroupPreview(ctx, gated.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.RequiresApproval == nil || !*p.RequiresApproval || p.JoinQuestion == nil || *p.JoinQuestion.Text != "Do you run?" {
		t.Errorf("GetGroupPreview = %+v", p)
	}
	if _, err := joiner.Unofficial().JoinPublicGroup(ctx, open.ID, ""); err != nil || !isMember(open.ID) {
		t.Errorf("JoinPublicGroup(open) = %v; member %v", err, isMember(open.ID))
	}
	if _, err := joiner.Unofficial().JoinPublicGroup(ctx, gated.ID, "Every day"); err != nil || isMember(gated.ID) {
		t.Errorf("JoinPublicGroup(gated) = %v; member %v before approval", err, isMember(gated.ID))
	}
	pending, err := me.Unofficial().ListPendingMemberships(ctx, gated.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || *pending[0].Reason.Answer.Response != "Every day" {
		t.Fatalf("ListPendingMemberships = %+v", pending)
	}
	if _, err := me.Unofficial().ApprovePendingMembership(ctx, gated.ID, pending[0].ID, true); err != nil || !isMember(gated.ID) {
		t.Errorf("after approval: %v; member %v", err, isMember(gated.ID))
	}
}

func TestUnofficialSearchPublicGroups(t *testing.T) {
	t.Parallel()
	srv, me, _, _ := unofficialServer(t)
	ctx := t.Context()
	joiner := e2eClient(t, srv, srv.Dataset.Users[5].Token)
	small, err := me.CreateGroup(ctx, client.GroupCreateRequest{Name: "Hill runners"})
	if err != nil {
		t.Fatal(err)
	}
	big, err := me.CreateGroup(ctx, client.GroupCreateRequest{Name: "Lake runners"})
	if err != nil {
		t.Fatal(err)
	}
	makePublic(t, me, small.ID, false)
	makePublic(t, me, big.ID, false)
	if _, err := joiner.Unofficial().JoinPublicGroup(ctx, big.ID, ""); err != nil {
		t.Fatal(err)
	}
	res, err := joiner.Unofficial().SearchPublicGroups(ctx, "runners", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Popular == nil || len(*res.Popular) != 2 || (*res.Popular)[0].ID != big.ID || *(*res.Popular)[0].MembersCount != 2 {
		t.Errorf("SearchPublicGroups popular = %+v", res.Popular)
	}
	if res, err := joiner.Unofficial().SearchPublicGroups(ctx, "nothing like it", nil); err != nil || len(*res.Popular) != 0 {
		t.Errorf("a search without matches: %+v, %v", res, err)
	}
	pop, err := joiner.Unofficial().ListPopularGroups(ctx, &client.PublicGroupsParams{PerPage: 1, From: 1})
	if err != nil || len(pop) != 1 || pop[0].ID != small.ID {
		t.Errorf("ListPopularGroups(second page of one) = %+v, %v", pop, err)
	}
	trend, err := joiner.Unofficial().ListTrendingGroups(ctx, nil)
	if err != nil || len(trend) != 2 {
		t.Errorf("ListTrendingGroups = %+v, %v", trend, err)
	}
	before := srv.Fake.Calls("listPopularGroups")
	if _, err := joiner.Unofficial().ListPopularGroups(ctx, &client.PublicGroupsParams{PerPage: -1}); err == nil {
		t.Error("a negative PerPage was accepted")
	}
	if srv.Fake.Calls("listPopularGroups") != before {
		t.Error("a negative PerPage was sent")
	}
}
