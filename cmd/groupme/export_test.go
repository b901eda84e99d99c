package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// exportedIDs reads an export file and fails on anything but whole message
// lines.
func exportedIDs(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil || m.ID == "" {
			t.Fatalf("line %d of %s is not a message: %q", len(ids)+1, path, sc.Text())
		}
		ids = append(ids, m.ID)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// wantHistory checks that the file holds the group's whole history, oldest
// first, every message exactly once.
func wantHistory(t *testing.T, srv *contracttest.Server, group, path string) {
	t.Helper()
	got := exportedIDs(t, path)
	want := srv.Fake.GroupMessages(group)
	if len(got) != len(want) {
		t.Fatalf("export has %d messages, the group %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i].ID {
			t.Fatalf("line %d is message %s, want %s (gap, repeat or wrong order)", i+1, got[i], want[i].ID)
		}
	}
}

func TestExportWholeHistory(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	group := srv.Dataset.Groups[0]
	out := filepath.Join(t.TempDir(), "export.jsonl")
	r := runOn(t, srv, "--json", "export", group, "--out", out)
	mustOK(t, r)
	wantHistory(t, srv, group, out)
	var res exportResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.Messages != 10000 || res.New != 10000 || res.File != out {
		t.Fatalf("summary %q", r.stdout)
	}
	// Not a terminal: plain progress lines, ending at the group's count.
	if !strings.Contains(r.stderr, "10000/10000 messages (100%)") || strings.Contains(r.stderr, "\r") {
		t.Errorf("progress on stderr: %q", r.stderr)
	}
}

// cancelAfter is a transport that cancels the run after n message pages,
// the way Ctrl-C stops a real export part-way.
type cancelAfter struct {
	base   http.RoundTripper
	n      int32
	seen   atomic.Int32
	cancel context.CancelFunc
}

func (c *cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/messages") && c.seen.Add(1) > c.n {
		c.cancel()
		return nil, context.Canceled
	}
	return c.base.RoundTrip(r)
}

func TestExportInterruptedThenResumed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	group := srv.Dataset.Groups[0]
	out := filepath.Join(t.TempDir(), "export.jsonl")
	args := []string{"--base-url", srv.URL, "export", group, "--out", out}
	vars := map[string]string{"GROUPME_TOKEN": srv.Token}

	// First run: stopped after 37 pages.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stop := &cancelAfter{base: http.DefaultTransport, n: 37, cancel: cancel}
	var buf strings.Builder
	e := env{stdout: &buf, stderr: &buf, getenv: func(k string) string { return vars[k] }, configDir: t.TempDir(),
		clientOpts: []client.Option{client.WithHTTPClient(&http.Client{Transport: stop})}}
	if code := run(ctx, args, e); code != exitAPI || !strings.Contains(buf.String(), "--resume") {
		t.Fatalf("interrupted export: exit %d, output %q", code, buf.String())
	}
	partial := exportedIDs(t, out)
	if len(partial) != 3700 {
		t.Fatalf("after 37 pages the file has %d messages, want 3700", len(partial))
	}

	// Then the program is killed in the middle of writing a line.
	f, err := os.OpenFile(out, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"id":"17000000000000`); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// --resume cuts the partial line and carries on after the last whole one.
	r := runWith(t, t.Context(), vars, nil, append([]string{"--json"}, append(args, "--resume")...)...)
	mustOK(t, r)
	var res exportResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.New != 6300 || res.Messages != 10000 {
		t.Fatalf("resume summary %q", r.stdout)
	}
	wantHistory(t, srv, group, out)

	// Resuming a finished export adds nothing.
	r = runWith(t, t.Context(), vars, nil, append([]string{"--json"}, append(args, "--resume")...)...)
	mustOK(t, r)
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.New != 0 {
		t.Fatalf("second resume summary %q", r.stdout)
	}
	wantHistory(t, srv, group, out)
}

func TestExportRidesOutRateLimits(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{
		Fault: contracttest.RateLimited(429, "0"), Every: 50,
	}))
	group := srv.Dataset.Groups[0]
	out := filepath.Join(t.TempDir(), "export.jsonl")
	mustOK(t, runOn(t, srv, "export", group, "--out", out))
	wantHistory(t, srv, group, out)
	if got := srv.Fake.Calls("listMessages"); got < 101 {
		t.Errorf("listMessages was called %d times; the 429s should have cost retries", got)
	}
}

