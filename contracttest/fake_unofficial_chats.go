package contracttest

import (
	"net/http"

	"github.com/groupme-go/groupme/gen"
)

// The unofficial calls on one direct-message conversation
// (GroupMeCommunityDocs dms.md): show, delete, read receipts.

func init() {
	for op, h := range map[string]func(*Fake, *call){
		"getChat":           (*Fake).getChat,
		"deleteChat":        (*Fake).deleteChat,
		"createReadReceipt": (*Fake).createReadReceipt,
	} {
		operations[op] = h
	}
}

type readReceipt struct {
	messageID string
	readAt    int64
}

// visibleChat is conv as userID sees it: without the messages deleteChat
// cleared for them. conv itself is returned when nothing is hidden.
func (f *Fake) visibleChat(userID string, conv *conversation) *conversation {
	last, ok := f.st.uo.cleared[userID+"/"+conv.id]
	if !ok || conv.id == "" {
		return conv
	}
	out := &conversation{id: conv.id}
	for _, m := range conv.msgs {
		if idLess(last, m.id) {
			out.msgs = append(out.msgs, m)
		}
	}
	return out
}

// callerChat finds the conversation chat_id names among the caller's, as
// the caller sees it; nil (404 written) when it is not theirs or empty.
func (f *Fake) callerChat(c *call, chatID string) *conversation {
	conv := f.st.dms[chatID]
	if conv != nil && len(conv.msgs) > 0 {
		first := conv.msgs[0]
		if first.userID == c.userID || first.recipientID == c.userID {
			if v := f.visibleChat(c.userID, conv); len(v.msgs) > 0 {
				return v
			}
		}
	}
	c.fail(http.StatusNotFound, "chat not found")
	return nil
}

func (f *Fake) getChat(c *call) {
	conv := f.callerChat(c, c.params["chat_id"])
	if conv == nil {
		return
	}
	first, last := conv.msgs[0], conv.msgs[len(conv.msgs)-1]
	otherID := first.recipientID
	if otherID == c.userID {
		otherID = first.userID
	}
	other := f.st.users[otherID]
	out := gen.Chat{
		CreatedAt: first.created, UpdatedAt: last.created,
		LastMessage:   last.directView(true),
		MessagesCount: len(conv.msgs),
		OtherUser:     gen.ChatUser{ID: gen.ID(other.id), Name: other.name, AvatarURL: other.avatar},
	}
	if r := f.st.uo.receipts[c.userID+"/"+conv.id]; r != nil {
		out.LastReadMessageID, out.LastReadAt = strPtr(r.messageID), ptrTo(r.readAt)
	}
	c.ok(http.StatusOK, out)
}

func (f *Fake) deleteChat(c *call) {
	conv := f.callerChat(c, c.params["chat_id"])
	if conv == nil {
		return
	}
	if f.st.uo.cleared == nil {
		f.st.uo.cleared = map[string]string{}
	}
	f.st.uo.cleared[c.userID+"/"+conv.id] = conv.msgs[len(conv.msgs)-1].id
	c.ok(http.StatusOK, nil)
}

func (f *Fake) createReadReceipt(c *call) {
	var req gen.ReadReceiptCreateRequest
	if !c.decode(&req) {
		return
	}
	conv := f.callerChat(c, req.ReadReceipt.ChatID)
	if conv == nil {
		return
	}
	var m *message // conv may be a visible copy without the byID index
	for _, x := range conv.msgs {
		if x.id == req.ReadReceipt.MessageID {
			m = x
		}
	}
	if m == nil {
		c.fail(http.StatusNotFound, "message not found")
		return
	}
	if f.st.uo.receipts == nil {
		f.st.uo.receipts = map[string]*readReceipt{}
	}
	key := c.userID + "/" + conv.id
	r := f.st.uo.receipts[key]
	if r == nil {
		r = &readReceipt{}
		f.st.uo.receipts[key] = r
	}
	// Only newer messages move the receipt; an older one only updates
	// read_at.
	if r.messageID == "" || idLess(r.messageID, m.id) {
		r.messageID = m.id
	}
	r.readAt = c.now.Unix()
	c.ok(http.StatusOK, gen.ReadReceiptAnswer{ReadReceipt: gen.ReadReceipt{
		ID: strPtr(r.messageID), ChatID: strPtr(conv.id), MessageID: strPtr(r.messageID),
		UserID: strPtr(c.userID), ReadAt: ptrTo(r.readAt),
	}})
}
