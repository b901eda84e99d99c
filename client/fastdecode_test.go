package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// realCorpus is where contracttest keeps the real recorded traffic.
const realCorpus = "../contracttest/testdata/real"

// CorpusMessagePages returns the bodies of the real corpus's 2xx answers
// that are JSON objects, by "file[index] METHOD path".
func CorpusMessagePages(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(realCorpus, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no corpus in %s: %v", realCorpus, err)
	}
	pages := map[string]json.RawMessage{}
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
			if ex.Status/100 != 2 || len(ex.ResponseBody) == 0 || ex.ResponseBody[0] != '{' {
				continue
			}
			key := filepath.Base(name) + "[" + strconv.Itoa(i) + "] " + ex.Method + " " + ex.Path
			pages[key] = ex.ResponseBody
		}
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

// fastDecodeTargets are the types answers are decoded into, each as a new
// pointer to its envelope.
var fastDecodeTargets = []func() any{
	func() any { return new(envelope[gen.MessageList]) },
	func() any { return new(envelope[gen.DirectMessageList]) },
	func() any { return new(envelope[gen.MessageCreated]) },
	func() any { return new(envelope[gen.Group]) },
	func() any { return new(envelope[[]gen.Group]) },
	func() any { return new(envelope[[]gen.Chat]) },
	func() any { return new(envelope[gen.User]) },
	func() any { return new(envelope[gen.Member]) },
	func() any { return new(envelope[gen.MembersResults]) },
	func() any { return new(envelope[gen.Leaderboard]) },
	func() any { return new(envelope[gen.BlockList]) },
	func() any { return new(envelope[[]gen.Bot]) },
	func() any { return new(envelope[botCreated]) },
	func() any { return new(envelope[gen.GalleryPage]) },
	func() any { return new(envelope[gen.PollList]) },
	func() any { return new(envelope[gen.EventList]) },
	func() any { return new(envelope[gen.Directory]) },
	func() any { return new(envelope[gen.UserProfile]) },
	func() any { return new(envelope[gen.Meta]) },
	func() any { return new(Callback) },
	func() any { return new(envelope[any]) },
	func() any { return new(map[string]any) },
	func() any { return new(any) },
	// Shapes GroupMe's types lack, which the v2 engine reads its own way.
	func() any {
		return new(struct {
			D time.Duration
			N json.Number
			A [2]int
			B []byte
			M map[int]string
			E struct{ gen.Meta }
			I interface{ String() string }
			F float32
			U uint8
			J int8
			K int16
		})
	},
	func() any {
		return new(struct {
			S string `json:",string"`
		})
	},
}

// checkFastDecode decodes b into a new target both ways. When the fast
// plan accepts b, the v2 engine must accept it too, with an equal result.
// It reports whether the fast plan accepted b and whether v2 did.
func checkFastDecode(t testing.TB, name string, b []byte, target func() any) (fastOK, slowOK bool) {
	t.Helper()
	slow, fast := target(), target()
	slowErr := slowDecode(b, slow)
	panics := fastDecodePanics.Load()
	fastOK = fastDecode(b, reflect.ValueOf(fast))
	if fastDecodePanics.Load() != panics {
		t.Errorf("%s into %T: the fast plan panicked", name, slow)
	}
	if fastOK {
		if slowErr != nil {
			t.Errorf("%s into %T: the fast plan accepted what v2 rejects (%v)", name, slow, slowErr)
		} else if !reflect.DeepEqual(slow, fast) {
			t.Errorf("%s into %T: the fast plan and v2 differ at %s", name, slow, firstDifference(reflect.ValueOf(fast), reflect.ValueOf(slow), "$"))
		}
	}
	// And through decodeBytes, which falls back: the same result and error.
	via := target()
	if err := decodeBytes(b, via); (err == nil) != (slowErr == nil) || (err != nil && err.Error() != slowErr.Error()) {
		t.Errorf("%s into %T: decodeBytes says %v, v2 says %v", name, slow, err, slowErr)
	} else if err == nil && !reflect.DeepEqual(slow, via) {
		t.Errorf("%s into %T: decodeBytes differs from v2", name, slow)
	}
	return fastOK, slowErr == nil
}

