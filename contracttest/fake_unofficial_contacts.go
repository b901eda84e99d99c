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
	reason  int       // 3: from a share link, 2: from a contact import
	guid    string    // the imported contact's guid
}

func (f *Fake) relationshipView(owner string, k *contact) gen.Relationship {
	u := f.st.users[k.userID]
	iso := k.created.UTC().Format(isoMicro)
	return gen.Relationship{
		ID: strPtr(u.id), UserID: u.id, Name: strPtr(u.name), AvatarURL: u.avatar,
		CreatedAt: ptrTo(k.created.Unix()), CreatedAtISO8601: strPtr(iso),
		UpdatedAt: ptrTo(k.created.Unix()), UpdatedAtISO8601: strPtr(iso),
		Reason: ptrTo(k.reason), Hidden: new(bool), AppInstalled: ptrTo(true), GUID: optStr(k.guid),
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
	f.addContact(c, req.UserID, 3, "")
	c.ok(http.StatusCreated, map[string]any{})
}

// addContact adds userID to the caller's contacts unless it is there, and
// returns the entry.
func (f *Fake) addContact(c *call, userID string, reason int, guid string) *contact {
	list := f.st.uo.contacts[c.userID]
	if i := slices.IndexFunc(list, func(k *contact) bool { return k.userID == userID }); i >= 0 {
		return list[i]
	}
	// created_at_iso8601 has microseconds: keep no finer time, or a since
	// read from it would fall before the contact.
	at := c.now.Truncate(time.Microsecond)
	if n := len(list); n > 0 && !at.After(list[n-1].created) {
		at = list[n-1].created.Add(time.Microsecond)
	}
	if f.st.uo.contacts == nil {
		f.st.uo.contacts = map[string][]*contact{}
	}
	k := &contact{userID: userID, created: at, reason: reason, guid: guid}
	f.st.uo.contacts[c.userID] = append(list, k)
	return k
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

func init() {
	operations["importContacts"] = (*Fake).importContacts
	operations["getContactImport"] = (*Fake).getContactImport
	operations["deleteRelationship"] = (*Fake).deleteRelationship
}

// contactImport is a finished import: the fake matches at once.
type contactImport struct {
	owner   string
	matches []*contact // a copy of each entry, with the contact's guid
}

// importContacts matches the contacts' phone numbers against the users'
// and adds the users found to the caller's contacts.
func (f *Fake) importContacts(c *call) {
	var req []gen.ContactImport
	if !c.decode(&req) {
		return
	}
	imp := &contactImport{owner: c.userID}
	for _, in := range req {
		for _, id := range slices.Sorted(mapKeys(f.st.users)) {
			u := f.st.users[id]
			if u.id != c.userID && u.phone != "" && digits(u.phone) == digits(in.PhoneNumber) {
				k := *f.addContact(c, u.id, 2, in.GUID)
				k.guid = in.GUID
				imp.matches = append(imp.matches, &k)
			}
		}
	}
	if f.st.uo.imports == nil {
		f.st.uo.imports = map[string]*contactImport{}
	}
	id := f.st.hexID("contact-import", 32)
	f.st.uo.imports[id] = imp
	c.ok(http.StatusAccepted, gen.ContactImportBatch{BatchID: id})
}

// digits keeps the digits of a phone number.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func (f *Fake) getContactImport(c *call) {
	imp := f.st.uo.imports[c.params["batch_id"]]
	if imp == nil || imp.owner != c.userID {
		c.fail(http.StatusNotFound, "batch not found")
		return
	}
	out := []gen.Relationship{}
	for _, k := range imp.matches {
		out = append(out, f.relationshipView(c.userID, k))
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) deleteRelationship(c *call) {
	list := f.st.uo.contacts[c.userID]
	i := slices.IndexFunc(list, func(k *contact) bool { return k.userID == c.params["user_id"] })
	if i < 0 {
		c.fail(http.StatusNotFound, "not a contact")
		return
	}
	f.st.uo.contacts[c.userID] = slices.Delete(list, i, i+1)
	c.ok(http.StatusAccepted, nil)
}
