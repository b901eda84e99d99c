package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
	"github.com/spf13/cobra"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// epoch is the fixed time of every test fake, so output is the same on
// every run.
var epoch = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func fixedClock() contracttest.Option {
	return contracttest.WithClock(contracttest.NewManualClock(epoch).Now)
}

// result is one in-process run of the program.
type result struct {
	stdout, stderr string
	code           int
}

// runWith runs the program in-process with vars as its environment and a
// private config directory.
func runWith(t *testing.T, ctx context.Context, vars map[string]string, fakeOpts []contracttest.Option, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{
		stdout:    &out,
		stderr:    &errb,
		getenv:    func(k string) string { return vars[k] },
		now:       func() time.Time { return epoch },
		configDir: t.TempDir(),
		fakeOpts:  append([]contracttest.Option{fixedClock()}, fakeOpts...),
	}
	code := run(ctx, args, e)
	return result{out.String(), errb.String(), code}
}

// runFake runs the program with no token, so it uses its built-in fake.
func runFake(t *testing.T, args ...string) result {
	return runWith(t, t.Context(), nil, nil, append([]string{"--fake"}, args...)...)
}

// newServer starts a fake GroupMe seeded like the built-in one, which the
// program reaches as if it were the real one (with a token), so state
// carries over from one run to the next.
func newServer(t *testing.T, opts ...contracttest.Option) *contracttest.Server {
	return contracttest.NewServer(t, append([]contracttest.Option{contracttest.WithDataset(demoDataset), fixedClock()}, opts...)...)
}

// runOn runs the program against srv with its main user's token.
func runOn(t *testing.T, srv *contracttest.Server, args ...string) result {
	t.Helper()
	full := append([]string{"--base-url", srv.URL, "--image-url", srv.ImageURL}, args...)
	return runWith(t, t.Context(), map[string]string{"GROUPME_TOKEN": srv.Token}, nil, full...)
}

