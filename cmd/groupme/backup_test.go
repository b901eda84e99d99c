package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/cmd/groupme/internal/index"
	"github.com/groupme-go/groupme/contracttest"
)

// fakeServer is a fake GroupMe on a loopback port that knows its own
// address, so its seeded pictures point at itself, as with `groupme fake`.
// It runs on real time (a rate limit needs a clock that moves).
type fakeServer struct {
	root, api, token string
	fake             *contracttest.Fake
	ds               *contracttest.Dataset
}

func startFakeServer(t testing.TB, messages int, opts ...contracttest.Option) *fakeServer {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	root := "http://" + ln.Addr().String()
	ds := demoDataset
	ds.Messages = messages
	f := contracttest.NewFake(append([]contracttest.Option{
		contracttest.WithDataset(ds),
		contracttest.WithPublicURL(root),
		contracttest.WithViolationHandler(func(err error) { t.Errorf("the fake broke openapi.yaml: %v", err) }),
	}, opts...)...)
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // http.ErrServerClosed once the cleanup closes it
	t.Cleanup(func() { srv.Close() })
	d := f.Dataset()
	return &fakeServer{root: root, api: root + "/v3", token: d.Users[0].Token, fake: f, ds: d}
}

func (s *fakeServer) args(args ...string) []string {
	return append([]string{"--base-url", s.api, "--image-url", s.root}, args...)
}

func (s *fakeServer) run(t testing.TB, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdout: &out, stderr: &errb, getenv: func(k string) string {
		if k == "GROUPME_TOKEN" {
			return s.token
		}
		return ""
	}, configDir: t.TempDir()}
	code := run(context.Background(), s.args(args...), e)
	return result{out.String(), errb.String(), code}
}

func (s *fakeServer) client(t testing.TB) *client.Client {
	c, err := client.New(s.token, client.WithBaseURL(s.api))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readManifestFile(t testing.TB, dir string) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// snapshot maps every file under dir to its bytes.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(filepath.ToSlash(rel), "index.sqlite") {
			// The search index is derived from the files (a database,
			// not byte-stable between runs); search_test.go checks it.
			return nil
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, maxExportLine)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

var imageURLs = regexp.MustCompile(`"type":"image","url":"([^"]+)"`)

