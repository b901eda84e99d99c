package contracttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// operationIDs lists the operations the spec must describe: GroupMe's
// official v3 endpoints plus the image upload.
var operationIDs = []string{
	"addMembers", "changeGroupOwners", "createBlock", "createBot",
	"createDirectMessage", "createGroup", "createMessage", "deleteBlock",
	"deleteBlockPost", "destroyBot", "updateBot", "destroyGroup", "disableSmsMode",
	"enableSmsMode", "getBlockBetween", "getGroup", "getLeaderboard",
	"getLeaderboardForMe", "getLeaderboardMine", "getMe", "getMembersResults",
	"joinGroup", "likeMessage", "listBlocks", "listBots", "listChats",
	"listDirectMessages", "listFormerGroups", "listGroups", "listMessages",
	"postBotMessage", "rejoinGroup", "removeMember", "unlikeMessage",
	"updateGroup", "updateMe", "updateMembership", "uploadImage",
	// Unofficial operations, described by GroupMeCommunityDocs.
	"listPolls", "createPoll", "getPoll", "votePoll", "endPoll", "votePollOption",
	"listEvents", "getEvent", "createEvent", "updateEvent", "deleteEvent",
	"rsvpEvent", "deleteEventRsvp", "pinMessage", "unpinMessage",
	"listPinnedMessages", "listPinnedDirectMessages", "deleteMessage",
	"getMessage", "editMessage", "listGallery", "listSubgroups",
	"createSubgroup", "getSubgroup", "updateSubgroup", "deleteSubgroup",
	"listGroupMembers", "uploadVideo", "getVideoUploadStatus", "uploadFile",
	"getFileUploadStatus", "muteGroup", "unmuteGroup", "muteGroupAll",
	"unmuteGroupAll", "muteSubgroup", "unmuteSubgroup", "listMembershipStates",
	"listPendingMemberships", "approvePendingMembership", "banMember",
	"getChat", "deleteChat", "createReadReceipt", "getGroupPreview",
	"joinPublicGroup", "searchPublicGroups", "listTrendingGroups",
	"listPopularGroups", "getDirectory", "leaveDirectory", "listDirectoryGroups",
	"listDirectoryMembers", "setProfileSharing", "listPinnedConversations",
	"updatePinnedConversations", "listRelationships", "createRelationship",
	"getUser", "updateUserProfile", "importContacts", "getContactImport",
	"deleteRelationship", "updateDirectoryMajors", "updateDirectoryMembership",
}

func newTestValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// specOperations returns the spec's operations by operationId.
func specOperations(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			ops[op.OperationID] = op
		}
	}
	return ops
}

func TestSpecIsValid(t *testing.T) {
	t.Parallel()
	doc, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	seen := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			n++
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
			}
			if seen[op.OperationID] {
				t.Errorf("operationId %s is used twice", op.OperationID)
			}
			seen[op.OperationID] = true
		}
	}
	if n != len(operationIDs) {
		t.Errorf("spec has %d operations, want %d", n, len(operationIDs))
	}
	for _, id := range operationIDs {
		if !seen[id] {
			t.Errorf("spec lacks operation %s", id)
		}
	}
	if again, _ := LoadSpec(); again != doc {
		t.Error("LoadSpec parsed the document twice")
	}
}

// TestSharedErrorStatuses checks that every operation documents the error
// statuses any GroupMe call can answer, and that POST /bots/post, which
// takes no token, documents no 401 or 403.
func TestSharedErrorStatuses(t *testing.T) {
	t.Parallel()
	doc, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	shared := []int{400, 401, 403, 404, 420, 429, 500, 502, 503}
	for id, op := range specOperations(doc) {
		for _, status := range shared {
			documented := op.Responses.Value(strconv.Itoa(status)) != nil
			tokenless := id == "postBotMessage" && (status == 401 || status == 403)
			switch {
			case tokenless && documented:
				t.Errorf("%s documents %d, but it takes no token", id, status)
			case !tokenless && !documented:
				t.Errorf("%s does not document %d", id, status)
			}
		}
	}
}

// TestRecordings validates every recorded exchange against the spec: its
// request must route to the operation the file is named after, and both the
// request and the response must conform.
func TestRecordings(t *testing.T) {
	t.Parallel()
	v := newTestValidator(t)
	ops := specOperations(v.Spec())
	for _, f := range loadRecordings(t) {
		t.Run(f.OperationID, func(t *testing.T) {
			t.Parallel()
			if ops[f.OperationID] == nil {
				t.Fatalf("%s.json: the spec has no operation %s", f.OperationID, f.OperationID)
			}
			for _, ex := range f.Exchanges {
				t.Run(ex.Name, func(t *testing.T) {
					for _, err := range validateExchange(t, v, ex, f.OperationID) {
						t.Errorf("%s / %q: %v", f.OperationID, ex.Name, err)
					}
				})
			}
		})
	}
}

