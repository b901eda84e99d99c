package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/contracttest"
	"github.com/groupme-go/groupme/gen"
)

// realCorpus is where contracttest keeps the real recorded traffic.
const realCorpus = "../contracttest/testdata/real"

// realAnswer is one 2xx answer of the real corpus whose body is a JSON
// object.
type realAnswer struct {
	file         string // the corpus file's base name
	index        int    // the exchange's place in it
	method, path string
	body         json.RawMessage
}

// realAnswers reads the 2xx JSON-object answers of the real corpus.
func realAnswers(t *testing.T) []realAnswer {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(realCorpus, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no corpus in %s: %v", realCorpus, err)
	}
	var out []realAnswer
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Exchanges []struct {
				Method       string          `json:"method"`
				Path         string          `json:"path"`
				Status       int             `json:"status"`
				ResponseBody json.RawMessage `json:"response_body"`
			} `json:"exchanges"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, ex := range f.Exchanges {
			if ex.Status/100 == 2 && len(ex.ResponseBody) > 0 && ex.ResponseBody[0] == '{' {
				out = append(out, realAnswer{filepath.Base(name), i, ex.Method, ex.Path, ex.ResponseBody})
			}
		}
	}
	return out
}

// CorpusMessagePages returns the bodies of the real corpus's 2xx answers
// that are JSON objects, by "file[index] METHOD path".
func CorpusMessagePages(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	pages := map[string]json.RawMessage{}
	for _, a := range realAnswers(t) {
		pages[a.file+"["+strconv.Itoa(a.index)+"] "+a.method+" "+a.path] = a.body
	}
	return pages
}

// realCallbacks returns the real bot callback bodies of the corpus, by
// "file[index]".
func realCallbacks(t *testing.T) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(realCorpus, "callbacks", "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no real callbacks: %v", err)
	}
	bodies := map[string][]byte{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Callbacks []json.RawMessage `json:"callbacks"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, body := range f.Callbacks {
			bodies[fmt.Sprintf("%s[%d]", filepath.Base(name), i)] = body
		}
	}
	return bodies
}

// decodeInto decodes body into a new T as the client does.
func decodeInto[T any](body []byte) error {
	var v T
	return decodeBytes(body, &v)
}

