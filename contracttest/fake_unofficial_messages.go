package contracttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// messageInPath returns the message of the path's conversation_id and
// message_id that the caller may see, with its group (nil for a direct
// conversation), or writes 404.
func (f *Fake) messageInPath(c *call) (*message, *group) {
	conv, g := f.conversationLocked(c.params["conversation_id"], c.userID)
	if conv == nil {
		c.fail(http.StatusNotFound, notFound)
		return nil, nil
	}
	m := conv.byID[c.params["message_id"]]
	if m == nil {
		c.fail(http.StatusNotFound, "message not found")
		return nil, nil
	}
	return m, g
}

func (f *Fake) pinMessage(c *call) {
	m, _ := f.messageInPath(c)
	switch {
	case m == nil:
		return
	case m.uo.deletedAt != 0:
		c.fail(http.StatusBadRequest, "a deleted message cannot be pinned")
	case m.uo.pinnedAt != 0:
		c.fail(http.StatusBadRequest, "message is already pinned")
	default:
		m.uo.pinnedAt, m.uo.pinnedBy = c.now.Unix(), c.userID
		c.ok(http.StatusOK, nil)
	}
}

func (f *Fake) unpinMessage(c *call) {
	m, _ := f.messageInPath(c)
	switch {
	case m == nil:
		return
	case m.uo.pinnedAt == 0:
		c.fail(http.StatusBadRequest, "message is not pinned")
	default:
		m.uo.pinnedAt, m.uo.pinnedBy = 0, ""
		c.ok(http.StatusOK, nil)
	}
}

// pinned returns the pinned, undeleted messages of conv, most recently
// pinned first.
func pinned(conv *conversation) []*message {
	var out []*message
	for _, m := range conv.msgs {
		if m.uo.pinnedAt != 0 && m.uo.deletedAt == 0 {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].uo.pinnedAt > out[j].uo.pinnedAt })
	return out
}

func (f *Fake) listPinnedMessages(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	ms := pinned(&g.conv)
	out := make([]gen.Message, len(ms))
	for i, m := range ms {
		out[i] = m.groupView(true)
	}
	c.ok(http.StatusOK, gen.PinnedMessageList{Count: ptrTo(len(out)), Messages: out})
}

func (f *Fake) listPinnedDirectMessages(c *call) {
	other := c.query.Get("other_user_id")
	if f.st.users[other] == nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	out := []gen.DirectMessage{}
	if conv := f.st.dms[conversationID(c.userID, other)]; conv != nil {
		for _, m := range pinned(conv) {
			out = append(out, m.directView(true))
		}
	}
	c.ok(http.StatusOK, gen.PinnedDirectMessageList{Count: ptrTo(len(out)), Messages: out})
}

func (f *Fake) deleteMessage(c *call) {
	m, g := f.messageInPath(c)
	if m == nil {
		return
	}
	actor := "sender"
	if m.userID != c.userID {
		// Someone else's message: only a group's owner may delete it.
		if g == nil || g.creator != c.userID {
			c.fail(http.StatusForbidden, "you may only delete your own messages")
			return
		}
		actor = "admin"
	}
	if m.uo.deletedAt != 0 {
		c.fail(http.StatusNotFound, "message not found")
		return
	}
	m.uo.deletedAt, m.uo.deletionActor = c.now.Unix(), actor
	m.uo.pinnedAt, m.uo.pinnedBy = 0, ""
	c.res.set(http.StatusNoContent, "", nil)
}

// v4Message returns the group message of the v4 path, or writes 404.
func (f *Fake) v4Message(c *call) *message {
	g := f.memberGroup(c)
	if g == nil {
		return nil
	}
	m := g.conv.byID[c.params["message_id"]]
	if m == nil {
		c.fail(http.StatusNotFound, "message not found")
		return nil
	}
	return m
}

func (f *Fake) getMessage(c *call) {
	if m := f.v4Message(c); m != nil {
		c.ok(http.StatusOK, gen.MessageCreated{Message: m.groupView(true)})
	}
}

// editWindow is how long after sending a message may be edited (the
// message_edit_period of 15 minutes seen on groups).
const editWindow = 15 * time.Minute

