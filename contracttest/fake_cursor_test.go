package contracttest

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestFakeCursorsPageTenThousandMessages walks a 10,000-message group back
// with before_id and forward with after_id, 100 at a time.
func TestFakeCursorsPageTenThousandMessages(t *testing.T) {
	t.Parallel()
	const total = 10000
	srv, _ := newManualServer(t, WithDataset(SeedConfig{Seed: 7, Messages: total}))
	api := newFakeAPI(t, srv, srv.Token)
	path := "/groups/" + srv.Dataset.Groups[0] + "/messages"

	var newest fakeMessageList
	api.do("GET", path, nil, nil).expect(t, 200).decode(t, &newest)
	if newest.Count != total || len(newest.Messages) != 20 {
		t.Fatalf("default page: count %d, %d messages", newest.Count, len(newest.Messages))
	}

	// Backwards: newest first, each page older than the last.
	var back []string
	cursor := ""
	for {
		params := q("limit", "100")
		if cursor != "" {
			params.Set("before_id", cursor)
		}
		r := api.do("GET", path, nil, params)
		if r.status == 304 {
			if len(r.body) != 0 {
				t.Fatalf("304 with a body: %q", r.body)
			}
			break
		}
		var page fakeMessageList
		r.expect(t, 200).decode(t, &page)
		for _, m := range page.Messages {
			back = append(back, m.ID)
		}
		cursor = page.Messages[len(page.Messages)-1].ID
	}
	checkOrder(t, "before_id", back, total, false)
	if back[0] != newest.Messages[0].ID {
		t.Errorf("paging back started at %s, newest is %s", back[0], newest.Messages[0].ID)
	}

	// Forwards: oldest first, from before the first message.
	var fwd []string
	cursor = "0"
	for {
		r := api.do("GET", path, nil, q("limit", "100", "after_id", cursor))
		if r.status == 304 {
			break
		}
		var page fakeMessageList
		r.expect(t, 200).decode(t, &page)
		for _, m := range page.Messages {
			fwd = append(fwd, m.ID)
		}
		cursor = page.Messages[len(page.Messages)-1].ID
	}
	checkOrder(t, "after_id", fwd, total, true)
	for i := range fwd {
		if fwd[i] != back[len(back)-1-i] {
			t.Fatalf("forward and backward walks differ at %d", i)
		}
	}

	// since_id takes the newest end: with 150 newer messages and limit 100
	// the 50 right after the cursor are skipped.
	var since fakeMessageList
	api.do("GET", path, nil, q("since_id", fwd[total-151], "limit", "100")).expect(t, 200).decode(t, &since)
	if len(since.Messages) != 100 || since.Messages[0].ID != fwd[total-1] || since.Messages[99].ID != fwd[total-100] {
		t.Errorf("since_id page: %d messages from %s to %s", len(since.Messages), since.Messages[0].ID, since.Messages[len(since.Messages)-1].ID)
	}
	api.do("GET", path, nil, q("since_id", fwd[total-1])).expect(t, 304)
	api.do("GET", path, nil, q("after_id", fwd[total-1])).expect(t, 304)
	api.do("GET", path, nil, q("before_id", fwd[0])).expect(t, 304)
}

// checkOrder: n distinct ids, strictly ascending or descending.
func checkOrder(t *testing.T, name string, ids []string, n int, ascending bool) {
	t.Helper()
	if len(ids) != n {
		t.Fatalf("%s: %d messages, want %d", name, len(ids), n)
	}
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			t.Fatalf("%s: %s repeated", name, id)
		}
		seen[id] = true
		if i > 0 && idLess(ids[i-1], id) != ascending {
			t.Fatalf("%s: %s then %s is out of order", name, ids[i-1], id)
		}
	}
}

func TestFakeDirectMessageCursors(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	other := srv.Dataset.Users[1].ID
	var dms struct {
		Count          int `json:"count"`
		DirectMessages []struct {
			ID string `json:"id"`
		} `json:"direct_messages"`
	}
	api.do("GET", "/direct_messages", nil, q("other_user_id", other, "limit", "5")).expect(t, 200).decode(t, &dms)
	if dms.Count != 20 || len(dms.DirectMessages) != 5 {
		t.Fatalf("count %d, %d messages", dms.Count, len(dms.DirectMessages))
	}
	last := dms.DirectMessages[4].ID
	api.do("GET", "/direct_messages", nil, q("other_user_id", other, "before_id", last)).expect(t, 200).decode(t, &dms)
	if len(dms.DirectMessages) != 15 {
		t.Errorf("before_id: %d messages, want 15", len(dms.DirectMessages))
	}
}

