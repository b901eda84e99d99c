package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/groupme-go/groupme/contracttest"
	"github.com/spf13/cobra"
)

// fakeInfo is the one JSON line `groupme fake` prints on stdout when it is
// ready: everything a test in another language needs.
type fakeInfo struct {
	APIBaseURL   string `json:"api_base_url"`
	ImageBaseURL string `json:"image_base_url"`
	// The other hosts of the unofficial operations, and the push service.
	V4BaseURL    string         `json:"v4_base_url"`
	V2BaseURL    string         `json:"v2_base_url"`
	V1BaseURL    string         `json:"v1_base_url"`
	VideoBaseURL string         `json:"video_base_url"`
	FileBaseURL  string         `json:"file_base_url"`
	PushURL      string         `json:"push_url"`
	Users        []fakeInfoUser `json:"users"`
	Groups       []string       `json:"group_ids"`
	BigGroup     string         `json:"big_group_id"`
	FormerGroup  string         `json:"former_group_id,omitempty"`
	Chats        []fakeInfoChat `json:"direct_conversations"`
	Bots         []string       `json:"bot_ids"`
}

type fakeInfoUser struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Token string `json:"token"`
}

type fakeInfoChat struct {
	ID      string   `json:"conversation_id"`
	UserIDs []string `json:"user_ids"`
}

const fakeLong = `fake serves the fake GroupMe of the tests over HTTP until it gets SIGINT
or SIGTERM, for clients written in any language. It keeps state (what you
send is there when you list), checks every request and every answer against
openapi.yaml, and serves the v3 API under /v3 and the image service (POST
/pictures, uploaded images under /i/) on the same port.

When it is ready it prints one JSON object on one line on stdout:

  {"api_base_url": "http://127.0.0.1:PORT/v3",
   "image_base_url": "http://127.0.0.1:PORT",
   "v4_base_url": ".../v4", "v2_base_url": ".../v2", "v1_base_url": ".../v1",
   "video_base_url": ".../video", "file_base_url": ".../file",
   "push_url": ".../faye",
   "users": [{"id", "name", "email", "token"}, ...],
   "group_ids": [...], "big_group_id": "...", "former_group_id": "...",
   "direct_conversations": [{"conversation_id": "A+B", "user_ids": [A, B]}],
   "bot_ids": [...]}

users[0] is "me": in every group, in every listed direct conversation but
the last, owner of bot_ids[0] (which posts in big_group_id).
former_group_id is a group users[1] left (and may rejoin). Tokens, ids and
texts depend only on --seed and the sizes, so they are the same on every run
(timestamps end at the time it starts).

Bots: when a message is created in a group (by a user, by a bot's post,
or a poll or event notice), the fake POSTs it, as GroupMe does, to the
callback_url of every bot of the group (the bot's own posts included), in
the background: one attempt, --callback-timeout, no retry. It calls only
hosts on the loopback interface (localhost, 127.0.0.1, ::1) unless
--callback-host allows more, so a bot under development needs no tunnel:

  GROUPME_TOKEN=TOKEN groupme --base-url API_BASE_URL bots create GROUP NAME \
      --callback-url http://127.0.0.1:8000/

The pictures of the seeded messages point at the fake's own /i/, which
serves them (backup --images runs offline).

Every request is logged on stderr (tokens redacted), and so is every
callback: its status (or why there is none), the bot and the message. A
request the spec forbids gets GroupMe's 400/401/404; an answer of the fake that would break
the spec is logged as a violation and replaced by a 500.

Faults (--fault, repeatable; the first rule that fires wins):

  --fault KIND[:RATE][,OPTION...]

  KIND     420 | 429            rate limited (JSON envelope)
           500 | 502 | 503 | 504 server error (JSON envelope)
           html | html=503       an HTML error page (502 unless given)
           truncate              the real answer with its body cut in half
           drop                  close the connection without an answer
           latency=DURATION      answer normally after DURATION (e.g. 300ms)
  RATE     the probability a matching request gets it, 0 < RATE <= 1
           (default 1); drawn from a generator seeded with --seed
  OPTION   retry-after=SECONDS  send Retry-After (420/429/5xx)
           op=OPERATION_ID       only this operation (repeatable)
           every=N               only every Nth matching request
           times=N               at most N times
           after                 handle the request first, then break the
                                 answer (the change is made, the reply lost)

Rate limit (--rate-limit): each token's requests to the API (not image
downloads) pass a token bucket; a request over it gets GroupMe's error
envelope with status 429 and no Retry-After, as GroupMe sends it.

  --rate-limit RATE[,burst=N][,status=420][,retry-after]

  RATE         requests per second (a decimal number)
  burst=N      the bucket's size (default 1)
  status=420   answer 420 (what GroupMe documents) instead of 429
  retry-after  send Retry-After: the seconds until a request fits again

Examples:
  groupme fake --addr 127.0.0.1:8080 --cors
  groupme fake --callback-host bots.internal --callback-timeout 2s
  groupme fake --messages 20000 --rate-limit 20,burst=50
  groupme fake --messages 300 --fault 429:0.1,retry-after=1 --fault 429:0.05
  groupme fake --fault drop:0.2,op=createMessage,after --fault latency=50ms`

