package contracttest

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// benchPages are the before_id cursors of the first five 100-message pages
// of the default dataset's big group, newest first ("" for the first page),
// so a benchmark walks a mix of every attachment type.
func benchPages(b *testing.B, srv *Server) []string {
	b.Helper()
	api := newFakeAPI(b, srv, srv.Token)
	cursors := []string{""}
	for len(cursors) < 5 {
		q := map[string][]string{"limit": {"100"}}
		if c := cursors[len(cursors)-1]; c != "" {
			q["before_id"] = []string{c}
		}
		r := api.do(http.MethodGet, "/groups/"+srv.Dataset.Groups[0]+"/messages", nil, q)
		var page struct {
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
		}
		r.decode(b, &page)
		if len(page.Messages) != 100 {
			b.Fatalf("page %d has %d messages", len(cursors), len(page.Messages))
		}
		cursors = append(cursors, page.Messages[99].ID)
	}
	return cursors
}

// BenchmarkFakeListMessages measures how fast the fake serves 100-message
// pages over loopback with every request and response validated against the
// spec by kin-openapi: the floor of any test or export run against it.
func BenchmarkFakeListMessages(b *testing.B) {
	srv := NewServer(b)
	cursors := benchPages(b, srv)
	hc := srv.Client()
	base := srv.URL + "/groups/" + srv.Dataset.Groups[0] + "/messages?limit=100"
	urls := make([]string, len(cursors))
	for i, c := range cursors {
		urls[i] = base
		if c != "" {
			urls[i] += "&before_id=" + c
		}
	}
	b.ReportAllocs()
	i, msgs := 0, 0
	for b.Loop() {
		req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, urls[i%len(urls)], nil)
		if err != nil {
			b.Fatal(err)
		}
		i++
		req.Header.Set("X-Access-Token", srv.Token)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || n < 10000 {
			b.Fatalf("status %d, %d bytes, %v", resp.StatusCode, n, err)
		}
		msgs += 100
	}
	b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkValidateResponseListMessages measures the response check alone
// on one 100-message page of the fake.
func BenchmarkValidateResponseListMessages(b *testing.B) {
	srv := NewServer(b)
	api := newFakeAPI(b, srv, srv.Token)
	r := api.do(http.MethodGet, "/groups/"+srv.Dataset.Groups[0]+"/messages", nil, map[string][]string{"limit": {"100"}})
	if !json.Valid(r.body) || r.status != http.StatusOK {
		b.Fatalf("status %d", r.status)
	}
	v, err := sharedValidator()
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/groups/"+srv.Dataset.Groups[0]+"/messages?limit=100", nil)
	req.Header.Set("X-Access-Token", srv.Token)
	b.SetBytes(int64(len(r.body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.ValidateResponse(req, r.status, r.header, r.body); err != nil {
			b.Fatal(err)
		}
	}
}
