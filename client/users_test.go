package client

import (
	"context"
	"testing"
)

const userJSON = `{"id":"98765432","user_id":"98765432","name":"Mara Lindqvist","phone_number":"+1 2125550100","image_url":null,"email":"m@example.com","sms":false,"created_at":1500000000,"updated_at":1700000000,"zip_code":null,"graduation_year":""}`

func TestUsers(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, got any) {
		u := got.(*User)
		if u.ID != "98765432" || u.Name != "Mara Lindqvist" || *u.Email != "m@example.com" {
			t.Errorf("user = %+v", u)
		}
	}
	runOpCases(t, []opCase{
		{
			name:   "GetMe",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetMe(ctx) },
			method: "GET", path: "/v3/users/me",
			status: 200, resp: envelopeOf("200", userJSON), check: check,
		},
		{
			name: "UpdateMe",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateMe(ctx, UserUpdateRequest{Name: Ptr("Mara Lindqvist"), ZipCode: Ptr("94107")})
			},
			method: "POST", path: "/v3/users/update", body: `{"name":"Mara Lindqvist","zip_code":"94107"}`,
			status: 200, resp: envelopeOf("200", userJSON), check: check,
		},
	})
}
