package contracttest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/groupme-go/groupme/gen"
)

// SeedConfig sizes the dataset [Fake.Seed] builds. Zero fields take the
// defaults of [DefaultSeedConfig]; a negative count means none.
type SeedConfig struct {
	// Seed drives every random choice: the same Seed and sizes (on a fake
	// with the same clock) give the same ids, tokens, texts and timestamps.
	Seed int64
	// Users is the number of users (at least 2 are made).
	Users int
	// Groups is the number of groups; every user is in the first one.
	Groups int
	// Messages is the number of messages in the first group, a mix of
	// text, every attachment type, system notices, bot posts and likes.
	Messages int
	// GroupMessages is the number of messages in each other group.
	GroupMessages int
	// DirectMessages is the number of messages in each direct conversation.
	DirectMessages int
	// Bots is the number of bots.
	Bots int
}

// DefaultSeedConfig is the dataset [NewServer] seeds unless told otherwise.
func DefaultSeedConfig() SeedConfig {
	return SeedConfig{Seed: 1, Users: 6, Groups: 4, Messages: 500, GroupMessages: 30, DirectMessages: 20, Bots: 2}
}

// Dataset is what [Fake.Seed] made.
type Dataset struct {
	// Users are the accounts with their tokens. Users[0] is the natural
	// "me": a member of every group, with direct conversations and bots.
	Users []Account
	// Groups are group ids, newest activity first is not implied: Groups[0]
	// is the group with SeedConfig.Messages messages and every user in it;
	// after the SeedConfig.Groups groups comes OldEraGroup.
	Groups []string
	// FormerGroup is a group Users[1] left (and may rejoin), or "".
	FormerGroup string
	// Bots are bot ids; Bots[0] lives in Groups[0] and belongs to Users[0].
	Bots []string
	// OldEraGroup, also the last of Groups, is a group of Users[0] and
	// Users[1] made in 2014: it has
	// no max_members and no share_qr_code_url, and its messages have the
	// shape GroupMe gave them then (mention ids as numbers, emoji charmap
	// entries that are not integer pairs, an attachment type the spec does
	// not list). Its message pages carry them exactly as stored.
	OldEraGroup string
	// Chats are the ids ("<lower user id>+<higher user id>") of the direct
	// conversations seeded with messages.
	Chats []string
}

var (
	seedNames = []string{"Mara Lindqvist", "Ben Okafor", "Priya Raman", "Tomas Ortega", "Hana Sato",
		"Lena Fischer", "Kofi Mensah", "Ana Costa", "Jonas Berg", "Amara Diallo", "Wei Chen", "Sofia Rossi"}
	seedGroupNames = []string{"Weekend hikers", "Book club", "Flat 4B", "Climbing crew", "Family",
		"Five-a-side", "Board games", "Choir altos"}
	seedWords = strings.Fields(`the trail is open again tomorrow morning at eight bring water and snacks
		who has the car keys I can drive if someone shares fuel meet at the usual place
		photos from saturday are up great day thanks everyone running late sorry
		what time does it start let us vote on the date see you there sounds good
		weather looks fine pack a jacket anyway dinner after at the corner place`)
	seedReactions = []string{"\u2764\ufe0f", "\U0001F44D", "\U0001F923", "\U0001F389", "\U0001F525", "\U0001F62E"}
)

// Seed adds a deterministic, realistic dataset to the fake: users with
// tokens, groups (one of them large), messages with every attachment type,
// system notices, bot posts and likes, direct conversations, bots, a block
// and a former group. Timestamps end at the fake clock's current time.
func (f *Fake) Seed(cfg SeedConfig) (*Dataset, error) {
	def := DefaultSeedConfig()
	pick := func(v, d int) int {
		switch {
		case v < 0:
			return 0
		case v == 0:
			return d
		}
		return v
	}
	cfg.Users = max(2, pick(cfg.Users, def.Users))
	cfg.Groups = max(1, pick(cfg.Groups, def.Groups))
	cfg.Messages = pick(cfg.Messages, def.Messages)
	cfg.GroupMessages = pick(cfg.GroupMessages, def.GroupMessages)
	cfg.DirectMessages = pick(cfg.DirectMessages, def.DirectMessages)
	cfg.Bots = pick(cfg.Bots, def.Bots)

	f.mu.Lock()
	defer f.mu.Unlock()
	f.seeding = true
	defer func() { f.seeding = false }()
	s := &seeder{f: f, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed)), now: f.cfg.now()}
	return s.run(cfg), nil
}

