package client_test

// End-to-end suite: every Client method driven against the stateful fake
// GroupMe of package contracttest, which validates every request and
// response against openapi.yaml. Each result is checked against the fake's
// state, through the API or through the fake's inspection methods.
//
// Each area is a scenario test of its own (TestE2EImages, TestE2EUsers,
// TestE2EGroups, TestE2EGroupMembers, TestE2EGroupOwners, TestE2EMessages,
// TestE2ELikes, TestE2EMessagePaging, TestE2EDirectMessages, TestE2EBots,
// TestE2EBlocks, TestE2EListen, TestE2EUnofficial) on its own seeded fake,
// in an order where each call's effect can be observed by the next.
// e2eCovers (at the end) says which methods each one calls; together they
// call every method of *client.Client and *client.Unofficial.
//
// Fault injection lives in e2e_faults_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"iter"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// e2eClient returns a Client for srv that authenticates with token.
func e2eClient(t testing.TB, srv *contracttest.Server, token string, opts ...client.Option) *client.Client {
	t.Helper()
	all := append([]client.Option{
		// WithBaseURL alone moves every service to the fake (endpoints.go).
		client.WithBaseURL(srv.URL),
		client.WithMaxRetryAfter(2 * time.Second),
		// Retries against the local fake wait a millisecond, not seconds.
		client.WithBackoff(time.Millisecond, 4*time.Millisecond),
	}, opts...)
	c, err := client.New(token, all...)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

// collect drains an iterator, failing the test on the first error.
func collect[T any](t testing.TB, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("iterator error after %d items: %v", len(out), err)
		}
		out = append(out, v)
	}
	return out
}

func messageIDs(ms []client.Message) []string {
	out := make([]string, len(ms))
	for i := range ms {
		out[i] = ms[i].ID
	}
	return out
}

func directMessageIDs(ms []client.DirectMessage) []string {
	out := make([]string, len(ms))
	for i := range ms {
		out[i] = ms[i].ID
	}
	return out
}

func groupIDs(gs []client.Group) []string {
	out := make([]string, len(gs))
	for i := range gs {
		out[i] = gs[i].ID
	}
	return out
}

func reversedCopy[T any](s []T) []T {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// distinct fails the test if ids holds a repeat.
func distinct(t testing.TB, what string, ids []string) {
	t.Helper()
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		if seen[id] {
			t.Errorf("%s: id %s repeated (at index %d)", what, id, i)
			return
		}
		seen[id] = true
	}
}

// sortedSet returns the ids sorted, for order-free comparisons.
func sortedSet(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return out
}

func findMember(g *client.Group, userID string) *client.Member {
	if g == nil || g.Members == nil {
		return nil
	}
	for i := range *g.Members {
		if (*g.Members)[i].UserID == userID {
			return &(*g.Members)[i]
		}
	}
	return nil
}

func findMessage(ms []client.Message, id string) *client.Message {
	for i := range ms {
		if ms[i].ID == id {
			return &ms[i]
		}
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// testPNG is a small valid PNG image.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{R: uint8(40 * x), G: uint8(60 * y), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func imageAttachment(t testing.TB, url string) client.Attachment {
	t.Helper()
	return client.NewImageAttachment(url)
}

// fetch GETs url with plain net/http and returns the body.
func fetch(t testing.TB, ctx context.Context, url string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return body
}

// coverage records which methods one scenario called. Each scenario has
// its own; nothing is shared between parallel tests.
type coverage struct {
	mu     sync.Mutex // the unofficial scenario marks from helpers
	called map[string]bool
}

func (c *coverage) mark(names ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.called == nil {
		c.called = map[string]bool{}
	}
	for _, n := range names {
		c.called[n] = true
	}
}

// check fails t unless the scenario called exactly the methods e2eCovers
// lists for it, and each of them that sends an operation reached srv.
func (c *coverage) check(t *testing.T, srv *contracttest.Server) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	want, ok := e2eCovers[t.Name()]
	if !ok {
		t.Errorf("e2eCovers has no entry for %s; it called %q", t.Name(), slices.Sorted(maps.Keys(c.called)))
		return
	}
	for _, name := range want {
		if !c.called[name] {
			t.Errorf("%s did not call %s, which e2eCovers lists for it", t.Name(), name)
			continue
		}
		if op, ok := operationOf(name); ok && srv.Fake.Calls(op) == 0 {
			t.Errorf("%s called %s, but operation %s never reached its fake", t.Name(), name, op)
		}
	}
	for name := range c.called {
		if !slices.Contains(want, name) {
			t.Errorf("%s called %s: add it to its e2eCovers entry", t.Name(), name)
		}
	}
}

// operationOf returns the spec operation a method of that name sends
// (CreateMessage -> createMessage), if it is one.
func operationOf(method string) (string, bool) {
	ops, err := contracttest.OperationIDs()
	if err != nil {
		return "", false
	}
	for _, op := range ops {
		if strings.EqualFold(op, method) {
			return op, true
		}
	}
	return "", false
}

// tour is one independent scenario's world: its own seeded fake, clients
// for six users (Users[1]'s sends its token in the query), and a picture
// uploaded to the fake's image service.
type tour struct {
	srv                    *contracttest.Server
	ds                     *contracttest.Dataset
	ctx                    context.Context
	u0, u1, u2, u3, u4, u5 contracttest.Account
	c0, c1, c2, c4, c5     *client.Client
	c0NoRetry              *client.Client
	g0                     string
	pic                    []byte
	pictureURL             string
	cov                    *coverage // what this scenario called
}

// newTour makes a scenario's world; when the scenario ends, its coverage
// is checked against e2eCovers (skipped if the test failed already).
func newTour(t *testing.T) *tour {
	t.Helper()
	srv := contracttest.NewServer(t)
	ds := srv.Dataset
	us := ds.Users
	if len(us) < 6 || len(ds.Groups) < 2 || ds.FormerGroup == "" || len(ds.Bots) < 2 {
		t.Fatalf("the default dataset is smaller than the tour needs: %+v", ds)
	}
	tr := &tour{
		srv: srv, ds: ds, ctx: t.Context(), cov: &coverage{},
		u0: us[0], u1: us[1], u2: us[2], u3: us[3], u4: us[4], u5: us[5],
		c0:        e2eClient(t, srv, us[0].Token),
		c1:        e2eClient(t, srv, us[1].Token, client.WithQueryToken()),
		c2:        e2eClient(t, srv, us[2].Token),
		c4:        e2eClient(t, srv, us[4].Token),
		c5:        e2eClient(t, srv, us[5].Token),
		c0NoRetry: e2eClient(t, srv, us[0].Token, client.WithRetries(0)),
		g0:        ds.Groups[0],
		pic:       testPNG(t, 3, 2),
	}
	u, err := tr.c0.UploadImage(tr.ctx, bytes.NewReader(tr.pic), "image/png")
	if err != nil {
		t.Fatalf("UploadImage: %v", err)
	}
	tr.pictureURL = u
	t.Cleanup(func() {
		if !t.Failed() {
			tr.cov.check(t, srv)
		}
	})
	return tr
}

// TestE2EImages uploads pictures to the fake's image service, reads them and their thumbnails back, and checks where WithBaseURL put each service.
func TestE2EImages(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	// WithBaseURL alone put every service on the fake.
	ends := tr.c0.Endpoints()
	tr.cov.mark("Endpoints")
	if want := (client.Endpoints{API: tr.srv.URL, V4: tr.srv.V4URL, V2: tr.srv.V2URL, V1: tr.srv.V1URL, Image: tr.srv.ImageURL,
		Video: tr.srv.VideoURL, File: tr.srv.FileURL, Push: tr.srv.PushURL}); ends != want {
		t.Errorf("Endpoints() = %+v, want the fake's %+v", ends, want)
	}
	u, err := tr.c0.UploadImage(tr.ctx, bytes.NewReader(tr.pic), "image/png")
	if err != nil {
		t.Fatalf("UploadImage: %v", err)
	}
	tr.cov.mark("UploadImage")
	if !strings.Contains(u, "/i/3x2.png.") {
		t.Errorf("UploadImage URL %q does not name a 3x2 png", u)
	}
	if got := fetch(t, tr.ctx, u); !bytes.Equal(got, tr.pic) {
		t.Errorf("the uploaded image served back differs: %d bytes, want %d", len(got), len(tr.pic))
	}
	th := client.ThumbnailURLs(u)
	for _, tu := range []string{th.Preview, th.Large, th.Avatar} {
		if got := fetch(t, tr.ctx, tu); !bytes.Equal(got, tr.pic) {
			t.Errorf("thumbnail %s differs from the upload", tu)
		}
	}
	// A seekable reader that is not one net/http replays by itself, and
	// a reader that cannot seek at all (sent once, chunked).
	// (Users[1]'s client sends its token in the query string.)
	viaSection, err := tr.c1.UploadImage(tr.ctx, io.NewSectionReader(bytes.NewReader(tr.pic), 0, int64(len(tr.pic))), "")
	if err != nil {
		t.Fatalf("UploadImage(SectionReader): %v", err)
	}
	viaMulti, err := tr.c0.UploadImage(tr.ctx, io.MultiReader(bytes.NewReader(tr.pic)), "image/jpeg")
	if err != nil {
		t.Fatalf("UploadImage(MultiReader): %v", err)
	}
	if viaSection != u || viaMulti != u {
		t.Errorf("the same bytes uploaded three ways gave %q, %q, %q", u, viaSection, viaMulti)
	}
	if _, err := tr.c0.UploadImage(tr.ctx, strings.NewReader("not an image"), "image/jpeg"); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("uploading text: error %v, want ErrBadRequest", err)
	}
}

