package contracttest

import "testing"

// TestFakeAcceptsNullForUnsetFields sends the bodies Groupy (the Python
// client) sends, with every field its caller left unset as null, to the
// eight calls that refused them before the spec's "Requests and null"
// rule; each succeeds and a null changes nothing.
func TestFakeAcceptsNullForUnsetFields(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	g := srv.Dataset.Groups[0]

	var bot struct {
		Name           string `json:"name"`
		DMNotification *bool  `json:"dm_notification"`
	}
	api.do("POST", "/bots", map[string]any{"bot": map[string]any{
		"name": "nully", "group_id": g, "avatar_url": nil, "callback_url": nil, "dm_notification": nil,
	}}, nil).expect(t, 201).decode(t, &struct {
		Bot any `json:"bot"`
	}{&bot})
	if bot.Name != "nully" || bot.DMNotification == nil || *bot.DMNotification {
		t.Errorf("bot created with null fields: %+v", bot)
	}

	for _, m := range []map[string]any{
		{"nickname": "by id", "user_id": srv.Dataset.Users[3].ID, "email": nil, "phone_number": nil},
		{"nickname": "by email", "user_id": nil, "email": "x@example.com", "phone_number": nil, "guid": nil},
		{"nickname": "by phone", "user_id": nil, "email": nil, "phone_number": "+1 2125550100"},
	} {
		api.do("POST", "/groups/"+g+"/members/add", map[string]any{"members": []any{m}}, nil).expect(t, 202)
	}

	var created struct {
		ID          string  `json:"id"`
		Description *string `json:"description"`
		ShareURL    *string `json:"share_url"`
	}
	api.do("POST", "/groups", map[string]any{
		"name": "nullable", "description": nil, "image_url": nil, "share": nil,
	}, nil).expect(t, 201).decode(t, &created)
	if created.ShareURL != nil {
		t.Errorf("share: null made a share URL %q", *created.ShareURL)
	}
	api.do("POST", "/groups/"+created.ID+"/update", map[string]any{"description": "kept"}, nil).expect(t, 200)
	var updated struct {
		Name        string  `json:"name"`
		Description *string `json:"description"`
		OfficeMode  bool    `json:"office_mode"`
	}
	api.do("POST", "/groups/"+created.ID+"/update", map[string]any{
		"name": "renamed", "description": nil, "image_url": nil, "office_mode": nil, "share": nil,
	}, nil).expect(t, 200).decode(t, &updated)
	if updated.Name != "renamed" || updated.Description == nil || *updated.Description != "kept" || updated.OfficeMode {
		t.Errorf("after an update with nulls: %+v", updated)
	}

	api.do("POST", "/users/update", map[string]any{"name": "Still Me", "avatar_url": nil, "email": nil, "zip_code": nil}, nil).expect(t, 200)
}
