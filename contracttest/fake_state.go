package contracttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// state is everything a Fake remembers. It is guarded by Fake.mu.
type state struct {
	seq      map[string]uint64 // id counters by kind
	users    map[string]*user
	tokens   map[string]*user
	groups   map[string]*group
	dms      map[string]*conversation // by conversation id "<low>+<high>"
	bots     map[string]*bot
	botOrder []string
	blocks   map[string][]gen.Block // by blocker
	results  map[string]*addResults
	images   map[string]storedImage
	// imageBytes is the size of all images (fake_images.go bounds it).
	imageBytes int64
	uo         unofficialState // polls, calendar events, topics, upload jobs
}

func (s *state) init() {
	s.seq = map[string]uint64{}
	s.users = map[string]*user{}
	s.tokens = map[string]*user{}
	s.groups = map[string]*group{}
	s.dms = map[string]*conversation{}
	s.bots = map[string]*bot{}
	s.blocks = map[string][]gen.Block{}
	s.results = map[string]*addResults{}
	s.images = map[string]storedImage{}
	s.uo.init()
}

// Id bases: every kind of id is a decimal string of fixed width, so ids of
// one kind sort by creation both as numbers and as strings.
const (
	userIDBase       = 10000000
	groupIDBase      = 20000000
	membershipIDBase = 30000000
	messageIDBase    = 170000000000000000
)

func (s *state) next(kind string) uint64 {
	s.seq[kind]++
	return s.seq[kind]
}

func (s *state) nextMessageID() string {
	return strconv.FormatUint(messageIDBase+s.next("message"), 10)
}