func TestExportRefusesForeignFile(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	out := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(out, []byte("shopping list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runOn(t, srv, "export", srv.Dataset.Groups[0], "--out", out, "--resume")
	if r.code != exitAPI || !strings.Contains(r.stderr, "not an exported message") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "shopping list\n" {
		t.Errorf("the file was changed: %q", b)
	}
}

func TestProgressOnTerminal(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	now := epoch
	p := newProgress(&b, true, "export 1", 200, 0, func() time.Time { return now })
	now = now.Add(time.Second)
	p.add(100)
	now = now.Add(time.Second)
	p.add(100)
	p.finish()
	out := b.String()
	if !strings.Contains(out, "\r") || !strings.Contains(out, "200/200 100%") || !strings.Contains(out, "100/s") || !strings.HasSuffix(out, "\n") {
		t.Errorf("terminal progress %q", out)
	}
}

func TestProgressRateCountsOnlyThisRun(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	now := epoch
	// 9,000 of 10,000 lines were on disk already; this run adds 100 a second.
	p := newProgress(&b, false, "export 1", 10000, 9000, func() time.Time { return now })
	now = now.Add(10 * time.Second)
	p.add(1000)
	p.finish()
	if out := b.String(); !strings.Contains(out, "10000/10000") || !strings.Contains(out, ", 100/s") {
		t.Errorf("progress %q: the rate must count only this run's 1000 lines in 10 s", out)
	}
	b.Reset()
	now = epoch
	p = newProgress(&b, false, "export 1", 10000, 9000, func() time.Time { return now })
	now = now.Add(10 * time.Second)
	p.add(500)
	if out := b.String(); !strings.Contains(out, "50/s, eta 10s") {
		t.Errorf("progress %q: 500 left at 50/s is 10 s", out)
	}
}

// wantPrefix checks that the file holds the oldest messages of the group,
// in order, each once, and returns how many.
func wantPrefix(t *testing.T, srv *contracttest.Server, group, path string) int {
	t.Helper()
	got := exportedIDs(t, path)
	want := srv.Fake.GroupMessages(group)
	if len(got) > len(want) {
		t.Fatalf("export has %d messages, the group %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i].ID {
			t.Fatalf("line %d is message %s, want %s (gap, repeat or wrong order)", i+1, got[i], want[i].ID)
		}
	}
	return len(got)
}

// TestExportRefusesBrokenPaging runs the export against a server whose
// 20th message page misbehaves once: each must fail with exit 1 and a
// message naming the problem, keep only checked whole pages, and resume to
// the exact history once the server behaves.
func TestExportRefusesBrokenPaging(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		fault contracttest.Fault
		want  string
	}{
		{"repeated page", contracttest.RepeatPage(), "the page repeats or goes backwards"},
		{"cursor repeated", contracttest.OverlapPage(), "twice"},
		{"empty page", contracttest.EmptyPage(), "empty page after message"},
		{"reversed page", contracttest.ReversePage(), "is out of order"},
		{"missing id", contracttest.MissingID(), "a message without an id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{
				Fault: tc.fault, Operations: []string{"listMessages"}, Every: 20, Times: 1,
			}))
			group := srv.Dataset.Groups[0]
			out := filepath.Join(t.TempDir(), "export.jsonl")
			r := runOn(t, srv, "export", group, "--out", out)
			if r.code != exitAPI || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "--resume") {
				t.Fatalf("exit %d, stderr %q; want exit 1 naming %q and --resume", r.code, r.stderr, tc.want)
			}
			if n := wantPrefix(t, srv, group, out); n != 1900 {
				t.Errorf("the file keeps %d messages, want the 19 whole pages before the bad one", n)
			}
			// The fault fired once; the server behaves again.
			mustOK(t, runOn(t, srv, "export", group, "--out", out, "--resume"))
			wantHistory(t, srv, group, out)
		})
	}
}

