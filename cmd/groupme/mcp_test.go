package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// uploadOps are the operations no tool is made for, whatever the flags:
// their request bodies are files (an image, a video, a file), which JSON
// tool arguments cannot carry.
var uploadOps = []string{"uploadFile", "uploadImage", "uploadVideo"}

// expectedTools restates the filters over the spec's operations: reads
// (GET, HEAD) always, the others with allowWrite; unofficial operations
// only with unofficial; uploads never.
func expectedTools(t *testing.T, f mcpFilter) []string {
	t.Helper()
	doc, err := contracttest.LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			unofficial, _ := op.Extensions["x-unofficial"].(bool)
			switch {
			case slices.Contains(uploadOps, op.OperationID):
			case method != http.MethodGet && method != http.MethodHead && !f.allowWrite:
			case unofficial && !f.unofficial:
			default:
				want = append(want, op.OperationID)
			}
		}
	}
	slices.Sort(want)
	return want
}

// mcpSession connects the SDK's client to an in-process server for f,
// calling the fake srv with token, over the SDK's in-memory transport.
func mcpSession(t *testing.T, srv *contracttest.Server, token string, f mcpFilter) *mcp.ClientSession {
	t.Helper()
	api, err := client.New(token, client.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	server, _, err := newMCPServer(api, token, f)
	if err != nil {
		t.Fatal(err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := server.Connect(t.Context(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(t.Context(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

func toolNames(t *testing.T, cs *mcp.ClientSession) map[string]*mcp.Tool {
	t.Helper()
	out := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(t.Context(), nil) {
		if err != nil {
			t.Fatalf("tools/list: %v", err)
		}
		out[tool.Name] = tool
	}
	return out
}

// callTool calls a tool and returns its result and all its text, which
// the caller checks for the token.
func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (*mcp.CallToolResult, string) {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error %v", name, err)
	}
	var all strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			all.WriteString(tc.Text)
			all.WriteByte('\n')
		}
	}
	sc, _ := json.Marshal(res.StructuredContent)
	all.Write(sc)
	return res, all.String()
}

// firstText is the JSON text of a result (its first content).
func firstText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) == 0 {
		t.Fatal("a result without content")
	}
	tc, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("content is %T, not text", res.Content[0])
	}
	return tc.Text
}

// TestMCPToolListFollowsSpec holds the tools of each flag combination to
// the spec's operations by the filters, and checks what each tool is made
// of: summary and description, required path parameters, no token
// parameter, JSON Schema without OpenAPI's nullable or $ref.
func TestMCPToolListFollowsSpec(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, f := range []mcpFilter{{}, {allowWrite: true}, {unofficial: true}, {allowWrite: true, unofficial: true}} {
		t.Run(fmt.Sprintf("write=%v,unofficial=%v", f.allowWrite, f.unofficial), func(t *testing.T) {
			t.Parallel()
			tools := toolNames(t, mcpSession(t, srv, srv.Token, f))
			got := slices.Sorted(maps.Keys(tools))
			want := expectedTools(t, f)
			if !slices.Equal(got, want) {
				t.Errorf("tools differ from the spec's operations:\n got %v\nwant %v", got, want)
			}
			doc, _ := contracttest.LoadSpec()
			for _, item := range doc.Paths.Map() {
				for _, op := range item.Operations() {
					tool := tools[op.OperationID]
					if tool == nil {
						continue
					}
					if !strings.HasPrefix(tool.Description, op.Summary) || !strings.Contains(tool.Description, strings.TrimSpace(op.Description)) {
						t.Errorf("%s: description %.80q does not carry the summary and description", tool.Name, tool.Description)
					}
					schema, _ := json.Marshal(tool.InputSchema)
					var in struct {
						Properties map[string]any `json:"properties"`
						Required   []string       `json:"required"`
					}
					if err := json.Unmarshal(schema, &in); err != nil {
						t.Fatal(err)
					}
					if _, ok := in.Properties["token"]; ok {
						t.Errorf("%s takes a token argument", tool.Name)
					}
					for _, p := range append(item.Parameters, op.Parameters...) {
						if p.Value.In == "path" && !slices.Contains(in.Required, p.Value.Name) {
							t.Errorf("%s: path parameter %s is not required", tool.Name, p.Value.Name)
						}
					}
					if s := string(schema); strings.Contains(s, `"nullable"`) || strings.Contains(s, `"$ref"`) || strings.Contains(s, `"discriminator"`) {
						t.Errorf("%s: the input schema keeps OpenAPI-only keywords: %.300s", tool.Name, s)
					}
				}
			}
		})
	}
	// The uploads are left out for their reason, and only they.
	doc, _ := contracttest.LoadSpec()
	_, excluded, err := specTools(doc, mcpFilter{allowWrite: true, unofficial: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(excluded)); !slices.Equal(got, uploadOps) {
		t.Errorf("with every flag, left out %v, want the uploads %v", got, uploadOps)
	}
	for id, why := range excluded {
		if why != reasonUpload {
			t.Errorf("%s left out because %q", id, why)
		}
	}
}

// TestMCPSchemaNullable checks that OpenAPI 3.0's nullable becomes a JSON
// Schema type array (or a null alternative) and that a $ref'd body is
// inlined, on createMessage's and updateGroup's input schemas.
func TestMCPSchemaNullable(t *testing.T) {
	t.Parallel()
	doc, err := contracttest.LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	tools, _, err := specTools(doc, mcpFilter{allowWrite: true, unofficial: true})
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for _, tool := range tools {
		all.Write(tool.tool.InputSchema.(json.RawMessage))
		if tool.tool.Name == "createMessage" {
			s := string(tool.tool.InputSchema.(json.RawMessage))
			for _, want := range []string{`"source_guid"`, `"maxLength":1000`, `"required":["group_id","body"]`} {
				if !strings.Contains(s, want) {
					t.Errorf("createMessage's schema lacks %s: %.400s", want, s)
				}
			}
		}
	}
	if !bytes.Contains(all.Bytes(), []byte(`"type":["string","null"]`)) {
		t.Error(`no input schema has "type":["string","null"]: nullable is not turned into JSON Schema`)
	}
	if bytes.Contains(all.Bytes(), []byte(`"nullable"`)) {
		t.Error("an input schema still says nullable")
	}
}

// TestMCPReadOnly drives the read-only server with the SDK's client: the
// reads are offered and answer with the fake's data, createMessage is not
// offered, a listing says how to get its next page, a refused call is a
// tool error with GroupMe's message, bad arguments are a tool error, the
// messages resource reads, and the token appears nowhere.
func TestMCPReadOnly(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := mcpSession(t, srv, srv.Token, mcpFilter{})
	tools := toolNames(t, cs)
	for _, name := range []string{"listGroups", "listMessages", "getGroup", "getMe"} {
		if tools[name] == nil {
			t.Errorf("the read-only server does not offer %s", name)
		} else if !tools[name].Annotations.ReadOnlyHint {
			t.Errorf("%s is not marked read-only", name)
		}
	}
	for _, name := range []string{"createMessage", "destroyGroup", "likeMessage", "listPolls"} {
		if tools[name] != nil {
			t.Errorf("the read-only, official server offers %s", name)
		}
	}
	var seen strings.Builder

	// listGroups answers with the fake's groups, as the typed client reads them.
	res, all := callTool(t, cs, "listGroups", map[string]any{"per_page": 100})
	seen.WriteString(all)
	if res.IsError {
		t.Fatalf("listGroups: %s", all)
	}
	var groups []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(firstText(t, res)), &groups); err != nil {
		t.Fatalf("listGroups text is not the group list: %v", err)
	}
	api, _ := client.New(srv.Token, client.WithBaseURL(srv.URL))
	typed, err := api.ListGroups(t.Context(), &client.ListGroupsParams{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs, wantIDs []string
	for _, g := range groups {
		gotIDs = append(gotIDs, g.ID)
	}
	for _, g := range typed {
		wantIDs = append(wantIDs, g.ID)
	}
	if len(wantIDs) < 2 || !slices.Equal(gotIDs, wantIDs) {
		t.Errorf("listGroups gave %v, the fake has %v", gotIDs, wantIDs)
	}
	var structured []any
	if b, _ := json.Marshal(res.StructuredContent); json.Unmarshal(b, &structured) != nil || len(structured) != len(groups) {
		t.Errorf("structured content is not the %d groups: %.200s", len(groups), b)
	}

	// A page of messages ends with how to get the older ones, and that works.
	group := srv.Dataset.Groups[0]
	res, all = callTool(t, cs, "listMessages", map[string]any{"group_id": group, "limit": 3})
	seen.WriteString(all)
	var page struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(firstText(t, res)), &page); err != nil || len(page.Messages) != 3 {
		t.Fatalf("listMessages limit 3: %s (%v)", all, err)
	}
	oldest := page.Messages[2].ID
	hint := res.Content[len(res.Content)-1].(*mcp.TextContent).Text
	m := regexp.MustCompile(`call listMessages again .*before_id=([0-9]+)\b`).FindStringSubmatch(hint)
	if m == nil || m[1] != oldest {
		t.Fatalf("the paging hint %q does not say before_id=%s", hint, oldest)
	}
	res, all = callTool(t, cs, "listMessages", map[string]any{"group_id": group, "limit": 3, "before_id": m[1]})
	seen.WriteString(all)
	msgs := srv.Fake.GroupMessages(group) // oldest first
	var next struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(firstText(t, res)), &next); err != nil || len(next.Messages) == 0 || next.Messages[0].ID != msgs[len(msgs)-4].ID {
		t.Errorf("the next page (before_id=%s) starts with %+v, want %s", oldest, next.Messages, msgs[len(msgs)-4].ID)
	}

	// GroupMe's refusal comes back as a tool error with its message.
	_, wantErr := api.GetGroup(t.Context(), "999999999", nil)
	var apiErr *client.APIError
	if !errors.As(wantErr, &apiErr) || len(apiErr.Errors) == 0 {
		t.Fatalf("the fake does not refuse a missing group: %v", wantErr)
	}
	res, all = callTool(t, cs, "getGroup", map[string]any{"group_id": "999999999"})
	seen.WriteString(all)
	if !res.IsError || !strings.Contains(all, apiErr.Errors[0]) || !strings.Contains(all, "404") {
		t.Errorf("getGroup of a missing group: isError=%v %q, want GroupMe's %q", res.IsError, all, apiErr.Errors[0])
	}

	// Bad arguments are a tool error, and nothing is sent.
	before := srv.Fake.Calls("listMessages")
	for _, args := range []map[string]any{{}, {"group_id": group, "limit": 1000}, {"group_id": group, "bogus": 1}} {
		res, all = callTool(t, cs, "listMessages", args)
		if !res.IsError || !strings.Contains(all, "invalid arguments") {
			t.Errorf("listMessages %v: isError=%v %q", args, res.IsError, all)
		}
	}
	if n := srv.Fake.Calls("listMessages") - before; n != 0 {
		t.Errorf("%d listMessages requests were sent for bad arguments", n)
	}

	// A tool the server does not offer is a protocol error.
	if _, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "createMessage", Arguments: map[string]any{}}); err == nil {
		t.Error("calling createMessage on the read-only server did not fail")
	}

	// The messages resource.
	rr, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "groupme://groups/" + group + "/messages"})
	if err != nil || len(rr.Contents) != 1 || !strings.Contains(rr.Contents[0].Text, msgs[len(msgs)-1].ID) {
		t.Errorf("reading the messages resource: %v, %+v", err, rr)
	} else {
		seen.WriteString(rr.Contents[0].Text)
	}
	if _, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "groupme://groups/999999999/messages"}); err == nil {
		t.Error("the messages of a missing group read without error")
	}

	if strings.Contains(seen.String(), srv.Token) {
		t.Error("the token appears in a result")
	}
}

