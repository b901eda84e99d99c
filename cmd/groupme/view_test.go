package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groupme-go/groupme/cmd/groupme/internal/index"
	"github.com/groupme-go/groupme/cmd/groupme/internal/msgid"
)

// viewRun is a `groupme view` running in-process on a fixture.
type viewRun struct {
	base   string      // http://127.0.0.1:port
	host   string      // 127.0.0.1:port
	opened chan string // what the browser was asked to open
	stderr *lockedBuffer
}

// lockedBuffer is mcp_test.go's.

// newViewFixture writes a fixture backup for one test.
func newViewFixture(t *testing.T) viewFixture {
	return writeViewFixture(t, t.TempDir())
}

// startView runs `groupme view DIR args...` until the test ends, and
// returns once it prints its address.
func startView(t *testing.T, dir string, args ...string) *viewRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	v := &viewRun{stderr: &lockedBuffer{}, opened: make(chan string, 10)}
	e := env{
		stdout: pw, stderr: v.stderr, getenv: func(string) string { return "" }, configDir: t.TempDir(),
		login: loginEnv{browse: func(u string) error { v.opened <- u; return nil }},
	}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"view", dir}, args...), e)
		pw.Close()
		done <- code
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("view ended with exit code %d after Ctrl-C; stderr:\n%s", code, v.stderr)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("view printed no address: %v; stderr:\n%s", err, v.stderr)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // drains the output until view exits
	u, err := url.Parse(strings.TrimSpace(line))
	if err != nil || u.Scheme != "http" || u.Path != "/" {
		t.Fatalf("view printed %q, not its address", line)
	}
	if h, _, _ := net.SplitHostPort(u.Host); h != "127.0.0.1" {
		t.Fatalf("view serves on %s, not on 127.0.0.1", u.Host)
	}
	v.base, v.host = "http://"+u.Host, u.Host
	return v
}

// get fetches path and decodes a JSON answer into out (when not nil).
func (v *viewRun) get(t *testing.T, path string, out any) *http.Response {
	t.Helper()
	resp, err := http.Get(v.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, b)
		}
	}
	resp.Body = io.NopCloser(strings.NewReader(string(b)))
	return resp
}

// raw sends a request line as it is (no client cleans its path) with the
// given Host, and returns the status and body.
func (v *viewRun) raw(t *testing.T, method, target, host string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", v.host, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, method+" "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type viewPageJSON struct {
	Messages []struct {
		index.Message
		Pictures []string `json:"pictures"`
	} `json:"messages"`
	HasOlder bool `json:"has_older"`
	HasNewer bool `json:"has_newer"`
}