var loopback = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// golden compares got with testdata/golden/name, after replacing the fake's
// random port; -update rewrites the file.
func golden(t *testing.T, name, got string) {
	t.Helper()
	got = loopback.ReplaceAllString(got, "http://fake")
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/groupme -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func mustOK(t *testing.T, r result) {
	t.Helper()
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestMain(m *testing.M) {
	if n, err := strconv.Atoi(os.Getenv(staticServerEnv)); err == nil {
		serveStatic(n) // this process is a benchmark's server
		os.Exit(0)
	}
	if os.Getenv(mainEnv) == "1" {
		main() // this process is the program, run by a test (mcp_test.go)
	}
	if args := os.Getenv(fakeChildEnv); args != "" {
		os.Exit(fakeChild(args)) // this process is a benchmark's fake GroupMe
	}
	if args := os.Getenv(backupChildEnv); args != "" {
		os.Exit(backupChild(args)) // this process is a backup to be killed
	}
	flag.Parse()
	os.Exit(m.Run())
}

// ids looks up seeded ids the way a user would read them off the output.
type ids struct {
	group, other, message, bot, user2 string
}

func seeded(t *testing.T, srv *contracttest.Server) ids {
	t.Helper()
	ds := srv.Dataset
	msgs := srv.Fake.GroupMessages(ds.Groups[0])
	if len(msgs) == 0 || len(ds.Bots) == 0 || len(ds.Users) < 2 {
		t.Fatal("the demo dataset lacks messages, bots or users")
	}
	return ids{group: ds.Groups[0], other: ds.Groups[1], message: msgs[len(msgs)-1].ID, bot: ds.Bots[0], user2: ds.Users[1].ID}
}

func TestCommandsGolden(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	id := seeded(t, srv)
	png := writePNG(t)
	cases := []struct {
		name string
		args []string
	}{
		{"groups", []string{"groups"}},
		{"group", []string{"group", id.group}},
		{"messages", []string{"messages", id.group, "--limit", "5"}},
		{"messages-before", []string{"messages", id.group, "--limit", "3", "--before", id.message}},
		{"messages-after", []string{"messages", id.group, "--limit", "3", "--after", "0"}},
		{"chats", []string{"chats"}},
		{"dms", []string{"dms", id.user2, "--limit", "4"}},
		{"me", []string{"me"}},
		{"bots-list", []string{"bots", "list"}},
		{"leaderboard", []string{"leaderboard", id.group, "--period", "month"}},
		{"leaderboard-mine", []string{"leaderboard", id.group, "--mine"}},
		{"upload", []string{"upload", png}},
	}
	for _, c := range cases {
		for _, asJSON := range []bool{false, true} {
			name, args := c.name+".txt", c.args
			if asJSON {
				name, args = c.name+".json", append([]string{"--json"}, args...)
			}
			r := runOn(t, srv, args...)
			mustOK(t, r)
			golden(t, name, r.stdout)
		}
	}
}

// TestWritesGolden runs every command that changes something, in an order
// where each finds what the one before made, on one fake.
func TestWritesGolden(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	id := seeded(t, srv)
	png := writePNG(t)
	steps := []struct {
		name string
		args []string
	}{
		{"send", []string{"send", id.group, "Hello from the tests", "--image", png}},
		{"dm", []string{"dm", id.user2, "Are you driving?"}},
		{"like", []string{"like", id.group, id.message}},
		{"unlike", []string{"unlike", id.group, id.message}},
		{"like-emoji", []string{"--json", "like", id.group, id.message, "--emoji", "🔥"}},
		{"bots-create", []string{"bots", "create", id.group, "Trail weather", "--callback-url", "https://example.com/cb"}},
		{"bots-post", []string{"bots", "post", id.bot, "Sunny tomorrow"}},
		{"bots-destroy", []string{"bots", "destroy", id.bot}},
		{"members-add", []string{"--json", "members", "add", id.other, "Newcomer", "--email", "new@example.com"}},
	}
	for _, s := range steps {
		r := runOn(t, srv, s.args...)
		mustOK(t, r)
		golden(t, s.name+".txt", r.stdout)
	}
	// The results id comes from the add; poll it, then remove the member.
	var add struct {
		ResultsID string `json:"results_id"`
	}
	r := runOn(t, srv, "--json", "members", "add", id.other, "Second", "--user-id", id.user2)
	mustOK(t, r)
	if err := jsonUnmarshal(r.stdout, &add); err != nil || add.ResultsID == "" {
		t.Fatalf("members add printed %q", r.stdout)
	}
	r = runOn(t, srv, "members", "results", id.other, add.ResultsID)
	mustOK(t, r)
	golden(t, "members-results.txt", r.stdout)
	var members []struct {
		ID string `json:"id"`
	}
	r = runOn(t, srv, "--json", "members", "results", id.other, add.ResultsID, "--wait=false")
	mustOK(t, r)
	if err := jsonUnmarshal(r.stdout, &members); err != nil || len(members) != 1 {
		t.Fatalf("members results printed %q", r.stdout)
	}
	r = runOn(t, srv, "members", "remove", id.other, members[0].ID)
	mustOK(t, r)
	golden(t, "members-remove.txt", r.stdout)

	// What the writes did is visible to the reads.
	if got := runOn(t, srv, "bots", "list").stdout; strings.Contains(got, id.bot) {
		t.Errorf("bots list still shows the destroyed bot:\n%s", got)
	}
	if got := runOn(t, srv, "messages", id.group, "--limit", "3").stdout; !strings.Contains(got, "Sunny tomorrow") || !strings.Contains(got, "Hello from the tests") {
		t.Errorf("messages lack the sent and bot-posted messages:\n%s", got)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cases := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"nosuchcommand"}, exitUsage, "unknown command"},
		{[]string{"group"}, exitUsage, "group needs ID; ID is missing"},
		{[]string{"send", "1"}, exitUsage, "send needs GROUP TEXT; TEXT is missing"},
		{[]string{"group", "1", "2"}, exitUsage, `group needs only ID; "2" is one argument too many`},
		{[]string{"me", "x"}, exitUsage, `me takes no arguments, but was given "x"`},
		{[]string{"bots", "frob"}, exitUsage, `bots has no subcommand "frob"; use one of: create, destroy, list, post`},
		{[]string{"messages", "1", "--before", "abc"}, exitUsage, `--before needs a message id`},
		{[]string{"dms", "1", "--after", "12x"}, exitUsage, `--after needs a message id`},
		{[]string{"upload", os.TempDir()}, exitUsage, "is a directory, not an image file"},
		{[]string{}, exitUsage, "no command given"},
		{[]string{"groups", "--bogus"}, exitUsage, "unknown flag"},
		{[]string{"messages", "1", "--limit", "500"}, exitUsage, "--limit"},
		{[]string{"leaderboard", "1", "--period", "year"}, exitUsage, "--period"},
		{[]string{"members", "add", "1", "Nick"}, exitUsage, "exactly one"},
		{[]string{"bots"}, exitUsage, "subcommand"},
		{[]string{"group", "999999"}, exitAPI, "404"},
		{[]string{"messages", "999999"}, exitAPI, "404"},
		{[]string{"upload", "/no/such/file.png"}, exitAPI, "no such file"},
		{[]string{"me"}, exitOK, ""},
	}
	for _, c := range cases {
		r := runOn(t, srv, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.inStderr) {
			t.Errorf("groupme %s: exit %d, stderr %q; want exit %d with %q", strings.Join(c.args, " "), r.code, r.stderr, c.code, c.inStderr)
		}
		if strings.Contains(r.stderr, "groupme: groupme") || strings.Contains(r.stderr, "argument(s)") {
			t.Errorf("groupme %s: stderr %q says groupme twice or is not plain words", strings.Join(c.args, " "), r.stderr)
		}
	}
	// No command: the help goes to stderr, before the error.
	if r := runOn(t, srv); r.stdout != "" || !strings.HasPrefix(r.stderr, "groupme talks to GroupMe") || !strings.Contains(r.stderr, "Available Commands") {
		t.Errorf("groupme alone: stdout %q, stderr %q", r.stdout, r.stderr)
	}
}

