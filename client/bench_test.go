package client

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/gen"
)

// benchBodies are the answers both the client and the raw benchmarks
// decode, byte for byte the same.
var benchBodies = func() map[string][]byte {
	msgs := make([]string, 100)
	for i := range msgs {
		id := strconv.Itoa(175141257527047935 - i)
		msgs[i] = `{"id":"` + id + `","source_guid":"6d9a2b3c-1f0e-4d7a-9c8b-` + strconv.Itoa(100000000000+i) + `",` +
			`"created_at":1764011432,"user_id":"74938777","group_id":"48219335","name":"Dana W",` +
			`"avatar_url":"https://i.groupme.com/512x512.png.a81f0c2d3e4b5a6978c0d1e2f3a4b5c6",` +
			`"text":"Route for Saturday is up, 14 miles from Valley Green ` + strconv.Itoa(i) + `","system":false,` +
			`"favorited_by":["1234567","7654321"],"sender_id":"74938777","sender_type":"user","platform":"gm",` +
			`"pinned_at":null,"pinned_by":"",` +
			`"attachments":[{"type":"image","url":"https://i.groupme.com/1024x768.jpeg.0123456789abcdef"},` +
			`{"type":"mentions","user_ids":["1234567"],"loci":[[0,5]]}],` +
			`"reactions":[{"type":"unicode","code":"❤️","user_ids":["1234567"]}]}`
	}
	members := make([]string, 20)
	for i := range members {
		members[i] = `{"id":"` + strconv.Itoa(1000100+i) + `","user_id":"` + strconv.Itoa(74938777+i) + `","nickname":"Runner ` + strconv.Itoa(i) +
			`","muted":false,"image_url":"https://i.groupme.com/512x512.png.a81f","autokicked":false,"roles":["user"],"name":"Runner"}`
	}
	group := strings.Replace(groupJSON, `"members":[{"id":"1000100","user_id":"98765432","nickname":"Mara","muted":false,"image_url":null}]`,
		`"members":[`+strings.Join(members, ",")+`]`, 1)
	return map[string][]byte{
		"/v3/groups/48219335/messages": []byte(envelopeOf("200", `{"count":18342,"messages":[`+strings.Join(msgs, ",")+`]}`)),
		"/v3/groups/48219335":          []byte(envelopeOf("200", group)),
	}
}()

func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := benchBodies[r.URL.Path]
		if !ok || r.Header.Get(tokenHeader) != testToken {
			http.Error(w, "no", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// rawGet is what a hand-written caller would do: build the request, send
// it, decode the envelope.
func rawGet(b *testing.B, hc *http.Client, u string, out any) {
	req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set(tokenHeader, testToken)
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != 200 {
		b.Fatalf("status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
}

func BenchmarkListMessages(b *testing.B) {
	srv := benchServer(b)
	c, err := New(testToken, WithBaseURL(srv.URL+"/v3"), WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	params := &MessageParams{Limit: 100}
	b.ReportAllocs()
	for b.Loop() {
		l, err := c.ListMessages(b.Context(), "48219335", params)
		if err != nil || len(l.Messages) != 100 {
			b.Fatal(err)
		}
	}
}

func BenchmarkListMessagesRaw(b *testing.B) {
	srv := benchServer(b)
	hc := srv.Client()
	u := srv.URL + "/v3/groups/48219335/messages?limit=100"
	b.ReportAllocs()
	for b.Loop() {
		var env gen.MessageListEnvelope
		rawGet(b, hc, u, &env)
		if len(env.Response.Messages) != 100 {
			b.Fatal("short page")
		}
	}
}

func BenchmarkGetGroup(b *testing.B) {
	srv := benchServer(b)
	c, err := New(testToken, WithBaseURL(srv.URL+"/v3"), WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := c.GetGroup(b.Context(), "48219335", nil)
		if err != nil || len(*g.Members) != 20 {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetGroupRaw(b *testing.B) {
	srv := benchServer(b)
	hc := srv.Client()
	u := srv.URL + "/v3/groups/48219335"
	b.ReportAllocs()
	for b.Loop() {
		var env gen.GroupEnvelope
		rawGet(b, hc, u, &env)
		if env.Response.Members == nil || len(*env.Response.Members) != 20 {
			b.Fatal("no group")
		}
	}
}

// BenchmarkDecode decodes the same answers from memory: the decoder alone,
// without HTTP, against encoding/json into the same types (the Raw twin).
func BenchmarkDecode(b *testing.B) {
	benchDecode(b, func(body []byte, c decodeBenchCase) error {
		return decodeJSON(bytes.NewReader(body), c.client())
	})
}

func BenchmarkDecodeRaw(b *testing.B) {
	benchDecode(b, func(body []byte, c decodeBenchCase) error {
		return json.NewDecoder(bytes.NewReader(body)).Decode(c.raw())
	})
}

type decodeBenchCase struct {
	name, path  string
	client, raw func() any
}

func benchDecode(b *testing.B, decode func([]byte, decodeBenchCase) error) {
	for _, c := range []decodeBenchCase{
		{"group", "/v3/groups/48219335", func() any { return new(envelope[gen.Group]) }, func() any { return new(gen.GroupEnvelope) }},
		{"messages", "/v3/groups/48219335/messages", func() any { return new(envelope[gen.MessageList]) }, func() any { return new(gen.MessageListEnvelope) }},
	} {
		body := benchBodies[c.path]
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := decode(body, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
