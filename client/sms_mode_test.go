package client

import (
	"context"
	"testing"
)

func TestSmsMode(t *testing.T) {
	t.Parallel()
	body := SMSModeRequest{Duration: SMSHours(4), RegistrationID: Ptr("dev-1")}
	runOpCases(t, []opCase{
		{
			name:   "EnableSMSMode",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.EnableSMSMode(ctx, body)) },
			method: "POST", path: "/v3/users/sms_mode", body: `{"duration":4,"registration_id":"dev-1"}`,
			status: 201, resp: ``,
		},
		{
			name:   "DisableSMSMode",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.DisableSMSMode(ctx)) },
			method: "POST", path: "/v3/users/sms_mode/delete",
			status: 200, resp: `{"meta":{"code":200}}`,
		},
	})
}