// TestExportNoticesSkippedMessages: a page that jumps ahead leaves no trace
// in the ids; only GroupMe's count reveals it.
func TestExportNoticesSkippedMessages(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{
		Fault: contracttest.SkipMessages(), Operations: []string{"listMessages"}, Every: 20, Times: 1,
	}))
	group := srv.Dataset.Groups[0]
	out := filepath.Join(t.TempDir(), "export.jsonl")
	r := runOn(t, srv, "export", group, "--out", out)
	if r.code != exitAPI || !strings.Contains(r.stderr, "9950 messages but GroupMe counts 10000: 50 are missing") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	// Resuming the same file cannot fill a gap: it fails the same way.
	r = runOn(t, srv, "export", group, "--out", out, "--resume")
	if r.code != exitAPI || !strings.Contains(r.stderr, "50 are missing") {
		t.Fatalf("resume: exit %d, stderr %q", r.code, r.stderr)
	}
	// Accepting the shortfall is an explicit choice, and still warned about.
	r = runOn(t, srv, "export", group, "--out", out, "--resume", "--allow-missing", "50")
	mustOK(t, r)
	if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, "50 missing") {
		t.Errorf("no warning: %q", r.stderr)
	}
	// Exporting again, with the server well, gives the whole history.
	mustOK(t, runOn(t, srv, "export", group, "--out", out))
	wantHistory(t, srv, group, out)
}

// TestExportResumeRefusesWrongFile: a file that is not an export of this
// group, as it is now, is refused before anything is written to it.
func TestExportResumeRefusesWrongFile(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	id := seeded(t, srv)
	dir := t.TempDir()
	other := filepath.Join(dir, "other.jsonl")
	mustOK(t, runOn(t, srv, "export", id.other, "--out", other))
	msgs := srv.Fake.GroupMessages(id.group)
	newest := msgs[len(msgs)-1].ID
	line := func(id, group string) string {
		return `{"id":"` + id + `","group_id":"` + group + `","text":"x"}` + "\n"
	}
	first, second := msgs[0].ID, msgs[1].ID
	cases := []struct {
		name, content, want string
	}{
		{"another group's export", "", `of group "` + id.other + `", not of group ` + id.group},
		{"past the newest message", line(first, id.group) + line(newest+"0", id.group), "newer than group " + id.group + "'s newest message"},
		{"out of order", line(second, id.group) + line(first, id.group), "the file is not in order"},
		{"repeated line", line(first, id.group) + line(first, id.group), "the file is not in order"},
		{"line without id", line(first, id.group) + `{"group_id":"` + id.group + `"}` + "\n", "line 2 is a message without an id"},
		{"id that is not a number", `{"id":"abc","group_id":"` + id.group + `"}` + "\n", `has id "abc"`},
		{"not JSON", "shopping list\n", "line 1 is not an exported message"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := other
			if tc.content != "" {
				path = filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".jsonl")
				if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := os.ReadFile(path)
			r := runOn(t, srv, "export", id.group, "--out", path, "--resume")
			if r.code != exitAPI || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "refusing to resume") {
				t.Fatalf("exit %d, stderr %q; want %q", r.code, r.stderr, tc.want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Errorf("the refused file was changed")
			}
		})
	}
}

// endless is a reader of one line that never ends, like /dev/zero; it
// counts what was read.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestScanExportBoundsTheLine(t *testing.T) {
	t.Parallel()
	r := &endless{}
	_, _, err := scanExport(r, conversation{kind: "group", id: "1"})
	if err == nil || !strings.Contains(err.Error(), "longer than 4 MiB") {
		t.Fatalf("err %v", err)
	}
	if r.n > maxExportLine+128<<10 {
		t.Errorf("read %d bytes of an endless line; the scan must stop near %d", r.n, maxExportLine)
	}
}

