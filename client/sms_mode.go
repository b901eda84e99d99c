package client

import (
	"context"

	"github.com/groupme-go/groupme/gen"
)

// EnableSMSMode calls POST /users/sms_mode: messages arrive as SMS instead
// of push notifications for body.Duration (SMSHours(n), at most 48, or
// SMSAlways()).
func (c *Client) EnableSMSMode(ctx context.Context, body SMSModeRequest) error {
	req, err := gen.NewEnableSMSModeRequest(c.base, body)
	return doNoPayload(ctx, c, call{op: "EnableSmsMode"}, req, err)
}

// DisableSMSMode calls POST /users/sms_mode/delete; push notifications resume.
func (c *Client) DisableSMSMode(ctx context.Context) error {
	req, err := gen.NewDisableSMSModeRequest(c.base)
	return doNoPayload(ctx, c, call{op: "DisableSmsMode"}, req, err)
}

// SMSHours is an SMS-mode duration of n hours (GroupMe allows at most 48).
func SMSHours(n int) SMSDuration { return gen.SMSHours(n) }

// SMSAlways is the SMS-mode duration that lasts until DisableSMSMode.
func SMSAlways() SMSDuration { return gen.SMSAlways() }
