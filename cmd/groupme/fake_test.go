package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groupme-go/groupme/contracttest"
)

// syncBuffer is a bytes.Buffer for a writer and a reader in two goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startFakeCommand runs `groupme fake args...` in-process and returns the
// JSON line it printed, a function that stops it and returns its exit
// code, and its stderr.
func startFakeCommand(t *testing.T, args ...string) (fakeInfo, func() int, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	e := env{stdout: pw, stderr: stderr, getenv: func(string) string { return "" }, configDir: t.TempDir(),
		fakeOpts: []contracttest.Option{fixedClock()}}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"fake"}, args...), e)
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no JSON line: %v; stderr:\n%s", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // keep the fake's log from blocking it
	var info fakeInfo
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		cancel()
		t.Fatalf("the first line is not JSON: %v: %q", err, line)
	}
	stop := sync.OnceValue(func() int {
		cancel()
		return <-done
	})
	t.Cleanup(func() { stop() })
	return info, stop, stderr
}

func TestFakeCommand(t *testing.T) {
	info, stop, stderr := startFakeCommand(t, "--messages", "40", "--seed", "7", "--cors")
	if len(info.Users) < 3 || info.Users[0].Token == "" || len(info.Groups) == 0 || len(info.Bots) == 0 || len(info.Chats) == 0 {
		t.Fatalf("incomplete JSON line: %+v", info)
	}
	if !strings.HasPrefix(info.APIBaseURL, "http://127.0.0.1:") || info.APIBaseURL != info.ImageBaseURL+"/v3" {
		t.Errorf("URLs: %q, %q", info.APIBaseURL, info.ImageBaseURL)
	}
	token := info.Users[0].Token
	do := func(method, url, body string, hdr map[string]string) *http.Response {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, url, rd)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}

	if r := do("GET", info.APIBaseURL+"/users/me", "", map[string]string{"X-Access-Token": token}); r.StatusCode != 200 {
		t.Errorf("GET /users/me: %d", r.StatusCode)
	}
	if r := do("GET", info.APIBaseURL+"/users/me?token="+token, "", nil); r.StatusCode != 200 {
		t.Errorf("GET /users/me?token=: %d", r.StatusCode)
	}
	if r := do("GET", info.APIBaseURL+"/users/me", "", nil); r.StatusCode != 401 {
		t.Errorf("GET /users/me without a token: %d", r.StatusCode)
	}
	// A browser's preflight, then the real request.
	pre := do("OPTIONS", info.APIBaseURL+"/groups/"+info.BigGroup+"/messages", "", map[string]string{
		"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "x-access-token, content-type"})
	if pre.StatusCode != 204 || pre.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "x-access-token") ||
		!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight: %d %v", pre.StatusCode, pre.Header)
	}
	// Five unofficial operations use PUT (editing a message, a topic, the
	// pinned conversations, the directory membership and majors).
	if allow := pre.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(allow, "PUT") || !strings.Contains(allow, "DELETE") {
		t.Errorf("preflight allows %q, want PUT and DELETE too", allow)
	}
	// The JSON line names every host the fake serves, and the push service.
	root := info.ImageBaseURL
	for name, got := range map[string]string{
		root + "/v4": info.V4BaseURL, root + "/v2": info.V2BaseURL, root + "/v1": info.V1BaseURL,
		root + "/video": info.VideoBaseURL, root + "/file": info.FileBaseURL, root + "/faye": info.PushURL,
	} {
		if got != name {
			t.Errorf("JSON line: %q, want %q", got, name)
		}
	}
	if r := do("GET", info.V4BaseURL+"/pinned_conversations", "", map[string]string{"X-Access-Token": token}); r.StatusCode != 200 {
		t.Errorf("GET v4_base_url/pinned_conversations: %d", r.StatusCode)
	}
	r := do("GET", info.APIBaseURL+"/groups", "", map[string]string{"X-Access-Token": token, "Origin": "http://localhost:5173"})
	if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET /groups from a browser: %d %v", r.StatusCode, r.Header)
	}
	// A bot posts with no token and no Content-Type.
	if r := do("POST", info.APIBaseURL+"/bots/post", `{"bot_id":"`+info.Bots[0]+`","text":"hi"}`, nil); r.StatusCode != 202 {
		t.Errorf("bot post: %d", r.StatusCode)
	}

	if code := stop(); code != 0 {
		t.Errorf("exit code %d after the context ended; stderr:\n%s", code, stderr.String())
	}
	log := stderr.String()
	if strings.Contains(log, token) {
		t.Errorf("the log shows a token:\n%s", log)
	}
	for _, want := range []string{"200 GET /v3/users/me", "token=REDACTED", "401 GET /v3/users/me", "202 POST /v3/bots/post", "stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
}

