package contracttest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/groupme-go/groupme/gen"
)

// decodeAs decodes a body into the generated envelope type T.
func decodeAs[T any](body []byte) error {
	var v T
	return json.Unmarshal(body, &v)
}

// realModels decodes a JSON success body of an operation into the
// generated model the spec gives it. Every operation the real corpus
// holds must be listed.
var realModels = map[string]func([]byte) error{
	"listGroups":          decodeAs[gen.GroupListEnvelope],
	"createGroup":         decodeAs[gen.GroupEnvelope],
	"getGroup":            decodeAs[gen.GroupEnvelope],
	"updateGroup":         decodeAs[gen.GroupEnvelope],
	"listMessages":        decodeAs[gen.MessageListEnvelope],
	"createMessage":       decodeAs[gen.MessageCreatedEnvelope],
	"getMessage":          decodeAs[gen.MessageCreatedEnvelope],
	"listGallery":         decodeAs[gen.GalleryPageEnvelope],
	"getLeaderboard":      decodeAs[gen.LeaderboardEnvelope],
	"getLeaderboardMine":  decodeAs[gen.LeaderboardEnvelope],
	"getLeaderboardForMe": decodeAs[gen.LeaderboardEnvelope],
	"getEvent":            decodeAs[gen.EventResultEnvelope],
	"createBot":           decodeAs[gen.BotEnvelope],
	"listBots":            decodeAs[gen.BotListEnvelope],
	// No model: the spec promises no body for these (NoPayload declares
	// no media type; a bot post's answer is text). The real ones that
	// are JSON are envelopes, read here as plain objects.
	"destroyBot":         decodeAs[map[string]any],
	"removeMember":       decodeAs[map[string]any],
	"postBotMessage":     decodeAs[map[string]any],
	"uploadImage":        decodeAs[gen.ImageUploadResult],
	"getMe":              decodeAs[gen.UserEnvelope],
	"listDirectMessages": decodeAs[gen.DirectMessageListEnvelope],
	"likeMessage":        decodeAs[gen.ReactionsEnvelope],
	"getBlockBetween":    decodeAs[gen.BlockBetweenEnvelope],
}

// TestRealSuccessesDecodeIntoGeneratedTypes decodes every real 2xx JSON
// response into the generated Go model of its operation: no real success
// may fail to decode. (Bodies that are not JSON, such as the single space
// of a bot post, carry no model.)
func TestRealSuccessesDecodeIntoGeneratedTypes(t *testing.T) {
	t.Parallel()
	v := newTestValidator(t)
	n := 0
	for _, ex := range realExchanges(t) {
		if ex.Response.Status/100 != 2 || ex.Response.Body == nil {
			continue
		}
		op, err := v.RouteFor(ex.Request.httpRequest(t))
		if err != nil {
			t.Errorf("%s: %v", ex.Name, err)
			continue
		}
		decode, ok := realModels[op]
		if !ok {
			t.Errorf("%s: no model listed for operation %s", ex.Name, op)
			continue
		}
		if err := decode(bytes.Clone(ex.Response.Body)); err != nil {
			t.Errorf("%s (%s %d): the generated types cannot read it: %v", ex.Name, op, ex.Response.Status, err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no real 2xx JSON response was decoded")
	}
	t.Logf("%d real 2xx JSON responses decoded into the generated types", n)
}
