package client_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// A poll, created and voted in against the fake GroupMe of package
// contracttest. Polls are unofficial: GroupMe does not document them.
func ExampleUnofficial_VotePoll() {
	fake := contracttest.NewFake()
	me := fake.AddUser(contracttest.Account{Name: "Mara"})
	groupID, err := fake.AddGroup(contracttest.Group{Name: "Weekend hikers", CreatorID: me.ID})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	ctx := context.Background()
	c, err := client.New(me.Token, client.WithBaseURL(srv.URL+"/v3"))
	if err != nil {
		log.Fatal(err)
	}
	created, err := c.Unofficial().CreatePoll(ctx, groupID, client.PollCreateRequest{
		Subject:    "Saturday route?",
		Options:    []client.NewPollOption{{Title: "Valley Green"}, {Title: "Forbidden Drive"}},
		Expiration: time.Now().Add(24 * time.Hour).Unix(),
		Type:       client.PollSingle,
		Visibility: client.PollPublic,
	})
	if err != nil {
		log.Fatal(err)
	}
	poll, err := c.Unofficial().VotePollOption(ctx, groupID, string(created.Poll.Data.ID), "2")
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range *poll.Data.Options {
		votes := 0
		if o.Votes != nil {
			votes = *o.Votes
		}
		fmt.Println(*o.Title, votes)
	}
	// Output:
	// Valley Green 0
	// Forbidden Drive 1
}
