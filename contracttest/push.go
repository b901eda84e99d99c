package contracttest

// The fake's push service: Faye (Bayeux 1.0) at /faye on the same server as
// the REST API, over HTTP long-polling (POST a JSON array of messages) and
// WebSocket (GET with an upgrade). It follows what GroupMe's push tutorial
// (https://dev.groupme.com/tutorials/push) and the community docs
// (https://groupme-js.github.io/GroupMeCommunityDocs/push) describe:
// /meta/handshake hands out a clientId and advice, /meta/subscribe needs
// ext.access_token (a user's token; ext.timestamp, in seconds, may be
// left out), /meta/connect delivers what was published and is held no
// longer than the client's own advice.timeout asks. asyncapi.yaml at the root of
// the repository describes the same service.
//
// What it publishes, when the REST API (or the Fake's own methods) creates
// it:
//
//   - line.create, for a group message, on /user/{id} of every member and
//     on /group/{group_id};
//   - direct_message.create on /user/{id} of both users and on
//     /direct_message/{a}_{b};
//   - like.create on /user/{author} and favorite on /group/{id} or
//     /direct_message/{a}_{b}, for a like;
//   - membership.create on /user/{id} of a user added to a group by someone
//     else.
//
// A /meta/connect is answered as soon as something is queued for the
// client, or after the advised timeout (or the client's advice.timeout, if
// shorter), on both transports.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// pushPath is where the fake serves the push service.
const pushPath = "/faye"

const (
	pushTimeout     = 30 * time.Second // advice.timeout, as GroupMe sends it
	pushQueueLimit  = 10000            // undelivered data messages per client; older ones are dropped
	pushFrameLimit  = 1 << 20
	pushWriteWithin = 10 * time.Second
)

// pushHub is the push service's state. Lock order: Fake.mu before
// pushHub.mu, never the other way round.
type pushHub struct {
	mu             sync.Mutex
	clients        map[string]*pushClient
	conns          map[*websocket.Conn]bool
	nextClient     int
	nextMsg        int
	noWebSocket    bool
	failHandshakes int
	handshakes     int
	subscribes     int
	epoch          chan struct{} // closed and replaced by DropPushConnections
}

type pushClient struct {
	id     string
	userID string
	subs   map[string]bool
	queue  []pushOut
	wake   chan struct{} // cap 1
}

// pushIn is a Bayeux message as the fake reads it.
type pushIn struct {
	Channel                  string          `json:"channel"`
	ID                       string          `json:"id"`
	ClientID                 string          `json:"clientId"`
	Subscription             string          `json:"subscription"`
	ConnectionType           string          `json:"connectionType"`
	SupportedConnectionTypes []string        `json:"supportedConnectionTypes"`
	Data                     json.RawMessage `json:"data"`
	Advice                   *struct {
		Timeout *int64 `json:"timeout"` // milliseconds
	} `json:"advice"`
	Ext *struct {
		AccessToken string `json:"access_token"`
		Timestamp   *int64 `json:"timestamp"`
	} `json:"ext"`
}

// pushOut is a Bayeux message as the fake sends it.
type pushOut struct {
	Channel                  string          `json:"channel"`
	ID                       string          `json:"id,omitempty"`
	ClientID                 string          `json:"clientId,omitempty"`
	Successful               *bool           `json:"successful,omitempty"`
	Error                    string          `json:"error,omitempty"`
	Version                  string          `json:"version,omitempty"`
	SupportedConnectionTypes []string        `json:"supportedConnectionTypes,omitempty"`
	Subscription             string          `json:"subscription,omitempty"`
	Advice                   *pushAdvice     `json:"advice,omitempty"`
	Data                     json.RawMessage `json:"data,omitempty"`
	Authenticated            bool            `json:"authenticated,omitempty"`
}

type pushAdvice struct {
	Reconnect string `json:"reconnect"`
	Interval  int    `json:"interval"`
	Timeout   int    `json:"timeout"`
}

func (h *pushHub) initLocked() {
	if h.clients == nil {
		h.clients = map[string]*pushClient{}
		h.conns = map[*websocket.Conn]bool{}
		h.epoch = make(chan struct{})
	}
}

