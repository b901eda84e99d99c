package contracttest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestFaultKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		fault  Fault
		status int
		check  func(t *testing.T, r fakeReply)
	}{
		{"420 with Retry-After", RateLimited(420, "7"), 420, func(t *testing.T, r fakeReply) {
			if r.header.Get("Retry-After") != "7" {
				t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
			}
			r.decode(t, nil)
		}},
		{"429 without Retry-After", RateLimited(429, ""), 429, func(t *testing.T, r fakeReply) {
			if r.header.Get("Retry-After") != "" {
				t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
			}
		}},
		{"500", ServerError(500), 500, nil},
		{"502", ServerError(502), 502, nil},
		{"503 with Retry-After", Fault{Kind: FaultStatus, Status: 503, RetryAfter: "1"}, 503, nil},
		{"504", ServerError(504), 504, nil},
		{"HTML page", HTMLError(502), 502, func(t *testing.T, r fakeReply) {
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "<html>") {
				t.Errorf("%s: %q", r.header.Get("Content-Type"), r.body)
			}
		}},
		{"truncated JSON", TruncatedBody(), 200, func(t *testing.T, r fakeReply) {
			if json.Valid(r.body) || len(r.body) == 0 {
				t.Errorf("body is not a truncated JSON document: %q", r.body)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newManualServer(t, WithFaults(FaultRule{Fault: tc.fault, Operations: []string{"getMe"}, Times: 1}))
			api := newFakeAPI(t, srv, srv.Token)
			r := api.do("GET", "/users/me", nil, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %q", r.status, tc.status, r.body)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
			api.do("GET", "/users/me", nil, nil).expect(t, 200) // Times: 1
			api.do("GET", "/groups", nil, nil).expect(t, 200)   // other operations untouched
		})
	}
}

func TestFaultDropConnection(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t, WithFaults(FaultRule{Fault: DropConnection(), Times: 1}))
	api := newFakeAPI(t, srv, srv.Token)
	if r, err := api.send("GET", "/users/me", nil, nil); err == nil {
		t.Fatalf("no error for a dropped connection: status %d", r.status)
	}
	api.do("GET", "/users/me", nil, nil).expect(t, 200)
}

func TestFaultLatencyUsesTheSleepFunction(t *testing.T) {
	t.Parallel()
	srv, clock := newManualServer(t, WithFaults(FaultRule{Fault: Latency(30 * time.Second)}))
	api := newFakeAPI(t, srv, srv.Token)
	start := time.Now()
	api.do("GET", "/users/me", nil, nil).expect(t, 200)
	if got := clock.Now().Sub(fakeClock); got != 30*time.Second {
		t.Errorf("the manual clock moved %v, want 30s", got)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("latency took real time")
	}
}

func TestFaultEveryNthAndRate(t *testing.T) {
	t.Parallel()
	pattern := func(rule FaultRule) string {
		srv, _ := newManualServer(t, WithFaults(rule))
		api := newFakeAPI(t, srv, srv.Token)
		var b strings.Builder
		for range 20 {
			if api.do("GET", "/users/me", nil, nil).status == 200 {
				b.WriteByte('.')
			} else {
				b.WriteByte('x')
			}
		}
		return b.String()
	}
	if got := pattern(FaultRule{Fault: ServerError(500), Every: 4}); got != "...x...x...x...x...x" {
		t.Errorf("every 4th: %s", got)
	}
	a := pattern(FaultRule{Fault: RateLimited(429, "1"), Rate: 0.3, Seed: 9})
	b := pattern(FaultRule{Fault: RateLimited(429, "1"), Rate: 0.3, Seed: 9})
	if a != b {
		t.Errorf("the same seed gave %s and %s", a, b)
	}
	if !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Errorf("rate 0.3 over 20 requests: %s", a)
	}
}

// A fault after handling: the message is stored but the answer is lost; a
// retry with the same source_guid meets 409, and one message exists.
func TestFaultAfterHandlingAndRetry(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	g := srv.Dataset.Groups[0]
	n := len(srv.Fake.GroupMessages(g))
	srv.Fake.AddFault(FaultRule{Fault: ServerError(502).After(), Operations: []string{"createMessage"}, Times: 1})
	body := map[string]any{"message": map[string]any{"source_guid": "retry-me", "text": "once"}}
	api.do("POST", "/groups/"+g+"/messages", body, nil).expect(t, 502)
	api.do("POST", "/groups/"+g+"/messages", body, nil).expect(t, 409)
	if got := len(srv.Fake.GroupMessages(g)); got != n+1 {
		t.Errorf("%d messages, want %d", got, n+1)
	}
	if srv.Fake.Calls("createMessage") != 2 {
		t.Errorf("createMessage calls: %d", srv.Fake.Calls("createMessage"))
	}
	srv.Fake.AddFault(FaultRule{Fault: DropConnection()})
	srv.Fake.ClearFaults()
	api.do("GET", "/users/me", nil, nil).expect(t, 200)
}

func TestFaultsSpareImageDownloadsUnlessAsked(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	var up struct {
		Payload struct {
			URL string `json:"url"`
		} `json:"payload"`
	}
	r := api.do("POST", srv.ImageURL+"/pictures", testPNG(t, 2, 2), nil).expect(t, 200)
	_ = json.Unmarshal(r.body, &up)
	srv.Fake.AddFault(FaultRule{Fault: ServerError(503)})
	api.do("GET", up.Payload.URL, nil, nil).expect(t, 200)
	api.do("GET", "/users/me", nil, nil).expect(t, 503)
	srv.Fake.ClearFaults()
	srv.Fake.AddFault(FaultRule{Fault: ServerError(503), ImageDownloads: true})
	api.do("GET", up.Payload.URL, nil, nil).expect(t, 503)
}