// TestViewAPI: the page, its conversations, pages of messages backwards,
// forwards and around a message (with replies and pictures), and search.
func TestViewAPI(t *testing.T) {
	fx := newViewFixture(t)
	v := startView(t, fx.dir)
	select {
	case u := <-v.opened:
		if u != v.base+"/" {
			t.Errorf("the browser was asked to open %q, want %s/", u, v.base)
		}
	case <-time.After(30 * time.Second):
		t.Error("no browser was asked to open the page")
	}

	resp := v.get(t, "/", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `<script src="/app.js"`) {
		t.Fatalf("GET /: %s %.200s", resp.Status, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "img-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	for _, p := range []string{"/app.js", "/style.css", "/favicon.svg"} {
		if r := v.get(t, p, nil); r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", p, r.Status)
		}
	}

	var cs struct{ Conversations []index.Conversation }
	if r := v.get(t, "/api/conversations", &cs); r.StatusCode != http.StatusOK {
		t.Fatalf("conversations: %s", r.Status)
	}
	names := map[string]string{}
	for _, c := range cs.Conversations {
		names[c.Kind+":"+c.ID] = c.Name
	}
	for _, c := range fx.convs {
		if names[c.Kind+":"+c.ID] != c.Name {
			t.Errorf("conversation %s:%s is listed as %q, want %q", c.Kind, c.ID, names[c.Kind+":"+c.ID], c.Name)
		}
	}
	if len(cs.Conversations) != len(fx.convs) {
		t.Errorf("%d conversations listed, the backup has %d", len(cs.Conversations), len(fx.convs))
	}

	// Walk the big group backwards from its newest page to its first
	// message: every message once, in order.
	big := "/api/messages?kind=" + fx.big.Kind + "&id=" + fx.big.ID
	var page viewPageJSON
	v.get(t, big+"&limit=150", &page)
	if len(page.Messages) != 150 || !page.HasOlder || page.HasNewer {
		t.Fatalf("newest page: %d messages, older %v, newer %v", len(page.Messages), page.HasOlder, page.HasNewer)
	}
	if last := page.Messages[149].ID; last != fx.big.LastID {
		t.Errorf("the newest page ends at %s, the file at %s", last, fx.big.LastID)
	}
	seen := len(page.Messages)
	pictures, missing := 0, 0
	var reply *index.Message
	var middle string
	for {
		for i, m := range page.Messages {
			if i > 0 && msgid.Compare(page.Messages[i-1].ID, m.ID) >= 0 {
				t.Fatalf("messages out of order: %s then %s", page.Messages[i-1].ID, m.ID)
			}
			if len(m.Pictures) != len(m.Images) {
				t.Fatalf("message %s: %d pictures for %d images", m.ID, len(m.Pictures), len(m.Images))
			}
			for j, p := range m.Pictures {
				switch {
				case p == "/images/"+m.Images[j]+".jpeg":
					pictures++
				case !slices.Contains(m.Kinds, "linked_image"): // the fixture saves only images
					missing++
				}
			}
			if seen > fx.big.Count/2 && middle == "" {
				middle = m.ID
			}
			if m.ID == fx.replyID {
				reply = &m.Message
			}
		}
		if !page.HasOlder {
			break
		}
		first := page.Messages[0].ID
		page = viewPageJSON{}
		v.get(t, big+"&limit=150&before="+first, &page)
		if !page.HasNewer || len(page.Messages) == 0 {
			t.Fatalf("the page before %s: %d messages, newer %v", first, len(page.Messages), page.HasNewer)
		}
		seen += len(page.Messages)
	}
	if seen != fx.big.Count || page.Messages[0].ID != fx.firstID {
		t.Errorf("paging backwards saw %d messages down to %s; the file has %d from %s", seen, page.Messages[0].ID, fx.big.Count, fx.firstID)
	}
	if pictures == 0 || missing != 0 {
		t.Errorf("%d pictures found in the backup's folder, %d missing (the fixture saves them all)", pictures, missing)
	}
	if reply == nil || reply.Reply == nil || reply.Reply.ID != fx.knownID || !strings.Contains(reply.Reply.Text, viewFixtureWord) {
		t.Errorf("the reply does not quote the message it answers: %+v", reply)
	}

	// Forwards from the first message: the next page, with no gap.
	page = viewPageJSON{}
	v.get(t, big+"&limit=150&after="+fx.firstID, &page)
	if len(page.Messages) != 150 || !page.HasOlder || !page.HasNewer || msgid.Compare(page.Messages[0].ID, fx.firstID) <= 0 {
		t.Fatalf("the page after the first message: %d messages, older %v, newer %v", len(page.Messages), page.HasOlder, page.HasNewer)
	}
	var second viewPageJSON
	v.get(t, big+"&before="+page.Messages[1].ID+"&limit=1", &second)
	if len(second.Messages) != 1 || second.Messages[0].ID != page.Messages[0].ID {
		t.Errorf("the page after %s does not start right after it", fx.firstID)
	}
	// After the last message: nothing newer.
	page = viewPageJSON{}
	v.get(t, big+"&after="+fx.big.LastID, &page)
	if len(page.Messages) != 0 || page.HasNewer {
		t.Errorf("after the newest message: %d messages, newer %v", len(page.Messages), page.HasNewer)
	}

	// Search finds the known message; around it is a page holding it.
	var found struct {
		Hits []struct {
			index.Hit
			Snippet []viewSegment `json:"snippet"`
		}
	}
	if r := v.get(t, "/api/search?q="+viewFixtureWord, &found); r.StatusCode != http.StatusOK {
		t.Fatalf("search: %s", r.Status)
	}
	if len(found.Hits) != 1 || found.Hits[0].MessageID != fx.knownID || found.Hits[0].ConversationID != fx.big.ID {
		t.Fatalf("search for %s found %+v, want message %s", viewFixtureWord, found.Hits, fx.knownID)
	}
	marked := ""
	for _, s := range found.Hits[0].Snippet {
		if s.Mark {
			marked += s.Text
		}
		if strings.ContainsAny(s.Text, markOn+markOff) {
			t.Errorf("a snippet segment keeps a mark: %q", s.Text)
		}
	}
	if marked != viewFixtureWord {
		t.Errorf("the snippet marks %q, want %q", marked, viewFixtureWord)
	}
	page = viewPageJSON{}
	v.get(t, big+"&limit=20&around="+middle, &page)
	at := -1
	for i, m := range page.Messages {
		if m.ID == middle {
			at = i
		}
	}
	if len(page.Messages) != 20 || at < 5 || at > 15 || !page.HasOlder || !page.HasNewer {
		t.Errorf("around %s: at %d of %d, older %v, newer %v", middle, at, len(page.Messages), page.HasOlder, page.HasNewer)
	}
	// Around the newest message: nothing newer.
	page = viewPageJSON{}
	v.get(t, big+"&around="+fx.replyID, &page)
	if n := len(page.Messages); n == 0 || page.Messages[n-1].ID != fx.replyID || !page.HasOlder || page.HasNewer {
		t.Errorf("around the newest message: %d messages, older %v, newer %v", n, page.HasOlder, page.HasNewer)
	}

	// Bad requests are refused with a reason.
	for _, p := range []string{
		"/api/search?q=%22unbalanced",
		"/api/search?q=",
		"/api/search?q=" + strings.Repeat("a", viewMaxQuery+1),
		"/api/messages?kind=group",
		"/api/messages?kind=room&id=1",
		big + "&before=1&after=2",
		big + "&limit=0",
		big + "&limit=" + "100000",
	} {
		r := v.get(t, p, nil)
		b, _ := io.ReadAll(r.Body)
		var e viewError
		if r.StatusCode != http.StatusBadRequest || json.Unmarshal(b, &e) != nil || e.Error == "" {
			t.Errorf("GET %.80s: %s %s, want 400 with a reason", p, r.Status, b)
		}
	}
	if r := v.get(t, "/api/messages?kind=group&id=999999", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown conversation: %s", r.Status)
	}
}

