package contracttest

import (
	"net/http"
	"strings"
	"testing"
)

// shareToken turns on api's user's profile share link and returns its
// token.
func shareToken(t *testing.T, api *fakeAPI) string {
	t.Helper()
	var s struct {
		ShareURL string `json:"share_url"`
	}
	api.do("POST", "/users/features/share", map[string]any{"status": "enable"}, nil).decode(t, &s)
	return s.ShareURL[strings.LastIndex(s.ShareURL, "/")+1:]
}

func TestFakeContactsFromShareLinks(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	me := newFakeAPI(t, srv, ds.Users[0].Token)
	add := func(i int, token string) fakeReply {
		return me.do("POST", srv.V4URL+"/relationships/create", map[string]any{"user_id": ds.Users[i].ID, "token": token}, nil)
	}
	old := shareToken(t, newFakeAPI(t, srv, ds.Users[1].Token))
	current := shareToken(t, newFakeAPI(t, srv, ds.Users[1].Token))
	if r := add(1, old); r.status != http.StatusNotFound {
		t.Errorf("an invalidated share token: %d", r.status)
	}
	if r := add(1, current); r.status != http.StatusCreated {
		t.Fatalf("adding with the current token: %d %s", r.status, r.body)
	}
	add(1, current) // twice is once
	for _, i := range []int{2, 3} {
		if r := add(i, shareToken(t, newFakeAPI(t, srv, ds.Users[i].Token))); r.status != http.StatusCreated {
			t.Fatalf("adding user %d: %d", i, r.status)
		}
	}
	if r := add(4, "nope"); r.status != http.StatusNotFound {
		t.Errorf("a user without a share link: %d", r.status)
	}
	if r := add(0, shareToken(t, me)); r.status != http.StatusBadRequest {
		t.Errorf("adding yourself: %d", r.status)
	}

	// Walk the pages with since until an empty one.
	type rel struct {
		UserID string `json:"user_id"`
		Since  string `json:"created_at_iso8601"`
	}
	walk := func(extra ...string) []string {
		var got []string
		since := ""
		for range 10 {
			var page []rel
			query := q(append([]string{"since", since}, extra...)...)
			if since == "" {
				query.Del("since")
			}
			me.do("GET", srv.V4URL+"/relationships", nil, query).decode(t, &page)
			if len(page) == 0 {
				return got
			}
			for _, r := range page {
				got = append(got, r.UserID)
			}
			since = page[len(page)-1].Since
		}
		t.Fatal("the contact pages did not end")
		return nil
	}
	if got := walk(); strings.Join(got, ",") != strings.Join([]string{ds.Users[1].ID, ds.Users[2].ID, ds.Users[3].ID}, ",") {
		t.Errorf("all contacts, oldest first: %v", got)
	}
	me.do("POST", "/blocks", nil, q("user", ds.Users[0].ID, "otherUser", ds.Users[2].ID))
	if got := walk("include_blocked", "false"); len(got) != 2 {
		t.Errorf("without the blocked contact: %v", got)
	}
	if r := me.do("GET", srv.V4URL+"/relationships", nil, q("since", "yesterday")); r.status != http.StatusBadRequest {
		t.Errorf("a bad since: %d", r.status)
	}
}

func TestFakeUserProfile(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	gid, _ := ownGroup(t, srv) // Users[0] and Users[1]
	me := newFakeAPI(t, srv, ds.Users[0].Token)
	type profile struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Relationship *struct {
			UserID string `json:"user_id"`
		} `json:"relationship"`
		SharedGroups *[]struct {
			GroupID any `json:"group_id"`
		} `json:"shared_groups"`
	}
	var p profile
	me.do("GET", srv.V2URL+"/users/"+ds.Users[1].ID, nil, nil).decode(t, &p)
	if p.User.ID != ds.Users[1].ID || p.Relationship != nil || p.SharedGroups == nil {
		t.Fatalf("profile before adding: %+v", p)
	}
	found := false
	for _, g := range *p.SharedGroups {
		found = found || g.GroupID == gid
	}
	if !found {
		t.Errorf("the shared group %s is missing: %+v", gid, *p.SharedGroups)
	}
	me.do("POST", srv.V4URL+"/relationships/create", map[string]any{"user_id": ds.Users[1].ID, "token": shareToken(t, newFakeAPI(t, srv, ds.Users[1].Token))}, nil)
	p = profile{}
	me.do("GET", srv.V2URL+"/users/"+ds.Users[1].ID, nil, q("include_shared_groups", "false")).decode(t, &p)
	if p.Relationship == nil || p.Relationship.UserID != ds.Users[1].ID || p.SharedGroups != nil {
		t.Errorf("profile after adding, without shared groups: %+v", p)
	}
	if r := me.do("GET", srv.V2URL+"/users/1", nil, nil); r.status != http.StatusNotFound {
		t.Errorf("an unknown user: %d", r.status)
	}
}

