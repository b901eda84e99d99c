package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCallbackHandler(t *testing.T) {
	t.Parallel()
	const user = `{"attachments":[],"avatar_url":null,"created_at":1764090000,"group_id":"1234567","id":"176","name":"Mara",
"sender_id":"1234567890","sender_type":"user","source_guid":"g","system":false,"text":"!weather","user_id":"1234567890","brand_new_field":{"x":1}}`
	const bot = `{"attachments":[],"group_id":"1","id":"2","name":"Bot","sender_id":"b","sender_type":"bot","source_guid":"g","system":false,"text":"hi","user_id":"b"}`
	const system = `{"attachments":[],"group_id":"1","id":"3","name":"GroupMe","sender_id":"system","sender_type":"system","source_guid":"g","system":true,"text":"Mara joined","user_id":"system"}`
	cases := []struct {
		name        string
		method      string
		contentType string
		body        string
		opts        []CallbackOption
		fnErr       error
		wantStatus  int
		wantCalled  bool
	}{
		{"user message", "POST", "application/json", user, nil, nil, 200, true},
		{"charset", "POST", "application/json; charset=utf-8", user, nil, nil, 200, true},
		{"no content type", "POST", "", user, nil, nil, 200, true},
		{"+json type", "POST", "application/vnd.groupme+json", user, nil, nil, 200, true},
		{"GET", "GET", "", "", nil, nil, 405, false},
		{"text/plain", "POST", "text/plain", user, nil, nil, 415, false},
		{"bad JSON", "POST", "application/json", `{"id":`, nil, nil, 400, false},
		{"array", "POST", "application/json", `[]`, nil, nil, 400, false},
		{"too large", "POST", "application/json", user, []CallbackOption{CallbackMaxBytes(64)}, nil, 413, false},
		{"fn fails", "POST", "application/json", user, nil, errBoom, 500, true},
		{"bot kept", "POST", "application/json", bot, nil, nil, 200, true},
		{"bot skipped", "POST", "application/json", bot, []CallbackOption{SkipBotMessages()}, nil, 200, false},
		{"system skipped", "POST", "application/json", system, []CallbackOption{SkipSystemMessages()}, nil, 200, false},
		{"system kept when only bots skipped", "POST", "application/json", system, []CallbackOption{SkipBotMessages()}, nil, 200, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got Callback
			called := false
			h := CallbackHandler(func(ctx context.Context, cb Callback) error {
				called = true
				got = cb
				return tc.fnErr
			}, tc.opts...)
			req := httptest.NewRequestWithContext(t.Context(), tc.method, "/callback", strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tc.wantStatus || called != tc.wantCalled {
				t.Errorf("status %d, called %v; want %d, %v", w.Code, called, tc.wantStatus, tc.wantCalled)
			}
			if tc.wantStatus == 405 && w.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q", w.Header().Get("Allow"))
			}
			if tc.fnErr != nil && strings.Contains(w.Body.String(), errBoom.Error()) {
				t.Errorf("error text sent to GroupMe: %q", w.Body)
			}
			if tc.name == "user message" && (got.ID != "176" || *got.Text != "!weather" || got.SenderType != "user") {
				t.Errorf("callback = %+v", got)
			}
		})
	}
}

// TestCallbackHandlerReadsRealCallbacks posts every real callback body of
// the corpus (contracttest/testdata/real/callbacks) to the handler: each
// user message reaches fn with its id, group and text; the bot's own post
// is skipped with SkipBotMessages.
func TestCallbackHandlerReadsRealCallbacks(t *testing.T) {
	t.Parallel()
	users, bots := 0, 0
	for name, body := range realCallbacks(t) {
		var want struct {
			ID, GroupID, Text, SenderType string
		}
		want.ID, want.GroupID = jsonField(t, body, "id"), jsonField(t, body, "group_id")
		want.Text, want.SenderType = jsonField(t, body, "text"), jsonField(t, body, "sender_type")
		var got *Callback
		h := CallbackHandler(func(_ context.Context, cb Callback) error { got = &cb; return nil }, SkipBotMessages())
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		switch {
		case rec.Code != http.StatusOK:
			t.Errorf("%s: status %d: %s", name, rec.Code, rec.Body)
		case want.SenderType == "bot":
			bots++
			if got != nil {
				t.Errorf("%s: a bot's post reached fn despite SkipBotMessages", name)
			}
		case got == nil:
			t.Errorf("%s: fn was not called", name)
		default:
			users++
			if got.ID != want.ID || got.GroupID != want.GroupID || got.Text == nil || *got.Text != want.Text {
				t.Errorf("%s: fn got id %q group %q text %v; want %+v", name, got.ID, got.GroupID, got.Text, want)
			}
		}
	}
	if users < 3 || bots < 1 {
		t.Errorf("%d user and %d bot callbacks read; the corpus has at least 3 and 1", users, bots)
	}
}

// jsonField is the string field key of the JSON object body.
func jsonField(t *testing.T, body []byte, key string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	s, _ := m[key].(string)
	return s
}
