package contracttest

import (
	"net/http"
	"testing"
)

// campus seeds a campus with Users[0] (major 3702, 2027) and Users[3]
// (major 1100) and one group.
func seedCampus(t *testing.T, srv *Server) (campusID, groupID string) {
	t.Helper()
	ds := srv.Dataset
	gid, err := srv.Fake.AddGroup(Group{Name: "Geology Club", CreatorID: ds.Users[3].ID})
	if err != nil {
		t.Fatal(err)
	}
	id, err := srv.Fake.AddCampus(Campus{Name: "Lakeside State", ShortName: "LSU", GroupIDs: []string{gid}, Members: []CampusMember{
		{UserID: ds.Users[0].ID, Majors: []string{"3702"}, GraduationYear: "2027"},
		{UserID: ds.Users[3].ID, Majors: []string{"1100"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return id, gid
}

// campusSteps are TestFakeServesEveryOperation's steps for the campus
// directory calls.
func campusSteps(t *testing.T, srv *Server) []fakeStep {
	id, _ := seedCampus(t, srv)
	api := newFakeAPI(t, srv, srv.Dataset.Users[0].Token)
	var batch string
	return []fakeStep{
		{"getDirectory", func() fakeReply { return api.do("GET", "/directories", nil, nil) }, 200},
		{"listDirectoryGroups", func() fakeReply { return api.do("GET", srv.V1URL+"/search/directories", nil, nil) }, 200},
		{"listDirectoryMembers", func() fakeReply {
			return api.do("GET", srv.V1URL+"/search/directory/users", nil, q("majors", "3702"))
		}, 200},
		{"updateDirectoryMajors", func() fakeReply {
			return api.do("PUT", "/directories/user/majors", map[string]any{"codes": []string{"3702", "5506"}}, nil)
		}, 201},
		{"updateDirectoryMembership", func() fakeReply {
			return api.do("PUT", "/directories/user/membership", map[string]any{"graduation_year": 2027, "campus_profile_visibility": "major"}, nil)
		}, 200},
		{"leaveDirectory", func() fakeReply { return api.do("DELETE", "/directories/"+id+"/membership", nil, nil) }, 200},
		{"setProfileSharing", func() fakeReply {
			return api.do("POST", "/users/features/share", map[string]any{"status": "enable"}, nil)
		}, 200},
		{"updatePinnedConversations", func() fakeReply {
			return api.do("PUT", srv.V4URL+"/pinned_conversations", map[string]any{"pinned_conversation_ids": []string{id, "1+2"}}, nil)
		}, 200},
		{"listPinnedConversations", func() fakeReply { return api.do("GET", srv.V4URL+"/pinned_conversations", nil, nil) }, 200},
		{"createRelationship", func() fakeReply {
			friend := srv.Dataset.Users[2]
			token := shareToken(t, newFakeAPI(t, srv, friend.Token))
			return api.do("POST", srv.V4URL+"/relationships/create", map[string]any{"user_id": friend.ID, "token": token}, nil)
		}, 201},
		{"listRelationships", func() fakeReply { return api.do("GET", srv.V4URL+"/relationships", nil, nil) }, 200},
		{"getUser", func() fakeReply { return api.do("GET", srv.V2URL+"/users/"+srv.Dataset.Users[2].ID, nil, nil) }, 200},
		{"importContacts", func() fakeReply {
			r := api.do("POST", "/relationships/import_contacts", []map[string]any{{"name": "Four", "guid": "G-4", "phone_number": phoneOf(t, srv, 4)}}, nil)
			var v struct {
				BatchID string `json:"batch_id"`
			}
			r.decode(t, &v)
			batch = v.BatchID
			return r
		}, 202},
		{"getContactImport", func() fakeReply { return api.do("GET", srv.V4URL+"/relationships/batch/"+batch, nil, nil) }, 200},
		{"deleteRelationship", func() fakeReply {
			return api.do("DELETE", srv.V4URL+"/relationships/"+srv.Dataset.Users[4].ID, nil, nil)
		}, 202},
		{"updateUserProfile", func() fakeReply {
			return api.do("POST", srv.V2URL+"/users/"+srv.Dataset.Users[0].ID, map[string]any{"user": map[string]any{"bio": "runs"}}, nil)
		}, 200},
	}
}

func TestFakeCampusDirectory(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	id, gid := seedCampus(t, srv)
	api := newFakeAPI(t, srv, ds.Users[0].Token)

	var d struct {
		ID           any    `json:"id"`
		ShortName    string `json:"short_name"`
		MembersCount int    `json:"members_count"`
		GroupsCount  int    `json:"groups_count"`
	}
	api.do("GET", "/directories", nil, nil).decode(t, &d)
	if d.ShortName != "LSU" || d.MembersCount != 2 || d.GroupsCount != 1 {
		t.Errorf("getDirectory = %+v", d)
	}
	var groups struct {
		Directories []struct {
			ID          string `json:"id"`
			DirectoryID string `json:"directory_id"`
		} `json:"directories"`
	}
	api.do("GET", srv.V1URL+"/search/directories", nil, nil).decode(t, &groups)
	if len(groups.Directories) != 1 || groups.Directories[0].ID != gid || groups.Directories[0].DirectoryID != id {
		t.Errorf("listDirectoryGroups = %+v", groups)
	}
	people := func(query ...string) []string {
		var v struct {
			Users []struct {
				ID string `json:"id"`
			} `json:"users"`
		}
		api.do("GET", srv.V1URL+"/search/directory/users", nil, q(query...)).decode(t, &v)
		var out []string
		for _, u := range v.Users {
			out = append(out, u.ID)
		}
		return out
	}
	if got := people(); len(got) != 2 {
		t.Errorf("everyone: %v", got)
	}
	if got := people("majors", "1100"); len(got) != 1 || got[0] != ds.Users[3].ID {
		t.Errorf("major 1100: %v", got)
	}
	if got := people("graduation_year", "2027"); len(got) != 1 || got[0] != ds.Users[0].ID {
		t.Errorf("class of 2027: %v", got)
	}
	if got := people("per_page", "1", "from", "1"); len(got) != 1 || got[0] != ds.Users[3].ID {
		t.Errorf("second page of one: %v", got)
	}

	if r := api.do("DELETE", "/directories/"+id+"/membership", nil, nil); r.status != http.StatusOK {
		t.Fatalf("leaveDirectory: %d %s", r.status, r.body)
	}
	for _, path := range []string{"/directories", srv.V1URL + "/search/directories", srv.V1URL + "/search/directory/users"} {
		if r := api.do("GET", path, nil, nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s after leaving: %d, want 404", path, r.status)
		}
	}
	if r := api.do("DELETE", "/directories/"+id+"/membership", nil, nil); r.status != http.StatusNotFound {
		t.Errorf("leaving twice: %d", r.status)
	}
	other := newFakeAPI(t, srv, ds.Users[3].Token)
	if r := other.do("GET", "/directories", nil, nil); r.status != http.StatusOK {
		t.Errorf("the other member after the first left: %d", r.status)
	}
}

// The caller's majors, year and visibility change what the directory's
// people search finds, and the rules of visibility hold.
func TestFakeCampusProfile(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	seedCampus(t, srv)
	me := newFakeAPI(t, srv, srv.Dataset.Users[0].Token)
	other := newFakeAPI(t, srv, srv.Dataset.Users[3].Token)
	var majors []string
	me.do("PUT", "/directories/user/majors", map[string]any{"codes": []string{"5506"}}, nil).expect(t, 201).decode(t, &majors)
	if len(majors) != 1 || majors[0] != "5506" {
		t.Errorf("majors now %v, want [5506]", majors)
	}
	var found struct {
		Users []struct {
			ID string `json:"id"`
		} `json:"users"`
	}
	me.do("GET", srv.V1URL+"/search/directory/users", nil, q("majors", "5506")).expect(t, 200).decode(t, &found)
	if len(found.Users) != 1 || found.Users[0].ID != srv.Dataset.Users[0].ID {
		t.Errorf("people with major 5506: %+v", found.Users)
	}
	var ms struct {
		GraduationYear any      `json:"graduation_year"`
		Visibility     string   `json:"campus_profile_visibility"`
		MajorIDs       []string `json:"major_ids"`
	}
	me.do("PUT", "/directories/user/membership", map[string]any{"graduation_year": 2030, "campus_profile_visibility": "graduation_year"}, nil).expect(t, 200).decode(t, &ms)
	if ms.GraduationYear != "2030" || ms.Visibility != "graduation_year" || len(ms.MajorIDs) != 1 {
		t.Errorf("membership %+v", ms)
	}
	// null hides the year; a year-only visibility then has nothing to show.
	me.do("PUT", "/directories/user/membership", map[string]any{"graduation_year": nil, "campus_profile_visibility": "graduation_year"}, nil).expect(t, 400)
	me.do("PUT", "/directories/user/membership", map[string]any{"graduation_year": 1800}, nil).expect(t, 400)
	me.do("PUT", "/directories/user/membership", map[string]any{"campus_profile_visibility": "friends"}, nil).expect(t, 400)
	// Users[3] has no year, so "graduation_year" is refused for them.
	other.do("PUT", "/directories/user/membership", map[string]any{"campus_profile_visibility": "graduation_year"}, nil).expect(t, 400)
	// Outside any campus: 404.
	newFakeAPI(t, srv, srv.Dataset.Users[5].Token).do("PUT", "/directories/user/majors", map[string]any{"codes": []string{"1"}}, nil).expect(t, 404)
}
