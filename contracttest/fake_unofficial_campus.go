package contracttest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// The unofficial campus-directory calls (GroupMeCommunityDocs
// directories.md). Campuses are seeded with [Fake.AddCampus].

func init() {
	operations["getDirectory"] = (*Fake).getDirectory
	operations["leaveDirectory"] = (*Fake).leaveDirectory
	operations["listDirectoryGroups"] = (*Fake).listDirectoryGroups
	operations["listDirectoryMembers"] = (*Fake).listDirectoryMembers
	operations["updateDirectoryMajors"] = (*Fake).updateDirectoryMajors
	operations["updateDirectoryMembership"] = (*Fake).updateDirectoryMembership
}

// Campus describes a campus directory to seed with [Fake.AddCampus].
// Unofficial.
type Campus struct {
	Name, ShortName string
	Members         []CampusMember
	GroupIDs        []string // groups of the directory; they must exist
}

// CampusMember is a person in a [Campus].
type CampusMember struct {
	UserID         string
	Majors         []string // major codes
	GraduationYear string   // "" when not shown
	// Visibility is who in the directory sees the profile: "hidden",
	// "graduation_year", "major" or "visible" ("" is "visible").
	Visibility string
}

type campus struct {
	id, name, shortName string
	members             []CampusMember
	groups              []string
}

// campusIDBase: directory ids are small numbers in GroupMe's answers.
const campusIDBase = 1900

// AddCampus stores a campus directory and returns its id. Unofficial.
func (f *Fake) AddCampus(c Campus) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range c.Members {
		if f.st.users[m.UserID] == nil {
			return "", fmt.Errorf("%w: user %q", ErrNotFound, m.UserID)
		}
	}
	for _, gid := range c.GroupIDs {
		if f.st.groups[gid] == nil {
			return "", fmt.Errorf("%w: group %q", ErrNotFound, gid)
		}
	}
	cp := &campus{id: strconv.FormatUint(campusIDBase+f.st.next("campus"), 10), name: c.Name, shortName: c.ShortName,
		members: slices.Clone(c.Members), groups: slices.Clone(c.GroupIDs)}
	if f.st.uo.campuses == nil {
		f.st.uo.campuses = map[string]*campus{}
	}
	f.st.uo.campuses[cp.id] = cp
	return cp.id, nil
}

// callerCampus is the campus the caller belongs to; nil (404 written) for
// none.
func (f *Fake) callerCampus(c *call) *campus {
	for _, id := range slices.Sorted(mapKeys(f.st.uo.campuses)) {
		cp := f.st.uo.campuses[id]
		if slices.ContainsFunc(cp.members, func(m CampusMember) bool { return m.UserID == c.userID }) {
			return cp
		}
	}
	c.fail(http.StatusNotFound, "you are not in a campus directory")
	return nil
}

func (f *Fake) getDirectory(c *call) {
	cp := f.callerCampus(c)
	if cp == nil {
		return
	}
	share := "https://groupme.com/join_community/" + cp.id + "/" + f.st.hexID("campus-share", 8)
	c.ok(http.StatusOK, gen.Directory{
		ID: gen.ID(cp.id), Name: strPtr(cp.name), ShortName: strPtr(cp.shortName), AvatarURL: strPtr(""),
		Type: strPtr("school_directory"), Color: strPtr("#00458D"),
		MembersCount: ptrTo(len(cp.members)), GroupsCount: ptrTo(len(cp.groups)),
		ShareURL: strPtr(share), ShareQRCodeURL: strPtr(share + "/preview"),
	})
}

func (f *Fake) leaveDirectory(c *call) {
	cp := f.st.uo.campuses[c.params["directory_id"]]
	if cp == nil || !slices.ContainsFunc(cp.members, func(m CampusMember) bool { return m.UserID == c.userID }) {
		c.fail(http.StatusNotFound, "you are not in this campus directory")
		return
	}
	cp.members = slices.DeleteFunc(cp.members, func(m CampusMember) bool { return m.UserID == c.userID })
	c.ok(http.StatusOK, []any{})
}

// campusGroups lists the campus's groups that still exist.
func (f *Fake) campusGroups(cp *campus) []*group {
	var out []*group
	for _, gid := range cp.groups {
		if g := f.st.groups[gid]; g != nil {
			out = append(out, g)
		}
	}
	return out
}

func (f *Fake) listDirectoryGroups(c *call) {
	cp := f.callerCampus(c)
	if cp == nil {
		return
	}
	page := f.searchPage(c, f.campusGroups(cp))
	for i := range *page {
		(*page)[i].DirectoryID = strPtr(cp.id)
	}
	c.ok(http.StatusOK, gen.PublicGroupLists{Directories: page})
}

