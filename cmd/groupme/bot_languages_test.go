package main

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
)

// The README's bots in other languages, each a dozen lines with no
// library: examples/python/pingbot.py (http.server) and
// examples/node/pingbot.mjs (node:http).
var (
	pythonBot = filepath.Join("..", "..", "examples", "python", "pingbot.py")
	nodeBot   = filepath.Join("..", "..", "examples", "node", "pingbot.mjs")
)

// TestPythonBotAgainstFake runs the README's "Writing a bot" steps with a
// bot in another language: `groupme fake` runs, the Python bot (plain
// http.server) listens on 127.0.0.1, `groupme bots create` gives it that
// callback URL, `groupme send` posts "!ping" as a user, and the bot's
// "pong" (sent through /v3/bots/post) appears in the group. No tunnel: the
// fake calls the bot on the loopback interface. The time from the send to
// the reply is logged; the test waits at most 15 s for it.
func TestPythonBotAgainstFake(t *testing.T) {
	pingBotAgainstFake(t, "python3", pythonBot)
}

// TestNodeBotAgainstFake is TestPythonBotAgainstFake with the Node bot.
func TestNodeBotAgainstFake(t *testing.T) {
	pingBotAgainstFake(t, "node", nodeBot)
}

func pingBotAgainstFake(t *testing.T, interpreter, script string) {
	bin, err := exec.LookPath(interpreter)
	if err != nil {
		t.Skipf("%s is not installed: the README's bot %s cannot be tried (install %s to run this test)", interpreter, script, interpreter)
	}
	if _, err := os.Stat(script); err != nil {
		t.Fatal(err)
	}
	info, _, stderr := startFakeCommand(t)
	token, group := info.Users[0].Token, info.BigGroup
	vars := map[string]string{"GROUPME_TOKEN": token}
	cli := func(args ...string) result {
		t.Helper()
		r := runWith(t, t.Context(), vars, nil, append([]string{"--base-url", info.APIBaseURL, "--json"}, args...)...)
		if r.code != 0 {
			t.Fatalf("groupme %s: exit %d: %s", strings.Join(args, " "), r.code, r.stderr)
		}
		return r
	}

	// A free port for the bot. Another program could take it before the
	// bot does; then the bot fails to start and the test says so.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	var bot client.Bot
	r := cli("bots", "create", group, "Pingbot", "--callback-url", "http://127.0.0.1:"+strconv.Itoa(port)+"/")
	if err := json.Unmarshal([]byte(r.stdout), &bot); err != nil || bot.BotID == "" {
		t.Fatalf("bots create printed %q: %v", r.stdout, err)
	}

	cmd := exec.CommandContext(t.Context(), bin, script)
	cmd.Env = append(os.Environ(), "BOT_ID="+bot.BotID, "PORT="+strconv.Itoa(port), "GROUPME_API="+info.APIBaseURL)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var botErr strings.Builder
	cmd.Stderr = &botErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// exited is closed once the bot has exited, with waitErr set: closed,
	// not sent on, so that the cleanup does not wait forever when a select
	// below has seen the exit already.
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if !strings.HasPrefix(line, "listening") {
			t.Fatalf("the bot did not start: %q %s", line, botErr.String())
		}
	case <-exited:
		t.Fatalf("the bot exited: %v: %s", waitErr, botErr.String())
	case <-time.After(15 * time.Second):
		t.Fatal("the bot did not say it was listening within 15s")
	}

	sent := time.Now()
	cli("send", group, "!ping")
	api, err := client.New(token, client.WithBaseURL(info.APIBaseURL))
	if err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	for {
		page, err := api.ListMessages(t.Context(), group, &client.MessageParams{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Messages {
			if m.Text != nil && *m.Text == "pong" && m.SenderType != nil && *m.SenderType == "bot" && m.Name == "Pingbot" {
				t.Logf("the %s bot's pong appeared %s after the send", interpreter, time.Since(sent).Round(time.Millisecond))
				if log := stderr.String(); !strings.Contains(log, `200 CALLBACK POST http://127.0.0.1:`+strconv.Itoa(port)+`/ bot "Pingbot"`) {
					t.Errorf("the fake's log shows no delivery to the bot:\n%s", log)
				}
				return
			}
		}
		select {
		case <-tick.C:
		case <-exited:
			t.Fatalf("the bot exited: %v: %s", waitErr, botErr.String())
		case <-deadline:
			t.Fatalf("no pong from the bot within 15s; its stderr: %s\nthe fake's log:\n%s", botErr.String(), stderr.String())
		}
	}
}

// TestFakeCallbackFlags: a --callback-timeout out of range is a usage
// error (exit code 2).
func TestFakeCallbackFlags(t *testing.T) {
	for _, v := range []string{"0s", "-1s", "6m"} {
		if r := runWith(t, t.Context(), nil, nil, "fake", "--callback-timeout", v); r.code != exitUsage || !strings.Contains(r.stderr, "--callback-timeout") {
			t.Errorf("--callback-timeout %s: exit %d, stderr %q", v, r.code, r.stderr)
		}
	}
}
