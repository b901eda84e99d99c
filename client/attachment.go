package client

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/groupme-go/groupme/gen"
)

// Message attachments.
//
// An attachment is told apart by its "type". The spec describes fifteen
// types; GroupMe keeps adding others, and old messages carry values the
// newest clients would not write (mention ids as numbers, emoji charmap
// entries that are not pairs of integers). Reading an attachment therefore
// never fails: [AttachmentKind] names it, [AttachmentJSON] gives its bytes
// exactly as GroupMe sent them, and one accessor per known type ([AsImage],
// [AsMentions], ...) decodes it when it is of that type. [AttachmentValue]
// does the same for a type switch.
//
// The New*Attachment functions build the attachments users send.

// AttachmentKind returns the attachment's type, such as "image",
// "mentions" or a type GroupMe added after this package was written. It
// returns "" when the attachment has no string "type".
func AttachmentKind(a Attachment) string {
	var head struct {
		Type json.RawMessage `json:"type"`
	}
	if json.Unmarshal(AttachmentJSON(a), &head) != nil {
		return ""
	}
	var kind string
	if json.Unmarshal(head.Type, &kind) != nil {
		return ""
	}
	return kind
}

// AttachmentJSON returns the attachment exactly as GroupMe sent it (or as
// it will be sent). The result is a copy; changing it does not change a.
func AttachmentJSON(a Attachment) json.RawMessage {
	b, err := a.MarshalJSON()
	if err != nil {
		return nil
	}
	return bytes.Clone(b)
}

// UnknownAttachment is an attachment of a type the spec does not describe,
// as returned by [AttachmentValue].
type UnknownAttachment struct {
	Type string          // the attachment's "type"
	JSON json.RawMessage // the whole attachment, as GroupMe sent it
}

// AttachmentValue returns the attachment as its typed value: a
// ImageAttachment, MentionsAttachment, ... for the types the spec
// describes, and an [UnknownAttachment] for any other type, or for a known
// type whose payload does not fit its typed form.
func AttachmentValue(a Attachment) any {
	if v, ok := knownValue(a); ok {
		return v
	}
	return UnknownAttachment{Type: AttachmentKind(a), JSON: AttachmentJSON(a)}
}

func knownValue(a Attachment) (any, bool) {
	switch AttachmentKind(a) {
	case "image":
		return AsImage(a)
	case "location":
		return AsLocation(a)
	case "split":
		return AsSplit(a)
	case "emoji":
		return AsEmoji(a)
	case "mentions":
		return AsMentions(a)
	case "reply":
		return AsReply(a)
	case "video":
		return AsVideo(a)
	case "file":
		return AsFile(a)
	case "linked_image":
		return AsLinkedImage(a)
	case "poll":
		return AsPoll(a)
	case "event":
		return AsEvent(a)
	case "copilot":
		return AsCopilot(a)
	case "partial_image":
		return AsPartialImage(a)
	case "image_edited":
		return AsImageEdited(a)
	case "autokicked_member":
		return AsAutokickedMember(a)
	}
	return nil, false
}

// as decodes a into T when a's type is kind. It reports false, never an
// error, for any other type or a payload that does not fit T.
func as[T any](a Attachment, kind string) (T, bool) {
	var v T
	if AttachmentKind(a) != kind {
		return v, false
	}
	if json.Unmarshal(AttachmentJSON(a), &v) != nil {
		var zero T
		return zero, false
	}
	return v, true
}

// AsImage returns a as an image attachment, if it is one.
func AsImage(a Attachment) (ImageAttachment, bool) {
	return as[ImageAttachment](a, "image")
}

// AsLocation returns a as a location attachment, if it is one.
func AsLocation(a Attachment) (LocationAttachment, bool) {
	return as[LocationAttachment](a, "location")
}

// AsSplit returns a as a (deprecated) bill-split attachment, if it is one.
func AsSplit(a Attachment) (SplitAttachment, bool) {
	return as[SplitAttachment](a, "split")
}

// AsEmoji returns a as an emoji attachment, if it is one. Charmap entries
// are read as given: a pack id may be a string, and an entry may hold more
// than two values.
func AsEmoji(a Attachment) (EmojiAttachment, bool) {
	return as[EmojiAttachment](a, "emoji")
}

// AsMentions returns a as a mentions attachment, if it is one. User ids
// may be strings or (in older messages) numbers; an [ID] holds either as its decimal text.
func AsMentions(a Attachment) (MentionsAttachment, bool) {
	return as[MentionsAttachment](a, "mentions")
}

// AsReply returns a as a reply attachment, if it is one.
func AsReply(a Attachment) (ReplyAttachment, bool) {
	return as[ReplyAttachment](a, "reply")
}

// AsVideo returns a as a video attachment, if it is one.
func AsVideo(a Attachment) (VideoAttachment, bool) {
	return as[VideoAttachment](a, "video")
}

// AsFile returns a as a file attachment, if it is one.
func AsFile(a Attachment) (FileAttachment, bool) {
	return as[FileAttachment](a, "file")
}

// AsLinkedImage returns a as a link-preview image, if it is one.
func AsLinkedImage(a Attachment) (LinkedImageAttachment, bool) {
	return as[LinkedImageAttachment](a, "linked_image")
}

// AsPoll returns a as a poll attachment, if it is one.
func AsPoll(a Attachment) (PollAttachment, bool) {
	return as[PollAttachment](a, "poll")
}

// AsEvent returns a as a calendar-event attachment, if it is one.
func AsEvent(a Attachment) (EventAttachment, bool) {
	return as[EventAttachment](a, "event")
}

// AsCopilot returns a as a Copilot attachment, if it is one.
func AsCopilot(a Attachment) (CopilotAttachment, bool) {
	return as[CopilotAttachment](a, "copilot")
}

// AsPartialImage returns a as a partial-image attachment, if it is one.
func AsPartialImage(a Attachment) (PartialImageAttachment, bool) {
	return as[PartialImageAttachment](a, "partial_image")
}

// AsImageEdited returns a as an edited-image attachment, if it is one.
func AsImageEdited(a Attachment) (ImageEditedAttachment, bool) {
	return as[ImageEditedAttachment](a, "image_edited")
}

// AsAutokickedMember returns a as the attachment of an inactivity-removal
// notice, if it is one.
func AsAutokickedMember(a Attachment) (AutokickedMemberAttachment, bool) {
	return as[AutokickedMemberAttachment](a, "autokicked_member")
}

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
