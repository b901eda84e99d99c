package contracttest

// A push service that attacks its clients, for testing that a listener
// cannot be made to spin, to balloon or to print the token. The REST API
// beside it is a Fake's.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// PushAttack is what a HostilePush does to its clients.
type PushAttack string

// The attacks. Unless said otherwise the handshake is answered normally
// (advice.interval 0, timeout 30 s) and a /meta/connect is held 30 s and
// then answered empty.
const (
	// PushCloseAfterSubscribe confirms every subscription, then drops the
	// connection (WebSocket: closed; long-polling: the next request cut).
	PushCloseAfterSubscribe PushAttack = "close-after-subscribe"
	// PushMalformedFrame confirms the subscription, then answers the next
	// connect with a frame (or body) that is not JSON.
	PushMalformedFrame PushAttack = "malformed-frame"
	// PushHugeFrames answers a subscription with 1 MiB data frames, without
	// end (long-polling: one endless answer), never with the confirmation.
	PushHugeFrames PushAttack = "huge-frames"
	// PushFramesNoAnswer answers a subscription with a 1 KB data frame
	// every 100 ms, never with the confirmation.
	PushFramesNoAnswer PushAttack = "frames-no-answer"
	// PushCloseWithToken confirms the subscription, then at the next
	// connect closes the WebSocket with a reason that quotes the
	// subscriber's token (long-polling: a failed connect whose error
	// quotes it).
	PushCloseWithToken PushAttack = "close-with-token"
	// PushZeroInterval answers every /meta/connect at once, empty, with
	// advice.interval 0.
	PushZeroInterval PushAttack = "zero-interval"
	// PushFailCatchUp makes every REST read of messages fail with 500 and
	// closes the connection after the subscription, so every session
	// needs a catch-up that fails.
	PushFailCatchUp PushAttack = "fail-catch-up"
	// PushReplay confirms the subscription and, at the first connect,
	// pushes for the group ReplayGroup message ids 1000 to 2100, then 1000
	// again, then 2101 (line.create on the user's channel), over WebSocket.
	PushReplay PushAttack = "replay"
)

// PushAttacks lists every PushAttack.
var PushAttacks = []PushAttack{PushCloseAfterSubscribe, PushMalformedFrame, PushHugeFrames, PushFramesNoAnswer,
	PushCloseWithToken, PushZeroInterval, PushFailCatchUp, PushReplay}

// HostilePush serves a Fake's REST API and, at /faye, a push service
// that carries out Attack. It counts what its clients do.
type HostilePush struct {
	Fake   *Fake
	Attack PushAttack
	// ReplayGroup is the group_id of PushReplay's messages.
	ReplayGroup string
	// Hold is how long a /meta/connect is held; 0 means 30 seconds.
	Hold time.Duration

	handshakes, subscribes, connects, written atomic.Int64
	mu                                        sync.Mutex
	clients                                   int
	tok                                       string // the last token seen over long-polling
	stop                                      chan struct{}
	stopped                                   bool
}

// Close ends every wait of the handlers (held connects, paced frames), so
// they return; it does not close connections.
func (h *HostilePush) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop == nil {
		h.stop = make(chan struct{})
	}
	if !h.stopped {
		h.stopped = true
		close(h.stop)
	}
}

func (h *HostilePush) done() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop == nil {
		h.stop = make(chan struct{})
	}
	return h.stop
}

// Handshakes, Subscribes and Connects count the /meta messages received;
// Written counts the bytes of push frames and answers sent.
func (h *HostilePush) Handshakes() int64 { return h.handshakes.Load() }
func (h *HostilePush) Subscribes() int64 { return h.subscribes.Load() }
func (h *HostilePush) Connects() int64   { return h.connects.Load() }
func (h *HostilePush) Written() int64    { return h.written.Load() }

