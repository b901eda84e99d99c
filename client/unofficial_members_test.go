package client_test

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// memberTour is unofficialTour's part for the mute calls, the membership
// summary, join requests and bans.
func memberTour(t *testing.T, srv *contracttest.Server, cov *coverage) {
	ctx := t.Context()
	ds := srv.Dataset
	gid, err := srv.Fake.AddGroup(contracttest.Group{Name: "Tour mutes", CreatorID: ds.Users[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	c := e2eClient(t, srv, ds.Users[0].Token)
	must := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cov.mark(name)
	}
	topic, err := c.Unofficial().CreateSubgroup(ctx, gid, client.SubgroupCreateRequest{Topic: "Quiet"})
	if err != nil {
		t.Fatal(err)
	}
	tid := string(topic.ID)
	_, err = c.Unofficial().MuteGroup(ctx, gid, time.Hour)
	must("MuteGroup", err)
	_, err = c.Unofficial().UnmuteGroup(ctx, gid)
	must("UnmuteGroup", err)
	_, err = c.Unofficial().MuteGroupAll(ctx, gid, client.MuteUntilUnmuted)
	must("MuteGroupAll", err)
	_, err = c.Unofficial().UnmuteGroupAll(ctx, gid)
	must("UnmuteGroupAll", err)
	_, err = c.Unofficial().MuteSubgroup(ctx, gid, tid, time.Minute)
	must("MuteSubgroup", err)
	_, err = c.Unofficial().UnmuteSubgroup(ctx, gid, tid)
	must("UnmuteSubgroup", err)

	rid, err := srv.Fake.AddJoinRequest(gid, ds.Users[1].ID, "hi")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := c.Unofficial().ListPendingMemberships(ctx, gid)
	must("ListPendingMemberships", err)
	if len(pending) != 1 || pending[0].ID != rid {
		t.Errorf("ListPendingMemberships = %+v", pending)
	}
	_, err = c.Unofficial().ApprovePendingMembership(ctx, gid, rid, true)
	must("ApprovePendingMembership", err)
	if err := e2eClient(t, srv, ds.Users[1].Token).RemoveMember(ctx, gid, rid); err != nil {
		t.Fatal(err)
	}
	must("BanMember", c.Unofficial().BanMember(ctx, gid, rid))
	_, err = c.Unofficial().ListMembershipStates(ctx)
	must("ListMembershipStates", err)

	other := ds.Users[1]
	dm, err := c.CreateDirectMessage(ctx, client.NewDirectMessage{RecipientID: other.ID, Text: client.Ptr("tour")})
	if err != nil {
		t.Fatal(err)
	}
	chatID := *dm.ConversationID
	_, err = c.Unofficial().GetChat(ctx, chatID)
	must("GetChat", err)
	_, err = e2eClient(t, srv, other.Token).Unofficial().CreateReadReceipt(ctx, chatID, dm.ID)
	cov.mark("CreateReadReceipt")
	if err != nil {
		t.Fatalf("CreateReadReceipt: %v", err)
	}
	must("DeleteChat", c.Unofficial().DeleteChat(ctx, chatID))

	makePublic(t, c, gid, false)
	_, err = e2eClient(t, srv, ds.Users[2].Token).Unofficial().GetGroupPreview(ctx, gid)
	must("GetGroupPreview", err)
	_, err = e2eClient(t, srv, ds.Users[2].Token).Unofficial().JoinPublicGroup(ctx, gid, "")
	must("JoinPublicGroup", err)
	_, err = c.Unofficial().SearchPublicGroups(ctx, "Tour", nil)
	must("SearchPublicGroups", err)
	_, err = c.Unofficial().ListTrendingGroups(ctx, nil)
	must("ListTrendingGroups", err)
	_, err = c.Unofficial().ListPopularGroups(ctx, &client.PublicGroupsParams{PerPage: 3})
	must("ListPopularGroups", err)

	campus, err := srv.Fake.AddCampus(contracttest.Campus{Name: "Tour U", GroupIDs: []string{gid},
		Members: []contracttest.CampusMember{{UserID: ds.Users[0].ID, Majors: []string{"3702"}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Unofficial().GetDirectory(ctx)
	must("GetDirectory", err)
	_, err = c.Unofficial().ListDirectoryGroups(ctx, nil)
	must("ListDirectoryGroups", err)
	_, err = c.Unofficial().ListDirectoryMembers(ctx, &client.DirectoryMembersParams{Majors: []int{3702}})
	must("ListDirectoryMembers", err)
	_, err = c.Unofficial().UpdateDirectoryMajors(ctx, "3702", "5506")
	must("UpdateDirectoryMajors", err)
	_, err = c.Unofficial().UpdateDirectoryMembership(ctx, client.DirectoryMembershipUpdate{GraduationYear: client.Ptr(2027), CampusProfileVisibility: client.Ptr("major")})
	must("UpdateDirectoryMembership", err)
	must("LeaveDirectory", c.Unofficial().LeaveDirectory(ctx, campus))

	_, err = c.Unofficial().SetProfileSharing(ctx, true)
	must("SetProfileSharing", err)
	must("UpdatePinnedConversations", c.Unofficial().UpdatePinnedConversations(ctx, []string{gid}))
	pins, err := c.Unofficial().ListPinnedConversations(ctx)
	must("ListPinnedConversations", err)
	if len(pins) != 1 || pins[0] != gid {
		t.Errorf("ListPinnedConversations = %v", pins)
	}

	must("CreateRelationship", c.Unofficial().CreateRelationship(ctx, ds.Users[3].ID, shareTokenOf(t, e2eClient(t, srv, ds.Users[3].Token))))
	contacts, err := c.Unofficial().ListRelationships(ctx, nil)
	must("ListRelationships", err)
	if len(contacts) != 1 {
		t.Errorf("ListRelationships = %+v", contacts)
	}
	for _, err := range c.Unofficial().ListRelationshipsIter(ctx, nil) {
		if err != nil {
			t.Fatalf("ListRelationshipsIter: %v", err)
		}
	}
	cov.mark("ListRelationshipsIter")
	profile, err := c.Unofficial().GetUser(ctx, ds.Users[3].ID, true)
	must("GetUser", err)
	if profile.Relationship == nil {
		t.Error("GetUser: no relationship with a contact")
	}
	_, err = c.Unofficial().UpdateUserProfile(ctx, ds.Users[0].ID, client.ProfileUpdate{Bio: client.Ptr("tour")})
	must("UpdateUserProfile", err)
	batch, err := c.Unofficial().ImportContacts(ctx, []client.ContactImport{{GUID: "G-1", PhoneNumber: "+15555550000"}})
	must("ImportContacts", err)
	_, err = c.Unofficial().GetContactImport(ctx, batch)
	must("GetContactImport", err)
	must("DeleteRelationship", c.Unofficial().DeleteRelationship(ctx, ds.Users[3].ID))
}

func TestUnofficialMutes(t *testing.T) {
	t.Parallel()
	srv, me, _, gid := unofficialServer(t)
	ctx := t.Context()
	myID := srv.Dataset.Users[0].ID
	mutedInGroup := func() bool {
		t.Helper()
		g, err := me.GetGroup(ctx, gid, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range *g.Members {
			if m.UserID == myID {
				return m.Muted != nil && *m.Muted
			}
		}
		t.Fatal("the caller is not a member")
		return false
	}

	m, err := me.Unofficial().MuteGroup(ctx, gid, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if m.State == nil || *m.State != "muted" || m.MutedUntil == nil || m.UserID != myID {
		t.Errorf("MuteGroup = %+v", m)
	}
	if !mutedInGroup() {
		t.Error("after MuteGroup the group shows the caller unmuted")
	}
	if m, err = me.Unofficial().UnmuteGroup(ctx, gid); err != nil || *m.State != "active" || m.MutedUntil != nil {
		t.Errorf("UnmuteGroup = %+v, %v", m, err)
	}
	if mutedInGroup() {
		t.Error("after UnmuteGroup the group shows the caller muted")
	}

	topic, err := me.Unofficial().CreateSubgroup(ctx, gid, client.SubgroupCreateRequest{Topic: "Rides"})
	if err != nil {
		t.Fatal(err)
	}
	tid := string(topic.ID)
	m, err = me.Unofficial().MuteGroupAll(ctx, gid, client.MuteUntilUnmuted)
	if err != nil {
		t.Fatal(err)
	}
	if m.Muted == nil || !*m.Muted || m.MutedUntil == nil || *m.MutedUntil != 253402300800 || m.MutedChildren == nil || (*m.MutedChildren)[tid] == nil {
		t.Errorf("MuteGroupAll without end = %+v", m)
	}
	if m, err = me.Unofficial().UnmuteSubgroup(ctx, gid, tid); err != nil || len(*m.MutedChildren) != 0 || !*m.Muted {
		t.Errorf("UnmuteSubgroup = %+v, %v", m, err)
	}
	if m, err = me.Unofficial().MuteSubgroup(ctx, gid, tid, 90*time.Second); err != nil || (*m.MutedChildren)[tid] == nil {
		t.Errorf("MuteSubgroup = %+v, %v", m, err)
	}
	if m, err = me.Unofficial().UnmuteGroupAll(ctx, gid); err != nil || *m.Muted || len(*m.MutedChildren) != 0 {
		t.Errorf("UnmuteGroupAll = %+v, %v", m, err)
	}
	if _, err := me.Unofficial().MuteSubgroup(ctx, gid, "999", time.Minute); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("muting an unknown topic: %v, want ErrNotFound", err)
	}
	before := srv.Fake.Calls("muteGroup")
	if _, err := me.Unofficial().MuteGroup(ctx, gid, -time.Minute); err == nil {
		t.Error("a negative duration was accepted")
	}
	if srv.Fake.Calls("muteGroup") != before {
		t.Error("a negative duration was sent")
	}
}

func TestUnofficialJoinRequestsAndBans(t *testing.T) {
	t.Parallel()
	srv, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	ds := srv.Dataset
	asker := ds.Users[2]
	rid, err := srv.Fake.AddJoinRequest(gid, asker.ID, "I run too")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := other.Unofficial().ListPendingMemberships(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].UserID != asker.ID || pending[0].Reason == nil || *pending[0].Reason.Answer.Response != "I run too" {
		t.Fatalf("ListPendingMemberships = %+v", pending)
	}
	if _, err := other.Unofficial().ApprovePendingMembership(ctx, gid, rid, true); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("a plain member approving: %v, want ErrUnauthorized", err)
	}
	res, err := me.Unofficial().ApprovePendingMembership(ctx, gid, rid, true)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.MembershipID) != rid || res.State != "active" {
		t.Errorf("ApprovePendingMembership = %+v", res)
	}
	g, err := me.GetGroup(ctx, gid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Members == nil || !slices.ContainsFunc(*g.Members, func(m client.Member) bool { return m.UserID == asker.ID }) {
		t.Error("the approved user is not a member")
	}

	asked := e2eClient(t, srv, asker.Token)
	if err := me.Unofficial().BanMember(ctx, gid, rid); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("banning a current member: %v, want ErrBadRequest", err)
	}
	if err := asked.RemoveMember(ctx, gid, rid); err != nil {
		t.Fatal(err)
	}
	if err := me.Unofficial().BanMember(ctx, gid, rid); err != nil {
		t.Fatal(err)
	}
	states, err := asked.Unofficial().ListMembershipStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(states, func(s client.MembershipState) bool { return s.GroupID == gid })
	if i < 0 || states[i].State != client.MembershipExitedRemoved {
		t.Errorf("ListMembershipStates after the ban = %+v", states)
	}
	if _, err := asked.RejoinGroup(ctx, gid); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("rejoining after a ban: %v, want ErrForbidden", err)
	}
}

// roundTripFunc records requests without sending them.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestV2BaseURL: the v2 calls go to v2.groupme.com by default, to /v2 next
// to a local /v3 base, and wherever Endpoints.V2 says; the duration is
// sent in whole minutes, rounded up, or null.
func TestV2BaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opts []client.Option
		want string
	}{
		{nil, "https://v2.groupme.com/groups/7/memberships/mute"},
		{[]client.Option{client.WithBaseURL("https://api.groupme.com/v3")}, "https://v2.groupme.com/groups/7/memberships/mute"},
		{[]client.Option{client.WithBaseURL("http://127.0.0.1:9/v3")}, "http://127.0.0.1:9/v2/groups/7/memberships/mute"},
		{[]client.Option{client.WithBaseURL("http://127.0.0.1:9/v3"), client.WithEndpoints(client.Endpoints{V2: "http://127.0.0.1:8/x"})}, "http://127.0.0.1:8/x/groups/7/memberships/mute"},
	}
	// The v1 searches derive their base the same way, except that the
	// default v3 base gives api.groupme.com/v1.
	for _, tt := range []struct {
		opts []client.Option
		want string
	}{
		{nil, "https://api.groupme.com/v1/search/popular"},
		{[]client.Option{client.WithBaseURL("http://127.0.0.1:9/v3")}, "http://127.0.0.1:9/v1/search/popular"},
		{[]client.Option{client.WithEndpoints(client.Endpoints{V1: "http://127.0.0.1:8/y"})}, "http://127.0.0.1:8/y/search/popular"},
	} {
		var got string
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			got = r.URL.String()
			return nil, errors.New("not sent")
		})
		c, err := client.New("secret-token", append([]client.Option{client.WithHTTPClient(&http.Client{Transport: rt}), client.WithRetries(0)}, tt.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Unofficial().ListPopularGroups(t.Context(), nil)
		if got != tt.want {
			t.Errorf("ListPopularGroups went to %q, want %q", got, tt.want)
		}
	}
	for _, tt := range tests {
		var got, body string
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			got = r.URL.String()
			b, _ := io.ReadAll(r.Body)
			body = string(b)
			return nil, errors.New("not sent")
		})
		opts := append([]client.Option{client.WithHTTPClient(&http.Client{Transport: rt}), client.WithRetries(0)}, tt.opts...)
		c, err := client.New("secret-token", opts...)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Unofficial().MuteGroup(t.Context(), "7", 90*time.Second)
		if got != tt.want || body != `{"duration":2}` {
			t.Errorf("MuteGroup went to %q with %s; want %q with {\"duration\":2}", got, body, tt.want)
		}
		_, _ = c.Unofficial().MuteGroup(t.Context(), "7", client.MuteUntilUnmuted)
		if body != `{"duration":null}` {
			t.Errorf("MuteGroup(MuteUntilUnmuted) sent %s", body)
		}
	}
}