// TestE2EUsers reads and updates the caller's account and turns SMS mode on and off.
func TestE2EUsers(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	me, err := tr.c0.GetMe(tr.ctx)
	tr.cov.mark("GetMe")
	if err != nil {
		t.Fatalf("GetMe: %v", err)
	}
	if me.ID != tr.u0.ID || me.Name != tr.u0.Name {
		t.Errorf("GetMe = %s %q, want %s %q", me.ID, me.Name, tr.u0.ID, tr.u0.Name)
	}
	// The generic Call reads the same user (call_test.go tests it further).
	raw, err := tr.c0.Call(tr.ctx, client.Endpoint{Operation: "getMe", Method: "GET", Path: "/users/me"}, nil, nil, nil)
	tr.cov.mark("Call")
	var viaCall struct {
		ID string `json:"id"`
	}
	if err != nil || json.Unmarshal(raw, &viaCall) != nil || viaCall.ID != me.ID {
		t.Errorf("Call getMe = %.200s, %v; want user %s", raw, err, me.ID)
	}
	other, err := tr.c1.GetMe(tr.ctx)
	if err != nil {
		t.Fatalf("GetMe as Users[1]: %v", err)
	}
	if other.ID != tr.u1.ID {
		t.Errorf("Users[1]'s token sees user %s, want %s", other.ID, tr.u1.ID)
	}

	updated, err := tr.c0.UpdateMe(tr.ctx, client.UserUpdateRequest{Name: client.Ptr("Mara E2E"), ZipCode: client.Ptr("10001"), AvatarURL: &tr.pictureURL})
	tr.cov.mark("UpdateMe")
	if err != nil {
		t.Fatalf("UpdateMe: %v", err)
	}
	if updated.Name != "Mara E2E" || deref(updated.ZipCode) != "10001" || deref(updated.ImageURL) != tr.pictureURL {
		t.Errorf("UpdateMe returned name %q zip %q image %q", updated.Name, deref(updated.ZipCode), deref(updated.ImageURL))
	}
	me, err = tr.c0.GetMe(tr.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.Name != "Mara E2E" || deref(me.ImageURL) != tr.pictureURL {
		t.Errorf("after UpdateMe, GetMe = %q %q", me.Name, deref(me.ImageURL))
	}

	if err := tr.c0.EnableSMSMode(tr.ctx, client.SMSModeRequest{Duration: client.SMSHours(2), RegistrationID: client.Ptr("device-1")}); err != nil {
		t.Fatalf("EnableSmsMode: %v", err)
	}
	tr.cov.mark("EnableSMSMode")
	if me, err = tr.c0.GetMe(tr.ctx); err != nil || !deref(me.SMS) {
		t.Errorf("after EnableSmsMode, GetMe sms = %v (err %v), want true", me != nil && deref(me.SMS), err)
	}
	if other, err = tr.c1.GetMe(tr.ctx); err != nil || deref(other.SMS) {
		t.Errorf("Users[1] sees sms = %v (err %v): SMS mode leaked to another user", other != nil && deref(other.SMS), err)
	}
	if err := tr.c0.DisableSMSMode(tr.ctx); err != nil {
		t.Fatalf("DisableSmsMode: %v", err)
	}
	tr.cov.mark("DisableSMSMode")
	if me, err = tr.c0.GetMe(tr.ctx); err != nil || deref(me.SMS) {
		t.Errorf("after DisableSmsMode, GetMe sms = %v (err %v), want false", me != nil && deref(me.SMS), err)
	}
	if err := tr.c0.EnableSMSMode(tr.ctx, client.SMSModeRequest{Duration: client.SMSAlways()}); err != nil {
		t.Fatalf("EnableSmsMode(always): %v", err)
	}
	if me, err = tr.c0.GetMe(tr.ctx); err != nil || !deref(me.SMS) {
		t.Errorf("after EnableSmsMode(always), sms = false (err %v)", err)
	}
	if err := tr.c0.DisableSMSMode(tr.ctx); err != nil {
		t.Fatal(err)
	}
}

// TestE2EGroups lists, reads, creates, updates and destroys groups, and
// rejoins a group left.
func TestE2EGroups(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	page, err := tr.c0.ListGroups(tr.ctx, nil)
	tr.cov.mark("ListGroups")
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if got, want := sortedSet(groupIDs(page)), sortedSet(tr.ds.Groups); !slices.Equal(got, want) {
		t.Errorf("ListGroups = %v, want the seeded %v", got, want)
	}
	all := collect(t, tr.c0.ListGroupsIter(tr.ctx, &client.ListGroupsParams{PerPage: 1}))
	tr.cov.mark("ListGroupsIter")
	distinct(t, "ListGroupsIter", groupIDs(all))
	if got, want := sortedSet(groupIDs(all)), sortedSet(tr.ds.Groups); !slices.Equal(got, want) {
		t.Errorf("ListGroupsIter(PageSize(1)) = %v, want %v", got, want)
	}
	for _, g := range collect(t, tr.c0.ListGroupsIter(tr.ctx, &client.ListGroupsParams{OmitMemberships: true})) {
		if g.Members != nil || deref(g.MembersCount) != 0 {
			t.Errorf("group %s listed with OmitMemberships has members", g.ID)
		}
	}

	g, err := tr.c0.GetGroup(tr.ctx, tr.g0, nil)
	tr.cov.mark("GetGroup")
	if err != nil {
		t.Fatalf("GetGroup: %v", err)
	}
	if g.ID != tr.g0 || g.Members == nil || len(*g.Members) != len(tr.ds.Users) {
		t.Errorf("GetGroup(%s) = id %s with %d members, want %d", tr.g0, g.ID, len(deref(g.Members)), len(tr.ds.Users))
	}
	if want := len(tr.srv.Fake.GroupMessages(tr.g0)); g.Messages.Count != want {
		t.Errorf("GetGroup messages.count = %d, fake has %d", g.Messages.Count, want)
	}
	if _, err := tr.c0.GetGroup(tr.ctx, "999999999", nil); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("GetGroup(unknown) error = %v, want ErrNotFound", err)
	}

	created, err := tr.c0.CreateGroup(tr.ctx, client.GroupCreateRequest{Name: "E2E A", Description: client.Ptr("tour"), ImageURL: &tr.pictureURL, Share: client.Ptr(true)})
	tr.cov.mark("CreateGroup")
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	groupA := created.ID
	if created.Name != "E2E A" || created.CreatorUserID != tr.u0.ID || deref(created.ImageURL) != tr.pictureURL || created.ShareURL == nil {
		t.Errorf("CreateGroup returned %+v", created)
	}
	if ids := groupIDs(collect(t, tr.c0.ListGroupsIter(tr.ctx, nil))); !slices.Contains(ids, groupA) {
		t.Errorf("the new group %s is not listed: %v", groupA, ids)
	}

	upd, err := tr.c0.UpdateGroup(tr.ctx, groupA, client.GroupUpdateRequest{Name: client.Ptr("E2E A renamed"), Description: client.Ptr("changed"), OfficeMode: client.Ptr(true)})
	tr.cov.mark("UpdateGroup")
	if err != nil {
		t.Fatalf("UpdateGroup: %v", err)
	}
	if upd.Name != "E2E A renamed" {
		t.Errorf("UpdateGroup returned name %q", upd.Name)
	}
	got, err := tr.c0.GetGroup(tr.ctx, groupA, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "E2E A renamed" || deref(got.Description) != "changed" || !deref(got.OfficeMode) {
		t.Errorf("after UpdateGroup, GetGroup = %q %q office %v", got.Name, deref(got.Description), deref(got.OfficeMode))
	}

	// A throwaway group is destroyed by its creator.
	b, err := tr.c0.CreateGroup(tr.ctx, client.GroupCreateRequest{Name: "E2E B"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.c0.DestroyGroup(tr.ctx, b.ID); err != nil {
		t.Fatalf("DestroyGroup: %v", err)
	}
	tr.cov.mark("DestroyGroup")
	if _, err := tr.c0.GetGroup(tr.ctx, b.ID, nil); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("GetGroup of a destroyed group: error %v, want ErrNotFound", err)
	}
	if ids := groupIDs(collect(t, tr.c0.ListGroupsIter(tr.ctx, nil))); slices.Contains(ids, b.ID) {
		t.Errorf("the destroyed group %s is still listed", b.ID)
	}

	// The seeded former group of Users[1].
	formerList, err := tr.c1.ListFormerGroups(tr.ctx)
	tr.cov.mark("ListFormerGroups")
	if err != nil {
		t.Fatalf("ListFormerGroups: %v", err)
	}
	if !slices.Contains(groupIDs(formerList), tr.ds.FormerGroup) {
		t.Errorf("ListFormerGroups of Users[1] = %v, want it to hold %s", groupIDs(formerList), tr.ds.FormerGroup)
	}
	if _, err := tr.c1.GetGroup(tr.ctx, tr.ds.FormerGroup, nil); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("GetGroup of a group left: error %v, want ErrNotFound", err)
	}
	rejoined, err := tr.c1.RejoinGroup(tr.ctx, tr.ds.FormerGroup)
	tr.cov.mark("RejoinGroup")
	if err != nil {
		t.Fatalf("RejoinGroup: %v", err)
	}
	if rejoined.ID != tr.ds.FormerGroup || findMember(rejoined, tr.u1.ID) == nil {
		t.Errorf("RejoinGroup returned %s without Users[1] as a member", rejoined.ID)
	}
	if _, err := tr.c1.GetGroup(tr.ctx, tr.ds.FormerGroup, nil); err != nil {
		t.Errorf("after RejoinGroup, GetGroup: %v", err)
	}
	if formerList, _ := tr.c1.ListFormerGroups(tr.ctx); slices.Contains(groupIDs(formerList), tr.ds.FormerGroup) {
		t.Errorf("after RejoinGroup, %s is still a former group", tr.ds.FormerGroup)
	}
}

// TestE2EGroupMembers joins a group through its share link, changes a
// nickname, adds members and waits for the results, removes one, and has
// one leave and rejoin.
func TestE2EGroupMembers(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	got, err := tr.c0.CreateGroup(tr.ctx, client.GroupCreateRequest{Name: "E2E members", Share: client.Ptr(true)})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	groupA := got.ID
	// Users[2] joins through the share link; before that the group is invisible to them.
	if _, err := tr.c2.GetGroup(tr.ctx, groupA, nil); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("a non-member's GetGroup error = %v, want ErrNotFound", err)
	}
	share := deref(got.ShareURL)
	token := share[strings.LastIndex(share, "/")+1:]
	if _, err := tr.c2.JoinGroup(tr.ctx, groupA, "wrongtoken"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("JoinGroup with a wrong share token error = %v, want ErrNotFound", err)
	}
	joined, err := tr.c2.JoinGroup(tr.ctx, groupA, token)
	tr.cov.mark("JoinGroup")
	if err != nil {
		t.Fatalf("JoinGroup: %v", err)
	}
	if joined.ID != groupA || findMember(joined, tr.u2.ID) == nil {
		t.Errorf("JoinGroup returned group %s without Users[2] among its members", joined.ID)
	}
	if _, err := tr.c2.GetGroup(tr.ctx, groupA, nil); err != nil {
		t.Errorf("after JoinGroup, Users[2]'s GetGroup: %v", err)
	}

	mem, err := tr.c2.UpdateMembership(tr.ctx, groupA, "Priya E2E")
	tr.cov.mark("UpdateMembership")
	if err != nil {
		t.Fatalf("UpdateMembership: %v", err)
	}
	if mem.Nickname != "Priya E2E" || mem.UserID != tr.u2.ID {
		t.Errorf("UpdateMembership returned %q for %s", mem.Nickname, mem.UserID)
	}
	got, _ = tr.c0.GetGroup(tr.ctx, groupA, nil)
	if m := findMember(got, tr.u2.ID); m == nil || m.Nickname != "Priya E2E" {
		t.Errorf("the owner does not see Users[2]'s new nickname: %+v", m)
	}

	// Add two members (by user id and by email), wait for the results.
	resultsID, err := tr.c0.AddMembers(tr.ctx, groupA, []client.MemberToAdd{
		{UserID: &tr.u3.ID, Nickname: "Tomas E2E", GUID: client.Ptr("guid-u3")},
		{Email: &tr.u4.Email, Nickname: "Hana E2E", GUID: client.Ptr("guid-u4")},
	})
	tr.cov.mark("AddMembers")
	if err != nil {
		t.Fatalf("AddMembers: %v", err)
	}
	added, err := tr.c0.WaitForMembers(tr.ctx, groupA, resultsID)
	tr.cov.mark("WaitForMembers")
	if err != nil {
		t.Fatalf("WaitForMembers: %v", err)
	}
	byGUID := map[string]string{}
	for _, m := range added {
		byGUID[deref(m.GUID)] = m.UserID
	}
	if len(added) != 2 || byGUID["guid-u3"] != tr.u3.ID || byGUID["guid-u4"] != tr.u4.ID {
		t.Errorf("WaitForMembers = %v, want guid-u3 -> %s and guid-u4 -> %s", byGUID, tr.u3.ID, tr.u4.ID)
	}
	again, err := tr.c0.GetMembersResults(tr.ctx, groupA, resultsID)
	tr.cov.mark("GetMembersResults")
	if err != nil || len(again) != 2 {
		t.Errorf("GetMembersResults once ready = %d members, %v", len(again), err)
	}
	got, _ = tr.c0.GetGroup(tr.ctx, groupA, nil)
	for _, u := range []contracttest.Account{tr.u3, tr.u4} {
		if findMember(got, u.ID) == nil {
			t.Errorf("after AddMembers, %s is not a member", u.ID)
		}
	}

	// Not ready on the first poll: a single GetMembersResults without
	// retries reports it, the next one has the member.
	results5, err := tr.c0.AddMembers(tr.ctx, groupA, []client.MemberToAdd{{UserID: &tr.u5.ID, Nickname: "Lena E2E"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.c0NoRetry.GetMembersResults(tr.ctx, groupA, results5); !errors.Is(err, client.ErrUnavailable) {
		t.Errorf("GetMembersResults before ready: error %v, want ErrUnavailable", err)
	}
	added5, err := tr.c0NoRetry.GetMembersResults(tr.ctx, groupA, results5)
	if err != nil || len(added5) != 1 || added5[0].UserID != tr.u5.ID || added5[0].ID == nil {
		t.Fatalf("GetMembersResults when ready = %+v, %v", added5, err)
	}
	if _, err := tr.c0.WaitForMembers(tr.ctx, groupA, "GUID-doesnotexist"); !errors.Is(err, client.ErrResultsExpired) || !errors.Is(err, client.ErrNotFound) {
		t.Errorf("WaitForMembers(unknown) error = %v, want ErrResultsExpired and ErrNotFound", err)
	}

	// The owner removes Users[5]; they lose access.
	if err := tr.c0.RemoveMember(tr.ctx, groupA, *added5[0].ID); err != nil {
		t.Fatalf("RemoveMember: %v", err)
	}
	tr.cov.mark("RemoveMember")
	got, _ = tr.c0.GetGroup(tr.ctx, groupA, nil)
	if findMember(got, tr.u5.ID) != nil {
		t.Errorf("after RemoveMember, Users[5] is still a member")
	}
	if _, err := tr.c5.GetGroup(tr.ctx, groupA, nil); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("a removed member's GetGroup error = %v, want ErrNotFound", err)
	}

	// Users[4] leaves on their own, finds the group among former groups, rejoins.
	m4 := findMember(got, tr.u4.ID)
	if m4 == nil || m4.ID == nil {
		t.Fatalf("Users[4] has no membership id in %s", groupA)
	}
	if err := tr.c4.RemoveMember(tr.ctx, groupA, *m4.ID); err != nil {
		t.Fatalf("RemoveMember (leaving): %v", err)
	}
	former := collect(t, tr.c4.ListFormerGroupsIter(tr.ctx))
	tr.cov.mark("ListFormerGroupsIter")
	if !slices.Contains(groupIDs(former), groupA) {
		t.Errorf("after leaving, ListFormerGroupsIter = %v lacks %s", groupIDs(former), groupA)
	}
	if _, err := tr.c4.RejoinGroup(tr.ctx, groupA); err != nil {
		t.Fatalf("RejoinGroup(%s) by a member who left: %v", groupA, err)
	}
	if formerList, err := tr.c4.ListFormerGroups(tr.ctx); err != nil || slices.Contains(groupIDs(formerList), groupA) {
		t.Errorf("after rejoining, ListFormerGroups = %v (err %v) still has %s", groupIDs(formerList), err, groupA)
	}

}

// TestE2EGroupOwners transfers a group's ownership: one transfer succeeds
// and the others fail, each its own way, in one call.
func TestE2EGroupOwners(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	created, err := tr.c0.CreateGroup(tr.ctx, client.GroupCreateRequest{Name: "E2E owners"})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	groupA := created.ID
	resultsID, err := tr.c0.AddMembers(tr.ctx, groupA, []client.MemberToAdd{{UserID: &tr.u2.ID, Nickname: "Priya"}})
	if err != nil {
		t.Fatalf("AddMembers: %v", err)
	}
	if _, err := tr.c0.WaitForMembers(tr.ctx, groupA, resultsID); err != nil {
		t.Fatalf("WaitForMembers: %v", err)
	}
	// Ownership: one transfer succeeds, the others fail each its own way.
	results, err := tr.c0.ChangeGroupOwners(tr.ctx, client.ChangeOwnersRequest{Requests: []client.OwnerChange{
		{GroupID: groupA, OwnerID: tr.u2.ID},        // 200
		{GroupID: groupA, OwnerID: tr.u3.ID},        // 403: Users[0] no longer owns it
		{GroupID: tr.g0, OwnerID: tr.u0.ID},         // 400: naming oneself
		{GroupID: "999999999", OwnerID: tr.u1.ID},   // 404: no such group
		{GroupID: "not-an-id", OwnerID: "x"},        // 405: not ids
		{GroupID: tr.ds.Groups[1], OwnerID: "1234"}, // 404: not a member
	}})
	tr.cov.mark("ChangeGroupOwners")
	if err != nil {
		t.Fatalf("ChangeGroupOwners: %v", err)
	}
	want := []client.ChangeOwnersResultStatus{
		client.ChangeOwnersResultStatusChanged, client.ChangeOwnersResultStatusNotOwner, client.ChangeOwnersResultStatusSelfNamed,
		client.ChangeOwnersResultStatusNotFound, client.ChangeOwnersResultStatusBadRequest, client.ChangeOwnersResultStatusNotFound,
	}
	var gotStatus []client.ChangeOwnersResultStatus
	for _, r := range results {
		gotStatus = append(gotStatus, r.Status)
	}
	if !slices.Equal(gotStatus, want) {
		t.Errorf("ChangeGroupOwners statuses = %v, want %v", gotStatus, want)
	}
	got, _ := tr.c0.GetGroup(tr.ctx, groupA, nil)
	if got.CreatorUserID != tr.u2.ID {
		t.Errorf("after the transfer the owner is %s, want %s", got.CreatorUserID, tr.u2.ID)
	}
	if err := tr.c0.DestroyGroup(tr.ctx, groupA); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("DestroyGroup by the former owner: error %v, want ErrForbidden", err)
	}

}

// TestE2EMessages sends and lists group messages: since_id, 304s, a
// repeated source_guid, a non-member; and prints the client.
func TestE2EMessages(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	stored := tr.srv.Fake.GroupMessages(tr.g0)
	n := len(stored)
	page, err := tr.c0.ListMessages(tr.ctx, tr.g0, nil)
	tr.cov.mark("ListMessages")
	if err != nil {
		t.Fatalf("ListMessages: %v", err)
	}
	if page.Count != n {
		t.Errorf("ListMessages count = %d, fake has %d", page.Count, n)
	}
	if got, want := messageIDs(page.Messages), reversedCopy(messageIDs(stored[n-20:])); !slices.Equal(got, want) {
		t.Errorf("ListMessages(nil) = %v, want the newest 20 newest first %v", got, want)
	}
	// 304s are empty pages.
	for name, p := range map[string]*client.MessageParams{
		"before the oldest": {BeforeID: stored[0].ID},
		"after the newest":  {AfterID: stored[n-1].ID},
		"since the newest":  {SinceID: stored[n-1].ID},
	} {
		empty, err := tr.c0.ListMessages(tr.ctx, tr.g0, p)
		if err != nil || empty == nil || len(empty.Messages) != 0 {
			t.Errorf("ListMessages %s (304): %v, %v; want an empty page and no error", name, empty, err)
		}
	}
	since, err := tr.c0.ListMessages(tr.ctx, tr.g0, &client.MessageParams{SinceID: stored[n-3].ID})
	if err != nil || !slices.Equal(messageIDs(since.Messages), []string{stored[n-1].ID, stored[n-2].ID}) {
		t.Errorf("ListMessages since_id = %v, %v", messageIDs(since.Messages), err)
	}

	atts := []client.Attachment{imageAttachment(t, tr.pictureURL)}
	m, err := tr.c0.CreateMessage(tr.ctx, tr.g0, client.NewMessage{Text: client.Ptr("hello from the tour"), Attachments: &atts})
	tr.cov.mark("CreateMessage")
	if err != nil {
		t.Fatalf("CreateMessage: %v", err)
	}
	if m.ID == "" || m.SourceGUID == "" || deref(m.Text) != "hello from the tour" || m.UserID != tr.u0.ID {
		t.Errorf("CreateMessage returned %+v", m)
	}
	stored = tr.srv.Fake.GroupMessages(tr.g0)
	if last := stored[len(stored)-1]; last.ID != m.ID || last.SourceGUID != m.SourceGUID {
		t.Errorf("the fake's newest message is %s (%s), want %s", last.ID, last.SourceGUID, m.ID)
	}
	newest, err := tr.c0.ListMessages(tr.ctx, tr.g0, &client.MessageParams{Limit: 1})
	if err != nil || len(newest.Messages) != 1 || newest.Messages[0].ID != m.ID {
		t.Fatalf("the created message is not the newest listed: %v", err)
	}
	if a := newest.Messages[0].Attachments; len(a) != 1 {
		t.Errorf("the created message has %d attachments, want 1", len(a))
	} else if img, ok := a[0].AsImage(); !ok || img.URL != tr.pictureURL {
		t.Errorf("the created message's attachment is %+v, want the uploaded image", img)
	}

	// A caller-chosen source_guid reused at once: the first attempt's 409 is an error.
	guid := "tour-guid-1"
	if _, err := tr.c0.CreateMessage(tr.ctx, tr.g0, client.NewMessage{Text: client.Ptr("once"), SourceGUID: guid}); err != nil {
		t.Fatalf("CreateMessage with a source_guid: %v", err)
	}
	if _, err := tr.c0.CreateMessage(tr.ctx, tr.g0, client.NewMessage{Text: client.Ptr("twice"), SourceGUID: guid}); !errors.Is(err, client.ErrConflict) {
		t.Errorf("CreateMessage reusing a source_guid: error %v, want ErrConflict", err)
	}
	count := 0
	for _, sm := range tr.srv.Fake.GroupMessages(tr.g0) {
		if sm.SourceGUID == guid {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d messages with source_guid %s, want 1", count, guid)
	}

	// Printing the client never shows its token (redact_test.go has the details).
	if s := fmt.Sprintf("%v %s", tr.c0, tr.c0.GoString()) + tr.c0.String() + tr.c0.LogValue().String(); strings.Contains(s, tr.u0.Token) {
		t.Errorf("printing the client shows its token: %s", s)
	}
	tr.cov.mark("Format", "String", "GoString", "LogValue")
	// A non-member cannot list.
	private, err := tr.c0.CreateGroup(tr.ctx, client.GroupCreateRequest{Name: "E2E private"})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	if _, err := tr.c5.ListMessages(tr.ctx, private.ID, nil); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("ListMessages by a non-member: error %v, want ErrNotFound", err)
	}
}

// TestE2ELikes likes and unlikes a message, with and without an icon, and
// reads the leaderboards it appears on.
func TestE2ELikes(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	m, err := tr.c0.CreateMessage(tr.ctx, tr.g0, client.NewMessage{Text: client.Ptr("like me")})
	if err != nil {
		t.Fatalf("CreateMessage: %v", err)
	}
	reactions, err := tr.c1.LikeMessage(tr.ctx, tr.g0, m.ID, nil)
	tr.cov.mark("LikeMessage")
	if err != nil {
		t.Fatalf("LikeMessage: %v", err)
	}
	if len(reactions) != 1 || reactions[0].UserIDs == nil || !slices.Contains(*reactions[0].UserIDs, tr.u1.ID) {
		t.Errorf("LikeMessage reactions = %+v, want Users[1]'s heart", reactions)
	}
	fire := client.LikeIcon{Type: client.LikeIconTypeUnicode, Code: client.Ptr("\U0001F525")}
	if reactions, err = tr.c0.LikeMessage(tr.ctx, tr.g0, m.ID, &fire); err != nil || len(reactions) != 2 {
		t.Fatalf("LikeMessage with an icon: %+v, %v", reactions, err)
	}
	liked := findMessage(tr.srv.Fake.GroupMessages(tr.g0), m.ID)
	if liked == nil || !slices.Contains(liked.FavoritedBy, tr.u0.ID) || !slices.Contains(liked.FavoritedBy, tr.u1.ID) {
		t.Errorf("after two likes, favorited_by = %v", liked.FavoritedBy)
	}
	listed, _ := tr.c0.ListMessages(tr.ctx, tr.g0, &client.MessageParams{Limit: 5})
	if lm := findMessage(listed.Messages, m.ID); lm == nil || len(lm.FavoritedBy) != 2 || lm.Reactions == nil || len(*lm.Reactions) != 2 {
		t.Errorf("ListMessages does not show the two likes: %+v", lm)
	}

	board, err := tr.c0.GetLeaderboard(tr.ctx, tr.g0, client.PeriodDay)
	tr.cov.mark("GetLeaderboard")
	if err != nil || findMessage(board, m.ID) == nil {
		t.Errorf("GetLeaderboard(day) lacks the liked message (err %v)", err)
	}
	for i := 1; i < len(board); i++ {
		if len(board[i].FavoritedBy) > len(board[i-1].FavoritedBy) {
			t.Errorf("GetLeaderboard is not most-liked first at %d", i)
		}
	}
	for _, p := range []client.LeaderboardPeriod{client.PeriodWeek, client.PeriodMonth} {
		if b, err := tr.c0.GetLeaderboard(tr.ctx, tr.g0, p); err != nil || findMessage(b, m.ID) == nil || len(b) < len(board) {
			t.Errorf("GetLeaderboard(%s): %d messages, err %v", p, len(b), err)
		}
	}
	mine, err := tr.c0.GetLeaderboardMine(tr.ctx, tr.g0)
	tr.cov.mark("GetLeaderboardMine")
	if lm := findMessage(mine, m.ID); err != nil || lm == nil || lm.LikedAt == nil {
		t.Errorf("GetLeaderboardMine lacks the message Users[0] liked, with liked_at (err %v)", err)
	}
	forMe, err := tr.c0.GetLeaderboardForMe(tr.ctx, tr.g0)
	tr.cov.mark("GetLeaderboardForMe")
	if err != nil || findMessage(forMe, m.ID) == nil {
		t.Errorf("GetLeaderboardForMe lacks Users[0]'s message liked by Users[1] (err %v)", err)
	}
	for _, fm := range forMe {
		if fm.UserID != tr.u0.ID {
			t.Errorf("GetLeaderboardForMe has a message by %s", fm.UserID)
		}
	}

	reactions, err = tr.c0.UnlikeMessage(tr.ctx, tr.g0, m.ID)
	tr.cov.mark("UnlikeMessage")
	if err != nil {
		t.Fatalf("UnlikeMessage: %v", err)
	}
	if len(reactions) != 1 || reactions[0].UserIDs == nil || slices.Contains(*reactions[0].UserIDs, tr.u0.ID) {
		t.Errorf("UnlikeMessage left reactions %+v", reactions)
	}
	if liked := findMessage(tr.srv.Fake.GroupMessages(tr.g0), m.ID); !slices.Equal(liked.FavoritedBy, []string{tr.u1.ID}) {
		t.Errorf("after UnlikeMessage, favorited_by = %v, want [%s]", liked.FavoritedBy, tr.u1.ID)
	}
	if mine, _ := tr.c0.GetLeaderboardMine(tr.ctx, tr.g0); findMessage(mine, m.ID) != nil {
		t.Errorf("after UnlikeMessage, GetLeaderboardMine still has the message")
	}

}

// TestE2EMessagePaging walks a group's messages with every iterator and the
// archiver's page, in odd page sizes, both ways and from a cursor.
func TestE2EMessagePaging(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	// A smaller group than the first.
	g1 := tr.ds.Groups[1]
	want := messageIDs(tr.srv.Fake.GroupMessages(g1))
	back := messageIDs(collect(t, tr.c0.ListMessagesIter(tr.ctx, g1, &client.MessageParams{Limit: 7})))
	tr.cov.mark("ListMessagesIter")
	fwd := messageIDs(collect(t, tr.c0.ListMessagesAfterIter(tr.ctx, g1, &client.MessageParams{AfterID: "0", Limit: 7, AcceptFiles: true})))
	tr.cov.mark("ListMessagesAfterIter")
	var raw []string
	for m, err := range tr.c0.ListMessagesArchiveIter(tr.ctx, g1, &client.MessageParams{Limit: 7}) {
		if err != nil {
			t.Fatalf("ListMessagesArchiveIter: %v", err)
		}
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(m.JSON, &head); err != nil || head.ID != m.ID {
			t.Fatalf("ListMessagesArchiveIter: raw JSON %q does not hold message %s", m.JSON, m.ID)
		}
		raw = append(raw, m.ID)
	}
	tr.cov.mark("ListMessagesArchiveIter")
	if !slices.Equal(raw, want) {
		t.Errorf("ListMessagesArchiveIter over %s: %d messages, fake has %d", g1, len(raw), len(want))
	}
	// The archiver's page: one request, the exact bytes of each message.
	if page, err := tr.c0.ListMessagesArchivePage(tr.ctx, g1, &client.MessageParams{AfterID: "0", Limit: 7}); err != nil || len(page.Messages) != min(7, len(want)) || page.Count != len(want) {
		t.Errorf("ListMessagesArchivePage(%s, 0, 7) = %+v, %v", g1, page, err)
	} else if m := page.Messages[0]; m.ID != want[0] || m.GroupID != g1 || !json.Valid(m.JSON) {
		t.Errorf("ListMessagesArchivePage: first message %s of group %s, JSON %q", m.ID, m.GroupID, m.JSON)
	}
	tr.cov.mark("ListMessagesArchivePage")
	if !slices.Equal(fwd, want) || !slices.Equal(back, reversedCopy(want)) {
		t.Errorf("iterating %s: forwards %d, backwards %d messages, fake has %d", g1, len(fwd), len(back), len(want))
	}
	if len(want) > 10 {
		mid := want[10]
		if got := messageIDs(collect(t, tr.c0.ListMessagesIter(tr.ctx, g1, &client.MessageParams{BeforeID: mid}))); !slices.Equal(got, reversedCopy(want[:10])) {
			t.Errorf("ListMessagesIter before %s = %v, want %v", mid, got, reversedCopy(want[:10]))
		}
		if got := messageIDs(collect(t, tr.c0.ListMessagesAfterIter(tr.ctx, g1, &client.MessageParams{AfterID: mid}))); !slices.Equal(got, want[11:]) {
			t.Errorf("ListMessagesAfterIter after %s = %d messages, want %d", mid, len(got), len(want[11:]))
		}
	}
	if got := messageIDs(collect(t, tr.c0.ListMessagesAfterIter(tr.ctx, g1, nil))); !slices.Equal(got, want) {
		t.Errorf("ListMessagesAfterIter with no cursor = %d messages, want all %d from the first", len(got), len(want))
	}
}

// TestE2EDirectMessages sends and lists direct messages and the chats they belong to.
func TestE2EDirectMessages(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	chats, err := tr.c0.ListChats(tr.ctx, nil)
	tr.cov.mark("ListChats")
	if err != nil {
		t.Fatalf("ListChats: %v", err)
	}
	others := func(cs []client.Chat) []string {
		var out []string
		for _, ch := range cs {
			out = append(out, string(ch.OtherUser.ID))
		}
		return out
	}
	wantOthers := sortedSet([]string{tr.u1.ID, tr.u2.ID, tr.u3.ID})
	if got := sortedSet(others(chats)); !slices.Equal(got, wantOthers) {
		t.Errorf("ListChats other users = %v, want %v", got, wantOthers)
	}
	all := collect(t, tr.c0.ListChatsIter(tr.ctx, &client.ListChatsParams{PerPage: 1}))
	tr.cov.mark("ListChatsIter")
	if got := others(all); !slices.Equal(sortedSet(got), wantOthers) || len(got) != 3 {
		t.Errorf("ListChatsIter(PageSize(1)) other users = %v, want %v once each", got, wantOthers)
	}

	before, err := tr.c0.ListDirectMessages(tr.ctx, tr.u1.ID, nil)
	tr.cov.mark("ListDirectMessages")
	if err != nil {
		t.Fatalf("ListDirectMessages: %v", err)
	}
	dm, err := tr.c0.CreateDirectMessage(tr.ctx, client.NewDirectMessage{RecipientID: tr.u1.ID, Text: client.Ptr("psst")})
	tr.cov.mark("CreateDirectMessage")
	if err != nil {
		t.Fatalf("CreateDirectMessage: %v", err)
	}
	if dm.ID == "" || dm.RecipientID != tr.u1.ID || deref(dm.Text) != "psst" || dm.SourceGUID == "" {
		t.Errorf("CreateDirectMessage returned %+v", dm)
	}
	after, err := tr.c0.ListDirectMessages(tr.ctx, tr.u1.ID, &client.MessageParams{Limit: 1})
	if err != nil || after.Count != before.Count+1 || after.DirectMessages[0].ID != dm.ID {
		t.Errorf("after CreateDirectMessage: count %d (was %d), newest %v, err %v", after.Count, before.Count, directMessageIDs(after.DirectMessages), err)
	}
	// The recipient sees it; a third user's conversation with the recipient does not.
	theirs, err := tr.c1.ListDirectMessages(tr.ctx, tr.u0.ID, &client.MessageParams{Limit: 1})
	if err != nil || len(theirs.DirectMessages) != 1 || theirs.DirectMessages[0].ID != dm.ID {
		t.Errorf("the recipient's newest message with Users[0] is %v (err %v), want %s", directMessageIDs(theirs.DirectMessages), err, dm.ID)
	}
	if third, err := tr.c2.ListDirectMessages(tr.ctx, tr.u1.ID, &client.MessageParams{Limit: 100}); err != nil || slices.Contains(directMessageIDs(third.DirectMessages), dm.ID) {
		t.Errorf("Users[2] sees Users[0]'s DM to Users[1] (err %v)", err)
	}
	// The archive page holds the same message, oldest first from
	// after_id, byte for byte as sent, with its conversation id.
	if page, err := tr.c0.ListDirectMessagesArchivePage(tr.ctx, tr.u1.ID, &client.MessageParams{AfterID: "0", Limit: 100}); err != nil || len(page.Messages) != after.Count || page.Messages[len(page.Messages)-1].ID != dm.ID {
		t.Errorf("ListDirectMessagesArchivePage(%s, 0) = %+v, %v; want %d messages", tr.u1.ID, page, err, after.Count)
	} else if m := page.Messages[len(page.Messages)-1]; m.ConversationID != deref(dm.ConversationID) || !bytes.Contains(m.JSON, []byte(`"psst"`)) {
		t.Errorf("ListDirectMessagesArchivePage: newest is %s in %q, JSON %q; want %s", m.ID, m.ConversationID, m.JSON, dm.ID)
	}
	tr.cov.mark("ListDirectMessagesArchivePage")
	if chats, _ := tr.c0.ListChats(tr.ctx, &client.ListChatsParams{Page: 1, PerPage: 1}); len(chats) != 1 || chats[0].LastMessage.ID != dm.ID {
		t.Errorf("the most recent chat's last message is not the new DM: %+v", chats)
	}

	// A like on a direct message, by the recipient.
	conv := deref(dm.ConversationID)
	if conv == "" {
		lo, hi := tr.u0.ID, tr.u1.ID
		if len(hi) < len(lo) || (len(hi) == len(lo) && hi < lo) {
			lo, hi = hi, lo
		}
		conv = lo + "+" + hi
	}
	if _, err := tr.c1.LikeMessage(tr.ctx, conv, dm.ID, nil); err != nil {
		t.Fatalf("LikeMessage on a DM: %v", err)
	}
	liked, _ := tr.c0.ListDirectMessages(tr.ctx, tr.u1.ID, &client.MessageParams{Limit: 1})
	if len(liked.DirectMessages) != 1 || !slices.Equal(liked.DirectMessages[0].FavoritedBy, []string{tr.u1.ID}) {
		t.Errorf("the liked DM's favorited_by = %v, want [%s]", liked.DirectMessages[0].FavoritedBy, tr.u1.ID)
	}
	if _, err := tr.c1.UnlikeMessage(tr.ctx, conv, dm.ID); err != nil {
		t.Fatalf("UnlikeMessage on a DM: %v", err)
	}
	liked, _ = tr.c0.ListDirectMessages(tr.ctx, tr.u1.ID, &client.MessageParams{Limit: 1})
	if len(liked.DirectMessages[0].FavoritedBy) != 0 {
		t.Errorf("after the unlike, favorited_by = %v", liked.DirectMessages[0].FavoritedBy)
	}

	back := directMessageIDs(collect(t, tr.c0.ListDirectMessagesIter(tr.ctx, tr.u1.ID, &client.MessageParams{Limit: 6})))
	tr.cov.mark("ListDirectMessagesIter")
	fwd := directMessageIDs(collect(t, tr.c0.ListDirectMessagesAfterIter(tr.ctx, tr.u1.ID, &client.MessageParams{AfterID: "0", Limit: 6})))
	tr.cov.mark("ListDirectMessagesAfterIter")
	distinct(t, "ListDirectMessagesIter", back)
	distinct(t, "ListDirectMessagesAfterIter", fwd)
	if len(back) != after.Count || !slices.Equal(fwd, reversedCopy(back)) || back[0] != dm.ID {
		t.Errorf("DM iterators: backwards %d, forwards %d, count %d; newest %v", len(back), len(fwd), after.Count, back[:1])
	}
	if len(back) > 3 {
		if got := directMessageIDs(collect(t, tr.c0.ListDirectMessagesIter(tr.ctx, tr.u1.ID, &client.MessageParams{BeforeID: back[2]}))); !slices.Equal(got, back[3:]) {
			t.Errorf("ListDirectMessagesIter before %s = %d messages, want %d", back[2], len(got), len(back[3:]))
		}
	}
	if empty, err := tr.c0.ListDirectMessages(tr.ctx, tr.u1.ID, &client.MessageParams{AfterID: dm.ID}); err != nil || len(empty.DirectMessages) != 0 {
		t.Errorf("ListDirectMessages after the newest (304): %v, %v; want an empty page", empty, err)
	}
}

// TestE2EBots creates bots, posts as them and destroys them.
func TestE2EBots(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	bots, err := tr.c0.ListBots(tr.ctx)
	tr.cov.mark("ListBots")
	if err != nil {
		t.Fatalf("ListBots: %v", err)
	}
	botIDs := func(bs []client.Bot) []string {
		var out []string
		for _, b := range bs {
			out = append(out, b.BotID)
		}
		return out
	}
	last := tr.ds.Bots[len(tr.ds.Bots)-1] // owned by Users[1]
	if ids := botIDs(bots); !slices.Contains(ids, tr.ds.Bots[0]) || slices.Contains(ids, last) {
		t.Errorf("Users[0]'s ListBots = %v, want %s and not Users[1]'s %s", ids, tr.ds.Bots[0], last)
	}
	if theirs, err := tr.c1.ListBots(tr.ctx); err != nil || !slices.Equal(botIDs(theirs), []string{last}) {
		t.Errorf("Users[1]'s ListBots = %v (err %v), want [%s]", botIDs(theirs), err, last)
	}

	bot, err := tr.c0.CreateBot(tr.ctx, client.NewBot{GroupID: client.ID(tr.g0), Name: "Tour bot", CallbackURL: client.Ptr("https://example.com/cb"), AvatarURL: &tr.pictureURL})
	tr.cov.mark("CreateBot")
	if err != nil {
		t.Fatalf("CreateBot: %v", err)
	}
	if bot.BotID == "" || bot.Name != "Tour bot" || bot.GroupID != tr.g0 || deref(bot.CallbackURL) != "https://example.com/cb" {
		t.Errorf("CreateBot returned %+v", bot)
	}
	if bots, _ := tr.c0.ListBots(tr.ctx); !slices.Contains(botIDs(bots), bot.BotID) {
		t.Errorf("the new bot is not listed")
	}

	if err := tr.c0.PostBotMessage(tr.ctx, client.BotPostRequest{BotID: bot.BotID, Text: "beep from the client"}); err != nil {
		t.Fatalf("PostBotMessage: %v", err)
	}
	tr.cov.mark("PostBotMessage")
	stored := tr.srv.Fake.GroupMessages(tr.g0)
	if m := stored[len(stored)-1]; deref(m.SenderType) != "bot" || deref(m.BotID) != bot.BotID || deref(m.Text) != "beep from the client" || m.Name != "Tour bot" {
		t.Errorf("the bot's post was stored as %+v", m)
	}

	// botkit_test.go tests PostBotImage fully; here it is reached.
	if err := tr.c0.PostBotImage(tr.ctx, bot.BotID, "beep with a picture", bytes.NewReader(testPNG(t, 2, 2)), "image/png"); err != nil {
		t.Errorf("PostBotImage: %v", err)
	}
	tr.cov.mark("PostBotImage")

	poster, err := client.NewBotPoster(client.WithBaseURL(tr.srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := poster.Post(tr.ctx, client.BotPostRequest{BotID: bot.BotID, Text: "beep from the poster", PictureURL: &tr.pictureURL}); err != nil {
		t.Fatalf("BotPoster.Post: %v", err)
	}
	stored = tr.srv.Fake.GroupMessages(tr.g0)
	m := stored[len(stored)-1]
	if deref(m.SenderType) != "bot" || deref(m.Text) != "beep from the poster" || len(m.Attachments) != 1 {
		t.Errorf("the poster's message was stored as %+v", m)
	} else if img, ok := m.Attachments[0].AsImage(); !ok || img.URL != tr.pictureURL {
		t.Errorf("the poster's picture is %+v", img)
	}
	// What the client lists is what the fake stored.
	if page, err := tr.c2.ListMessages(tr.ctx, tr.g0, &client.MessageParams{Limit: 1}); err != nil || page.Messages[0].ID != m.ID {
		t.Errorf("another member's newest message is not the bot post (err %v)", err)
	}

	renamed := "Tour bot, renamed"
	if err := tr.c0.Unofficial().UpdateBot(tr.ctx, client.BotUpdate{BotID: bot.BotID, Name: &renamed}); err != nil {
		t.Fatalf("UpdateBot: %v", err)
	}
	tr.cov.mark("UpdateBot")
	if bots, _ := tr.c0.ListBots(tr.ctx); !slices.ContainsFunc(bots, func(b client.Bot) bool { return b.BotID == bot.BotID && b.Name == renamed }) {
		t.Errorf("the renamed bot is not listed with its new name")
	}

	if err := tr.c0.DestroyBot(tr.ctx, bot.BotID); err != nil {
		t.Fatalf("DestroyBot: %v", err)
	}
	tr.cov.mark("DestroyBot")
	if bots, _ := tr.c0.ListBots(tr.ctx); slices.Contains(botIDs(bots), bot.BotID) {
		t.Errorf("the destroyed bot is still listed")
	}
	if err := tr.c0.PostBotMessage(tr.ctx, client.BotPostRequest{BotID: bot.BotID, Text: "ghost"}); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("posting as a destroyed bot: error %v, want ErrNotFound", err)
	}
	if err := tr.c0.DestroyBot(tr.ctx, last); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("destroying another user's bot: error %v, want ErrNotFound", err)
	}
}

// TestE2EBlocks blocks and unblocks a user.
func TestE2EBlocks(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	blocked := tr.ds.Users[len(tr.ds.Users)-1].ID // seeded: Users[0] blocked the last user
	blocks, err := tr.c0.ListBlocks(tr.ctx, tr.u0.ID)
	tr.cov.mark("ListBlocks")
	if err != nil {
		t.Fatalf("ListBlocks: %v", err)
	}
	blockedIDs := func(bs []client.Block) []string {
		var out []string
		for _, b := range bs {
			out = append(out, b.BlockedUserID)
		}
		return out
	}
	if !slices.Equal(blockedIDs(blocks), []string{blocked}) {
		t.Errorf("ListBlocks = %v, want [%s]", blockedIDs(blocks), blocked)
	}
	between, err := tr.c0.GetBlockBetween(tr.ctx, tr.u0.ID, tr.u1.ID)
	tr.cov.mark("GetBlockBetween")
	if err != nil || between {
		t.Fatalf("GetBlockBetween before blocking = %v, %v; want false", between, err)
	}
	b, err := tr.c0.CreateBlock(tr.ctx, tr.u0.ID, tr.u1.ID)
	tr.cov.mark("CreateBlock")
	if err != nil {
		t.Fatalf("CreateBlock: %v", err)
	}
	if b.UserID != tr.u0.ID || b.BlockedUserID != tr.u1.ID {
		t.Errorf("CreateBlock returned %+v", b)
	}
	if between, err := tr.c0.GetBlockBetween(tr.ctx, tr.u0.ID, tr.u1.ID); err != nil || !between {
		t.Errorf("GetBlockBetween after blocking = %v, %v; want true", between, err)
	}
	if between, err := tr.c1.GetBlockBetween(tr.ctx, tr.u1.ID, tr.u0.ID); err != nil || !between {
		t.Errorf("the blocked user's GetBlockBetween = %v, %v; want true", between, err)
	}
	if blocks, _ := tr.c0.ListBlocks(tr.ctx, tr.u0.ID); !slices.Contains(blockedIDs(blocks), tr.u1.ID) {
		t.Errorf("ListBlocks after CreateBlock = %v", blockedIDs(blocks))
	}
	if _, err := tr.c1.CreateDirectMessage(tr.ctx, client.NewDirectMessage{RecipientID: tr.u0.ID, Text: client.Ptr("let me in")}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("a DM from a blocked user: error %v, want ErrForbidden", err)
	}
	if _, err := tr.c0.ListBlocks(tr.ctx, tr.u1.ID); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("ListBlocks for someone else: error %v, want ErrForbidden", err)
	}

	if err := tr.c0.DeleteBlock(tr.ctx, tr.u0.ID, tr.u1.ID); err != nil {
		t.Fatalf("DeleteBlock: %v", err)
	}
	tr.cov.mark("DeleteBlock")
	if between, err := tr.c0.GetBlockBetween(tr.ctx, tr.u0.ID, tr.u1.ID); err != nil || between {
		t.Errorf("GetBlockBetween after DeleteBlock = %v, %v; want false", between, err)
	}
	if _, err := tr.c0.CreateBlock(tr.ctx, tr.u0.ID, tr.u1.ID); err != nil {
		t.Fatal(err)
	}
	if err := tr.c0.DeleteBlockPost(tr.ctx, tr.u0.ID, tr.u1.ID); err != nil {
		t.Fatalf("DeleteBlockPost: %v", err)
	}
	tr.cov.mark("DeleteBlockPost")
	if between, err := tr.c0.GetBlockBetween(tr.ctx, tr.u0.ID, tr.u1.ID); err != nil || between {
		t.Errorf("GetBlockBetween after DeleteBlockPost = %v, %v; want false", between, err)
	}
	if blocks, _ := tr.c0.ListBlocks(tr.ctx, tr.u0.ID); !slices.Equal(blockedIDs(blocks), []string{blocked}) {
		t.Errorf("ListBlocks at the end = %v, want [%s]", blockedIDs(blocks), blocked)
	}
}

