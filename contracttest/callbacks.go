package contracttest

// Bot callbacks. When a message is created in a group (a user's post
// through the API or [Fake.AddMessage], a bot's post, or a system notice
// the fake makes, such as a new poll or calendar event), the fake POSTs it
// to the callback_url of every bot of that group that has one, as GroupMe
// does (https://dev.groupme.com/tutorials/bots):
//
//   - the body is the bare message (the spec's BotCallback, checked against
//     openapi.yaml before it is sent; a body that breaks the spec is
//     reported as a violation and not sent), Content-Type application/json;
//   - the bot's own posts are delivered too: GroupMe does so (the real
//     callbacks in testdata/real/callbacks hold one), and bots must filter
//     them (sender_type "bot") or they answer themselves;
//   - delivery is asynchronous: creating the message never waits for a bot.
//     Each delivery is one attempt with a short timeout, no retry and no
//     redirect followed; the answer's status is noted and its body read
//     (at most callbackReadLimit bytes) and dropped. GroupMe documents no
//     timeout, retry or expected answer, and no retry has been reported;
//   - messages the fake is seeded with ([Fake.Seed], [WithDataset]) are
//     history: they call nobody back. Direct messages never do (bots live
//     in groups).
//
// Which hosts the fake calls: by default only the loopback interface
// ("localhost", 127.0.0.0/8 and ::1; the address actually dialled is
// checked), so a fake run on a laptop never POSTs its messages to the
// internet, and the seeded bots' https://example.com callbacks are
// reported as refused. [WithCallbackHosts] allows more.
//
// Bounds: at most callbackQueueLimit deliveries wait (more are dropped and
// reported by one goroutine), at most callbackWorkers run at once, each
// within the timeout ([WithCallbackTimeout], 5 s by default). The
// goroutines exist only while deliveries are pending, and [Fake.Close]
// cancels them and waits for them.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/groupme-go/groupme/gen"
)

const (
	defaultCallbackTimeout = 5 * time.Second
	callbackQueueLimit     = 1000
	callbackWorkers        = 4
	callbackReadLimit      = 64 << 10
)

// CallbackDelivery is what became of one callback: the message, the bot,
// and the bot's answer or why there is none.
type CallbackDelivery struct {
	BotID, BotName     string
	GroupID, MessageID string
	// URL is the callback URL without its query string and user info.
	URL string
	// Status is the HTTP status the bot answered, or 0 when it did not.
	Status int
	// Err says why there is no status: the host is not allowed, the queue
	// was full, the fake was closed, the body broke the spec, the
	// connection failed or the timeout passed. Nil when Status is set.
	Err error
	// Duration is how long the POST took (0 when none was made).
	Duration time.Duration
}

// ErrCallbackHostRefused is the Err of a delivery the fake did not make
// because the callback URL's host is not allowed; see [WithCallbackHosts].
var ErrCallbackHostRefused = errors.New("contracttest: callback host not allowed")

// ErrCallbackQueueFull is the Err of a delivery dropped because too many
// were waiting.
var ErrCallbackQueueFull = errors.New("contracttest: callback queue full")

// WithCallbackHosts lets the fake call bots back on these hosts (names or
// IP addresses, as written in callback URLs) besides the loopback
// interface. "*" allows every host.
func WithCallbackHosts(hosts ...string) Option {
	return func(c *config) {
		for _, h := range hosts {
			c.callbackHosts = append(c.callbackHosts, strings.ToLower(strings.Trim(h, "[]")))
		}
	}
}

// WithCallbackTimeout bounds each callback delivery (connecting, sending
// and reading the answer); the default is 5 seconds.
func WithCallbackTimeout(d time.Duration) Option {
	return func(c *config) { c.callbackTimeout = d }
}

// WithCallbackObserver registers a function called once per callback with
// what became of it, from the delivering goroutine (so possibly from
// several at once). `groupme fake` logs each one.
func WithCallbackObserver(fn func(CallbackDelivery)) Option {
	return func(c *config) { c.callbackObservers = append(c.callbackObservers, fn) }
}

// WithCallbackLimits sets how many deliveries may wait (queue, 1000 by
// default) and how many run at once (workers, 4 by default).
func WithCallbackLimits(queue, workers int) Option {
	return func(c *config) { c.callbackQueue, c.callbackWorkers = queue, workers }
}