// answerTypes are the types the client decodes each operation's 2xx JSON
// answer into (its doJSON or doOptional type), by operationId. An
// operation the corpus holds answers of must be listed, or named in
// noPayloadOps.
var answerTypes = map[string]func([]byte) error{
	"addMembers":                decodeInto[envelope[membersAdded]],
	"approvePendingMembership":  decodeInto[envelope[gen.MembershipApproval]],
	"changeGroupOwners":         decodeInto[envelope[ChangeOwnersResults]],
	"createBlock":               decodeInto[envelope[BlockCreated]],
	"createBot":                 decodeInto[envelope[botCreated]],
	"createDirectMessage":       decodeInto[envelope[directMessageCreated]],
	"createEvent":               decodeInto[envelope[gen.EventCreated]],
	"createGroup":               decodeInto[envelope[Group]],
	"createMessage":             decodeInto[envelope[MessageCreated]],
	"createPoll":                decodeInto[envelope[gen.PollCreated]],
	"createReadReceipt":         decodeInto[envelope[gen.ReadReceiptAnswer]],
	"createSubgroup":            decodeInto[envelope[gen.SubgroupSummary]],
	"deleteEventRsvp":           decodeInto[envelope[gen.EventResult]],
	"editMessage":               decodeInto[envelope[gen.MessageCreated]],
	"endPoll":                   decodeInto[envelope[gen.PollResult]],
	"getBlockBetween":           decodeInto[envelope[BlockBetween]],
	"getChat":                   decodeInto[envelope[gen.Chat]],
	"getContactImport":          decodeInto[envelope[[]gen.Relationship]],
	"getDirectory":              decodeInto[envelope[gen.Directory]],
	"getEvent":                  decodeInto[envelope[gen.EventResult]],
	"getGroup":                  decodeInto[envelope[Group]],
	"getGroupPreview":           decodeInto[envelope[gen.GroupPreview]],
	"getLeaderboard":            decodeInto[envelope[Leaderboard]],
	"getLeaderboardForMe":       decodeInto[envelope[Leaderboard]],
	"getLeaderboardMine":        decodeInto[envelope[Leaderboard]],
	"getMe":                     decodeInto[envelope[User]],
	"getMembersResults":         decodeInto[envelope[MembersResults]],
	"getMessage":                decodeInto[envelope[gen.MessageCreated]],
	"getPoll":                   decodeInto[envelope[gen.PollResult]],
	"getSubgroup":               decodeInto[envelope[gen.Subgroup]],
	"getUser":                   decodeInto[envelope[gen.UserProfile]],
	"importContacts":            decodeInto[envelope[gen.ContactImportBatch]],
	"joinGroup":                 decodeInto[envelope[GroupJoin]],
	"joinPublicGroup":           decodeInto[envelope[gen.Group]],
	"likeMessage":               decodeInto[envelope[ReactionList]],
	"listBlocks":                decodeInto[envelope[BlockList]],
	"listBots":                  decodeInto[envelope[[]Bot]],
	"listChats":                 decodeInto[envelope[[]Chat]],
	"listDirectMessages":        decodeInto[envelope[DirectMessageList]],
	"listDirectoryGroups":       decodeInto[envelope[gen.PublicGroupLists]],
	"listDirectoryMembers":      decodeInto[envelope[gen.DirectoryMembers]],
	"listEvents":                decodeInto[envelope[gen.EventList]],
	"listFormerGroups":          decodeInto[envelope[[]Group]],
	"listGallery":               decodeInto[envelope[gen.GalleryPage]],
	"listGroupMembers":          decodeInto[envelope[gen.MembershipList]],
	"listGroups":                decodeInto[envelope[[]Group]],
	"listMembershipStates":      decodeInto[envelope[[]gen.MembershipState]],
	"listMessages":              decodeInto[envelope[MessageList]],
	"listPendingMemberships":    decodeInto[envelope[[]gen.PendingMembership]],
	"listPinnedConversations":   decodeInto[envelope[gen.PinnedConversations]],
	"listPinnedDirectMessages":  decodeInto[envelope[gen.PinnedDirectMessageList]],
	"listPinnedMessages":        decodeInto[envelope[gen.PinnedMessageList]],
	"listPolls":                 decodeInto[envelope[gen.PollList]],
	"listPopularGroups":         decodeInto[envelope[gen.PublicGroupLists]],
	"listRelationships":         decodeInto[envelope[[]gen.Relationship]],
	"listSubgroups":             decodeInto[envelope[[]gen.Subgroup]],
	"listTrendingGroups":        decodeInto[envelope[gen.PublicGroupLists]],
	"muteGroup":                 decodeInto[envelope[gen.MembershipMute]],
	"muteGroupAll":              decodeInto[envelope[gen.MembershipMute]],
	"muteSubgroup":              decodeInto[envelope[gen.MembershipMute]],
	"rejoinGroup":               decodeInto[envelope[Group]],
	"rsvpEvent":                 decodeInto[envelope[gen.EventResult]],
	"searchPublicGroups":        decodeInto[envelope[gen.PublicGroupLists]],
	"setProfileSharing":         decodeInto[envelope[gen.ProfileSharing]],
	"unlikeMessage":             decodeInto[envelope[ReactionList]],
	"unmuteGroup":               decodeInto[envelope[gen.MembershipMute]],
	"unmuteGroupAll":            decodeInto[envelope[gen.MembershipMute]],
	"unmuteSubgroup":            decodeInto[envelope[gen.MembershipMute]],
	"updateDirectoryMajors":     decodeInto[envelope[[]string]],
	"updateDirectoryMembership": decodeInto[envelope[DirectoryMembership]],
	"updateEvent":               decodeInto[envelope[gen.EventResult]],
	"updateGroup":               decodeInto[envelope[Group]],
	"updateMe":                  decodeInto[envelope[User]],
	"updateMembership":          decodeInto[envelope[Member]],
	"updateSubgroup":            decodeInto[envelope[gen.SubgroupSummary]],
	"updateUserProfile":         decodeInto[envelope[gen.ProfileAccountAnswer]],
	"uploadImage":               decodeInto[ImageUploadResult],
	// The video and file services answer bare JSON (doBare).
	"uploadVideo":          decodeInto[gen.UploadJob],
	"uploadFile":           decodeInto[gen.UploadJob],
	"getVideoUploadStatus": decodeInto[gen.VideoUploadStatus],
	"getFileUploadStatus":  decodeInto[gen.FileUploadStatus],
	"votePoll":             decodeInto[envelope[gen.PollResult]],
	"votePollOption":       decodeInto[envelope[gen.PollResult]],
}