func (a *app) fakeCmd() *cobra.Command {
	var (
		addr     string
		seed     int64
		messages int
		faults   []string
		cors     bool
		cbHosts  []string
		cbWait   time.Duration
		limit    string
	)
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Serve the spec-checking fake GroupMe over HTTP (for clients in any language)",
		Long:  fakeLong,
		Args:  exactArgs(),
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:0", "address to listen on (port 0: a free port, see the JSON line)")
	fl.Int64Var(&seed, "seed", demoDataset.Seed, "seed of the dataset (ids, tokens, texts) and of fault rates")
	fl.IntVar(&messages, "messages", demoDataset.Messages, "messages in the big group (big_group_id)")
	fl.StringArrayVar(&faults, "fault", nil, "inject faults: KIND[:RATE][,OPTION...] (see above; repeatable)")
	fl.BoolVar(&cors, "cors", false, "answer CORS preflights and allow any origin (for browser apps)")
	fl.StringArrayVar(&cbHosts, "callback-host", nil, "also call bots back on this host (name or IP as in the callback URL; '*' for any; repeatable)")
	fl.DurationVar(&cbWait, "callback-timeout", 5*time.Second, "time a bot has to answer a callback")
	fl.StringVar(&limit, "rate-limit", "", "limit each token: RATE[,burst=N][,status=420][,retry-after] (see above)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if messages < 0 {
			return usagef("--messages must be 0 or more (got %d)", messages)
		}
		if cbWait <= 0 || cbWait > 5*time.Minute {
			return usagef("--callback-timeout must be between 0 and 5m (got %s)", cbWait)
		}
		a.fakeOpts = append(a.fakeOpts, contracttest.WithCallbackHosts(cbHosts...), contracttest.WithCallbackTimeout(cbWait))
		var rules []contracttest.FaultRule
		for i, spec := range faults {
			r, err := parseFault(spec)
			if err != nil {
				return usageError{fmt.Errorf("--fault %q: %w", spec, err)}
			}
			r.Seed = uint64(seed)*1000 + uint64(i) + 1
			rules = append(rules, r)
		}
		var extra []contracttest.Option
		if limit != "" {
			l, err := parseRateLimit(limit)
			if err != nil {
				return usageError{fmt.Errorf("--rate-limit %q: %w", limit, err)}
			}
			extra = append(extra, contracttest.WithRateLimit(l))
		}
		return a.serveFake(cmd.Context(), addr, seed, messages, rules, cors, extra...)
	}
	return cmd
}

