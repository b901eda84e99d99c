package client_test

// Calls every operation of openapi.yaml against Stoplight Prism's mock
// server, which answers from the spec's examples alone and (started with
// --errors) rejects any request the spec does not allow. It proves that a
// server written only from openapi.yaml, not our fake, is enough for the
// Go client: the spec's examples decode, its statuses are the ones the
// client expects, and the client's requests are valid.
//
// The test is skipped unless GROUPME_PRISM_URL names a running mock;
// `make prism` starts one on a loopback port, runs this test and stops it.

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// prismCall is one call per spec operation, named by its operationId.
type prismCall struct {
	op   string
	call func(ctx context.Context, c *client.Client) error
}

func prismCalls() []prismCall {
	str := client.Ptr[string]
	ignore := func(_ any, err error) error { return err }
	return []prismCall{
		{"listGroups", func(ctx context.Context, c *client.Client) error { return ignore(c.ListGroups(ctx, nil)) }},
		{"listFormerGroups", func(ctx context.Context, c *client.Client) error { return ignore(c.ListFormerGroups(ctx)) }},
		{"getGroup", func(ctx context.Context, c *client.Client) error { return ignore(c.GetGroup(ctx, "1234567", nil)) }},
		{"createGroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.CreateGroup(ctx, client.GroupCreateRequest{Name: "Hikers"}))
		}},
		{"updateGroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.UpdateGroup(ctx, "1234567", client.GroupUpdateRequest{Name: str("Hikers")}))
		}},
		{"destroyGroup", func(ctx context.Context, c *client.Client) error { return c.DestroyGroup(ctx, "1234567") }},
		{"joinGroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.JoinGroup(ctx, "1234567", "SHARETOKEN"))
		}},
		{"rejoinGroup", func(ctx context.Context, c *client.Client) error { return ignore(c.RejoinGroup(ctx, "1234567")) }},
		{"changeGroupOwners", func(ctx context.Context, c *client.Client) error {
			return ignore(c.ChangeGroupOwners(ctx, client.ChangeOwnersRequest{Requests: []client.OwnerChange{{GroupID: "1234567", OwnerID: "98765432"}}}))
		}},
		{"addMembers", func(ctx context.Context, c *client.Client) error {
			return ignore(c.AddMembers(ctx, "1234567", []client.MemberToAdd{{Nickname: "Ann", Email: str("ann@example.com")}}))
		}},
		{"getMembersResults", func(ctx context.Context, c *client.Client) error {
			return ignore(c.GetMembersResults(ctx, "1234567", "GUID-1"))
		}},
		{"removeMember", func(ctx context.Context, c *client.Client) error { return c.RemoveMember(ctx, "1234567", "55555555") }},
		{"updateMembership", func(ctx context.Context, c *client.Client) error {
			return ignore(c.UpdateMembership(ctx, "1234567", "Ann"))
		}},
		{"listMessages", func(ctx context.Context, c *client.Client) error { return ignore(c.ListMessages(ctx, "1234567", nil)) }},
		{"createMessage", func(ctx context.Context, c *client.Client) error {
			return ignore(c.CreateMessage(ctx, "1234567", client.NewMessage{SourceGUID: "guid-1", Text: str("hello")}))
		}},
		{"listChats", func(ctx context.Context, c *client.Client) error { return ignore(c.ListChats(ctx, nil)) }},
		{"listDirectMessages", func(ctx context.Context, c *client.Client) error {
			return ignore(c.ListDirectMessages(ctx, "98765432", nil))
		}},
		{"createDirectMessage", func(ctx context.Context, c *client.Client) error {
			return ignore(c.CreateDirectMessage(ctx, client.NewDirectMessage{RecipientID: "98765432", SourceGUID: "guid-2", Text: str("hi")}))
		}},
		{"likeMessage", func(ctx context.Context, c *client.Client) error {
			return ignore(c.LikeMessage(ctx, "1234567", "111111111111111111", nil))
		}},
		{"unlikeMessage", func(ctx context.Context, c *client.Client) error {
			return ignore(c.UnlikeMessage(ctx, "1234567", "111111111111111111"))
		}},
		{"getLeaderboard", func(ctx context.Context, c *client.Client) error {
			return ignore(c.GetLeaderboard(ctx, "1234567", client.PeriodWeek))
		}},
		{"getLeaderboardMine", func(ctx context.Context, c *client.Client) error { return ignore(c.GetLeaderboardMine(ctx, "1234567")) }},
		{"getLeaderboardForMe", func(ctx context.Context, c *client.Client) error {
			return ignore(c.GetLeaderboardForMe(ctx, "1234567"))
		}},
		{"listBots", func(ctx context.Context, c *client.Client) error { return ignore(c.ListBots(ctx)) }},
		{"createBot", func(ctx context.Context, c *client.Client) error {
			return ignore(c.CreateBot(ctx, client.NewBot{GroupID: "1234567", Name: "Hiker bot"}))
		}},
		{"destroyBot", func(ctx context.Context, c *client.Client) error {
			return c.DestroyBot(ctx, "4f2e6a8c0b1d3f5e7a9c2b4d6e")
		}},
		{"updateBot", func(ctx context.Context, c *client.Client) error {
			name := "Trail weather (beta)"
			return c.Unofficial().UpdateBot(ctx, client.BotUpdate{BotID: "4f2e6a8c0b1d3f5e7a9c2b4d6e", Name: &name})
		}},
		{"postBotMessage", func(ctx context.Context, c *client.Client) error {
			return c.PostBotMessage(ctx, client.BotPostRequest{BotID: "4f2e6a8c0b1d3f5e7a9c2b4d6e", Text: "hello"})
		}},
		{"getMe", func(ctx context.Context, c *client.Client) error { return ignore(c.GetMe(ctx)) }},
		{"updateMe", func(ctx context.Context, c *client.Client) error {
			return ignore(c.UpdateMe(ctx, client.UserUpdateRequest{Name: str("Ann")}))
		}},
		{"enableSmsMode", func(ctx context.Context, c *client.Client) error {
			return c.EnableSMSMode(ctx, client.SMSModeRequest{Duration: client.SMSHours(4)})
		}},
		{"disableSmsMode", func(ctx context.Context, c *client.Client) error { return c.DisableSMSMode(ctx) }},
		{"listBlocks", func(ctx context.Context, c *client.Client) error { return ignore(c.ListBlocks(ctx, "98765432")) }},
		{"getBlockBetween", func(ctx context.Context, c *client.Client) error {
			return ignore(c.GetBlockBetween(ctx, "98765432", "12345678"))
		}},
		{"createBlock", func(ctx context.Context, c *client.Client) error {
			return ignore(c.CreateBlock(ctx, "98765432", "12345678"))
		}},
		{"deleteBlock", func(ctx context.Context, c *client.Client) error { return c.DeleteBlock(ctx, "98765432", "12345678") }},
		{"deleteBlockPost", func(ctx context.Context, c *client.Client) error {
			return c.DeleteBlockPost(ctx, "98765432", "12345678")
		}},
		{"uploadImage", func(ctx context.Context, c *client.Client) error {
			return ignore(c.UploadImage(ctx, bytes.NewReader(pngPixel), "image/png"))
		}},
		// The unofficial operations.
		{"listPolls", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListPolls(ctx, "1234567"))
		}},
		{"createPoll", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().CreatePoll(ctx, "1234567", client.PollCreateRequest{
				Subject: "Where?", Options: []client.NewPollOption{{Title: "Lake"}, {Title: "Hill"}},
				Expiration: 1796000000, Type: client.PollMulti, Visibility: client.PollPublic,
			}))
		}},
		{"getPoll", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetPoll(ctx, "1234567", "1764000000"))
		}},
		{"votePoll", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().VotePoll(ctx, "1234567", "1764000000", "1", "2"))
		}},
		{"votePollOption", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().VotePollOption(ctx, "1234567", "1764000000", "1"))
		}},
		{"endPoll", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().EndPoll(ctx, "1234567", "1764000000"))
		}},
		{"listEvents", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListEvents(ctx, "1234567", &client.EventsParams{From: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Limit: 5}))
		}},
		{"getEvent", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetEvent(ctx, "1234567", "abc123"))
		}},
		{"createEvent", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().CreateEvent(ctx, "1234567", client.EventCreateRequest{
				Name: "Trail cleanup", StartAt: "2026-12-06T09:00:00-05:00", EndAt: "2026-12-06T12:00:00-05:00",
				Timezone: "America/New_York",
			}))
		}},
		{"updateEvent", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UpdateEvent(ctx, "1234567", "abc123", client.EventUpdateRequest{Name: str("Cleanup")}))
		}},
		{"deleteEvent", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().DeleteEvent(ctx, "1234567", "abc123")
		}},
		{"rsvpEvent", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().RsvpEvent(ctx, "1234567", "abc123", true))
		}},
		{"deleteEventRsvp", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().DeleteEventRsvp(ctx, "1234567", "abc123"))
		}},
		{"pinMessage", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().PinMessage(ctx, "1234567", "111111111111111111")
		}},
		{"unpinMessage", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().UnpinMessage(ctx, "1234567", "111111111111111111")
		}},
		{"listPinnedMessages", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListPinnedMessages(ctx, "1234567"))
		}},
		{"listPinnedDirectMessages", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListPinnedDirectMessages(ctx, "98765432"))
		}},
		{"getMessage", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetMessage(ctx, "1234567", "111111111111111111"))
		}},
		{"editMessage", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().EditMessage(ctx, "1234567", "111111111111111111", client.MessageEditRequest{Text: str("final")}))
		}},
		{"deleteMessage", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().DeleteMessage(ctx, "1234567", "111111111111111111")
		}},
		{"listGallery", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListGallery(ctx, "1234567", &client.GalleryParams{Limit: 10}))
		}},
		{"listSubgroups", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListSubgroups(ctx, "1234567", nil))
		}},
		{"getSubgroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetSubgroup(ctx, "1234567", "7654321"))
		}},
		{"createSubgroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().CreateSubgroup(ctx, "1234567", client.SubgroupCreateRequest{Topic: "Rides"}))
		}},
		{"updateSubgroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UpdateSubgroup(ctx, "1234567", "7654321", client.SubgroupUpdateRequest{Topic: str("Carpools")}))
		}},
		{"deleteSubgroup", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().DeleteSubgroup(ctx, "1234567", "7654321")
		}},
		{"listGroupMembers", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListGroupMembers(ctx, "1234567", client.MembersActive))
		}},
		{"uploadVideo", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UploadVideo(ctx, "1234567", strings.NewReader("\x00\x00\x00\x18ftypmp42"), "clip.mp4"))
		}},
		{"getVideoUploadStatus", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetVideoUploadStatus(ctx, "job-1"))
		}},
		{"uploadFile", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UploadFile(ctx, "1234567", "notes.txt", strings.NewReader("notes")))
		}},
		{"getFileUploadStatus", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetFileUploadStatus(ctx, "1234567", "job-1"))
		}},
		{"muteGroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().MuteGroup(ctx, "1234567", time.Hour))
		}},
		{"unmuteGroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UnmuteGroup(ctx, "1234567"))
		}},
		{"muteGroupAll", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().MuteGroupAll(ctx, "1234567", client.MuteUntilUnmuted))
		}},
		{"unmuteGroupAll", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UnmuteGroupAll(ctx, "1234567"))
		}},
		{"muteSubgroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().MuteSubgroup(ctx, "1234567", "7654321", time.Minute))
		}},
		{"unmuteSubgroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UnmuteSubgroup(ctx, "1234567", "7654321"))
		}},
		{"listMembershipStates", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListMembershipStates(ctx))
		}},
		{"listPendingMemberships", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListPendingMemberships(ctx, "1234567"))
		}},
		{"approvePendingMembership", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ApprovePendingMembership(ctx, "1234567", "7654321", true))
		}},
		{"banMember", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().BanMember(ctx, "1234567", "7654321")
		}},
		{"getChat", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetChat(ctx, "1234567+7654321"))
		}},
		{"deleteChat", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().DeleteChat(ctx, "1234567+7654321")
		}},
		{"createReadReceipt", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().CreateReadReceipt(ctx, "1234567+7654321", "175141257527047935"))
		}},
		{"getGroupPreview", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetGroupPreview(ctx, "1234567"))
		}},
		{"joinPublicGroup", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().JoinPublicGroup(ctx, "1234567", "I run too"))
		}},
		{"searchPublicGroups", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().SearchPublicGroups(ctx, "running", &client.PublicGroupsParams{PerPage: 5}))
		}},
		{"listTrendingGroups", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListTrendingGroups(ctx, nil))
		}},
		{"listPopularGroups", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListPopularGroups(ctx, &client.PublicGroupsParams{From: 20}))
		}},
		{"getDirectory", func(ctx context.Context, c *client.Client) error { return ignore(c.Unofficial().GetDirectory(ctx)) }},
		{"leaveDirectory", func(ctx context.Context, c *client.Client) error { return c.Unofficial().LeaveDirectory(ctx, "1928") }},
		{"updateDirectoryMajors", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UpdateDirectoryMajors(ctx, "3702", "5506"))
		}},
		{"updateDirectoryMembership", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UpdateDirectoryMembership(ctx, client.DirectoryMembershipUpdate{GraduationYear: client.Ptr(2025), CampusProfileVisibility: str("major")}))
		}},
		{"listDirectoryGroups", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListDirectoryGroups(ctx, nil))
		}},
		{"listDirectoryMembers", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListDirectoryMembers(ctx, &client.DirectoryMembersParams{Majors: []int{3702, 1100}, GraduationYear: 2027}))
		}},
		{"setProfileSharing", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().SetProfileSharing(ctx, true))
		}},
		{"listPinnedConversations", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListPinnedConversations(ctx))
		}},
		{"updatePinnedConversations", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().UpdatePinnedConversations(ctx, []string{"1234567", "1+2"})
		}},
		{"listRelationships", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().ListRelationships(ctx, &client.RelationshipsParams{ExcludeBlocked: true}))
		}},
		{"createRelationship", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().CreateRelationship(ctx, "1234567", "njLqSwBU")
		}},
		{"getUser", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetUser(ctx, "1234567", true))
		}},
		{"importContacts", func(ctx context.Context, c *client.Client) error {
			_, err := c.Unofficial().ImportContacts(ctx, []client.ContactImport{{GUID: "G-1", PhoneNumber: "+13195550112"}})
			return err
		}},
		{"getContactImport", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().GetContactImport(ctx, "batch-1"))
		}},
		{"deleteRelationship", func(ctx context.Context, c *client.Client) error {
			return c.Unofficial().DeleteRelationship(ctx, "1234567")
		}},
		{"updateUserProfile", func(ctx context.Context, c *client.Client) error {
			return ignore(c.Unofficial().UpdateUserProfile(ctx, "1234567", client.ProfileUpdate{Bio: str("runs")}))
		}},
	}
}