func TestExportResumeDevZero(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	srv := newServer(t)
	r := runOn(t, srv, "export", srv.Dataset.Groups[0], "--out", "/dev/zero", "--resume")
	if r.code != exitAPI || !strings.Contains(r.stderr, "refusing to resume /dev/zero: line 1 is longer than 4 MiB") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// runSleeping runs the program against srv with a fake sleep that records
// each wait instead of waiting.
func runSleeping(t *testing.T, srv *contracttest.Server, args ...string) (result, []time.Duration) {
	t.Helper()
	var out, errb strings.Builder
	var waits []time.Duration
	e := env{
		stdout: &out, stderr: &errb,
		getenv:    func(k string) string { return map[string]string{"GROUPME_TOKEN": srv.Token}[k] },
		now:       func() time.Time { return epoch },
		sleep:     func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
		configDir: t.TempDir(),
		// The client's own retries would wait in real time.
		clientOpts: []client.Option{client.WithBackoff(time.Millisecond, time.Millisecond)},
	}
	code := run(t.Context(), append([]string{"--base-url", srv.URL, "--image-url", srv.ImageURL}, args...), e)
	return result{out.String(), errb.String(), code}, waits
}

// TestExportGivesUpOnALongOutage: a server that stays unavailable, asking
// each time for two minutes (more than the client waits by itself), is
// waited out up to --max-wait in all, then the export stops with the
// resume hint.
func TestExportGivesUpOnALongOutage(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{
		Fault: contracttest.Fault{Kind: contracttest.FaultStatus, Status: 503, RetryAfter: "120"}, Operations: []string{"listMessages"},
	}))
	out := filepath.Join(t.TempDir(), "export.jsonl")
	r, waits := runSleeping(t, srv, "export", srv.Dataset.Groups[0], "--out", out, "--max-wait", "5m")
	if r.code != exitAPI || len(waits) != 2 {
		t.Fatalf("exit %d after %d waits (%v); stderr %q", r.code, len(waits), waits, r.stderr)
	}
	for _, want := range []string{"GroupMe is unavailable; waiting 2m0s", "giving up: GroupMe is unavailable and waiting 2m0s more would exceed --max-wait 5m0s", "--resume"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "rate limit") {
		t.Errorf("a 503 was called a rate limit:\n%s", r.stderr)
	}
}

// TestExportRefusesAnEndlessRetryAfter: Retry-After: 999999 is not obeyed.
func TestExportRefusesAnEndlessRetryAfter(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{
		Fault: contracttest.RateLimited(429, "999999"), Operations: []string{"listMessages"},
	}))
	out := filepath.Join(t.TempDir(), "export.jsonl")
	r, waits := runSleeping(t, srv, "export", srv.Dataset.Groups[0], "--out", out)
	if r.code != exitAPI || len(waits) != 0 || !strings.Contains(r.stderr, "giving up: GroupMe is rate limiting and waiting 277h46m39s more would exceed --max-wait 15m0s") {
		t.Fatalf("exit %d after waits %v; stderr %q", r.code, waits, r.stderr)
	}
	if srv.Fake.Calls("listMessages") != 1 {
		t.Errorf("listMessages was called %d times; a Retry-After over the cap is not retried", srv.Fake.Calls("listMessages"))
	}
}

// TestCheckPage covers the page checks one by one, including those no
// fake fault produces.
func TestCheckPage(t *testing.T) {
	t.Parallel()
	msg := func(id, group string) client.ArchivedMessage {
		return client.ArchivedMessage{ID: id, GroupID: group, JSON: []byte(`{}`)}
	}
	page := func(ms ...client.ArchivedMessage) *client.ArchivePage { return &client.ArchivePage{Messages: ms} }
	cases := []struct {
		name    string
		page    *client.ArchivePage
		n       int
		reached bool
		err     string
	}{
		{"good", page(msg("11", "7"), msg("12", "7")), 2, false, ""},
		{"reaches the newest", page(msg("19", "7"), msg("20", "7"), msg("21", "7")), 2, true, ""},
		{"numbers of other lengths", page(msg("99", "7"), msg("100", "7")), 0, false, "skipped group 7's newest message 20"},
		{"empty", page(), 0, false, "empty page after message 10"},
		{"foreign group", page(msg("11", "7"), msg("12", "8")), 0, false, `message 12 of group "8"`},
		{"no id", page(msg("11", "7"), msg("", "7")), 0, false, "without an id"},
		{"id not a number", page(msg("1e3", "7")), 0, false, `id "1e3"`},
		{"the cursor again", page(msg("10", "7")), 0, false, "message 10 twice"},
		{"older than the cursor", page(msg("9", "7")), 0, false, "the page repeats or goes backwards"},
		{"out of order", page(msg("12", "7"), msg("11", "7")), 0, false, "out of order"},
		{"past the newest", page(msg("19", "7"), msg("21", "7")), 0, false, "skipped group 7's newest message 20"},
	}
	for _, tc := range cases {
		n, reached, err := checkPage(tc.page, conversation{kind: "group", id: "7", newest: "20"}, "10")
		if n != tc.n || reached != tc.reached || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %d, %v, %v; want %d, %v, %q", tc.name, n, reached, err, tc.n, tc.reached, tc.err)
		}
	}
}