func TestFakeConcurrentUse(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t, WithDataset(SeedConfig{Seed: 3, Messages: 300}))
	ds := srv.Dataset
	g := ds.Groups[0]
	var wg sync.WaitGroup
	const workers, rounds = 50, 12
	before := len(srv.Fake.GroupMessages(g))
	for w := range workers {
		wg.Go(func() {
			u := ds.Users[w%len(ds.Users)]
			api := newFakeAPI(t, srv, u.Token)
			for i := range rounds {
				var created struct {
					Message struct {
						ID string `json:"id"`
					} `json:"message"`
				}
				r, err := api.send("POST", "/groups/"+g+"/messages", map[string]any{"message": map[string]any{
					"source_guid": fmt.Sprintf("w%d-%d", w, i), "text": "concurrent"}}, nil)
				if err != nil || r.status != 201 {
					t.Errorf("create: %v %d", err, r.status)
					return
				}
				if err := json.Unmarshal(r.body, &struct {
					Response any `json:"response"`
				}{&created}); err != nil {
					t.Error(err)
					return
				}
				for _, step := range []struct{ method, path string }{
					{"POST", "/messages/" + g + "/" + created.Message.ID + "/like"},
					{"GET", "/groups/" + g + "/messages?limit=50"},
					{"GET", "/groups?per_page=5"},
					{"GET", "/users/me"},
					{"GET", "/groups/" + g + "/likes?period=week"},
					{"POST", "/messages/" + g + "/" + created.Message.ID + "/unlike"},
				} {
					if r, err := api.send(step.method, step.path, nil, nil); err != nil || r.status >= 400 {
						t.Errorf("%s %s: %v %d %.200s", step.method, step.path, err, r.status, r.body)
					}
				}
			}
		})
	}
	wg.Wait()
	if got, want := len(srv.Fake.GroupMessages(g)), before+workers*rounds; got != want {
		t.Errorf("%d messages, want %d", got, want)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return fakeClock }
	start := time.Now()
	a := NewFake(WithClock(clock), WithDataset(SeedConfig{Seed: 42, Messages: 10000}))
	elapsed := time.Since(start)
	b := NewFake(WithClock(clock), WithDataset(SeedConfig{Seed: 42, Messages: 10000}))
	c := NewFake(WithClock(clock), WithDataset(SeedConfig{Seed: 43, Messages: 10000}))
	t.Logf("seeding 10,000 messages took %v", elapsed)

	dump := func(f *Fake) string {
		data, err := json.Marshal(struct {
			DS   *Dataset
			Msgs any
		}{f.Dataset(), f.GroupMessages(f.Dataset().Groups[0])})
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if dump(a) != dump(b) {
		t.Error("the same seed gave different datasets")
	}
	if dump(a) == dump(c) {
		t.Error("different seeds gave the same dataset")
	}

	msgs := a.GroupMessages(a.Dataset().Groups[0])
	if len(msgs) != 10000 {
		t.Fatalf("%d messages", len(msgs))
	}
	types := map[string]int{}
	senders := map[string]int{}
	liked := 0
	for _, m := range msgs {
		for _, att := range m.Attachments {
			d := attachmentType(att)
			types[d]++
		}
		senders[*m.SenderType]++
		if len(m.FavoritedBy) > 0 {
			liked++
		}
	}
	for _, want := range []string{"image", "location", "emoji", "mentions", "reply", "video", "file", "linked_image", "poll", "event", "split"} {
		if types[want] == 0 {
			t.Errorf("no %s attachment in the dataset", want)
		}
	}
	for _, want := range []string{"user", "system", "bot"} {
		if senders[want] == 0 {
			t.Errorf("no %s messages in the dataset", want)
		}
	}
	if liked < 500 {
		t.Errorf("only %d liked messages", liked)
	}
}

func BenchmarkSeedTenThousand(b *testing.B) {
	for b.Loop() {
		NewFake(WithDataset(SeedConfig{Seed: 1, Messages: 10000}))
	}
}
