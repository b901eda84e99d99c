package contracttest

import (
	"net/http"
	"testing"
)

// publicGroup makes a searchable group owned by Users[0], requiring
// approval or not.
func publicGroup(t *testing.T, srv *Server, approval bool) string {
	t.Helper()
	ds := srv.Dataset
	gid, err := srv.Fake.AddGroup(Group{Name: "Runners", CreatorID: ds.Users[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	owner := newFakeAPI(t, srv, ds.Users[0].Token)
	body := map[string]any{"visibility": "searchable", "requires_approval": approval, "show_join_question": approval,
		"join_question": map[string]any{"type": "join_reason/questions/text", "text": "Do you run?"}}
	if r := owner.do("POST", "/groups/"+gid+"/update", body, nil); r.status != http.StatusOK {
		t.Fatalf("making the group public: %d %s", r.status, r.body)
	}
	return gid
}

// publicSteps are TestFakeServesEveryOperation's steps for the public
// group calls, made by a user who is not yet a member.
func publicSteps(t *testing.T, srv *Server) []fakeStep {
	gid := publicGroup(t, srv, false)
	api := newFakeAPI(t, srv, srv.Dataset.Users[5].Token)
	steps := []fakeStep{
		{"getGroupPreview", func() fakeReply { return api.do("GET", "/groups/"+gid+"/preview", nil, nil) }, 200},
		{"joinPublicGroup", func() fakeReply { return api.do("POST", "/groups/"+gid+"/join", nil, nil) }, 201},
		{"searchPublicGroups", func() fakeReply { return api.do("GET", srv.V1URL+"/search", nil, q("query", "runners")) }, 200},
		{"listTrendingGroups", func() fakeReply { return api.do("GET", srv.V1URL+"/search/trending", nil, nil) }, 200},
		{"listPopularGroups", func() fakeReply { return api.do("GET", srv.V1URL+"/search/popular", nil, q("per_page", "5")) }, 200},
	}
	return append(steps, campusSteps(t, srv)...)
}

func TestFakeJoinPublicGroup(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	open, gated := publicGroup(t, srv, false), publicGroup(t, srv, true)
	owner, joiner := newFakeAPI(t, srv, ds.Users[0].Token), newFakeAPI(t, srv, ds.Users[5].Token)
	isMember := func(gid string) bool {
		var g struct {
			Members []struct {
				UserID string `json:"user_id"`
			} `json:"members"`
		}
		owner.do("GET", "/groups/"+gid, nil, nil).decode(t, &g)
		for _, m := range g.Members {
			if m.UserID == ds.Users[5].ID {
				return true
			}
		}
		return false
	}

	var p struct {
		RequiresApproval bool `json:"requires_approval"`
		JoinQuestion     struct {
			Text string `json:"text"`
		} `json:"join_question"`
	}
	joiner.do("GET", "/groups/"+gated+"/preview", nil, nil).decode(t, &p)
	if !p.RequiresApproval || p.JoinQuestion.Text != "Do you run?" {
		t.Errorf("preview of the gated group: %+v", p)
	}
	hidden, _ := ownGroup(t, srv)
	if r := joiner.do("GET", "/groups/"+hidden+"/preview", nil, nil); r.status != http.StatusNotFound {
		t.Errorf("previewing a hidden group: %d", r.status)
	}
	if r := joiner.do("POST", "/groups/"+hidden+"/join", nil, nil); r.status != http.StatusNotFound {
		t.Errorf("joining a hidden group: %d", r.status)
	}

	if r := joiner.do("POST", "/groups/"+open+"/join", nil, nil); r.status != http.StatusCreated || !isMember(open) {
		t.Errorf("joining the open group: %d, member %v", r.status, isMember(open))
	}

	r := joiner.do("POST", "/groups/"+gated+"/join", map[string]any{"answer": map[string]any{"response": "Every day"}}, nil)
	if r.status != http.StatusCreated || isMember(gated) {
		t.Errorf("asking to join the gated group: %d, member %v", r.status, isMember(gated))
	}
	var pending []struct {
		ID     string `json:"id"`
		Reason struct {
			Question struct {
				Text string `json:"text"`
			} `json:"question"`
			Answer struct {
				Response string `json:"response"`
			} `json:"answer"`
		} `json:"reason"`
	}
	owner.do("GET", "/groups/"+gated+"/pending_memberships", nil, nil).decode(t, &pending)
	if len(pending) != 1 || pending[0].Reason.Answer.Response != "Every day" || pending[0].Reason.Question.Text != "Do you run?" {
		t.Fatalf("pending requests after asking: %+v", pending)
	}
	if r := joiner.do("POST", "/groups/"+gated+"/join", nil, nil); r.status != http.StatusBadRequest {
		t.Errorf("asking twice: %d", r.status)
	}
	owner.do("POST", "/groups/"+gated+"/members/"+pending[0].ID+"/approval", map[string]any{"approval": true}, nil)
	if !isMember(gated) {
		t.Error("the approved request did not make a member")
	}
}

func TestFakeSearchPublicGroups(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	small, big := publicGroup(t, srv, false), publicGroup(t, srv, false)
	hidden, _ := ownGroup(t, srv) // "Owned", not searchable
	api := newFakeAPI(t, srv, ds.Users[5].Token)
	ids := func(gs []struct {
		ID           string `json:"id"`
		MembersCount int    `json:"members_count"`
	}) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.ID)
		}
		return out
	}
	type lists struct {
		Popular []struct {
			ID           string `json:"id"`
			MembersCount int    `json:"members_count"`
		} `json:"popular"`
		Trending []struct {
			ID           string `json:"id"`
			MembersCount int    `json:"members_count"`
		} `json:"trending"`
	}
	// Joining makes big the larger one, so it comes first.
	api.do("POST", "/groups/"+big+"/join", nil, nil)
	var l lists
	api.do("GET", srv.V1URL+"/search", nil, q("query", "RUNNERS")).decode(t, &l)
	if got := ids(l.Popular); len(got) != 2 || got[0] != big || got[1] != small || l.Popular[0].MembersCount != 2 {
		t.Errorf("search popular = %v (%+v), want [%s %s]", got, l.Popular, big, small)
	}
	l = lists{}
	api.do("GET", srv.V1URL+"/search", nil, q("query", "Owned")).decode(t, &l)
	if len(l.Popular) != 0 || len(l.Trending) != 0 {
		t.Errorf("the hidden group %s was found: %+v", hidden, l)
	}
	l = lists{}
	api.do("GET", srv.V1URL+"/search/popular", nil, q("per_page", "1", "from", "1")).decode(t, &l)
	if got := ids(l.Popular); len(got) != 1 || got[0] != small || l.Trending != nil {
		t.Errorf("popular, second page of one = %v, trending %v", got, l.Trending)
	}
	l = lists{}
	api.do("GET", srv.V1URL+"/search/trending", nil, nil).decode(t, &l)
	if got := ids(l.Trending); len(got) != 2 || l.Popular != nil {
		t.Errorf("trending = %v, popular %v", got, l.Popular)
	}
	if r := api.do("GET", srv.V1URL+"/search/popular", nil, q("per_page", "0")); r.status != http.StatusBadRequest {
		t.Errorf("per_page=0: %d, want 400", r.status)
	}
}