// checkBackup checks dir against what GroupMe (the fake) holds now: one
// file per conversation, as many lines as GroupMe counts, ids increasing,
// and the manifest saying so. It returns the manifest.
func checkBackup(t *testing.T, s *fakeServer, dir string, dms bool) manifest {
	t.Helper()
	ctx := t.Context()
	c := s.client(t)
	want := map[string]int{} // file: count
	for g, err := range c.ListGroupsIter(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		want["groups/"+g.ID+".jsonl"] = g.Messages.Count
	}
	if dms {
		for ch, err := range c.ListChatsIter(ctx, nil) {
			if err != nil {
				t.Fatal(err)
			}
			want["chats/"+string(ch.OtherUser.ID)+".jsonl"] = ch.MessagesCount
		}
	}
	m := readManifestFile(t, dir)
	files := snapshot(t, dir)
	got := map[string]int{}
	for _, e := range m.Conversations {
		ls := lines(files[e.File])
		got[e.File] = len(ls)
		if e.Count != len(ls) || !e.Complete || e.Error != "" || e.Name == "" || len(e.Members) == 0 || e.UpdatedAt == 0 {
			t.Errorf("manifest entry %+v, file has %d lines", e, len(ls))
		}
		var prev string
		for i, l := range ls {
			id, err := checkExportLine([]byte(l), conversation{kind: e.Kind, id: e.ID, convID: convIDOf(l)}, prev)
			if err != nil {
				t.Fatalf("%s line %d %v", e.File, i+1, err)
			}
			prev = id
		}
		if prev != e.LastID {
			t.Errorf("%s: last id %s, manifest says %s", e.File, prev, e.LastID)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("files and their lines: %v\nGroupMe counts: %v", got, want)
	}
	return m
}

// convIDOf reads a line's conversation_id (checked separately by the export).
func convIDOf(line string) string {
	var m struct {
		ConversationID string `json:"conversation_id"`
	}
	_ = json.Unmarshal([]byte(line), &m)
	return m.ConversationID
}

func TestBackupSavesEverythingThenOnlyWhatIsNew(t *testing.T) {
	t.Parallel()
	s := startFakeServer(t, 450, contracttest.WithRateLimit(contracttest.RateLimit{Rate: 400, Burst: 10}))
	dir := filepath.Join(t.TempDir(), "backup")
	r := s.run(t, "--json", "backup", "--images", dir)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var res backupResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if st := s.fake.RateLimitStats(); st.Refused != res.Refused || st.Accepted != res.Requests {
		t.Errorf("the fake counted %+v, the backup %d requests and %d refused", st, res.Requests, res.Refused)
	}
	m := checkBackup(t, s, dir, true)
	kinds := map[string]int{}
	for _, e := range m.Conversations {
		kinds[e.Kind]++
	}
	if kinds["group"] != len(s.ds.Groups) || kinds["chat"] == 0 {
		t.Errorf("manifest holds %v, want %d groups and the chats", kinds, len(s.ds.Groups))
	}
	if res.New != res.Messages || res.Failed != 0 || !strings.Contains(r.stderr, "conversations") {
		t.Errorf("result %+v; stderr %s", res, r.stderr)
	}

	// Every picture, once, named by its URL's hash, and nothing else.
	files := snapshot(t, dir)
	wantImages := map[string]bool{}
	for name, body := range files {
		if strings.HasSuffix(name, ".jsonl") {
			for _, m := range imageURLs.FindAllStringSubmatch(body, -1) {
				wantImages["images/"+index.ImageName(m[1])+".jpeg"] = true
			}
		}
	}
	var gotImages []string
	for name := range files {
		if strings.HasPrefix(name, "images/") {
			gotImages = append(gotImages, name)
		}
	}
	if len(wantImages) == 0 || !slices.Equal(slices.Sorted(maps.Keys(wantImages)), slices.Sorted(slices.Values(gotImages))) || res.Images != len(wantImages) {
		t.Errorf("saved %d pictures (result says %d), the messages reference %d", len(gotImages), res.Images, len(wantImages))
	}

	// Run again: nothing new, nothing changed, a handful of requests.
	files = snapshot(t, dir)
	before := s.fake.RateLimitStats()
	r = s.run(t, "--json", "backup", "--images", dir)
	if r.code != exitOK {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	if again := snapshot(t, dir); !maps.Equal(again, files) {
		t.Errorf("a second run with nothing new changed the directory")
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("the result is not JSON: %v\n%s", err, r.stdout)
	}
	if used := s.fake.RateLimitStats().Accepted - before.Accepted; res.New != 0 || res.Images != 0 || used > 6 {
		t.Errorf("second run: %+v, %d requests", res, used)
	}

	// A new message: only its conversation grows, by one line.
	g := s.ds.Groups[1]
	sent, err := s.client(t).CreateMessage(t.Context(), g, client.NewMessage{Text: client.Ptr("after the backup")})
	if err != nil {
		t.Fatal(err)
	}
	r = s.run(t, "--json", "backup", "--images", dir)
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("third run: exit %d, the result is not JSON: %v\n%s", r.code, err, r.stderr)
	}
	if r.code != exitOK || res.New != 1 {
		t.Fatalf("third run: exit %d, %+v\n%s", r.code, res, r.stderr)
	}
	now := snapshot(t, dir)
	for name, body := range now {
		switch {
		case name == "groups/"+g+".jsonl":
			if !strings.HasPrefix(body, files[name]) || !strings.Contains(body[len(files[name]):], `"id":"`+sent.ID+`"`) {
				t.Errorf("%s did not grow by the new message", name)
			}
		case name == manifestName:
		case body != files[name]:
			t.Errorf("%s changed though nothing new was in it", name)
		}
	}
	checkBackup(t, s, dir, true)

	// --no-dms leaves direct conversations out.
	dir2 := filepath.Join(t.TempDir(), "nodms")
	if r := s.run(t, "backup", "--no-dms", dir2); r.code != exitOK {
		t.Fatalf("--no-dms: exit %d\n%s", r.code, r.stderr)
	}
	for _, e := range checkBackup(t, s, dir2, false).Conversations {
		if e.Kind == "chat" {
			t.Errorf("--no-dms saved %s", e.File)
		}
	}
}

// Both kinds of refusal are waited out: 429 without Retry-After (the
// pacer finds the pace) and 420 with one (everything holds).
func TestBackupUnderEitherRefusal(t *testing.T) {
	t.Parallel()
	for _, l := range []contracttest.RateLimit{
		{Rate: 30, Burst: 1},
		{Rate: 20, Burst: 4, Status: 420, RetryAfter: true},
	} {
		s := startFakeServer(t, 250, contracttest.WithRateLimit(l))
		dir := t.TempDir()
		r := s.run(t, "--json", "backup", dir)
		if r.code != exitOK {
			t.Fatalf("%+v: exit %d\n%s", l, r.code, r.stderr)
		}
		checkBackup(t, s, dir, true)
		t.Logf("%+v: %+v", l, s.fake.RateLimitStats())
		if st := s.fake.RateLimitStats(); st.Refused == 0 {
			t.Errorf("%+v: nothing was refused, so nothing was tested", l)
		}
	}
}

// A manifest that names a file outside its place is refused before
// anything is written.
func TestBackupRefusesAForeignManifest(t *testing.T) {
	t.Parallel()
	s := startFakeServer(t, 50)
	dir := t.TempDir()
	bad := `{"version":1,"conversations":[{"kind":"group","id":"1","file":"../../outside.jsonl"}]}`
	if err := os.WriteFile(filepath.Join(dir, manifestName), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.run(t, "backup", dir)
	if r.code != exitAPI || !strings.Contains(r.stderr, "not where this program saves it") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, manifestName)); string(b) != bad {
		t.Error("the manifest was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "groups", s.ds.Groups[0]+".jsonl")); err == nil {
		t.Error("messages were saved next to a foreign manifest")
	}
}

const backupChildEnv = "GROUPME_TEST_BACKUP_CHILD"

// backupChild runs the program with the JSON-encoded arguments in args
// (the token in GROUPME_TOKEN): a backup for a test to kill.
func backupChild(args string) int {
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		return 3
	}
	dir, _ := os.MkdirTemp("", "groupme-child")
	defer func() { _ = os.RemoveAll(dir) }() // a temporary config directory
	return run(context.Background(), argv, env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, configDir: dir})
}

