package contracttest

import (
	"net/http"
	"testing"
)

// chatSteps are TestFakeServesEveryOperation's steps for the calls on one
// direct-message conversation.
func chatSteps(t *testing.T, srv *Server, api *fakeAPI) []fakeStep {
	ds := srv.Dataset
	me, other := ds.Users[0], ds.Users[4]
	mid, err := srv.Fake.AddDirectMessage(other.ID, me.ID, Message{Text: "hi there", CreatedAt: fakeClock})
	if err != nil {
		t.Fatal(err)
	}
	cid := conversationID(me.ID, other.ID)
	steps := []fakeStep{
		{"getChat", func() fakeReply { return api.do("GET", "/chats/"+cid, nil, nil) }, 200},
		{"createReadReceipt", func() fakeReply {
			return api.do("POST", srv.V2URL+"/read_receipts", map[string]any{"read_receipt": map[string]any{"message_id": mid, "chat_id": cid}}, nil)
		}, 200},
		{"deleteChat", func() fakeReply { return api.do("DELETE", "/chats/"+cid, nil, nil) }, 200},
	}
	return append(steps, publicSteps(t, srv)...)
}

type chatView struct {
	MessagesCount     int     `json:"messages_count"`
	LastReadMessageID *string `json:"last_read_message_id"`
	OtherUser         struct {
		ID string `json:"id"`
	} `json:"other_user"`
}

func TestFakeDeletedChatLeavesTheList(t *testing.T) {
	t.Parallel()
	srv, _ := newManualServer(t)
	ds := srv.Dataset
	me, other := ds.Users[0], ds.Users[4]
	mine, theirs := newFakeAPI(t, srv, me.Token), newFakeAPI(t, srv, other.Token)
	first, _ := srv.Fake.AddDirectMessage(other.ID, me.ID, Message{Text: "one", CreatedAt: fakeClock})
	second, _ := srv.Fake.AddDirectMessage(me.ID, other.ID, Message{Text: "two", CreatedAt: fakeClock})
	cid := conversationID(me.ID, other.ID)
	inChats := func(api *fakeAPI) bool {
		var chats []chatView
		api.do("GET", "/chats", nil, q("per_page", "100")).decode(t, &chats)
		for _, c := range chats {
			if c.OtherUser.ID == me.ID || c.OtherUser.ID == other.ID {
				return true
			}
		}
		return false
	}

	var v chatView
	mine.do("GET", "/chats/"+cid, nil, nil).decode(t, &v)
	if v.MessagesCount != 2 || v.OtherUser.ID != other.ID {
		t.Errorf("getChat: %+v", v)
	}
	if r := newFakeAPI(t, srv, ds.Users[1].Token).do("GET", "/chats/"+cid, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("a third user reading the chat: %d", r.status)
	}

	// Read receipts move forward only.
	receipt := func(msgID string) string {
		var a struct {
			ReadReceipt struct {
				MessageID string `json:"message_id"`
			} `json:"read_receipt"`
		}
		mine.do("POST", srv.V2URL+"/read_receipts", map[string]any{"read_receipt": map[string]any{"message_id": msgID, "chat_id": cid}}, nil).decode(t, &a)
		return a.ReadReceipt.MessageID
	}
	if got := receipt(second); got != second {
		t.Errorf("reading the last message: receipt at %s", got)
	}
	if got := receipt(first); got != second {
		t.Errorf("reading an older message moved the receipt back to %s", got)
	}
	mine.do("GET", "/chats/"+cid, nil, nil).decode(t, &v)
	if v.LastReadMessageID == nil || *v.LastReadMessageID != second {
		t.Errorf("getChat after the receipt: last_read_message_id %v", v.LastReadMessageID)
	}
	if r := mine.do("POST", srv.V2URL+"/read_receipts", map[string]any{"read_receipt": map[string]any{"message_id": "1", "chat_id": cid}}, nil); r.status != http.StatusNotFound {
		t.Errorf("a receipt for an unknown message: %d", r.status)
	}

	if r := mine.do("DELETE", "/chats/"+cid, nil, nil); r.status != http.StatusOK {
		t.Fatalf("deleteChat: %d %s", r.status, r.body)
	}
	if inChats(mine) {
		t.Error("the deleted chat is still in the caller's chats")
	}
	if !inChats(theirs) {
		t.Error("deleting the chat removed it from the other user's chats too")
	}
	if r := mine.do("GET", "/chats/"+cid, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("getChat after deleteChat: %d", r.status)
	}
	if r := mine.do("GET", "/direct_messages", nil, q("other_user_id", other.ID)); r.status != http.StatusNotModified {
		t.Errorf("the cleared history still lists messages: %d %s", r.status, r.body)
	}
	// A new message brings the chat back, with only that message.
	if _, err := srv.Fake.AddDirectMessage(other.ID, me.ID, Message{Text: "three", CreatedAt: fakeClock}); err != nil {
		t.Fatal(err)
	}
	v = chatView{}
	mine.do("GET", "/chats/"+cid, nil, nil).decode(t, &v)
	if v.MessagesCount != 1 || !inChats(mine) {
		t.Errorf("after a new message: %+v, listed %v", v, inChats(mine))
	}
	var theirView chatView
	theirs.do("GET", "/chats/"+cid, nil, nil).decode(t, &theirView)
	if theirView.MessagesCount != 3 {
		t.Errorf("the other user's history: %d messages, want 3", theirView.MessagesCount)
	}
}