// The same seed and sizes give the same tokens and ids.
func TestFakeCommandIsDeterministic(t *testing.T) {
	a, stopA, _ := startFakeCommand(t, "--messages", "20")
	b, stopB, _ := startFakeCommand(t, "--messages", "20")
	stopA()
	stopB()
	for _, info := range []*fakeInfo{&a, &b} { // the URLs hold the port
		info.APIBaseURL, info.ImageBaseURL, info.V4BaseURL, info.V2BaseURL = "", "", "", ""
		info.V1BaseURL, info.VideoBaseURL, info.FileBaseURL, info.PushURL = "", "", "", ""
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("two runs differ:\n%s\n%s", ja, jb)
	}
}

func TestFakeCommandFaults(t *testing.T) {
	info, _, _ := startFakeCommand(t, "--messages", "10", "--fault", "429,retry-after=3,op=getMe,times=1", "--fault", "html=503,op=getMe,every=2")
	get := func() *http.Response {
		req, _ := http.NewRequest("GET", info.APIBaseURL+"/users/me", nil)
		req.Header.Set("X-Access-Token", info.Users[0].Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	r := get()
	if r.StatusCode != 429 || r.Header.Get("Retry-After") != "3" {
		t.Errorf("first: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	// The 429 rule is used up; the HTML rule fires on every second match
	// (it already counted the first request).
	if r := get(); r.StatusCode != 503 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("second: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if r := get(); r.StatusCode != 200 {
		t.Errorf("third: %d", r.StatusCode)
	}
}

func TestParseFault(t *testing.T) {
	good := map[string]contracttest.FaultRule{
		"429":                                  {Fault: contracttest.RateLimited(429, "")},
		"420:0.25,retry-after=30":              {Fault: contracttest.RateLimited(420, "30"), Rate: 0.25},
		"503:1":                                {Fault: contracttest.ServerError(503)},
		"html":                                 {Fault: contracttest.HTMLError(502)},
		"html=500:0.5":                         {Fault: contracttest.HTMLError(500), Rate: 0.5},
		"truncate,op=listMessages,op=getGroup": {Fault: contracttest.TruncatedBody(), Operations: []string{"listMessages", "getGroup"}},
		"drop:0.1,after,times=2":               {Fault: contracttest.DropConnection().After(), Rate: 0.1, Times: 2},
		"latency=250ms,every=3":                {Fault: contracttest.Latency(250 * time.Millisecond), Every: 3},
	}
	for spec, want := range good {
		got, err := parseFault(spec)
		if err != nil {
			t.Errorf("%q: %v", spec, err)
			continue
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Errorf("%q:\n got %s\nwant %s", spec, gj, wj)
		}
	}
	for _, spec := range []string{"", "418", "429:0", "429:1.5", "429:x", "html=404", "latency", "latency=-1s",
		"drop,retry-after=3", "429,retry-after=soon", "429,op=", "429,op=noSuchOperation", "429,every=0",
		"latency=1s,after", "429,bogus", "truncate=1"} {
		if _, err := parseFault(spec); err == nil {
			t.Errorf("%q: accepted", spec)
		}
	}
}

// The README lists the seeded accounts and their tokens; they must be what
// `groupme fake` hands out, whatever the seed and sizes.
func TestFakeCommandTokensAreInTheREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--messages", "5"}, {"--messages", "7", "--seed", "99"}} {
		info, stop, _ := startFakeCommand(t, args...)
		stop()
		for _, u := range info.Users {
			row := "| " + u.ID + " | " + u.Name + " | `" + u.Token + "` |"
			if !strings.Contains(string(readme), row) {
				t.Errorf("%v: the README lacks the row %s", args, row)
			}
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	good := map[string]contracttest.RateLimit{
		"20,burst=50":                 {Rate: 20, Burst: 50, Status: 429},
		"0.5":                         {Rate: 0.5, Burst: 1, Status: 429},
		"3,status=420,retry-after":    {Rate: 3, Burst: 1, Status: 420, RetryAfter: true},
		"100,burst=5,status=429":      {Rate: 100, Burst: 5, Status: 429},
		" 7 , burst=2 , retry-after ": {Rate: 7, Burst: 2, Status: 429, RetryAfter: true},
	}
	for spec, want := range good {
		got, err := parseRateLimit(spec)
		if err != nil || got != want {
			t.Errorf("%q = %+v, %v; want %+v", spec, got, err, want)
		}
	}
	for _, spec := range []string{"", "0", "-1", "x", "NaN", "Inf", "20,burst=0", "20,burst=x", "20,status=503", "20,retry-after=3", "20,bogus"} {
		if _, err := parseRateLimit(spec); err == nil {
			t.Errorf("%q: accepted", spec)
		}
	}
}