// TestMCPAllowWrite: with --allow-write createMessage is offered and
// posts; the message is then in the group; a refused write is a tool error
// with GroupMe's message.
func TestMCPAllowWrite(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := mcpSession(t, srv, srv.Token, mcpFilter{allowWrite: true})
	tools := toolNames(t, cs)
	if tools["createMessage"] == nil || tools["createMessage"].Annotations.ReadOnlyHint {
		t.Fatal("createMessage is not offered as a write with --allow-write")
	}
	if tools["listPolls"] != nil {
		t.Error("an unofficial operation is offered without --unofficial")
	}
	group := srv.Dataset.Groups[0]
	text := "posted by an agent through groupme mcp"
	res, all := callTool(t, cs, "createMessage", map[string]any{
		"group_id": group,
		"body":     map[string]any{"message": map[string]any{"source_guid": "mcp-test-1", "text": text}},
	})
	if res.IsError {
		t.Fatalf("createMessage: %s", all)
	}
	msgs := srv.Fake.GroupMessages(group)
	if last := msgs[len(msgs)-1]; last.Text == nil || *last.Text != text || last.UserID != srv.Dataset.Users[0].ID {
		t.Errorf("the group's newest message is %+v, not the one posted", last)
	}
	if !strings.Contains(all, text) {
		t.Errorf("createMessage's result %q does not show the message", all)
	}
	// The same source_guid again: GroupMe answers 409, and the agent reads why.
	res, all = callTool(t, cs, "createMessage", map[string]any{
		"group_id": group,
		"body":     map[string]any{"message": map[string]any{"source_guid": "mcp-test-1", "text": text}},
	})
	if !res.IsError || !strings.Contains(all, "409") {
		t.Errorf("a repeated source_guid: isError=%v %q, want GroupMe's 409", res.IsError, all)
	}
	if n := len(srv.Fake.GroupMessages(group)); n != len(msgs) {
		t.Errorf("the repeat posted: %d messages, want %d", n, len(msgs))
	}
	if strings.Contains(all, srv.Token) {
		t.Error("the token appears in a result")
	}
}

