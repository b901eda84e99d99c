package contracttest

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestPagingFaults pages a group oldest first and checks what each paging
// fault does to the second page.
func TestPagingFaults(t *testing.T) {
	t.Parallel()
	ids := func(r fakeReply, t *testing.T) []string {
		var l fakeMessageList
		r.decode(t, &l)
		out := make([]string, len(l.Messages))
		for i, m := range l.Messages {
			out[i] = m.ID
		}
		return out
	}
	cases := []struct {
		name  string
		fault Fault
		check func(t *testing.T, first, want []string, r fakeReply)
	}{
		{"repeat", RepeatPage(), func(t *testing.T, first, _ []string, r fakeReply) {
			if got := ids(r.expect(t, 200), t); !slices.Equal(got, first) {
				t.Errorf("page 2 %v, want page 1 again %v", got, first)
			}
		}},
		{"empty", EmptyPage(), func(t *testing.T, _, _ []string, r fakeReply) {
			if r.status != http.StatusNotModified || len(r.body) != 0 {
				t.Errorf("status %d body %q, want a bare 304", r.status, r.body)
			}
		}},
		{"skip", SkipMessages(), func(t *testing.T, _, want []string, r fakeReply) {
			if got := ids(r.expect(t, 200), t); !slices.Equal(got, want[5:]) {
				t.Errorf("page 2 %v, want its second half %v", got, want[5:])
			}
		}},
		{"reverse", ReversePage(), func(t *testing.T, _, want []string, r fakeReply) {
			got := ids(r.expect(t, 200), t)
			slices.Reverse(got)
			if !slices.Equal(got, want) {
				t.Errorf("page 2 reversed %v, want %v", got, want)
			}
		}},
		{"missing id", MissingID(), func(t *testing.T, _, want []string, r fakeReply) {
			got := ids(r.expect(t, 200), t)
			if len(got) != len(want) || got[5] != "" || got[4] != want[4] {
				t.Errorf("page 2 %v, want %v with the sixth id gone", got, want)
			}
		}},
		{"overlap", OverlapPage(), func(t *testing.T, first, want []string, r fakeReply) {
			got := ids(r.expect(t, 200), t)
			if !slices.Equal(got, append([]string{first[len(first)-1]}, want...)) {
				t.Errorf("page 2 %v, want the cursor then %v", got, want)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newManualServer(t, WithDataset(SeedConfig{Seed: 7, Messages: 40}),
				WithFaults(FaultRule{Fault: tc.fault, Operations: []string{"listMessages"}, Every: 2, Times: 1}))
			api := newFakeAPI(t, srv, srv.Token)
			path := "/groups/" + srv.Dataset.Groups[0] + "/messages"
			page := func(after string) url.Values { return url.Values{"after_id": {after}, "limit": {"10"}} }
			first := ids(api.do("GET", path, nil, page("0")).expect(t, 200), t)
			all := srv.Fake.GroupMessages(srv.Dataset.Groups[0])
			var want []string
			for _, m := range all[10:20] {
				want = append(want, m.ID)
			}
			tc.check(t, first, want, api.do("GET", path, nil, page(first[len(first)-1])))
			// Times: 1: the same request is answered well afterwards.
			if got := ids(api.do("GET", path, nil, page(first[len(first)-1])).expect(t, 200), t); !slices.Equal(got, want) {
				t.Errorf("after the fault: %v, want %v", got, want)
			}
		})
	}
}
