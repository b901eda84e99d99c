package client_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// unofficialServer is a fake with a group the main user owns (with a
// second member) and the clock fixed, and clients for both users.
func unofficialServer(t *testing.T) (srv *contracttest.Server, me, other *client.Client, groupID string) {
	t.Helper()
	clock := contracttest.NewManualClock(time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC))
	srv = contracttest.NewServer(t, contracttest.WithClock(clock.Now))
	ds := srv.Dataset
	gid, err := srv.Fake.AddGroup(contracttest.Group{Name: "Owned", CreatorID: ds.Users[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Fake.AddMember(gid, ds.Users[1].ID, "Ben"); err != nil {
		t.Fatal(err)
	}
	// WithBaseURL alone (in e2eClient) moves the v4, v2, v1, video and
	// file calls to the fake too.
	return srv, e2eClient(t, srv, ds.Users[0].Token), e2eClient(t, srv, ds.Users[1].Token), gid
}

func TestUnofficialPollVotesChangeCounts(t *testing.T) {
	t.Parallel()
	srv, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	created, err := me.Unofficial().CreatePoll(ctx, gid, client.PollCreateRequest{
		Subject: "Where?", Options: []client.NewPollOption{{Title: "Lake"}, {Title: "Hill"}},
		Expiration: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC).Unix(),
		Type:       client.PollMulti, Visibility: client.PollPublic,
	})
	if err != nil {
		t.Fatal(err)
	}
	pollID := string(created.Poll.Data.ID)
	if created.Message == nil || len(created.Message.Attachments) != 1 {
		t.Fatalf("the poll was not announced with an attachment: %+v", created.Message)
	}
	if _, err := me.Unofficial().VotePoll(ctx, gid, pollID, "1", "2"); err != nil {
		t.Fatal(err)
	}
	got, err := other.Unofficial().VotePollOption(ctx, gid, pollID, "2")
	if err != nil {
		t.Fatal(err)
	}
	votes := func(p *client.PollWithVotes) []int {
		var out []int
		for _, o := range *p.Data.Options {
			n := 0
			if o.Votes != nil {
				n = *o.Votes
			}
			out = append(out, n)
		}
		return out
	}
	if v := votes(got); !slices.Equal(v, []int{1, 2}) {
		t.Errorf("counts after two voters: %v, want [1 2]", v)
	}
	if got.UserVotes == nil || !slices.Equal(*got.UserVotes, []string{"2"}) {
		t.Errorf("the other user's votes: %v", got.UserVotes)
	}
	// Changing a vote replaces it.
	if _, err := other.Unofficial().VotePoll(ctx, gid, pollID, "1"); err != nil {
		t.Fatal(err)
	}
	shown, err := me.Unofficial().GetPoll(ctx, gid, pollID)
	if err != nil {
		t.Fatal(err)
	}
	if v := votes(shown); !slices.Equal(v, []int{2, 1}) {
		t.Errorf("counts after a changed vote: %v, want [2 1]", v)
	}
	if _, err := other.Unofficial().EndPoll(ctx, gid, pollID); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("ending someone else's poll: %v, want ErrForbidden", err)
	}
	ended, err := me.Unofficial().EndPoll(ctx, gid, pollID)
	if err != nil || *ended.Data.Status != "past" {
		t.Fatalf("EndPoll: %v, %v", ended, err)
	}
	if _, err := me.Unofficial().VotePoll(ctx, gid, pollID, "2"); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("voting in an ended poll: %v, want ErrBadRequest", err)
	}
	if _, err := me.Unofficial().VotePoll(ctx, gid, pollID); err == nil {
		t.Error("VotePoll with no options succeeded")
	}
	polls, err := me.Unofficial().ListPolls(ctx, gid)
	if err != nil || len(polls) != 1 || string(polls[0].Data.ID) != pollID {
		t.Fatalf("ListPolls: %v, %v", polls, err)
	}
	if srv.Fake.Calls("createPoll") != 1 {
		t.Errorf("createPoll calls: %d", srv.Fake.Calls("createPoll"))
	}
}

