package contracttest

import (
	"net/http"
	"slices"
	"testing"
)

func TestFakeProfileSharingAndPinnedConversations(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	api := newFakeAPI(t, srv, ds.Users[0].Token)
	type share struct {
		ShareURL   *string `json:"share_url"`
		ShareQRURL *string `json:"share_qr_code_url"`
	}
	var first, second, off share
	api.do("POST", "/users/features/share", map[string]any{"status": "enable"}, nil).decode(t, &first)
	api.do("POST", "/users/features/share", map[string]any{"status": "enable"}, nil).decode(t, &second)
	if first.ShareURL == nil || second.ShareURL == nil || *first.ShareURL == *second.ShareURL || second.ShareQRURL == nil {
		t.Errorf("each enable must make a new link: %v then %v", first.ShareURL, second.ShareURL)
	}
	api.do("POST", "/users/features/share", map[string]any{"status": "disable"}, nil).decode(t, &off)
	if off.ShareURL != nil {
		t.Errorf("disabled, still a link: %s", *off.ShareURL)
	}
	if r := api.do("POST", "/users/features/share", map[string]any{"status": "maybe"}, nil); r.status != http.StatusBadRequest {
		t.Errorf("status maybe: %d", r.status)
	}

	pinned := func(api *fakeAPI) []string {
		var v struct {
			IDs []string `json:"pinned_conversation_ids"`
		}
		api.do("GET", srv.V4URL+"/pinned_conversations", nil, nil).decode(t, &v)
		return v.IDs
	}
	if got := pinned(api); len(got) != 0 {
		t.Errorf("pinned at first: %v", got)
	}
	put := func(ids ...string) fakeReply {
		return api.do("PUT", srv.V4URL+"/pinned_conversations", map[string]any{"pinned_conversation_ids": ids}, nil)
	}
	put("3", "1+2", "3", "9")
	if got := pinned(api); !slices.Equal(got, []string{"3", "1+2", "9"}) {
		t.Errorf("pinned after the first PUT: %v", got)
	}
	put("9")
	if got := pinned(api); !slices.Equal(got, []string{"9"}) {
		t.Errorf("a PUT replaces the list: %v", got)
	}
	if r := put("9", ""); r.status != http.StatusBadRequest || !slices.Equal(pinned(api), []string{"9"}) {
		t.Errorf("an empty id: %d, list %v", r.status, pinned(api))
	}
	if got := pinned(newFakeAPI(t, srv, ds.Users[1].Token)); len(got) != 0 {
		t.Errorf("another user's pins: %v", got)
	}
}
