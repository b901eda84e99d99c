package contracttest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/groupme-go/groupme/gen"
)

// The unofficial v1 search calls (GroupMeCommunityDocs directories.md).
// Public groups are the searchable ones; the fake has no campus
// directories, no locations and no curation: trending lists the 50
// largest public groups.

func init() {
	operations["searchPublicGroups"] = (*Fake).searchPublicGroups
	operations["listTrendingGroups"] = (*Fake).listTrendingGroups
	operations["listPopularGroups"] = (*Fake).listPopularGroups
}

// maxTrending is how many groups GroupMe's trending list holds.
const maxTrending = 50

// publicGroups lists the searchable groups matching query (every one for
// ""), largest first.
func (f *Fake) publicGroups(query string) []*group {
	query = strings.ToLower(strings.TrimSpace(query))
	var out []*group
	for _, g := range f.st.groups {
		if g.visibility != "searchable" {
			continue
		}
		desc := ""
		if g.description != nil {
			desc = *g.description
		}
		if query != "" && !strings.Contains(strings.ToLower(g.name+" "+desc), query) {
			continue
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *group) int {
		if len(a.members) != len(b.members) {
			return len(b.members) - len(a.members)
		}
		if idLess(a.id, b.id) {
			return -1
		}
		return 1
	})
	return out
}

func (f *Fake) publicView(g *group) gen.PublicGroup {
	return gen.PublicGroup{
		ID: g.id, Name: strPtr(g.name), Description: g.description, AvatarURL: g.imageURL,
		DirectoryID: strPtr(""), GroupType: strPtr(g.typ), MaxMembers: ptrTo(5000),
		MembersCount: ptrTo(len(g.members)), ChildrenCount: ptrTo(len(f.st.uo.order["subgroup/"+g.id])),
		TrendingAllowed: ptrTo(true), Locations: &[]gen.GroupLocation{},
	}
}

// searchPage applies from and per_page to gs.
func (f *Fake) searchPage(c *call, gs []*group) *[]gen.PublicGroup {
	from, per := max(0, c.intQuery("from", 0)), max(1, c.intQuery("per_page", 20))
	out := []gen.PublicGroup{}
	for i := from; i < len(gs) && i < from+per; i++ {
		out = append(out, f.publicView(gs[i]))
	}
	return &out
}

func (f *Fake) searchPublicGroups(c *call) {
	gs := f.publicGroups(c.query.Get("query"))
	all := f.publicGroups("")
	trending := slices.DeleteFunc(slices.Clone(all[:min(maxTrending, len(all))]), func(g *group) bool {
		return !slices.Contains(gs, g)
	})
	c.ok(http.StatusOK, gen.PublicGroupLists{
		Popular: f.searchPage(c, gs), Trending: f.searchPage(c, trending),
		Directories: &[]gen.PublicGroup{}, Nearby: &[]gen.PublicGroup{},
	})
}

func (f *Fake) listTrendingGroups(c *call) {
	gs := f.publicGroups("")
	c.ok(http.StatusOK, gen.PublicGroupLists{Trending: f.searchPage(c, gs[:min(maxTrending, len(gs))])})
}

func (f *Fake) listPopularGroups(c *call) {
	c.ok(http.StatusOK, gen.PublicGroupLists{Popular: f.searchPage(c, f.publicGroups(""))})
}