// callbackHub delivers callbacks. Lock order: Fake.mu before hub.mu.
type callbackHub struct {
	mu         sync.Mutex
	queue      []callbackJob
	dropped    []CallbackDelivery // dropped for a full queue, to report
	unreported int                // dropped beyond dropped's bound
	reporting  bool               // reportDrops is running
	running    int
	closed     bool
	wg         sync.WaitGroup

	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
	local  *http.Client // loopback only, checked when dialling
	open   *http.Client // for WithCallbackHosts
}

type callbackJob struct {
	d    CallbackDelivery
	rawU string
	body []byte
}

func (h *callbackHub) init() {
	h.once.Do(func() {
		h.ctx, h.cancel = context.WithCancel(context.Background())
		h.local = callbackClient(true)
		h.open = callbackClient(false)
	})
}

func callbackClient(loopbackOnly bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if loopbackOnly {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !ap.Addr().Unmap().IsLoopback() {
				return fmt.Errorf("%w: %s is not a loopback address", ErrCallbackHostRefused, address)
			}
			return nil
		}
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:       nil, // never through a proxy from the environment
			DialContext: d.DialContext,
			// One connection per delivery, closed after it. With a pool,
			// a delivery waiting for a busy connection dials another that
			// may then sit unused: the bot's server would hold it as a new
			// connection, and its graceful shutdown waits five seconds for
			// such connections.
			DisableKeepAlives:   true,
			TLSHandshakeTimeout: 5 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// callBotsLocked queues msg for every bot of its group with a callback
// URL. It never blocks. f.mu is held.
func (f *Fake) callBotsLocked(msg *message) {
	if msg.groupID == "" || f.seeding {
		return
	}
	var body []byte
	for _, id := range f.st.botOrder {
		b := f.st.bots[id]
		if b == nil || b.groupID != msg.groupID || b.callbackURL == nil || *b.callbackURL == "" {
			continue
		}
		if body == nil {
			var err error
			if body, err = json.Marshal(callbackBody(msg.groupView(true))); err != nil {
				return
			}
		}
		f.callbacks.enqueue(f, callbackJob{
			d:    CallbackDelivery{BotID: b.id, BotName: b.name, GroupID: msg.groupID, MessageID: msg.id, URL: displayURL(*b.callbackURL)},
			rawU: *b.callbackURL, body: body,
		})
	}
}

// callbackBody is the message as GroupMe POSTs it to bots: the fields of
// the real callbacks (2018-2021), and the event of a system notice.
func callbackBody(m gen.Message) gen.BotCallback {
	cb := gen.BotCallback{
		Attachments: m.Attachments, AvatarURL: m.AvatarURL, CreatedAt: m.CreatedAt, Event: m.Event,
		GroupID: m.GroupID, ID: m.ID, Name: m.Name, SenderID: m.UserID, SourceGUID: m.SourceGUID,
		System: m.System, Text: m.Text, UserID: m.UserID,
	}
	if m.SenderID != nil {
		cb.SenderID = *m.SenderID
	}
	if m.SenderType != nil {
		cb.SenderType = *m.SenderType
	}
	if cb.Attachments == nil {
		cb.Attachments = []gen.Attachment{}
	}
	return cb
}

func (h *callbackHub) enqueue(f *Fake, job callbackJob) {
	h.init()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	limit := f.cfg.callbackQueue
	if limit <= 0 {
		limit = callbackQueueLimit
	}
	if len(h.queue) >= limit {
		// One goroutine of its own reports drops (observers are never
		// called under f.mu, and the workers may all be held by slow
		// bots). The reports wait in a list as bounded as the queue; drops
		// beyond it are counted in the next report.
		if len(h.dropped) >= limit {
			h.unreported++
			return
		}
		job.d.Err = ErrCallbackQueueFull
		if h.unreported > 0 {
			job.d.Err = fmt.Errorf("%w (and %d more deliveries dropped before this one)", ErrCallbackQueueFull, h.unreported)
			h.unreported = 0
		}
		h.dropped = append(h.dropped, job.d)
		if !h.reporting {
			h.reporting = true
			h.wg.Add(1)
			go h.reportDrops(f)
		}
		return
	}
	h.queue = append(h.queue, job)
	workers := f.cfg.callbackWorkers
	if workers <= 0 {
		workers = callbackWorkers
	}
	if h.running < workers {
		h.running++
		h.wg.Add(1)
		go h.work(f)
	}
}

// work delivers queued callbacks until the queue is empty, then exits.
func (h *callbackHub) work(f *Fake) {
	defer h.wg.Done()
	for {
		h.mu.Lock()
		if len(h.queue) == 0 || h.closed {
			h.running--
			h.mu.Unlock()
			return
		}
		job := h.queue[0]
		h.queue = slices.Delete(h.queue, 0, 1)
		h.mu.Unlock()
		f.reportCallback(h.deliver(f, job))
	}
}

// reportDrops reports dropped deliveries until there are none left.
func (h *callbackHub) reportDrops(f *Fake) {
	defer h.wg.Done()
	for {
		h.mu.Lock()
		if len(h.dropped) == 0 || h.closed {
			h.reporting = false
			h.mu.Unlock()
			return
		}
		d := h.dropped[0]
		h.dropped = slices.Delete(h.dropped, 0, 1)
		h.mu.Unlock()
		f.reportCallback(d)
	}
}

func (f *Fake) reportCallback(d CallbackDelivery) {
	for _, fn := range f.cfg.callbackObservers {
		fn(d)
	}
}

// deliver makes one POST.
func (h *callbackHub) deliver(f *Fake, job callbackJob) CallbackDelivery {
	d := job.d
	if err := f.checkCallbackBody(job.body); err != nil {
		f.violation(fmt.Errorf("callback of message %s: the body does not match openapi.yaml's BotCallback: %s", d.MessageID, describeError(err)))
		d.Err = fmt.Errorf("not sent: the body breaks openapi.yaml: %w", err)
		return d
	}
	u, err := url.Parse(job.rawU)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		d.Err = fmt.Errorf("not sent: %q is not an http(s) URL", d.URL)
		return d
	}
	hc := h.local
	host := strings.ToLower(u.Hostname())
	switch {
	case slices.Contains(f.cfg.callbackHosts, "*") || slices.Contains(f.cfg.callbackHosts, host):
		hc = h.open
	case host == "localhost" || isLoopbackLiteral(host):
	default:
		d.Err = fmt.Errorf("%w: %s is not on the loopback interface", ErrCallbackHostRefused, host)
		return d
	}
	timeout := f.cfg.callbackTimeout
	if timeout <= 0 {
		timeout = defaultCallbackTimeout
	}
	ctx, cancel := context.WithTimeout(h.ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.rawU, bytes.NewReader(job.body))
	if err != nil {
		d.Err = err
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "groupme-fake-callbacks")
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		d.Duration = time.Since(start)
		if h.ctx.Err() != nil {
			err = errors.New("the fake was closed")
		}
		d.Err = redactURLError(err)
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, callbackReadLimit))
	_ = resp.Body.Close() // read only
	d.Duration = time.Since(start)
	d.Status = resp.StatusCode
	return d
}

// redactURLError keeps the query (which may hold a secret) out of errors.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func isLoopbackLiteral(host string) bool {
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// displayURL is u without its query and user info.
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	u.RawQuery, u.ForceQuery, u.User, u.Fragment = "", false, nil, ""
	return u.String()
}

// checkCallbackBody validates body against the spec's BotCallback schema.
func (f *Fake) checkCallbackBody(body []byte) error {
	ref := f.val.Spec().Components.Schemas["BotCallback"]
	if ref == nil || ref.Value == nil {
		return errors.New("openapi.yaml has no BotCallback schema")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return ref.Value.VisitJSON(v, openapi3.MultiErrors())
}

// Close stops the fake's callback deliveries: queued ones are dropped,
// running ones cancelled, and Close returns when their goroutines have
// ended. The fake still answers requests; messages created afterwards call
// nobody back. [NewServer] closes its fake when the test ends.
func (f *Fake) Close() {
	h := &f.callbacks
	h.init()
	h.mu.Lock()
	h.closed = true
	h.queue, h.dropped = nil, nil
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
	h.local.CloseIdleConnections()
	h.open.CloseIdleConnections()
}
