package client_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// Listen against the contracttest fake, which serves the push service on the
// same server as the REST API: a message another user sends arrives live.
func ExampleClient_Listen() {
	fake := contracttest.NewFake(contracttest.WithDataset(contracttest.DefaultSeedConfig()))
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ds := fake.Dataset()
	me, _ := client.New(ds.Users[0].Token, client.WithBaseURL(srv.URL+"/v3")) // push follows: srv.URL+"/faye"
	friend, _ := client.New(ds.Users[1].Token, client.WithBaseURL(srv.URL+"/v3"))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for ev, err := range me.Listen(ctx, client.Track(ds.Groups[0])) {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case *client.ConnectedEvent:
			fmt.Println("connected over", ev.Transport)
			if _, err := friend.CreateMessage(ctx, ds.Groups[0], client.NewMessage{Text: client.Ptr("anyone up for a hike?")}); err != nil {
				log.Fatal(err)
			}
		case *client.GroupMessageEvent:
			fmt.Println(*ev.Message.Text, "backfilled:", ev.Backfilled)
			cancel() // ends the loop
		}
	}
	// Output:
	// connected over websocket
	// anyone up for a hike? backfilled: false
}
