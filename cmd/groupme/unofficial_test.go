package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

func TestPollCommands(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	id := seeded(t, srv)
	r := runOn(t, srv, "poll", "create", id.group, "Saturday route?", "Valley Green", "Forbidden Drive", "--multi")
	mustOK(t, r)
	golden(t, "poll-create.txt", r.stdout)
	var created struct {
		Poll struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"poll"`
	}
	r = runOn(t, srv, "--json", "poll", "list", id.group)
	mustOK(t, r)
	var list []struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 {
		t.Fatalf("poll list: %v %q", err, r.stdout)
	}
	created.Poll.Data.ID = list[0].Data.ID
	pid := created.Poll.Data.ID

	// Options by title (any case) or by id.
	r = runOn(t, srv, "poll", "vote", id.group, pid, "forbidden drive", "1")
	mustOK(t, r)
	golden(t, "poll-vote.txt", r.stdout)
	r = runOn(t, srv, "--json", "poll", "show", id.group, pid)
	mustOK(t, r)
	golden(t, "poll-show.json", r.stdout)
	if !strings.Contains(r.stdout, `"votes": 1`) || !strings.Contains(r.stdout, `"user_votes"`) {
		t.Errorf("the vote does not show: %s", r.stdout)
	}
	r = runOn(t, srv, "poll", "vote", id.group, pid, "Nowhere")
	if r.code != exitUsage || !strings.Contains(r.stderr, `no option "Nowhere"`) {
		t.Errorf("unknown option: exit %d, %q", r.code, r.stderr)
	}
	r = runOn(t, srv, "poll", "create", id.group, "Only one?", "Yes")
	if r.code != exitUsage {
		t.Errorf("a poll with one option: exit %d", r.code)
	}
	r = runOn(t, srv, "poll", "end", id.group, pid)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "past") {
		t.Errorf("poll end: %q", r.stdout)
	}
}

func TestPinUnpinAndDelete(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	id := seeded(t, srv)
	r := runOn(t, srv, "pin", id.group, id.message)
	mustOK(t, r)
	golden(t, "pin.txt", r.stdout)
	r = runOn(t, srv, "pins", id.group)
	mustOK(t, r)
	golden(t, "pins.txt", r.stdout)
	if !strings.Contains(r.stdout, id.message) {
		t.Errorf("the pinned message is not listed: %q", r.stdout)
	}
	if r = runOn(t, srv, "pin", id.group, id.message); r.code != exitAPI || !strings.Contains(r.stderr, "already pinned") {
		t.Errorf("pinning twice: exit %d, %q", r.code, r.stderr)
	}
	r = runOn(t, srv, "unpin", id.group, id.message)
	mustOK(t, r)
	golden(t, "unpin.txt", r.stdout)
	if r = runOn(t, srv, "pins", id.group); strings.Contains(r.stdout, id.message) {
		t.Errorf("still pinned: %q", r.stdout)
	}

	r = runOn(t, srv, "--json", "send", id.group, "typo in here")
	mustOK(t, r)
	var sent struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sent); err != nil || sent.ID == "" {
		t.Fatalf("send: %v %q", err, r.stdout)
	}
	r = runOn(t, srv, "delete", id.group, sent.ID)
	mustOK(t, r)
	golden(t, "delete.txt", strings.ReplaceAll(r.stdout, sent.ID, "MESSAGE_ID"))
	r = runOn(t, srv, "messages", id.group, "--limit", "1")
	mustOK(t, r)
	if !strings.Contains(r.stdout, "This message was deleted") || strings.Contains(r.stdout, "typo in here") {
		t.Errorf("the deleted message lists as %q", r.stdout)
	}
	if r = runOn(t, srv, "delete", id.group); r.code != exitUsage {
		t.Errorf("delete without a message: exit %d", r.code)
	}
}

func TestEventsCommand(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	id := seeded(t, srv)
	c, err := client.New(srv.Token, client.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []client.EventCreateRequest{
		{Name: "Trail cleanup", StartAt: "2026-12-06T09:00:00-05:00", EndAt: "2026-12-06T12:00:00-05:00", Timezone: "America/New_York",
			Location: &client.EventLocation{Name: client.Ptr("Valley Green Inn")}},
		{Name: "Past run", StartAt: "2026-10-01T09:00:00Z", EndAt: "2026-10-01T10:00:00Z", Timezone: "UTC"},
		{Name: "Night run", StartAt: "2026-11-28T19:00:00-05:00", EndAt: "2026-11-28T20:00:00-05:00", Timezone: "America/New_York"},
	} {
		if _, err := c.Unofficial().CreateEvent(t.Context(), id.group, e); err != nil {
			t.Fatal(err)
		}
	}
	r := runOn(t, srv, "events", id.group)
	mustOK(t, r)
	golden(t, "events.txt", r.stdout)
	if strings.Contains(r.stdout, "Past run") || strings.Index(r.stdout, "Night run") > strings.Index(r.stdout, "Trail cleanup") {
		t.Errorf("events from today, soonest first: %q", r.stdout)
	}
	if r = runOn(t, srv, "events", id.group, "--from", "2026-09-01"); !strings.Contains(r.stdout, "Past run") {
		t.Errorf("--from: %q", r.stdout)
	}
	if r = runOn(t, srv, "events", id.group, "--from", "tomorrow"); r.code != exitUsage {
		t.Errorf("a bad --from: exit %d", r.code)
	}
}

// galleryPhotos counts the photos of a group as the fake stores them.
func galleryPhotos(t *testing.T, srv *contracttest.Server, group string) int {
	n := 0
	for _, m := range srv.Fake.GroupMessages(group) {
		for _, a := range m.Attachments {
			if d := a.Type(); d == "image" {
				n++
			}
		}
	}
	if n < 50 {
		t.Fatalf("the demo group has only %d photos", n)
	}
	return n
}

// runFast is runOn with the client's back-off cut to a millisecond, so
// tests that meet rate limits do not wait in real time.
func runFast(t *testing.T, srv *contracttest.Server, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	vars := map[string]string{"GROUPME_TOKEN": srv.Token}
	e := env{
		stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] },
		now: func() time.Time { return epoch }, configDir: t.TempDir(),
		clientOpts: []client.Option{client.WithBackoff(time.Millisecond, time.Millisecond)},
		sleep:      func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}
	code := run(t.Context(), append([]string{"--base-url", srv.URL, "--image-url", srv.ImageURL}, args...), e)
	return result{out.String(), errb.String(), code}
}

func downloadResult(t *testing.T, r result) galleryResult {
	t.Helper()
	mustOK(t, r)
	var res galleryResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	return res
}

func TestGalleryListAndDownload(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	id := seeded(t, srv)
	r := runOn(t, srv, "gallery", id.group, "--limit", "5")
	mustOK(t, r)
	golden(t, "gallery.txt", r.stdout)

	want := galleryPhotos(t, srv, id.group)
	dir := filepath.Join(t.TempDir(), "photos")
	r = runOn(t, srv, "--json", "gallery", id.group, "--download", dir)
	res := downloadResult(t, r)
	if res.Photos != want || res.Downloaded != want || res.Skipped != 0 {
		t.Fatalf("first run: %+v, want %d photos", res, want)
	}
	if !strings.Contains(r.stderr, "gallery "+id.group+": ") {
		t.Errorf("no progress on stderr: %q", r.stderr)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != want {
		t.Fatalf("%d files, want %d", len(files), want)
	}
	first, _ := os.ReadFile(filepath.Join(dir, files[0].Name()))
	if !bytes.HasPrefix(first, []byte{0xff, 0xd8}) || !strings.HasSuffix(files[0].Name(), ".jpg") {
		t.Errorf("%s is not a JPEG", files[0].Name())
	}

	// An interrupted run leaves missing files and a partial one; the next
	// run fetches exactly those.
	for _, err := range []error{
		os.Remove(filepath.Join(dir, files[0].Name())),
		os.Remove(filepath.Join(dir, files[1].Name())),
		os.WriteFile(filepath.Join(dir, files[1].Name()+".part"), []byte("half"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	res = downloadResult(t, runOn(t, srv, "--json", "gallery", id.group, "--download", dir))
	if res.Downloaded != 2 || res.Skipped != want-2 {
		t.Fatalf("resumed run: %+v", res)
	}
	again, _ := os.ReadFile(filepath.Join(dir, files[0].Name()))
	if !bytes.Equal(again, first) {
		t.Error("the re-downloaded photo differs")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.part"))
	if len(left) != 0 {
		t.Errorf("partial files left: %v", left)
	}
}

func TestGalleryDownloadRidesOutRateLimits(t *testing.T) {
	t.Parallel()
	srv := newServer(t,
		contracttest.WithFaults(
			contracttest.FaultRule{Fault: contracttest.RateLimited(429, "0"), Operations: []string{"listGallery"}, Every: 2},
			// Operations names a call the download never makes, so these
			// two rules hit only the pictures.
			contracttest.FaultRule{Fault: contracttest.RateLimited(429, "0"), Operations: []string{"uploadImage"}, ImageDownloads: true, Every: 7},
			contracttest.FaultRule{Fault: contracttest.ServerError(503), Operations: []string{"uploadImage"}, ImageDownloads: true, Every: 11, Times: 2},
		))
	id := seeded(t, srv)
	want := galleryPhotos(t, srv, id.group)
	dir := t.TempDir()
	res := downloadResult(t, runFast(t, srv, "--json", "gallery", id.group, "--download", dir))
	if res.Downloaded != want {
		t.Fatalf("downloaded %d of %d photos: %+v", res.Downloaded, want, res)
	}
	files, _ := os.ReadDir(dir)
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, f.Name())
	}
	if len(names) != want || slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, ".part") }) {
		t.Errorf("%d files (want %d), partial ones among them: %v", len(names), want, names[:min(5, len(names))])
	}
	if srv.Fake.Calls("listGallery") < 2*(res.Entries/galleryPage) {
		t.Errorf("listGallery was called %d times; the 429s should have cost retries", srv.Fake.Calls("listGallery"))
	}
}

func TestGalleryDownloadGivesUpOnBrokenPictures(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.RateLimited(429, "0"), Operations: []string{"uploadImage"}, ImageDownloads: true}))
	id := seeded(t, srv)
	r := runFast(t, srv, "gallery", id.group, "--download", t.TempDir())
	if r.code != exitAPI || !strings.Contains(r.stderr, "gave up after") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestGalleryDownloadStopsWhenRateLimitedForever(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.RateLimited(429, "0"), Operations: []string{"listGallery"}}))
	id := seeded(t, srv)
	r := runFast(t, srv, "gallery", id.group, "--download", t.TempDir())
	if r.code != exitAPI || !strings.Contains(r.stderr, "429") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if n := srv.Fake.Calls("listGallery"); n > (maxStalledRounds+1)*(exportRetries+1) {
		t.Errorf("listGallery was called %d times", n)
	}
}
