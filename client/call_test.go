package client_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// TestCallAgainstFake drives Call, the generic operation call, against the
// fake: reads, a write seen by a later read, a v4 operation on its own
// host, and GroupMe's refusal as an *APIError with its messages.
func TestCallAgainstFake(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t)
	c := e2eClient(t, srv, srv.Token)
	ctx := t.Context()
	group := srv.Dataset.Groups[0]

	raw, err := c.Call(ctx, client.Endpoint{Operation: "listGroups", Method: "GET", Path: "/groups"}, nil, url.Values{"per_page": {"100"}}, nil)
	if err != nil {
		t.Fatalf("listGroups: %v", err)
	}
	var groups []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &groups); err != nil {
		t.Fatalf("listGroups gave %.200s, not the unwrapped list: %v", raw, err)
	}
	if !slices.ContainsFunc(groups, func(g struct {
		ID string `json:"id"`
	}) bool {
		return g.ID == group
	}) {
		t.Errorf("listGroups via Call: %d groups, none is %s", len(groups), group)
	}

	text := "sent through Call"
	body := map[string]any{"message": map[string]any{"source_guid": "call-test-1", "text": text}}
	raw, err = c.Call(ctx, client.Endpoint{Operation: "createMessage", Method: "POST", Path: "/groups/{group_id}/messages"},
		map[string]string{"group_id": group}, nil, body)
	if err != nil {
		t.Fatalf("createMessage: %v", err)
	}
	var created struct {
		Message struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"message"`
	}
	if err := json.Unmarshal(raw, &created); err != nil || created.Message.Text != text || created.Message.ID == "" {
		t.Fatalf("createMessage gave %.300s (%v)", raw, err)
	}
	page, err := c.ListMessages(ctx, group, &client.MessageParams{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) == 0 || page.Messages[0].ID != created.Message.ID {
		t.Errorf("the newest message of %s is not the one Call posted (%s)", group, created.Message.ID)
	}

	// A v4 operation goes to the v4 host the Client derived from its base.
	raw, err = c.Call(ctx, client.Endpoint{Operation: "getMessage", Server: client.DefaultV4BaseURL, Method: "GET", Path: "/groups/{group_id}/messages/{message_id}"},
		map[string]string{"group_id": group, "message_id": created.Message.ID}, nil, nil)
	if err != nil {
		t.Fatalf("getMessage (v4): %v", err)
	}
	if !strings.Contains(string(raw), created.Message.ID) {
		t.Errorf("getMessage (v4) gave %.200s", raw)
	}

	// GroupMe's refusal: an *APIError with the status and its messages.
	_, err = c.Call(ctx, client.Endpoint{Operation: "getGroup", Method: "GET", Path: "/groups/{group_id}"},
		map[string]string{"group_id": "999999999"}, nil, nil)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrNotFound) || len(apiErr.Errors) == 0 || apiErr.Operation != "getGroup" {
		t.Fatalf("getGroup of a missing group: %#v, want a 404 *APIError with GroupMe's messages", err)
	}
	if strings.Contains(err.Error(), srv.Token) {
		t.Errorf("the error carries the token: %v", err)
	}

	// A path segment is escaped: a value with a slash cannot reach another path.
	_, err = c.Call(ctx, client.Endpoint{Operation: "getGroup", Method: "GET", Path: "/groups/{group_id}"},
		map[string]string{"group_id": group + "/destroy"}, nil, nil)
	if !errors.Is(err, client.ErrNotFound) {
		t.Errorf("group id with a slash: %v, want not found", err)
	}
}

// TestCallRefusesBadInput checks what Call refuses before sending anything.
func TestCallRefusesBadInput(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t, contracttest.WithoutDataset())
	var sent atomic.Int32
	c := e2eClient(t, srv, "tok-secret", client.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}))
	get := client.Endpoint{Operation: "getGroup", Method: "GET", Path: "/groups/{group_id}"}
	for name, tc := range map[string]struct {
		ep    client.Endpoint
		path  map[string]string
		query url.Values
		want  string
	}{
		"missing path parameter": {get, nil, nil, "group_id is missing"},
		"extra path parameter":   {get, map[string]string{"group_id": "1", "x": "2"}, nil, "does not have"},
		"dot-dot segment":        {get, map[string]string{"group_id": ".."}, nil, "not a value"},
		"token in the query":     {client.Endpoint{Method: "GET", Path: "/groups"}, nil, url.Values{"token": {"x"}}, `"token"`},
		"unknown server":         {client.Endpoint{Server: "https://example.com", Method: "GET", Path: "/groups"}, nil, nil, "unknown server"},
		"lower-case method":      {client.Endpoint{Method: "get", Path: "/groups"}, nil, nil, "upper-case"},
		"query in the path":      {client.Endpoint{Method: "GET", Path: "/groups?x=1"}, nil, nil, "no query"},
	} {
		_, err := c.Call(t.Context(), tc.ep, tc.path, tc.query, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, tc.want)
		}
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("%d requests reached the fake; bad input must be refused before sending", n)
	}
}
