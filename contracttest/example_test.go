package contracttest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/groupme-go/groupme/contracttest"
)

// notifier is a service under test: POST /notify?text=... posts the text to
// a GroupMe group with plain net/http.
type notifier struct {
	api, token, groupID string
	guid                int
}

func (n *notifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.guid++
	body, _ := json.Marshal(map[string]any{"message": map[string]any{
		"source_guid": fmt.Sprintf("notifier-%d", n.guid),
		"text":        r.URL.Query().Get("text"),
	}})
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost,
		n.api+"/groups/"+url.PathEscape(n.groupID)+"/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Access-Token", n.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		http.Error(w, "GroupMe answered "+resp.Status, http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// exampleT stands in for the *testing.T a real test passes to NewServer.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()                        {}
func (t *exampleT) Cleanup(f func())               { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, a ...any) { fmt.Printf("FAIL: "+format+"\n", a...) }
func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// A service tests its own handler against the fake: it is pointed at
// srv.URL with a seeded token, and the test checks what reached "GroupMe",
// then how the handler copes when GroupMe fails.
func Example() {
	t := &exampleT{} // in a test: func TestNotifier(t *testing.T)
	defer t.finish()

	srv := contracttest.NewServer(t)
	group := srv.Dataset.Groups[0]
	svc := &notifier{api: srv.URL, token: srv.Token, groupID: group}

	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, httptest.NewRequest("POST", "/notify?text=Deploy+finished", nil))
	msgs := srv.Fake.GroupMessages(group)
	fmt.Println(rec.Code, *msgs[len(msgs)-1].Text)

	// GroupMe is overloaded for the next message.
	srv.Fake.AddFault(contracttest.FaultRule{
		Fault:      contracttest.ServerError(http.StatusServiceUnavailable),
		Operations: []string{"createMessage"},
		Times:      1,
	})
	rec = httptest.NewRecorder()
	svc.ServeHTTP(rec, httptest.NewRequest("POST", "/notify?text=Again", nil))
	fmt.Println(rec.Code, len(srv.Fake.GroupMessages(group)) == len(msgs))

	// Output:
	// 204 Deploy finished
	// 502 true
}