// TestViewRefuses: other Hosts (DNS rebinding), other methods, and every
// way out of DIR/images.
func TestViewRefuses(t *testing.T) {
	fx := newViewFixture(t)
	// A link in images/ that leads out of it.
	dir := fx.dir
	secret := filepath.Join(t.TempDir(), "secret.jpeg")
	if err := os.WriteFile(secret, []byte("SECRET-OUTSIDE"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := strings.Repeat("ab", 32) + ".jpeg"
	if err := os.Symlink(secret, filepath.Join(dir, "images", link)); err != nil {
		t.Fatal(err)
	}
	v := startView(t, dir, "--no-browser")
	t.Cleanup(func() {
		// Runs after the command ended (cleanups run last first).
		if len(v.opened) != 0 {
			t.Errorf("--no-browser opened %q", <-v.opened)
		}
	})

	good := "/images/" + fx.imageHash + ".jpeg"
	if code, body := v.raw(t, "GET", good, v.host); code != http.StatusOK || !strings.HasPrefix(body, "\xff\xd8") {
		t.Fatalf("GET %s: %d", good, code)
	}
	_, port, _ := net.SplitHostPort(v.host)
	if code, _ := v.raw(t, "GET", good, "localhost:"+port); code != http.StatusOK {
		t.Errorf("Host localhost:%s: %d", port, code)
	}
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1", "127.0.0.1:1", "[::1]:" + port, ""} {
		if code, _ := v.raw(t, "GET", "/api/conversations", host); code != http.StatusMisdirectedRequest && code != http.StatusBadRequest {
			t.Errorf("Host %q: %d, want 421", host, code)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		if code, _ := v.raw(t, m, "/api/conversations", v.host); code != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d, want 405", m, code)
		}
	}
	if code, _ := v.raw(t, "HEAD", "/", v.host); code != http.StatusOK {
		t.Errorf("HEAD /: %d", code)
	}

	manifest, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{
		"/images/../manifest.json",
		"/images/%2e%2e/manifest.json",
		"/images/..%2fmanifest.json",
		"/images/%2e%2e%2fmanifest.json",
		"/images/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/images/../../../../etc/passwd",
		"/images//etc/passwd",
		"/images/%2fetc%2fpasswd",
		"/images/" + url.PathEscape(secret),
		"/images/..%5cmanifest.json",
		"/images/" + fx.imageHash + ".jpeg%00.json",
		"/images/" + fx.imageHash + ".svg",
		"/images/" + strings.ToUpper(fx.imageHash) + ".jpeg",
		"/images/" + link,
		"/manifest.json",
		"/index.sqlite",
		"/groups/" + fx.big.ID + ".jsonl",
		"/view/app.js",
		"http://" + v.host + "/images/../manifest.json",
		"/images",
		"/images/",
	} {
		code, body := v.raw(t, "GET", target, v.host)
		switch {
		case code == http.StatusOK:
			t.Errorf("GET %s: 200 (%d bytes)", target, len(body))
		case strings.Contains(body, "SECRET-OUTSIDE") || strings.Contains(body, string(manifest[:40])) || strings.Contains(body, "root:"):
			t.Errorf("GET %s: %d and a body from outside the pictures: %.80q", target, code, body)
		}
	}
}

// TestViewWithoutIndex: a backup with no index, or a damaged one, is
// indexed at start; a directory that is no backup is refused.
func TestViewWithoutIndex(t *testing.T) {
	fx := newViewFixture(t)
	dir := fx.dir
	for _, f := range []string{"index.sqlite", "index.sqlite-wal", "index.sqlite-shm"} {
		_ = os.Remove(filepath.Join(dir, f))
	}
	if err := os.WriteFile(filepath.Join(dir, "index.sqlite"), []byte("this is not a database, but it is long enough to look like one... "+strings.Repeat("x", 4096)), 0o644); err != nil {
		t.Fatal(err)
	}
	v := startView(t, dir, "--no-browser")
	var found struct {
		Hits []struct {
			MessageID string `json:"message_id"`
		}
	}
	v.get(t, "/api/search?q="+viewFixtureWord, &found)
	if len(found.Hits) != 1 || found.Hits[0].MessageID != fx.knownID {
		t.Errorf("after a damaged index, search found %+v", found.Hits)
	}
	if !strings.Contains(v.stderr.String(), "indexed") {
		t.Errorf("stderr does not say it indexed: %q", v.stderr)
	}

	// A file with a line that is not a message: the rest is still read.
	fx2 := newViewFixture(t)
	last := fx2.convs[len(fx2.convs)-1]
	f, err := os.OpenFile(filepath.Join(fx2.dir, filepath.FromSlash(last.File)), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("{not a message\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	broken := startView(t, fx2.dir, "--no-browser")
	found.Hits = nil
	broken.get(t, "/api/search?q="+viewFixtureWord, &found)
	if len(found.Hits) != 1 || !strings.Contains(broken.stderr.String(), "could not be brought fully up to date") {
		t.Errorf("with a broken line in %s: hits %+v, stderr %q", last.File, found.Hits, broken.stderr)
	}

	r := runWith(t, t.Context(), nil, nil, "view", t.TempDir(), "--no-browser")
	if r.code != exitAPI || !strings.Contains(r.stderr, "manifest") {
		t.Errorf("a directory without a manifest: exit %d, %q", r.code, r.stderr)
	}
	r = runWith(t, t.Context(), nil, nil, "view", filepath.Join(t.TempDir(), "none"), "--no-browser")
	if r.code != exitUsage {
		t.Errorf("a missing directory: exit %d, %q", r.code, r.stderr)
	}
	r = runWith(t, t.Context(), nil, nil, "view", dir, "--port", "70000")
	if r.code != exitUsage {
		t.Errorf("--port 70000: exit %d, %q", r.code, r.stderr)
	}
}

func TestImageType(t *testing.T) {
	hash := strings.Repeat("0f", 32)
	for name, want := range map[string]string{
		hash + ".jpeg": "image/jpeg", hash + ".JPG": "image/jpeg", hash + ".png": "image/png", hash + ".webp": "image/webp",
		hash + ".svg": "", hash + ".html": "", hash: "", hash[:63] + ".png": "", strings.ToUpper(hash) + ".png": "",
		"../" + hash[3:] + ".png": "", hash + ".png/": "", "x" + hash + ".png": "", hash + ".png\n": "",
	} {
		if got := imageType(name); got != want {
			t.Errorf("imageType(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSegments(t *testing.T) {
	got := segments("a " + markOn + "cabin" + markOff + " by " + markOn + "the" + markOff + markOff + " lake" + markOn)
	want := []viewSegment{{"a ", false}, {"cabin", true}, {" by ", false}, {"the", true}, {" lake", false}}
	if len(got) != len(want) {
		t.Fatalf("segments: %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("segment %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