func TestUnofficialPinsAndDeletion(t *testing.T) {
	t.Parallel()
	srv, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	mine, err := srv.Fake.AddMessage(gid, contracttest.Message{UserID: srv.Dataset.Users[0].ID, Text: "meet at 8"})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := srv.Fake.AddMessage(gid, contracttest.Message{UserID: srv.Dataset.Users[1].ID, Text: "ok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Unofficial().PinMessage(ctx, gid, mine); err != nil {
		t.Fatal(err)
	}
	if err := me.Unofficial().PinMessage(ctx, gid, mine); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("pinning twice: %v, want ErrBadRequest", err)
	}
	pins, err := me.Unofficial().ListPinnedMessages(ctx, gid)
	if err != nil || len(pins) != 1 || pins[0].ID != mine || *pins[0].PinnedBy != srv.Dataset.Users[1].ID {
		t.Fatalf("pinned list: %+v, %v", pins, err)
	}
	if err := me.Unofficial().UnpinMessage(ctx, gid, mine); err != nil {
		t.Fatal(err)
	}
	if pins, _ := me.Unofficial().ListPinnedMessages(ctx, gid); len(pins) != 0 {
		t.Errorf("after unpinning, %d pinned", len(pins))
	}
	if err := me.Unofficial().PinMessage(ctx, gid, mine); err != nil {
		t.Fatal(err)
	}

	// Ben may not delete the owner's message; the owner may delete Ben's.
	if err := other.Unofficial().DeleteMessage(ctx, gid, mine); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("deleting someone else's message: %v, want ErrForbidden", err)
	}
	if err := me.Unofficial().DeleteMessage(ctx, gid, theirs); err != nil {
		t.Fatal(err)
	}
	if err := me.Unofficial().DeleteMessage(ctx, gid, mine); err != nil {
		t.Fatal(err)
	}
	if pins, _ := me.Unofficial().ListPinnedMessages(ctx, gid); len(pins) != 0 {
		t.Errorf("a deleted message is still pinned: %+v", pins)
	}
	shown, err := me.Unofficial().GetMessage(ctx, gid, mine)
	if err != nil {
		t.Fatal(err)
	}
	if shown.DeletedAt == nil || shown.DeletionActor == nil || *shown.DeletionActor != "sender" || *shown.Text == "meet at 8" {
		t.Errorf("deleted message shows as %+v", shown)
	}
	page, err := me.ListMessages(ctx, gid, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range page.Messages {
		if m.ID == theirs && (m.DeletionActor == nil || *m.DeletionActor != "admin") {
			t.Errorf("message deleted by the owner lists as %+v", m)
		}
	}
	if err := me.Unofficial().DeleteMessage(ctx, gid, mine); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("deleting twice: %v, want ErrNotFound", err)
	}
}

func TestUnofficialEditMessage(t *testing.T) {
	t.Parallel()
	srv, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	sent, err := me.CreateMessage(ctx, gid, client.NewMessage{Text: client.Ptr("draft")})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := me.Unofficial().EditMessage(ctx, gid, sent.ID, client.MessageEditRequest{Text: client.Ptr("final")})
	if err != nil {
		t.Fatal(err)
	}
	if *edited.Text != "final" || edited.UpdatedAt == nil {
		t.Errorf("edited: %+v", edited)
	}
	if _, err := other.Unofficial().EditMessage(ctx, gid, sent.ID, client.MessageEditRequest{Text: client.Ptr("hijack")}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("editing someone else's message: %v", err)
	}
	msgs := srv.Fake.GroupMessages(gid)
	if last := msgs[len(msgs)-1]; *last.Text != "final" {
		t.Errorf("the fake keeps %q", *last.Text)
	}
}

