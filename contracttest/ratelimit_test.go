package contracttest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestRateLimitTokenBucket(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		limit      RateLimit
		wantStatus int
		wantRetry  string
	}{
		{"429 without Retry-After", RateLimit{Rate: 2, Burst: 3}, 429, ""},
		{"420 with Retry-After", RateLimit{Rate: 2, Burst: 3, Status: 420, RetryAfter: true}, 420, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			srv := NewServer(t, WithClock(clock.Now), WithRateLimit(tc.limit))
			get := func(token string) *http.Response {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/users/me", nil)
				req.Header.Set("X-Access-Token", token)
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { resp.Body.Close() })
				return resp
			}
			me, other := srv.Token, srv.Dataset.Users[1].Token
			for i := range 3 {
				if resp := get(me); resp.StatusCode != 200 {
					t.Fatalf("request %d within the burst: %d", i+1, resp.StatusCode)
				}
			}
			resp := get(me)
			if resp.StatusCode != tc.wantStatus || resp.Header.Get("Retry-After") != tc.wantRetry {
				t.Fatalf("over the limit: %d, Retry-After %q; want %d, %q", resp.StatusCode, resp.Header.Get("Retry-After"), tc.wantStatus, tc.wantRetry)
			}
			var env struct {
				Response any `json:"response"`
				Meta     struct {
					Code   int      `json:"code"`
					Errors []string `json:"errors"`
				} `json:"meta"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || env.Meta.Code != tc.wantStatus || len(env.Meta.Errors) != 1 || env.Response != nil {
				t.Errorf("refusal body: %+v, %v; want GroupMe's error envelope with code %d", env, err, tc.wantStatus)
			}
			// Another token has its own bucket.
			if resp := get(other); resp.StatusCode != 200 {
				t.Errorf("another token: %d", resp.StatusCode)
			}
			// Half a second later the bucket holds one more request.
			clock.Advance(500 * time.Millisecond)
			if resp := get(me); resp.StatusCode != 200 {
				t.Errorf("after refilling: %d", resp.StatusCode)
			}
			if resp := get(me); resp.StatusCode != tc.wantStatus {
				t.Errorf("after spending the refill: %d", resp.StatusCode)
			}
			if st := srv.Fake.RateLimitStats(); st.Accepted != 5 || st.Refused != 2 {
				t.Errorf("stats %+v, want 5 accepted and 2 refused", st)
			}
		})
	}
}

// Pictures are not limited: a backup downloads them without spending
// requests of the API's budget.
func TestRateLimitSparesImages(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithRateLimit(RateLimit{Rate: 0.001, Burst: 1}))
	url := srv.ImageURL + imagePathPrefix + "does-not-exist.png"
	for range 3 {
		resp, err := srv.Client().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 429 {
			t.Fatalf("an image download was rate limited")
		}
	}
	if srv.Fake.RateLimitStats().Refused != 0 {
		t.Errorf("stats %+v", srv.Fake.RateLimitStats())
	}
}
