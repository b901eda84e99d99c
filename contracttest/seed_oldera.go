package contracttest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// oldEraMessage is a group message in the shape GroupMe sent around 2015,
// keys in the order it sent them. GroupMe serves old messages back as they
// were stored, so clients still meet this shape in any long history.
type oldEraMessage struct {
	Attachments []json.RawMessage `json:"attachments"`
	AvatarURL   *string           `json:"avatar_url"`
	CreatedAt   int64             `json:"created_at"`
	FavoritedBy []string          `json:"favorited_by"`
	GroupID     string            `json:"group_id"`
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	SenderID    string            `json:"sender_id"`
	SenderType  string            `json:"sender_type"`
	SourceGUID  string            `json:"source_guid"`
	System      bool              `json:"system"`
	Text        *string           `json:"text"`
	UserID      string            `json:"user_id"`
}

// oldEraGroup adds a group made in 2014, before GroupMe added max_members
// and share QR codes, whose history holds messages shaped like the real
// ones of that era (see testdata/real): mention ids as numbers, emoji
// charmap entries that are not pairs of integers, an attachment type the
// spec does not list, image attachments with the 2015 clients' width and
// aspectRatio, an old system notice, and text with &, <, > and U+2028,
// which must reach clients unescaped.
func (s *seeder) oldEraGroup() *group {
	f := s.f
	users := s.ds.Users
	me := f.st.users[users[0].ID]
	created := time.Date(2014, 10, 31, 15, 31, 26, 0, time.UTC)
	g := f.newGroupLocked(me.id, "Carpool 2014", created)
	g.oldEra = true
	g.description = strPtr("Rides to the crag, since 2014")
	other := me
	if len(users) > 1 {
		other = f.st.users[users[1].ID]
		f.addMemberLocked(g, other.id, strings.Fields(other.name)[0])
	}
	otherNick := g.member(other.id).nickname
	num := func(id string) string { // a user id as a JSON number
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return strconv.Quote(id)
		}
		return id
	}
	mention := "@" + otherNick
	emojiText := "See you at six \ufffd"
	type spec struct {
		from   *user
		system bool
		text   string
		atts   []string
	}
	msgs := []spec{
		{from: me, text: "Who is driving on Saturday?"},
		{from: me, text: mention + " can you drive & bring <snacks>?",
			atts: []string{`{"type":"mentions","user_ids":[` + num(other.id) + `],"loci":[[0,` + strconv.Itoa(len([]rune(mention))) + `]]}`}},
		{from: other, text: emojiText,
			atts: []string{`{"type":"emoji","placeholder":"` + "\ufffd" + `","charmap":[["2",17,27]]}`}},
		{from: other, text: "",
			atts: []string{`{"type":"image","url":"` + s.pictureBase() + `858x308.jpeg.` + s.hex(32) + `","width":"858","aspectRatio":"35.8974358974359%"}`}},
		{from: me, text: "Route notes\u2028first pitch is wet",
			atts: []string{`{"type":"postprocessing"}`}},
		{from: nil, system: true, text: otherNick + " changed the group's name to Carpool 2014"},
		{from: other, text: "Thanks all",
			atts: []string{`{"type":"emoji","placeholder":"` + "\ufffd" + `","charmap":[["1",10]]}`, `{"type":"linked_image","url":"` + s.pictureBase() + `640x480.jpeg.` + s.hex(32) + `"}`}},
	}
	at := created.Add(2 * time.Hour)
	for _, sp := range msgs {
		msg := &message{groupID: g.id, created: at.Unix(), system: sp.system}
		if sp.system {
			msg.userID, msg.senderID, msg.senderType, msg.name = "system", "system", "system", "GroupMe"
		} else {
			msg.userID, msg.senderID, msg.senderType, msg.name = sp.from.id, sp.from.id, "user", g.member(sp.from.id).nickname
			msg.avatarURL = sp.from.avatar
		}
		if sp.text != "" {
			msg.text = strPtr(sp.text)
		}
		for _, a := range sp.atts {
			var att gen.Attachment
			_ = att.UnmarshalJSON([]byte(a))
			msg.attachments = append(msg.attachments, att)
		}
		f.finishMessageLocked(&g.conv, msg, "")
		raw := oldEraMessage{
			Attachments: make([]json.RawMessage, len(sp.atts)), AvatarURL: msg.avatarURL,
			CreatedAt: msg.created, FavoritedBy: []string{}, GroupID: g.id, ID: msg.id, Name: msg.name,
			SenderID: msg.senderID, SenderType: msg.senderType, SourceGUID: msg.sourceGUID,
			System: msg.system, Text: msg.text, UserID: msg.userID,
		}
		for i, a := range sp.atts {
			raw.Attachments[i] = json.RawMessage(a)
		}
		// GroupMe sends U+2028 as is; Go's encoder always escapes it, and
		// no seeded text holds a backslash, so undo that here.
		msg.raw = bytes.ReplaceAll(encodeRaw(raw), []byte(`\u2028`), []byte("\u2028"))
		g.updated = msg.created
		at = at.Add(26 * time.Hour)
	}
	return g
}

// encodeRaw encodes v compactly, without escaping &, < and >, as GroupMe
// does.
func encodeRaw(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
