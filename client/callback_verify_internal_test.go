package client

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/groupme-go/groupme/contracttest"
)

// TestVerifyCacheBounds: a verdict is kept for verifyTTL, then asked
// again; the cache never holds more than verifyCacheLimit messages.
func TestVerifyCacheBounds(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t, contracttest.WithoutDataset())
	f := srv.Fake
	u := f.AddUser(contracttest.Account{})
	group, err := f.AddGroup(contracttest.Group{Name: "G", CreatorID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.AddMessage(group, contracttest.Message{UserID: u.ID, Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	api, err := New(u.Token, WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	var cfg callbackConfig
	VerifyCallbacks(api, group)(&cfg)
	v := cfg.verify
	v.now = clock
	cb := Callback{ID: id, GroupID: group, SenderID: u.ID, UserID: u.ID, SenderType: "user", Text: Ptr("hi")}

	calls := func() int { return f.Calls("listMessages") }
	check := func(want int) {
		t.Helper()
		if _, status := v.check(t.Context(), cb); status != 0 {
			t.Fatalf("status %d for a real message", status)
		}
		if calls() != want {
			t.Fatalf("%d API calls; want %d", calls(), want)
		}
	}
	check(1)
	advance(verifyTTL - time.Second)
	check(1) // still cached
	advance(2 * time.Second)
	check(2) // expired: asked again

	// Many distinct (made-up) messages: the cache stays bounded.
	for i := range verifyCacheLimit + 50 {
		forged := cb
		forged.ID = fmt.Sprint(180000000000000000 + i)
		if _, status := v.check(t.Context(), forged); status != 403 {
			t.Fatalf("made-up message %s: status %d", forged.ID, status)
		}
	}
	v.mu.Lock()
	n, order := len(v.entries), len(v.order)
	v.mu.Unlock()
	if n > verifyCacheLimit || n != order {
		t.Errorf("cache holds %d entries (%d in order); limit %d", n, order, verifyCacheLimit)
	}
}
