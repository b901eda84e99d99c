package contracttest

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFakeServesEveryOperation drives every operation of the spec with a
// valid request and checks the answer is a documented success. The server
// fails the test on any response that violates the spec.
func TestFakeServesEveryOperation(t *testing.T) {
	t.Parallel()
	srv, clock := newManualServer(t)
	ds := srv.Dataset
	me, other := ds.Users[0], ds.Users[1]
	api := newFakeAPI(t, srv, me.Token)
	g := ds.Groups[0]

	var created struct {
		ID       string `json:"id"`
		ShareURL string `json:"share_url"`
		Members  []struct {
			ID     string `json:"id"`
			UserID string `json:"user_id"`
		} `json:"members"`
	}
	var msg struct {
		Message struct {
			ID string `json:"id"`
		} `json:"message"`
	}
	var results struct {
		ResultsID string `json:"results_id"`
	}
	var bot struct {
		Bot struct {
			BotID string `json:"bot_id"`
		} `json:"bot"`
	}
	pngBytes := testPNG(t, 3, 2)

	// Each step is one operation, in an order where earlier steps make what
	// later ones need.
	steps := []struct {
		op   string
		run  func() fakeReply
		want int
	}{
		{"listGroups", func() fakeReply { return api.do("GET", "/groups", nil, q("per_page", "2", "omit", "memberships")) }, 200},
		{"listFormerGroups", func() fakeReply { return api.as(other.Token).do("GET", "/groups/former", nil, nil) }, 200},
		{"getGroup", func() fakeReply { return api.do("GET", "/groups/"+g, nil, q("include", "members")) }, 200},
		{"createGroup", func() fakeReply {
			r := api.do("POST", "/groups", map[string]any{"name": "Test group", "share": true}, nil)
			r.decode(t, &created)
			return r
		}, 201},
		{"updateGroup", func() fakeReply {
			return api.do("POST", "/groups/"+created.ID+"/update", map[string]any{"name": "Renamed", "office_mode": true}, nil)
		}, 200},
		{"joinGroup", func() fakeReply {
			token := created.ShareURL[strings.LastIndex(created.ShareURL, "/")+1:]
			return api.as(other.Token).do("POST", "/groups/"+created.ID+"/join/"+token, nil, nil)
		}, 200},
		{"changeGroupOwners", func() fakeReply {
			return api.do("POST", "/groups/change_owners", map[string]any{"requests": []any{
				map[string]any{"group_id": created.ID, "owner_id": other.ID}}}, nil)
		}, 200},
		{"addMembers", func() fakeReply {
			r := api.do("POST", "/groups/"+created.ID+"/members/add", map[string]any{"members": []any{
				map[string]any{"nickname": "Three", "user_id": ds.Users[2].ID, "guid": "G-1"}}}, nil)
			r.decode(t, &results)
			return r
		}, 202},
		{"getMembersResults", func() fakeReply {
			api.do("GET", "/groups/"+created.ID+"/members/results/"+results.ResultsID, nil, nil).expect(t, 503)
			return api.do("GET", "/groups/"+created.ID+"/members/results/"+results.ResultsID, nil, nil)
		}, 200},
		{"updateMembership", func() fakeReply {
			return api.do("POST", "/groups/"+created.ID+"/memberships/update", map[string]any{"membership": map[string]any{"nickname": "Boss"}}, nil)
		}, 200},
		{"removeMember", func() fakeReply {
			var gr struct {
				Members []struct {
					ID     string `json:"id"`
					UserID string `json:"user_id"`
				} `json:"members"`
			}
			api.do("GET", "/groups/"+created.ID, nil, nil).decode(t, &gr)
			var mid string
			for _, m := range gr.Members {
				if m.UserID == me.ID {
					mid = m.ID
				}
			}
			return api.do("POST", "/groups/"+created.ID+"/members/"+mid+"/remove", nil, nil) // me leaves
		}, 200},
		{"rejoinGroup", func() fakeReply { return api.do("POST", "/groups/join", map[string]any{"group_id": created.ID}, nil) }, 200},
		{"destroyGroup", func() fakeReply { return api.as(other.Token).do("POST", "/groups/"+created.ID+"/destroy", nil, nil) }, 200},
		{"listMessages", func() fakeReply { return api.do("GET", "/groups/"+g+"/messages", nil, q("limit", "5")) }, 200},
		{"createMessage", func() fakeReply {
			r := api.do("POST", "/groups/"+g+"/messages", map[string]any{"message": map[string]any{"source_guid": "guid-1", "text": "hi"}}, nil)
			r.decode(t, &msg)
			return r
		}, 201},
		{"likeMessage", func() fakeReply {
			return api.as(other.Token).do("POST", "/messages/"+g+"/"+msg.Message.ID+"/like", nil, nil)
		}, 200},
		{"unlikeMessage", func() fakeReply {
			return api.as(other.Token).do("POST", "/messages/"+g+"/"+msg.Message.ID+"/unlike", nil, nil)
		}, 200},
		{"getLeaderboard", func() fakeReply { return api.do("GET", "/groups/"+g+"/likes", nil, q("period", "month")) }, 200},
		{"getLeaderboardMine", func() fakeReply { return api.do("GET", "/groups/"+g+"/likes/mine", nil, nil) }, 200},
		{"getLeaderboardForMe", func() fakeReply { return api.do("GET", "/groups/"+g+"/likes/for_me", nil, nil) }, 200},
		{"listChats", func() fakeReply { return api.do("GET", "/chats", nil, q("per_page", "10")) }, 200},
		{"listDirectMessages", func() fakeReply { return api.do("GET", "/direct_messages", nil, q("other_user_id", other.ID)) }, 200},
		{"createDirectMessage", func() fakeReply {
			return api.do("POST", "/direct_messages", map[string]any{"direct_message": map[string]any{
				"source_guid": "dm-1", "recipient_id": other.ID, "text": "hello"}}, nil)
		}, 201},
		{"listBots", func() fakeReply { return api.do("GET", "/bots", nil, nil) }, 200},
		{"createBot", func() fakeReply {
			r := api.do("POST", "/bots", map[string]any{"bot": map[string]any{"name": "B", "group_id": g}}, nil)
			r.decode(t, &bot)
			return r
		}, 201},
		{"postBotMessage", func() fakeReply {
			return api.as("").do("POST", "/bots/post", map[string]any{"bot_id": bot.Bot.BotID, "text": "beep"}, nil)
		}, 202},
		{"updateBot", func() fakeReply {
			return api.do("POST", "/bots/update", map[string]any{"bot": map[string]any{"bot_id": bot.Bot.BotID, "name": "B2", "avatar_url": nil}}, nil)
		}, 200},
		{"destroyBot", func() fakeReply { return api.do("POST", "/bots/destroy", map[string]any{"bot_id": bot.Bot.BotID}, nil) }, 200},
		{"getMe", func() fakeReply { return api.do("GET", "/users/me", nil, nil) }, 200},
		{"updateMe", func() fakeReply { return api.do("POST", "/users/update", map[string]any{"zip_code": "94107"}, nil) }, 200},
		{"enableSmsMode", func() fakeReply { return api.do("POST", "/users/sms_mode", map[string]any{"duration": 4}, nil) }, 201},
		{"disableSmsMode", func() fakeReply { return api.do("POST", "/users/sms_mode/delete", nil, nil) }, 200},
		{"listBlocks", func() fakeReply { return api.do("GET", "/blocks", nil, q("user", me.ID)) }, 200},
		{"createBlock", func() fakeReply { return api.do("POST", "/blocks", nil, q("user", me.ID, "otherUser", other.ID)) }, 201},
		{"getBlockBetween", func() fakeReply {
			return api.do("GET", "/blocks/between", nil, q("user", me.ID, "otherUser", other.ID))
		}, 200},
		{"deleteBlock", func() fakeReply { return api.do("DELETE", "/blocks", nil, q("user", me.ID, "otherUser", other.ID)) }, 200},
		{"deleteBlockPost", func() fakeReply {
			return api.do("POST", "/blocks/delete", nil, q("user", me.ID, "otherUser", other.ID))
		}, 200},
		{"uploadImage", func() fakeReply { return api.do("POST", srv.ImageURL+"/pictures", pngBytes, nil) }, 200},
	}

	steps = append(steps, unofficialSteps(t, srv, api)...)

	doc, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	var specOps []string
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			specOps = append(specOps, op.OperationID)
		}
	}
	var stepOps []string
	for _, s := range steps {
		stepOps = append(stepOps, s.op)
	}
	slices.Sort(specOps)
	slices.Sort(stepOps)
	if !slices.Equal(specOps, stepOps) {
		t.Fatalf("the steps cover %v\nthe spec has %v", stepOps, specOps)
	}
	for op := range operations {
		if !slices.Contains(specOps, op) {
			t.Errorf("the fake handles %s, which the spec does not have", op)
		}
	}

	for _, s := range steps {
		clock.Advance(time.Second)
		before := srv.Fake.Calls(s.op)
		r := s.run()
		if r.status != s.want {
			t.Errorf("%s: status %d, want %d: %.300s", s.op, r.status, s.want, r.body)
		}
		if srv.Fake.Calls(s.op) <= before {
			t.Errorf("%s: the request was not routed to the operation", s.op)
		}
	}
	t.Logf("the fake serves all %d operations of the spec", len(specOps))
}

