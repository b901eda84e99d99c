package contracttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fakeClock is the start time of the manual clocks the tests use.
var fakeClock = time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)

// fakeAPI sends requests to a Server as one user, with plain net/http.
type fakeAPI struct {
	t     testing.TB
	srv   *Server
	token string
}

func newFakeAPI(t testing.TB, srv *Server, token string) *fakeAPI {
	return &fakeAPI{t: t, srv: srv, token: token}
}

func (a *fakeAPI) as(token string) *fakeAPI { return &fakeAPI{t: a.t, srv: a.srv, token: token} }

// fakeReply is a response read whole.
type fakeReply struct {
	status int
	header http.Header
	body   []byte
}

// envelope decodes the body's response into v and returns meta.errors.
func (r fakeReply) decode(t testing.TB, v any) []string {
	t.Helper()
	var env struct {
		Response json.RawMessage `json:"response"`
		Meta     struct {
			Code   int      `json:"code"`
			Errors []string `json:"errors"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		t.Fatalf("status %d: body is not an envelope: %v: %q", r.status, err, r.body)
	}
	if env.Meta.Code != r.status {
		t.Errorf("meta.code %d, status %d", env.Meta.Code, r.status)
	}
	if v != nil && len(env.Response) > 0 {
		if err := json.Unmarshal(env.Response, v); err != nil {
			t.Fatalf("decoding response: %v: %s", err, env.Response)
		}
	}
	return env.Meta.Errors
}

// do sends method path (relative to the API base, or absolute) with a JSON
// body (or raw bytes) and query parameters; the token goes in the header.
func (a *fakeAPI) do(method, path string, body any, query url.Values) fakeReply {
	a.t.Helper()
	r, err := a.send(method, path, body, query)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func (a *fakeAPI) send(method, path string, body any, query url.Values) (fakeReply, error) {
	target := path
	if !strings.HasPrefix(path, "http") {
		target = a.srv.URL + path
	}
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "image/jpeg"
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return fakeReply{}, err
		}
		rd, ctype = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		return fakeReply{}, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if a.token != "" {
		req.Header.Set("X-Access-Token", a.token)
	}
	resp, err := a.srv.Client().Do(req)
	if err != nil {
		return fakeReply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return fakeReply{status: resp.StatusCode, header: resp.Header, body: data}, err
}

// expect fails the test unless the reply has the status.
func (r fakeReply) expect(t testing.TB, status int) fakeReply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %.400s", r.status, status, r.body)
	}
	return r
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// newManualServer is a server with a manual clock (also used for sleeps).
func newManualServer(t testing.TB, opts ...Option) (*Server, *ManualClock) {
	clock := NewManualClock(fakeClock)
	all := append([]Option{WithClock(clock.Now), WithSleep(clock.Sleep)}, opts...)
	return NewServer(t, all...), clock
}

type fakeMessageList struct {
	Count    int `json:"count"`
	Messages []struct {
		ID          string            `json:"id"`
		UserID      string            `json:"user_id"`
		Text        *string           `json:"text"`
		SenderType  string            `json:"sender_type"`
		FavoritedBy []string          `json:"favorited_by"`
		LikedAt     string            `json:"liked_at"`
		Attachments []json.RawMessage `json:"attachments"`
	} `json:"messages"`
}

type fakeMember struct {
	ID       string `json:"id"`
	UserID   string `json:"user_id"`
	Nickname string `json:"nickname"`
	GUID     string `json:"guid"`
}
