package contracttest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// This file and the other fake_unofficial*.go files implement the
// operations openapi.yaml marks x-unofficial: true (community-documented
// calls of GroupMe's own apps).

func init() {
	for op, h := range map[string]func(*Fake, *call){
		"listPolls":                (*Fake).listPolls,
		"createPoll":               (*Fake).createPoll,
		"getPoll":                  (*Fake).getPoll,
		"votePoll":                 (*Fake).votePoll,
		"votePollOption":           (*Fake).votePollOption,
		"endPoll":                  (*Fake).endPoll,
		"listEvents":               (*Fake).listEvents,
		"getEvent":                 (*Fake).getEvent,
		"createEvent":              (*Fake).createEvent,
		"updateEvent":              (*Fake).updateEvent,
		"deleteEvent":              (*Fake).deleteEvent,
		"rsvpEvent":                (*Fake).rsvpEvent,
		"deleteEventRsvp":          (*Fake).deleteEventRsvp,
		"pinMessage":               (*Fake).pinMessage,
		"unpinMessage":             (*Fake).unpinMessage,
		"listPinnedMessages":       (*Fake).listPinnedMessages,
		"listPinnedDirectMessages": (*Fake).listPinnedDirectMessages,
		"deleteMessage":            (*Fake).deleteMessage,
		"getMessage":               (*Fake).getMessage,
		"updateBot":                (*Fake).updateBot,
		"editMessage":              (*Fake).editMessage,
		"listGallery":              (*Fake).listGallery,
		"listSubgroups":            (*Fake).listSubgroups,
		"createSubgroup":           (*Fake).createSubgroup,
		"getSubgroup":              (*Fake).getSubgroup,
		"updateSubgroup":           (*Fake).updateSubgroup,
		"deleteSubgroup":           (*Fake).deleteSubgroup,
		"listGroupMembers":         (*Fake).listGroupMembers,
		"uploadVideo":              (*Fake).uploadVideo,
		"getVideoUploadStatus":     (*Fake).getVideoUploadStatus,
		"uploadFile":               (*Fake).uploadFile,
		"getFileUploadStatus":      (*Fake).getFileUploadStatus,
	} {
		operations[op] = h
	}
}

// unofficialState is the part of the fake's state the unofficial calls
// keep. It is guarded by Fake.mu.
type unofficialState struct {
	polls     map[string]*poll          // by poll id
	events    map[string]*calEvent      // by event id
	subgroups map[string]*subgroup      // by topic id
	jobs      map[string]*uploadJob     // by job id
	order     map[string][]string       // "<kind>/<conversation id>" -> ids in creation order
	mutes     map[string]*muteState     // by memberKey; made on first use
	pending   map[string]*joinRequest   // join requests by membership id; made on first use
	banned    map[string]bool           // memberKey -> barred from rejoining; made on first use
	cleared   map[string]string         // "<user id>/<chat id>" -> last message id deleteChat hid
	receipts  map[string]*readReceipt   // "<user id>/<chat id>" -> the caller's read receipt
	campuses  map[string]*campus        // campus directories by id; made on first use
	shares    map[string]string         // user id -> profile share token; made on first use
	pinnedIDs map[string][]string       // user id -> pinned conversation ids; made on first use
	contacts  map[string][]*contact     // user id -> contacts, oldest first; made on first use
	profiles  map[string]*profileExtras // user id -> the v2 profile fields; made on first use
	imports   map[string]*contactImport // contact imports by batch id; made on first use
}

// unlist takes id out of the creation order under key ("<kind>/<conversation id>").
func (u *unofficialState) unlist(key, id string) {
	u.order[key] = slices.DeleteFunc(u.order[key], func(x string) bool { return x == id })
}

func (s *unofficialState) init() {
	s.polls = map[string]*poll{}
	s.events = map[string]*calEvent{}
	s.subgroups = map[string]*subgroup{}
	s.jobs = map[string]*uploadJob{}
	s.order = map[string][]string{}
}

