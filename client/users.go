package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// GetMe calls GET /users/me: the user the token belongs to.
func (c *Client) GetMe(ctx context.Context) (*User, error) {
	req, err := gen.NewGetMeRequest(c.base)
	return doJSON[User](ctx, c, call{op: "GetMe"}, req, err)
}

// UpdateMe calls POST /users/update. Fields left nil in body are not
// changed. It returns the user after the change.
func (c *Client) UpdateMe(ctx context.Context, body UserUpdateRequest) (*User, error) {
	req, err := gen.NewUpdateMeRequest(c.base, body)
	return doJSON[User](ctx, c, call{op: "UpdateMe"}, req, err)
}