func (f *Fake) editMessage(c *call) {
	m := f.v4Message(c)
	if m == nil {
		return
	}
	var req gen.MessageEditRequest
	if !c.decode(&req) {
		return
	}
	switch {
	case m.userID != c.userID:
		c.fail(http.StatusForbidden, "you may only edit your own messages")
		return
	case m.uo.deletedAt != 0:
		c.fail(http.StatusBadRequest, "a deleted message cannot be edited")
		return
	case c.now.Sub(time.Unix(m.created, 0)) > editWindow:
		c.fail(http.StatusBadRequest, "the edit period has passed")
		return
	case !hasContent(req.Text, req.Attachments):
		c.fail(http.StatusBadRequest, "Text is required unless there are attachments")
		return
	}
	m.text = nil
	if req.Text != nil && *req.Text != "" {
		m.text = strPtr(*req.Text)
	}
	m.attachments = []gen.Attachment{}
	if req.Attachments != nil {
		m.attachments = slices.Clone(*req.Attachments)
	}
	m.uo.updatedAt = c.now.Unix()
	c.ok(http.StatusOK, gen.MessageCreated{Message: m.groupView(true)})
}

// galleryTS is a message's gallery timestamp: its creation second plus a
// fraction from its id, so that no two entries share one and the before
// cursor never skips or repeats an entry.
func galleryTS(m *message) time.Time {
	var seq uint64
	_, _ = fmt.Sscan(m.id, &seq)
	return time.Unix(m.created, int64(seq%10_000_000)*100).UTC()
}

const galleryTSFormat = "2006-01-02T15:04:05.0000000Z"

// hasMedia reports whether a message belongs in the gallery.
func hasMedia(m *message) bool {
	for _, a := range m.attachments {
		switch attachmentType(a) {
		case "image", "video", "file", "linked_image":
			return true
		}
	}
	return false
}

func (f *Fake) listGallery(c *call) {
	conv, _ := f.conversationLocked(c.params["conversation_id"], c.userID)
	if conv == nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	var before, after time.Time
	for name, dst := range map[string]*time.Time{"before": &before, "after": &after} {
		if s := c.query.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				c.fail(http.StatusBadRequest, name+" is invalid")
				return
			}
			*dst = t
		}
	}
	limit := c.intQuery("limit", 100)
	acceptFiles := c.query.Get("acceptFiles") == "1"
	type entry struct {
		m  *message
		ts time.Time
	}
	var entries []entry
	for _, m := range conv.msgs {
		if m.uo.deletedAt != 0 || !hasMedia(m) {
			continue
		}
		ts := galleryTS(m)
		if (!before.IsZero() && !ts.Before(before)) || (!after.IsZero() && !ts.After(after)) {
			continue
		}
		entries = append(entries, entry{m, ts})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].ts.After(entries[j].ts) })
	entries = entries[:min(limit, len(entries))]
	out := make([]gen.GalleryMessage, 0, len(entries))
	for _, e := range entries {
		out = append(out, f.galleryView(c, e.m, e.ts, acceptFiles))
	}
	c.ok(http.StatusOK, gen.GalleryPage{Messages: out})
}

// galleryView renders a gallery entry; pictures on GroupMe's CDN point at
// the fake (see localImageURL).
func (f *Fake) galleryView(c *call, m *message, ts time.Time, acceptFiles bool) gen.GalleryMessage {
	atts := make([]gen.Attachment, 0, len(m.attachments))
	for _, a := range m.attachments {
		if attachmentType(a) == string(gen.ImageAttachmentTypeImage) {
			var img gen.ImageAttachment
			if b, err := a.MarshalJSON(); err == nil && json.Unmarshal(b, &img) == nil {
				img.URL = f.localImageURL(c, img.URL)
				a = attachment(img)
			}
		}
		atts = append(atts, a)
	}
	out := gen.GalleryMessage{
		ID: m.id, GalleryTS: strPtr(ts.Format(galleryTSFormat)), SourceGUID: strPtr(m.sourceGUID),
		CreatedAt: ptrTo(m.created), UserID: strPtr(m.userID), SenderID: strPtr(m.senderID),
		SenderType: strPtr(m.senderType), Name: strPtr(m.name), AvatarURL: m.avatarURL,
		Text: m.text, System: ptrTo(m.system), FavoritedBy: ptrTo(m.favoritedBy()), Attachments: &atts,
	}
	if m.hasFile && !acceptFiles {
		out.Text = strPtr(fileUpgradeText)
	}
	if m.groupID != "" {
		out.GroupID = strPtr(m.groupID)
	} else {
		out.ConversationID, out.RecipientID = strPtr(m.conversationID), strPtr(m.recipientID)
	}
	return out
}