// TestMutatedRecordingsAreRejected shows that TestRecordings can fail: each
// case starts from a recording that passes, breaks one thing, and expects
// the Validator to object.
func TestMutatedRecordingsAreRejected(t *testing.T) {
	t.Parallel()
	v := newTestValidator(t)

	tests := []struct {
		name      string
		operation string
		exchange  string
		mutate    func(t *testing.T, ex *exchange)
	}{
		{
			name:      "message created_at as a string",
			operation: "listMessages",
			exchange:  "newest page, every kind of attachment and system message",
			mutate: editResponseBody(func(body map[string]any) {
				msgs := body["response"].(map[string]any)["messages"].([]any)
				msgs[0].(map[string]any)["created_at"] = "1764011432"
			}),
		},
		{
			name:      "group without id",
			operation: "getGroup",
			exchange:  "full group",
			mutate: editResponseBody(func(body map[string]any) {
				delete(body["response"].(map[string]any), "id")
			}),
		},
		{
			name:      "group member muted as a string",
			operation: "listGroups",
			exchange:  "first page with memberships",
			mutate: editResponseBody(func(body map[string]any) {
				g := body["response"].([]any)[0].(map[string]any)
				g["members"].([]any)[0].(map[string]any)["muted"] = "false"
			}),
		},
		{
			// The union is open to types it does not list, but a listed
			// type must still have its shape.
			name:      "image attachment without its url",
			operation: "createMessage",
			exchange:  "image, mention and reply attachments",
			mutate: editResponseBody(func(body map[string]any) {
				m := body["response"].(map[string]any)["message"].(map[string]any)
				m["attachments"] = append(m["attachments"].([]any), map[string]any{"type": "image", "source_url": "https://i.groupme.com/x"})
			}),
		},
		{
			name:      "location attachment with numeric coordinates",
			operation: "listMessages",
			exchange:  "newest page, every kind of attachment and system message",
			mutate: editResponseBody(func(body map[string]any) {
				m := body["response"].(map[string]any)["messages"].([]any)[0].(map[string]any)
				m["attachments"].([]any)[0].(map[string]any)["lat"] = 40.0551
			}),
		},
		{
			name:      "undocumented status 418",
			operation: "getMe",
			exchange:  "full profile",
			mutate:    func(_ *testing.T, ex *exchange) { ex.Response.Status = http.StatusTeapot },
		},
		{
			name:      "undocumented status 207",
			operation: "createMessage",
			exchange:  "text only",
			mutate:    func(_ *testing.T, ex *exchange) { ex.Response.Status = http.StatusMultiStatus },
		},
		{
			name:      "304 where the operation documents none",
			operation: "getGroup",
			exchange:  "full group",
			mutate: func(_ *testing.T, ex *exchange) {
				ex.Response = recordedResponse{Status: http.StatusNotModified}
			},
		},
		{
			name:      "304 with a body",
			operation: "listMessages",
			exchange:  "304: before_id at the start of history (no body)",
			mutate: func(_ *testing.T, ex *exchange) {
				ex.Response.Body = json.RawMessage(`{"response":null,"meta":{"code":304}}`)
			},
		},
		{
			name:      "direct messages without the required other_user_id",
			operation: "listDirectMessages",
			exchange:  "newest page with a read receipt",
			mutate:    dropQuery("other_user_id"),
		},
		{
			name:      "leaderboard without the required period",
			operation: "getLeaderboard",
			exchange:  "period=day",
			mutate:    dropQuery("period"),
		},
		{
			name:      "leaderboard period outside the enum",
			operation: "getLeaderboard",
			exchange:  "period=day",
			mutate:    setQuery("period", "year"),
		},
		{
			name:      "blocks without the required user",
			operation: "listBlocks",
			exchange:  "two blocks",
			mutate:    dropQuery("user"),
		},
		{
			name:      "request without any token",
			operation: "getMe",
			exchange:  "full profile",
			mutate: func(_ *testing.T, ex *exchange) {
				delete(ex.Request.Headers, "X-Access-Token")
			},
		},
		{
			name:      "create group name as a number",
			operation: "createGroup",
			exchange:  "create with every field",
			mutate: editRequestBody(func(body map[string]any) {
				body["name"] = 42
			}),
		},
		{
			name:      "message send without source_guid",
			operation: "createMessage",
			exchange:  "text only",
			mutate: editRequestBody(func(body map[string]any) {
				delete(body["message"].(map[string]any), "source_guid")
			}),
		},
		{
			name:      "bot post without bot_id",
			operation: "postBotMessage",
			exchange:  "202 with a single-space body",
			mutate: editRequestBody(func(body map[string]any) {
				delete(body, "bot_id")
			}),
		},
		{
			name:      "error envelope with meta.errors as a number",
			operation: "updateGroup",
			exchange:  "400 with meta.errors as an object",
			mutate: editResponseBody(func(body map[string]any) {
				body["meta"].(map[string]any)["errors"] = 3
			}),
		},
		{
			name:      "JSON body sent as text/plain",
			operation: "getMe",
			exchange:  "full profile",
			mutate: func(_ *testing.T, ex *exchange) {
				ex.Response.Headers = map[string]string{"Content-Type": "text/plain"}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			original := findExchange(t, tt.operation, tt.exchange)
			if errs := validateExchange(t, v, original, tt.operation); len(errs) > 0 {
				t.Fatalf("the unmutated recording %q does not pass, so the case proves nothing: %v", tt.exchange, errors.Join(errs...))
			}
			mutated := original.clone(t)
			tt.mutate(t, &mutated)
			errs := validateExchange(t, v, mutated, tt.operation)
			if len(errs) == 0 {
				t.Fatalf("mutation %q was accepted", tt.name)
			}
			t.Logf("rejected as expected: %v", errors.Join(errs...))
		})
	}
}

