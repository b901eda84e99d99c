package contracttest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// The unofficial contact calls (GroupMeCommunityDocs users.md): list
// contacts, add one from a profile share link.

func init() {
	operations["listRelationships"] = (*Fake).listRelationships
	operations["createRelationship"] = (*Fake).createRelationship
}

// relationshipsPage is how many contacts the fake answers per page;
// GroupMe chooses its own size, and a small one exercises the paging.
const relationshipsPage = 2

// isoMicro is the layout of created_at_iso8601.
const isoMicro = "2006-01-02T15:04:05.000000Z"

type contact struct {
	userID  string
	created time.Time // strictly increasing per owner
}

func (f *Fake) relationshipView(owner string, k *contact) gen.Relationship {
	u := f.st.users[k.userID]
	iso := k.created.UTC().Format(isoMicro)
	return gen.Relationship{
		ID: strPtr(u.id), UserID: u.id, Name: strPtr(u.name), AvatarURL: u.avatar,
		CreatedAt: ptrTo(k.created.Unix()), CreatedAtISO8601: strPtr(iso),
		UpdatedAt: ptrTo(k.created.Unix()), UpdatedAtISO8601: strPtr(iso),
		Reason: ptrTo(3), Hidden: new(bool), AppInstalled: ptrTo(true),
		Blocked: ptrTo(f.blocked(owner, u.id)),
	}
}

func (f *Fake) listRelationships(c *call) {
	var since time.Time
	if s := c.query.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			c.fail(http.StatusBadRequest, "since must be an ISO 8601 time")
			return
		}
		since = t
	}
	skipBlocked := c.query.Get("include_blocked") == "false"
	out := []gen.Relationship{}
	for _, k := range f.st.uo.contacts[c.userID] {
		if len(out) == relationshipsPage {
			break
		}
		if !k.created.After(since) || (skipBlocked && f.blocked(c.userID, k.userID)) {
			continue
		}
		out = append(out, f.relationshipView(c.userID, k))
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) createRelationship(c *call) {
	var req gen.RelationshipCreateRequest
	if !c.decode(&req) {
		return
	}
	token, shared := f.st.uo.shares[req.UserID]
	switch {
	case req.UserID == c.userID:
		c.fail(http.StatusBadRequest, "you cannot add yourself")
		return
	case f.st.users[req.UserID] == nil || !shared || strings.TrimSpace(req.Token) == "" || req.Token != token:
		c.fail(http.StatusNotFound, "no such share link")
		return
	}
	list := f.st.uo.contacts[c.userID]
	if !slices.ContainsFunc(list, func(k *contact) bool { return k.userID == req.UserID }) {
		// created_at_iso8601 has microseconds: keep no finer time, or a
		// since read from it would fall before the contact.
		at := c.now.Truncate(time.Microsecond)
		if n := len(list); n > 0 && !at.After(list[n-1].created) {
			at = list[n-1].created.Add(time.Microsecond)
		}
		if f.st.uo.contacts == nil {
			f.st.uo.contacts = map[string][]*contact{}
		}
		f.st.uo.contacts[c.userID] = append(list, &contact{userID: req.UserID, created: at})
	}
	c.ok(http.StatusCreated, map[string]any{})
}

func init() { operations["getUser"] = (*Fake).getUser }

// getUser shows another user's profile, with the caller's contact entry
// for them and the groups both are in.
func (f *Fake) getUser(c *call) {
	u := f.st.users[c.params["user_id"]]
	if u == nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	out := gen.UserProfile{
		User: gen.ProfileUser{ID: u.id, Name: strPtr(u.name), AvatarURL: u.avatar, Bio: strPtr(""),
			CreatedAt: ptrTo(u.created), AppInstalled: ptrTo(true), DirectMessageCapable: ptrTo(true),
			Directories: &[]gen.DirectorySummary{}},
		MajorCodes: &[]int{}, GraduationYear: strPtr(""), CampusProfileVisibility: strPtr("visible"),
	}
	if p := f.st.uo.profiles[u.id]; p != nil { // set by updateUserProfile
		out.User.Bio, out.User.PhotoURLs = strPtr(p.bio), ptrTo(append([]string{}, p.photos...))
	}
	for _, id := range slices.Sorted(mapKeys(f.st.uo.campuses)) {
		cp := f.st.uo.campuses[id]
		i := slices.IndexFunc(cp.members, func(m CampusMember) bool { return m.UserID == u.id })
		if i < 0 {
			continue
		}
		*out.User.Directories = append(*out.User.Directories, gen.DirectorySummary{ID: ptrTo(gen.ID(cp.id)), Name: strPtr(cp.name), ShortName: strPtr(cp.shortName)})
		for _, code := range cp.members[i].Majors {
			if n, err := strconv.Atoi(code); err == nil {
				*out.MajorCodes = append(*out.MajorCodes, n)
			}
		}
		out.GraduationYear = strPtr(cp.members[i].GraduationYear)
	}
	if i := slices.IndexFunc(f.st.uo.contacts[c.userID], func(k *contact) bool { return k.userID == u.id }); i >= 0 {
		out.Relationship = ptrTo(f.relationshipView(c.userID, f.st.uo.contacts[c.userID][i]))
	}
	if c.query.Get("include_shared_groups") != "false" {
		shared := []gen.SharedGroup{}
		for _, g := range f.activeGroups(c.userID) {
			if g.member(u.id) != nil {
				shared = append(shared, gen.SharedGroup{GroupID: gen.ID(g.id), GroupName: strPtr(g.name), GroupAvatar: g.imageURL})
			}
		}
		out.SharedGroups = &shared
	}
	c.ok(http.StatusOK, out)
}