// ServeHTTP implements http.Handler.
func (h *HostilePush) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != pushPath {
		if h.Attack == PushFailCatchUp && strings.HasSuffix(r.URL.Path, "/messages") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write(errorEnvelope(http.StatusInternalServerError, "injected by HostilePush"))
			return
		}
		h.Fake.ServeHTTP(w, r)
		return
	}
	switch {
	case r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
		h.serveWebSocket(w, r)
	case r.Method == http.MethodPost:
		h.servePoll(w, r)
	default:
		http.Error(w, "POST or a WebSocket upgrade", http.StatusMethodNotAllowed)
	}
}

func (h *HostilePush) hold() time.Duration {
	if h.Hold > 0 {
		return h.Hold
	}
	return pushTimeout
}

func (h *HostilePush) answer(m pushIn) pushOut {
	o := pushOut{Channel: m.Channel, ID: m.ID, ClientID: m.ClientID, Successful: yes()}
	switch m.Channel {
	case "/meta/handshake":
		h.handshakes.Add(1)
		h.mu.Lock()
		h.clients++
		o.ClientID = "hostile" + strconv.Itoa(h.clients)
		h.mu.Unlock()
		o.Version = "1.0"
		o.SupportedConnectionTypes = []string{"long-polling", "websocket"}
		o.Advice = retryAdvice()
	case "/meta/subscribe":
		h.subscribes.Add(1)
		o.Subscription = m.Subscription
	case "/meta/connect":
		h.connects.Add(1)
		o.Advice = retryAdvice()
	}
	return o
}

func (h *HostilePush) token(msgs []pushIn) string {
	for _, m := range msgs {
		if m.Ext != nil && m.Ext.AccessToken != "" {
			return m.Ext.AccessToken
		}
	}
	return ""
}

func has(msgs []pushIn, channel string) bool {
	for _, m := range msgs {
		if m.Channel == channel {
			return true
		}
	}
	return false
}

func (h *HostilePush) dataFrame(size int) []byte {
	pad := strings.Repeat("x", max(size-64, 1))
	return []byte(`[{"channel":"/user/0","data":{"type":"pad","pad":"` + pad + `"}}]`)
}

func (h *HostilePush) lineCreate(id int) []byte {
	b, _ := json.Marshal([]pushOut{{Channel: "/user/0", Data: json.RawMessage(fmt.Sprintf(
		`{"type":"line.create","alert":"x","subject":{"id":"%d","group_id":%q,"user_id":"1","name":"x","text":"replay %d","attachments":[],"created_at":1,"favorited_by":[]}}`,
		id, h.ReplayGroup, id))}})
	return b
}

func (h *HostilePush) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer func() { _ = conn.CloseNow() }()
	conn.SetReadLimit(pushFrameLimit)
	ctx := r.Context()
	write := func(b []byte) bool {
		wctx, cancel := context.WithTimeout(ctx, pushWriteWithin)
		defer cancel()
		if conn.Write(wctx, websocket.MessageText, b) != nil {
			return false
		}
		h.written.Add(int64(len(b)))
		return true
	}
	token, replayed := "", false
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		msgs, ok := decodePushFrame(b)
		if !ok {
			return
		}
		if has(msgs, "/meta/subscribe") {
			if t := h.token(msgs); t != "" {
				token = t
			}
			if !h.afterSubscribeWS(ctx, conn, msgs, write) {
				return
			}
			continue
		}
		if has(msgs, "/meta/connect") && !h.atConnectWS(conn, token, &replayed, write) {
			return
		}
		out, ok := h.answerAll(ctx, msgs)
		if !ok || !write(out) {
			return
		}
	}
}

// answerAll answers a batch, holding a connect unless the attack is
// PushZeroInterval; false when the request ended meanwhile.
func (h *HostilePush) answerAll(ctx context.Context, msgs []pushIn) ([]byte, bool) {
	var replies []pushOut
	for _, m := range msgs {
		o := h.answer(m)
		if m.Channel == "/meta/connect" && h.Attack != PushZeroInterval && !h.wait(ctx) {
			return nil, false
		}
		replies = append(replies, o)
	}
	out, _ := json.Marshal(replies)
	return out, true
}

func (h *HostilePush) wait(ctx context.Context) bool {
	t := time.NewTimer(h.hold())
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-h.done():
		return false
	}
}

