package contracttest

import (
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
			SocialMediaLinks: &[]any{}, SongURL: strPtr(""),
			CreatedAt: strPtr(time.Unix(u.created, 0).UTC().Format("2006-01-02T15:04:05-0700")),
		})
	}
	c.ok(http.StatusOK, out)
}