// hexID returns a deterministic hex string of n characters.
func (s *state) hexID(kind string, n int) string {
	v := s.next(kind)
	x := splitmix(v ^ uint64(len(kind))<<56 ^ 0x9e3779b97f4a7c15)
	out := ""
	for len(out) < n {
		out += fmt.Sprintf("%016x", x)
		x = splitmix(x)
	}
	return out[:n]
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

type user struct {
	id, name, email, phone, zip string
	avatar                      *string
	token                       string
	created, updated            int64
	smsUntil                    time.Time // zero: SMS mode off
	smsForever                  bool
}

type member struct {
	id, userID, nickname string
	muted                bool
}

type group struct {
	id, name, typ, creator string
	description            *string
	imageURL               *string
	shareToken             string
	phone                  string
	created, updated       int64
	officeMode             bool
	themeName              *string
	likeIcon               *gen.LikeIcon
	requiresApproval       bool
	showJoinQuestion       bool
	joinQuestion           *gen.JoinQuestion
	visibility             string
	deletionMode           []string
	oldEra                 bool // made before 2016: no max_members, no share_qr_code_url
	members                []*member
	former                 map[string]*member // left on their own: may rejoin
	removed                map[string]bool    // removed by someone else
	conv                   conversation
}

func (g *group) member(userID string) *member {
	for _, m := range g.members {
		if m.userID == userID {
			return m
		}
	}
	return nil
}

// conversation holds the messages of a group or of a pair of users.
type conversation struct {
	id    string
	msgs  []*message // ascending id
	byID  map[string]*message
	guids map[string]time.Time // source_guid -> when it was accepted
}

func (c *conversation) add(m *message) {
	if c.byID == nil {
		c.byID = map[string]*message{}
	}
	c.msgs = append(c.msgs, m)
	c.byID[m.id] = m
}

// message is a stored group or direct message.
type message struct {
	id, sourceGUID               string
	userID, senderID, senderType string
	name                         string
	avatarURL                    *string
	text                         *string
	created                      int64
	attachments                  []gen.Attachment
	system                       bool
	event                        *gen.MessageEvent
	botID                        string
	groupID                      string // group messages
	recipientID, conversationID  string // direct messages
	likes                        []like // in the order given
	hasFile                      bool
	// raw, when set, is the group message exactly as GroupMe sent it
	// (an archived, old-era message). Pages serve these bytes verbatim
	// until someone likes the message.
	raw json.RawMessage
	uo  messageExtras // pins, edits, deletion
}

type like struct {
	userID string
	at     time.Time
	icon   gen.LikeIcon
}

type bot struct {
	id, groupID, owner, name string
	avatarURL, callbackURL   *string
	dmNotification           bool
}

type addResults struct {
	id         string
	groupID    string
	members    []gen.Member
	created    time.Time
	pollsLeft  int
	readyAfter time.Time
}

type storedImage struct {
	data        []byte
	contentType string
}

// Account is a user of the fake and the token that authenticates them.
type Account struct {
	ID          string
	Name        string
	Token       string
	Email       string
	PhoneNumber string
	AvatarURL   string
}

// Group describes a group to seed with [Fake.AddGroup].
type Group struct {
	Name        string
	Description string
	ImageURL    string
	CreatorID   string // the first member and owner; must exist
	Share       bool   // give the group a share URL (and token)
	Type        string // "private" (default) or "closed"
	CreatedAt   time.Time
}

// Message describes a group or direct message to seed with
// [Fake.AddMessage] or [Fake.AddDirectMessage]. Seed messages in
// chronological order: listings order messages by id, and ids are handed
// out in the order messages are added.
type Message struct {
	// UserID is the sender; it must be a member of the group (or a party to
	// the direct conversation). Leave it empty for a system notice, which is
	// sent by "system" with the name "GroupMe".
	UserID      string
	Text        string // empty: a null text (attachments only)
	Attachments []gen.Attachment
	CreatedAt   time.Time // zero: the fake's clock
	SourceGUID  string    // empty: generated
	Event       *gen.MessageEvent
	// LikedBy lists users who liked the message (a plain like each).
	LikedBy []string
}

// Bot describes a bot to seed with [Fake.AddBot].
type Bot struct {
	OwnerID     string
	GroupID     string
	Name        string
	AvatarURL   string
	CallbackURL string
}

// ErrNotFound is returned by the seeding methods when an id they are given
// does not exist.
var ErrNotFound = errors.New("contracttest: not found")

func strPtr(s string) *string { return &s }

func intPtr(n int) *int { return &n }

func boolPtr(b bool) *bool { return &b }

func int64Ptr(n int64) *int64 { return &n }

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// AddUser creates a user. Empty fields get deterministic values (the id from
// a counter, the token derived from it); the complete account is returned.
func (f *Fake) AddUser(a Account) Account {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addUserLocked(a, f.cfg.now())
}

func (f *Fake) addUserLocked(a Account, now time.Time) Account {
	n := f.st.next("user")
	if a.ID == "" {
		a.ID = strconv.FormatUint(userIDBase+n, 10)
	}
	if a.Name == "" {
		a.Name = "User " + a.ID
	}
	if a.Token == "" {
		a.Token = "token-" + a.ID + "-" + f.st.hexID("token", 12)
	}
	if a.PhoneNumber == "" {
		a.PhoneNumber = fmt.Sprintf("+1 555%07d", n)
	}
	u := &user{id: a.ID, name: a.Name, email: a.Email, phone: a.PhoneNumber, avatar: optStr(a.AvatarURL),
		token: a.Token, created: now.Unix(), updated: now.Unix()}
	f.st.users[u.id] = u
	f.st.tokens[u.token] = u
	return a
}

// AddGroup creates a group whose creator is its first member and returns
// its id.
func (f *Fake) AddGroup(g Group) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.st.users[g.CreatorID] == nil {
		return "", fmt.Errorf("%w: creator %q", ErrNotFound, g.CreatorID)
	}
	at := g.CreatedAt
	if at.IsZero() {
		at = f.cfg.now()
	}
	gr := f.newGroupLocked(g.CreatorID, g.Name, at)
	if g.Description != "" {
		gr.description = strPtr(g.Description)
	}
	gr.imageURL = optStr(g.ImageURL)
	if g.Type != "" {
		gr.typ = g.Type
	}
	if g.Share {
		gr.shareToken = f.st.hexID("share", 8)
	}
	return gr.id, nil
}

