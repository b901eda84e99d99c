package contracttest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/groupme-go/groupme/gen"
)

// subgroupIDBase: topic ids are numbers in GroupMe's answers.
const subgroupIDBase = 100000000

type subgroup struct {
	id, groupID, creator   string
	topic, typ             string
	description, avatarURL *string
	likeIcon               *gen.LikeIcon
	created, updated       int64
}

func (s *subgroup) full() gen.Subgroup {
	zero := 0
	return gen.Subgroup{
		ID: gen.ID(s.id), ParentID: ptrTo(gen.ID(s.groupID)), Topic: strPtr(s.topic),
		Description: s.description, AvatarURL: s.avatarURL, CreatorUserID: ptrTo(gen.ID(s.creator)),
		CreatedAt: ptrTo(s.created), UpdatedAt: ptrTo(s.updated), LikeIcon: s.likeIcon,
		Messages: &gen.MessagesSummary{Count: zero},
	}
}

func (s *subgroup) summary() gen.SubgroupSummary {
	return gen.SubgroupSummary{
		ID: gen.ID(s.id), ParentID: ptrTo(gen.ID(s.groupID)), Topic: strPtr(s.topic), Type: strPtr(s.typ),
		Description: s.description, AvatarURL: s.avatarURL, CreatedAt: ptrTo(s.created),
		UpdatedAt: ptrTo(s.updated), LikeIcon: s.likeIcon,
	}
}