func TestUnofficialEvents(t *testing.T) {
	t.Parallel()
	_, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	created, err := me.Unofficial().CreateEvent(ctx, gid, client.EventCreateRequest{
		Name: "Trail cleanup", StartAt: "2026-12-06T09:00:00-05:00", EndAt: "2026-12-06T12:00:00-05:00",
		Timezone: "America/New_York", Reminders: &[]int{0, 3600},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := string(created.Event.EventID)
	ev, err := other.Unofficial().RsvpEvent(ctx, gid, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(*ev.Going) != 2 {
		t.Errorf("going after an RSVP: %v", *ev.Going)
	}
	ev, err = other.Unofficial().RsvpEvent(ctx, gid, id, false)
	if err != nil || len(*ev.Going) != 1 || len(*ev.NotGoing) != 1 {
		t.Fatalf("after changing the answer: %+v, %v", ev, err)
	}
	ev, err = other.Unofficial().DeleteEventRsvp(ctx, gid, id)
	if err != nil || len(*ev.NotGoing) != 0 {
		t.Fatalf("after withdrawing: %+v, %v", ev, err)
	}
	if _, err := me.Unofficial().UpdateEvent(ctx, gid, id, client.EventUpdateRequest{StartAt: client.Ptr("2026-12-06T10:00:00-05:00")}); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("a lone start_at: %v, want ErrBadRequest", err)
	}
	if _, err := other.Unofficial().UpdateEvent(ctx, gid, id, client.EventUpdateRequest{Name: client.Ptr("mine now")}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("updating someone else's event: %v", err)
	}
	list, err := me.Unofficial().ListEvents(ctx, gid, &client.EventsParams{From: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Limit: 5})
	if err != nil || len(list) != 1 {
		t.Fatalf("ListEvents: %v, %v", list, err)
	}
	if later, _ := me.Unofficial().ListEvents(ctx, gid, &client.EventsParams{From: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)}); len(later) != 0 {
		t.Errorf("events from after the event: %d", len(later))
	}
	if err := me.Unofficial().DeleteEvent(ctx, gid, id); err != nil {
		t.Fatal(err)
	}
	if _, err := me.Unofficial().GetEvent(ctx, gid, id); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("a cancelled event: %v, want ErrNotFound", err)
	}
}

func TestUnofficialGalleryIterWalksEveryPicture(t *testing.T) {
	t.Parallel()
	srv, me, _, _ := unofficialServer(t)
	ctx := t.Context()
	big := srv.Dataset.Groups[0]
	var want []string
	for _, m := range srv.Fake.GroupMessages(big) {
		for _, a := range m.Attachments {
			if d := a.Type(); d == "image" || d == "video" || d == "file" || d == "linked_image" {
				want = append(want, m.ID)
				break
			}
		}
	}
	if len(want) < 20 {
		t.Fatalf("the seeded group has only %d gallery entries", len(want))
	}
	got := collect(t, me.Unofficial().ListGalleryIter(ctx, big, &client.GalleryParams{Limit: 7}))
	var ids []string
	for _, m := range got {
		ids = append(ids, m.ID)
	}
	slices.Reverse(ids) // newest first -> oldest first, like want
	if !slices.Equal(ids, want) {
		t.Fatalf("the gallery yielded %d entries, want %d (in order, once each)", len(ids), len(want))
	}
	// Every picture it lists can be downloaded from the fake.
	for _, m := range got[:3] {
		for _, a := range *m.Attachments {
			img, ok := a.AsImage()
			if !ok {
				continue
			}
			resp, err := srv.Client().Get(img.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte{0xff, 0xd8}) {
				t.Errorf("GET %s: %d, %d bytes", img.URL, resp.StatusCode, len(body))
			}
		}
	}
}

func TestUnofficialTopicsAndMembers(t *testing.T) {
	t.Parallel()
	_, me, other, gid := unofficialServer(t)
	ctx := t.Context()
	created, err := me.Unofficial().CreateSubgroup(ctx, gid, client.SubgroupCreateRequest{Topic: "Rides", GroupType: client.Ptr("announcement")})
	if err != nil {
		t.Fatal(err)
	}
	id := string(created.ID)
	if _, err := other.Unofficial().CreateSubgroup(ctx, gid, client.SubgroupCreateRequest{Topic: "Mine"}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("a member creating a topic: %v", err)
	}
	if _, err := me.Unofficial().UpdateSubgroup(ctx, gid, id, client.SubgroupUpdateRequest{Topic: client.Ptr("Carpools")}); err != nil {
		t.Fatal(err)
	}
	topics := collect(t, me.Unofficial().ListSubgroupsIter(ctx, gid, &client.SubgroupsParams{PerPage: 1}))
	if len(topics) != 1 || *topics[0].Topic != "Carpools" {
		t.Fatalf("topics: %+v", topics)
	}
	if err := me.Unofficial().DeleteSubgroup(ctx, gid, id); err != nil {
		t.Fatal(err)
	}
	if _, err := me.Unofficial().GetSubgroup(ctx, gid, id); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("a deleted topic: %v", err)
	}
	members, err := me.Unofficial().ListGroupMembers(ctx, gid, client.MembersActive)
	if err != nil || len(members) != 2 {
		t.Fatalf("members: %+v, %v", members, err)
	}
	if _, err := other.Unofficial().ListGroupMembers(ctx, gid, client.MembersActive); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("a member listing members: %v, want ErrUnauthorized", err)
	}
}

