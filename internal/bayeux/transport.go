package bayeux

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/coder/websocket"
	jsonv2 "github.com/go-json-experiment/json"
)

// post sends msgs in one HTTP POST and returns the reply's messages and
// its size; a reply over limit bytes is ErrTooLarge.
func (s *Session) post(ctx context.Context, msgs []out, limit int) ([]Message, int, error) {
	body, err := jsonv2.Marshal(msgs)
	if err != nil {
		return nil, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return nil, 0, &Error{Op: "post", Message: "invalid push URL"}
	}
	req.Header.Set("Content-Type", "application/json")
	if s.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", s.cfg.UserAgent)
	}
	hc := s.cfg.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, 0, &Error{Op: "post", Err: s.cfg.scrubErr(err)}
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode/100 != 2 {
		return nil, 0, &Error{Op: "post", Message: "HTTP " + strconv.Itoa(resp.StatusCode), Err: ErrClosed}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return nil, len(b), &Error{Op: "post", Err: s.cfg.scrubErr(err)}
	}
	if len(b) > limit {
		return nil, len(b), &Error{Op: "post", Err: fmt.Errorf("%w: a reply over %d bytes", ErrTooLarge, limit)}
	}
	got, err := decodeFrame(b)
	return got, len(b), err
}

func (s *Session) dial(ctx context.Context) (*wsTransport, error) {
	u, err := url.Parse(s.cfg.URL)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	case "http":
		u.Scheme = "ws"
	}
	base := s.cfg.DialTransport
	if base == nil {
		base = http.DefaultTransport
	}
	hdr := http.Header{}
	if s.cfg.UserAgent != "" {
		hdr.Set("User-Agent", s.cfg.UserAgent)
	}
	dctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	conn, resp, err := websocket.Dial(dctx, u.String(), &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: base},
		HTTPHeader: hdr,
	})
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, s.cfg.scrubErr(err)
	}
	// recv enforces FrameLimit itself (to tell the error apart); this is
	// the library's backstop.
	conn.SetReadLimit(FrameLimit + 2)
	return &wsTransport{s: s, conn: conn}, nil
}

type wsTransport struct {
	s    *Session
	conn *websocket.Conn
}

func (*wsTransport) name() string { return "websocket" }

func (t *wsTransport) send(ctx context.Context, msgs []out) error {
	b, err := jsonv2.Marshal(msgs)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, WriteTimeout)
	defer cancel()
	if err := t.conn.Write(ctx, websocket.MessageText, b); err != nil {
		return t.wsErr("write", err)
	}
	return nil
}

func (t *wsTransport) recv(ctx context.Context) ([]Message, int, error) {
	_, r, err := t.conn.Reader(ctx)
	if err != nil {
		return nil, 0, t.wsErr("read", err)
	}
	b, err := io.ReadAll(io.LimitReader(r, FrameLimit+1))
	if err != nil {
		return nil, len(b), t.wsErr("read", err)
	}
	if len(b) > FrameLimit {
		_ = t.conn.Close(websocket.StatusMessageTooBig, "frame too large")
		return nil, len(b), &Error{Op: "read", Err: fmt.Errorf("%w: a WebSocket frame over %d bytes", ErrTooLarge, FrameLimit)}
	}
	got, err := decodeFrame(b)
	return got, len(b), err
}

// wsErr describes a WebSocket failure. A close by the server becomes
// ErrClosed with its status and scrubbed reason; the library's error,
// which quotes the reason, is not kept.
func (t *wsTransport) wsErr(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		msg := "status " + strconv.Itoa(int(ce.Code))
		if reason := t.s.cfg.scrub(ce.Reason); reason != "" {
			msg += `, reason "` + reason + `"`
		}
		return &Error{Op: op, Message: msg, Err: ErrClosed}
	}
	return &Error{Op: "websocket " + op, Err: t.s.cfg.scrubErr(err)}
}

func (t *wsTransport) close() { _ = t.conn.CloseNow() }

// longPoll sends each batch as a POST; the reply is what recv returns.
type longPoll struct {
	s     *Session
	queue [][]Message
	sizes []int
}

func (*longPoll) name() string { return "long-polling" }

func (t *longPoll) send(ctx context.Context, msgs []out) error {
	ctx, cancel := context.WithTimeout(ctx, t.s.replyWait())
	defer cancel()
	limit := PollBodyLimit
	if t.s.setup {
		limit = max(t.s.budget, 0)
	}
	got, n, err := t.s.post(ctx, msgs, limit)
	if err != nil {
		return err
	}
	t.queue = append(t.queue, got)
	t.sizes = append(t.sizes, n)
	return nil
}

func (t *longPoll) recv(context.Context) ([]Message, int, error) {
	if len(t.queue) == 0 {
		return nil, 0, &Error{Op: "long-polling", Message: "no reply to read", Err: ErrNoAnswer}
	}
	got, n := t.queue[0], t.sizes[0]
	t.queue, t.sizes = t.queue[1:], t.sizes[1:]
	return got, n, nil
}

func (*longPoll) close() {}