// noPayloadOps are the operations whose answer the client does not decode
// (doNoPayload): their bodies are still decoded as envelopes of any JSON.
var noPayloadOps = map[string]bool{
	"createRelationship": true, "deleteBlock": true, "deleteBlockPost": true, "deleteEvent": true,
	"destroyBot": true, "destroyGroup": true, "disableSmsMode": true, "enableSmsMode": true,
	"leaveDirectory": true, "pinMessage": true, "removeMember": true, "updateBot": true,
}

// answer is one recorded 2xx JSON answer and the request it answered.
type answer struct {
	name, method, url string
	body              []byte
}

// recordedAnswers are the 2xx JSON answers of the real corpus and of the
// written recordings.
func recordedAnswers(t *testing.T) []answer {
	t.Helper()
	var out []answer
	for _, a := range realAnswers(t) {
		out = append(out, answer{fmt.Sprintf("%s[%d]", a.file, a.index), a.method, "http://fake" + a.path, a.body})
	}
	names, err := filepath.Glob("../contracttest/testdata/recordings/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no recordings: %v", err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var recs []struct {
			Name    string `json:"name"`
			Request struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"request"`
			Response struct {
				Status int             `json:"status"`
				Body   json.RawMessage `json:"body"`
			} `json:"response"`
		}
		if err := json.Unmarshal(data, &recs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range recs {
			if r.Response.Status/100 == 2 && len(r.Response.Body) > 0 && r.Response.Body[0] == '{' {
				out = append(out, answer{filepath.Base(name) + " " + r.Name, r.Request.Method, r.Request.URL, r.Response.Body})
			}
		}
	}
	return out
}

// TestRecordedAnswersDecode decodes every real and recorded 2xx JSON
// answer into the type the client decodes its operation's answers into,
// and every real bot callback into Callback: none may fail. Message pages
// must keep every message.
func TestRecordedAnswersDecode(t *testing.T) {
	t.Parallel()
	v, err := contracttest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	answers := recordedAnswers(t)
	var pages int
	for _, a := range answers {
		op, err := v.RouteFor(httptest.NewRequest(a.method, a.url, nil))
		if err != nil {
			t.Errorf("%s: %v", a.name, err)
			continue
		}
		decode, ok := answerTypes[op]
		if !ok {
			if !noPayloadOps[op] {
				t.Errorf("%s: no answer type listed for %s", a.name, op)
			}
			decode = decodeInto[envelope[any]]
		}
		if err := decode(a.body); err != nil {
			t.Errorf("%s (%s): %v", a.name, op, err)
		}
		if op == "listMessages" {
			var env envelope[MessageList]
			var raw struct {
				Response struct {
					Messages []json.RawMessage `json:"messages"`
				} `json:"response"`
			}
			if err := decodeBytes(a.body, &env); err == nil && json.Unmarshal(a.body, &raw) == nil {
				pages++
				if len(env.Response.Messages) != len(raw.Response.Messages) {
					t.Errorf("%s: %d messages decoded of %d", a.name, len(env.Response.Messages), len(raw.Response.Messages))
				}
			}
		}
	}
	callbacks := realCallbacks(t)
	for name, body := range callbacks {
		var cb Callback
		if err := decodeBytes(body, &cb); err != nil || cb.ID == "" {
			t.Errorf("%s: %v (id %q)", name, err, cb.ID)
		}
	}
	t.Logf("%d answers (%d message pages) and %d callbacks decoded", len(answers), pages, len(callbacks))
	if len(answers) < 800 || pages < 500 {
		t.Fatalf("only %d answers and %d message pages: the corpus did not load", len(answers), pages)
	}
}

// TestDecodeCases: what decoding gives where encoding/json's habits and
// GroupMe's answers meet (escapes, bad UTF-8, names in other cases,
// repeated names, numbers that do not fit, trailing bytes, nesting), each
// result spelled out.
func TestDecodeCases(t *testing.T) {
	t.Parallel()
	type page = envelope[MessageList]
	type member = envelope[gen.Member]
	deep := func(open, close string) string {
		return `{"response":{"x":` + strings.Repeat(open, 300) + `1` + strings.Repeat(close, 300) + `,"nickname":"deep"}}`
	}
	for _, c := range []struct {
		body string
		// want checks a decoded member; nil means the body is an error.
		want func(m *gen.Member) bool
	}{
		{`{"response":{"nickname":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00 caf` + "\u00e9" + `"}}`,
			func(m *gen.Member) bool { return m.Nickname == "a\"b\\c/d\b\f\n\r\t\u00e9\U0001F600 caf\u00e9" }},
		{`{"response":{"nickname":"lone \ud83d here"}}`, func(m *gen.Member) bool { return m.Nickname == "lone \ufffd here" }},
		{`{"response":{"nickname":"lone \ude00 here"}}`, func(m *gen.Member) bool { return m.Nickname == "lone \ufffd here" }},
		{"{\"response\":{\"nickname\":\"raw \xff byte\"}}", func(m *gen.Member) bool { return m.Nickname == "raw \ufffd byte" }},
		{"{\"response\":{\"nickname\":\"raw \xe2\x82 cut\"}}", func(m *gen.Member) bool { return strings.HasPrefix(m.Nickname, "raw \ufffd") }},
		{`{"response":{"nickname":"bad \u12"}}`, nil},
		{"{\"response\":{\"nickname\":\"ctl \x01\"}}", nil},
		{`{"response":{"NickName":"folded","USER_ID":"7"}}`, func(m *gen.Member) bool { return m.Nickname == "folded" && m.UserID == "7" }},
		{`{"response":{"nickname":"first","nickname":"last"}}`, func(m *gen.Member) bool { return m.Nickname == "last" }},
		{`{"resp\u006fnse":{"nickname":"escaped name"}}`, func(m *gen.Member) bool { return m.Nickname == "escaped name" }},
		{`{"response":{"id":null,"roles":null,"muted":null,"nickname":null}}`, func(m *gen.Member) bool {
			return m.ID == nil && m.Roles == nil && m.Muted == nil && m.Nickname == ""
		}},
		{`{"response":{"roles":[],"muted":true,"id":"1"}}`, func(m *gen.Member) bool {
			return m.Roles != nil && len(*m.Roles) == 0 && *m.Muted && *m.ID == "1"
		}},
		{`{"response":{"unknown":{"deep":[[[1]]],"s":"\u0041"},"nickname":"kept"}}`, func(m *gen.Member) bool { return m.Nickname == "kept" }},
		{deep(`{"a":`, `}`), func(m *gen.Member) bool { return m.Nickname == "deep" }},
		{deep(`[`, `]`), func(m *gen.Member) bool { return m.Nickname == "deep" }},
		{"\t\n{\"response\" : { \"nickname\" : \"n\" } , \"meta\" : { \"code\" : 200 } }\r\n", func(m *gen.Member) bool { return m.Nickname == "n" }},
		{`{"response":{"nickname":true}}`, nil},
		{`{"response":{"roles":"admin"}}`, nil},
		{`{"response":{"nickname":"n"}} x`, nil},
		{`{"response":{"nickname":"n"}}{}`, nil},
		{`{"response":{"nickname":"n"`, nil},
		{`{"response":{"x":[1,2,]}}`, nil},
		{`{"response":{"x":01}}`, nil},
		{`{"response":{"x":1.}}`, nil},
		{`{"meta":{"code":"200"}}`, nil},
		{`{"meta":{"code":200.5}}`, nil},
		{`{"meta":{"code":1e999}}`, nil},
		{`{"meta":{"code":-9223372036854775809}}`, nil},
	} {
		var env member
		err := decodeJSON(strings.NewReader(c.body), &env)
		switch {
		case c.want == nil && err == nil:
			t.Errorf("%q: decoded to %+v, want an error", c.body, env.Response)
		case c.want != nil && err != nil:
			t.Errorf("%q: %v", c.body, err)
		case c.want != nil && (env.Response == nil || !c.want(env.Response)):
			t.Errorf("%q: decoded to %+v", c.body, env.Response)
		}
	}
	// Whole bodies: empty is io.EOF, so doOptional can tell it apart.
	for _, body := range []string{``, `null`, `{}`, `{"meta":{"code":200}}`, `{"response":null}`} {
		var env page
		err := decodeJSON(strings.NewReader(body), &env)
		if body == `` && !errors.Is(err, io.EOF) || body != `` && err != nil || env.Response != nil {
			t.Errorf("%q: %v, response %v", body, err, env.Response)
		}
	}
	var env page
	body := `{"response":{"count":2,"messages":[{"id":"1","attachments":[{"type":"image","url":"u"},{"type":"hologram","x":{"y":[1,2,{"z":null}]}}]},{"id":"2","attachments":null,"favorited_by":[]}]}}`
	if err := decodeJSON(strings.NewReader(body), &env); err != nil || len(env.Response.Messages) != 2 {
		t.Fatalf("%v, %+v", err, env.Response)
	}
	m := env.Response.Messages[0]
	if len(m.Attachments) != 2 || string(m.Attachments[1].JSON()) != `{"type":"hologram","x":{"y":[1,2,{"z":null}]}}` {
		t.Errorf("attachments %v: an unknown type must keep its JSON", m.Attachments)
	}
}

// TestDecodeKeepsNoBuffer: decoded strings do not share the body's
// memory, which decodeJSON hands back to a pool for the next answer.
func TestDecodeKeepsNoBuffer(t *testing.T) {
	t.Parallel()
	body := []byte(`{"response":{"nickname":"Runner with a long enough name","user_id":"74938777","roles":["user"]}}`)
	var env envelope[gen.Member]
	if err := decodeBytes(body, &env); err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'X'
	}
	if m := env.Response; m.Nickname != "Runner with a long enough name" || m.UserID != "74938777" || (*m.Roles)[0] != "user" {
		t.Errorf("the result changed with the body: %+v", m)
	}
}

// TestDecodeConcurrent decodes the benchmark answers from many goroutines
// at once (each through the pooled body buffers), under the race detector
// in make test: each result must be the one decoded alone.
func TestDecodeConcurrent(t *testing.T) {
	t.Parallel()
	var want envelope[MessageList]
	body := benchBodies["/v3/groups/48219335/messages"]
	if err := decodeBytes(body, &want); err != nil || len(want.Response.Messages) != 100 {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 20 {
				var got envelope[MessageList]
				if err := decodeJSON(bytes.NewReader(body), &got); err != nil {
					errs <- err
					return
				}
				if !reflect.DeepEqual(got, want) {
					errs <- errors.New("a concurrent decoding differs from the one decoded alone")
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
