package client

import (
	"encoding/json"
	"strconv"

	"github.com/groupme-go/groupme/gen"
)

// Message attachments.
//
// An [Attachment] is told apart by its "type". The spec describes fifteen
// types; GroupMe keeps adding others, and old messages carry values the
// newest clients would not write (mention ids as numbers, emoji charmap
// entries that are not pairs of integers). Reading an attachment therefore
// never fails: its methods (generated from the spec, gen/templates/union.tmpl)
// name it (Type), give its bytes exactly as GroupMe sent them (JSON), decode
// it when it is of a known type (AsImage, AsMentions, ...) and return the
// typed value for a type switch (Value, with [UnknownAttachment] for other
// types).
//
// The New*Attachment functions below build the attachments users send.

// newAttachment wraps a typed attachment. Encoding the generated structs,
// which hold only strings, numbers and slices of them, cannot fail.
func newAttachment(v any) Attachment {
	var a Attachment
	b, err := json.Marshal(v)
	if err == nil {
		_ = a.UnmarshalJSON(b)
	}
	return a
}

// NewImageAttachment returns an image attachment. url must come from the
// image service ([Client.UploadImage]).
func NewImageAttachment(url string) Attachment {
	return newAttachment(ImageAttachment{Type: gen.ImageAttachmentTypeImage, URL: url})
}

// NewLocationAttachment returns a location attachment: a place name and
// its coordinates in degrees.
func NewLocationAttachment(name string, lat, lng float64) Attachment {
	return newAttachment(LocationAttachment{
		Type: gen.LocationAttachmentTypeLocation,
		Name: name,
		Lat:  strconv.FormatFloat(lat, 'f', -1, 64),
		Lng:  strconv.FormatFloat(lng, 'f', -1, 64),
	})
}

// Mention is one mention in a message's text: the user mentioned and
// where the mention is, as an offset and a length in UTF-16 code units
// (see TextLength), as GroupMe counts them.
type Mention struct {
	UserID string
	Start  int
	Length int
}

// NewMentionsAttachment returns a mentions attachment for the given
// mentions, in order. The user id "-1" mentions everyone.
func NewMentionsAttachment(mentions ...Mention) Attachment {
	ids := make([]ID, len(mentions))
	loci := make([][]int, len(mentions))
	for i, m := range mentions {
		ids[i] = ID(m.UserID)
		loci[i] = []int{m.Start, m.Length}
	}
	return newAttachment(MentionsAttachment{Type: gen.MentionsAttachmentTypeMentions, UserIDs: ids, Loci: &loci})
}

// NewReplyAttachment returns a reply attachment: the message replied to,
// and the first message of the thread (the same id when replying to a
// message that is not itself a reply).
func NewReplyAttachment(replyID, baseReplyID string) Attachment {
	return newAttachment(ReplyAttachment{Type: gen.ReplyAttachmentTypeReply, ReplyID: &replyID, BaseReplyID: baseReplyID})
}

// EmojiRef is one GroupMe emoji: its pack and its index in the pack.
type EmojiRef struct {
	PackID int
	Index  int
}

// NewEmojiAttachment returns an emoji attachment. The message text holds
// placeholder once per emoji, and emojis lists them in the same order.
func NewEmojiAttachment(placeholder string, emojis ...EmojiRef) Attachment {
	charmap := make([][]Number, len(emojis))
	for i, e := range emojis {
		charmap[i] = []Number{gen.NewNumber(int64(e.PackID)), gen.NewNumber(int64(e.Index))}
	}
	return newAttachment(EmojiAttachment{Type: gen.EmojiAttachmentTypeEmoji, Placeholder: placeholder, Charmap: charmap})
}