type seeder struct {
	f   *Fake
	rng *rand.Rand
	now time.Time
	ds  Dataset
}

//nolint:gocognit // the seeding script, step after step (users, groups, members, messages, likes); splitting it would scatter one recipe
func (s *seeder) run(cfg SeedConfig) *Dataset {
	f := s.f
	const span = 60 * 24 * time.Hour
	start := s.now.Add(-span)
	for i := range cfg.Users {
		name := fmt.Sprintf("User %d", i+1)
		if i < len(seedNames) {
			name = seedNames[i]
		}
		a := Account{Name: name, Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"}
		if i%3 != 2 {
			a.AvatarURL = fmt.Sprintf("https://i.groupme.com/250x250.jpeg.%s", s.hex(32))
		}
		s.ds.Users = append(s.ds.Users, f.addUserLocked(a, start.Add(-time.Duration(i+1)*24*time.Hour)))
	}
	me := s.ds.Users[0].ID
	groups := make([]*group, cfg.Groups)
	for i := range cfg.Groups {
		name := fmt.Sprintf("Group %d", i+1)
		if i < len(seedGroupNames) {
			name = seedGroupNames[i]
		}
		g := f.newGroupLocked(me, name, start.Add(-time.Duration(cfg.Groups-i)*time.Hour))
		if i%2 == 0 {
			g.shareToken = f.st.hexID("share", 8)
		}
		if i == 0 {
			g.description = strPtr("Trails, carpools and photos")
			for _, u := range s.ds.Users[1:] {
				f.addMemberLocked(g, u.ID, strings.Fields(u.Name)[0])
			}
		} else {
			for _, u := range s.ds.Users[1:] {
				if s.rng.IntN(2) == 0 {
					f.addMemberLocked(g, u.ID, strings.Fields(u.Name)[0])
				}
			}
		}
		groups[i] = g
		s.ds.Groups = append(s.ds.Groups, g.id)
	}
	var bots []*bot
	for i := range cfg.Bots {
		g := groups[i%len(groups)]
		owner := me
		if i == cfg.Bots-1 && i > 0 {
			g, owner = groups[0], s.ds.Users[1].ID
		}
		var cb *string
		if i%2 == 0 {
			cb = strPtr(fmt.Sprintf("https://example.com/groupme/bot%d", i+1))
		}
		b := f.addBotLocked(owner, g.id, fmt.Sprintf("Helper %d", i+1), nil, cb, false)
		bots = append(bots, b)
		s.ds.Bots = append(s.ds.Bots, b.id)
	}

	s.fillGroup(groups[0], cfg.Messages, start, bots, true)
	for _, g := range groups[1:] {
		s.fillGroup(g, cfg.GroupMessages, start, nil, false)
	}

	// Direct conversations: me with the next three users, and one between
	// two other users that me must not see.
	pairs := [][2]int{}
	for k := 1; k < len(s.ds.Users) && k <= 3; k++ {
		pairs = append(pairs, [2]int{0, k})
	}
	if len(s.ds.Users) >= 3 {
		pairs = append(pairs, [2]int{1, 2})
	}
	for _, p := range pairs {
		a, b := f.st.users[s.ds.Users[p[0]].ID], f.st.users[s.ds.Users[p[1]].ID]
		if cfg.DirectMessages > 0 {
			s.ds.Chats = append(s.ds.Chats, conversationID(a.id, b.id))
		}
		step := span / time.Duration(max(1, cfg.DirectMessages))
		for j := range cfg.DirectMessages {
			from, to := a, b
			if s.rng.IntN(2) == 0 {
				from, to = b, a
			}
			at := start.Add(time.Duration(j)*step + time.Duration(s.rng.Int64N(int64(step/2)+1)))
			var atts []gen.Attachment
			if s.rng.IntN(8) == 0 {
				atts = append(atts, s.imageAttachment())
			}
			m := f.directMessageLocked(from, to, s.sentence(), atts, at, "")
			if s.rng.IntN(6) == 0 {
				m.likes = append(m.likes, like{userID: to.id, at: at.Add(time.Minute), icon: heart()})
			}
		}
	}

	// A block, and a group Users[1] left on their own.
	if n := len(s.ds.Users); n >= 3 {
		f.blockLocked(me, s.ds.Users[n-1].ID, start)
	}
	if len(groups) > 1 {
		g := groups[len(groups)-1]
		m := f.addMemberLocked(g, s.ds.Users[1].ID, strings.Fields(s.ds.Users[1].Name)[0])
		for i, x := range g.members {
			if x == m {
				g.members = append(g.members[:i], g.members[i+1:]...)
				break
			}
		}
		g.former[m.userID] = m
		s.ds.FormerGroup = g.id
	}
	s.ds.OldEraGroup = s.oldEraGroup().id
	s.ds.Groups = append(s.ds.Groups, s.ds.OldEraGroup)
	return &s.ds
}

// fillGroup adds n messages spread evenly over the 60 days before now.
func (s *seeder) fillGroup(g *group, n int, start time.Time, bots []*bot, rich bool) {
	if n == 0 {
		return
	}
	span := s.now.Sub(start)
	step := span / time.Duration(n)
	var groupBots []*bot
	for _, b := range bots {
		if b.groupID == g.id {
			groupBots = append(groupBots, b)
		}
	}
	for i := range n {
		at := start.Add(time.Duration(i)*step + time.Duration(s.rng.Int64N(int64(step/2)+1)))
		roll := s.rng.IntN(1000)
		switch {
		case rich && roll < 25:
			s.systemMessage(g, at)
			continue
		case rich && roll < 45 && len(groupBots) > 0:
			b := groupBots[s.rng.IntN(len(groupBots))]
			s.f.botMessageLocked(b, g, "Reminder: "+s.sentence(), nil, at)
			continue
		}
		mem := g.members[s.rng.IntN(len(g.members))]
		u := s.f.st.users[mem.userID]
		text, atts := s.sentence(), []gen.Attachment(nil)
		if rich {
			text, atts = s.richContent(g, text, roll)
		} else if roll < 80 {
			atts = append(atts, s.imageAttachment())
		}
		msg := &message{groupID: g.id, created: at.Unix(), userID: u.id, senderID: u.id, senderType: "user",
			name: mem.nickname, avatarURL: u.avatar, attachments: atts}
		if text != "" {
			msg.text = strPtr(text)
		}
		s.f.finishMessageLocked(&g.conv, msg, "")
		if at.Unix() > g.updated {
			g.updated = at.Unix()
		}
		if s.rng.IntN(100) < 15 {
			s.addLikes(g, msg, at)
		}
	}
}

func (s *seeder) addLikes(g *group, m *message, at time.Time) {
	for range 1 + s.rng.IntN(3) {
		liker := g.members[s.rng.IntN(len(g.members))]
		icon := heart()
		switch s.rng.IntN(10) {
		case 0, 1:
			icon = gen.LikeIcon{Type: gen.LikeIconTypeUnicode, Code: strPtr(seedReactions[s.rng.IntN(len(seedReactions))])}
		case 2:
			icon = gen.LikeIcon{Type: gen.LikeIconTypeEmoji, PackID: ptrTo(1 + s.rng.IntN(20)), PackIndex: ptrTo(s.rng.IntN(60))}
		}
		likedAt := at.Add(time.Duration(1+s.rng.IntN(120)) * time.Minute)
		if likedAt.After(s.now) {
			likedAt = s.now
		}
		setLike(m, liker.userID, icon, likedAt)
	}
}

func (s *seeder) systemMessage(g *group, at time.Time) {
	a := g.members[s.rng.IntN(len(g.members))]
	b := g.members[s.rng.IntN(len(g.members))]
	num := func(id string) int64 {
		var v int64
		_, _ = fmt.Sscan(id, &v)
		return v
	}
	var text string
	var ev gen.MessageEvent
	switch s.rng.IntN(3) {
	case 0:
		text = a.nickname + " added " + b.nickname + " to the group."
		ev = gen.MessageEvent{Type: "membership.announce.added", Data: eventData(map[string]any{
			"added_users": []any{map[string]any{"id": num(b.userID), "nickname": b.nickname}},
			"adder_user":  map[string]any{"id": num(a.userID), "nickname": a.nickname},
		})}
	case 1:
		text = a.nickname + " changed the topic to: " + s.sentence()
		ev = gen.MessageEvent{Type: "group.topic_change", Data: eventData(map[string]any{
			"user": map[string]any{"id": num(a.userID), "nickname": a.nickname}, "topic": text,
		})}
	default:
		text = a.nickname + " rejoined the group."
		ev = gen.MessageEvent{Type: "membership.announce.rejoined", Data: eventData(map[string]any{
			"user": map[string]any{"id": num(a.userID), "nickname": a.nickname},
		})}
	}
	msg := &message{groupID: g.id, created: at.Unix(), userID: "system", senderID: "system", senderType: "system",
		name: "GroupMe", text: strPtr(text), system: true, event: &ev, attachments: []gen.Attachment{}}
	s.f.finishMessageLocked(&g.conv, msg, "")
}

// richContent gives a message of the large group its attachments.
func (s *seeder) richContent(g *group, text string, roll int) (string, []gen.Attachment) {
	var a gen.Attachment
	switch {
	case roll < 125:
		a = attachment(gen.ImageAttachment{Type: gen.ImageAttachmentTypeImage, URL: s.imageURL()})
		if s.rng.IntN(2) == 0 {
			text = ""
		}
	case roll < 155:
		a = attachment(gen.LocationAttachment{Type: gen.LocationAttachmentTypeLocation,
			Name: "Trailhead parking", Lat: fmt.Sprintf("%.6f", 37+s.rng.Float64()), Lng: fmt.Sprintf("%.6f", -119-s.rng.Float64())})
	case roll < 200:
		text += " \u2603"
		a = attachment(gen.EmojiAttachment{Type: gen.EmojiAttachmentTypeEmoji, Placeholder: "\u2603",
			Charmap: [][]gen.Number{{gen.NewNumber(int64(1 + s.rng.IntN(20))), gen.NewNumber(int64(s.rng.IntN(60)))}}})
	case roll < 250:
		m := g.members[s.rng.IntN(len(g.members))]
		mention := "@" + m.nickname
		text = mention + " " + text
		a = attachment(gen.MentionsAttachment{Type: gen.MentionsAttachmentTypeMentions,
			UserIDs: []gen.ID{gen.ID(m.userID)}, Loci: &[][]int{{0, len(utf16.Encode([]rune(mention)))}}})
	case roll < 310 && len(g.conv.msgs) > 0:
		to := g.conv.msgs[s.rng.IntN(len(g.conv.msgs))]
		a = attachment(gen.ReplyAttachment{Type: gen.ReplyAttachmentTypeReply, ReplyID: strPtr(to.id),
			BaseReplyID: to.id, UserID: strPtr(to.userID)})
	case roll < 325:
		id := s.hex(32)
		a = attachment(gen.VideoAttachment{Type: gen.VideoAttachmentTypeVideo,
			URL: "https://v.groupme.com/" + id + "/video.mp4", PreviewURL: strPtr("https://v.groupme.com/" + id + "/thumb.jpg")})
	case roll < 340:
		a = attachment(gen.FileAttachment{Type: gen.FileAttachmentTypeFile, FileID: s.hex(24)})
		text = "trip-plan.pdf"
	case roll < 360:
		url := "https://example.com/trails/" + s.hex(6)
		text += " " + url
		a = attachment(gen.LinkedImageAttachment{Type: gen.LinkedImageAttachmentTypeLinkedImage, URL: url})
	case roll < 370:
		a = attachment(gen.PollAttachment{Type: gen.PollAttachmentTypePoll, PollID: fmt.Sprint(1700000000 + s.rng.IntN(1e8))})
		text = "Poll: " + text
	case roll < 380:
		a = attachment(gen.EventAttachment{Type: gen.EventAttachmentTypeEvent, EventID: s.hex(32), View: strPtr("full")})
		text = "Event: " + text
	case roll < 383:
		a = attachment(gen.SplitAttachment{Type: gen.SplitAttachmentTypeSplit, Token: s.hex(16)})
	default:
		return text, nil
	}
	return text, []gen.Attachment{a}
}

func (s *seeder) imageAttachment() gen.Attachment {
	return attachment(gen.ImageAttachment{Type: gen.ImageAttachmentTypeImage, URL: s.imageURL()})
}

func (s *seeder) imageURL() string {
	sizes := []string{"1024x768", "768x1024", "1280x720", "640x640"}
	return s.pictureBase() + sizes[s.rng.IntN(len(sizes))] + ".jpeg." + s.hex(32)
}

// pictureBase is where the pictures of seeded messages live: GroupMe's
// CDN, or, when the fake knows its public URL ([WithPublicURL], which
// `groupme fake` sets), the fake's own picture path, which serves them,
// so a client that downloads them never leaves the machine.
func (s *seeder) pictureBase() string {
	if s.f.cfg.publicURL != "" {
		return s.f.cfg.publicURL + imagePathPrefix
	}
	return "https://i.groupme.com/"
}

func (s *seeder) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[s.rng.IntN(16)]
	}
	return string(b)
}

func (s *seeder) sentence() string {
	n := 3 + s.rng.IntN(10)
	words := make([]string, n)
	for i := range words {
		words[i] = seedWords[s.rng.IntN(len(seedWords))]
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ")
}