// pngPixel is a 1x1 PNG, enough for Prism, which checks only the media type.
var pngPixel = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00,
	0x00, 0x05, 0x00, 0x01, 0xe9, 0xfa, 0xdc, 0xd8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
	0xae, 0x42, 0x60, 0x82,
}

// TestPrismCallsCoverTheSpec needs no Prism: it checks that prismCalls has
// exactly one entry per operation under the spec's paths, so an operation
// added to openapi.yaml without a call here fails.
func TestPrismCallsCoverTheSpec(t *testing.T) {
	t.Parallel()
	want, err := contracttest.OperationIDs()
	if err != nil {
		t.Fatalf("loading the spec: %v", err)
	}
	var got []string
	for _, pc := range prismCalls() {
		got = append(got, pc.op)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		for _, id := range want {
			if !slices.Contains(got, id) {
				t.Errorf("operation %s has no call in prismCalls", id)
			}
		}
		for i, id := range got {
			if !slices.Contains(want, id) {
				t.Errorf("prismCalls names %s, which the spec does not have", id)
			}
			if i > 0 && got[i-1] == id {
				t.Errorf("prismCalls names %s twice", id)
			}
		}
	}
}

// TestPrismMock calls every operation against the Prism mock at
// GROUPME_PRISM_URL, with retries off so that any error status fails at once.
func TestPrismMock(t *testing.T) {
	base := os.Getenv("GROUPME_PRISM_URL")
	if base == "" {
		t.Skip("GROUPME_PRISM_URL is not set; `make prism` runs this test against `prism mock openapi.yaml`")
	}
	c, err := client.New("prism-token",
		client.WithEndpoints(client.Endpoints{
			API: base, V4: base, V2: base, V1: base,
			Image: base, Video: base, File: base,
		}),
		client.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, pc := range prismCalls() {
		t.Run(pc.op, func(t *testing.T) {
			if err := pc.call(t.Context(), c); err != nil {
				t.Errorf("%s against Prism: %v", pc.op, err)
			}
		})
	}
}

// TestAcceptHeaders: JSON calls ask for application/json; a bot post, whose
// answer is a single space as text, asks for anything (asking for JSON
// there makes Prism, and any server that negotiates, answer 406).
func TestAcceptHeaders(t *testing.T) {
	t.Parallel()
	accepts := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accepts <- r.URL.Path + " " + r.Header.Get("Accept")
		if strings.HasSuffix(r.URL.Path, "/bots/post") {
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(" "))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"response":{"id":"1","name":"A","created_at":1,"updated_at":1},"meta":{"code":200}}`))
	}))
	t.Cleanup(srv.Close)
	c, err := client.New("t", client.WithBaseURL(srv.URL+"/v3"), client.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetMe(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := c.PostBotMessage(t.Context(), client.BotPostRequest{BotID: "b", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/v3/users/me application/json", "/v3/bots/post */*"} {
		if got := <-accepts; got != want {
			t.Errorf("path and Accept = %q, want %q", got, want)
		}
	}
}
