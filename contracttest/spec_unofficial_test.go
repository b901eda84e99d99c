package contracttest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestUnofficialOperationsRoute checks that the unofficial calls on other
// hosts (v4, video, file) route both at GroupMe's address and under the
// fake's local mount points, and that a literal path segment (/end) wins
// over a templated one ({option_id}).
func TestUnofficialOperationsRoute(t *testing.T) {
	t.Parallel()
	v := newTestValidator(t)
	tests := []struct {
		method, url, want string
	}{
		{http.MethodGet, "https://api.groupme.com/v4/groups/1/messages/2", "getMessage"},
		{http.MethodPut, "http://127.0.0.1:9/v4/groups/1/messages/2", "editMessage"},
		{http.MethodPost, "https://video.groupme.com/transcode", "uploadVideo"},
		{http.MethodGet, "http://127.0.0.1:9/video/status?job=x", "getVideoUploadStatus"},
		{http.MethodPost, "https://file.groupme.com/v1/123/files?name=a.pdf", "uploadFile"},
		{http.MethodGet, "http://127.0.0.1:9/file/v1/123/uploadStatus?job=x", "getFileUploadStatus"},
		{http.MethodPost, "https://api.groupme.com/v3/poll/1/2/end", "endPoll"},
		{http.MethodPost, "https://api.groupme.com/v3/poll/1/2/3", "votePollOption"},
		{http.MethodPost, "https://api.groupme.com/v3/poll/1/2", "votePoll"},
		{http.MethodDelete, "http://127.0.0.1:9/v3/conversations/1/messages/2", "deleteMessage"},
		{http.MethodGet, "https://api.groupme.com/v3/groups/1/members?filter=active", "listGroupMembers"},
		{http.MethodPost, "https://v2.groupme.com/groups/1/memberships/mute", "muteGroup"},
		{http.MethodPost, "http://127.0.0.1:9/v2/groups/1/memberships/unmute", "unmuteGroup"},
		{http.MethodPost, "http://127.0.0.1:9/v2/groups/1/memberships/2/destroy", "banMember"},
		{http.MethodPost, "https://api.groupme.com/v3/groups/1/memberships/mute_all", "muteGroupAll"},
		{http.MethodPost, "http://127.0.0.1:9/v3/groups/1/members/2/approval", "approvePendingMembership"},
		{http.MethodGet, "https://api.groupme.com/v3/chats/1+2", "getChat"},
		{http.MethodDelete, "http://127.0.0.1:9/v3/chats/1+2", "deleteChat"},
		{http.MethodPost, "http://127.0.0.1:9/v2/read_receipts", "createReadReceipt"},
		{http.MethodGet, "https://api.groupme.com/v1/search?query=x", "searchPublicGroups"},
		{http.MethodGet, "http://127.0.0.1:9/v1/search/trending", "listTrendingGroups"},
		{http.MethodGet, "http://127.0.0.1:9/v1/search/popular", "listPopularGroups"},
		{http.MethodGet, "http://127.0.0.1:9/v1/search/directory/users?majors=1&majors=2", "listDirectoryMembers"},
		{http.MethodDelete, "https://api.groupme.com/v3/directories/1928/membership", "leaveDirectory"},
		{http.MethodPut, "https://api.groupme.com/v3/directories/user/membership", "updateDirectoryMembership"},
		{http.MethodPut, "https://api.groupme.com/v3/directories/user/majors", "updateDirectoryMajors"},
		{http.MethodGet, "http://127.0.0.1:9/v2/users/123", "getUser"},
		{http.MethodPost, "http://127.0.0.1:9/v4/relationships/create", "createRelationship"},
		{http.MethodDelete, "http://127.0.0.1:9/v4/relationships/123", "deleteRelationship"},
		{http.MethodGet, "http://127.0.0.1:9/v4/relationships/batch/abc", "getContactImport"},
		{http.MethodPost, "http://127.0.0.1:9/v3/relationships/import_contacts", "importContacts"},
		{http.MethodGet, "http://127.0.0.1:9/v3/users/me", "getMe"},
		{http.MethodGet, "http://127.0.0.1:9/file/v1/123/uploadStatus?job=y", "getFileUploadStatus"},
		// Shown on v3 too (lowerpines, 2019); edited on v4 only.
		{http.MethodGet, "https://api.groupme.com/v3/groups/1/messages/2", "getMessage"},
		{http.MethodGet, "http://127.0.0.1:9/v4/groups/1/messages/2", "getMessage"},
		{http.MethodPost, "http://127.0.0.1:9/v3/bots/update", "updateBot"},
	}
	for _, tt := range tests {
		got, err := v.RouteFor(httptest.NewRequest(tt.method, tt.url, nil))
		if err != nil || got != tt.want {
			t.Errorf("RouteFor(%s %s) = %q, %v; want %q", tt.method, tt.url, got, err, tt.want)
		}
	}
	// The v4 call is not reachable under v3, nor v3 calls under v4, nor
	// the v2 mute under v3.
	for _, u := range []string{
		"https://api.groupme.com/v3/groups/1/memberships/mute",
		"https://api.groupme.com/v3/search/popular",
		"https://api.groupme.com/v4/groups/1/messages",
	} {
		if got, err := v.RouteFor(httptest.NewRequest(http.MethodGet, u, nil)); err == nil {
			t.Errorf("GET %s routed to %s", u, got)
		}
	}
	// A message is shown on v3 but edited only on v4: the path's servers
	// are shared by both methods, the operation's own decide.
	if got, err := v.RouteFor(httptest.NewRequest(http.MethodPut, "http://127.0.0.1:9/v3/groups/1/messages/2", nil)); err == nil {
		t.Errorf("PUT on v3 routed to %s", got)
	}
}
