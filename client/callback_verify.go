package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Verified callbacks.
//
// GroupMe signs nothing it POSTs to a bot: anyone who learns the callback
// URL can make the bot act on a message nobody sent. VerifyCallbacks closes
// that gap by asking the API, with a token of the bot's owner, whether the
// message exists.
//
// Which call: the official v3 reference has no call that reads one group
// message by id (GET /v4/groups/{group_id}/messages/{message_id} is only
// documented by the community), and the cursors of the message listing
// (before_id, after_id, since_id) leave the given id out, so reading "the
// message itself" through them would mean computing a neighbouring id, and
// the reference does not promise ids are numbers. The newest page of the
// listing, GET /groups/{group_id}/messages?limit=100, is official and holds
// any message that has just been posted: GroupMe calls bots back as a
// message is created, so the message is there unless a hundred more were
// posted in the group before the check. A message that is not (an old one
// replayed, or one that never existed) is refused.

const (
	verifyTTL        = time.Minute
	verifyCacheLimit = 512
	verifyParallel   = 4
	verifyTimeout    = 10 * time.Second
	verifyPageSize   = 100
)

// VerifyCallbacks makes CallbackHandler check each callback against the
// API before fn sees it. api is a client with a token of the bot's owner
// (or of any member of the group); groupID is the bot's group (a bot lives
// in one group), or "" to accept any group the token can read.
//
// A callback passes when its group is groupID and the message is among the
// group's newest 100, with the same sender (sender_id, user_id,
// sender_type), system flag and text. fn then receives the message as the
// API returned it, so no field of the POSTed body reaches fn unchecked.
// Anything else is answered 403 and fn is not called; so is a message no
// longer among the newest 100 when the callback arrives, which in practice
// is only an old message replayed. When the API cannot be asked (network,
// rate limit, 5xx) the answer is 503 and fn is not called either.
//
// Cost: one GET /groups/{group_id}/messages?limit=100 per message. The
// answer is cached for a minute (at most 512 messages), and callbacks for a
// message already being checked wait for that check, so a burst of the same
// callback makes one call; at most 4 checks run at once, each within 10 s.
// Skipping options (SkipBotMessages, SkipSystemMessages) apply first and
// cost no call.
func VerifyCallbacks(api *Client, groupID string) CallbackOption {
	v := &callbackVerifier{api: api, groupID: groupID, entries: map[verifyKey]*verifyEntry{},
		sem: make(chan struct{}, verifyParallel), now: time.Now}
	return func(c *callbackConfig) { c.verify = v }
}

type verifyKey struct{ group, id string }

type verifyEntry struct {
	done chan struct{} // closed when msg and err are set
	msg  *Message      // nil: no such message among the newest
	err  error         // the API could not be asked; not kept
	at   time.Time
}

type callbackVerifier struct {
	api     *Client
	groupID string
	now     func() time.Time
	sem     chan struct{}

	mu      sync.Mutex
	entries map[verifyKey]*verifyEntry
	order   []verifyKey // oldest first
}

// check returns the message cb claims to be, as the API shows it, or an
// HTTP status to answer instead.
func (v *callbackVerifier) check(ctx context.Context, cb Callback) (Callback, int) {
	if v.api == nil || cb.ID == "" || cb.GroupID == "" || (v.groupID != "" && cb.GroupID != v.groupID) {
		return cb, http.StatusForbidden
	}
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	m, err := v.lookup(ctx, verifyKey{cb.GroupID, cb.ID})
	switch {
	case err != nil:
		return cb, http.StatusServiceUnavailable
	case m == nil || !sameMessage(cb, m):
		return cb, http.StatusForbidden
	}
	return callbackOf(m), 0
}

// lookup finds the message key names among its group's newest, through
// the cache.
func (v *callbackVerifier) lookup(ctx context.Context, key verifyKey) (*Message, error) {
	v.mu.Lock()
	e := v.entries[key]
	if e != nil && isDone(e) && v.now().Sub(e.at) >= verifyTTL {
		v.dropLocked(key)
		e = nil
	}
	if e != nil {
		v.mu.Unlock()
		select {
		case <-e.done:
			return e.msg, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	e = &verifyEntry{done: make(chan struct{})}
	v.entries[key] = e
	v.order = append(v.order, key)
	v.evictLocked()
	v.mu.Unlock()

	e.msg, e.err = v.fetch(ctx, key)
	e.at = v.now()
	close(e.done)
	if e.err != nil {
		v.mu.Lock()
		if v.entries[key] == e {
			v.dropLocked(key)
		}
		v.mu.Unlock()
	}
	return e.msg, e.err
}

func (v *callbackVerifier) fetch(ctx context.Context, key verifyKey) (*Message, error) {
	select {
	case v.sem <- struct{}{}:
		defer func() { <-v.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	page, err := v.api.ListMessages(ctx, key.group, &MessageParams{Limit: verifyPageSize, AcceptFiles: true})
	if errors.Is(err, ErrNotFound) {
		return nil, nil // a group the owner's token does not see
	}
	if err != nil {
		return nil, err
	}
	for i := range page.Messages {
		if page.Messages[i].ID == key.id {
			return &page.Messages[i], nil
		}
	}
	return nil, nil
}

func isDone(e *verifyEntry) bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// evictLocked drops the oldest finished entries beyond the limit.
func (v *callbackVerifier) evictLocked() {
	for i := 0; len(v.entries) > verifyCacheLimit && i < len(v.order); {
		k := v.order[i]
		if e := v.entries[k]; e != nil && !isDone(e) {
			i++ // still being checked: others wait on it
			continue
		}
		v.dropLocked(k)
	}
}

func (v *callbackVerifier) dropLocked(k verifyKey) {
	delete(v.entries, k)
	for i, o := range v.order {
		if o == k {
			v.order = append(v.order[:i], v.order[i+1:]...)
			break
		}
	}
}

// sameMessage compares what a callback claims with the API's copy.
func sameMessage(cb Callback, m *Message) bool {
	senderID, senderType := m.UserID, ""
	if m.SenderID != nil {
		senderID = *m.SenderID
	}
	if m.SenderType != nil {
		senderType = *m.SenderType
	}
	text := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return m.GroupID == cb.GroupID && m.UserID == cb.UserID && senderID == cb.SenderID &&
		(senderType == "" || senderType == cb.SenderType) && m.System == cb.System && text(m.Text) == text(cb.Text)
}

// callbackOf is a message of the API in the shape of a callback.
func callbackOf(m *Message) Callback {
	cb := Callback{
		Attachments: m.Attachments, AvatarURL: m.AvatarURL, CreatedAt: m.CreatedAt, Event: m.Event,
		GroupID: m.GroupID, ID: m.ID, Name: m.Name, PinnedAt: m.PinnedAt, PinnedBy: m.PinnedBy,
		Platform: m.Platform, SenderID: m.UserID, SourceGUID: m.SourceGUID, System: m.System,
		Text: m.Text, UserID: m.UserID,
	}
	if m.FavoritedBy != nil {
		fav := m.FavoritedBy
		cb.FavoritedBy = &fav
	}
	if m.SenderID != nil {
		cb.SenderID = *m.SenderID
	}
	if m.SenderType != nil {
		cb.SenderType = *m.SenderType
	}
	if cb.Attachments == nil {
		cb.Attachments = []Attachment{}
	}
	return cb
}
