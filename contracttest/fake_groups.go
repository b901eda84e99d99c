package contracttest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// operations maps every operationId of openapi.yaml to its handler.
// Handlers run with Fake.mu held.
var operations = map[string]func(*Fake, *call){
	"listGroups":          (*Fake).listGroups,
	"listFormerGroups":    (*Fake).listFormerGroups,
	"getGroup":            (*Fake).getGroup,
	"createGroup":         (*Fake).createGroup,
	"updateGroup":         (*Fake).updateGroup,
	"destroyGroup":        (*Fake).destroyGroup,
	"joinGroup":           (*Fake).joinGroup,
	"rejoinGroup":         (*Fake).rejoinGroup,
	"changeGroupOwners":   (*Fake).changeGroupOwners,
	"addMembers":          (*Fake).addMembers,
	"getMembersResults":   (*Fake).getMembersResults,
	"removeMember":        (*Fake).removeMember,
	"updateMembership":    (*Fake).updateMembership,
	"listMessages":        (*Fake).listMessages,
	"createMessage":       (*Fake).createMessage,
	"listChats":           (*Fake).listChats,
	"listDirectMessages":  (*Fake).listDirectMessages,
	"createDirectMessage": (*Fake).createDirectMessage,
	"likeMessage":         (*Fake).likeMessage,
	"unlikeMessage":       (*Fake).unlikeMessage,
	"getLeaderboard":      (*Fake).getLeaderboard,
	"getLeaderboardMine":  (*Fake).getLeaderboardMine,
	"getLeaderboardForMe": (*Fake).getLeaderboardForMe,
	"listBots":            (*Fake).listBots,
	"createBot":           (*Fake).createBot,
	"postBotMessage":      (*Fake).postBotMessage,
	"destroyBot":          (*Fake).destroyBot,
	"getMe":               (*Fake).getMe,
	"updateMe":            (*Fake).updateMe,
	"enableSmsMode":       (*Fake).enableSmsMode,
	"disableSmsMode":      (*Fake).disableSmsMode,
	"listBlocks":          (*Fake).listBlocks,
	"getBlockBetween":     (*Fake).getBlockBetween,
	"createBlock":         (*Fake).createBlock,
	"deleteBlock":         (*Fake).deleteBlock,
	"deleteBlockPost":     (*Fake).deleteBlockPost,
	"uploadImage":         (*Fake).uploadImage,
}

const notFound = "not found"

// decode reads the (already validated) JSON request body into v.
func (c *call) decode(v any) bool {
	if err := json.Unmarshal(c.body, v); err != nil {
		c.fail(http.StatusBadRequest, "request body: "+err.Error())
		return false
	}
	return true
}

// intQuery returns a validated integer query parameter or def.
func (c *call) intQuery(name string, def int) int {
	if v, err := strconv.Atoi(c.query.Get(name)); err == nil {
		return v
	}
	return def
}

// memberGroup returns the group in the path if the caller is a member, or
// writes 404.
func (f *Fake) memberGroup(c *call) *group {
	g := f.st.groups[c.params["group_id"]]
	if g == nil || g.member(c.userID) == nil {
		c.fail(http.StatusNotFound, notFound)
		return nil
	}
	return g
}

// canManage: in private groups every member may change settings and remove
// members; in closed and announcement groups only the owner may.
func (g *group) canManage(userID string) bool {
	return g.typ == "private" || g.creator == userID
}