// DropPushConnections simulates the push service losing every client: open
// WebSockets are closed, pending long-polls are cut, and every clientId is
// forgotten (a client must handshake again). Data published before the next
// subscription is not delivered over push, as with the real service.
func (f *Fake) DropPushConnections() {
	h := &f.push
	h.mu.Lock()
	h.initLocked()
	conns := h.conns
	h.conns = map[*websocket.Conn]bool{}
	h.clients = map[string]*pushClient{}
	close(h.epoch)
	h.epoch = make(chan struct{})
	h.mu.Unlock()
	for c := range conns {
		_ = c.CloseNow()
	}
}

// SetPushWebSocket turns the WebSocket upgrade on /faye on (the default)
// or off; when off the upgrade is answered 404 and clients must fall back to
// long-polling.
func (f *Fake) SetPushWebSocket(enabled bool) {
	f.push.mu.Lock()
	defer f.push.mu.Unlock()
	f.push.noWebSocket = !enabled
}

// FailPushHandshakes makes the next n handshakes fail with HTTP 503.
func (f *Fake) FailPushHandshakes(n int) {
	f.push.mu.Lock()
	defer f.push.mu.Unlock()
	f.push.failHandshakes = n
}

// PushHandshakes reports how many handshakes the push service answered,
// failed ones included.
func (f *Fake) PushHandshakes() int {
	f.push.mu.Lock()
	defer f.push.mu.Unlock()
	return f.push.handshakes
}

// PushSubscribes reports how many subscriptions the push service accepted.
func (f *Fake) PushSubscribes() int {
	f.push.mu.Lock()
	defer f.push.mu.Unlock()
	return f.push.subscribes
}

// servePush handles /faye.
func (f *Fake) servePush(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
		f.servePushWebSocket(w, r)
	case r.Method == http.MethodPost:
		f.servePushPoll(w, r)
	default:
		http.Error(w, "the push service takes POST or a WebSocket upgrade", http.StatusMethodNotAllowed)
	}
}

func (f *Fake) servePushPoll(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		http.Error(w, "Content-Type must be application/json", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, pushFrameLimit))
	if err != nil {
		return
	}
	msgs, ok := decodePushFrame(body)
	if !ok {
		http.Error(w, "the body must be a JSON array of Bayeux messages", http.StatusBadRequest)
		return
	}
	for _, m := range msgs {
		if m.Channel == "/meta/handshake" && f.failHandshake() {
			http.Error(w, "push service unavailable (injected)", http.StatusServiceUnavailable)
			return
		}
	}
	f.push.mu.Lock()
	f.push.initLocked()
	epoch := f.push.epoch
	f.push.mu.Unlock()
	replies := f.handlePush(msgs, "long-polling", r.Context().Done(), epoch)
	select {
	case <-epoch:
		panic(http.ErrAbortHandler) // dropped: cut the connection
	default:
	}
	b, _ := json.Marshal(replies)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (f *Fake) failHandshake() bool {
	f.push.mu.Lock()
	defer f.push.mu.Unlock()
	f.push.handshakes++
	if f.push.failHandshakes > 0 {
		f.push.failHandshakes--
		return true
	}
	return false
}