func (f *Fake) newGroupLocked(creator, name string, at time.Time) *group {
	n := f.st.next("group")
	id := strconv.FormatUint(groupIDBase+n, 10)
	g := &group{
		id: id, name: name, typ: "private", creator: creator,
		description: strPtr(""),
		phone:       fmt.Sprintf("+1 555%07d", 5000000+n),
		created:     at.Unix(), updated: at.Unix(),
		visibility:   "hidden",
		deletionMode: []string{"admin", "sender"},
		former:       map[string]*member{},
		removed:      map[string]bool{},
	}
	g.conv.id = id
	f.st.groups[id] = g
	f.addMemberLocked(g, creator, f.st.users[creator].name)
	return g
}

func (f *Fake) addMemberLocked(g *group, userID, nickname string) *member {
	if m := g.member(userID); m != nil {
		return m
	}
	m := &member{id: strconv.FormatUint(membershipIDBase+f.st.next("membership"), 10), userID: userID, nickname: nickname}
	g.members = append(g.members, m)
	delete(g.former, userID)
	delete(g.removed, userID)
	f.publishMembershipLocked(g, userID) // push.go
	return m
}

// AddMember makes userID a member of groupID under nickname (the user's
// name if empty) and returns the membership id.
func (f *Fake) AddMember(groupID, userID, nickname string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, u := f.st.groups[groupID], f.st.users[userID]
	if g == nil || u == nil {
		return "", fmt.Errorf("%w: group %q or user %q", ErrNotFound, groupID, userID)
	}
	if nickname == "" {
		nickname = u.name
	}
	return f.addMemberLocked(g, userID, nickname).id, nil
}

// AddMessage stores a message in a group and returns its id.
func (f *Fake) AddMessage(groupID string, m Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.st.groups[groupID]
	if g == nil {
		return "", fmt.Errorf("%w: group %q", ErrNotFound, groupID)
	}
	msg, err := f.groupMessageLocked(g, m)
	if err != nil {
		return "", err
	}
	return msg.id, nil
}

func (f *Fake) groupMessageLocked(g *group, m Message) (*message, error) {
	at := m.CreatedAt
	if at.IsZero() {
		at = f.cfg.now()
	}
	msg := &message{groupID: g.id, created: at.Unix(), attachments: m.Attachments, event: m.Event}
	if m.UserID == "" {
		msg.userID, msg.senderID, msg.senderType, msg.name, msg.system = "system", "system", "system", "GroupMe", true
	} else {
		mem, u := g.member(m.UserID), f.st.users[m.UserID]
		if mem == nil || u == nil {
			return nil, fmt.Errorf("%w: user %q in group %q", ErrNotFound, m.UserID, g.id)
		}
		msg.userID, msg.senderID, msg.senderType, msg.name, msg.avatarURL = u.id, u.id, "user", mem.nickname, u.avatar
	}
	if m.Text != "" {
		msg.text = strPtr(m.Text)
	}
	f.finishMessageLocked(&g.conv, msg, m.SourceGUID)
	for _, uid := range m.LikedBy {
		if g.member(uid) == nil {
			return nil, fmt.Errorf("%w: liker %q in group %q", ErrNotFound, uid, g.id)
		}
		msg.likes = append(msg.likes, like{userID: uid, at: at, icon: heart()})
	}
	if at.Unix() > g.updated {
		g.updated = at.Unix()
	}
	return msg, nil
}

func (f *Fake) finishMessageLocked(c *conversation, msg *message, guid string) {
	msg.id = f.st.nextMessageID()
	if guid == "" {
		guid = f.st.hexID("guid", 32)
	}
	msg.sourceGUID = guid
	if msg.attachments == nil {
		msg.attachments = []gen.Attachment{}
	}
	for _, a := range msg.attachments {
		if attachmentType(a) == "file" {
			msg.hasFile = true
		}
	}
	c.add(msg)
	f.publishMessageLocked(msg) // push.go
	f.callBotsLocked(msg)       // callbacks.go
}