func (f *Fake) listDirectoryMembers(c *call) {
	cp := f.callerCampus(c)
	if cp == nil {
		return
	}
	majors := c.query["majors"]
	year := c.query.Get("graduation_year")
	var match []CampusMember
	for _, m := range cp.members {
		if year != "" && m.GraduationYear != year {
			continue
		}
		if len(majors) > 0 && !slices.ContainsFunc(m.Majors, func(code string) bool { return slices.Contains(majors, code) }) {
			continue
		}
		match = append(match, m)
	}
	from, per := max(0, c.intQuery("from", 0)), max(1, c.intQuery("per_page", 20))
	out := gen.DirectoryMembers{Users: []gen.DirectoryMember{}}
	for i := from; i < len(match) && i < from+per; i++ {
		m := match[i]
		u := f.st.users[m.UserID]
		out.Users = append(out.Users, gen.DirectoryMember{
			ID: u.id, Name: strPtr(u.name), AvatarURL: u.avatar, Bio: strPtr(""),
			GraduationYear: strPtr(m.GraduationYear), Majors: ptrTo(append([]string{}, m.Majors...)),
			SocialMediaLinks: &[]json.RawMessage{}, SongURL: strPtr(""),
			CreatedAt: strPtr(time.Unix(u.created, 0).UTC().Format("2006-01-02T15:04:05-0700")),
		})
	}
	c.ok(http.StatusOK, out)
}

// campusMember is the caller's entry in their campus and its index (404
// written when they are in none).
func (f *Fake) campusMember(c *call) (*campus, *CampusMember, int) {
	cp := f.callerCampus(c)
	if cp == nil {
		return nil, nil, 0
	}
	i := slices.IndexFunc(cp.members, func(m CampusMember) bool { return m.UserID == c.userID })
	return cp, &cp.members[i], i
}

func (f *Fake) updateDirectoryMajors(c *call) {
	var req gen.DirectoryMajorsRequest
	if !c.decode(&req) {
		return
	}
	_, m, _ := f.campusMember(c)
	if m == nil {
		return
	}
	for _, code := range req.Codes {
		if _, err := strconv.ParseUint(code, 10, 32); err != nil {
			c.fail(http.StatusBadRequest, "codes must be major codes")
			return
		}
	}
	m.Majors = slices.Clone(req.Codes)
	if m.Majors == nil {
		m.Majors = []string{}
	}
	c.ok(http.StatusCreated, m.Majors)
}

func (f *Fake) updateDirectoryMembership(c *call) {
	var req gen.DirectoryMembershipUpdate
	if !c.decode(&req) {
		return
	}
	cp, m, index := f.campusMember(c)
	if m == nil {
		return
	}
	year := m.GraduationYear
	if req.GraduationYear != nil {
		if y := *req.GraduationYear; y < 1900 || y > c.now.Year()+10 {
			c.fail(http.StatusBadRequest, "graduation_year must lie between 1900 and ten years from now")
			return
		}
		year = strconv.Itoa(*req.GraduationYear)
	} else {
		var sent map[string]json.RawMessage
		if json.Unmarshal(c.body, &sent) == nil && string(sent["graduation_year"]) == "null" {
			year = "" // null hides the year
		}
	}
	vis := m.Visibility
	if req.CampusProfileVisibility != nil {
		vis = *req.CampusProfileVisibility
	}
	switch vis {
	case "", "hidden", "visible":
	case "graduation_year":
		if year == "" {
			c.fail(http.StatusBadRequest, "graduation_year visibility needs a graduation year")
			return
		}
	case "major":
		if len(m.Majors) == 0 {
			c.fail(http.StatusBadRequest, "major visibility needs a major")
			return
		}
	default:
		c.fail(http.StatusBadRequest, "campus_profile_visibility must be hidden, graduation_year, major or visible")
		return
	}
	m.GraduationYear, m.Visibility = year, vis
	out := gen.DirectoryMembership{
		ID: ptrTo(gen.ID(strconv.Itoa(campusIDBase*1000 + index))), UserID: ptrTo(gen.ID(m.UserID)),
		DirectoryID: ptrTo(gen.ID(cp.id)), CampusProfileVisibility: strPtr(cmp.Or(vis, "visible")), MajorIDs: &[]gen.ID{},
	}
	if year != "" {
		out.GraduationYear = ptrTo(gen.ID(year))
	}
	for _, code := range m.Majors {
		*out.MajorIDs = append(*out.MajorIDs, gen.ID(code))
	}
	c.ok(http.StatusOK, out)
}
