package contracttest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/groupme-go/groupme/gen"
)

// The unofficial mute calls, the membership summary, join requests and
// bans (GroupMeCommunityDocs groups.md, subtopics.md, members.md).

func init() {
	for op, h := range map[string]func(*Fake, *call){
		"muteGroup":                (*Fake).muteGroup,
		"unmuteGroup":              (*Fake).unmuteGroup,
		"muteGroupAll":             (*Fake).muteGroupAll,
		"unmuteGroupAll":           (*Fake).unmuteGroupAll,
		"muteSubgroup":             (*Fake).muteSubgroup,
		"unmuteSubgroup":           (*Fake).unmuteSubgroup,
		"listMembershipStates":     (*Fake).listMembershipStates,
		"listPendingMemberships":   (*Fake).listPendingMemberships,
		"approvePendingMembership": (*Fake).approvePendingMembership,
		"banMember":                (*Fake).banMember,
	} {
		operations[op] = h
	}
}

// mutedForever is the muted_until GroupMe sends for a mute without end
// (the first second of the year 10000).
const mutedForever = 253402300800

// muteState is one member's mutes in one group: until is when the main
// chat's mute ends (0: not muted), children the same per topic id.
type muteState struct {
	until    int64
	children map[string]int64
}

// joinRequest is a pending request to join a group.
type joinRequest struct {
	id, groupID, userID, nickname string
	question, answer              string
	at                            int64
}

// memberKey keys per-member state: "<group id>/<user id>".
func memberKey(groupID, userID string) string { return groupID + "/" + userID }

func (f *Fake) muteOf(groupID, userID string) *muteState {
	if f.st.uo.mutes == nil {
		f.st.uo.mutes = map[string]*muteState{}
	}
	k := memberKey(groupID, userID)
	if f.st.uo.mutes[k] == nil {
		f.st.uo.mutes[k] = &muteState{children: map[string]int64{}}
	}
	return f.st.uo.mutes[k]
}

// muteUntil reads the request's duration: minutes from now, or without
// end when null. ok is false when the answer was already written.
func muteUntil(c *call) (until int64, ok bool) {
	var req gen.MuteRequest
	if !c.decode(&req) {
		return 0, false
	}
	if req.Duration == nil {
		return mutedForever, true
	}
	return c.now.Unix() + int64(*req.Duration)*60, true
}

// live drops the mutes that have run out by now and reports whether the
// main chat is still muted.
func (s *muteState) live(now int64) bool {
	if s.until != 0 && s.until <= now {
		s.until = 0
	}
	maps.DeleteFunc(s.children, func(_ string, until int64) bool { return until <= now })
	return s.until != 0
}

// muteViewV2 renders the membership as the v2 mute calls answer it.
func (f *Fake) muteViewV2(c *call, g *group, m *member) gen.MembershipMute {
	s := f.muteOf(g.id, m.userID)
	muted := s.live(c.now.Unix())
	m.muted = muted
	state := "active"
	out := gen.MutedMembership{ID: strPtr(m.id), UserID: m.userID, Nickname: strPtr(m.nickname),
		AvatarURL: f.st.users[m.userID].avatar, UpdatedAt: ptrTo(c.now.Unix()),
		HasSoundEnabled: ptrTo(true), Autokicked: new(bool)}
	if muted {
		state = "muted"
		out.MutedUntil = ptrTo(s.until)
	}
	out.State = &state
	return gen.MembershipMute{Membership: out}
}

// muteViewV3 renders the membership as the v3 mute calls answer it.
func (f *Fake) muteViewV3(c *call, g *group, m *member) gen.MembershipMute {
	s := f.muteOf(g.id, m.userID)
	muted := s.live(c.now.Unix())
	m.muted = muted
	u := f.st.users[m.userID]
	children := map[string]*int64{}
	for id, until := range s.children {
		children[id] = ptrTo(until)
	}
	out := gen.MutedMembership{ID: strPtr(m.id), UserID: m.userID, Nickname: strPtr(m.nickname),
		AvatarURL: u.avatar, Creator: ptrTo(g.creator == m.userID), Muted: ptrTo(muted),
		Snoozed: new(bool), HasSoundEnabled: ptrTo(true), Pending: new(bool),
		MutedChildren: &children}
	if u.email != "" {
		out.Email = strPtr(u.email)
	}
	if muted {
		out.MutedUntil = ptrTo(s.until)
	}
	return gen.MembershipMute{Membership: out}
}

func (f *Fake) muteGroup(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	until, ok := muteUntil(c)
	if !ok {
		return
	}
	f.muteOf(g.id, c.userID).until = until
	c.ok(http.StatusOK, f.muteViewV2(c, g, g.member(c.userID)))
}

func (f *Fake) unmuteGroup(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	f.muteOf(g.id, c.userID).until = 0
	c.ok(http.StatusOK, f.muteViewV2(c, g, g.member(c.userID)))
}

func (f *Fake) muteGroupAll(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	until, ok := muteUntil(c)
	if !ok {
		return
	}
	s := f.muteOf(g.id, c.userID)
	s.until = until
	for _, id := range f.st.uo.order["subgroup/"+g.id] {
		s.children[id] = until
	}
	c.ok(http.StatusOK, f.muteViewV3(c, g, g.member(c.userID)))
}

func (f *Fake) unmuteGroupAll(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	s := f.muteOf(g.id, c.userID)
	s.until = 0
	clear(s.children)
	c.ok(http.StatusOK, f.muteViewV3(c, g, g.member(c.userID)))
}