func (f *Fake) servePushWebSocket(w http.ResponseWriter, r *http.Request) {
	f.push.mu.Lock()
	off := f.push.noWebSocket
	f.push.mu.Unlock()
	if off {
		http.Error(w, "WebSocket is off (SetPushWebSocket)", http.StatusNotFound)
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	conn.SetReadLimit(pushFrameLimit)
	f.push.mu.Lock()
	f.push.initLocked()
	f.push.conns[conn] = true
	epoch := f.push.epoch
	f.push.mu.Unlock()
	defer func() {
		f.push.mu.Lock()
		delete(f.push.conns, conn)
		f.push.mu.Unlock()
		_ = conn.CloseNow()
	}()
	ctx := r.Context()
	// A held /meta/connect must not stop the reading: Faye's WebSocket
	// client sends its first connect and then its subscriptions in
	// separate frames, and a real Faye server answers the subscriptions
	// while the connect is held. So each connect waits in a goroutine of
	// its own; a newer connect releases the one held before it.
	write := func(replies []pushOut) bool {
		if len(replies) == 0 {
			return true
		}
		out, _ := json.Marshal(replies)
		wctx, cancel := context.WithTimeout(ctx, pushWriteWithin)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, out) == nil
	}
	var held sync.WaitGroup
	release := func() {}
	defer func() { release(); held.Wait() }()
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		msgs, ok := decodePushFrame(b)
		if !ok {
			_ = conn.Close(websocket.StatusUnsupportedData, "expected Bayeux messages")
			return
		}
		var now []pushIn
		var connect *pushIn
		for i := range msgs {
			if msgs[i].Channel == "/meta/connect" {
				connect = &msgs[i]
				continue
			}
			now = append(now, msgs[i])
		}
		replies := f.handlePush(now, "websocket", ctx.Done(), epoch)
		select {
		case <-epoch:
			return
		default:
		}
		if !write(replies) {
			return
		}
		if connect == nil {
			continue
		}
		release()
		cctx, cancel := context.WithCancel(ctx)
		release = cancel
		held.Add(1)
		go func(m pushIn) {
			defer held.Done()
			replies := f.handlePush([]pushIn{m}, "websocket", cctx.Done(), epoch)
			select {
			case <-epoch:
				return
			default:
			}
			if !write(replies) {
				_ = conn.CloseNow()
			}
		}(*connect)
	}
}

