package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/groupme-go/groupme/client"
)

// fakeGroupMe stands in for api.groupme.com in the examples: it serves a
// few canned answers under /v3.
func fakeGroupMe() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/groups/1234567", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"response":{"id":"1234567","group_id":"1234567","name":"Weekend hikers","type":"private",
			"creator_user_id":"9","created_at":1,"updated_at":2,"members":[],"messages":{"count":2},"max_members":5000},
			"meta":{"code":200}}`)
	})
	mux.HandleFunc("GET /v3/groups/404", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"response":null,"meta":{"code":404,"errors":["not found"]}}`)
	})
	mux.HandleFunc("GET /v3/groups/1234567/messages", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("before_id") {
			w.WriteHeader(http.StatusNotModified) // the start of history
			return
		}
		_, _ = io.WriteString(w, `{"response":{"count":2,"messages":[
			{"id":"2","source_guid":"b","created_at":2,"user_id":"9","group_id":"1234567","name":"Mara","text":"see you at 8","system":false,"favorited_by":[],"attachments":[]},
			{"id":"1","source_guid":"a","created_at":1,"user_id":"9","group_id":"1234567","name":"Mara","text":"hike tomorrow?","system":false,"favorited_by":[],"attachments":[]}]},
			"meta":{"code":200}}`)
	})
	mux.HandleFunc("POST /v3/bots/post", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, " ")
	})
	return httptest.NewServer(mux)
}

func Example() {
	srv := fakeGroupMe()
	defer srv.Close()

	c, err := client.New("YOUR-TOKEN", client.WithBaseURL(srv.URL+"/v3"))
	if err != nil {
		log.Fatal(err)
	}
	group, err := c.GetGroup(context.Background(), "1234567", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(group.Name, group.Messages.Count)
	// Output: Weekend hikers 2
}

func ExampleAPIError() {
	srv := fakeGroupMe()
	defer srv.Close()

	c, _ := client.New("YOUR-TOKEN", client.WithBaseURL(srv.URL+"/v3"))
	_, err := c.GetGroup(context.Background(), "404", nil)
	fmt.Println(errors.Is(err, client.ErrNotFound))
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Operation, apiErr.Errors)
	}
	// Output:
	// true
	// 404 GetGroup [not found]
}

func ExampleClient_ListMessagesIter() {
	srv := fakeGroupMe()
	defer srv.Close()

	c, _ := client.New("YOUR-TOKEN", client.WithBaseURL(srv.URL+"/v3"))
	// Newest first, back to the group's first message.
	for m, err := range c.ListMessagesIter(context.Background(), "1234567", &client.MessageParams{Limit: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.ID, *m.Text)
	}
	// Output:
	// 2 see you at 8
	// 1 hike tomorrow?
}

func ExampleNewBotPoster() {
	srv := fakeGroupMe()
	defer srv.Close()

	bots, _ := client.NewBotPoster(client.WithBaseURL(srv.URL + "/v3"))
	err := bots.Post(context.Background(), client.BotPostRequest{BotID: "3f9a1c", Text: "Tomorrow: sunny"})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleCallbackHandler() {
	h := client.CallbackHandler(func(ctx context.Context, cb client.Callback) error {
		fmt.Printf("%s said %q\n", cb.Name, *cb.Text)
		return nil
	}, client.SkipBotMessages(), client.SkipSystemMessages())
	srv := httptest.NewServer(h)
	defer srv.Close()

	// What GroupMe sends for each message of the bot's group.
	body := `{"id":"176","group_id":"1234567","name":"Mara","sender_type":"user","text":"!weather","system":false,"attachments":[]}`
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// Mara said "!weather"
	// 200
}

func ExampleThumbnailURLs() {
	th := client.ThumbnailURLs("https://i.groupme.com/1024x768.jpeg.0123abcd")
	fmt.Println(th.Preview)
	fmt.Println(th.Avatar)
	// Output:
	// https://i.groupme.com/1024x768.jpeg.0123abcd.preview
	// https://i.groupme.com/1024x768.jpeg.0123abcd.avatar
}