// TestE2EListen listens to the push service while another user posts (push_test.go).
func TestE2EListen(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	tourListen(t, tr.c0, tr.c2, tr.g0)
	tr.cov.mark("Listen")
}

// TestE2EUnofficial calls each unofficial method once (unofficial_test.go).
func TestE2EUnofficial(t *testing.T) {
	t.Parallel()
	tr := newTour(t)
	unofficialTour(t, tr.srv, tr.cov)
	tr.cov.mark("Unofficial")
}

// TestE2EPaging10000 walks a group of 10,000 messages backwards and
// forwards, 100 at a time.
func TestE2EPaging10000(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t, contracttest.WithDataset(contracttest.SeedConfig{
		Seed: 1, Users: 4, Groups: 1, Messages: 10000, GroupMessages: -1, DirectMessages: -1, Bots: 1,
	}))
	ctx := t.Context()
	c := e2eClient(t, srv, srv.Token)
	g := srv.Dataset.Groups[0]
	want := messageIDs(srv.Fake.GroupMessages(g))
	if len(want) != 10000 {
		t.Fatalf("the fake holds %d messages, want 10000", len(want))
	}
	distinct(t, "the fake's messages", want)

	before := srv.Fake.Calls("listMessages")
	back := messageIDs(collect(t, c.ListMessagesIter(ctx, g, &client.MessageParams{Limit: 100})))
	backCalls := srv.Fake.Calls("listMessages") - before
	fwd := messageIDs(collect(t, c.ListMessagesAfterIter(ctx, g, &client.MessageParams{AfterID: "0", Limit: 100})))
	fwdCalls := srv.Fake.Calls("listMessages") - before - backCalls

	if len(back) != 10000 || len(fwd) != 10000 {
		t.Fatalf("backwards yielded %d messages, forwards %d; want 10000 each", len(back), len(fwd))
	}
	distinct(t, "backwards", back)
	distinct(t, "forwards", fwd)
	if !slices.Equal(fwd, reversedCopy(back)) {
		t.Errorf("the forward walk is not the reverse of the backward walk")
	}
	if !slices.Equal(fwd, want) {
		for i := range fwd {
			if fwd[i] != want[i] {
				t.Errorf("forwards differs from the fake at %d: %s, want %s", i, fwd[i], want[i])
				break
			}
		}
	}
	// 100 full pages, then the 304 that ends each walk.
	if backCalls != 101 || fwdCalls != 101 {
		t.Errorf("the walks took %d and %d requests, want 101 each", backCalls, fwdCalls)
	}

	// Resuming: the forward walk from the middle yields exactly the rest.
	rest := messageIDs(collect(t, c.ListMessagesAfterIter(ctx, g, &client.MessageParams{AfterID: want[4999]})))
	if !slices.Equal(rest, want[5000:]) {
		t.Errorf("resuming after the 5000th message yielded %d messages, want 5000", len(rest))
	}
	// Stopping early stops fetching.
	calls := srv.Fake.Calls("listMessages")
	n := 0
	for _, err := range c.ListMessagesIter(ctx, g, &client.MessageParams{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 150 {
			break
		}
	}
	if got := srv.Fake.Calls("listMessages") - calls; got != 2 {
		t.Errorf("breaking after 150 messages took %d requests, want 2", got)
	}
}

