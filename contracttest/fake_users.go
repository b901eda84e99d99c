package contracttest

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/groupme-go/groupme/gen"
)

// Bots, users, SMS mode and blocks.

func (f *Fake) botView(b *bot) gen.Bot {
	out := gen.Bot{BotID: b.id, GroupID: b.groupID, Name: b.name, AvatarURL: b.avatarURL,
		CallbackURL: b.callbackURL, DMNotification: boolPtr(b.dmNotification)}
	if g := f.st.groups[b.groupID]; g != nil {
		out.GroupName = strPtr(g.name)
	}
	return out
}

func (f *Fake) listBots(c *call) {
	out := []gen.Bot{}
	for _, id := range f.st.botOrder {
		if b := f.st.bots[id]; b.owner == c.userID {
			out = append(out, f.botView(b))
		}
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) createBot(c *call) {
	var req gen.BotCreateRequest
	if !c.decode(&req) {
		return
	}
	nb := req.Bot
	g := f.st.groups[flexText(nb.GroupID)]
	if g == nil || g.member(c.userID) == nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	dm := nb.DMNotification != nil && *nb.DMNotification
	b := f.addBotLocked(c.userID, g.id, nb.Name, optStrPtr(nb.AvatarURL), optStrPtr(nb.CallbackURL), dm)
	c.ok(http.StatusCreated, gen.BotCreated{Bot: f.botView(b)})
}

func optStrPtr(p *string) *string {
	if p == nil {
		return nil
	}
	return optStr(*p)
}

func (f *Fake) postBotMessage(c *call) {
	req, ok := c.botPostRequest()
	if !ok {
		return
	}
	if req.BotID == "" {
		c.fail(http.StatusBadRequest, "bot_id is required")
		return
	}
	if req.Text == "" && req.PictureURL == nil && (req.Attachments == nil || len(*req.Attachments) == 0) {
		c.fail(http.StatusBadRequest, "text is required")
		return
	}
	if utf8.RuneCountInString(req.Text) > 1000 {
		c.fail(http.StatusBadRequest, "Text is too long")
		return
	}
	b := f.st.bots[req.BotID]
	g := (*group)(nil)
	if b != nil {
		g = f.st.groups[b.groupID]
	}
	if g == nil {
		c.fail(http.StatusNotFound, "The requested path does not exist")
		return
	}
	atts := []gen.Attachment{}
	if req.Attachments != nil {
		atts = append(atts, *req.Attachments...)
	}
	if req.PictureURL != nil && *req.PictureURL != "" {
		atts = append(atts, attachment(gen.ImageAttachment{Type: gen.ImageAttachmentTypeImage, URL: *req.PictureURL}))
	}
	f.botMessageLocked(b, g, req.Text, atts, c.now)
	// What GroupMe sends: 202 and a body of one space, not JSON.
	c.res.set(http.StatusAccepted, "text/plain; charset=utf-8", []byte(" "))
}

// botPostRequest reads a bot post the ways GroupMe does: fields from the
// query string when there is no body; form fields from a form body that has
// a bot_id; otherwise the body as JSON, whatever its Content-Type says (curl
// -d labels JSON as a form, and some bots send no Content-Type). It writes
// 400 and reports false when the body is neither.
func (c *call) botPostRequest() (gen.BotPostRequest, bool) {
	var req gen.BotPostRequest
	if len(bytes.TrimSpace(c.body)) == 0 {
		// The tutorial's form: everything in the query string.
		req.BotID, req.Text = c.query.Get("bot_id"), c.query.Get("text")
		req.PictureURL = optStr(c.query.Get("picture_url"))
		return req, true
	}
	mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		if form, err := url.ParseQuery(string(c.body)); err == nil && form.Has("bot_id") {
			req.BotID, req.Text = form.Get("bot_id"), form.Get("text")
			req.PictureURL = optStr(form.Get("picture_url"))
			return req, true
		}
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		c.fail(http.StatusBadRequest, "request body: neither JSON nor form fields with a bot_id")
		return req, false
	}
	return req, true
}

// botMessageLocked stores a post by a bot: sender_type "bot", sent by the
// bot's id under the bot's name.
func (f *Fake) botMessageLocked(b *bot, g *group, text string, atts []gen.Attachment, at time.Time) *message {
	msg := &message{groupID: g.id, created: at.Unix(), attachments: atts, userID: b.id, senderID: b.id,
		senderType: "bot", name: b.name, avatarURL: b.avatarURL, botID: b.id}
	if text != "" {
		msg.text = strPtr(text)
	}
	f.finishMessageLocked(&g.conv, msg, "")
	if at.Unix() > g.updated {
		g.updated = at.Unix()
	}
	return msg
}