// kill -9 at any moment, then run again: the directory ends byte for byte
// what an uninterrupted backup writes.
func TestBackupKilledThenRunAgain(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	s := startFakeServer(t, 3000, contracttest.WithRateLimit(contracttest.RateLimit{Rate: 150, Burst: 5}))
	whole := t.TempDir()
	if r := s.run(t, "backup", "--images", whole); r.code != exitOK {
		t.Fatalf("uninterrupted: exit %d\n%s", r.code, r.stderr)
	}
	want := snapshot(t, whole)
	big := "groups/" + s.ds.Groups[0] + ".jsonl"
	dir := t.TempDir()
	interrupted := 0
	// Kill it once early, once with part of the big group saved.
	for _, at := range []int{0, len(want[big]) / 3} {
		argv, _ := json.Marshal(s.args("backup", "--images", dir))
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), backupChildEnv+"="+string(argv), "GROUPME_TOKEN="+s.token)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for tick := time.NewTicker(time.Millisecond); time.Now().Before(deadline); <-tick.C {
			if fi, err := os.Stat(filepath.Join(dir, big)); err == nil && fi.Size() > int64(at) {
				break
			}
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if fi, err := os.Stat(filepath.Join(dir, big)); err == nil && fi.Size() < int64(len(want[big])) {
			interrupted++
		}
	}
	if interrupted == 0 {
		t.Fatal("every kill came after the big group was saved whole: nothing was tested")
	}
	if r := s.run(t, "backup", "--images", dir); r.code != exitOK {
		t.Fatalf("after kill -9: exit %d\n%s", r.code, r.stderr)
	}
	got := snapshot(t, dir)
	for name := range want {
		if got[name] != want[name] {
			t.Errorf("%s differs from the uninterrupted backup's", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s is left over", name)
		}
	}
}