// TestE2EConcurrent shares one Client and one fake between 50 goroutines
// that mix reads and writes; run it with -race.
func TestE2EConcurrent(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t, contracttest.WithDataset(contracttest.SeedConfig{
		Seed: 3, Users: 4, Groups: 2, Messages: 200, GroupMessages: 20, DirectMessages: 10, Bots: 1,
	}))
	ctx := t.Context()
	c := e2eClient(t, srv, srv.Token)
	ds := srv.Dataset
	g := ds.Groups[0]
	start := srv.Fake.GroupMessages(g)
	lastBefore := start[len(start)-1].ID

	const workers, perWorker = 50, 4
	type created struct{ id, guid, text string }
	results := make([][]created, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			fail := func(format string, args ...any) { t.Errorf("worker %d: "+format, append([]any{w}, args...)...) }
			for i := range perWorker {
				text := fmt.Sprintf("worker %d message %d", w, i)
				m, err := c.CreateMessage(ctx, g, client.NewMessage{Text: &text})
				if err != nil {
					fail("CreateMessage: %v", err)
					return
				}
				if m.ID == "" || deref(m.Text) != text {
					fail("CreateMessage returned %+v", m)
				}
				results[w] = append(results[w], created{m.ID, m.SourceGUID, text})
				switch (w + i) % 5 {
				case 0:
					if page, err := c.ListMessages(ctx, g, &client.MessageParams{Limit: 100}); err != nil || len(page.Messages) == 0 {
						fail("ListMessages: %v", err)
					}
				case 1:
					if grp, err := c.GetGroup(ctx, g, nil); err != nil || grp.ID != g {
						fail("GetGroup: %v", err)
					}
				case 2:
					if me, err := c.GetMe(ctx); err != nil || me.ID != ds.Users[0].ID {
						fail("GetMe: %v", err)
					}
				case 3:
					if _, err := c.ListGroups(ctx, nil); err != nil {
						fail("ListGroups: %v", err)
					}
				case 4:
					if _, err := c.CreateDirectMessage(ctx, client.NewDirectMessage{RecipientID: ds.Users[1].ID, Text: &text}); err != nil {
						fail("CreateDirectMessage: %v", err)
					}
				}
			}
			// Like the first of one's own messages, and read a while backwards.
			if _, err := c.LikeMessage(ctx, g, results[w][0].id, nil); err != nil {
				fail("LikeMessage: %v", err)
			}
			n := 0
			for _, err := range c.ListMessagesIter(ctx, g, &client.MessageParams{Limit: 50}) {
				if err != nil {
					fail("ListMessagesIter: %v", err)
					break
				}
				if n++; n == 120 {
					break
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	stored := srv.Fake.GroupMessages(g)
	if got, want := len(stored), len(start)+workers*perWorker; got != want {
		t.Errorf("the group has %d messages, want %d", got, want)
	}
	byText := map[string][]client.Message{}
	for _, m := range stored {
		byText[deref(m.Text)] = append(byText[deref(m.Text)], m)
	}
	for w, rs := range results {
		for i, r := range rs {
			ms := byText[r.text]
			if len(ms) != 1 {
				t.Errorf("%q stored %d times, want once", r.text, len(ms))
				continue
			}
			if ms[0].ID != r.id || ms[0].SourceGUID != r.guid {
				t.Errorf("%q stored as %s/%s, the client returned %s/%s", r.text, ms[0].ID, ms[0].SourceGUID, r.id, r.guid)
			}
			liked := slices.Contains(ms[0].FavoritedBy, ds.Users[0].ID)
			if liked != (i == 0) {
				t.Errorf("worker %d message %d: liked = %v", w, i, liked)
			}
		}
	}
	// Forwards from where the test began: exactly the new messages, each once.
	fresh := messageIDs(collect(t, c.ListMessagesAfterIter(ctx, g, &client.MessageParams{AfterID: lastBefore})))
	distinct(t, "new messages", fresh)
	if len(fresh) != workers*perWorker {
		t.Errorf("forwards from the last seeded message: %d messages, want %d", len(fresh), workers*perWorker)
	}
	if got := srv.Fake.Calls("createMessage"); got != workers*perWorker {
		t.Errorf("createMessage was called %d times, want %d (no retries without faults)", got, workers*perWorker)
	}
	var dms int
	for w := range workers {
		for i := range perWorker {
			if (w+i)%5 == 4 {
				dms++
			}
		}
	}
	page, err := c.ListDirectMessages(ctx, ds.Users[1].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.Count != 10+dms {
		t.Errorf("the DM conversation has %d messages, want %d", page.Count, 10+dms)
	}
}

// TestE2ECallbackWithFakeMessages feeds the fake's own messages (every
// attachment type, system notices, bot posts) to CallbackHandler as GroupMe
// would POST them to a bot's callback URL: the fake delivers no callbacks
// itself.
func TestE2ECallbackWithFakeMessages(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t)
	c := e2eClient(t, srv, srv.Token)
	g := srv.Dataset.Groups[0]
	msgs := collect(t, c.ListMessagesIter(t.Context(), g, &client.MessageParams{AcceptFiles: true}))
	var mu sync.Mutex
	var got []string
	h := client.CallbackHandler(func(_ context.Context, cb client.Callback) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, cb.ID)
		return nil
	}, client.SkipBotMessages(), client.SkipSystemMessages())
	cb := httptest.NewServer(h)
	defer cb.Close()

	var want []string
	var bots, system int
	for _, m := range msgs {
		body, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := cb.Client().Post(cb.URL, "application/json; charset=utf-8", bytes.NewReader(body)) // its own transport: closing other test servers resets http.DefaultTransport
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the callback answered %s to message %s", resp.Status, m.ID)
		}
		switch {
		case deref(m.SenderType) == "bot":
			bots++
		case m.System:
			system++
		default:
			want = append(want, m.ID)
		}
	}
	if bots == 0 || system == 0 {
		t.Errorf("the seeded group has %d bot posts and %d system notices; want some of each", bots, system)
	}
	if !slices.Equal(got, want) {
		t.Errorf("the callback saw %d messages, want the %d that are neither bot posts nor system notices", len(got), len(want))
	}
}