// messageExtras is what pins, edits and deletion add to a message.
type messageExtras struct {
	pinnedAt      int64 // 0: not pinned
	pinnedBy      string
	updatedAt     int64 // 0: never edited
	deletedAt     int64 // 0: not deleted
	deletionActor string
}

// deletedText replaces the text of a deleted message, as GroupMe's
// listings show it.
const deletedText = "This message was deleted"

func (x *messageExtras) applyGroup(out *gen.Message) {
	if x.pinnedAt != 0 {
		out.PinnedAt, out.PinnedBy = &x.pinnedAt, strPtr(x.pinnedBy)
	}
	if x.updatedAt != 0 {
		out.UpdatedAt = &x.updatedAt
	}
	if x.deletedAt != 0 {
		ts := gen.Timestamp(x.deletedAt)
		out.DeletedAt, out.DeletionActor = &ts, strPtr(x.deletionActor)
		out.Text, out.Attachments = strPtr(deletedText), []gen.Attachment{}
	}
}

func (x *messageExtras) applyDirect(out *gen.DirectMessage) {
	if x.pinnedAt != 0 {
		out.PinnedAt, out.PinnedBy = &x.pinnedAt, strPtr(x.pinnedBy)
	}
	if x.updatedAt != 0 {
		out.UpdatedAt = &x.updatedAt
	}
	if x.deletedAt != 0 {
		out.DeletedAt, out.DeletionActor = &x.deletedAt, strPtr(x.deletionActor)
		out.Text, out.Attachments = strPtr(deletedText), []gen.Attachment{}
	}
}

// ----- polls -----

type poll struct {
	id, groupID, owner, subject, typ, visibility string
	created, expiration, modified                int64
	ended                                        bool
	options                                      []pollOption
	votes                                        map[string][]string // user -> option ids
}

type pollOption struct{ id, title string }

func (p *poll) status(now time.Time) string {
	if p.ended || now.Unix() >= p.expiration {
		return "past"
	}
	return "active"
}

