package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// EnableSmsMode calls POST /users/sms_mode: messages arrive as SMS instead
// of push notifications for body.Duration hours (at most 48).
func (c *Client) EnableSmsMode(ctx context.Context, body gen.SmsModeRequest) error {
	req, err := gen.NewEnableSmsModeRequest(c.base, body)
	return doNoPayload(ctx, c, call{op: "EnableSmsMode"}, req, err)
}

// DisableSmsMode calls POST /users/sms_mode/delete; push notifications resume.
func (c *Client) DisableSmsMode(ctx context.Context) error {
	req, err := gen.NewDisableSmsModeRequest(c.base)
	return doNoPayload(ctx, c, call{op: "DisableSmsMode"}, req, err)
}