// TestE2ELogging: one Debug record per attempt and one Warn record per
// retry, with neither the token nor the query string in any record.
func TestE2ELogging(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t, contracttest.WithFaults(contracttest.FaultRule{
		Fault: contracttest.RateLimited(429, "0"), Operations: []string{"listMessages"}, Times: 1,
	}))
	var buf client.LockedBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := e2eClient(t, srv, srv.Token, client.WithQueryToken(), client.WithLogger(logger))
	if _, err := c.ListMessages(t.Context(), srv.Dataset.Groups[0], &client.MessageParams{Limit: 5}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "level=DEBUG"); n != 2 {
		t.Errorf("%d Debug records, want 2 (one per attempt):\n%s", n, out)
	}
	if n := strings.Count(out, "level=WARN"); n != 1 {
		t.Errorf("%d Warn records, want 1 (one retry):\n%s", n, out)
	}
	if strings.Contains(out, srv.Token) || strings.Contains(out, "token=") || strings.Contains(out, "limit=") {
		t.Errorf("the log holds the token or a query string:\n%s", out)
	}
}

// e2eCovers lists, for each scenario test, the methods it calls. Each
// scenario checks at its end that it called exactly these and that each
// operation among them reached its own fake; TestE2ECoversEveryMethod
// checks, without running anything, that together they cover every method
// of *client.Client and *client.Unofficial and every operation of the spec.
var e2eCovers = map[string][]string{
	"TestE2EImages": {
		"Endpoints", "UploadImage",
	},
	"TestE2EUsers": {
		"Call", "DisableSMSMode", "EnableSMSMode", "GetMe", "UpdateMe",
	},
	"TestE2EGroups": {
		"CreateGroup", "DestroyGroup", "GetGroup", "ListFormerGroups", "ListGroups",
		"ListGroupsIter", "RejoinGroup", "UpdateGroup",
	},
	"TestE2EGroupMembers": {
		"AddMembers", "GetMembersResults", "JoinGroup", "ListFormerGroupsIter",
		"RemoveMember", "UpdateMembership", "WaitForMembers",
	},
	"TestE2EGroupOwners": {
		"ChangeGroupOwners",
	},
	"TestE2EMessages": {
		"CreateMessage", "ListMessages", "Format", "GoString", "LogValue", "String",
	},
	"TestE2ELikes": {
		"LikeMessage", "UnlikeMessage", "GetLeaderboard", "GetLeaderboardForMe", "GetLeaderboardMine",
	},
	"TestE2EMessagePaging": {
		"ListMessagesIter", "ListMessagesAfterIter", "ListMessagesArchiveIter", "ListMessagesArchivePage",
	},
	"TestE2EDirectMessages": {
		"CreateDirectMessage", "ListChats", "ListChatsIter", "ListDirectMessages", "ListDirectMessagesArchivePage",
		"ListDirectMessagesAfterIter", "ListDirectMessagesIter",
	},
	"TestE2EBots": {
		"CreateBot", "DestroyBot", "ListBots", "PostBotImage", "PostBotMessage", "UpdateBot",
	},
	"TestE2EBlocks": {
		"CreateBlock", "DeleteBlock", "DeleteBlockPost", "GetBlockBetween", "ListBlocks",
	},
	"TestE2EListen": {
		"Listen",
	},
	"TestE2EUnofficial": {
		"ApprovePendingMembership", "BanMember", "CreateEvent", "CreatePoll",
		"CreateReadReceipt", "CreateRelationship", "CreateSubgroup", "DeleteChat",
		"DeleteEvent", "DeleteEventRsvp", "DeleteMessage", "DeleteRelationship",
		"DeleteSubgroup", "EditMessage", "EndPoll", "GetChat", "GetContactImport",
		"GetDirectory", "GetEvent", "GetFileUploadStatus", "GetGroupPreview", "GetMessage",
		"GetPoll", "GetSubgroup", "GetUser", "GetVideoUploadStatus", "ImportContacts",
		"JoinPublicGroup", "LeaveDirectory", "ListDirectoryGroups", "ListDirectoryMembers",
		"ListEvents", "ListGallery", "ListGalleryIter", "ListGroupMembers",
		"ListMembershipStates", "ListPendingMemberships", "ListPinnedConversations",
		"ListPinnedDirectMessages", "ListPinnedMessages", "ListPolls", "ListPopularGroups",
		"ListRelationships", "ListRelationshipsIter", "ListSubgroups", "ListSubgroupsIter",
		"ListTrendingGroups", "MuteGroup", "MuteGroupAll", "MuteSubgroup", "PinMessage",
		"RsvpEvent", "SearchPublicGroups", "SetProfileSharing", "UnmuteGroup", "UnmuteGroupAll",
		"UnmuteSubgroup", "Unofficial", "UnpinMessage", "UpdateDirectoryMajors",
		"UpdateDirectoryMembership", "UpdateEvent", "UpdatePinnedConversations",
		"UpdateSubgroup", "UpdateUserProfile", "UploadFile", "UploadVideo", "VotePoll",
		"VotePollOption",
	},
}

func TestE2ECoversEveryMethod(t *testing.T) {
	t.Parallel()
	all := map[string]bool{}
	for _, names := range e2eCovers {
		for _, n := range names {
			all[n] = true
		}
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[*client.Client](), reflect.TypeFor[*client.Unofficial]()} {
		for i := range typ.NumMethod() {
			if name := typ.Method(i).Name; !all[name] {
				t.Errorf("no scenario of e2eCovers calls (%v).%s", typ, name)
			}
		}
	}
	ops, err := contracttest.OperationIDs()
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) < 37+65 {
		t.Errorf("the spec has %d operations, want at least %d", len(ops), 37+65)
	}
	for _, op := range ops {
		found := false
		for name := range all {
			found = found || strings.EqualFold(name, op)
		}
		if !found {
			t.Errorf("no scenario of e2eCovers sends operation %s", op)
		}
	}
}