func (f *Fake) destroyBot(c *call) {
	var req gen.BotDestroyRequest
	if !c.decode(&req) {
		return
	}
	b := f.st.bots[req.BotID]
	if b == nil || b.owner != c.userID {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	delete(f.st.bots, b.id)
	f.st.botOrder = slices.DeleteFunc(f.st.botOrder, func(id string) bool { return id == b.id })
	c.ok(http.StatusOK, nil)
}

func (f *Fake) userView(u *user, now time.Time) gen.User {
	sms := u.smsForever || now.Before(u.smsUntil)
	enabled := false
	return gen.User{
		ID: u.id, UserID: strPtr(u.id), Name: u.name, PhoneNumber: strPtr(u.phone), ImageURL: u.avatar,
		Email: optStr(u.email), SMS: &sms, CreatedAt: u.created, UpdatedAt: u.updated,
		ZipCode: optStr(u.zip), Locale: strPtr("en_us"),
		Mfa: &gen.MFASettings{Enabled: &enabled},
	}
}

func (f *Fake) getMe(c *call) {
	c.ok(http.StatusOK, f.userView(c.user, c.now))
}

func (f *Fake) updateMe(c *call) {
	var req gen.UserUpdateRequest
	if !c.decode(&req) {
		return
	}
	u := c.user
	if req.Name != nil {
		u.name = *req.Name
	}
	if req.Email != nil {
		u.email = *req.Email
	}
	if req.AvatarURL != nil {
		u.avatar = optStr(*req.AvatarURL)
	}
	if req.ZipCode != nil {
		u.zip = *req.ZipCode
	}
	u.updated = c.now.Unix()
	c.ok(http.StatusOK, f.userView(u, c.now))
}

func (f *Fake) enableSmsMode(c *call) {
	var req gen.SMSModeRequest
	if !c.decode(&req) {
		return
	}
	if hours, ok := req.Duration.Hours(); ok {
		c.user.smsUntil, c.user.smsForever = c.now.Add(time.Duration(hours)*time.Hour), false
	} else {
		c.user.smsForever = true // "always"
	}
	c.ok(http.StatusCreated, nil)
}

func (f *Fake) disableSmsMode(c *call) {
	c.user.smsUntil, c.user.smsForever = time.Time{}, false
	c.ok(http.StatusOK, nil)
}

// blockParams checks that `user` is the caller and otherUser (if wanted)
// exists.
func (f *Fake) blockParams(c *call, needOther bool) (other string, ok bool) {
	if c.query.Get("user") != c.userID {
		c.fail(http.StatusForbidden, "user must be your own user id")
		return "", false
	}
	if !needOther {
		return "", true
	}
	other = c.query.Get("otherUser")
	if f.st.users[other] == nil {
		c.fail(http.StatusNotFound, notFound)
		return "", false
	}
	return other, true
}

func (f *Fake) listBlocks(c *call) {
	if _, ok := f.blockParams(c, false); !ok {
		return
	}
	c.ok(http.StatusOK, gen.BlockList{Blocks: append([]gen.Block{}, f.st.blocks[c.userID]...)})
}

func (f *Fake) getBlockBetween(c *call) {
	other, ok := f.blockParams(c, true)
	if !ok {
		return
	}
	c.ok(http.StatusOK, gen.BlockBetween{Between: f.blocked(c.userID, other) || f.blocked(other, c.userID)})
}

func (f *Fake) createBlock(c *call) {
	other, ok := f.blockParams(c, true)
	if !ok {
		return
	}
	if other == c.userID {
		c.fail(http.StatusBadRequest, "you cannot block yourself")
		return
	}
	c.ok(http.StatusCreated, gen.BlockCreated{Block: f.blockLocked(c.userID, other, c.now)})
}

func (f *Fake) deleteBlock(c *call) {
	other, ok := f.blockParams(c, true)
	if !ok {
		return
	}
	f.st.blocks[c.userID] = slices.DeleteFunc(f.st.blocks[c.userID], func(b gen.Block) bool { return b.BlockedUserID == other })
	c.ok(http.StatusOK, nil)
}

func (f *Fake) deleteBlockPost(c *call) { f.deleteBlock(c) }

// updateBot changes one of the caller's bots (unofficial: POST
// /bots/update, sent by lowerpines). Null or absent fields stay; an
// empty callback_url or avatar_url clears it. A new group_id must be a
// group the caller is in.
func (f *Fake) updateBot(c *call) {
	var req gen.BotUpdateRequest
	if !c.decode(&req) {
		return
	}
	u := req.Bot
	b := f.st.bots[u.BotID]
	if b == nil || b.owner != c.userID {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	if u.GroupID != nil {
		g := f.st.groups[*u.GroupID]
		if g == nil || g.member(c.userID) == nil {
			c.fail(http.StatusNotFound, notFound)
			return
		}
		b.groupID = g.id
	}
	if u.Name != nil {
		b.name = *u.Name
	}
	if u.AvatarURL != nil {
		b.avatarURL = optStr(*u.AvatarURL)
	}
	if u.CallbackURL != nil {
		b.callbackURL = optStr(*u.CallbackURL)
	}
	if u.DMNotification != nil {
		b.dmNotification = *u.DMNotification
	}
	c.ok(http.StatusOK, nil)
}
