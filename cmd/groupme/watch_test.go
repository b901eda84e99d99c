package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// watchBuffer is an output the test reads while the program writes it; each
// write wakes the waiters.
type watchBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
	done  <-chan struct{} // closed when the program has ended
}

func newWatchBuffer() *watchBuffer { return &watchBuffer{wrote: make(chan struct{}, 1)} }

func (w *watchBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return n, err
}

func (w *watchBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor blocks until the output holds n copies of s, or fails the test
// when the program ends first.
func (w *watchBuffer) waitFor(t *testing.T, s string, n int) {
	t.Helper()
	for strings.Count(w.String(), s) < n {
		select {
		case <-w.wrote:
		case <-w.done:
			if strings.Count(w.String(), s) < n {
				t.Fatalf("the program ended before printing %q; it printed:\n%s", s, w.String())
			}
		}
	}
}

// startWatch runs `groupme watch args...` against srv in the background.
// The outputs' waitFor fails the test if the program ends first; the
// program is stopped after a minute at most (a bound on a broken test, not
// a wait).
func startWatch(t *testing.T, srv *contracttest.Server, args ...string) (stdout, stderr *watchBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = newWatchBuffer(), newWatchBuffer()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	e := env{
		stdout:    stdout,
		stderr:    stderr,
		getenv:    func(k string) string { return map[string]string{"GROUPME_TOKEN": srv.Token}[k] },
		now:       func() time.Time { return epoch },
		configDir: t.TempDir(),
	}
	done := make(chan struct{})
	code := exitOK
	full := append([]string{"--base-url", srv.URL, "--image-url", srv.ImageURL, "watch"}, args...)
	go func() { code = run(ctx, full, e); close(done) }()
	t.Cleanup(cancel)
	stdout.done, stderr.done = done, done
	stderr.waitFor(t, "watching", 1)
	return stdout, stderr, func() int {
		cancel() // what Ctrl-C does through signal.NotifyContext
		<-done
		return code
	}
}

func otherUser(t *testing.T, srv *contracttest.Server) *client.Client {
	t.Helper()
	c, err := client.New(srv.Dataset.Users[1].Token, client.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// watch shows, as a table line, a message another client sends to the same
// fake; a dropped push connection loses nothing and repeats nothing; Ctrl-C
// ends it with exit code 0.
func TestWatchShowsMessagesFromAnotherClient(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	group := srv.Dataset.Groups[0]
	stdout, stderr, stop := startWatch(t, srv, group)
	other := otherUser(t, srv)
	send := func(text string) {
		if _, err := other.CreateMessage(t.Context(), group, client.NewMessage{Text: client.Ptr(text)}); err != nil {
			t.Fatal(err)
		}
	}
	send("hello watchers")
	stdout.waitFor(t, "hello watchers", 1)

	srv.Fake.DropPushConnections()
	send("sent around the drop")
	stderr.waitFor(t, "reconnected", 1)
	send("after the reconnect")
	stdout.waitFor(t, "after the reconnect", 1)

	if code := stop(); code != exitOK {
		t.Fatalf("exit %d after Ctrl-C, want 0; stderr:\n%s", code, stderr)
	}
	out := stdout.String()
	for _, text := range []string{"hello watchers", "sent around the drop", "after the reconnect"} {
		if n := strings.Count(out, text); n != 1 {
			t.Errorf("%q printed %d times, want once:\n%s", text, n, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "TIME") || !strings.Contains(lines[1], group) || !strings.Contains(lines[3], "after the reconnect") {
		t.Errorf("want a header and three message lines naming the group, in order, got:\n%s", out)
	}
	if strings.Contains(stderr.String(), srv.Token) || strings.Contains(out, srv.Token) {
		t.Error("the token was printed")
	}
}

// --json prints one JSON object per message.
func TestWatchJSONLines(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	stdout, _, stop := startWatch(t, srv, "--json")
	other := otherUser(t, srv)
	sent, err := other.CreateDirectMessage(t.Context(), client.NewDirectMessage{RecipientID: srv.Dataset.Users[0].ID, Text: client.Ptr("json please")})
	if err != nil {
		t.Fatal(err)
	}
	stdout.waitFor(t, "json please", 1)
	if code := stop(); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var line struct {
		Type           string               `json:"type"`
		ConversationID string               `json:"conversation_id"`
		Backfilled     bool                 `json:"backfilled"`
		Message        client.DirectMessage `json:"message"`
	}
	out := strings.TrimSpace(stdout.String())
	if strings.Count(out, "\n") != 0 {
		t.Fatalf("want one line, got:\n%s", out)
	}
	if err := json.Unmarshal([]byte(out), &line); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if line.Type != "direct_message.create" || line.Message.ID != sent.ID || !strings.Contains(line.ConversationID, srv.Dataset.Users[1].ID) {
		t.Errorf("line %+v", line)
	}
}

func TestWatchRejectsBadGroupID(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := runOn(t, srv, "watch", "not-a-group")
	if r.code != exitUsage || !strings.Contains(r.stderr, "not a group id") {
		t.Errorf("exit %d, stderr %q; want a usage error", r.code, r.stderr)
	}
}

// watch --fake says how another command posts to its fake, and shows what
// that command sends.
func TestWatchFakeShowsAnotherCommand(t *testing.T) {
	t.Parallel()
	stdout, stderr := newWatchBuffer(), newWatchBuffer()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	e := env{stdout: stdout, stderr: stderr, getenv: func(string) string { return "" }, now: func() time.Time { return epoch }, configDir: t.TempDir()}
	done := make(chan struct{})
	code := exitOK
	go func() { code = run(ctx, []string{"--fake", "watch"}, e); close(done) }()
	stdout.done, stderr.done = done, done
	stderr.waitFor(t, "watching", 1)
	var cmd []string
	for _, line := range strings.Split(stderr.String(), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "groupme" && slices.Contains(f, "send") {
			cmd = f[1:]
		}
	}
	if len(cmd) != 7 {
		t.Fatalf("no send command to copy in stderr:\n%s", stderr)
	}
	cmd[len(cmd)-1] = "hello from another command"
	sent := runWith(t, t.Context(), nil, nil, cmd...)
	mustOK(t, sent)
	stdout.waitFor(t, "hello from another command", 1)
	cancel()
	<-done
	if code != exitOK {
		t.Fatalf("exit %d after Ctrl-C", code)
	}
}
