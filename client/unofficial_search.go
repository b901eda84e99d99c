package client

import (
	"context"
	"fmt"

	"github.com/groupme-go/groupme/gen"
)

// PublicGroupsParams pages the public-group searches. GroupMe answers 20
// groups per list from the start when they are zero.
type PublicGroupsParams struct {
	PerPage int // groups per list, at most 10,000; 0 sends none
	From    int // groups to skip; 0 sends none
}

func (p *PublicGroupsParams) paging(op string) (*gen.SearchPerPage, *gen.SearchFrom, error) {
	if p == nil {
		return nil, nil, nil
	}
	if p.PerPage < 0 || p.PerPage > 10000 || p.From < 0 {
		return nil, nil, fmt.Errorf("groupme: %s: PerPage %d must be 0..10000 and From %d not negative", op, p.PerPage, p.From)
	}
	var per *gen.SearchPerPage
	var from *gen.SearchFrom
	if p.PerPage > 0 {
		per = Ptr(p.PerPage)
	}
	if p.From > 0 {
		from = Ptr(p.From)
	}
	return per, from, nil
}

// SearchPublicGroups calls GET {v1}/search and returns the public groups
// matching query, in up to four lists: Directories (the caller's campus
// directory), Popular, Trending and Nearby. Each list is paged by params,
// which may be nil.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v1 API (Endpoints.V1).
func (u *Unofficial) SearchPublicGroups(ctx context.Context, query string, params *PublicGroupsParams) (*PublicGroupLists, error) {
	q := gen.SearchPublicGroupsParams{}
	if query != "" {
		q.Query = &query
	}
	var err error
	if q.PerPage, q.From, err = params.paging("SearchPublicGroups"); err != nil {
		return nil, err
	}
	req, err := gen.NewSearchPublicGroupsRequest(u.c.v1Base(), &q)
	return doJSON[gen.PublicGroupLists](ctx, u.c, call{op: "SearchPublicGroups"}, req, err)
}

// ListTrendingGroups calls GET {v1}/search/trending and returns one page
// of GroupMe's curated list of (up to 50) public groups. params may be
// nil.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v1 API (Endpoints.V1).
func (u *Unofficial) ListTrendingGroups(ctx context.Context, params *PublicGroupsParams) ([]PublicGroup, error) {
	var q gen.ListTrendingGroupsParams
	var err error
	if q.PerPage, q.From, err = params.paging("ListTrendingGroups"); err != nil {
		return nil, err
	}
	req, err := gen.NewListTrendingGroupsRequest(u.c.v1Base(), &q)
	res, err := doJSON[gen.PublicGroupLists](ctx, u.c, call{op: "ListTrendingGroups"}, req, err)
	if err != nil || res.Trending == nil {
		return nil, err
	}
	return *res.Trending, nil
}

// ListPopularGroups calls GET {v1}/search/popular and returns one page of
// all public groups, largest first. params may be nil.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v1 API (Endpoints.V1).
func (u *Unofficial) ListPopularGroups(ctx context.Context, params *PublicGroupsParams) ([]PublicGroup, error) {
	var q gen.ListPopularGroupsParams
	var err error
	if q.PerPage, q.From, err = params.paging("ListPopularGroups"); err != nil {
		return nil, err
	}
	req, err := gen.NewListPopularGroupsRequest(u.c.v1Base(), &q)
	res, err := doJSON[gen.PublicGroupLists](ctx, u.c, call{op: "ListPopularGroups"}, req, err)
	if err != nil || res.Popular == nil {
		return nil, err
	}
	return *res.Popular, nil
}
