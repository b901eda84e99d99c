package contracttest

import (
	"net/http"
	"strings"

	"github.com/groupme-go/groupme/gen"
)

// The unofficial v2 profile update (GroupMeCommunityDocs self.md).

func init() { operations["updateUserProfile"] = (*Fake).updateUserProfile }

// profileExtras are the profile fields only the v2 API shows.
type profileExtras struct {
	bio, song, groupSound, dmSound string
	photos                         []string
	disableFavorite                bool
}

func (f *Fake) profileOf(userID string) *profileExtras {
	if f.st.uo.profiles == nil {
		f.st.uo.profiles = map[string]*profileExtras{}
	}
	if f.st.uo.profiles[userID] == nil {
		f.st.uo.profiles[userID] = &profileExtras{groupSound: "gm6.wav", dmSound: "gm16.wav"}
	}
	return f.st.uo.profiles[userID]
}

// minPhotos is how many gallery photos GroupMe wants at least.
const minPhotos = 3

func (f *Fake) updateUserProfile(c *call) {
	if c.params["user_id"] != c.userID {
		c.fail(http.StatusForbidden, "you can only update your own profile")
		return
	}
	var req gen.ProfileUpdateRequest
	if !c.decode(&req) {
		return
	}
	in := req.User
	switch {
	case in.Name != nil && strings.TrimSpace(*in.Name) == "":
		c.fail(http.StatusBadRequest, "name cannot be blank")
		return
	case in.Email != nil && !strings.Contains(*in.Email, "@"):
		c.fail(http.StatusBadRequest, "email is invalid")
		return
	case in.PhotoURLs != nil && len(*in.PhotoURLs) > 0 && len(*in.PhotoURLs) < minPhotos:
		c.fail(http.StatusBadRequest, "photo_urls needs at least 3 photos")
		return
	}
	u, p := c.user, f.profileOf(c.userID)
	if in.Name != nil {
		u.name = *in.Name
	}
	if in.Email != nil {
		u.email = *in.Email
	}
	if in.AvatarURL != nil {
		u.avatar = strPtr(*in.AvatarURL)
	}
	if in.Bio != nil {
		p.bio = *in.Bio
	}
	if in.SongURL != nil {
		p.song = *in.SongURL
	}
	if in.PhotoURLs != nil {
		p.photos = append([]string{}, *in.PhotoURLs...)
	}
	if in.DisableFavoriteNotification != nil {
		p.disableFavorite = *in.DisableFavoriteNotification
	}
	if in.GroupNotificationSound != nil {
		p.groupSound = *in.GroupNotificationSound
	}
	if in.DMNotificationSound != nil {
		p.dmSound = *in.DMNotificationSound
	}
	u.updated = c.now.Unix()
	c.ok(http.StatusOK, gen.ProfileAccountAnswer{User: gen.ProfileAccount{
		ID: u.id, CreatedAt: ptrTo(u.created), UpdatedAt: ptrTo(u.updated), Name: strPtr(u.name),
		PhoneNumber: strPtr(u.phone), Email: optStr(u.email), AvatarURL: u.avatar,
		AppInstalled: ptrTo(true), DirectMessageCapable: ptrTo(true), Language: strPtr("en-US"), Locale: strPtr("en_us"),
		DisableFavoriteNotification: ptrTo(p.disableFavorite), Verified: ptrTo(true), EmailVerified: new(bool),
		GroupNotificationSound: strPtr(p.groupSound), DMNotificationSound: strPtr(p.dmSound),
		Bio: strPtr(p.bio), PhotoURLs: ptrTo(append([]string{}, p.photos...)), SongURL: strPtr(p.song),
		Interests: &[]int{},
	}})
}
