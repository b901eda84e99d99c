package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

type fakeStep = struct {
	op   string
	run  func() fakeReply
	want int
}

// ownGroup makes a group the caller owns (with a second member) and a
// message in it, for the steps that need an owner.
func ownGroup(t *testing.T, srv *Server) (groupID, messageID string) {
	t.Helper()
	ds := srv.Dataset
	gid, err := srv.Fake.AddGroup(Group{Name: "Owned", CreatorID: ds.Users[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Fake.AddMember(gid, ds.Users[1].ID, "Second"); err != nil {
		t.Fatal(err)
	}
	mid, err := srv.Fake.AddMessage(gid, Message{UserID: ds.Users[0].ID, Text: "hello", CreatedAt: fakeClock})
	if err != nil {
		t.Fatal(err)
	}
	return gid, mid
}

// unofficialSteps are TestFakeServesEveryOperation's steps for the
// unofficial operations, in an order where earlier steps make what later
// ones need.
func unofficialSteps(t *testing.T, srv *Server, api *fakeAPI) []fakeStep {
	gid, mid := ownGroup(t, srv)
	other := srv.Dataset.Users[1]
	var pollID, eventID, topicID, videoJob, fileJob string
	expiry := fmt.Sprint(fakeClock.Add(48 * time.Hour).Unix())
	steps := []fakeStep{
		{"createPoll", func() fakeReply {
			r := api.do("POST", "/poll/"+gid, json.RawMessage(`{"subject":"Where?","options":[{"title":"A"},{"title":"B"}],"expiration":`+expiry+`,"type":"multi","visibility":"public"}`), nil)
			var v struct {
				Poll struct {
					Data struct {
						ID string `json:"id"`
					} `json:"data"`
				} `json:"poll"`
			}
			r.decode(t, &v)
			pollID = v.Poll.Data.ID
			return r
		}, 201},
		{"listPolls", func() fakeReply { return api.do("GET", "/poll/"+gid, nil, nil) }, 200},
		{"getPoll", func() fakeReply { return api.do("GET", "/poll/"+gid+"/"+pollID, nil, nil) }, 201},
		{"votePoll", func() fakeReply {
			return api.do("POST", "/poll/"+gid+"/"+pollID, map[string]any{"votes": []string{"1", "2"}}, nil)
		}, 200},
		{"votePollOption", func() fakeReply { return api.do("POST", "/poll/"+gid+"/"+pollID+"/2", nil, nil) }, 200},
		{"endPoll", func() fakeReply { return api.do("POST", "/poll/"+gid+"/"+pollID+"/end", nil, nil) }, 200},
		{"createEvent", func() fakeReply {
			r := api.do("POST", "/conversations/"+gid+"/events/create", map[string]any{"name": "Run", "start_at": "2026-12-01T09:00:00-05:00", "end_at": "2026-12-01T10:00:00-05:00", "timezone": "America/New_York", "reminders": []int{0, 3600}}, nil)
			var v struct {
				Event struct {
					EventID string `json:"event_id"`
				} `json:"event"`
			}
			r.decode(t, &v)
			eventID = v.Event.EventID
			return r
		}, 201},
		{"listEvents", func() fakeReply {
			return api.do("GET", "/conversations/"+gid+"/events/list", nil, q("end_at", "2026-11-01T00:00:00Z", "limit", "5"))
		}, 200},
		{"getEvent", func() fakeReply {
			return api.do("GET", "/conversations/"+gid+"/events/show", nil, q("event_id", eventID))
		}, 200},
		{"updateEvent", func() fakeReply {
			return api.do("POST", "/conversations/"+gid+"/events/update", map[string]any{"name": "Long run"}, q("event_id", eventID))
		}, 200},
		{"rsvpEvent", func() fakeReply {
			return api.as(other.Token).do("POST", "/conversations/"+gid+"/events/rsvp", nil, q("event_id", eventID, "going", "true"))
		}, 200},
		{"deleteEventRsvp", func() fakeReply {
			return api.as(other.Token).do("DELETE", "/conversations/"+gid+"/events/rsvp/delete", nil, q("event_id", eventID))
		}, 200},
		{"deleteEvent", func() fakeReply {
			return api.do("DELETE", "/conversations/"+gid+"/events/delete", nil, q("event_id", eventID))
		}, 200},
		{"pinMessage", func() fakeReply { return api.do("POST", "/conversations/"+gid+"/messages/"+mid+"/pin", nil, nil) }, 200},
		{"listPinnedMessages", func() fakeReply { return api.do("GET", "/pinned/groups/"+gid+"/messages", nil, nil) }, 200},
		{"unpinMessage", func() fakeReply { return api.do("POST", "/conversations/"+gid+"/messages/"+mid+"/unpin", nil, nil) }, 200},
		{"listPinnedDirectMessages", func() fakeReply { return api.do("GET", "/pinned/direct_messages", nil, q("other_user_id", other.ID)) }, 200},
		{"getMessage", func() fakeReply { return api.do("GET", srv.V4URL+"/groups/"+gid+"/messages/"+mid, nil, nil) }, 200},
		{"editMessage", func() fakeReply {
			return api.do("PUT", srv.V4URL+"/groups/"+gid+"/messages/"+mid, map[string]any{"text": "hello, edited"}, nil)
		}, 200},
		{"listGallery", func() fakeReply {
			return api.do("GET", "/conversations/"+srv.Dataset.Groups[0]+"/gallery", nil, q("limit", "3"))
		}, 200},
		{"deleteMessage", func() fakeReply { return api.do("DELETE", "/conversations/"+gid+"/messages/"+mid, nil, nil) }, 204},
		{"createSubgroup", func() fakeReply {
			r := api.do("POST", "/groups/"+gid+"/subgroups", map[string]any{"topic": "Rides", "group_type": "announcement"}, nil)
			var v struct {
				ID json.Number `json:"id"`
			}
			r.decode(t, &v)
			topicID = v.ID.String()
			return r
		}, 201},
		{"listSubgroups", func() fakeReply { return api.do("GET", "/groups/"+gid+"/subgroups", nil, nil) }, 200},
		{"getSubgroup", func() fakeReply { return api.do("GET", "/groups/"+gid+"/subgroups/"+topicID, nil, nil) }, 200},
		{"updateSubgroup", func() fakeReply {
			return api.do("PUT", "/groups/"+gid+"/subgroups/"+topicID, map[string]any{"topic": "Carpools"}, nil)
		}, 200},
		{"deleteSubgroup", func() fakeReply { return api.do("DELETE", "/groups/"+gid+"/subgroups/"+topicID, nil, nil) }, 200},
		{"listGroupMembers", func() fakeReply { return api.do("GET", "/groups/"+gid+"/members", nil, q("filter", "active")) }, 200},
		{"uploadVideo", func() fakeReply {
			r := postVideo(t, srv, api.token, gid, []byte("not really a video"))
			videoJob = jobOf(t, r)
			return r
		}, 200},
		{"getVideoUploadStatus", func() fakeReply { return api.do("GET", srv.VideoURL+"/status", nil, q("job", videoJob)) }, 201},
		{"uploadFile", func() fakeReply {
			r := postFile(t, srv, api.token, gid, "notes.txt", []byte("some notes"))
			fileJob = jobOf(t, r)
			return r
		}, 201},
		{"getFileUploadStatus", func() fakeReply {
			return api.do("GET", srv.FileURL+"/v1/"+gid+"/uploadStatus", nil, q("job", fileJob))
		}, 200},
	}
	return append(steps, memberSteps(t, srv, api)...)
}

// postVideo sends a multipart video upload.
func postVideo(t testing.TB, srv *Server, token, conv string, data []byte) fakeReply {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, _ := mw.CreateFormFile("file", "clip.mp4")
	if _, err := part.Write(data); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", srv.VideoURL+"/transcode", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Access-Token", token)
	req.Header.Set("X-Conversation-Id", conv)
	return doRaw(t, srv, req)
}

// postFile sends a raw file upload.
func postFile(t testing.TB, srv *Server, token, groupID, name string, data []byte) fakeReply {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.FileURL+"/v1/"+groupID+"/files?name="+url.QueryEscape(name), bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("X-Access-Token", token)
	return doRaw(t, srv, req)
}

func doRaw(t testing.TB, srv *Server, req *http.Request) fakeReply {
	t.Helper()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return fakeReply{status: resp.StatusCode, header: resp.Header, body: body}
}

func jobOf(t testing.TB, r fakeReply) string {
	t.Helper()
	var v struct {
		StatusURL string `json:"status_url"`
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("status %d: %v: %s", r.status, err, r.body)
	}
	u, err := url.Parse(v.StatusURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("job")
}

func TestFakePollVotesAreCounted(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	gid, _ := ownGroup(t, srv)
	me, other := newFakeAPI(t, srv, srv.Dataset.Users[0].Token), newFakeAPI(t, srv, srv.Dataset.Users[1].Token)
	expiry := fmt.Sprint(fakeClock.Add(time.Hour).Unix())
	var created struct {
		Poll struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"poll"`
	}
	me.do("POST", "/poll/"+gid, json.RawMessage(`{"subject":"?","options":[{"title":"A"},{"title":"B"}],"expiration":`+expiry+`,"type":"single","visibility":"anonymous"}`), nil).expect(t, 201).decode(t, &created)
	pid := created.Poll.Data.ID
	me.do("POST", "/poll/"+gid+"/"+pid+"/1", nil, nil).expect(t, 200)
	var got struct {
		Poll struct {
			Data struct {
				Options []struct {
					ID       string   `json:"id"`
					Votes    *int     `json:"votes"`
					VoterIDs []string `json:"voter_ids"`
				} `json:"options"`
			} `json:"data"`
			UserVotes []string `json:"user_votes"`
		} `json:"poll"`
	}
	other.do("POST", "/poll/"+gid+"/"+pid+"/1", nil, nil).expect(t, 200).decode(t, &got)
	opts := got.Poll.Data.Options
	if opts[0].Votes == nil || *opts[0].Votes != 2 || opts[1].Votes != nil {
		t.Errorf("counts after two votes for A: %+v", opts)
	}
	if opts[0].VoterIDs != nil {
		t.Errorf("an anonymous poll names its voters: %v", opts[0].VoterIDs)
	}
	// A single-choice poll takes one option; a second vote moves it.
	if r := other.do("POST", "/poll/"+gid+"/"+pid, map[string]any{"votes": []string{"1", "2"}}, nil); r.status != 400 {
		t.Errorf("two votes in a single-choice poll: %d", r.status)
	}
	other.do("POST", "/poll/"+gid+"/"+pid+"/2", nil, nil).expect(t, 200).decode(t, &got)
	if opts := got.Poll.Data.Options; *opts[0].Votes != 1 || *opts[1].Votes != 1 {
		t.Errorf("after moving a vote: %+v", opts)
	}
	// Expiry ends the poll.
	srv2, clock := newManualServer(t)
	gid2, _ := ownGroup(t, srv2)
	api2 := newFakeAPI(t, srv2, srv2.Dataset.Users[0].Token)
	api2.do("POST", "/poll/"+gid2, json.RawMessage(`{"subject":"?","options":[{"title":"A"},{"title":"B"}],"expiration":`+expiry+`,"type":"multi","visibility":"public"}`), nil).expect(t, 201).decode(t, &created)
	clock.Advance(2 * time.Hour)
	if r := api2.do("POST", "/poll/"+gid2+"/"+created.Poll.Data.ID, map[string]any{"votes": []string{"1"}}, nil); r.status != 400 {
		t.Errorf("a vote after expiry: %d", r.status)
	}
}

func TestFakeDeletedMessageLeavesPinsAndGallery(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	gid, _ := ownGroup(t, srv)
	me := newFakeAPI(t, srv, srv.Dataset.Users[0].Token)
	img := testPNG(t, 4, 4)
	var up struct {
		Payload struct {
			URL string `json:"url"`
		} `json:"payload"`
	}
	r := me.do("POST", srv.ImageURL+"/pictures", img, nil).expect(t, 200)
	if err := json.Unmarshal(r.body, &up); err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Message struct {
			ID string `json:"id"`
		} `json:"message"`
	}
	me.do("POST", "/groups/"+gid+"/messages", map[string]any{"message": map[string]any{"source_guid": "g1", "attachments": []any{map[string]any{"type": "image", "url": up.Payload.URL}}}}, nil).expect(t, 201).decode(t, &sent)
	mid := sent.Message.ID
	me.do("POST", "/conversations/"+gid+"/messages/"+mid+"/pin", nil, nil).expect(t, 200)
	var gallery struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	me.do("GET", "/conversations/"+gid+"/gallery", nil, nil).expect(t, 200).decode(t, &gallery)
	if len(gallery.Messages) != 1 || gallery.Messages[0].ID != mid {
		t.Fatalf("gallery before deletion: %+v", gallery.Messages)
	}
	me.do("DELETE", "/conversations/"+gid+"/messages/"+mid, nil, nil).expect(t, 204)
	me.do("GET", "/conversations/"+gid+"/gallery", nil, nil).expect(t, 200).decode(t, &gallery)
	if len(gallery.Messages) != 0 {
		t.Errorf("a deleted message stays in the gallery: %+v", gallery.Messages)
	}
	var pins struct {
		Count int `json:"count"`
	}
	me.do("GET", "/pinned/groups/"+gid+"/messages", nil, nil).expect(t, 200).decode(t, &pins)
	if pins.Count != 0 {
		t.Errorf("a deleted message stays pinned")
	}
	var page struct {
		Messages []struct {
			ID            string  `json:"id"`
			Text          *string `json:"text"`
			DeletedAt     *int64  `json:"deleted_at"`
			DeletionActor string  `json:"deletion_actor"`
			Attachments   []any   `json:"attachments"`
		} `json:"messages"`
	}
	me.do("GET", "/groups/"+gid+"/messages", nil, nil).expect(t, 200).decode(t, &page)
	m := page.Messages[0]
	if m.ID != mid || m.DeletedAt == nil || m.DeletionActor != "sender" || m.Text == nil || *m.Text != deletedText || len(m.Attachments) != 0 {
		t.Errorf("the listing shows the deleted message as %+v", m)
	}
}

func TestFakeGalleryCursorNeitherSkipsNorRepeats(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	api := newFakeAPI(t, srv, srv.Token)
	g := srv.Dataset.Groups[0]
	seen := map[string]bool{}
	before := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("the gallery does not end")
		}
		var page struct {
			Messages []struct {
				ID        string `json:"id"`
				GalleryTS string `json:"gallery_ts"`
			} `json:"messages"`
		}
		query := q("limit", "13")
		if before != "" {
			query.Set("before", before)
		}
		api.do("GET", "/conversations/"+g+"/gallery", nil, query).expect(t, 200).decode(t, &page)
		if len(page.Messages) == 0 {
			break
		}
		for _, m := range page.Messages {
			if seen[m.ID] {
				t.Fatalf("%s came twice", m.ID)
			}
			seen[m.ID] = true
		}
		before = page.Messages[len(page.Messages)-1].GalleryTS
	}
	want := 0
	for _, m := range srv.Fake.GroupMessages(g) {
		for _, a := range m.Attachments {
			if d := attachmentType(a); slices.Contains([]string{"image", "video", "file", "linked_image"}, d) {
				want++
				break
			}
		}
	}
	if len(seen) != want {
		t.Errorf("the gallery walked %d entries, want %d", len(seen), want)
	}
	if r := api.do("GET", "/conversations/"+g+"/gallery", nil, q("before", "last week")); r.status != 400 {
		t.Errorf("a bad cursor: %d", r.status)
	}
}