// TestDiskFullNamesTheFileOnce: a full disk during an export says so once,
// with the file's name, and how to go on.
func TestDiskFullNamesTheFileOnce(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	srv := newServer(t)
	r := runOn(t, srv, "export", srv.Dataset.Groups[0], "--out", "/dev/full")
	if r.code != exitAPI || strings.Count(r.stderr, "/dev/full") != 1 || !strings.Contains(r.stderr, "no space left on device") || !strings.Contains(r.stderr, "--resume") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestOnlyBaseURLKeepsUploadsLocal: with --base-url alone, an upload goes
// to the same server, never to the real image service.
func TestOnlyBaseURLKeepsUploadsLocal(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	png := writePNG(t)
	r := runWith(t, t.Context(), map[string]string{"GROUPME_TOKEN": srv.Token}, nil, "--base-url", srv.URL, "upload", png)
	mustOK(t, r)
	if srv.Fake.Calls("uploadImage") != 1 {
		t.Errorf("the upload did not reach the fake: stdout %q, uploadImage calls %d", r.stdout, srv.Fake.Calls("uploadImage"))
	}
}

func TestAPIErrorShowsStatusAndText(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contracttest.WithFaults(contracttest.FaultRule{
		Fault: contracttest.ServerError(500), Operations: []string{"getMe"},
	}))
	r := runOn(t, srv, "me")
	if r.code != exitAPI || !strings.Contains(r.stderr, "500") {
		t.Fatalf("exit %d, stderr %q; want 1 with the status", r.code, r.stderr)
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	root := (&app{env: env{getenv: func(string) string { return "" }}}).rootCommand()
	paths := allCommands(root, nil)
	if len(paths) < 20 {
		t.Fatalf("found only %d commands", len(paths))
	}
	for _, c := range paths {
		args := append(c, "--help")
		r := runFake(t, args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("groupme %s: exit %d, stdout %q", strings.Join(args, " "), r.code, r.stdout)
		}
	}
}

// Without a token a command that talks to GroupMe is a usage error that
// names every way to give one, and the way to try the program without one:
// a scheduled job whose token went missing must not "succeed" on a fake.
func TestNoTokenIsAUsageError(t *testing.T) {
	t.Parallel()
	r := runWith(t, t.Context(), nil, nil, "me")
	if r.code != exitUsage || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, exitUsage)
	}
	for _, want := range []string{"groupme login", "--token", "GROUPME_TOKEN", "config.json", "--fake", "groupme demo"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not mention %s: %q", want, r.stderr)
		}
	}
	r = runFake(t, "me")
	mustOK(t, r)
	if !strings.Contains(r.stderr, "fake GroupMe") {
		t.Errorf("--fake: stderr does not say the fake is used: %q", r.stderr)
	}
}