// firstDifference names where two values of one type first differ.
func firstDifference(a, b reflect.Value, path string) string {
	if a.IsValid() != b.IsValid() {
		return path + fmt.Sprintf(" (%v vs %v)", a, b)
	}
	if !a.IsValid() {
		return ""
	}
	if a.Type() != b.Type() {
		return path + fmt.Sprintf(" (%s vs %s)", a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() != b.IsNil() {
			return path + fmt.Sprintf(" (nil %v vs %v)", a.IsNil(), b.IsNil())
		}
		if a.IsNil() {
			return ""
		}
		return firstDifference(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if d := firstDifference(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return path + fmt.Sprintf(" (len %d nil %v vs len %d nil %v)", a.Len(), a.IsNil(), b.Len(), b.IsNil())
		}
		for i := range a.Len() {
			if d := firstDifference(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return path + fmt.Sprintf(" (len %d vs %d)", a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := firstDifference(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", path, k)); d != "" {
				return d
			}
		}
		return ""
	}
	if a.CanInterface() && !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return path + fmt.Sprintf(" (%#v vs %#v)", a.Interface(), b.Interface())
	}
	if !a.CanInterface() && fmt.Sprint(a) != fmt.Sprint(b) {
		return path + fmt.Sprintf(" (%v vs %v)", a, b)
	}
	return ""
}

// realBodies are the JSON bodies of the real corpus and the recordings.
func realBodies(t *testing.T) map[string][]byte {
	t.Helper()
	bodies := map[string][]byte{}
	for key, body := range CorpusMessagePages(t) {
		bodies[key] = body
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
			Name     string `json:"name"`
			Response struct {
				Body json.RawMessage `json:"body"`
			} `json:"response"`
		}
		if err := json.Unmarshal(data, &recs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range recs {
			if len(r.Response.Body) > 0 && r.Response.Body[0] == '{' {
				bodies[filepath.Base(name)+" "+r.Name] = r.Response.Body
			}
		}
	}
	for name, body := range realCallbacks(t) {
		bodies[name] = body
	}
	for path, body := range benchBodies {
		bodies["bench "+path] = body
	}
	return bodies
}

// TestFastDecodeMatchesV2 decodes every real and recorded answer into
// every target both ways, and checks the fast plan handles nearly all of
// what v2 accepts (so it is what runs, not the fallback).
func TestFastDecodeMatchesV2(t *testing.T) {
	t.Parallel()
	bodies := realBodies(t)
	var fast, slow, pages, fastPages int
	for name, body := range bodies {
		for _, target := range fastDecodeTargets {
			f, s := checkFastDecode(t, name, body, target)
			if s {
				slow++
				if f {
					fast++
				}
			}
		}
		if strings.Contains(name, " GET ") && strings.HasSuffix(name, "/messages") {
			pages++
			if f, _ := checkFastDecode(t, name, body, fastDecodeTargets[0]); f {
				fastPages++
			}
		}
	}
	t.Logf("%d bodies; the fast plan decoded %d of the %d decodings v2 accepts, and %d of %d message pages", len(bodies), fast, slow, fastPages, pages)
	if len(bodies) < 900 || pages < 50 {
		t.Fatalf("only %d bodies and %d message pages: the corpus did not load", len(bodies), pages)
	}
	if fastPages != pages {
		t.Errorf("the fast plan left %d of %d real message pages to v2", pages-fastPages, pages)
	}
	if fast*100 < slow*95 {
		t.Errorf("the fast plan decoded only %d of %d: it should handle at least 95%%", fast, slow)
	}
}

// fastDecodeCases are the inputs where the two ways could part: escapes,
// bad UTF-8, names that match only when folded, repeats, nulls, numbers
// that do not fit, trailing bytes, nesting.
var fastDecodeCases = []string{
	``, ` `, `{}`, `null`, `[]`, `{"response":null}`, `{"response":{}}`,
	`{"response":{"id":"1","name":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"}}`,
	`{"response":{"name":"lone \ud83d here"}}`,
	`{"response":{"name":"lone \ude00 here"}}`,
	`{"response":{"name":"bad \u12"}}`,
	"{\"response\":{\"name\":\"raw \xff byte\"}}",
	"{\"response\":{\"name\":\"raw \xe2\x82 cut\"}}",
	"{\"response\":{\"name\":\"ctl \x01\"}}",
	"{\"response\":{\"name\":\"caf\xc3\xa9 \\n\"}}",
	`{"response":{"ID":"1"}}`, `{"response":{"Id":"1","id":"2"}}`, `{"response":{"group-id":"1"}}`,
	`{"response":{"id":"1","id":"2"}}`, `{"resp\u006fnse":{"id":"1"}}`,
	`{"response":{"id":12345678901234567890}}`, `{"response":{"id":-0}}`, `{"response":{"id":1.5}}`,
	`{"response":{"id":true}}`, `{"response":{"id":null,"name":null,"members":null,"created_at":null}}`,
	`{"response":{"created_at":1e3}}`, `{"response":{"created_at":"1"}}`, `{"response":{"created_at":-9223372036854775809}}`,
	`{"response":{"members":[]}}`, `{"response":{"members":[{}, {"roles":[]}, null]}}`,
	`{"response":{"members":[{"id":"1","muted":true,"roles":["admin","owner"]}]}}`,
	`{"response":{"messages":[{"id":"1","attachments":[{"type":"image","url":"u"},{"type":"new","x":{"y":[1,2,{"z":null}]}}]}]}}`,
	`{"response":{"messages":[{"id":"1","attachments":null,"favorited_by":[]}]}}`,
	`{"response":{"unknown":{"deep":[[[[[1]]]]],"s":"\u0041"},"id":"1"}}`,
	`{"response":{"x":1,"x":2}}`, `{"response":{"x":[1,2,]}}`, `{"response":{"x":01}}`, `{"response":{"x":-}}`,
	`{"response":{"x":1.}}`, `{"response":{"x":1e}}`, `{"response":{"x":.5}}`, `{"response":{"x":1e999}}`,
	`{"response":{"id":"1"}} `, `{"response":{"id":"1"}} x`, `{"response":{"id":"1"}}{}`, `{"response":{"id":"1"`,
	`{"response" : { "id" : "1" , "name" : "n" } , "meta" : { "code" : 200 } }`,
	"\t\n{\"response\":{\"id\":\"1\"}}\r\n",
	`{"meta":{"code":200,"errors":["a","b"]},"response":{"id":"1"}}`,
	`{"meta":{"code":"200"}}`, `{"meta":{"code":200.0}}`, `{"meta":{"code":-1}}`,
	`{"response":[{"id":"1"},{"id":"2"}]}`, `{"response":{"a":{"b":{"c":{}}}}}`,
	`{"response":{"messages":{"count":1}}}`, `{"response":{"count":"many"}}`,
	`{"response":{"system_message_settings":{"categories":{"a":["x"],"a":["y"]}}}}`,
	`{"response":{"system_message_settings":{"categories":{"a":["x"],"b":null}}}}`,
	`{"response":{"like_icon":{"type":"emoji","pack_id":"1","pack_index":2}}}`,
	`{"response":{"` + strings.Repeat("n", 80) + `":1,"id":"1"}}`,
	`{"response":{"\u00e9":1,"id":"1"}}`, "{\"response\":{\"\xc3\xa9\":1}}",
	`{"D":5,"N":1.5,"A":[1,2],"B":"aGk=","M":{"1":"x"},"E":{"code":1},"S":"\"s\"","I":null,"F":1.5,"U":7}`,
	`{"D":5}`, `{"D":"5s"}`, `{"N":"1"}`, `{"N":1.5}`, `{"F":1e39}`, `{"U":256}`, `{"U":-1}`, `{"J":-1,"K":-300,"U":255}`, `{"J":-128}`, `{"J":128}`, `{"I":{}}`,
	`{"response":` + strings.Repeat(`{"a":`, 300) + `1` + strings.Repeat(`}`, 300) + `}`,
	`{"response":` + strings.Repeat(`[`, 300) + strings.Repeat(`]`, 300) + `}`,
}

func TestFastDecodeCases(t *testing.T) {
	t.Parallel()
	for i, c := range fastDecodeCases {
		for _, target := range fastDecodeTargets {
			checkFastDecode(t, fmt.Sprintf("case %d %q", i, c), []byte(c), target)
		}
	}
}

// TestFastDecodeDecodesEscapes: a few results spelled out, so the two
// ways cannot agree on something wrong.
func TestFastDecodeDecodesEscapes(t *testing.T) {
	t.Parallel()
	var env envelope[gen.Member]
	body := `{"response":{"nickname":"a\"b\\c\/d\n\u00e9\ud83d\ude00 caf` + "\u00e9" + `","roles":["x","y"],"muted":true,"id":null}}`
	if !fastDecode([]byte(body), reflect.ValueOf(&env)) {
		t.Fatal("the fast plan gave up")
	}
	m := env.Response
	if want := "a\"b\\c/d\n\u00e9\U0001F600 caf\u00e9"; m.Nickname != want {
		t.Errorf("nickname %q, want %q", m.Nickname, want)
	}
	if m.Roles == nil || !reflect.DeepEqual(*m.Roles, []string{"x", "y"}) || m.Muted == nil || !*m.Muted || m.ID != nil {
		t.Errorf("decoded %+v", m)
	}
}

// TestFastDecodeKeepsNoBuffer: decoded strings do not share the body's
// memory, which decodeJSON hands back to a pool.
func TestFastDecodeKeepsNoBuffer(t *testing.T) {
	t.Parallel()
	body := []byte(`{"response":{"nickname":"Runner with a long enough name","user_id":"74938777","roles":["user"]}}`)
	var env envelope[gen.Member]
	if !fastDecode(body, reflect.ValueOf(&env)) {
		t.Fatal("the fast plan gave up")
	}
	for i := range body {
		body[i] = 'X'
	}
	if m := env.Response; m.Nickname != "Runner with a long enough name" || m.UserID != "74938777" || (*m.Roles)[0] != "user" {
		t.Errorf("the result changed with the body: %+v", m)
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, c := range fastDecodeCases {
		f.Add([]byte(c))
	}
	for _, b := range benchBodies {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, target := range fastDecodeTargets {
			checkFastDecode(t, fmt.Sprintf("%q", b), bytes.Clone(b), target)
		}
	})
}

// TestFastDecodeConcurrent decodes bodies into many types from many
// goroutines at once (plans compiled and size hints updated while other
// goroutines read them), under the race detector in make test; each
// result and error must be v2's.
func TestFastDecodeConcurrent(t *testing.T) {
	t.Parallel()
	type want struct {
		body []byte
		v    any
		err  string
	}
	var wants []want
	for _, body := range benchBodies {
		for _, target := range fastDecodeTargets {
			v := target()
			err := slowDecode(body, v)
			w := want{body: body, v: v}
			if err != nil {
				w.err = err.Error()
			}
			wants = append(wants, w)
		}
	}
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 3 * len(wants) {
				w := wants[(i+g*7)%len(wants)]
				v := reflect.New(reflect.TypeOf(w.v).Elem()).Interface()
				err := decodeJSON(bytes.NewReader(w.body), v)
				if got := fmt.Sprint(err); err != nil && got != w.err || err == nil && w.err != "" {
					t.Errorf("%T: error %v, v2 says %s", v, err, w.err)
					return
				}
				if err == nil && !reflect.DeepEqual(v, w.v) {
					t.Errorf("%T: a concurrent decoding differs at %s", v, firstDifference(reflect.ValueOf(v), reflect.ValueOf(w.v), "$"))
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}