// Picture downloads keep to http(s), name files only from the table of
// types and the URL's hash, and never follow a redirect from a public
// address into the local network.
func TestImageSaverRefuses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(placeholder)
		case "/evil":
			w.Header().Set("Content-Type", "image/png; name=../../../escape")
			_, _ = w.Write(placeholder)
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>"))
		case "/short":
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Content-Length", "1000")
			_, _ = w.Write(placeholder)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	a := &app{}
	s, err := a.newImageSaver(t.Context(), root, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{srv.URL + "/ok.png", srv.URL + "/evil", srv.URL + "/html", srv.URL + "/short", srv.URL + "/missing",
		"file:///etc/passwd", "ftp://example.com/x.png", "javascript:alert(1)", srv.URL + "/ok.png"} {
		s.add(u)
	}
	s.wait()
	var w bytes.Buffer
	saved, failed := s.result(&w)
	if saved != 2 || failed != 6 {
		t.Errorf("saved %d, failed %d; want 2 and 6:\n%s", saved, failed, w.String())
	}
	files := snapshot(t, dir)
	want := []string{"images/" + index.ImageName(srv.URL+"/evil") + ".png", "images/" + index.ImageName(srv.URL+"/ok.png") + ".png"}
	if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("files %v, want %v", got, want)
	}
	for _, why := range []string{"not a picture", "unexpected EOF", "404", "not an http(s) address"} {
		if !strings.Contains(w.String(), why) {
			t.Errorf("the failures do not say %q:\n%s", why, w.String())
		}
	}
}

func TestImageRedirectPolicy(t *testing.T) {
	t.Parallel()
	req := func(u string) *http.Request {
		r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		return r
	}
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"http://93.184.216.34/a.png", "http://127.0.0.1/b.png", false},
		{"https://93.184.216.34/a.png", "http://10.1.2.3/b.png", false},
		{"https://93.184.216.34/a.png", "http://[::1]/b.png", false},
		{"https://93.184.216.34/a.png", "http://169.254.169.254/latest", false},
		{"https://93.184.216.34/a.png", "http://localhost/b.png", false},
		{"https://93.184.216.34/a.png", "https://93.184.216.35/b.png", true},
		{"http://127.0.0.1/a.png", "http://127.0.0.1/b.png", true},
		{"https://93.184.216.34/a.png", "file:///etc/passwd", false},
	} {
		err := newDownloadClient(0).CheckRedirect(req(tc.to), []*http.Request{req(tc.from)})
		if (err == nil) != tc.ok {
			t.Errorf("%s -> %s: %v", tc.from, tc.to, err)
		}
	}
	via := make([]*http.Request, maxRedirects)
	for i := range via {
		via[i] = req("https://93.184.216.34/a.png")
	}
	if newDownloadClient(0).CheckRedirect(req("https://93.184.216.34/b.png"), via) == nil {
		t.Error("followed more than maxRedirects redirects")
	}
}

var placeholder = func() []byte {
	// A 1x1 PNG.
	return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
}()