func (f *Fake) listSubgroups(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	page, per := max(1, c.intQuery("page", 1)), max(1, c.intQuery("per_page", 10))
	ids := f.st.uo.order["subgroup/"+g.id]
	out := []gen.Subgroup{}
	for i := (page - 1) * per; i < len(ids) && i < page*per; i++ {
		out = append(out, f.st.uo.subgroups[ids[i]].full())
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) subgroupOf(c *call) (*subgroup, *group) {
	g := f.memberGroup(c)
	if g == nil {
		return nil, nil
	}
	s := f.st.uo.subgroups[c.params["subgroup_id"]]
	if s == nil || s.groupID != g.id {
		c.fail(http.StatusNotFound, "subgroup not found")
		return nil, nil
	}
	return s, g
}

func (f *Fake) getSubgroup(c *call) {
	if s, _ := f.subgroupOf(c); s != nil {
		c.ok(http.StatusOK, s.full())
	}
}

func validGroupType(t *string) bool {
	return t == nil || *t == "private" || *t == "announcement"
}

func (f *Fake) createSubgroup(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	if g.creator != c.userID {
		c.fail(http.StatusForbidden, "only admins can create topics")
		return
	}
	var req gen.SubgroupCreateRequest
	if !c.decode(&req) {
		return
	}
	if strings.TrimSpace(req.Topic) == "" || !validGroupType(req.GroupType) {
		c.fail(http.StatusBadRequest, "topic cannot be blank and group_type must be private or announcement")
		return
	}
	s := &subgroup{id: strconv.FormatUint(subgroupIDBase+f.st.next("subgroup"), 10), groupID: g.id,
		creator: c.userID, topic: req.Topic, typ: "private", description: req.Description,
		avatarURL: req.AvatarURL, created: c.now.Unix(), updated: c.now.Unix()}
	if req.GroupType != nil {
		s.typ = *req.GroupType
	}
	f.st.uo.subgroups[s.id] = s
	f.st.uo.order["subgroup/"+g.id] = append(f.st.uo.order["subgroup/"+g.id], s.id)
	c.ok(http.StatusCreated, s.summary())
}

func (f *Fake) updateSubgroup(c *call) {
	s, g := f.subgroupOf(c)
	if s == nil {
		return
	}
	if g.creator != c.userID {
		c.fail(http.StatusForbidden, "only admins can change topics")
		return
	}
	var req gen.SubgroupUpdateRequest
	if !c.decode(&req) {
		return
	}
	if (req.Topic != nil && strings.TrimSpace(*req.Topic) == "") || !validGroupType(req.GroupType) {
		c.fail(http.StatusBadRequest, "topic cannot be blank and group_type must be private or announcement")
		return
	}
	if req.Topic != nil {
		s.topic = *req.Topic
	}
	if req.GroupType != nil {
		s.typ = *req.GroupType
	}
	if req.Description != nil {
		s.description = req.Description
	}
	if req.AvatarURL != nil {
		s.avatarURL = req.AvatarURL
	}
	if req.LikeIcon != nil {
		s.likeIcon = req.LikeIcon
	}
	s.updated = c.now.Unix()
	c.ok(http.StatusOK, s.summary())
}

func (f *Fake) deleteSubgroup(c *call) {
	s, g := f.subgroupOf(c)
	if s == nil {
		return
	}
	if g.creator != c.userID {
		c.fail(http.StatusForbidden, "only admins can delete topics")
		return
	}
	delete(f.st.uo.subgroups, s.id)
	f.st.uo.unlist("subgroup/"+g.id, s.id)
	c.ok(http.StatusOK, nil)
}

func (f *Fake) listGroupMembers(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	if g.creator != c.userID {
		c.fail(http.StatusUnauthorized, "only the group's owners and admins may list its members")
		return
	}
	out := []gen.Member{}
	if c.query.Get("filter") == "active" {
		for _, m := range g.members {
			v := f.memberView(g, m, true)
			v.State = strPtr("active")
			out = append(out, v)
		}
	} else {
		for _, uid := range slices.Sorted(mapKeys(g.former)) {
			v := f.memberView(g, g.former[uid], true)
			v.State = strPtr("exited")
			out = append(out, v)
		}
	}
	c.ok(http.StatusOK, gen.MembershipList{Memberships: out})
}

// ----- video and file uploads -----

type uploadJob struct {
	id, kind, groupID, userID, name string
	size                            int
}

func (f *Fake) newJob(c *call, kind, groupID, name string) *uploadJob {
	j := &uploadJob{id: f.st.hexID("job", 32), kind: kind, groupID: groupID, userID: c.userID, name: name, size: len(c.body)}
	f.st.uo.jobs[j.id] = j
	return j
}

// serviceBase is the scheme and host the request came to, plus prefix,
// for the status URLs the services hand out.
func (f *Fake) serviceBase(c *call) string {
	base := f.cfg.publicURL
	if base == "" {
		scheme := "http"
		if c.r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + c.r.Host
	}
	return base
}

// maxUpload is the file service's limit (50 MB); the fake reads at most
// maxBody (32 MB), so larger uploads fail earlier.
const maxUpload = 50 << 20

func (f *Fake) uploadVideo(c *call) {
	gid := c.r.Header.Get("X-Conversation-Id")
	g := f.st.groups[gid]
	if g == nil || g.member(c.userID) == nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	if len(c.body) == 0 {
		c.fail(http.StatusBadRequest, "the video is empty")
		return
	}
	j := f.newJob(c, "video", gid, "")
	c.writeBare(http.StatusOK, gen.UploadJob{StatusURL: f.serviceBase(c) + strings.TrimSuffix(localVideoPrefix, "/") + "/status?job=" + j.id})
}

func (f *Fake) getVideoUploadStatus(c *call) {
	j := f.st.uo.jobs[c.query.Get("job")]
	if j == nil || j.kind != "video" || j.userID != c.userID {
		c.fail(http.StatusNotFound, "job not found")
		return
	}
	// The fake transcodes instantly: a finished job answers 201, as observed.
	base := "https://v.groupme.com/" + j.groupID + "/" + j.id
	c.writeBare(http.StatusCreated, gen.VideoUploadStatus{Status: "complete", URL: strPtr(base + ".mp4"), ThumbnailURL: strPtr(base + ".jpg")})
}

func (f *Fake) uploadFile(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	if len(c.body) == 0 || len(c.body) >= maxUpload {
		c.fail(http.StatusBadRequest, "the file must not be empty and must be under 50 MB")
		return
	}
	j := f.newJob(c, "file", g.id, c.query.Get("name"))
	c.writeBare(http.StatusCreated, gen.UploadJob{StatusURL: f.serviceBase(c) + strings.TrimSuffix(localFilePrefix, "/") + "/v1/" + g.id + "/uploadStatus?job=" + j.id})
}

func (f *Fake) getFileUploadStatus(c *call) {
	j := f.st.uo.jobs[c.query.Get("job")]
	if j == nil || j.kind != "file" || j.groupID != c.params["group_id"] || j.userID != c.userID {
		c.fail(http.StatusNotFound, "job not found")
		return
	}
	c.writeBare(http.StatusOK, gen.FileUploadStatus{Status: "complete", FileID: strPtr(j.id)})
}