// serveFake runs the server until ctx ends.
func (a *app) serveFake(ctx context.Context, addr string, seed int64, messages int, rules []contracttest.FaultRule, cors bool, extra ...contracttest.Option) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	defer func() { _ = ln.Close() }() // the server's Shutdown may have closed it already
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(a.stderr, "groupme fake: WARNING: listening on %s, not a loopback address: anyone who can reach it can use the fake's tokens\n", ln.Addr())
	}
	root := "http://" + ln.Addr().String()

	dataset := demoDataset
	dataset.Seed, dataset.Messages = seed, messages
	if messages == 0 {
		dataset.Messages = -1
	}
	logv := &lineLog{w: a.stderr}
	opts := append([]contracttest.Option{
		contracttest.WithDataset(dataset),
		contracttest.WithPublicURL(root),
		contracttest.WithViolationsAs500(),
		contracttest.WithViolationHandler(func(err error) {
			logv.printf("groupme fake: !!! SPEC VIOLATION (answered 500 instead): %v", err)
		}),
		contracttest.WithFaults(rules...),
		contracttest.WithCallbackObserver(func(d contracttest.CallbackDelivery) { logv.printf("%s", callbackLine(d)) }),
	}, append(extra, a.fakeOpts...)...)
	f := contracttest.NewFake(opts...)
	defer f.Close()
	ds := f.Dataset()
	if ds == nil || len(ds.Users) == 0 {
		return errors.New("the fake GroupMe has no users")
	}

	var h http.Handler = f
	if cors {
		h = allowCORS(h)
	}
	srv := &http.Server{
		Handler:           logRequests(h, logv),
		ReadHeaderTimeout: contracttest.ReadHeaderTimeout,
		ReadTimeout:       contracttest.ReadTimeout,
		IdleTimeout:       2 * time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	info := fakeInfo{APIBaseURL: root + "/v3", ImageBaseURL: root,
		V4BaseURL: root + "/v4", V2BaseURL: root + "/v2", V1BaseURL: root + "/v1",
		VideoBaseURL: root + "/video", FileBaseURL: root + "/file", PushURL: root + "/faye",
		Groups: ds.Groups, BigGroup: ds.Groups[0],
		FormerGroup: ds.FormerGroup, Bots: ds.Bots, Chats: []fakeInfoChat{}}
	for _, u := range ds.Users {
		info.Users = append(info.Users, fakeInfoUser{ID: u.ID, Name: u.Name, Email: u.Email, Token: u.Token})
	}
	for _, c := range ds.Chats {
		info.Chats = append(info.Chats, fakeInfoChat{ID: c, UserIDs: strings.Split(c, "+")})
	}
	line, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(a.stdout, "%s\n", line); err != nil {
		return err
	}
	logv.printf("groupme fake: serving %s (API %s/v3); %d users, %d groups, %d messages in %s; Ctrl-C stops it",
		root, root, len(ds.Users), len(ds.Groups), max(messages, 0), ds.Groups[0])

	select {
	case err := <-served:
		return fmt.Errorf("the fake GroupMe stopped: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	if err != nil {
		_ = srv.Close()
	}
	logv.printf("groupme fake: stopped")
	return nil
}

// callbackLine is the log line of one callback: the bot's status (or ---
// and why there was none), the URL without its query, the bot's name and
// the message.
func callbackLine(d contracttest.CallbackDelivery) string {
	status := "---"
	if d.Status != 0 {
		status = strconv.Itoa(d.Status)
	}
	line := fmt.Sprintf("%s CALLBACK POST %s bot %q message %s %s", status, d.URL, d.BotName, d.MessageID, d.Duration.Round(time.Microsecond))
	if d.Err != nil {
		line += ": " + d.Err.Error()
		if errors.Is(d.Err, contracttest.ErrCallbackHostRefused) {
			line += " (allow it with --callback-host)"
		}
	}
	return line
}

// parseRateLimit reads --rate-limit: RATE[,burst=N][,status=420|429][,retry-after].
func parseRateLimit(spec string) (contracttest.RateLimit, error) {
	parts := strings.Split(spec, ",")
	rate, err := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
	if err != nil || !(rate > 0 && rate <= 1e6) {
		return contracttest.RateLimit{}, fmt.Errorf("rate %q is not a number of requests per second in (0, 1000000]", parts[0])
	}
	l := contracttest.RateLimit{Rate: rate, Burst: 1, Status: 429}
	for _, opt := range parts[1:] {
		key, val, hasVal := strings.Cut(strings.TrimSpace(opt), "=")
		switch key {
		case "burst":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 1e6 {
				return l, fmt.Errorf("burst=%s: want a whole number from 1 to 1000000", val)
			}
			l.Burst = n
		case "status":
			if val != "420" && val != "429" {
				return l, fmt.Errorf("status=%s: want 420 or 429", val)
			}
			l.Status, _ = strconv.Atoi(val)
		case "retry-after":
			if hasVal {
				return l, errors.New("retry-after takes no value (the fake sends the seconds until the next request fits)")
			}
			l.RetryAfter = true
		default:
			return l, fmt.Errorf("unknown option %q (want burst=, status= or retry-after)", opt)
		}
	}
	return l, nil
}

// parseFault reads one --fault value; see fakeLong for the syntax.
//
//nolint:gocognit // two flat switches, one case per fault kind and option, each checking its value
func parseFault(spec string) (contracttest.FaultRule, error) {
	var r contracttest.FaultRule
	parts := strings.Split(spec, ",")
	head := strings.TrimSpace(parts[0])
	kind, rate, hasRate := strings.Cut(head, ":")
	if hasRate {
		v, err := strconv.ParseFloat(rate, 64)
		if err != nil || !(v > 0 && v <= 1) {
			return r, fmt.Errorf("rate %q is not a number in (0, 1]", rate)
		}
		if v < 1 {
			r.Rate = v
		}
	}
	name, arg, hasArg := strings.Cut(kind, "=")
	switch name {
	case "420", "429":
		status, _ := strconv.Atoi(name)
		r.Fault = contracttest.RateLimited(status, "")
	case "500", "502", "503", "504":
		status, _ := strconv.Atoi(name)
		r.Fault = contracttest.ServerError(status)
	case "html":
		status := 502
		if hasArg {
			s, err := strconv.Atoi(arg)
			if err != nil || (s != 500 && s != 502 && s != 503) {
				return r, fmt.Errorf("html=%s: the page's status must be 500, 502 or 503", arg)
			}
			status = s
		}
		r.Fault = contracttest.HTMLError(status)
	case "truncate":
		r.Fault = contracttest.TruncatedBody()
	case "drop":
		r.Fault = contracttest.DropConnection()
	case "latency":
		d, err := time.ParseDuration(arg)
		if !hasArg || err != nil || d <= 0 || d > 10*time.Minute {
			return r, fmt.Errorf("latency needs a duration between 0 and 10m, as in latency=300ms")
		}
		r.Fault = contracttest.Latency(d)
	default:
		return r, fmt.Errorf("unknown kind %q (want 420, 429, 500, 502, 503, 504, html, truncate, drop or latency=DURATION)", kind)
	}
	if hasArg && name != "html" && name != "latency" {
		return r, fmt.Errorf("%s takes no =value", name)
	}
	for _, opt := range parts[1:] {
		key, val, _ := strings.Cut(strings.TrimSpace(opt), "=")
		switch key {
		case "retry-after":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > 86400 {
				return r, fmt.Errorf("retry-after=%s: want whole seconds, 0 to 86400", val)
			}
			if r.Fault.Kind != contracttest.FaultStatus {
				return r, fmt.Errorf("retry-after goes with 420, 429 and 5xx")
			}
			r.Fault.RetryAfter = val
		case "op":
			if val == "" {
				return r, errors.New("op= needs an operationId, as in op=createMessage")
			}
			r.Operations = append(r.Operations, val)
		case "every", "times":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return r, fmt.Errorf("%s=%s: want a whole number of at least 1", key, val)
			}
			if key == "every" {
				r.Every = n
			} else {
				r.Times = n
			}
		case "after":
			if r.Fault.Kind == contracttest.FaultLatency {
				return r, errors.New("after does not apply to latency")
			}
			r.Fault = r.Fault.After()
		default:
			return r, fmt.Errorf("unknown option %q (want retry-after=, op=, every=, times= or after)", opt)
		}
	}
	for _, op := range r.Operations {
		if !slices.Contains(operationIDs(), op) {
			return r, fmt.Errorf("op=%s: no such operationId in openapi.yaml", op)
		}
	}
	return r, nil
}

