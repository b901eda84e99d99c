package client_test

import (
	"errors"
	"testing"

	"github.com/groupme-go/groupme/client"
)

func TestUnofficialChatShowReadDelete(t *testing.T) {
	t.Parallel()
	srv, me, other, _ := unofficialServer(t)
	ctx := t.Context()
	otherID := srv.Dataset.Users[1].ID
	first, err := other.CreateDirectMessage(ctx, client.NewDirectMessage{RecipientID: srv.Dataset.Users[0].ID, Text: client.Ptr("one")})
	if err != nil {
		t.Fatal(err)
	}
	second, err := me.CreateDirectMessage(ctx, client.NewDirectMessage{RecipientID: otherID, Text: client.Ptr("two")})
	if err != nil {
		t.Fatal(err)
	}
	chatID := *second.ConversationID

	chat, err := me.Unofficial().GetChat(ctx, chatID)
	if err != nil {
		t.Fatal(err)
	}
	if chat.MessagesCount < 2 || string(chat.OtherUser.ID) != otherID || chat.LastMessage.ID != second.ID {
		t.Errorf("GetChat = count %d, other %s, last %s", chat.MessagesCount, chat.OtherUser.ID, chat.LastMessage.ID)
	}

	r, err := me.Unofficial().CreateReadReceipt(ctx, chatID, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.MessageID == nil || *r.MessageID != second.ID || r.ChatID == nil || *r.ChatID != chatID {
		t.Errorf("CreateReadReceipt = %+v", r)
	}
	if r, err = me.Unofficial().CreateReadReceipt(ctx, chatID, first.ID); err != nil || *r.MessageID != second.ID {
		t.Errorf("reading an older message: %+v, %v; the receipt must stay at %s", r, err, second.ID)
	}
	if _, err := me.Unofficial().CreateReadReceipt(ctx, chatID, "1"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("a receipt for an unknown message: %v, want ErrNotFound", err)
	}

	if err := me.Unofficial().DeleteChat(ctx, chatID); err != nil {
		t.Fatal(err)
	}
	if _, err := me.Unofficial().GetChat(ctx, chatID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("GetChat after DeleteChat: %v, want ErrNotFound", err)
	}
	chats, err := me.ListChats(ctx, &client.ListChatsParams{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chats {
		if string(c.OtherUser.ID) == otherID {
			t.Error("the deleted chat is still in ListChats")
		}
	}
	if c, err := other.Unofficial().GetChat(ctx, chatID); err != nil || c.MessagesCount < 2 {
		t.Errorf("the other user's chat after DeleteChat: %v, %v", c, err)
	}
}