// TestMCPScrubsToken: a result that happens to hold the token (a fake
// that echoes it) reaches the agent without it.
func TestMCPScrubsToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	group := srv.Dataset.Groups[0]
	if _, err := srv.Fake.AddMessage(group, contracttest.Message{UserID: srv.Dataset.Users[1].ID, Text: "my token is " + srv.Token}); err != nil {
		t.Fatal(err)
	}
	cs := mcpSession(t, srv, srv.Token, mcpFilter{})
	res, all := callTool(t, cs, "listMessages", map[string]any{"group_id": group, "limit": 1})
	if res.IsError || strings.Contains(all, srv.Token) || !strings.Contains(all, "my token is REDACTED") {
		t.Errorf("the token is not scrubbed from a result: %s", all)
	}
}

// mainEnv makes the test binary run the program's main (TestMain).
const mainEnv = "GROUPME_TEST_RUN_MAIN"

// TestMCPStdio runs the program as a subprocess serving MCP over stdio,
// signed in with GROUPME_TOKEN against a fake, and drives it with the
// SDK's client: read-only first, then with --allow-write.
func TestMCPStdio(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	group := srv.Dataset.Groups[0]
	connect := func(args ...string) (*mcp.ClientSession, *lockedBuffer) {
		cmd := exec.Command(os.Args[0], append([]string{"mcp", "--base-url", srv.URL, "--image-url", srv.ImageURL}, args...)...)
		cmd.Env = append(os.Environ(), mainEnv+"=1", "GROUPME_TOKEN="+srv.Token, "XDG_CONFIG_HOME="+t.TempDir(), "HOME="+t.TempDir())
		stderr := &lockedBuffer{}
		cmd.Stderr = stderr
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(t.Context(), &mcp.CommandTransport{Command: cmd}, nil)
		if err != nil {
			t.Fatalf("connecting to groupme mcp %v: %v; stderr:\n%s", args, err, stderr)
		}
		return cs, stderr
	}

	cs, stderr := connect()
	tools := toolNames(t, cs)
	if tools["listGroups"] == nil || tools["listMessages"] == nil || tools["createMessage"] != nil {
		t.Errorf("read-only over stdio: listGroups %v, listMessages %v, createMessage %v (want offered, offered, not)",
			tools["listGroups"] != nil, tools["listMessages"] != nil, tools["createMessage"] != nil)
	}
	if got, want := slices.Sorted(maps.Keys(tools)), expectedTools(t, mcpFilter{}); !slices.Equal(got, want) {
		t.Errorf("tools over stdio: %v, want %v", got, want)
	}
	res, all := callTool(t, cs, "listGroups", map[string]any{})
	if res.IsError || !strings.Contains(firstText(t, res), `"id":"`+group+`"`) {
		t.Errorf("listGroups over stdio: %.300s", all)
	}
	if err := cs.Close(); err != nil {
		t.Logf("closing: %v", err)
	}
	out := stderr.String() + all

	cs, stderr = connect("--allow-write")
	res, all = callTool(t, cs, "createMessage", map[string]any{
		"group_id": group,
		"body":     map[string]any{"message": map[string]any{"source_guid": "mcp-stdio-1", "text": "over stdio"}},
	})
	if res.IsError {
		t.Fatalf("createMessage over stdio: %s", all)
	}
	msgs := srv.Fake.GroupMessages(group)
	if last := msgs[len(msgs)-1]; last.Text == nil || *last.Text != "over stdio" {
		t.Errorf("after createMessage over stdio the newest message is %+v", last)
	}
	res, all2 := callTool(t, cs, "getGroup", map[string]any{"group_id": "999999999"})
	if !res.IsError || !strings.Contains(all2, "404") {
		t.Errorf("a refused call over stdio: isError=%v %q", res.IsError, all2)
	}
	_ = cs.Close()
	out += stderr.String() + all + all2
	if !strings.Contains(stderr.String(), "tools (reads and writes) over stdio") {
		t.Errorf("stderr does not say what is served: %q", stderr.String())
	}
	if strings.Contains(out, srv.Token) {
		t.Error("the token appears in a result or on stderr")
	}
}