// AddDirectMessage stores a direct message from one user to another and
// returns its id.
func (f *Fake) AddDirectMessage(fromID, toID string, m Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	from, to := f.st.users[fromID], f.st.users[toID]
	if from == nil || to == nil || fromID == toID {
		return "", fmt.Errorf("%w: users %q and %q", ErrNotFound, fromID, toID)
	}
	at := m.CreatedAt
	if at.IsZero() {
		at = f.cfg.now()
	}
	msg := f.directMessageLocked(from, to, m.Text, m.Attachments, at, m.SourceGUID)
	for _, uid := range m.LikedBy {
		msg.likes = append(msg.likes, like{userID: uid, at: at, icon: heart()})
	}
	return msg.id, nil
}

func (f *Fake) directMessageLocked(from, to *user, text string, atts []gen.Attachment, at time.Time, guid string) *message {
	cid := conversationID(from.id, to.id)
	c := f.st.dms[cid]
	if c == nil {
		c = &conversation{id: cid}
		f.st.dms[cid] = c
	}
	msg := &message{userID: from.id, senderID: from.id, senderType: "user", name: from.name, avatarURL: from.avatar,
		created: at.Unix(), attachments: atts, recipientID: to.id, conversationID: cid}
	if text != "" {
		msg.text = strPtr(text)
	}
	f.finishMessageLocked(c, msg, guid)
	return msg
}

// conversationID is "<lower id>+<higher id>", comparing ids as numbers.
func conversationID(a, b string) string {
	if idLess(b, a) {
		a, b = b, a
	}
	return a + "+" + b
}

// idLess compares decimal ids numerically (shorter is smaller).
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// Like records a plain like of a message by userID. conversationID is the
// group id or the direct conversation id.
func (f *Fake) Like(conversationID, messageID, userID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, _ := f.conversationLocked(conversationID, userID)
	if c == nil || c.byID[messageID] == nil {
		return fmt.Errorf("%w: message %q in %q for user %q", ErrNotFound, messageID, conversationID, userID)
	}
	setLike(c.byID[messageID], userID, heart(), f.cfg.now())
	f.publishLikeLocked(c.byID[messageID], userID) // push.go
	return nil
}

// AddBot creates a bot and returns its bot_id.
func (f *Fake) AddBot(b Bot) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.st.groups[b.GroupID]
	if g == nil || g.member(b.OwnerID) == nil {
		return "", fmt.Errorf("%w: group %q with member %q", ErrNotFound, b.GroupID, b.OwnerID)
	}
	return f.addBotLocked(b.OwnerID, b.GroupID, b.Name, optStr(b.AvatarURL), optStr(b.CallbackURL), false).id, nil
}

func (f *Fake) addBotLocked(owner, groupID, name string, avatar, callback *string, dm bool) *bot {
	b := &bot{id: f.st.hexID("bot", 26), groupID: groupID, owner: owner, name: name,
		avatarURL: avatar, callbackURL: callback, dmNotification: dm}
	f.st.bots[b.id] = b
	f.st.botOrder = append(f.st.botOrder, b.id)
	return b
}

// AddBlock records that userID blocked blockedID.
func (f *Fake) AddBlock(userID, blockedID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.st.users[userID] == nil || f.st.users[blockedID] == nil {
		return fmt.Errorf("%w: users %q and %q", ErrNotFound, userID, blockedID)
	}
	f.blockLocked(userID, blockedID, f.cfg.now())
	return nil
}

func (f *Fake) blockLocked(userID, blockedID string, now time.Time) gen.Block {
	for _, b := range f.st.blocks[userID] {
		if b.BlockedUserID == blockedID {
			return b
		}
	}
	b := gen.Block{UserID: userID, BlockedUserID: blockedID, CreatedAt: int64Ptr(now.Unix())}
	f.st.blocks[userID] = append(f.st.blocks[userID], b)
	return b
}

func (f *Fake) blocked(userID, otherID string) bool {
	return slices.ContainsFunc(f.st.blocks[userID], func(b gen.Block) bool { return b.BlockedUserID == otherID })
}

