package client_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// The address to send a user to so they authorize an application.
func ExampleAuthorizeURL() {
	u, err := client.AuthorizeURL("YOUR_CLIENT_ID")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	// Output: https://oauth.groupme.com/oauth/authorize?client_id=YOUR_CLIENT_ID
}

// A web application signs users in: it sends them to the authorization
// page, and its callback URL receives their token. The fake GroupMe of
// package contracttest plays GroupMe, and an HTTP client plays the browser.
func ExampleOAuthCallback() {
	// The fake approves at once, as its first seeded user.
	groupme := contracttest.NewFake(contracttest.WithDataset(contracttest.SeedConfig{Seed: 1, Users: 2, Groups: 1}))
	gm := httptest.NewServer(groupme)
	defer gm.Close()

	tokens := make(chan string, 1)
	mux := http.NewServeMux()
	mux.Handle("/groupme/callback", &client.OAuthCallback{
		OnToken: func(r *http.Request, token string) error {
			tokens <- token // a real application stores it with the user's session
			return nil
		},
	})
	app := httptest.NewServer(mux)
	defer app.Close()

	// Registering the application on dev.groupme.com gives the client id
	// and records the callback URL.
	if err := groupme.AddOAuthApp("my-client-id", app.URL+"/groupme/callback"); err != nil {
		log.Fatal(err)
	}
	oauth := client.OAuthApp{ClientID: "my-client-id", AuthorizeEndpoint: gm.URL + contracttest.AuthorizePath}
	authURL, err := oauth.AuthorizeURL()
	if err != nil {
		log.Fatal(err)
	}

	res, err := http.Get(authURL) // the browser follows GroupMe's redirect to the callback
	if err != nil {
		log.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(res.StatusCode, strings.Contains(string(page), "You are signed in"))

	c, err := client.New(<-tokens, client.WithBaseURL(gm.URL+"/v3"))
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.GetMe(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", me.Name)
	// Output:
	// 200 true
	// signed in as Mara Lindqvist
}