// lockedBuffer collects a subprocess's stderr while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMCPHTTP serves MCP over streamable HTTP on a loopback port, in
// process, and drives it with the SDK's client.
func TestMCPHTTP(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		e := env{stdout: io.Discard, stderr: pw, getenv: func(k string) string {
			if k == "GROUPME_TOKEN" {
				return srv.Token
			}
			return ""
		}, configDir: t.TempDir()}
		done <- run(ctx, []string{"mcp", "--http", "127.0.0.1:0", "--base-url", srv.URL}, e)
		pw.Close()
	}()
	var stderr strings.Builder
	lines := bufio.NewScanner(pr)
	var endpoint string
	for endpoint == "" && lines.Scan() {
		stderr.WriteString(lines.Text() + "\n")
		if _, url, ok := strings.Cut(lines.Text(), " at "); ok {
			endpoint = url
		}
	}
	go func() { // keep reading so the server never blocks on stderr
		for lines.Scan() {
		}
	}()
	if endpoint == "" {
		cancel()
		t.Fatalf("the server did not say where it listens: %q", stderr.String())
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, &mcp.StreamableClientTransport{Endpoint: endpoint}, nil)
	if err != nil {
		cancel()
		t.Fatalf("connect to %s: %v", endpoint, err)
	}
	tools := toolNames(t, cs)
	if tools["listGroups"] == nil || tools["createMessage"] != nil {
		t.Errorf("over HTTP: listGroups offered %v, createMessage offered %v", tools["listGroups"] != nil, tools["createMessage"] != nil)
	}
	res, all := callTool(t, cs, "getGroup", map[string]any{"group_id": srv.Dataset.Groups[0]})
	if res.IsError || !strings.Contains(all, srv.Dataset.Groups[0]) || strings.Contains(all, srv.Token) {
		t.Errorf("getGroup over HTTP: %.300s", all)
	}
	_ = cs.Close()
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("the HTTP server exited with %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the HTTP server did not stop when its context ended")
	}
}