// GroupMessages returns a snapshot of a group's messages, oldest first, as
// the API would show them (nil if the group does not exist).
func (f *Fake) GroupMessages(groupID string) []gen.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.st.groups[groupID]
	if g == nil {
		return nil
	}
	out := make([]gen.Message, 0, len(g.conv.msgs))
	for _, m := range g.conv.msgs {
		out = append(out, m.groupView(true))
	}
	return out
}

// GroupMessagesJSON returns a group's messages, oldest first, each as the
// exact JSON its message pages carry (to a client sending acceptFiles=1),
// or nil for an unknown group.
func (f *Fake) GroupMessagesJSON(groupID string) []json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.st.groups[groupID]
	if g == nil {
		return nil
	}
	out := make([]json.RawMessage, 0, len(g.conv.msgs))
	for _, m := range g.conv.msgs {
		if m.raw != nil && len(m.likes) == 0 {
			out = append(out, bytes.Clone(m.raw))
		} else {
			out = append(out, encodeRaw(m.groupView(true)))
		}
	}
	return out
}

// conversationLocked finds a group or direct conversation that userID may
// see; the group is returned too when it is one.
func (f *Fake) conversationLocked(id, userID string) (*conversation, *group) {
	if g := f.st.groups[id]; g != nil {
		if g.member(userID) == nil {
			return nil, nil
		}
		return &g.conv, g
	}
	c := f.st.dms[id]
	if c == nil {
		return nil, nil
	}
	if len(c.msgs) > 0 {
		m := c.msgs[0]
		if m.userID != userID && m.recipientID != userID {
			return nil, nil
		}
	}
	return c, nil
}

// heart is the reaction a plain like shows as.
func heart() gen.LikeIcon {
	return gen.LikeIcon{Type: gen.LikeIconTypeUnicode, Code: strPtr("\u2764\ufe0f")}
}

// setLike records userID's like (one per user: a new one replaces the old).
func setLike(m *message, userID string, icon gen.LikeIcon, at time.Time) {
	for i := range m.likes {
		if m.likes[i].userID == userID {
			m.likes[i].icon = icon
			return
		}
	}
	m.likes = append(m.likes, like{userID: userID, at: at, icon: icon})
}

func removeLike(m *message, userID string) {
	m.likes = slices.DeleteFunc(m.likes, func(l like) bool { return l.userID == userID })
}