// groupView renders a group; members are left out (null, count 0) with
// omitMembers.
func (f *Fake) groupView(g *group, omitMembers bool) gen.Group {
	out := gen.Group{
		ID: g.id, GroupID: g.id, Name: g.name, Type: g.typ, Description: g.description,
		ImageURL: g.imageURL, CreatorUserID: g.creator, CreatedAt: g.created, UpdatedAt: g.updated,
		PhoneNumber: strPtr(g.phone), OfficeMode: &g.officeMode,
		ThemeName: g.themeName, LikeIcon: g.likeIcon, RequiresApproval: &g.requiresApproval,
		ShowJoinQuestion: &g.showJoinQuestion, JoinQuestion: g.joinQuestion,
		Visibility: strPtr(g.visibility), MessageDeletionMode: &g.deletionMode,
	}
	if !g.oldEra {
		out.MaxMembers = intPtr(5000)
	}
	if g.shareToken != "" {
		out.ShareURL = strPtr("https://groupme.com/join_group/" + g.id + "/" + g.shareToken)
		if !g.oldEra {
			out.ShareQRCodeURL = strPtr("https://image.groupme.com/qr/join_group/" + g.id + "/" + g.shareToken + "/preview")
		}
	}
	count := 0
	if !omitMembers {
		ms := make([]gen.Member, 0, len(g.members))
		for _, m := range g.members {
			ms = append(ms, f.memberView(g, m, true))
		}
		out.Members = &ms
		count = len(ms)
	}
	out.MembersCount = &count
	sum := gen.MessagesSummary{Count: len(g.conv.msgs)}
	preview := gen.MessagePreview{Attachments: &[]gen.Attachment{}}
	if n := len(g.conv.msgs); n > 0 {
		last := g.conv.msgs[n-1]
		sum.LastMessageID = strPtr(last.id)
		sum.LastMessageCreatedAt = &last.created
		sum.LastMessageUpdatedAt = &last.created
		preview = gen.MessagePreview{Nickname: strPtr(last.name), Text: last.text, ImageURL: last.avatarURL, Attachments: &last.attachments}
		if preview.ImageURL == nil {
			preview.ImageURL = strPtr("")
		}
	}
	sum.Preview = &preview
	out.Messages = sum
	return out
}

