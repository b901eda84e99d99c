package client

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/groupme-go/groupme/gen"
)

func TestSmsMode(t *testing.T) {
	t.Parallel()
	var body gen.SmsModeRequest
	if err := json.Unmarshal([]byte(`{"duration":4,"registration_id":"dev-1"}`), &body); err != nil {
		t.Fatal(err)
	}
	runOpCases(t, []opCase{
		{
			name:   "EnableSmsMode",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.EnableSmsMode(ctx, body)) },
			method: "POST", path: "/v3/users/sms_mode", body: `{"duration":4,"registration_id":"dev-1"}`,
			status: 201, resp: ``,
		},
		{
			name:   "DisableSmsMode",
			call:   func(ctx context.Context, c *Client) (any, error) { return ok(c.DisableSmsMode(ctx)) },
			method: "POST", path: "/v3/users/sms_mode/delete",
			status: 200, resp: `{"meta":{"code":200}}`,
		},
	})
}