func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFakeAuthAndBadRequests(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	g := srv.Dataset.Groups[0]
	count := len(srv.Fake.GroupMessages(g))

	// Missing and unknown tokens; the query form works as well as the header.
	api.as("").do("GET", "/groups", nil, nil).expect(t, 401).decode(t, nil)
	api.as("nope").do("GET", "/groups", nil, nil).expect(t, 401)
	api.as("").do("GET", "/users/me", nil, q("token", srv.Token)).expect(t, 200)

	// An invalid body: 400 naming the field, nothing stored.
	r := api.do("POST", "/groups/"+g+"/messages", map[string]any{"message": map[string]any{"text": "no guid"}}, nil).expect(t, 400)
	if errs := r.decode(t, nil); len(errs) == 0 || !strings.Contains(strings.Join(errs, " "), "source_guid") {
		t.Errorf("meta.errors %q do not name source_guid", errs)
	}
	r = api.do("POST", "/groups/"+g+"/messages", `{"message": {"source_guid": "x", "text": 5}}`, nil).expect(t, 400)
	if errs := r.decode(t, nil); !strings.Contains(strings.Join(errs, " "), "/message/text") {
		t.Errorf("meta.errors %q do not point at /message/text", errs)
	}
	// Neither text nor attachments.
	api.do("POST", "/groups/"+g+"/messages", map[string]any{"message": map[string]any{"source_guid": "y"}}, nil).expect(t, 400)
	if n := len(srv.Fake.GroupMessages(g)); n != count {
		t.Errorf("%d messages after rejected requests, want %d", n, count)
	}
	// Bad parameters.
	r = api.do("GET", "/groups/"+g+"/messages", nil, q("limit", "101")).expect(t, 400)
	if errs := r.decode(t, nil); !strings.Contains(strings.Join(errs, " "), `"limit"`) {
		t.Errorf("meta.errors %q do not name limit", errs)
	}
	api.do("GET", "/groups/"+g+"/likes", nil, q("period", "year")).expect(t, 400)
	api.do("GET", "/groups/"+g+"/messages", nil, q("before_id", "1", "after_id", "2")).expect(t, 400)
	api.do("POST", "/groups", map[string]any{"name": ""}, nil).expect(t, 400)
	// Unknown paths and groups.
	api.do("GET", "/nowhere", nil, nil).expect(t, 404)
	api.do("GET", "/groups/999", nil, nil).expect(t, 404)
	api.do("POST", "/groups/"+g+"/update", map[string]any{"name": strings.Repeat("x", 141)}, nil).expect(t, 400)
	var after struct{ Name string }
	api.do("GET", "/groups/"+g, nil, nil).expect(t, 200).decode(t, &after)
	if after.Name == strings.Repeat("x", 141) {
		t.Error("a rejected update changed the group")
	}
}

