package client_test

import (
	"errors"
	"testing"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

func TestUnofficialCampusDirectory(t *testing.T) {
	t.Parallel()
	srv, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	ds := srv.Dataset
	id, err := srv.Fake.AddCampus(contracttest.Campus{Name: "Lakeside State", ShortName: "LSU", GroupIDs: []string{gid},
		Members: []contracttest.CampusMember{
			{UserID: ds.Users[0].ID, Majors: []string{"3702"}, GraduationYear: "2027"},
			{UserID: ds.Users[1].ID, Majors: []string{"1100"}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := me.Unofficial().GetDirectory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(d.ID) != id || d.ShortName == nil || *d.ShortName != "LSU" || *d.MembersCount != 2 {
		t.Errorf("GetDirectory = %+v", d)
	}
	groups, err := me.Unofficial().ListDirectoryGroups(ctx, nil)
	if err != nil || len(groups) != 1 || groups[0].ID != gid {
		t.Errorf("ListDirectoryGroups = %+v, %v", groups, err)
	}
	people, err := me.Unofficial().ListDirectoryMembers(ctx, &client.DirectoryMembersParams{Majors: []int{1100, 9999}})
	if err != nil || len(people) != 1 || people[0].ID != ds.Users[1].ID {
		t.Errorf("ListDirectoryMembers(major 1100) = %+v, %v", people, err)
	}
	people, err = me.Unofficial().ListDirectoryMembers(ctx, &client.DirectoryMembersParams{GraduationYear: 2027})
	if err != nil || len(people) != 1 || people[0].ID != ds.Users[0].ID {
		t.Errorf("ListDirectoryMembers(2027) = %+v, %v", people, err)
	}
	if _, err := me.Unofficial().ListDirectoryMembers(ctx, &client.DirectoryMembersParams{PublicGroupsParams: client.PublicGroupsParams{From: -1}}); err == nil {
		t.Error("a negative From was accepted")
	}
	set, err := me.Unofficial().UpdateDirectoryMajors(ctx, "5506")
	if err != nil || len(set) != 1 || set[0] != "5506" {
		t.Errorf("UpdateDirectoryMajors = %v, %v", set, err)
	}
	ms, err := me.Unofficial().UpdateDirectoryMembership(ctx, client.DirectoryMembershipUpdate{GraduationYear: client.Ptr(2030), CampusProfileVisibility: client.Ptr("graduation_year")})
	if err != nil || ms.GraduationYear == nil || *ms.GraduationYear != "2030" || ms.MajorIDs == nil || len(*ms.MajorIDs) != 1 {
		t.Errorf("UpdateDirectoryMembership = %+v, %v", ms, err)
	}
	if _, err := me.Unofficial().UpdateDirectoryMembership(ctx, client.DirectoryMembershipUpdate{CampusProfileVisibility: client.Ptr("friends")}); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("an unknown visibility: %v, want ErrBadRequest", err)
	}
	if err := me.Unofficial().LeaveDirectory(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := me.Unofficial().GetDirectory(ctx); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("GetDirectory after leaving: %v, want ErrNotFound", err)
	}
	if _, err := other.Unofficial().GetDirectory(ctx); err != nil {
		t.Errorf("the other member after the first left: %v", err)
	}
}