// view renders the poll for userID.
func (p *poll) view(userID string, now time.Time, list bool) gen.PollWithVotes {
	opts := make([]gen.PollOption, len(p.options))
	for i, o := range p.options {
		opts[i] = gen.PollOption{ID: gen.ID(o.id), Title: strPtr(o.title)}
		var voters []gen.ID
		for _, uid := range slices.Sorted(mapKeys(p.votes)) {
			if slices.Contains(p.votes[uid], o.id) {
				voters = append(voters, gen.ID(uid))
			}
		}
		if len(voters) > 0 {
			opts[i].Votes = ptrTo(len(voters))
			if p.visibility == "public" {
				opts[i].VoterIDs = &voters
			}
		}
	}
	out := gen.PollWithVotes{Data: gen.Poll{
		ID: gen.ID(p.id), Subject: strPtr(p.subject), OwnerID: ptrTo(gen.ID(p.owner)),
		ConversationID: ptrTo(gen.ID(p.groupID)), CreatedAt: ptrTo(p.created),
		Expiration: ptrTo(p.expiration), Status: strPtr(p.status(now)), Options: &opts,
		LastModified: ptrTo(p.modified), Type: strPtr(p.typ), Visibility: strPtr(p.visibility),
	}}
	if mine := p.votes[userID]; len(mine) > 0 {
		out.UserVotes = ptrTo(slices.Clone(mine))
		if list && p.typ == "single" {
			out.UserVote = strPtr(mine[0])
		}
	}
	return out
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (f *Fake) listPolls(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	ids := f.st.uo.order["poll/"+g.id]
	out := make([]gen.PollWithVotes, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		out = append(out, f.st.uo.polls[ids[i]].view(c.userID, c.now, true))
	}
	c.ok(http.StatusOK, gen.PollList{Polls: out, ContinuationToken: nil})
}

func (f *Fake) createPoll(c *call) {
	g := f.memberGroup(c)
	if g == nil {
		return
	}
	var req gen.PollCreateRequest
	if !c.decode(&req) {
		return
	}
	switch {
	case strings.TrimSpace(req.Subject) == "":
		c.fail(http.StatusBadRequest, "subject cannot be blank")
		return
	case len(req.Options) < 2:
		c.fail(http.StatusBadRequest, "a poll needs at least two options")
		return
	case req.Expiration <= c.now.Unix():
		c.fail(http.StatusBadRequest, "expiration must be in the future")
		return
	}
	p := &poll{
		id: strconv.FormatInt(c.now.Unix()*1000000+int64(f.st.next("poll")), 10), groupID: g.id,
		owner: c.userID, subject: req.Subject, typ: string(req.Type), visibility: string(req.Visibility),
		created: c.now.Unix(), expiration: req.Expiration, modified: c.now.Unix(), votes: map[string][]string{},
	}
	for i, o := range req.Options {
		if strings.TrimSpace(o.Title) == "" {
			c.fail(http.StatusBadRequest, "option titles cannot be blank")
			return
		}
		p.options = append(p.options, pollOption{id: strconv.Itoa(i + 1), title: o.Title})
	}
	att := attachment(gen.PollAttachment{Type: gen.PollAttachmentTypePoll, PollID: p.id})
	mem := g.member(c.userID)
	ev := &gen.MessageEvent{Type: "poll.created", Data: eventData(map[string]any{
		"conversation": map[string]any{"id": g.id},
		"poll":         map[string]any{"id": p.id, "subject": p.subject},
		"user":         map[string]any{"id": c.userID, "nickname": mem.nickname},
	})}
	msg, err := f.groupMessageLocked(g, Message{UserID: c.userID, CreatedAt: c.now, Event: ev,
		Text: fmt.Sprintf("Created new poll '%s'", p.subject), Attachments: []gen.Attachment{att}})
	if err != nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	f.st.uo.polls[p.id] = p
	f.st.uo.order["poll/"+g.id] = append(f.st.uo.order["poll/"+g.id], p.id)
	view := msg.groupView(true)
	c.ok(http.StatusCreated, gen.PollCreated{Poll: p.view(c.userID, c.now, false), Message: &view})
}

// pollOf returns the poll in the path if the caller may see it, or writes 404.
func (f *Fake) pollOf(c *call) *poll {
	g := f.memberGroup(c)
	if g == nil {
		return nil
	}
	p := f.st.uo.polls[c.params["poll_id"]]
	if p == nil || p.groupID != g.id {
		c.fail(http.StatusNotFound, "poll not found")
		return nil
	}
	return p
}

func (f *Fake) getPoll(c *call) {
	if p := f.pollOf(c); p != nil {
		c.ok(http.StatusCreated, gen.PollResult{Poll: p.view(c.userID, c.now, false)}) // 201, as observed
	}
}

func (f *Fake) vote(c *call, p *poll, choices []string) {
	if p.status(c.now) != "active" {
		c.fail(http.StatusBadRequest, "the poll has ended")
		return
	}
	if len(choices) == 0 {
		c.fail(http.StatusBadRequest, "votes cannot be empty")
		return
	}
	if p.typ == "single" && len(choices) > 1 {
		c.fail(http.StatusBadRequest, "this poll takes one vote")
		return
	}
	seen := map[string]bool{}
	for _, id := range choices {
		if !slices.ContainsFunc(p.options, func(o pollOption) bool { return o.id == id }) || seen[id] {
			c.fail(http.StatusBadRequest, "invalid option "+id)
			return
		}
		seen[id] = true
	}
	p.votes[c.userID] = slices.Clone(choices)
	p.modified = c.now.Unix()
	c.ok(http.StatusOK, gen.PollResult{Poll: p.view(c.userID, c.now, false)})
}

func (f *Fake) votePoll(c *call) {
	p := f.pollOf(c)
	if p == nil {
		return
	}
	var req gen.PollVoteRequest
	if !c.decode(&req) {
		return
	}
	f.vote(c, p, req.Votes)
}

func (f *Fake) votePollOption(c *call) {
	if p := f.pollOf(c); p != nil {
		f.vote(c, p, []string{c.params["option_id"]})
	}
}

func (f *Fake) endPoll(c *call) {
	p := f.pollOf(c)
	if p == nil {
		return
	}
	if p.owner != c.userID {
		c.fail(http.StatusForbidden, "only the poll's creator can end it")
		return
	}
	if !p.ended && p.status(c.now) == "active" {
		p.ended, p.modified = true, c.now.Unix()
	}
	c.ok(http.StatusOK, gen.PollResult{Poll: p.view(c.userID, c.now, false)})
}

// ----- calendar events -----

type calEvent struct {
	id, convID, creator string
	fields              gen.EventCreateRequest
	going, notGoing     []string
	created, updated    time.Time
	start               time.Time
}

func (e *calEvent) view() gen.CalendarEvent {
	r := e.fields
	out := gen.CalendarEvent{
		EventID: gen.ID(e.id), ConversationID: ptrTo(gen.ID(e.convID)), CreatorID: ptrTo(gen.ID(e.creator)),
		Name: strPtr(r.Name), Description: r.Description, ImageURL: r.ImageURL, Location: r.Location,
		StartAt: strPtr(r.StartAt), EndAt: strPtr(r.EndAt), IsAllDay: ptrTo(r.IsAllDay != nil && *r.IsAllDay),
		Timezone: strPtr(r.Timezone), Reminders: ptrTo(slices.Clone(deref2(r.Reminders))),
		Going: ids(e.going), NotGoing: ids(e.notGoing),
		CreatedAt: strPtr(e.created.UTC().Format(time.RFC3339)), UpdatedAt: strPtr(e.updated.UTC().Format(time.RFC3339)),
	}
	return out
}

func deref2[T any](p *[]T) []T {
	if p == nil {
		return []T{}
	}
	return *p
}

func ids(in []string) *[]gen.ID {
	out := make([]gen.ID, len(in))
	for i, s := range in {
		out[i] = gen.ID(s)
	}
	return &out
}

// eventConversation returns the group in the path if the caller is a
// member. Calendars belong to groups in the fake.
func (f *Fake) eventConversation(c *call) *group {
	g := f.st.groups[c.params["conversation_id"]]
	if g == nil || g.member(c.userID) == nil {
		c.fail(http.StatusNotFound, notFound)
		return nil
	}
	return g
}

func (f *Fake) eventOf(c *call) *calEvent {
	g := f.eventConversation(c)
	if g == nil {
		return nil
	}
	e := f.st.uo.events[c.query.Get("event_id")]
	if e == nil || e.convID != g.id {
		c.fail(http.StatusNotFound, "event not found")
		return nil
	}
	return e
}

var allowedReminders = []int{0, 300, 900, 1800, 3600, 7200, 86400, 172800, 604800}

// checkEventTimes parses start and end and checks the reminders.
func checkEventTimes(r gen.EventCreateRequest) (time.Time, string) {
	start, err := time.Parse(time.RFC3339, r.StartAt)
	if err != nil {
		return time.Time{}, "start_at is not an ISO-8601 time"
	}
	end, err := time.Parse(time.RFC3339, r.EndAt)
	if err != nil {
		return time.Time{}, "end_at is not an ISO-8601 time"
	}
	if end.Before(start) {
		return time.Time{}, "end_at must not be before start_at"
	}
	if _, err := time.LoadLocation(r.Timezone); err != nil || r.Timezone == "" {
		return time.Time{}, "timezone is not a known time zone"
	}
	for _, v := range deref2(r.Reminders) {
		if !slices.Contains(allowedReminders, v) {
			return time.Time{}, "reminders contains an invalid value"
		}
	}
	return start, ""
}

func (f *Fake) listEvents(c *call) {
	g := f.eventConversation(c)
	if g == nil {
		return
	}
	from := time.Time{}
	if s := c.query.Get("end_at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			c.fail(http.StatusBadRequest, "end_at is invalid")
			return
		}
		from = t
	}
	limit := c.intQuery("limit", 20)
	var evs []*calEvent
	for _, id := range f.st.uo.order["event/"+g.id] {
		if e := f.st.uo.events[id]; e != nil && !e.start.Before(from) {
			evs = append(evs, e)
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].start.Before(evs[j].start) })
	out := make([]gen.CalendarEvent, 0, min(limit, len(evs)))
	for _, e := range evs[:min(limit, len(evs))] {
		out = append(out, e.view())
	}
	c.ok(http.StatusOK, gen.EventList{Events: out})
}