func TestFakeVisibility(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t, WithoutDataset())
	f := srv.Fake
	a, b, c := f.AddUser(Account{Name: "A"}), f.AddUser(Account{Name: "B"}), f.AddUser(Account{Name: "C"})
	g, err := f.AddGroup(Group{Name: "A only", CreatorID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	mid, err := f.AddMessage(g, Message{UserID: a.ID, Text: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	dm, err := f.AddDirectMessage(a.ID, c.ID, Message{Text: "between a and c"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddBot(Bot{OwnerID: a.ID, GroupID: g, Name: "A's bot"}); err != nil {
		t.Fatal(err)
	}
	if err := f.AddBlock(a.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	asA, asB := newFakeAPI(t, srv, a.Token), newFakeAPI(t, srv, b.Token)

	var groups []json.RawMessage
	asB.do("GET", "/groups", nil, nil).expect(t, 200).decode(t, &groups)
	if len(groups) != 0 {
		t.Errorf("B sees %d groups", len(groups))
	}
	asB.do("GET", "/groups/"+g, nil, nil).expect(t, 404)
	asB.do("GET", "/groups/"+g+"/messages", nil, nil).expect(t, 404)
	asB.do("POST", "/messages/"+g+"/"+mid+"/like", nil, nil).expect(t, 404)
	asB.do("POST", "/messages/"+conversationID(a.ID, c.ID)+"/"+dm+"/like", nil, nil).expect(t, 404)
	asB.do("GET", "/direct_messages", nil, q("other_user_id", a.ID)).expect(t, 304)
	var chats, bots []json.RawMessage
	asB.do("GET", "/chats", nil, nil).expect(t, 200).decode(t, &chats)
	asB.do("GET", "/bots", nil, nil).expect(t, 200).decode(t, &bots)
	if len(chats) != 0 || len(bots) != 0 {
		t.Errorf("B sees %d chats and %d bots", len(chats), len(bots))
	}
	asB.do("GET", "/blocks", nil, q("user", a.ID)).expect(t, 403)

	asA.do("GET", "/groups/"+g, nil, nil).expect(t, 200)
	asA.do("GET", "/chats", nil, nil).expect(t, 200).decode(t, &chats)
	asA.do("GET", "/bots", nil, nil).expect(t, 200).decode(t, &bots)
	if len(chats) != 1 || len(bots) != 1 {
		t.Errorf("A sees %d chats and %d bots, want 1 and 1", len(chats), len(bots))
	}
	// The DM conversation id is "<low>+<high>" and likes work through it.
	asA.do("POST", "/messages/"+conversationID(a.ID, c.ID)+"/"+dm+"/like", nil, nil).expect(t, 200)
	// C is blocked by A: C cannot write to A.
	newFakeAPI(t, srv, c.Token).do("POST", "/direct_messages", map[string]any{"direct_message": map[string]any{
		"source_guid": "x", "recipient_id": a.ID, "text": "hi"}}, nil).expect(t, 403)
	var between struct{ Between bool }
	newFakeAPI(t, srv, c.Token).do("GET", "/blocks/between", nil, q("user", c.ID, "otherUser", a.ID)).expect(t, 200).decode(t, &between)
	if !between.Between {
		t.Error("between is false for a blocked pair")
	}
}

func TestFakeSourceGUIDWindow(t *testing.T) {
	t.Parallel()
	srv, clock := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	g := srv.Dataset.Groups[0]
	send := func() fakeReply {
		return api.do("POST", "/groups/"+g+"/messages", map[string]any{"message": map[string]any{"source_guid": "same", "text": "once"}}, nil)
	}
	n := len(srv.Fake.GroupMessages(g))
	send().expect(t, 201)
	send().expect(t, 409).decode(t, nil)
	clock.Advance(59 * time.Second)
	send().expect(t, 409)
	if got := len(srv.Fake.GroupMessages(g)); got != n+1 {
		t.Fatalf("%d messages after a create and two repeats, want %d", got, n+1)
	}
	clock.Advance(2 * time.Second) // 61 s after the first
	send().expect(t, 201)
	if got := len(srv.Fake.GroupMessages(g)); got != n+2 {
		t.Fatalf("%d messages, want %d", got, n+2)
	}
	// The same for direct messages.
	other := srv.Dataset.Users[1].ID
	dm := func() fakeReply {
		return api.do("POST", "/direct_messages", map[string]any{"direct_message": map[string]any{"source_guid": "d", "recipient_id": other, "text": "x"}}, nil)
	}
	dm().expect(t, 201)
	dm().expect(t, 409)
}

func TestFakeMembersResultsLifecycle(t *testing.T) {
	t.Parallel()
	srv, clock := newManualServer(t)
	ds := srv.Dataset
	api := newFakeAPI(t, srv, srv.Token)
	g := ds.Groups[1]
	var newcomer string
	for _, u := range ds.Users[1:] {
		var gr struct {
			Members []fakeMember `json:"members"`
		}
		api.do("GET", "/groups/"+g, nil, nil).decode(t, &gr)
		if !slices.ContainsFunc(gr.Members, func(m fakeMember) bool { return m.UserID == u.ID }) {
			newcomer = u.ID
			break
		}
	}
	if newcomer == "" {
		t.Skip("every user is already in the group")
	}
	var res struct {
		ResultsID string `json:"results_id"`
	}
	api.do("POST", "/groups/"+g+"/members/add", map[string]any{"members": []any{
		map[string]any{"nickname": "New", "user_id": newcomer, "guid": "GUID-7"},
		map[string]any{"nickname": "Nobody", "email": "nobody@example.org"},
	}}, nil).expect(t, 202).decode(t, &res)
	path := "/groups/" + g + "/members/results/" + res.ResultsID
	api.do("GET", path, nil, nil).expect(t, 503).decode(t, nil)
	var got struct {
		Members []fakeMember `json:"members"`
	}
	api.do("GET", path, nil, nil).expect(t, 200).decode(t, &got)
	if len(got.Members) != 1 || got.Members[0].UserID != newcomer || got.Members[0].GUID != "GUID-7" || got.Members[0].ID == "" {
		t.Errorf("results %+v", got.Members)
	}
	clock.Advance(59 * time.Minute)
	api.do("GET", path, nil, nil).expect(t, 200)
	clock.Advance(time.Minute)
	api.do("GET", path, nil, nil).expect(t, 404)
	api.do("GET", "/groups/"+g+"/members/results/unknown", nil, nil).expect(t, 404)
}

func TestFakeMembersResultsDelay(t *testing.T) {
	t.Parallel()
	srv, clock := newManualServer(t, WithMembersResultsDelay(0, 5*time.Second))
	api := newFakeAPI(t, srv, srv.Token)
	g := srv.Dataset.Groups[0]
	var res struct {
		ResultsID string `json:"results_id"`
	}
	api.do("POST", "/groups/"+g+"/members/add", map[string]any{"members": []any{map[string]any{"nickname": "X", "phone_number": "+1 5550000000"}}}, nil).
		expect(t, 202).decode(t, &res)
	path := "/groups/" + g + "/members/results/" + res.ResultsID
	api.do("GET", path, nil, nil).expect(t, 503)
	api.do("GET", path, nil, nil).expect(t, 503)
	clock.Advance(5 * time.Second)
	api.do("GET", path, nil, nil).expect(t, 200)
}

func TestFakeLikesAndLeaderboard(t *testing.T) {
	t.Parallel()
	srv, clock := newManualServer(t, WithoutDataset())
	f := srv.Fake
	a, b := f.AddUser(Account{Name: "A"}), f.AddUser(Account{Name: "B"})
	g, _ := f.AddGroup(Group{Name: "G", CreatorID: a.ID})
	if _, err := f.AddMember(g, b.ID, ""); err != nil {
		t.Fatal(err)
	}
	old, _ := f.AddMessage(g, Message{UserID: a.ID, Text: "old", CreatedAt: fakeClock.Add(-10 * 24 * time.Hour)})
	recent, _ := f.AddMessage(g, Message{UserID: a.ID, Text: "recent"})
	asA, asB := newFakeAPI(t, srv, a.Token), newFakeAPI(t, srv, b.Token)

	var reactions struct {
		Reactions []struct {
			Type    string   `json:"type"`
			Code    string   `json:"code"`
			PackID  any      `json:"pack_id"`
			UserIDs []string `json:"user_ids"`
		} `json:"reactions"`
	}
	asB.do("POST", "/messages/"+g+"/"+old+"/like", nil, nil).expect(t, 200)
	clock.Advance(time.Minute)
	asB.do("POST", "/messages/"+g+"/"+recent+"/like", map[string]any{"like_icon": map[string]any{"type": "emoji", "pack_id": 1, "pack_index": 62}}, nil).
		expect(t, 200).decode(t, &reactions)
	if len(reactions.Reactions) != 1 || reactions.Reactions[0].Type != "emoji" || reactions.Reactions[0].PackID != float64(1) {
		t.Errorf("reactions %+v", reactions.Reactions)
	}
	asA.do("POST", "/messages/"+g+"/"+recent+"/like", nil, nil).expect(t, 200).decode(t, &reactions)
	if len(reactions.Reactions) != 2 {
		t.Errorf("reactions after a second like: %+v", reactions.Reactions)
	}

	var lb fakeMessageList
	asA.do("GET", "/groups/"+g+"/likes", nil, q("period", "day")).expect(t, 200).decode(t, &lb)
	if len(lb.Messages) != 1 || lb.Messages[0].ID != recent || len(lb.Messages[0].FavoritedBy) != 2 {
		t.Errorf("day leaderboard %+v", lb.Messages)
	}
	asA.do("GET", "/groups/"+g+"/likes", nil, q("period", "month")).expect(t, 200).decode(t, &lb)
	if len(lb.Messages) != 2 || lb.Messages[0].ID != recent {
		t.Errorf("month leaderboard %+v", lb.Messages)
	}
	asB.do("GET", "/groups/"+g+"/likes/mine", nil, nil).expect(t, 200).decode(t, &lb)
	if len(lb.Messages) != 2 || lb.Messages[0].ID != recent || !strings.HasSuffix(lb.Messages[0].LikedAt, "Z") {
		t.Errorf("mine %+v", lb.Messages)
	}
	if _, err := time.Parse(time.RFC3339, lb.Messages[0].LikedAt); err != nil {
		t.Errorf("liked_at %q: %v", lb.Messages[0].LikedAt, err)
	}
	asA.do("GET", "/groups/"+g+"/likes/for_me", nil, nil).expect(t, 200).decode(t, &lb)
	if len(lb.Messages) != 2 {
		t.Errorf("for_me %+v", lb.Messages)
	}
	asB.do("POST", "/messages/"+g+"/"+recent+"/unlike", nil, nil).expect(t, 200).decode(t, &reactions)
	if len(reactions.Reactions) != 1 || reactions.Reactions[0].UserIDs[0] != a.ID {
		t.Errorf("reactions after unlike %+v", reactions.Reactions)
	}
	asB.do("GET", "/groups/"+g+"/likes/for_me", nil, nil).expect(t, 200).decode(t, &lb)
	if len(lb.Messages) != 0 {
		t.Errorf("B's for_me %+v", lb.Messages)
	}
}

func TestFakeUsersSmsAndBots(t *testing.T) {
	t.Parallel()
	srv, clock := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	var me struct {
		Name string `json:"name"`
		SMS  bool   `json:"sms"`
	}
	api.do("POST", "/users/update", map[string]any{"name": "New Name"}, nil).expect(t, 200).decode(t, &me)
	if me.Name != "New Name" {
		t.Errorf("name %q", me.Name)
	}
	api.do("POST", "/users/sms_mode", map[string]any{"duration": 2}, nil).expect(t, 201)
	api.do("GET", "/users/me", nil, nil).expect(t, 200).decode(t, &me)
	if !me.SMS {
		t.Error("sms is off after enabling it")
	}
	clock.Advance(2 * time.Hour)
	api.do("GET", "/users/me", nil, nil).decode(t, &me)
	if me.SMS {
		t.Error("sms is still on after its duration")
	}
	api.do("POST", "/users/sms_mode", map[string]any{"duration": "always"}, nil).expect(t, 201)
	api.do("POST", "/users/sms_mode/delete", nil, nil).expect(t, 200)
	api.do("GET", "/users/me", nil, nil).decode(t, &me)
	if me.SMS {
		t.Error("sms is on after disabling it")
	}

	// A bot post shows up in the group as a bot message; the query form works.
	g := srv.Dataset.Groups[0]
	bot := srv.Dataset.Bots[0]
	r := api.as("").do("POST", "/bots/post", nil, q("bot_id", bot, "text", "from the query"))
	r.expect(t, 202)
	if string(r.body) != " " {
		t.Errorf("bots/post body %q, want a single space", r.body)
	}
	var page fakeMessageList
	api.do("GET", "/groups/"+g+"/messages", nil, q("limit", "1")).expect(t, 200).decode(t, &page)
	if m := page.Messages[0]; m.SenderType != "bot" || m.Text == nil || *m.Text != "from the query" {
		t.Errorf("newest message %+v", m)
	}
	api.as("").do("POST", "/bots/post", map[string]any{"bot_id": "unknown", "text": "x"}, nil).expect(t, 404)
	api.as(srv.Dataset.Users[2].Token).do("POST", "/bots/destroy", map[string]any{"bot_id": bot}, nil).expect(t, 404)
}

func TestFakeImages(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	data := testPNG(t, 7, 5)
	var up struct {
		Payload struct {
			URL        string `json:"url"`
			PictureURL string `json:"picture_url"`
		} `json:"payload"`
	}
	r := api.do("POST", srv.ImageURL+"/pictures", data, nil).expect(t, 200)
	if err := json.Unmarshal(r.body, &up); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(up.Payload.URL, srv.ImageURL+"/i/7x5.png.") || up.Payload.PictureURL != up.Payload.URL {
		t.Fatalf("payload %+v", up.Payload)
	}
	for _, suffix := range []string{"", ".preview", ".large", ".avatar"} {
		got := api.do("GET", up.Payload.URL+suffix, nil, nil).expect(t, 200)
		if !bytes.Equal(got.body, data) || got.header.Get("Content-Type") != "image/png" {
			t.Errorf("GET %s: %d bytes, %s", suffix, len(got.body), got.header.Get("Content-Type"))
		}
	}
	api.do("GET", srv.ImageURL+"/i/1x1.png.missing", nil, nil).expect(t, 404)
	api.do("POST", srv.ImageURL+"/pictures", []byte("not an image"), nil).expect(t, 400)
	api.as("").do("POST", srv.ImageURL+"/pictures", data, nil).expect(t, 401)
	api.do("POST", srv.ImageURL+"/pictures", nil, q("url", "https://example.com/cat.jpg")).expect(t, 200)
}