func decodePushFrame(b []byte) ([]pushIn, bool) {
	var msgs []pushIn
	if err := json.Unmarshal(b, &msgs); err == nil {
		return msgs, true
	}
	var one pushIn
	if err := json.Unmarshal(b, &one); err == nil && one.Channel != "" {
		return []pushIn{one}, true
	}
	return nil, false
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func retryAdvice() *pushAdvice {
	return &pushAdvice{Reconnect: "retry", Interval: 0, Timeout: int(pushTimeout / time.Millisecond)}
}

// handlePush answers a batch; a /meta/connect in it waits for data, the
// timeout, done (the request ended) or the epoch (a drop).
func (f *Fake) handlePush(msgs []pushIn, transport string, done, epoch <-chan struct{}) []pushOut {
	var out []pushOut
	for _, m := range msgs {
		switch m.Channel {
		case "/meta/handshake":
			out = append(out, f.pushHandshake(m))
		case "/meta/subscribe":
			out = append(out, f.pushSubscribe(m))
		case "/meta/connect":
			out = append(out, f.pushConnect(m, done, epoch)...)
		case "/meta/disconnect":
			f.push.mu.Lock()
			delete(f.push.clients, m.ClientID)
			f.push.mu.Unlock()
			out = append(out, pushOut{Channel: m.Channel, ID: m.ID, ClientID: m.ClientID, Successful: yes()})
		case "/meta/unsubscribe":
			f.push.mu.Lock()
			if c := f.push.clients[m.ClientID]; c != nil {
				delete(c.subs, m.Subscription)
			}
			f.push.mu.Unlock()
			out = append(out, pushOut{Channel: m.Channel, ID: m.ID, ClientID: m.ClientID, Subscription: m.Subscription, Successful: yes()})
		default:
			// A publish (clients may send ping and typing): acknowledged,
			// not relayed.
			out = append(out, pushOut{Channel: m.Channel, ID: m.ID, ClientID: m.ClientID, Successful: yes()})
		}
	}
	return out
}

func (f *Fake) pushHandshake(m pushIn) pushOut {
	h := &f.push
	h.mu.Lock()
	defer h.mu.Unlock()
	h.initLocked()
	h.nextClient++
	id := "fakeclient" + strconv.Itoa(h.nextClient)
	h.clients[id] = &pushClient{id: id, subs: map[string]bool{}, wake: make(chan struct{}, 1)}
	types := []string{"long-polling", "cross-origin-long-polling", "callback-polling", "websocket", "in-process"}
	if h.noWebSocket {
		types = []string{"long-polling", "cross-origin-long-polling", "callback-polling", "in-process"}
	}
	return pushOut{Channel: m.Channel, ID: m.ID, ClientID: id, Successful: yes(), Version: "1.0",
		SupportedConnectionTypes: types, Advice: retryAdvice()}
}

func unknownClient(m pushIn) pushOut {
	return pushOut{Channel: m.Channel, ID: m.ID, ClientID: m.ClientID, Successful: no(),
		Error: "401:" + m.ClientID + ":Unknown client", Advice: &pushAdvice{Reconnect: "handshake", Timeout: int(pushTimeout / time.Millisecond)}}
}

func (f *Fake) pushSubscribe(m pushIn) pushOut {
	fail := func(code int, text string) pushOut {
		return pushOut{Channel: m.Channel, ID: m.ID, ClientID: m.ClientID, Subscription: m.Subscription,
			Successful: no(), Error: strconv.Itoa(code) + ":" + m.Subscription + ":" + text}
	}
	if m.Ext == nil || m.Ext.AccessToken == "" {
		return fail(401, "ext.access_token is required")
	}
	// GroupMe's tutorial sends ext.timestamp, in seconds; node-groupme's
	// realtime client (4.1.0) sends only access_token and GroupMe serves
	// it, so a missing timestamp passes and only a wrong one is refused.
	if m.Ext.Timestamp != nil && (*m.Ext.Timestamp <= 0 || *m.Ext.Timestamp > 1e11) {
		return fail(400, "ext.timestamp must be the current time in seconds")
	}
	f.mu.Lock()
	u := f.st.tokens[m.Ext.AccessToken]
	allowed := false
	if u != nil {
		kind, id, _ := strings.Cut(strings.TrimPrefix(m.Subscription, "/"), "/")
		switch kind {
		case "user":
			allowed = id == u.id
		case "group":
			g := f.st.groups[id]
			allowed = g != nil && g.member(u.id) != nil
		case "direct_message":
			a, b, ok := strings.Cut(id, "_")
			allowed = ok && (a == u.id || b == u.id)
		}
	}
	f.mu.Unlock()
	if u == nil {
		return fail(401, "Unauthorized")
	}
	if !allowed {
		return fail(403, "Forbidden")
	}
	h := &f.push
	h.mu.Lock()
	defer h.mu.Unlock()
	h.initLocked()
	c := h.clients[m.ClientID]
	if c == nil {
		return unknownClient(m)
	}
	c.userID = u.id
	c.subs[m.Subscription] = true
	h.subscribes++
	return pushOut{Channel: m.Channel, ID: m.ID, ClientID: m.ClientID, Subscription: m.Subscription, Successful: yes()}
}

func (f *Fake) pushConnect(m pushIn, done, epoch <-chan struct{}) []pushOut {
	h := &f.push
	h.mu.Lock()
	h.initLocked()
	c := h.clients[m.ClientID]
	h.mu.Unlock()
	if c == nil {
		return []pushOut{unknownClient(m)}
	}
	reply := pushOut{Channel: m.Channel, ID: m.ID, ClientID: m.ClientID, Successful: yes(), Advice: retryAdvice()}
	take := func() []pushOut {
		h.mu.Lock()
		defer h.mu.Unlock()
		q := c.queue
		c.queue = nil
		return q
	}
	if q := take(); len(q) > 0 {
		return append([]pushOut{reply}, q...)
	}
	// The client's advice.timeout bounds the hold, as in Faye: the faye
	// client's first connect, batched with its subscriptions, asks for
	// timeout 0 and is answered at once.
	hold := pushTimeout
	if m.Advice != nil && m.Advice.Timeout != nil {
		hold = min(max(time.Duration(*m.Advice.Timeout)*time.Millisecond, 0), pushTimeout)
	}
	if hold == 0 {
		return []pushOut{reply}
	}
	t := time.NewTimer(hold)
	defer t.Stop()
	select {
	case <-c.wake:
	case <-t.C:
	case <-done:
	case <-epoch:
		return nil
	}
	return append([]pushOut{reply}, take()...)
}

// publishLocked queues data for every client subscribed to one of
// channels, once per subscribed channel (as GroupMe does: a client on both
// /user/{id} and /group/{id} gets a group message twice). f.mu is held.
func (f *Fake) publishLocked(channels []string, data any) {
	h := &f.push
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.clients) == 0 {
		return
	}
	b, err := json.Marshal(data)
	if err != nil {
		return
	}
	for _, c := range h.clients {
		for _, ch := range channels {
			if !c.subs[ch] {
				continue
			}
			h.nextMsg++
			if len(c.queue) >= pushQueueLimit {
				c.queue = c.queue[1:]
			}
			c.queue = append(c.queue, pushOut{Channel: ch, ID: "push" + strconv.Itoa(h.nextMsg), ClientID: c.id, Data: b, Authenticated: true})
			select {
			case c.wake <- struct{}{}:
			default:
			}
		}
	}
}