// A direct conversation's pages are checked by conversation_id: another
// conversation's message, or a group's, stops the export; a message
// without conversation_id is taken (GroupMe may leave it out).
func TestCheckPageChat(t *testing.T) {
	t.Parallel()
	conv := conversation{kind: "chat", id: "2", convID: "1+2", newest: "30"}
	msg := func(id, convID, groupID string) client.ArchivedMessage {
		return client.ArchivedMessage{ID: id, ConversationID: convID, GroupID: groupID, JSON: []byte(`{"id":"` + id + `"}`)}
	}
	for _, tc := range []struct {
		name string
		msgs []client.ArchivedMessage
		n    int
		err  string
	}{
		{"its own", []client.ArchivedMessage{msg("11", "1+2", ""), msg("12", "", "")}, 2, ""},
		{"another conversation", []client.ArchivedMessage{msg("11", "1+3", "")}, 0, `of conversation "1+3"`},
		{"a group's", []client.ArchivedMessage{msg("11", "", "7")}, 0, `of group "7"`},
	} {
		n, _, err := checkPage(&client.ArchivePage{Messages: tc.msgs}, conv, "10")
		if n != tc.n || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: %d, %v; want %d, %q", tc.name, n, err, tc.n, tc.err)
		}
	}
	line := []byte(`{"id":"11","conversation_id":"1+3"}` + "\n")
	if _, err := checkExportLine(line, conv, ""); err == nil || !strings.Contains(err.Error(), "the direct conversation with user 2") {
		t.Errorf("resume took another conversation's line: %v", err)
	}
}

// A conversation GroupMe pages wrongly is named with the reason, exit 1,
// and everything else is saved; once GroupMe behaves, the next run
// completes it.
func TestBackupSavesTheRestAndSaysWhatFailed(t *testing.T) {
	t.Parallel()
	s := startFakeServer(t, 250, contracttest.WithFaults(contracttest.FaultRule{
		Fault: contracttest.MissingID(), Operations: []string{"listDirectMessages"}, Times: 3}))
	dir := t.TempDir()
	r := s.run(t, "backup", "--parallel", "1", dir)
	if r.code != exitAPI || !strings.Contains(r.stderr, "could not save the direct conversation with user") ||
		!strings.Contains(r.stderr, "without an id") || !strings.Contains(r.stderr, "3 of ") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, e := range readManifestFile(t, dir).Conversations {
		if (e.Kind == "chat") == (e.Complete || e.Error == "") {
			t.Errorf("entry %+v", e)
		}
	}
	if r := s.run(t, "backup", dir); r.code != exitOK {
		t.Fatalf("once GroupMe behaves: exit %d\n%s", r.code, r.stderr)
	}
	checkBackup(t, s, dir, true)
}

// A group the user left, which GroupMe no longer shows, is named with
// what to do; everything else is saved.
func TestBackupFormerGroupNotShown(t *testing.T) {
	t.Parallel()
	s := startFakeServer(t, 50)
	s.token = s.ds.Users[1].Token // Users[1] left FormerGroup
	dir := t.TempDir()
	r := s.run(t, "backup", "--former", dir)
	if r.code != exitAPI || !strings.Contains(r.stderr, "group "+s.ds.FormerGroup) || !strings.Contains(r.stderr, "rejoin it to save them") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var former manifestEntry
	for _, e := range readManifestFile(t, dir).Conversations {
		if e.ID == s.ds.FormerGroup {
			former = e
		} else if !e.Complete {
			t.Errorf("%s not saved: %s", e.File, e.Error)
		}
	}
	if !former.Former || former.Complete || former.File != "" || former.Error == "" {
		t.Errorf("the former group's entry: %+v", former)
	}
	if _, err := os.Stat(filepath.Join(dir, "groups", s.ds.FormerGroup+".jsonl")); err == nil {
		t.Error("an empty file was made for a group GroupMe does not show")
	}
}