// reactions groups the likes by icon, in order of first use. numeric
// selects the like/unlike answer's form (integer pack ids, 0 for unicode)
// over the message form (string pack ids, only on emoji reactions).
func (m *message) reactions(numeric bool) []gen.Reaction {
	out := []gen.Reaction{}
	index := map[string]int{}
	for _, l := range m.likes {
		key := string(l.icon.Type) + "|"
		if l.icon.Code != nil {
			key += *l.icon.Code
		}
		if l.icon.PackID != nil {
			key += fmt.Sprintf("|%d|%d", *l.icon.PackID, deref(l.icon.PackIndex))
		}
		i, ok := index[key]
		if !ok {
			r := gen.Reaction{Type: string(l.icon.Type), Code: l.icon.Code, UserIDs: &[]string{}}
			pack, idx := deref(l.icon.PackID), deref(l.icon.PackIndex)
			switch {
			case numeric:
				r.PackID, r.PackIndex = ptrTo(gen.NewNumber(int64(pack))), ptrTo(gen.NewNumber(int64(idx)))
			case l.icon.Type == gen.LikeIconTypeEmoji:
				r.PackID, r.PackIndex = ptrTo(gen.NewQuotedNumber(int64(pack))), ptrTo(gen.NewQuotedNumber(int64(idx)))
			}
			i = len(out)
			index[key] = i
			out = append(out, r)
		}
		*out[i].UserIDs = append(*out[i].UserIDs, l.userID)
	}
	return out
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// fileUpgradeText replaces the text of messages with file attachments for
// clients that do not send acceptFiles=1, as GroupMe does.
const fileUpgradeText = "Please upgrade to the latest version of GroupMe to see this file."

func (m *message) favoritedBy() []string {
	out := make([]string, len(m.likes))
	for i, l := range m.likes {
		out[i] = l.userID
	}
	return out
}

// groupView renders a group message.
func (m *message) groupView(acceptFiles bool) gen.Message {
	if m.raw != nil {
		var out gen.Message
		if json.Unmarshal(m.raw, &out) == nil {
			if len(m.likes) > 0 {
				out.FavoritedBy = m.favoritedBy()
				r := m.reactions(false)
				out.Reactions = &r
			}
			return out
		}
	}
	out := gen.Message{
		ID: m.id, SourceGUID: m.sourceGUID, CreatedAt: m.created,
		UserID: m.userID, SenderID: strPtr(m.senderID), SenderType: strPtr(m.senderType),
		GroupID: m.groupID, Name: m.name, AvatarURL: m.avatarURL, Text: m.text,
		System: m.system, Platform: strPtr("gm"), FavoritedBy: m.favoritedBy(),
		Attachments: m.attachments, Event: m.event, PinnedBy: strPtr(""),
	}
	if m.hasFile && !acceptFiles {
		out.Text = strPtr(fileUpgradeText)
	}
	if m.botID != "" {
		out.BotID = strPtr(m.botID)
	}
	if len(m.likes) > 0 {
		r := m.reactions(false)
		out.Reactions = &r
	}
	m.uo.applyGroup(&out)
	return out
}

// directView renders a direct message.
func (m *message) directView(acceptFiles bool) gen.DirectMessage {
	out := gen.DirectMessage{
		ID: m.id, SourceGUID: m.sourceGUID, RecipientID: m.recipientID, UserID: m.userID,
		SenderID: strPtr(m.senderID), SenderType: strPtr(m.senderType),
		ConversationID: strPtr(m.conversationID), CreatedAt: m.created, Name: m.name,
		AvatarURL: m.avatarURL, Text: m.text, FavoritedBy: m.favoritedBy(),
		Attachments: m.attachments, Event: m.event, PinnedBy: strPtr(""),
	}
	if m.hasFile && !acceptFiles {
		out.Text = strPtr(fileUpgradeText)
	}
	if len(m.likes) > 0 {
		r := m.reactions(false)
		out.Reactions = &r
	}
	m.uo.applyDirect(&out)
	return out
}

// page applies the documented cursor rules to a conversation. It returns
// the messages in the order the API sends them.
func (c *conversation) page(beforeID, afterID, sinceID string, limit int) []*message {
	msgs := c.msgs
	firstAtLeast := func(id string) int {
		return sort.Search(len(msgs), func(i int) bool { return !idLess(msgs[i].id, id) })
	}
	firstAfter := func(id string) int {
		return sort.Search(len(msgs), func(i int) bool { return idLess(id, msgs[i].id) })
	}
	var out []*message
	switch {
	case beforeID != "":
		end := firstAtLeast(beforeID)
		out = reversed(msgs[max(0, end-limit):end])
	case afterID != "":
		start := firstAfter(afterID)
		out = slices.Clone(msgs[start:min(len(msgs), start+limit)])
	case sinceID != "":
		start := firstAfter(sinceID)
		out = reversed(msgs[max(start, len(msgs)-limit):])
	default:
		out = reversed(msgs[max(0, len(msgs)-limit):])
	}
	return out
}

func reversed(in []*message) []*message {
	out := make([]*message, len(in))
	for i, m := range in {
		out[len(in)-1-i] = m
	}
	return out
}

// attachment wraps one typed attachment (a gen.ImageAttachment, say) as a
// gen.Attachment, keeping its JSON as the union's raw value.
func attachment(v any) gen.Attachment {
	var a gen.Attachment
	if b, err := json.Marshal(v); err == nil {
		_ = a.UnmarshalJSON(b)
	}
	return a
}

// attachmentType returns a's "type", or "" when it has none.
func attachmentType(a gen.Attachment) string {
	b, err := a.MarshalJSON()
	if err != nil {
		return ""
	}
	var head struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(b, &head)
	return head.Type
}

// flexText returns an id sent as a string or a number as a string.
func flexText(f gen.ID) string { return string(f) }