func (f *Fake) getEvent(c *call) {
	if e := f.eventOf(c); e != nil {
		c.ok(http.StatusOK, gen.EventResult{Event: e.view()})
	}
}

func (f *Fake) createEvent(c *call) {
	g := f.eventConversation(c)
	if g == nil {
		return
	}
	var req gen.EventCreateRequest
	if !c.decode(&req) {
		return
	}
	if strings.TrimSpace(req.Name) == "" {
		c.fail(http.StatusBadRequest, "name cannot be blank")
		return
	}
	start, problem := checkEventTimes(req)
	if problem != "" {
		c.fail(http.StatusBadRequest, problem)
		return
	}
	e := &calEvent{id: f.st.hexID("event", 32), convID: g.id, creator: c.userID, fields: req,
		going: []string{c.userID}, created: c.now, updated: c.now, start: start}
	att := attachment(gen.EventAttachment{Type: gen.EventAttachmentTypeEvent, EventID: e.id, View: strPtr("full")})
	mem := g.member(c.userID)
	ev := &gen.MessageEvent{Type: "calendar.event.created", Data: eventData(map[string]any{
		"event": map[string]any{"id": e.id, "name": req.Name},
		"user":  map[string]any{"id": c.userID, "nickname": mem.nickname},
	})}
	msg, err := f.groupMessageLocked(g, Message{UserID: c.userID, CreatedAt: c.now, Event: ev,
		Text: fmt.Sprintf("%s created event '%s'", mem.nickname, req.Name), Attachments: []gen.Attachment{att}})
	if err != nil {
		c.fail(http.StatusNotFound, notFound)
		return
	}
	f.st.uo.events[e.id] = e
	f.st.uo.order["event/"+g.id] = append(f.st.uo.order["event/"+g.id], e.id)
	view := msg.groupView(true)
	c.ok(http.StatusCreated, gen.EventCreated{Event: e.view(), Message: &view})
}

