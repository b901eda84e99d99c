package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/gen"
)

// The fuzz targets run over their seeds (below and in testdata/fuzz) with
// every `go test`; `make fuzz` explores further for a short while.

// bodyClient answers every request with status and body.
func bodyClient(t *testing.T, status int, body []byte) *Client {
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return fakeResponse(r, status, string(body)), nil
	})
	c, err := New(testToken, WithHTTPClient(&http.Client{Transport: rt}), WithRetries(0), WithMaxResponseBytes(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FuzzEnvelope feeds arbitrary bodies to the envelope decoders, as a
// success and as an error answer: no panic, never a nil result with a nil
// error, and never the token in an error.
func FuzzEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"response":{"id":"1","name":"x","messages":{"count":0}},"meta":{"code":200}}`,
		`{"response":null,"meta":{"code":200}}`,
		`{"meta":{"code":400,"errors":["bad"]}}`,
		`{"meta":{"code":400,"errors":{"name":"too long"}}}`,
		`{"response":{"count":2,"messages":[{"id":"1","group_id":"9"},{"id":2}]},"meta":{"code":200}}`,
		`{"response":[{"id":"1"}],"meta":{"code":200}}`,
		`<html>502</html>`, ``, ` `, `{"response":`, `[]`, `null`,
	} {
		f.Add([]byte(s), 200)
		f.Add([]byte(s), 400)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if status < 200 || status > 599 || status == 304 {
			status = 200
		}
		c := bodyClient(t, status, body)
		ctx := context.Background()
		check := func(op string, isNil bool, err error) {
			if err == nil && isNil {
				t.Errorf("%s: nil result and nil error for %q", op, body)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Errorf("%s: the error holds the token: %v", op, err)
			}
		}
		g, err := c.GetGroup(ctx, "1", nil)
		check("GetGroup", g == nil, err)
		m, err := c.ListMessages(ctx, "1", nil)
		check("ListMessages", m == nil, err)
		p, err := c.ListMessagesArchivePage(ctx, "1", &MessageParams{AfterID: "0", Limit: 100})
		check("ListMessagesArchivePage", p == nil, err)
		if err == nil {
			for _, msg := range p.Messages {
				if !json.Valid(msg.JSON) {
					t.Errorf("archived message is not JSON: %q", msg.JSON)
				}
			}
		}
		gs, err := c.ListGroups(ctx, nil)
		if err == nil && gs == nil && !bytes.Contains(body, []byte("null")) && !bytes.Contains(body, []byte("[]")) {
			// An empty list is fine; nothing to check beyond no panic.
			_ = gs
		}
	})
}

// FuzzAttachment decodes arbitrary attachment JSON into the open union and
// calls every accessor: errors are fine, panics are not, and a decoded
// attachment encodes back to valid JSON.
func FuzzAttachment(f *testing.F) {
	for _, s := range []string{
		`{"type":"image","url":"https://i.groupme.com/1.png"}`,
		`{"type":"location","lat":"40.1","lng":"-74.2","name":"Here"}`,
		`{"type":"emoji","placeholder":"☃","charmap":[[1,42],[2,"x"]]}`,
		`{"type":"mentions","user_ids":["1",2,"-1"],"loci":[[0,5]]}`,
		`{"type":"reply","reply_id":"1","base_reply_id":"1"}`,
		`{"type":"split","token":"t"}`,
		`{"type":"file","file_id":"f"}`,
		`{"type":"poll","poll_id":"p"}`,
		`{"type":"video","url":"u","preview_url":"p"}`,
		`{"type":"linked_image","url":"u"}`,
		`{"type":"hologram","beam":3}`,
		`{"type":7}`, `{}`, `[]`, `null`, `"image"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a gen.Attachment
		if json.Unmarshal(b, &a) != nil {
			return
		}
		// Reading any attachment never panics and never fails: a known
		// type reads as its typed value or, malformed, as unknown.
		kind := a.Type()
		if v := a.Value(); v == nil {
			t.Errorf("%q: Value() is nil", b)
		} else if u, ok := v.(UnknownAttachment); ok && u.Type != kind {
			t.Errorf("%q: unknown attachment type %q, kind %q", b, u.Type, kind)
		}
		_ = a.JSON()
		_, _ = a.AsImage()
		_, _ = a.AsLocation()
		_, _ = a.AsSplit()
		_, _ = a.AsEmoji()
		_, _ = a.AsMentions()
		_, _ = a.AsReply()
		_, _ = a.AsVideo()
		_, _ = a.AsFile()
		_, _ = a.AsLinkedImage()
		_, _ = a.AsPoll()
		_, _ = a.AsEvent()
		_, _ = a.AsAutokickedMember()
		out, err := json.Marshal(a)
		if err == nil && !json.Valid(out) {
			t.Errorf("%q encodes to invalid JSON %q", b, out)
		}
	})
}

