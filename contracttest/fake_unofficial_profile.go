package contracttest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/groupme-go/groupme/gen"
)

// The unofficial profile calls (GroupMeCommunityDocs self.md): the
// profile share link and the pinned conversations.

func init() {
	operations["setProfileSharing"] = (*Fake).setProfileSharing
	operations["listPinnedConversations"] = (*Fake).listPinnedConversations
	operations["updatePinnedConversations"] = (*Fake).updatePinnedConversations
}

func (f *Fake) setProfileSharing(c *call) {
	var req gen.ProfileSharingRequest
	if !c.decode(&req) {
		return
	}
	if f.st.uo.shares == nil {
		f.st.uo.shares = map[string]string{}
	}
	if req.Status == gen.ProfileSharingRequestStatusDisable {
		delete(f.st.uo.shares, c.userID)
		c.ok(http.StatusOK, gen.ProfileSharing{})
		return
	}
	// Every enable makes a new link.
	token := f.st.hexID("profile-share", 8)
	f.st.uo.shares[c.userID] = token
	url := "https://groupme.com/contact/" + c.userID + "/" + token
	c.ok(http.StatusOK, gen.ProfileSharing{
		ShareURL:       strPtr(url),
		ShareQRCodeURL: strPtr("https://image.groupme.com/qr/contact/" + c.userID + "/" + token + "/preview"),
	})
}

func (f *Fake) listPinnedConversations(c *call) {
	ids := append([]string{}, f.st.uo.pinnedIDs[c.userID]...)
	c.ok(http.StatusOK, gen.PinnedConversations{PinnedConversationIDs: ids})
}

func (f *Fake) updatePinnedConversations(c *call) {
	var req gen.PinnedConversations
	if !c.decode(&req) {
		return
	}
	var ids []string
	for _, id := range req.PinnedConversationIDs {
		if strings.TrimSpace(id) == "" {
			c.fail(http.StatusBadRequest, "pinned_conversation_ids must not hold an empty id")
			return
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if f.st.uo.pinnedIDs == nil {
		f.st.uo.pinnedIDs = map[string][]string{}
	}
	f.st.uo.pinnedIDs[c.userID] = ids
	c.ok(http.StatusOK, nil)
}
