package client

import (
	"context"
	"errors"

	"github.com/groupme-go/groupme/gen"
)

// UpdateBot calls POST /bots/update and changes the bot update.BotID:
// its name, avatar, callback URL or dm_notification, or the group it
// posts in. Fields left nil stay as they are. The answer carries nothing
// the client reads.
//
// Unofficial: not in GroupMe's documentation; a client library
// (lowerpines, 2019) sent it and GroupMe answered it. It may change
// without notice.
func (u *Unofficial) UpdateBot(ctx context.Context, update BotUpdate) error {
	if update.BotID == "" {
		return errors.New("groupme: UpdateBot: empty bot id")
	}
	req, err := gen.NewUpdateBotRequest(u.c.base, gen.BotUpdateRequest{Bot: update})
	return doNoPayload(ctx, u.c, call{op: "UpdateBot"}, req, err)
}
