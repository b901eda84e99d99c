package client

import (
	"context"
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