// failingFile is an export file whose Sync or Close fails after doing the
// real thing, the way a full disk or a lost network share shows up only
// when the data is flushed; calls records the order of Sync and Close.
type failingFile struct {
	*os.File
	syncErr, closeErr error
	calls             []string
}

func (f *failingFile) Sync() error {
	f.calls = append(f.calls, "sync")
	if err := f.File.Sync(); err != nil {
		return err
	}
	return f.syncErr
}

func (f *failingFile) Close() error {
	f.calls = append(f.calls, "close")
	if err := f.File.Close(); err != nil {
		return err
	}
	return f.closeErr
}

// An export promises a complete file with exit 0: it syncs and closes the
// file, and a failure of either is exit 1 with the reason, not a silent
// success.
func TestExportFailsWhenSyncOrCloseFails(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	group := srv.Dataset.Groups[0]
	vars := map[string]string{"GROUPME_TOKEN": srv.Token}
	for _, tc := range []struct {
		name              string
		syncErr, closeErr error
		wantCode          int
		wantOut           string
	}{
		{"both succeed", nil, nil, exitOK, ""},
		{"sync fails", errors.New("sync export.jsonl: input/output error"), nil, exitAPI, "sync export.jsonl: input/output error"},
		{"close fails", nil, errors.New("close export.jsonl: no space left on device"), exitAPI, "close export.jsonl: no space left on device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "export.jsonl")
			var ff *failingFile
			var buf strings.Builder
			e := env{stdout: &buf, stderr: &buf, getenv: func(k string) string { return vars[k] }, configDir: t.TempDir(),
				exportFile: func(f *os.File) exportFile {
					ff = &failingFile{File: f, syncErr: tc.syncErr, closeErr: tc.closeErr}
					return ff
				}}
			code := run(t.Context(), []string{"--base-url", srv.URL, "export", group, "--out", out}, e)
			if code != tc.wantCode || !strings.Contains(buf.String(), tc.wantOut) {
				t.Fatalf("exit %d, output %q; want exit %d and %q", code, buf.String(), tc.wantCode, tc.wantOut)
			}
			if tc.wantCode != exitOK && !strings.Contains(buf.String(), "--resume") {
				t.Errorf("output %q does not say how to go on", buf.String())
			}
			if ff == nil || strings.Join(ff.calls, ",") != "sync,close" {
				t.Fatalf("file calls %v, want sync then close, each once", ff)
			}
			// The data itself reached the file in every case.
			wantHistory(t, srv, group, out)
		})
	}
}

// TestExportMaxWaitCountsTheClientsWaits: with a Retry-After the client
// would honour by itself (60 s, under its one-minute cap) on every page,
// --max-wait still bounds the whole wait: the pacer's hold is cut at the
// budget (here 1 s of real time), the retry is never sent, and the export
// stops with the resume hint instead of waiting six minutes.
func TestExportMaxWaitCountsTheClientsWaits(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{
		Fault: contracttest.RateLimited(429, "60"), Operations: []string{"listMessages"},
	}))
	out := filepath.Join(t.TempDir(), "export.jsonl")
	r, waits := runSleeping(t, srv, "export", srv.Dataset.Groups[0], "--out", out, "--max-wait", "1s")
	if r.code != exitAPI || len(waits) != 0 || !strings.Contains(r.stderr, "exceed --max-wait") || !strings.Contains(r.stderr, "--resume") {
		t.Fatalf("exit %d after waits %v; stderr %q", r.code, waits, r.stderr)
	}
	if n := srv.Fake.Calls("listMessages"); n != 1 {
		t.Errorf("listMessages was called %d times; the retry after the 60 s hold should not have been sent", n)
	}
}
