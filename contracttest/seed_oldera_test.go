package contracttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// get fetches path (relative to srv.URL) with the main user's token and
// returns the body of a 200.
func get(t *testing.T, srv *Server, path string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Access-Token", srv.Token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	return body
}

// TestOldEraGroupIsServedAsStored checks the demo data's 2014 group: the
// group lacks the keys groups of that era lack, and its message page
// carries each archived message byte for byte.
func TestOldEraGroupIsServedAsStored(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	id := srv.Dataset.OldEraGroup
	if id == "" || srv.Dataset.Groups[len(srv.Dataset.Groups)-1] != id {
		t.Fatalf("OldEraGroup %q is not the last of Groups %v", id, srv.Dataset.Groups)
	}

	var group struct {
		Response map[string]json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(get(t, srv, "/groups/"+id), &group); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"share_qr_code_url", "max_members"} {
		if v, ok := group.Response[absent]; ok {
			t.Errorf("the 2014 group carries %s = %s", absent, v)
		}
	}
	var modern struct {
		Response map[string]json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(get(t, srv, "/groups/"+srv.Dataset.Groups[0]), &modern); err != nil {
		t.Fatal(err)
	}
	if _, ok := modern.Response["max_members"]; !ok {
		t.Error("a modern group lost max_members")
	}

	page := get(t, srv, "/groups/"+id+"/messages?after_id=0&limit=100")
	stored := srv.Fake.GroupMessagesJSON(id)
	if len(stored) < 5 {
		t.Fatalf("the 2014 group has %d messages", len(stored))
	}
	for i, m := range stored {
		if !bytes.Contains(page, m) {
			t.Errorf("message %d is not on the page as stored:\n%s", i, m)
		}
	}
	for _, quirk := range []string{`"user_ids":[` + srv.Dataset.Users[1].ID + `]`, `["2",17,27]`, `"type":"postprocessing"`, "& bring <snacks>", "\u2028"} {
		if !bytes.Contains(page, []byte(quirk)) {
			t.Errorf("the page lacks %q", quirk)
		}
	}

	// Liking an archived message still shows the like.
	msgs := srv.Fake.GroupMessages(id)
	var liked struct {
		Response struct {
			Messages []struct {
				ID          string   `json:"id"`
				FavoritedBy []string `json:"favorited_by"`
			} `json:"messages"`
		} `json:"response"`
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/messages/"+id+"/"+msgs[0].ID+"/like", nil)
	req.Header.Set("X-Access-Token", srv.Token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("like: %d", res.StatusCode)
	}
	if err := json.Unmarshal(get(t, srv, "/groups/"+id+"/messages?after_id=0&limit=1"), &liked); err != nil {
		t.Fatal(err)
	}
	if len(liked.Response.Messages) != 1 || len(liked.Response.Messages[0].FavoritedBy) != 1 || liked.Response.Messages[0].FavoritedBy[0] != srv.Dataset.Users[0].ID {
		t.Errorf("after a like, the archived message reads %+v", liked.Response.Messages)
	}
}