// memberView renders a membership; full adds roles and the account name
// (group listings), which the nickname update answer lacks.
func (f *Fake) memberView(g *group, m *member, full bool) gen.Member {
	u := f.st.users[m.userID]
	img := u.avatar
	out := gen.Member{ID: strPtr(m.id), UserID: m.userID, Nickname: m.nickname, Muted: &m.muted,
		ImageURL: img, Autokicked: new(bool), AppInstalled: ptrTo(true)}
	if full {
		roles := []string{"user"}
		if g.creator == m.userID {
			roles = []string{"admin", "owner"}
		}
		out.Roles = &roles
		out.Name = strPtr(u.name)
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

// activeGroups lists the caller's groups, most recently active first.
func (f *Fake) activeGroups(userID string) []*group {
	var gs []*group
	for _, g := range f.st.groups {
		if g.member(userID) != nil {
			gs = append(gs, g)
		}
	}
	slices.SortFunc(gs, func(a, b *group) int {
		if a.updated != b.updated {
			return int(b.updated - a.updated)
		}
		if idLess(a.id, b.id) {
			return 1
		}
		return -1
	})
	return gs
}

func (f *Fake) listGroups(c *call) {
	page, per := c.intQuery("page", 1), c.intQuery("per_page", 10)
	gs := f.activeGroups(c.userID)
	omit := c.query.Get("omit") == "memberships"
	out := []gen.Group{}
	start := (page - 1) * per
	for i := start; i < len(gs) && i < start+per; i++ {
		out = append(out, f.groupView(gs[i], omit))
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) listFormerGroups(c *call) {
	out := []gen.Group{}
	for _, g := range f.sortedGroups() {
		if g.former[c.userID] != nil {
			out = append(out, f.groupView(g, false))
		}
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) sortedGroups() []*group {
	gs := make([]*group, 0, len(f.st.groups))
	for _, g := range f.st.groups {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b *group) int {
		if idLess(a.id, b.id) {
			return -1
		}
		return 1
	})
	return gs
}

func (f *Fake) getGroup(c *call) {
	if g := f.memberGroup(c); g != nil {
		c.ok(http.StatusOK, f.groupView(g, false))
	}
}

func (f *Fake) createGroup(c *call) {
	var req gen.GroupCreateRequest
	if !c.decode(&req) {
		return
	}
	g := f.newGroupLocked(c.userID, req.Name, c.now)
	if req.Description != nil {
		g.description = req.Description
	}
	g.imageURL = req.ImageURL
	if req.Share != nil && *req.Share {
		g.shareToken = f.st.hexID("share", 8)
	}
	c.ok(http.StatusCreated, f.groupView(g, false))
}

func (f *Fake) updateGroup(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	if !g.canManage(c.userID) {
		c.fail(http.StatusForbidden, "only the owner may change this group")
		return
	}
	var req gen.GroupUpdateRequest
	if !c.decode(&req) {
		return
	}
	if req.Name != nil {
		g.name = *req.Name
	}
	if req.Description != nil {
		g.description = req.Description
	}
	if req.ImageURL != nil {
		g.imageURL = optStr(*req.ImageURL)
	}
	if req.OfficeMode != nil {
		g.officeMode = *req.OfficeMode
	}
	if req.Share != nil {
		switch {
		case *req.Share && g.shareToken == "":
			g.shareToken = f.st.hexID("share", 8)
		case !*req.Share:
			g.shareToken = ""
		}
	}
	if req.ThemeName != nil {
		g.themeName = req.ThemeName
	}
	if req.RequiresApproval != nil {
		g.requiresApproval = *req.RequiresApproval
	}
	if req.ShowJoinQuestion != nil {
		g.showJoinQuestion = *req.ShowJoinQuestion
	}
	if req.JoinQuestion != nil {
		g.joinQuestion = req.JoinQuestion
	}
	if req.LikeIcon != nil {
		g.likeIcon = req.LikeIcon
	}
	if req.Visibility != nil {
		g.visibility = string(*req.Visibility)
	}
	if req.GroupType != nil {
		g.typ = string(*req.GroupType)
	}
	if req.MessageDeletionMode != nil {
		g.deletionMode = *req.MessageDeletionMode
	}
	g.updated = c.now.Unix()
	c.ok(http.StatusOK, f.groupView(g, false))
}

func (f *Fake) destroyGroup(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	if g.creator != c.userID {
		c.fail(http.StatusForbidden, "only the creator may destroy this group")
		return
	}
	delete(f.st.groups, g.id)
	for id, b := range f.st.bots {
		if b.groupID == g.id {
			delete(f.st.bots, id)
		}
	}
	f.st.botOrder = slices.DeleteFunc(f.st.botOrder, func(id string) bool { return f.st.bots[id] == nil })
	c.ok(http.StatusOK, nil)
}

func (f *Fake) joinGroup(c *call) {
	g := f.st.groups[c.params["group_id"]]
	if g == nil || g.shareToken == "" || g.shareToken != c.params["share_token"] {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	if g.removed[c.userID] {
		c.fail(http.StatusForbidden, "you were removed from this group")
		return
	}
	f.addMemberLocked(g, c.userID, c.user.name)
	c.ok(http.StatusOK, gen.GroupJoin{Group: f.groupView(g, false)})
}

func (f *Fake) rejoinGroup(c *call) {
	var req gen.GroupRejoinRequest
	if !c.decode(&req) {
		return
	}
	g := f.st.groups[req.GroupID]
	switch {
	case g == nil:
		c.fail(http.StatusNotFound, notFound)
	case g.member(c.userID) != nil:
		c.ok(http.StatusOK, f.groupView(g, false))
	case g.removed[c.userID]:
		c.fail(http.StatusForbidden, "you were removed from this group and cannot rejoin")
	case g.former[c.userID] == nil:
		c.fail(http.StatusNotFound, notFound)
	default:
		old := g.former[c.userID]
		m := f.addMemberLocked(g, c.userID, old.nickname)
		m.id = old.id
		c.ok(http.StatusOK, f.groupView(g, false))
	}
}

func (f *Fake) changeGroupOwners(c *call) {
	var req gen.ChangeOwnersRequest
	if !c.decode(&req) {
		return
	}
	out := gen.ChangeOwnersResults{Results: []gen.ChangeOwnersResult{}}
	for _, r := range req.Requests {
		res := gen.ChangeOwnersResult{GroupID: r.GroupID, OwnerID: r.OwnerID}
		g := f.st.groups[r.GroupID]
		switch {
		case !isID(r.GroupID) || !isID(r.OwnerID):
			res.Status = gen.ChangeOwnersResultStatusBadRequest
		case g == nil || g.member(c.userID) == nil:
			res.Status = gen.ChangeOwnersResultStatusNotFound
		case r.OwnerID == c.userID:
			res.Status = gen.ChangeOwnersResultStatusSelfNamed
		case g.creator != c.userID:
			res.Status = gen.ChangeOwnersResultStatusNotOwner
		case g.member(r.OwnerID) == nil:
			res.Status = gen.ChangeOwnersResultStatusNotFound
		default:
			g.creator = r.OwnerID
			g.updated = c.now.Unix()
			res.Status = gen.ChangeOwnersResultStatusChanged
		}
		out.Results = append(out.Results, res)
	}
	c.ok(http.StatusOK, out)
}

// isID: GroupMe ids are non-empty strings of digits.
func isID(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// membersResultsLifetime is how long add results can be fetched.
const membersResultsLifetime = time.Hour

func (f *Fake) addMembers(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	var req gen.MembersAddRequest
	if !c.decode(&req) {
		return
	}
	res := &addResults{id: "GUID-" + f.st.hexID("results", 16), groupID: g.id, created: c.now,
		pollsLeft: f.cfg.resultsWait, readyAfter: c.now.Add(f.cfg.resultsTime), members: []gen.Member{}}
	for _, m := range req.Members {
		u := f.findUser(m)
		if u == nil || g.member(u.id) != nil || f.blocked(u.id, c.userID) {
			continue // invited, already there or refused: not in the results
		}
		mem := f.addMemberLocked(g, u.id, m.Nickname)
		view := f.memberView(g, mem, false)
		guid := m.GUID
		if guid == nil {
			guid = strPtr(f.st.hexID("guid", 32))
		}
		view.GUID = guid
		res.members = append(res.members, view)
	}
	f.st.results[res.id] = res
	c.ok(http.StatusAccepted, gen.MembersAddResult{ResultsID: res.id})
}

func (f *Fake) findUser(m gen.MemberToAdd) *user {
	switch {
	case m.UserID != nil:
		return f.st.users[*m.UserID]
	case m.PhoneNumber != nil:
		for _, u := range f.st.users {
			if u.phone == *m.PhoneNumber {
				return u
			}
		}
	case m.Email != nil:
		for _, u := range f.st.users {
			if u.email != "" && u.email == *m.Email {
				return u
			}
		}
	}
	return nil
}

func (f *Fake) getMembersResults(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	res := f.st.results[c.params["results_id"]]
	if res == nil || res.groupID != g.id || !c.now.Before(res.created.Add(membersResultsLifetime)) {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	if res.pollsLeft > 0 || c.now.Before(res.readyAfter) {
		if res.pollsLeft > 0 {
			res.pollsLeft--
		}
		c.fail(http.StatusServiceUnavailable, "results not ready")
		return
	}
	c.ok(http.StatusOK, gen.MembersResults{Members: res.members})
}

func (f *Fake) removeMember(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	i := slices.IndexFunc(g.members, func(m *member) bool { return m.id == c.params["membership_id"] })
	if i < 0 {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	m := g.members[i]
	switch {
	case m.userID == g.creator:
		c.fail(http.StatusForbidden, "the creator can neither be removed nor leave")
		return
	case m.userID != c.userID && !g.canManage(c.userID):
		c.fail(http.StatusForbidden, "only the owner may remove members")
		return
	}
	g.members = slices.Delete(g.members, i, i+1)
	if m.userID == c.userID {
		g.former[m.userID] = m
	} else {
		g.removed[m.userID] = true
	}
	c.ok(http.StatusOK, nil)
}

func (f *Fake) updateMembership(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	var req gen.MembershipUpdateRequest
	if !c.decode(&req) {
		return
	}
	m := g.member(c.userID)
	m.nickname = req.Membership.Nickname
	view := f.memberView(g, m, false)
	view.AvatarURL = view.ImageURL
	c.ok(http.StatusOK, view)
}
