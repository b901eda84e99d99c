package main

import (
	"bufio"
	"context"
	"encoding/json"
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