// TestMCPRefusesRemoteListen: --http on a non-loopback address is a usage
// error unless --allow-remote.
func TestMCPRefusesRemoteListen(t *testing.T) {
	t.Parallel()
	r := runWith(t, t.Context(), map[string]string{"GROUPME_TOKEN": "tok-unused"}, nil, "mcp", "--http", "0.0.0.0:8765")
	if r.code != exitUsage || !strings.Contains(r.stderr, "not a loopback address") {
		t.Errorf("--http 0.0.0.0:8765: exit %d, stderr %q", r.code, r.stderr)
	}
	for addr, ok := range map[string]bool{"127.0.0.1:0": true, "[::1]:0": true, "localhost:0": true, "0.0.0.0:1": false, ":8765": false, "192.168.1.2:1": false, "nonsense": false} {
		if err := checkListenAddr(addr, false); (err == nil) != ok {
			t.Errorf("checkListenAddr(%q) = %v", addr, err)
		}
	}
	if err := checkListenAddr("0.0.0.0:1", true); err != nil {
		t.Errorf("with --allow-remote: %v", err)
	}
}

// TestMCPUnofficialHosts: with --unofficial, operations the spec serves
// from other hosts (v4, v2, v1) reach them through the client's bases.
func TestMCPUnofficialHosts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := mcpSession(t, srv, srv.Token, mcpFilter{unofficial: true})
	group := srv.Dataset.Groups[0]
	msgs := srv.Fake.GroupMessages(group)
	newest := msgs[len(msgs)-1].ID
	for name, args := range map[string]map[string]any{
		"getMessage":         {"group_id": group, "message_id": newest}, // v4
		"getUser":            {"user_id": srv.Dataset.Users[1].ID},      // v2
		"searchPublicGroups": {"query": "a"},                            // v1
		"listPolls":          {"group_id": group},                       // v3, unofficial
	} {
		before := srv.Fake.Calls(name)
		res, all := callTool(t, cs, name, args)
		if res.IsError {
			t.Errorf("%s: %s", name, all)
		}
		if srv.Fake.Calls(name) != before+1 {
			t.Errorf("%s did not reach the fake's %s", name, name)
		}
	}
	if res, all := callTool(t, cs, "getMessage", map[string]any{"group_id": group, "message_id": newest}); !strings.Contains(all, newest) {
		t.Errorf("getMessage: %v %s", res.IsError, all)
	}
}
