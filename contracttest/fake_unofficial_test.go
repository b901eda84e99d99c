package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
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
	return []fakeStep{
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
			return api.do("GET", srv.FileURL+"/"+gid+"/uploadStatus", nil, q("job", fileJob))
		}, 200},
	}
}

// postVideo sends a multipart video upload.
func postVideo(t testing.TB, srv *Server, token, conv string, data []byte) fakeReply {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, _ := mw.CreateFormFile("file", "clip.mp4")
	part.Write(data)
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
	req, _ := http.NewRequest("POST", srv.FileURL+"/"+groupID+"/files?name="+url.QueryEscape(name), bytes.NewReader(data))
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