// FuzzCallback posts arbitrary bodies to a bot's callback handler: it
// answers only with the documented statuses, and calls the function only
// for a JSON object.
func FuzzCallback(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","group_id":"9","text":"hi","sender_type":"user","attachments":[]}`,
		`{"id":"1","system":true,"sender_type":"system","event":{"type":"membership.announce.joined","data":{"user":{"id":5}}}}`,
		`{"sender_type":"bot","text":null}`,
		`{"attachments":[{"type":"hologram"}],"created_at":"yesterday"}`,
		`[]`, `null`, ``, `{`, `"x"`,
	} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(`{}`), "text/plain")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		called := false
		h := CallbackHandler(func(context.Context, Callback) error { called = true; return nil },
			SkipBotMessages(), CallbackMaxBytes(4<<10))
		req := httptest.NewRequest(http.MethodPost, "/cb", bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 400, 413, 415:
		default:
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		if called && rec.Code != 200 {
			t.Errorf("called, then answered %d", rec.Code)
		}
		trimmed := bytes.TrimSpace(body)
		if called && (len(trimmed) == 0 || trimmed[0] != '{') {
			t.Errorf("called for a body that is not a JSON object: %q", body)
		}
	})
}

// TestCallbackRejectsNonObjects: what FuzzCallback found: null, a list, and
// an object followed by more bytes were once handed to the function.
func TestCallbackRejectsNonObjects(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`null`, ` null `, `[]`, `{"id":"1"} {"id":"2"}`, `{"id":"1"}x`} {
		called := false
		h := CallbackHandler(func(context.Context, Callback) error { called = true; return nil })
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader(body)))
		if rec.Code != http.StatusBadRequest || called {
			t.Errorf("%q: status %d, called %v; want 400 and no call", body, rec.Code, called)
		}
	}
}

// refIDText is what an id means, decoded with encoding/json.
func refIDText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if len(raw) == 0 {
		return ""
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return string(raw)
}

// FuzzArchivePage checks the one-pass page reader against encoding/json:
// it rejects every body that is not valid JSON, and what it accepts, it
// reads as encoding/json does, keeping each message's exact bytes.
func FuzzArchivePage(f *testing.F) {
	for _, s := range []string{
		`{"response":{"count":2,"messages":[{"id":"1","group_id":"9","text":"a & b <c> \u00e9"},{"id":2,"group_id":"9","x":[1,{"y":null}]}]},"meta":{"code":200}}`,
		`{"meta":{"code":200},"response":{"messages":[],"count":0}}`,
		`{"response":{"messages":[{"text":"no id"},{"id":"\u0031","group_id":null}]}}`,
		`{"response":null}`, `{"response":{}}`, `{"response":{"messages":[1]}}`,
		`{"response":{"messages":[{"id":"1"}]}} x`, `{"response":{"messages":[{"id":1.5,"n":-0.1e+5}]}}`,
		` { "response" : { "messages" : [ { "id" : "1" } ] } } `, `{"response":{"messages":[{"a":"\x"}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := decodeArchivePage(body, 100)
		if err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		var ref struct {
			Response *struct {
				Messages []json.RawMessage `json:"messages"`
			} `json:"response"`
		}
		if err := json.Unmarshal(body, &ref); err != nil || ref.Response == nil {
			// encoding/json matches keys without regard to case; the
			// page reader, like GroupMe, does not.
			if bytes.Contains(bytes.ToLower(body), []byte(`"response"`)) && !bytes.Contains(body, []byte(`"response"`)) {
				return
			}
			t.Fatalf("accepted %q, which encoding/json reads as %v (response %v)", body, err, ref.Response)
		}
		if len(ref.Response.Messages) != len(page.Messages) {
			if bytes.Contains(bytes.ToLower(body), []byte(`"messages"`)) != bytes.Contains(body, []byte(`"messages"`)) || bytes.Count(bytes.ToLower(body), []byte(`"response"`)) > 1 {
				return
			}
			t.Fatalf("%d messages, encoding/json %d, in %q", len(page.Messages), len(ref.Response.Messages), body)
		}
		for i, m := range page.Messages {
			if !bytes.Equal(m.JSON, ref.Response.Messages[i]) {
				t.Fatalf("message %d bytes %q, want %q", i, m.JSON, ref.Response.Messages[i])
			}
			var keys map[string]json.RawMessage
			if json.Unmarshal(m.JSON, &keys) != nil {
				t.Fatalf("message %d is not an object: %q", i, m.JSON)
			}
			caseVariant := bytes.Count(bytes.ToLower(m.JSON), []byte(`"id"`)) != bytes.Count(m.JSON, []byte(`"id"`))
			if id := refIDText(keys["id"]); id != m.ID && !caseVariant {
				t.Fatalf("message %d id %q, encoding/json says %q: %q", i, m.ID, id, m.JSON)
			}
		}
	})
}