func TestFakeUpdateUserProfile(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	me, other := newFakeAPI(t, srv, ds.Users[0].Token), newFakeAPI(t, srv, ds.Users[1].Token)
	photos := []string{"https://i.groupme.com/1x1.jpeg.a", "https://i.groupme.com/1x1.jpeg.b", "https://i.groupme.com/1x1.jpeg.c"}
	r := me.do("POST", srv.V2URL+"/users/"+ds.Users[0].ID, map[string]any{"user": map[string]any{"name": "Dana Whitfield", "bio": "runs at dawn", "photo_urls": photos}}, nil)
	if r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	var meNow struct {
		Name string `json:"name"`
	}
	me.do("GET", "/users/me", nil, nil).decode(t, &meNow)
	if meNow.Name != "Dana Whitfield" {
		t.Errorf("GET /users/me name after the update: %q", meNow.Name)
	}
	var p struct {
		User struct {
			Name      string   `json:"name"`
			Bio       string   `json:"bio"`
			PhotoURLs []string `json:"photo_urls"`
		} `json:"user"`
	}
	other.do("GET", srv.V2URL+"/users/"+ds.Users[0].ID, nil, nil).decode(t, &p)
	if p.User.Name != "Dana Whitfield" || p.User.Bio != "runs at dawn" || len(p.User.PhotoURLs) != 3 {
		t.Errorf("the profile another user sees: %+v", p.User)
	}
	if r := me.do("POST", srv.V2URL+"/users/"+ds.Users[0].ID, map[string]any{"user": map[string]any{"photo_urls": photos[:2]}}, nil); r.status != http.StatusBadRequest {
		t.Errorf("two photos: %d, want 400", r.status)
	}
	if r := other.do("POST", srv.V2URL+"/users/"+ds.Users[0].ID, map[string]any{"user": map[string]any{"bio": "hacked"}}, nil); r.status != http.StatusForbidden {
		t.Errorf("updating someone else: %d, want 403", r.status)
	}
}

// phoneOf reads Users[i]'s phone number from GET /users/me.
func phoneOf(t *testing.T, srv *Server, i int) string {
	t.Helper()
	var me struct {
		Phone string `json:"phone_number"`
	}
	newFakeAPI(t, srv, srv.Dataset.Users[i].Token).do("GET", "/users/me", nil, nil).decode(t, &me)
	if me.Phone == "" {
		t.Fatalf("user %d has no phone number", i)
	}
	return me.Phone
}

func TestFakeContactImportAndRemoval(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	me := newFakeAPI(t, srv, ds.Users[0].Token)
	contacts := []map[string]any{
		{"name": "Four", "guid": "G-4", "phone_number": phoneOf(t, srv, 4)},
		{"name": "Nobody", "guid": "G-X", "phone_number": "+15555550000"},
	}
	var b struct {
		BatchID string `json:"batch_id"`
	}
	me.do("POST", "/relationships/import_contacts", contacts, nil).decode(t, &b)
	var found []struct {
		UserID string `json:"user_id"`
		GUID   string `json:"guid"`
		Reason int    `json:"reason"`
	}
	me.do("GET", srv.V4URL+"/relationships/batch/"+b.BatchID, nil, nil).decode(t, &found)
	if len(found) != 1 || found[0].UserID != ds.Users[4].ID || found[0].GUID != "G-4" || found[0].Reason != 2 {
		t.Fatalf("import results: %+v", found)
	}
	if r := newFakeAPI(t, srv, ds.Users[1].Token).do("GET", srv.V4URL+"/relationships/batch/"+b.BatchID, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("another user's batch: %d", r.status)
	}
	var list []struct {
		UserID string `json:"user_id"`
	}
	me.do("GET", srv.V4URL+"/relationships", nil, nil).decode(t, &list)
	if len(list) != 1 || list[0].UserID != ds.Users[4].ID {
		t.Errorf("contacts after the import: %+v", list)
	}
	if r := me.do("DELETE", srv.V4URL+"/relationships/"+ds.Users[4].ID, nil, nil); r.status != http.StatusAccepted {
		t.Fatalf("deleteRelationship: %d %s", r.status, r.body)
	}
	list = nil
	me.do("GET", srv.V4URL+"/relationships", nil, nil).decode(t, &list)
	if len(list) != 0 {
		t.Errorf("contacts after removal: %+v", list)
	}
	if r := me.do("DELETE", srv.V4URL+"/relationships/"+ds.Users[4].ID, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("removing twice: %d", r.status)
	}
}
