package client

import (
	"net/http"
	"net/url"
	"testing"
)

// TestArchivePageKeepsExactBytes: the page keeps each message byte for
// byte (raw &<>, unicode escapes, unknown fields, odd spacing) and reads
// ids sent as strings or numbers; a message without an id has ID "".
func TestArchivePageKeepsExactBytes(t *testing.T) {
	t.Parallel()
	msgs := []string{
		`{"id":"101","group_id":"9","text":"fish & chips <b>"," brand_new":{"x":[1, 2]}}`,
		`{"id":102,"group_id":"9","text":"caf\u00e9 \u2028 \ud83d\ude00","attachments":[{"type":"hologram"}]}`,
		`{ "group_id" : "9" , "text" : "no id" }`,
		`{"id":null,"group_id":9,"text":"null id"}`,
	}
	body := `{"response":{"count":4,"messages":[` + msgs[0] + `,` + msgs[1] + `,` + msgs[2] + `,` + msgs[3] + `]},"meta":{"code":200}}`
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request, s seen) {
		if r.URL.Query().Get("after_id") == "104" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		reply(200, body)(w, r, s)
	})
	c := newTestClient(t, srv)
	page, err := c.ListMessagesArchivePage(t.Context(), "9", &MessageParams{AfterID: "0", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if page.Count != 4 || len(page.Messages) != 4 {
		t.Fatalf("page %+v", page)
	}
	wantIDs := []string{"101", "102", "", ""}
	for i, m := range page.Messages {
		if string(m.JSON) != msgs[i] {
			t.Errorf("message %d changed:\n got %s\nwant %s", i, m.JSON, msgs[i])
		}
		if m.ID != wantIDs[i] || m.GroupID != "9" {
			t.Errorf("message %d: id %q group %q, want %q and 9", i, m.ID, m.GroupID, wantIDs[i])
		}
	}
	q, _ := url.ParseQuery(rec.all()[0].RawQuery)
	if q.Get("after_id") != "0" || q.Get("limit") != "100" || q.Get("acceptFiles") != "1" {
		t.Errorf("query %v", q)
	}
	page, err = c.ListMessagesArchivePage(t.Context(), "9", &MessageParams{AfterID: "104", Limit: 100})
	if err != nil || len(page.Messages) != 0 {
		t.Errorf("a 304 gives %+v, %v; want an empty page", page, err)
	}
}
