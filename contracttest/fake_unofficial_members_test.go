package contracttest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// memberSteps are TestFakeServesEveryOperation's steps for the mute calls,
// the membership summary, join requests and bans.
func memberSteps(t *testing.T, srv *Server, api *fakeAPI) []fakeStep {
	gid, _ := ownGroup(t, srv)
	ds := srv.Dataset
	var topicID string
	r := api.do("POST", "/groups/"+gid+"/subgroups", map[string]any{"topic": "Muted"}, nil)
	var v struct {
		ID json.Number `json:"id"`
	}
	r.decode(t, &v)
	topicID = v.ID.String()
	reqID, err := srv.Fake.AddJoinRequest(gid, ds.Users[2].ID, "I run too")
	if err != nil {
		t.Fatal(err)
	}
	leaver := ds.Users[3]
	leaverMID, err := srv.Fake.AddMember(gid, leaver.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if r := api.as(leaver.Token).do("POST", "/groups/"+gid+"/members/"+leaverMID+"/remove", nil, nil); r.status != http.StatusOK {
		t.Fatalf("leaving: %d %s", r.status, r.body)
	}
	steps := []fakeStep{
		{"muteGroup", func() fakeReply {
			return api.do("POST", srv.V2URL+"/groups/"+gid+"/memberships/mute", map[string]any{"duration": 60}, nil)
		}, 200},
		{"unmuteGroup", func() fakeReply { return api.do("POST", srv.V2URL+"/groups/"+gid+"/memberships/unmute", nil, nil) }, 200},
		{"muteGroupAll", func() fakeReply {
			return api.do("POST", "/groups/"+gid+"/memberships/mute_all", map[string]any{"duration": nil}, nil)
		}, 200},
		{"unmuteGroupAll", func() fakeReply { return api.do("POST", "/groups/"+gid+"/memberships/unmute_all", nil, nil) }, 200},
		{"muteSubgroup", func() fakeReply {
			return api.do("POST", "/groups/"+gid+"/subgroups/"+topicID+"/mute", map[string]any{"duration": 30}, nil)
		}, 200},
		{"unmuteSubgroup", func() fakeReply {
			return api.do("POST", "/groups/"+gid+"/subgroups/"+topicID+"/unmute", nil, nil)
		}, 200},
		{"listMembershipStates", func() fakeReply { return api.do("GET", "/memberships/states", nil, nil) }, 200},
		{"listPendingMemberships", func() fakeReply { return api.do("GET", "/groups/"+gid+"/pending_memberships", nil, nil) }, 200},
		{"approvePendingMembership", func() fakeReply {
			return api.do("POST", "/groups/"+gid+"/members/"+reqID+"/approval", map[string]any{"approval": true}, nil)
		}, 200},
		{"banMember", func() fakeReply {
			return api.do("POST", srv.V2URL+"/groups/"+gid+"/memberships/"+leaverMID+"/destroy", nil, nil)
		}, 200},
	}
	return append(steps, chatSteps(t, srv, api)...)
}

type muteAnswer struct {
	Membership struct {
		State         *string           `json:"state"`
		Muted         *bool             `json:"muted"`
		MutedUntil    *int64            `json:"muted_until"`
		MutedChildren map[string]*int64 `json:"muted_children"`
	} `json:"membership"`
}

// groupMuted reads the caller's muted flag from GET /groups/{id}.
func groupMuted(t *testing.T, api *fakeAPI, gid, userID string) bool {
	t.Helper()
	var g struct {
		Members []struct {
			UserID string `json:"user_id"`
			Muted  bool   `json:"muted"`
		} `json:"members"`
	}
	api.do("GET", "/groups/"+gid, nil, nil).decode(t, &g)
	for _, m := range g.Members {
		if m.UserID == userID {
			return m.Muted
		}
	}
	t.Fatalf("user %s is not in group %s", userID, gid)
	return false
}

func TestFakeMutesShowInTheMembership(t *testing.T) {
	t.Parallel()
	srv, clock := newManualServer(t)
	gid, _ := ownGroup(t, srv)
	me := srv.Dataset.Users[0]
	api := newFakeAPI(t, srv, me.Token)
	var topic struct {
		ID json.Number `json:"id"`
	}
	api.do("POST", "/groups/"+gid+"/subgroups", map[string]any{"topic": "Rides"}, nil).decode(t, &topic)
	tid := topic.ID.String()

	var a muteAnswer
	api.do("POST", srv.V2URL+"/groups/"+gid+"/memberships/mute", map[string]any{"duration": nil}, nil).decode(t, &a)
	if a.Membership.State == nil || *a.Membership.State != "muted" || a.Membership.MutedUntil == nil || *a.Membership.MutedUntil != mutedForever {
		t.Errorf("v2 mute without end: state %v, muted_until %v", a.Membership.State, a.Membership.MutedUntil)
	}
	if !groupMuted(t, api, gid, me.ID) {
		t.Error("after muteGroup the group shows the caller unmuted")
	}
	a = muteAnswer{}
	api.do("POST", srv.V2URL+"/groups/"+gid+"/memberships/unmute", nil, nil).decode(t, &a)
	if *a.Membership.State != "active" || a.Membership.MutedUntil != nil || groupMuted(t, api, gid, me.ID) {
		t.Errorf("after unmuteGroup: state %v, muted_until %v", *a.Membership.State, a.Membership.MutedUntil)
	}

	a = muteAnswer{}
	api.do("POST", "/groups/"+gid+"/memberships/mute_all", map[string]any{"duration": 60}, nil).decode(t, &a)
	want := fakeClock.Unix() + 60*60
	if a.Membership.Muted == nil || !*a.Membership.Muted || *a.Membership.MutedUntil < want || a.Membership.MutedChildren[tid] == nil {
		t.Errorf("mute_all for an hour: %+v", a.Membership)
	}
	a = muteAnswer{}
	api.do("POST", "/groups/"+gid+"/subgroups/"+tid+"/unmute", nil, nil).decode(t, &a)
	if _, still := a.Membership.MutedChildren[tid]; still || !*a.Membership.Muted {
		t.Errorf("after unmuting the topic: %+v", a.Membership)
	}
	a = muteAnswer{}
	api.do("POST", "/groups/"+gid+"/subgroups/"+tid+"/mute", map[string]any{"duration": 10}, nil).decode(t, &a)
	if a.Membership.MutedChildren[tid] == nil {
		t.Errorf("after muting the topic: %+v", a.Membership)
	}
	// An hour and a minute later both mutes have run out.
	clock.Advance(61 * time.Minute)
	a = muteAnswer{}
	api.do("POST", "/groups/"+gid+"/subgroups/"+tid+"/unmute", nil, nil).decode(t, &a)
	if *a.Membership.Muted || a.Membership.MutedUntil != nil || len(a.Membership.MutedChildren) != 0 {
		t.Errorf("after the mutes ran out: %+v", a.Membership)
	}
	if groupMuted(t, api, gid, me.ID) {
		t.Error("the group still shows the caller muted after the mute ran out")
	}
	if r := api.do("POST", "/groups/"+gid+"/subgroups/999/mute", map[string]any{"duration": 10}, nil); r.status != http.StatusNotFound {
		t.Errorf("muting an unknown topic: %d", r.status)
	}
	if r := api.do("POST", "/groups/"+gid+"/memberships/mute_all", map[string]any{"duration": 0}, nil); r.status != http.StatusBadRequest {
		t.Errorf("muting for 0 minutes: %d, want 400", r.status)
	}
}

func TestFakeJoinRequestsAndBans(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	gid, _ := ownGroup(t, srv)
	admin, member := newFakeAPI(t, srv, ds.Users[0].Token), newFakeAPI(t, srv, ds.Users[1].Token)
	asker := ds.Users[2]
	reqID, err := srv.Fake.AddJoinRequest(gid, asker.ID, "I run too")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Fake.AddJoinRequest(gid, ds.Users[1].ID, "again"); err == nil {
		t.Error("a member could ask to join")
	}

	var pending []struct {
		ID     string `json:"id"`
		UserID string `json:"user_id"`
		Reason struct {
			Answer struct {
				Response string `json:"response"`
			} `json:"answer"`
		} `json:"reason"`
	}
	member.do("GET", "/groups/"+gid+"/pending_memberships", nil, nil).decode(t, &pending)
	if len(pending) != 1 || pending[0].ID != reqID || pending[0].UserID != asker.ID || pending[0].Reason.Answer.Response != "I run too" {
		t.Fatalf("pending requests, as a member sees them: %+v", pending)
	}
	r := member.do("POST", "/groups/"+gid+"/members/"+reqID+"/approval", map[string]any{"approval": true}, nil)
	if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "neither the Owner nor an Admin") {
		t.Errorf("a plain member approving: %d %q", r.status, r.body)
	}
	var res struct {
		MembershipID json.Number `json:"membership_id"`
		State        string      `json:"state"`
	}
	admin.do("POST", "/groups/"+gid+"/members/"+reqID+"/approval", map[string]any{"approval": true}, nil).decode(t, &res)
	if res.MembershipID.String() != reqID || res.State != "active" {
		t.Errorf("approval answer: %+v", res)
	}
	pending = nil
	admin.do("GET", "/groups/"+gid+"/pending_memberships", nil, nil).decode(t, &pending)
	if len(pending) != 0 {
		t.Errorf("the approved request is still pending: %+v", pending)
	}
	if r := admin.do("POST", "/groups/"+gid+"/members/"+reqID+"/approval", map[string]any{"approval": false}, nil); r.status != http.StatusNotFound {
		t.Errorf("answering a request twice: %d", r.status)
	}
	// The new member is in the group under the request's membership id.
	asked := newFakeAPI(t, srv, asker.Token)
	var g struct {
		Members []struct {
			ID     string `json:"id"`
			UserID string `json:"user_id"`
		} `json:"members"`
	}
	asked.do("GET", "/groups/"+gid, nil, nil).decode(t, &g)
	if !slices.ContainsFunc(g.Members, func(m struct {
		ID     string `json:"id"`
		UserID string `json:"user_id"`
	}) bool {
		return m.UserID == asker.ID && m.ID == reqID
	}) {
		t.Errorf("the approved user is not a member with id %s: %+v", reqID, g.Members)
	}

	// A denied request leaves no member.
	denied, _ := srv.Fake.AddJoinRequest(gid, ds.Users[3].ID, "please")
	admin.do("POST", "/groups/"+gid+"/members/"+denied+"/approval", map[string]any{"approval": false}, nil).decode(t, &res)
	if res.State != "denied" {
		t.Errorf("denial answer: %+v", res)
	}

	states := func(api *fakeAPI) map[string]string {
		var out []struct {
			GroupID string `json:"group_id"`
			State   string `json:"state"`
		}
		api.do("GET", "/memberships/states", nil, nil).decode(t, &out)
		m := map[string]string{}
		for _, s := range out {
			m[s.GroupID] = s.State
		}
		return m
	}
	if s := states(asked)[gid]; s != "active" {
		t.Errorf("state after approval: %q", s)
	}
	if _, ok := states(newFakeAPI(t, srv, ds.Users[3].Token))[gid]; ok {
		t.Error("a denied user has a membership state in the group")
	}

	// Current members cannot be banned; once they leave they can.
	ban := func() fakeReply {
		return admin.do("POST", srv.V2URL+"/groups/"+gid+"/memberships/"+reqID+"/destroy", nil, nil)
	}
	if r := ban(); r.status != http.StatusBadRequest {
		t.Errorf("banning a current member: %d", r.status)
	}
	asked.do("POST", "/groups/"+gid+"/members/"+reqID+"/remove", nil, nil)
	if s := states(asked)[gid]; s != "exited" {
		t.Errorf("state after leaving: %q", s)
	}
	if r := member.do("POST", srv.V2URL+"/groups/"+gid+"/memberships/"+reqID+"/destroy", nil, nil); r.status != http.StatusForbidden {
		t.Errorf("a plain member banning: %d", r.status)
	}
	if r := ban(); r.status != http.StatusOK {
		t.Fatalf("banning a former member: %d %s", r.status, r.body)
	}
	if s := states(asked)[gid]; s != "exited_removed" {
		t.Errorf("state after the ban: %q", s)
	}
	if r := asked.do("POST", "/groups/join", map[string]any{"group_id": gid}, nil); r.status != http.StatusForbidden {
		t.Errorf("a banned user rejoining: %d", r.status)
	}
}
