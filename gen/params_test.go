package gen_test

import (
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/contracttest"
	"github.com/groupme-go/groupme/gen"
)

// TestParameterEncoding builds requests whose parameters
// gen/templates/client.tmpl writes without oapi-codegen's runtime
// (booleans and an integer array in form-style exploded queries, a string
// header) and checks the exact query or header each one sends, then that
// the spec's validator reads the request back as a valid call of its
// operation (so the encoding is the one the spec's style describes: an
// array written as majors=3,17 would fail as "3,17" is no integer).
func TestParameterEncoding(t *testing.T) {
	t.Parallel()
	v, err := contracttest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	build := func(req *http.Request, err error) *http.Request {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Access-Token", "t0ken")
		return req
	}
	const (
		v1 = "https://api.groupme.com/v1"
		v2 = "https://v2.groupme.com"
		v3 = "https://api.groupme.com/v3"
		v4 = "https://api.groupme.com/v4"
	)
	cases := []struct {
		name      string
		req       *http.Request
		query     string // the whole raw query
		header    string // a header's name ("" for none)
		headerVal string
	}{
		{
			name:  "going true",
			req:   build(gen.NewRsvpEventRequest(v3, "1234", &gen.RsvpEventParams{EventID: "ev/1", Going: true})),
			query: "event_id=ev%2F1&going=true",
		},
		{
			name:  "going false is sent, not left out",
			req:   build(gen.NewRsvpEventRequest(v3, "1234", &gen.RsvpEventParams{EventID: "ev1", Going: false})),
			query: "event_id=ev1&going=false",
		},
		{
			name:  "include_blocked false",
			req:   build(gen.NewListRelationshipsRequest(v4, &gen.ListRelationshipsParams{IncludeBlocked: ptr(false)})),
			query: "include_blocked=false",
		},
		{
			name:  "include_blocked left out",
			req:   build(gen.NewListRelationshipsRequest(v4, &gen.ListRelationshipsParams{Since: ptr("2024-01-02T03:04:05Z")})),
			query: "since=2024-01-02T03%3A04%3A05Z",
		},
		{
			name:  "include_shared_groups true",
			req:   build(gen.NewGetUserRequest(v2, "42", &gen.GetUserParams{IncludeSharedGroups: ptr(true)})),
			query: "include_shared_groups=true",
		},
		{
			name:  "majors repeated, one pair per code, in order",
			req:   build(gen.NewListDirectoryMembersRequest(v1, &gen.ListDirectoryMembersParams{Majors: &[]int{17, 3, -1}, GraduationYear: ptr(2027)})),
			query: "majors=17&majors=3&majors=-1&graduation_year=2027",
		},
		{
			name:  "one major",
			req:   build(gen.NewListDirectoryMembersRequest(v1, &gen.ListDirectoryMembersParams{Majors: &[]int{5}})),
			query: "majors=5",
		},
		{
			name:  "no majors: an empty array sends nothing",
			req:   build(gen.NewListDirectoryMembersRequest(v1, &gen.ListDirectoryMembersParams{Majors: &[]int{}})),
			query: "",
		},
		{
			name:      "X-Conversation-Id as given, not escaped",
			req:       build(gen.NewUploadVideoRequestWithBody("https://video.groupme.com", &gen.UploadVideoParams{XConversationID: "123+456 7"}, "multipart/form-data; boundary=x", http.NoBody)),
			header:    "X-Conversation-Id",
			headerVal: "123+456 7",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.req.URL.RawQuery; got != tc.query {
				t.Errorf("query %q, want %q", got, tc.query)
			}
			if tc.header != "" {
				if got := tc.req.Header.Values(tc.header); len(got) != 1 || got[0] != tc.headerVal {
					t.Errorf("header %s = %q, want [%q]", tc.header, got, tc.headerVal)
				}
			}
			var body []byte
			if tc.header == "X-Conversation-Id" {
				// The upload's body is not what this test is about; a
				// minimal valid multipart form stands in for the video.
				tc.req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
				body = []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp4\"\r\nContent-Type: video/mp4\r\n\r\nvideo\r\n--x--\r\n")
			}
			if _, err := v.ValidateRequest(tc.req, body); err != nil {
				t.Errorf("the spec rejects %s %s: %v", tc.req.Method, tc.req.URL, err)
			}
		})
	}
}

// TestMajorsManyCodes checks the array loop with more codes than one
// would type by hand: every code is sent once, in order.
func TestMajorsManyCodes(t *testing.T) {
	t.Parallel()
	codes := make([]int, 300)
	want := make([]string, len(codes))
	for i := range codes {
		codes[i] = i * 7
		want[i] = "majors=" + strconv.Itoa(i*7)
	}
	req, err := gen.NewListDirectoryMembersRequest("https://api.groupme.com/v1", &gen.ListDirectoryMembersParams{Majors: &codes})
	if err != nil {
		t.Fatal(err)
	}
	if got := req.URL.RawQuery; got != strings.Join(want, "&") {
		t.Errorf("query %q, want %q", got, strings.Join(want, "&"))
	}
}

// TestGenImportsNoRuntime keeps gen free of oapi-codegen's runtime (whose
// go.mod would set the library's minimum Go version and add modules to
// every user's build) and of any other module: gen's files import only
// the standard library.
func TestGenImportsNoRuntime(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s; gen may import only the standard library", name, path)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }
