package client

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestListMessagesAfterRawIterKeepsUnknownFields(t *testing.T) {
	t.Parallel()
	// A page with a field and an attachment type the spec does not know,
	// then the 304 that ends the walk.
	first := `{"id":"101","source_guid":"g1","created_at":1,"user_id":"7","group_id":"9","name":"Ana","avatar_url":null,` +
		`"text":"hi","system":false,"favorited_by":[],"attachments":[{"type":"hologram","beam":3}],"brand_new_field":{"x":[1,2]}}`
	second := `{"id":"102","source_guid":"g2","created_at":2,"user_id":"7","group_id":"9","name":"Ana","avatar_url":null,` +
		`"text":null,"system":false,"favorited_by":["7"],"attachments":[]}`
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request, s seen) {
		if r.URL.Query().Get("after_id") != "0" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		reply(200, `{"response":{"count":2,"messages":[`+first+`,`+second+`]},"meta":{"code":200}}`)(w, r, s)
	})
	c := newTestClient(t, srv)
	var got []RawMessage
	for m, err := range c.ListMessagesAfterRawIter(t.Context(), "9", &MessageParams{AfterID: "0", Limit: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	if len(got) != 2 || got[0].ID != "101" || got[1].ID != "102" || got[0].Text == nil || *got[0].Text != "hi" {
		t.Fatalf("decoded %+v", got)
	}
	if string(got[0].JSON) != first || string(got[1].JSON) != second {
		t.Errorf("raw JSON changed:\n%s\n%s", got[0].JSON, got[1].JSON)
	}
	out, err := json.Marshal(got[0])
	if err != nil || string(out) != first {
		t.Errorf("marshal = %s, %v; want the original", out, err)
	}
	// A RawMessage built by hand marshals its Message.
	if out, _ := json.Marshal(RawMessage{Message: got[1].Message}); !strings.Contains(string(out), `"id":"102"`) {
		t.Errorf("marshal without JSON = %s", out)
	}
	reqs := rec.all()
	if len(reqs) != 2 || reqs[0].Path != "/v3/groups/9/messages" || !strings.Contains(reqs[0].RawQuery, "limit=50") || !strings.Contains(reqs[1].RawQuery, "after_id=102") {
		t.Errorf("requests %+v", reqs)
	}
	for range c.ListMessagesAfterRawIter(t.Context(), "9", nil) {
		return
	}
	t.Error("an empty afterID yielded nothing")
}