// operationIDs lists the spec's operationIds.
func operationIDs() []string {
	doc, err := contracttest.LoadSpec()
	if err != nil {
		return nil
	}
	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	return ids
}

// allowCORS answers preflights and lets any origin read any answer, with
// the headers a GroupMe client sends and reads.
func allowCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "Retry-After, Content-Length, Content-Type")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
			allow := "X-Access-Token, Content-Type, Accept"
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				allow = req
			}
			h.Set("Access-Control-Allow-Headers", allow)
			h.Set("Access-Control-Max-Age", "600")
			h.Add("Vary", "Access-Control-Request-Headers")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// lineLog writes whole lines to a shared writer from many goroutines.
type lineLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineLog) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

// logRequests logs one line per request: status, method, path and query
// (with any token redacted), bytes and time taken.
func logRequests(next http.Handler, log *lineLog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			status := strconv.Itoa(rec.status)
			if rec.hijacked {
				status = "---" // a dropped connection
			}
			log.printf("%s %s %s %dB %s", status, r.Method, redactedURI(r.URL), rec.bytes, time.Since(start).Round(time.Microsecond))
		}()
		next.ServeHTTP(rec, r)
	})
}

// redactedURI is the request's path and query with the token replaced.
func redactedURI(u *url.URL) string {
	q := u.Query()
	if q.Has("token") {
		q.Set("token", "REDACTED")
		return u.EscapedPath() + "?" + q.Encode()
	}
	return u.RequestURI()
}

// statusRecorder notes the status and size of an answer, and still lets
// the fake hijack the connection to drop it.
type statusRecorder struct {
	http.ResponseWriter
	status   int
	bytes    int
	hijacked bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the connection cannot be hijacked")
	}
	s.hijacked = true
	return hj.Hijack()
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