func (f *Fake) updateEvent(c *call) {
	e := f.eventOf(c)
	if e == nil {
		return
	}
	if e.creator != c.userID {
		c.fail(http.StatusForbidden, "only the event's creator can change it")
		return
	}
	var req gen.EventUpdateRequest
	if !c.decode(&req) {
		return
	}
	timing := 0
	for _, set := range []bool{req.StartAt != nil, req.EndAt != nil, req.Timezone != nil, req.IsAllDay != nil} {
		if set {
			timing++
		}
	}
	if timing != 0 && timing != 4 {
		c.fail(http.StatusBadRequest, "start_at, end_at, timezone and is_all_day must be sent together")
		return
	}
	next := e.fields
	if req.Name != nil {
		next.Name = *req.Name
	}
	if timing == 4 {
		next.StartAt, next.EndAt, next.Timezone, next.IsAllDay = *req.StartAt, *req.EndAt, *req.Timezone, req.IsAllDay
	}
	if req.Description != nil {
		next.Description = req.Description
	}
	if req.ImageURL != nil {
		next.ImageURL = req.ImageURL
	}
	if req.Location != nil {
		next.Location = req.Location
	}
	if req.Reminders != nil {
		next.Reminders = req.Reminders
	}
	start, problem := checkEventTimes(next)
	if problem != "" {
		c.fail(http.StatusBadRequest, problem)
		return
	}
	e.fields, e.start, e.updated = next, start, c.now
	c.ok(http.StatusOK, gen.EventResult{Event: e.view()})
}