// afterSubscribeWS carries out the attack at a subscription; false ends
// the connection.
func (h *HostilePush) afterSubscribeWS(ctx context.Context, conn *websocket.Conn, msgs []pushIn, write func([]byte) bool) bool {
	switch h.Attack {
	case PushHugeFrames, PushFramesNoAnswer:
		for _, m := range msgs {
			h.answer(m) // counted, never sent
		}
		size, every := 1<<20, time.Duration(0)
		if h.Attack == PushFramesNoAnswer {
			size, every = 1000, 100*time.Millisecond
		}
		frame := h.dataFrame(size)
		for range 100000 {
			if !write(frame) {
				return false
			}
			if every > 0 {
				t := time.NewTimer(every)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					return false
				case <-h.done():
					t.Stop()
					return false
				}
			}
		}
		return false
	}
	var replies []pushOut
	for _, m := range msgs {
		replies = append(replies, h.answer(m))
	}
	out, _ := json.Marshal(replies)
	if !write(out) {
		return false
	}
	switch h.Attack {
	case PushCloseAfterSubscribe, PushFailCatchUp:
		_ = conn.Close(websocket.StatusGoingAway, "bye")
		return false
	}
	return true
}

// atConnectWS carries out the attacks that strike when the client next
// reads (a connect): the close with the token, the replay. false ends the
// connection.
func (h *HostilePush) atConnectWS(conn *websocket.Conn, token string, replayed *bool, write func([]byte) bool) bool {
	switch h.Attack {
	case PushMalformedFrame:
		return write([]byte(`[{"channel":"/user/0","data":{"type":`))
	case PushCloseWithToken:
		_ = conn.Close(websocket.StatusPolicyViolation, "bad signature "+token)
		return false
	case PushReplay:
		if *replayed {
			return true
		}
		*replayed = true
		for id := 1000; id <= 2100; id++ {
			if !write(h.lineCreate(id)) {
				return false
			}
		}
		return write(h.lineCreate(1000)) && write(h.lineCreate(2101))
	}
	return true
}

// servePoll is the long-polling side: each POST a batch.
func (h *HostilePush) servePoll(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, pushFrameLimit))
	if err != nil {
		return
	}
	msgs, ok := decodePushFrame(body)
	if !ok {
		http.Error(w, "not Bayeux", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	send := func(b []byte) {
		n, _ := w.Write(b)
		h.written.Add(int64(n))
	}
	if has(msgs, "/meta/subscribe") && (h.Attack == PushHugeFrames || h.Attack == PushFramesNoAnswer) {
		for _, m := range msgs {
			h.answer(m)
		}
		// One endless answer: an array that never closes.
		send([]byte(`[`))
		chunk := []byte(`{"channel":"/user/0","data":{"pad":"` + strings.Repeat("x", 1<<16) + `"}},`)
		for range 1600 { // 100 MiB at most
			n, err := w.Write(chunk)
			h.written.Add(int64(n))
			if err != nil {
				return
			}
		}
		return
	}
	if has(msgs, "/meta/connect") {
		switch h.Attack {
		case PushCloseAfterSubscribe, PushFailCatchUp:
			h.answer(msgs[0])
			panic(http.ErrAbortHandler)
		case PushMalformedFrame:
			h.answer(msgs[0])
			send([]byte(`[{"channel":"/meta/connect",`))
			return
		case PushCloseWithToken:
			h.connects.Add(1)
			b, _ := json.Marshal([]pushOut{{Channel: "/meta/connect", ID: msgs[0].ID, Successful: no(),
				Error: "401::bad signature " + h.lastToken(), Advice: retryAdvice()}})
			send(b)
			return
		case PushZeroInterval:
		default:
			if !h.wait(r.Context()) {
				return
			}
		}
	}
	if t := h.token(msgs); t != "" {
		h.mu.Lock()
		h.tok = t
		h.mu.Unlock()
	}
	var replies []pushOut
	for _, m := range msgs {
		replies = append(replies, h.answer(m))
	}
	b, _ := json.Marshal(replies)
	send(b)
}

func (h *HostilePush) lastToken() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.tok
}
