package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// hostileGallery serves one gallery page whose entries carry the ids
// given, each with one picture at /pic/<n> on the same server, and an empty
// page after it.
func hostileGallery(t *testing.T, ids []string, pic http.HandlerFunc) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/gallery"):
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Query().Get("before") != "" {
				fmt.Fprint(w, `{"response":{"messages":[]},"meta":{"code":200}}`)
				return
			}
			var entries []string
			for i, id := range ids {
				entries = append(entries, fmt.Sprintf(`{"id":%q,"source_guid":"g%d","created_at":1700000000,"user_id":"1","group_id":"1","name":"x","text":null,"system":false,"favorited_by":[],"gallery_ts":"2023-11-14T22:13:%02d.000Z","attachments":[{"type":"image","url":"%s/pic/%d"}]}`, id, i, 59-i, srv.URL, i))
			}
			fmt.Fprintf(w, `{"response":{"messages":[%s]},"meta":{"code":200}}`, strings.Join(entries, ","))
		case strings.HasPrefix(r.URL.Path, "/pic/"):
			pic(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func jpeg(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write([]byte{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3})
}

// TestGalleryIDsCannotLeaveTheDirectory: message ids with path separators
// and dot-dot from a hostile server name no file; only the digit id is saved,
// nothing appears outside the directory, and the run says what it refused.
func TestGalleryIDsCannotLeaveTheDirectory(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir := filepath.Join(base, "a", "b", "photos")
	ids := []string{"123", "../../../X", "1/../../../../../../../../../../tmp/X", "..", "/etc/passwd", `..\..\X`, "12a", ""}
	srv := hostileGallery(t, ids, jpeg)
	r := runWith(t, t.Context(), map[string]string{"GROUPME_TOKEN": "tok-" + strings.Repeat("x", 20)}, nil,
		"--base-url", srv.URL, "gallery", "1", "--download", dir)
	if r.code != exitAPI || !strings.Contains(r.stderr, "not GroupMe ids") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	var files []string
	_ = filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, strings.TrimPrefix(p, base))
		}
		return nil
	})
	if len(files) != 1 || files[0] != "/a/b/photos/123-1.jpg" {
		t.Errorf("files written: %q, want only /a/b/photos/123-1.jpg", files)
	}
}

// TestGalleryRedirects: a picture that redirects to a non-web scheme, or
// around in circles, is not saved; the number of redirects followed is
// bounded.
func TestGalleryRedirects(t *testing.T) {
	t.Parallel()
	var hops atomic.Int32
	srv := hostileGallery(t, []string{"7", "8"}, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/0") {
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
			return
		}
		hops.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusFound) // forever
	})
	dir := t.TempDir()
	r := runWith(t, t.Context(), map[string]string{"GROUPME_TOKEN": "tok-" + strings.Repeat("x", 20)}, nil,
		"--base-url", srv.URL, "gallery", "1", "--download", dir)
	if r.code != exitAPI || !strings.Contains(r.stderr, `refusing a redirect to a "file" address`) {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files saved: %v", entries)
	}
	if hops.Load() != 0 {
		t.Errorf("the second picture was fetched although the first failed for good: %d", hops.Load())
	}
}

func TestDownloadAddressRules(t *testing.T) {
	t.Parallel()
	for host, public := range map[string]bool{
		"i.groupme.com": true, "93.184.216.34": true, "2606:2800:220:1::": true,
		"localhost": false, "LOCALHOST.": false, "a.localhost": false, "127.0.0.1": false, "127.1.2.3": false,
		"10.0.0.1": false, "172.16.5.4": false, "192.168.1.1": false, "169.254.169.254": false, "100.64.0.1": false,
		"0.0.0.0": false, "::1": false, "fe80::1": false, "fd00::1": false, "::ffff:127.0.0.1": false, "224.0.0.1": false,
	} {
		if got := publicHost(host); got != public {
			t.Errorf("publicHost(%q) = %v, want %v", host, got, public)
		}
	}
	// A download that starts at a public name may not dial a private
	// address, whatever the name resolves to; here the dial itself is
	// refused before any connection.
	hc := newDownloadClient(0)
	u, _ := url.Parse("http://public.example/")
	ctx := downloadContext(t.Context(), u)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:1/x", nil)
	if _, err := hc.Do(req); err == nil || !strings.Contains(err.Error(), "refusing to connect") {
		t.Errorf("dial to loopback from a public start: %v", err)
	}
	for _, id := range []string{"1", "123456789012345678"} {
		if !validID(id) {
			t.Errorf("validID(%q) = false", id)
		}
	}
	for _, id := range []string{"", "../1", "1/2", "1.2", "-1", "١٢", strings.Repeat("1", 31)} {
		if validID(id) {
			t.Errorf("validID(%q) = true", id)
		}
	}
}