func (f *Fake) deleteEvent(c *call) {
	e := f.eventOf(c)
	if e == nil {
		return
	}
	if e.creator != c.userID {
		c.fail(http.StatusForbidden, "only the event's creator can cancel it")
		return
	}
	delete(f.st.uo.events, e.id)
	f.st.uo.unlist("event/"+e.convID, e.id)
	c.ok(http.StatusOK, nil)
}

func (f *Fake) rsvpEvent(c *call) {
	e := f.eventOf(c)
	if e == nil {
		return
	}
	e.going = slices.DeleteFunc(e.going, func(id string) bool { return id == c.userID })
	e.notGoing = slices.DeleteFunc(e.notGoing, func(id string) bool { return id == c.userID })
	if c.query.Get("going") == "true" {
		e.going = append(e.going, c.userID)
	} else {
		e.notGoing = append(e.notGoing, c.userID)
	}
	c.ok(http.StatusOK, gen.EventResult{Event: e.view()})
}

func (f *Fake) deleteEventRsvp(c *call) {
	e := f.eventOf(c)
	if e == nil {
		return
	}
	e.going = slices.DeleteFunc(e.going, func(id string) bool { return id == c.userID })
	e.notGoing = slices.DeleteFunc(e.notGoing, func(id string) bool { return id == c.userID })
	c.ok(http.StatusOK, gen.EventResult{Event: e.view()})
}

// ----- seeded pictures -----

// seededNamePattern matches the picture names the seeder invents
// (https://i.groupme.com/<w>x<h>.jpeg.<32 hex>).
var seededNamePattern = regexp.MustCompile(`^[0-9]{1,5}x[0-9]{1,5}\.jpeg\.[0-9a-f]{32}$`)

// seededImage returns a small placeholder JPEG for a picture name the
// seeder invented, so that the pictures the fake lists can be downloaded
// from it (the gallery points them at the fake). The colour comes from the
// name, so each picture has its own bytes.
func seededImage(name string) (storedImage, bool) {
	if !seededNamePattern.MatchString(name) {
		return storedImage{}, false
	}
	sum := sha256.Sum256([]byte(name))
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for y := range 12 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{sum[0], sum[1], sum[2] ^ byte(x*y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		return storedImage{}, false
	}
	return storedImage{data: buf.Bytes(), contentType: "image/jpeg"}, true
}

// localImageURL points a picture on GroupMe's CDN at the fake's own
// picture path, so a client of the fake never leaves the machine.
func (f *Fake) localImageURL(c *call, u string) string {
	const cdn = "https://i.groupme.com/"
	if !strings.HasPrefix(u, cdn) {
		return u
	}
	base := f.cfg.publicURL
	if base == "" {
		scheme := "http"
		if c.r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + c.r.Host
	}
	return base + imagePathPrefix + strings.TrimPrefix(u, cdn)
}

// writeBare writes a JSON body without the envelope (video and file services).
func (c *call) writeBare(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.fail(http.StatusInternalServerError, "encoding the response: "+err.Error())
		return
	}
	c.res.set(status, "application/json", b)
}

// eventData is a system notice's data, each value as its JSON. The values
// are the fake's own maps of strings, which always encode.
func eventData(values map[string]any) *map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(values))
	for k, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			panic(fmt.Sprintf("contracttest: event data %q: %v", k, err))
		}
		out[k] = b
	}
	return &out
}