func (f *Fake) muteSubgroup(c *call) {
	sg, g := f.subgroupOf(c)
	if sg == nil {
		return
	}
	until, ok := muteUntil(c)
	if !ok {
		return
	}
	f.muteOf(g.id, c.userID).children[sg.id] = until
	c.ok(http.StatusOK, f.muteViewV3(c, g, g.member(c.userID)))
}

func (f *Fake) unmuteSubgroup(c *call) {
	sg, g := f.subgroupOf(c)
	if sg == nil {
		return
	}
	delete(f.muteOf(g.id, c.userID).children, sg.id)
	c.ok(http.StatusOK, f.muteViewV3(c, g, g.member(c.userID)))
}

func (f *Fake) listMembershipStates(c *call) {
	out := []gen.MembershipState{}
	for _, id := range slices.SortedFunc(maps.Keys(f.st.groups), func(a, b string) int {
		if idLess(a, b) {
			return -1
		}
		return 1
	}) {
		g := f.st.groups[id]
		var state string
		switch {
		case g.member(c.userID) != nil:
			state = "active"
		case f.st.uo.banned[memberKey(g.id, c.userID)]:
			state = "exited_removed"
		case g.former[c.userID] != nil:
			state = "exited"
		case g.removed[c.userID]:
			state = "removed"
		default:
			continue
		}
		out = append(out, gen.MembershipState{GroupID: g.id, State: state})
	}
	c.ok(http.StatusOK, out)
}

func (r *joinRequest) view(f *Fake) gen.PendingMembership {
	return gen.PendingMembership{
		ID: r.id, UserID: r.userID, Nickname: strPtr(r.nickname), ImageURL: f.st.users[r.userID].avatar,
		Reason: &gen.JoinReason{
			Type:     strPtr("join_reason/membership_join_reason"),
			Question: &gen.JoinReasonQuestion{Type: strPtr("join_reason/questions/text"), Text: strPtr(r.question)},
			Answer:   &gen.JoinReasonAnswer{Type: strPtr("join_reason/answers/text"), Response: strPtr(r.answer)},
			Method:   strPtr("discoverable"),
		},
		Timestamp: ptrTo(r.at), State: strPtr("requested_pending"),
	}
}

// AddJoinRequest makes userID ask to join groupID, answering the group's
// join question with answer, as someone does in a group that requires
// approval. It returns the request's membership id, which
// approvePendingMembership takes. Unofficial.
func (f *Fake) AddJoinRequest(groupID, userID, answer string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, u := f.st.groups[groupID], f.st.users[userID]
	if g == nil || u == nil {
		return "", fmt.Errorf("%w: group %q or user %q", ErrNotFound, groupID, userID)
	}
	if g.member(userID) != nil {
		return "", fmt.Errorf("contracttest: user %q is already a member of group %q", userID, groupID)
	}
	return f.addJoinRequestLocked(g, u, answer, f.cfg.now().Unix()).id, nil
}

func (f *Fake) addJoinRequestLocked(g *group, u *user, answer string, at int64) *joinRequest {
	question := "Why do you want to join this group?"
	if g.joinQuestion != nil && g.joinQuestion.Text != nil && *g.joinQuestion.Text != "" {
		question = *g.joinQuestion.Text
	}
	r := &joinRequest{id: strconv.FormatUint(membershipIDBase+f.st.next("membership"), 10), groupID: g.id,
		userID: u.id, nickname: u.name, question: question, answer: answer, at: at}
	if f.st.uo.pending == nil {
		f.st.uo.pending = map[string]*joinRequest{}
	}
	f.st.uo.pending[r.id] = r
	f.st.uo.order["pending/"+g.id] = append(f.st.uo.order["pending/"+g.id], r.id)
	return r
}

func (f *Fake) listPendingMemberships(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	out := []gen.PendingMembership{}
	for _, id := range f.st.uo.order["pending/"+g.id] {
		out = append(out, f.st.uo.pending[id].view(f))
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) approvePendingMembership(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	if g.creator != c.userID {
		// GroupMe answers this one in plain text.
		c.res.set(http.StatusUnauthorized, "text/plain; charset=utf-8", []byte("You are neither the Owner nor an Admin in this group"))
		return
	}
	var req gen.MembershipApprovalRequest
	if !c.decode(&req) {
		return
	}
	r := f.st.uo.pending[c.params["membership_id"]]
	if r == nil || r.groupID != g.id {
		c.fail(http.StatusNotFound, "membership not found")
		return
	}
	delete(f.st.uo.pending, r.id)
	f.st.uo.unlist("pending/"+g.id, r.id)
	state := "denied"
	if req.Approval {
		state = "active"
		m := f.addMemberLocked(g, r.userID, r.nickname)
		m.id = r.id
		delete(f.st.uo.banned, memberKey(g.id, r.userID))
	}
	// membership_id arrives as a number.
	c.ok(http.StatusOK, map[string]any{"membership_id": json.Number(r.id), "state": state})
}

func (f *Fake) banMember(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	if g.creator != c.userID {
		c.fail(http.StatusForbidden, "only the group's owners and admins may ban")
		return
	}
	id := c.params["membership_id"]
	if slices.ContainsFunc(g.members, func(m *member) bool { return m.id == id }) {
		c.fail(http.StatusBadRequest, "current members cannot be banned: remove them first")
		return
	}
	var gone *member
	for _, m := range g.former {
		if m.id == id {
			gone = m
		}
	}
	if gone == nil {
		c.fail(http.StatusNotFound, "membership not found")
		return
	}
	delete(g.former, gone.userID)
	g.removed[gone.userID] = true
	if f.st.uo.banned == nil {
		f.st.uo.banned = map[string]bool{}
	}
	f.st.uo.banned[memberKey(g.id, gone.userID)] = true
	c.ok(http.StatusOK, nil)
}