// editResponseBody returns a mutation that edits the decoded JSON response
// body of an exchange.
func editResponseBody(edit func(body map[string]any)) func(*testing.T, *exchange) {
	return func(t *testing.T, ex *exchange) {
		ex.Response.Body = editJSON(t, ex.Response.Body, edit)
	}
}

// editRequestBody is editResponseBody for the request.
func editRequestBody(edit func(body map[string]any)) func(*testing.T, *exchange) {
	return func(t *testing.T, ex *exchange) {
		ex.Request.Body = editJSON(t, ex.Request.Body, edit)
	}
}

func editJSON(t *testing.T, data json.RawMessage, edit func(map[string]any)) json.RawMessage {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("decoding body: %v", err)
	}
	edit(body)
	out, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dropQuery(name string) func(*testing.T, *exchange) {
	return editQuery(func(q url.Values) { q.Del(name) })
}

func setQuery(name, value string) func(*testing.T, *exchange) {
	return editQuery(func(q url.Values) { q.Set(name, value) })
}

func editQuery(edit func(url.Values)) func(*testing.T, *exchange) {
	return func(t *testing.T, ex *exchange) {
		u, err := url.Parse(ex.Request.URL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		edit(q)
		u.RawQuery = q.Encode()
		ex.Request.URL = u.String()
	}
}

// TestCoverage requires a recorded success for every operation and a
// recording for every status each operation documents.
func TestCoverage(t *testing.T) {
	t.Parallel()
	doc, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]map[int]int{} // operationId -> status -> count
	for _, f := range loadRecordings(t) {
		recorded[f.OperationID] = map[int]int{}
		for _, ex := range f.Exchanges {
			recorded[f.OperationID][ex.Response.Status]++
		}
	}
	ops := specOperations(doc)
	ids := make([]string, 0, len(ops))
	for id := range ops {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	var missing []string
	for _, id := range ids {
		got := recorded[id]
		success := false
		for status := range got {
			if status >= 200 && status < 300 {
				success = true
			}
		}
		if !success {
			missing = append(missing, id+": no recorded 2xx response")
		}
		for code := range ops[id].Responses.Map() {
			if code == "default" {
				continue
			}
			if !statusRecorded(code, got) {
				missing = append(missing, fmt.Sprintf("%s: documented status %s has no recording", id, code))
			}
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Error(m)
	}
	total := 0
	for _, byStatus := range recorded {
		for _, n := range byStatus {
			total += n
		}
	}
	t.Logf("%d operations, %d recorded exchanges, %d gaps", len(ids), total, len(missing))
}

// statusRecorded reports whether a documented response code ("404", or a
// range such as "5XX") has a recording among got.
func statusRecorded(code string, got map[int]int) bool {
	if n, err := strconv.Atoi(code); err == nil {
		return got[n] > 0
	}
	if len(code) == 3 && strings.HasSuffix(strings.ToUpper(code), "XX") {
		for status := range got {
			if strconv.Itoa(status)[0] == code[0] {
				return true
			}
		}
	}
	return false
}

// TestValidatorRewritesLocalHosts checks that requests addressed to a local
// test server route like requests to GroupMe.
func TestValidatorRewritesLocalHosts(t *testing.T) {
	t.Parallel()
	v := newTestValidator(t)
	tests := []struct {
		url  string
		want string
	}{
		{"http://127.0.0.1:8080/v3/groups/48219335", "getGroup"},
		{"http://127.0.0.1:8080/mount/v3/users/me", "getMe"},
		{"http://localhost/pictures", "uploadImage"},
		{"https://api.groupme.com/v3/groups/former", "listFormerGroups"},
	}
	for _, tt := range tests {
		method := http.MethodGet
		if tt.want == "uploadImage" {
			method = http.MethodPost
		}
		req := httptest.NewRequest(method, tt.url, nil)
		got, err := v.RouteFor(req)
		if err != nil || got != tt.want {
			t.Errorf("RouteFor(%s %s) = %q, %v; want %q", method, tt.url, got, err, tt.want)
		}
	}
	if _, err := v.RouteFor(httptest.NewRequest(http.MethodGet, "http://127.0.0.1/elsewhere", nil)); err == nil {
		t.Error("a path outside /v3 and /pictures routed")
	}
}