func TestTokenSourcesAndNeverPrinted(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const secretish = "tok-that-must-not-leak"
	// A wrong token from the flag: the API says 401, and neither output
	// shows the token, whichever way it is sent.
	r := runWith(t, t.Context(), nil, nil, "--base-url", srv.URL, "--token", secretish, "me")
	if r.code != exitAPI || !strings.Contains(r.stderr, "401") {
		t.Fatalf("exit %d, stderr %q; want 401", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, secretish) {
		t.Fatalf("the token was printed:\n%s%s", r.stdout, r.stderr)
	}
	// The config file is read when neither flag nor variable is set.
	var out, errb bytes.Buffer
	e := env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, configDir: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(e.configDir, "groupme"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.configFile(), []byte(`{"token": "`+srv.Token+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run(t.Context(), []string{"--base-url", srv.URL, "me"}, e); code != exitOK {
		t.Fatalf("config-file token: exit %d, %s", code, errb.String())
	}
	if strings.Contains(errb.String(), "fake GroupMe") || strings.Contains(out.String()+errb.String(), srv.Token) {
		t.Errorf("with a config token the program used the fake or printed the token: %s%s", out.String(), errb.String())
	}
}

// allCommands lists the path of every command below cmd (cmd itself too).
func allCommands(cmd *cobra.Command, path []string) [][]string {
	out := [][]string{append([]string(nil), path...)}
	for _, sub := range cmd.Commands() {
		if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
			continue
		}
		out = append(out, allCommands(sub, append(path, sub.Name()))...)
	}
	return out
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// writePNG writes the demo picture to a temporary file and returns its path.
func writePNG(t *testing.T) string {
	t.Helper()
	png := filepath.Join(t.TempDir(), "pic.png")
	if err := os.WriteFile(png, demoPNG(), 0o644); err != nil {
		t.Fatal(err)
	}
	return png
}

// TestHangingServerEnds: against a server that accepts requests and never
// answers, a command ends on the client's default timeout (in fake time).
func TestHangingServerEnds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		hang := hangTransport{}
		var out, errb bytes.Buffer
		e := env{
			stdout: &out, stderr: &errb,
			getenv:     func(k string) string { return map[string]string{"GROUPME_TOKEN": "tok"}[k] },
			configDir:  t.TempDir(),
			clientOpts: []client.Option{client.WithHTTPClient(&http.Client{Transport: hang})},
		}
		start := time.Now()
		code := run(t.Context(), []string{"--base-url", "http://hang.test/v3", "groups"}, e)
		if code != exitAPI || !strings.Contains(errb.String(), "no complete answer within 1m0s") {
			t.Fatalf("exit %d, stderr %q", code, errb.String())
		}
		if took := time.Since(start); took < 4*client.DefaultTimeout || took > 10*time.Minute {
			t.Errorf("took %v; want four attempts of a minute and the back-off", took)
		}
	})
}

type hangTransport struct{}

func (hangTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}
