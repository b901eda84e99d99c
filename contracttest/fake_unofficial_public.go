package contracttest

import (
	"net/http"

	"github.com/groupme-go/groupme/gen"
)

// The unofficial public-group calls (GroupMeCommunityDocs
// directories.md): preview and join without a share token.

func init() {
	operations["getGroupPreview"] = (*Fake).getGroupPreview
	operations["joinPublicGroup"] = (*Fake).joinPublicGroup
}

// publicGroup finds the group group_id names if the caller may see it
// without being a member (its visibility is "searchable") or is one; nil
// (404 written) otherwise.
func (f *Fake) publicGroup(c *call) *group {
	g := f.st.groups[c.params["group_id"]]
	if g == nil || (g.visibility != "searchable" && g.member(c.userID) == nil) {
		c.fail(http.StatusNotFound, notFound)
		return nil
	}
	return g
}

func (f *Fake) getGroupPreview(c *call) {
	g := f.publicGroup(c)
	if g == nil {
		return
	}
	c.ok(http.StatusOK, gen.GroupPreview{
		ID: g.id, ThemeName: g.themeName, LikeIcon: g.likeIcon, UpdatedAt: ptrTo(g.updated),
		RequiresApproval: ptrTo(g.requiresApproval), ShowJoinQuestion: ptrTo(g.showJoinQuestion),
		JoinQuestion: g.joinQuestion, ChildrenCount: ptrTo(len(f.st.uo.order["subgroup/"+g.id])),
	})
}

// joinPublicGroup adds the caller, or, in a group that requires approval,
// files a join request with the caller's answer. GroupMe's answer to the
// latter is not documented: the fake answers the group without its
// members.
func (f *Fake) joinPublicGroup(c *call) {
	g := f.publicGroup(c)
	if g == nil {
		return
	}
	var req gen.PublicGroupJoinRequest
	if len(c.body) > 0 && !c.decode(&req) {
		return
	}
	answer := ""
	if req.Answer != nil && req.Answer.Response != nil {
		answer = *req.Answer.Response
	}
	switch {
	case g.member(c.userID) != nil:
	case g.removed[c.userID]:
		c.fail(http.StatusForbidden, "you were removed from this group")
		return
	case g.requiresApproval:
		for _, id := range f.st.uo.order["pending/"+g.id] {
			if f.st.uo.pending[id].userID == c.userID {
				c.fail(http.StatusBadRequest, "you have already asked to join this group")
				return
			}
		}
		f.addJoinRequestLocked(g, c.user, answer, c.now.Unix())
		c.ok(http.StatusCreated, f.groupView(g, true))
		return
	default:
		f.addMemberLocked(g, c.userID, c.user.name)
	}
	c.ok(http.StatusCreated, f.groupView(g, false))
}