func TestUnofficialUploads(t *testing.T) {
	t.Parallel()
	_, me, _, gid := unofficialServer(t)
	ctx := t.Context()
	job, err := me.Unofficial().UploadVideo(ctx, gid, strings.NewReader("\x00\x00\x00\x18ftypmp42"), "clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	id, err := client.UploadJobID(job)
	if err != nil {
		t.Fatal(err)
	}
	st, err := me.Unofficial().GetVideoUploadStatus(ctx, id)
	if err != nil || st.Status != "complete" || st.URL == nil {
		t.Fatalf("video status: %+v, %v", st, err)
	}
	fjob, err := me.Unofficial().UploadFile(ctx, gid, "notes.txt", bytes.NewReader([]byte("notes")))
	if err != nil {
		t.Fatal(err)
	}
	fid, _ := client.UploadJobID(fjob)
	fst, err := me.Unofficial().GetFileUploadStatus(ctx, gid, fid)
	if err != nil || fst.Status != "complete" || fst.FileID == nil {
		t.Fatalf("file status: %+v, %v", fst, err)
	}
	if _, err := me.Unofficial().GetFileUploadStatus(ctx, gid, "nope"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("an unknown job: %v", err)
	}
	if _, err := client.UploadJobID(&client.UploadJob{StatusURL: "https://x/status"}); err == nil {
		t.Error("UploadJobID accepted a URL without a job")
	}
}

func TestUnofficialV4BaseFollowsTheV3Base(t *testing.T) {
	t.Parallel()
	srv, me, _, gid := unofficialServer(t)
	mid, err := srv.Fake.AddMessage(gid, contracttest.Message{UserID: srv.Dataset.Users[0].ID, Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	// e2eClient sets only WithBaseURL(".../v3"); GetMessage must reach .../v4.
	if _, err := me.Unofficial().GetMessage(t.Context(), gid, mid); err != nil {
		t.Fatal(err)
	}
	if srv.Fake.Calls("getMessage") != 1 {
		t.Errorf("getMessage calls: %d", srv.Fake.Calls("getMessage"))
	}
}

func TestUnicodeReaction(t *testing.T) {
	t.Parallel()
	srv, me, _, gid := unofficialServer(t)
	mid, _ := srv.Fake.AddMessage(gid, contracttest.Message{UserID: srv.Dataset.Users[1].ID, Text: "hi"})
	rs, err := me.LikeMessage(t.Context(), gid, mid, client.UnicodeReaction("\U0001F525"))
	if err != nil || len(rs) != 1 || *rs[0].Code != "\U0001F525" {
		t.Fatalf("reaction: %+v, %v", rs, err)
	}
}

// unofficialTour is TestE2EUnofficial's scenario: each
// method once, against the tour's server, each result checked lightly (the
// Unofficial tests above check the behaviour).
func unofficialTour(t *testing.T, srv *contracttest.Server, cov *coverage) {
	ctx := t.Context()
	ds := srv.Dataset
	gid, err := srv.Fake.AddGroup(contracttest.Group{Name: "Tour topics", CreatorID: ds.Users[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Fake.AddMember(gid, ds.Users[1].ID, "Ben"); err != nil {
		t.Fatal(err)
	}
	c := e2eClient(t, srv, ds.Users[0].Token)
	must := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cov.mark(name)
	}
	mid, _ := srv.Fake.AddMessage(gid, contracttest.Message{UserID: ds.Users[0].ID, Text: "tour"})

	created, err := c.Unofficial().CreatePoll(ctx, gid, client.PollCreateRequest{Subject: "Q", Options: []client.NewPollOption{{Title: "a"}, {Title: "b"}},
		Expiration: time.Now().Add(time.Hour).Unix(), Type: client.PollSingle, Visibility: client.PollAnonymous})
	must("CreatePoll", err)
	pid := string(created.Poll.Data.ID)
	_, err = c.Unofficial().ListPolls(ctx, gid)
	must("ListPolls", err)
	_, err = c.Unofficial().GetPoll(ctx, gid, pid)
	must("GetPoll", err)
	_, err = c.Unofficial().VotePoll(ctx, gid, pid, "1")
	must("VotePoll", err)
	p, err := c.Unofficial().VotePollOption(ctx, gid, pid, "2")
	must("VotePollOption", err)
	if o := (*p.Data.Options)[1]; o.VoterIDs != nil {
		t.Errorf("an anonymous poll shows its voters: %v", *o.VoterIDs)
	}
	_, err = c.Unofficial().EndPoll(ctx, gid, pid)
	must("EndPoll", err)

	ev, err := c.Unofficial().CreateEvent(ctx, gid, client.EventCreateRequest{Name: "E", StartAt: "2030-01-01T10:00:00Z", EndAt: "2030-01-01T11:00:00Z", Timezone: "UTC"})
	must("CreateEvent", err)
	eid := string(ev.Event.EventID)
	_, err = c.Unofficial().ListEvents(ctx, gid, nil)
	must("ListEvents", err)
	_, err = c.Unofficial().GetEvent(ctx, gid, eid)
	must("GetEvent", err)
	_, err = c.Unofficial().UpdateEvent(ctx, gid, eid, client.EventUpdateRequest{Name: client.Ptr("E2")})
	must("UpdateEvent", err)
	_, err = c.Unofficial().RsvpEvent(ctx, gid, eid, false)
	must("RsvpEvent", err)
	_, err = c.Unofficial().DeleteEventRsvp(ctx, gid, eid)
	must("DeleteEventRsvp", err)
	must("DeleteEvent", c.Unofficial().DeleteEvent(ctx, gid, eid))

	must("PinMessage", c.Unofficial().PinMessage(ctx, gid, mid))
	_, err = c.Unofficial().ListPinnedMessages(ctx, gid)
	must("ListPinnedMessages", err)
	must("UnpinMessage", c.Unofficial().UnpinMessage(ctx, gid, mid))
	_, err = c.Unofficial().ListPinnedDirectMessages(ctx, ds.Users[1].ID)
	must("ListPinnedDirectMessages", err)
	_, err = c.Unofficial().GetMessage(ctx, gid, mid)
	must("GetMessage", err)
	_, err = c.Unofficial().EditMessage(ctx, gid, mid, client.MessageEditRequest{Text: client.Ptr("tour, edited")})
	must("EditMessage", err)
	must("DeleteMessage", c.Unofficial().DeleteMessage(ctx, gid, mid))

	_, err = c.Unofficial().ListGallery(ctx, ds.Groups[0], &client.GalleryParams{Limit: 2})
	must("ListGallery", err)
	n := 0
	for _, err := range c.Unofficial().ListGalleryIter(ctx, ds.Groups[0], &client.GalleryParams{Limit: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 60 {
			break
		}
	}
	if n != 60 {
		t.Errorf("ListGalleryIter stopped after %d entries", n)
	}
	cov.mark("ListGalleryIter")

	topic, err := c.Unofficial().CreateSubgroup(ctx, gid, client.SubgroupCreateRequest{Topic: "T"})
	must("CreateSubgroup", err)
	tid := string(topic.ID)
	_, err = c.Unofficial().ListSubgroups(ctx, gid, &client.SubgroupsParams{Page: 1, PerPage: 5})
	must("ListSubgroups", err)
	if got := collect(t, c.Unofficial().ListSubgroupsIter(ctx, gid, nil)); len(got) != 1 {
		t.Errorf("ListSubgroupsIter: %d topics", len(got))
	}
	cov.mark("ListSubgroupsIter")
	_, err = c.Unofficial().GetSubgroup(ctx, gid, tid)
	must("GetSubgroup", err)
	_, err = c.Unofficial().UpdateSubgroup(ctx, gid, tid, client.SubgroupUpdateRequest{Description: client.Ptr("d")})
	must("UpdateSubgroup", err)
	must("DeleteSubgroup", c.Unofficial().DeleteSubgroup(ctx, gid, tid))
	_, err = c.Unofficial().ListGroupMembers(ctx, gid, client.MembersInactive)
	must("ListGroupMembers", err)

	job, err := c.Unofficial().UploadVideo(ctx, gid, strings.NewReader("video"), "")
	must("UploadVideo", err)
	jid, _ := client.UploadJobID(job)
	_, err = c.Unofficial().GetVideoUploadStatus(ctx, jid)
	must("GetVideoUploadStatus", err)
	fjob, err := c.Unofficial().UploadFile(ctx, gid, "f.txt", strings.NewReader("file"))
	must("UploadFile", err)
	fid, _ := client.UploadJobID(fjob)
	_, err = c.Unofficial().GetFileUploadStatus(ctx, gid, fid)
	must("GetFileUploadStatus", err)

	memberTour(t, srv, cov) // unofficial_members_test.go
}