// pushEvent is the data object of a push.
type pushEvent struct {
	Type       string `json:"type"`
	Alert      string `json:"alert"`
	Subject    any    `json:"subject"`
	ReceivedAt int64  `json:"received_at"`
}

func alertFor(m *message) string {
	if m.text != nil {
		return m.name + ": " + *m.text
	}
	return m.name + " posted a message"
}

// publishMessageLocked announces a new group or direct message. f.mu is
// held.
func (f *Fake) publishMessageLocked(msg *message) {
	now := f.cfg.now().UnixMilli()
	if msg.groupID != "" {
		g := f.st.groups[msg.groupID]
		if g == nil {
			return
		}
		var chans []string
		for _, mem := range g.members {
			chans = append(chans, "/user/"+mem.userID)
		}
		chans = append(chans, "/group/"+g.id)
		f.publishLocked(chans, pushEvent{Type: "line.create", Alert: alertFor(msg), Subject: msg.groupView(true), ReceivedAt: now})
		return
	}
	if msg.conversationID == "" {
		return
	}
	dm := msg.directView(true)
	dm.ChatID = strPtr(msg.conversationID)
	f.publishLocked([]string{"/user/" + msg.recipientID, "/user/" + msg.userID, "/direct_message/" + strings.ReplaceAll(msg.conversationID, "+", "_")},
		pushEvent{Type: "direct_message.create", Alert: alertFor(msg), Subject: dm, ReceivedAt: now})
}

// publishLikeLocked announces that userID liked msg: like.create to the
// author, favorite to the conversation's channel. f.mu is held.
func (f *Fake) publishLikeLocked(msg *message, userID string) {
	now := f.cfg.now().UnixMilli()
	subject := map[string]any{"user_id": userID, "reactions": msg.reactions(false)}
	channel := "/group/" + msg.groupID
	if msg.groupID != "" {
		subject["line"] = msg.groupView(true)
	} else {
		subject["direct_message"] = msg.directView(true)
		channel = "/direct_message/" + strings.ReplaceAll(msg.conversationID, "+", "_")
	}
	if msg.userID != userID {
		f.publishLocked([]string{"/user/" + msg.userID}, pushEvent{Type: "like.create", Subject: subject, ReceivedAt: now})
	}
	f.publishLocked([]string{channel}, pushEvent{Type: "favorite", Subject: subject, ReceivedAt: now})
}

// publishMembershipLocked tells userID they were added to g. f.mu is held.
func (f *Fake) publishMembershipLocked(g *group, userID string) {
	if userID == g.creator {
		return
	}
	subject := map[string]any{
		"id": g.id, "name": g.name, "type": g.typ, "description": g.description, "creator_id": g.creator,
		"created_at": g.created, "updated_at": g.updated, "disable_sharing": false, "max_memberships": 5000,
		"phone_number": g.phone, "share_url": nil, "avatar_url": g.imageURL,
	}
	f.publishLocked([]string{"/user/" + userID}, pushEvent{Type: "membership.create",
		Alert: "You've been added to \"" + g.name + "\".", Subject: subject, ReceivedAt: f.cfg.now().UnixMilli()})
}

// PublishPush sends data (a JSON object, the Bayeux message's data) to
// every push client subscribed to channel, as GroupMe would: a way to test
// how a listener handles events the REST API cannot cause (typing, edits,
// types nobody has seen yet).
func (f *Fake) PublishPush(channel string, data json.RawMessage) error {
	if !json.Valid(data) {
		return errors.New("contracttest: PublishPush: data is not valid JSON")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.publishLocked([]string{channel}, data)
	return nil
}
