package contracttest

import (
	"net/http"
	"slices"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// guidWindow is how long a source_guid blocks a repeat (answered 409).
const guidWindow = 60 * time.Second

// cursorPage reads the cursor parameters and pages through conv, writing
// 400 for conflicting cursors. ok is false when a response was written.
func (c *call) cursorPage(conv *conversation) ([]*message, bool) {
	before, after, since := c.query.Get("before_id"), c.query.Get("after_id"), c.query.Get("since_id")
	n := 0
	for _, v := range []string{before, after, since} {
		if v != "" {
			n++
		}
	}
	if n > 1 {
		c.fail(http.StatusBadRequest, "use only one of before_id, after_id and since_id")
		return nil, false
	}
	return conv.page(before, after, since, c.intQuery("limit", 20)), true
}

// notModified writes the bodiless 304 of an empty message page.
func (c *call) notModified() {
	c.res.set(http.StatusNotModified, "", nil)
}

func (f *Fake) listMessages(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	msgs, ok := c.cursorPage(&g.conv)
	if !ok {
		return
	}
	if len(msgs) == 0 {
		c.notModified()
		return
	}
	accept := c.query.Get("acceptFiles") == "1"
	// A page is a gen.MessageList, except that archived messages go out
	// as the bytes GroupMe sent.
	out := struct {
		Count    int   `json:"count"`
		Messages []any `json:"messages"`
	}{Count: len(g.conv.msgs), Messages: make([]any, len(msgs))}
	for i, m := range msgs {
		if m.raw != nil && len(m.likes) == 0 {
			out.Messages[i] = m.raw
		} else {
			out.Messages[i] = m.groupView(accept)
		}
	}
	c.ok(http.StatusOK, out)
}

// checkGUID answers 409 when guid was accepted in conv within the window.
func (c *call) checkGUID(conv *conversation, guid string) bool {
	if at, ok := conv.guids[guid]; ok && c.now.Sub(at) < guidWindow {
		c.fail(http.StatusConflict, "source_guid has already been taken")
		return false
	}
	return true
}

func rememberGUID(conv *conversation, guid string, at time.Time) {
	if conv.guids == nil {
		conv.guids = map[string]time.Time{}
	}
	conv.guids[guid] = at
}

func hasContent(text *string, atts *[]gen.Attachment) bool {
	return (text != nil && *text != "") || (atts != nil && len(*atts) > 0)
}

func (f *Fake) createMessage(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	var req gen.MessageCreateRequest
	if !c.decode(&req) {
		return
	}
	nm := req.Message
	if !hasContent(nm.Text, nm.Attachments) {
		c.fail(http.StatusBadRequest, "Text is required unless there are attachments")
		return
	}
	if !c.checkGUID(&g.conv, nm.SourceGUID) {
		return
	}
	m := Message{UserID: c.userID, SourceGUID: nm.SourceGUID, CreatedAt: c.now}
	if nm.Text != nil {
		m.Text = *nm.Text
	}
	if nm.Attachments != nil {
		m.Attachments = *nm.Attachments
	}
	msg, err := f.groupMessageLocked(g, m)
	if err != nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	rememberGUID(&g.conv, nm.SourceGUID, c.now)
	c.ok(http.StatusCreated, gen.MessageCreated{Message: msg.groupView(true)})
}

// chats lists the caller's direct conversations, most recently updated first.
func (f *Fake) chats(userID string) []*conversation {
	var out []*conversation
	for _, conv := range f.st.dms {
		if len(conv.msgs) == 0 {
			continue
		}
		first := conv.msgs[0]
		if first.userID == userID || first.recipientID == userID {
			if v := f.visibleChat(userID, conv); len(v.msgs) > 0 { // deleteChat hides history
				out = append(out, v)
			}
		}
	}
	slices.SortFunc(out, func(a, b *conversation) int {
		la, lb := a.msgs[len(a.msgs)-1], b.msgs[len(b.msgs)-1]
		if idLess(la.id, lb.id) {
			return 1
		}
		return -1
	})
	return out
}

func (f *Fake) listChats(c *call) {
	page, per := c.intQuery("page", 1), c.intQuery("per_page", 20)
	convs := f.chats(c.userID)
	out := []gen.Chat{}
	for i := (page - 1) * per; i < len(convs) && i < page*per; i++ {
		conv := convs[i]
		first, last := conv.msgs[0], conv.msgs[len(conv.msgs)-1]
		otherID := first.recipientID
		if otherID == c.userID {
			otherID = first.userID
		}
		other := f.st.users[otherID]
		id := gen.ID(other.id)
		out = append(out, gen.Chat{
			CreatedAt: first.created, UpdatedAt: last.created,
			LastMessage:   last.directView(true),
			MessagesCount: len(conv.msgs),
			OtherUser:     gen.ChatUser{ID: id, Name: other.name, AvatarURL: other.avatar},
		})
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) listDirectMessages(c *call) {
	other := f.st.users[c.query.Get("other_user_id")]
	if other == nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	conv := f.st.dms[conversationID(c.userID, other.id)]
	if conv == nil {
		conv = &conversation{}
	}
	conv = f.visibleChat(c.userID, conv) // deleteChat hides history
	msgs, ok := c.cursorPage(conv)
	if !ok {
		return
	}
	if len(msgs) == 0 {
		c.notModified()
		return
	}
	accept := c.query.Get("acceptFiles") == "1"
	out := gen.DirectMessageList{Count: len(conv.msgs), DirectMessages: make([]gen.DirectMessage, len(msgs))}
	for i, m := range msgs {
		out.DirectMessages[i] = m.directView(accept)
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) createDirectMessage(c *call) {
	var req gen.DirectMessageCreateRequest
	if !c.decode(&req) {
		return
	}
	nm := req.DirectMessage
	to := f.st.users[nm.RecipientID]
	switch {
	case to == nil:
		c.fail(http.StatusNotFound, notFound)
		return
	case to.id == c.userID:
		c.fail(http.StatusBadRequest, "you cannot send a direct message to yourself")
		return
	case f.blocked(to.id, c.userID):
		c.fail(http.StatusForbidden, "this user does not accept your messages")
		return
	case !hasContent(nm.Text, nm.Attachments):
		c.fail(http.StatusBadRequest, "Text is required unless there are attachments")
		return
	}
	if conv := f.st.dms[conversationID(c.userID, to.id)]; conv != nil && !c.checkGUID(conv, nm.SourceGUID) {
		return
	}
	var text string
	if nm.Text != nil {
		text = *nm.Text
	}
	var atts []gen.Attachment
	if nm.Attachments != nil {
		atts = *nm.Attachments
	}
	msg := f.directMessageLocked(c.user, to, text, atts, c.now, nm.SourceGUID)
	rememberGUID(f.st.dms[msg.conversationID], nm.SourceGUID, c.now)
	view := msg.directView(true)
	c.ok(http.StatusCreated, gen.DirectMessageCreated{DirectMessage: &view})
}

// likedMessage finds the message a like or unlike is about, or writes 404.
func (f *Fake) likedMessage(c *call) *message {
	conv, _ := f.conversationLocked(c.params["conversation_id"], c.userID)
	if conv == nil {
		c.fail(http.StatusNotFound, notFound)
		return nil
	}
	m := conv.byID[c.params["message_id"]]
	if m == nil {
		c.fail(http.StatusNotFound, notFound)
	}
	return m
}

func (f *Fake) likeMessage(c *call) {
	m := f.likedMessage(c)
	if m == nil {
		return
	}
	icon := heart()
	if len(c.body) > 0 {
		var req gen.LikeRequest
		if !c.decode(&req) {
			return
		}
		if req.LikeIcon != nil {
			icon = *req.LikeIcon
			if icon.Type == gen.LikeIconTypeUnicode && (icon.Code == nil || *icon.Code == "") {
				c.fail(http.StatusBadRequest, "like_icon.code is required for unicode reactions")
				return
			}
			if icon.Type == gen.LikeIconTypeEmoji && (icon.PackID == nil || icon.PackIndex == nil) {
				c.fail(http.StatusBadRequest, "like_icon.pack_id and pack_index are required for emoji reactions")
				return
			}
		}
	}
	setLike(m, c.userID, icon, c.now)
	f.publishLikeLocked(m, c.userID) // push.go
	c.ok(http.StatusOK, gen.ReactionList{Reactions: m.reactions(true)})
}

func (f *Fake) unlikeMessage(c *call) {
	m := f.likedMessage(c)
	if m == nil {
		return
	}
	removeLike(m, c.userID)
	c.ok(http.StatusOK, gen.ReactionList{Reactions: m.reactions(true)})
}

// leaderboardPeriods are the look-back windows of GET /groups/{id}/likes.
var leaderboardPeriods = map[string]time.Duration{
	"day":   24 * time.Hour,
	"week":  7 * 24 * time.Hour,
	"month": 30 * 24 * time.Hour,
}

// rankByLikes sorts most liked first, newest first among equals.
func rankByLikes(ms []*message) {
	slices.SortStableFunc(ms, func(a, b *message) int {
		if len(a.likes) != len(b.likes) {
			return len(b.likes) - len(a.likes)
		}
		if idLess(a.id, b.id) {
			return 1
		}
		return -1
	})
}

func (f *Fake) leaderboard(c *call, ms []*message) {
	out := gen.Leaderboard{Messages: make([]gen.Message, len(ms))}
	for i, m := range ms {
		out.Messages[i] = m.groupView(true)
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) getLeaderboard(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	since := c.now.Add(-leaderboardPeriods[c.query.Get("period")]).Unix()
	var ms []*message
	for i := len(g.conv.msgs) - 1; i >= 0 && g.conv.msgs[i].created >= since; i-- {
		if m := g.conv.msgs[i]; len(m.likes) > 0 && m.created <= c.now.Unix() {
			ms = append(ms, m)
		}
	}
	rankByLikes(ms)
	f.leaderboard(c, ms)
}

func (f *Fake) getLeaderboardMine(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	type liked struct {
		m  *message
		at time.Time
	}
	var ls []liked
	for _, m := range g.conv.msgs {
		for _, l := range m.likes {
			if l.userID == c.userID {
				ls = append(ls, liked{m, l.at})
			}
		}
	}
	slices.SortStableFunc(ls, func(a, b liked) int { return b.at.Compare(a.at) })
	out := gen.Leaderboard{Messages: make([]gen.Message, len(ls))}
	for i, l := range ls {
		out.Messages[i] = l.m.groupView(true)
		out.Messages[i].LikedAt = strPtr(l.at.UTC().Format("2006-01-02T15:04:05.0000Z07:00"))
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) getLeaderboardForMe(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	var ms []*message
	for _, m := range g.conv.msgs {
		if m.userID == c.userID && slices.ContainsFunc(m.likes, func(l like) bool { return l.userID != c.userID }) {
			ms = append(ms, m)
		}
	}
	rankByLikes(ms)
	f.leaderboard(c, ms)
}
