package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
)

// mcpConfig is what `groupme mcp` was asked for.
type mcpConfig struct {
	mcpFilter
	httpAddr    string // "": stdio
	allowRemote bool   // let --http listen on a non-loopback address
}

func (a *app) mcpCmd() *cobra.Command {
	var cfg mcpConfig
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve GroupMe to AI agents over the Model Context Protocol",
		Long: `mcp serves GroupMe to an AI agent (an MCP host such as Claude Desktop or
an IDE) over the Model Context Protocol: over stdin and stdout by default,
or over streamable HTTP with --http ADDR.

Every operation of GroupMe's API description (openapi.yaml) is a tool named
by its operationId, with an input schema made from its parameters and
request body. Only reading operations are offered unless --allow-write is
given (sending, liking, creating and deleting need it); the unofficial
operations only with --unofficial. File uploads are not offered.

The server signs in as the program does (--token, GROUPME_TOKEN, or the
config file written by 'groupme login'); with --fake it serves the fake
GroupMe. The token never appears in a tool result, an error or a log line.`,
		Args: exactArgs(),
	}
	f := cmd.Flags()
	f.BoolVar(&cfg.allowWrite, "allow-write", false, "offer the operations that change something (send, like, create, delete, ...)")
	f.BoolVar(&cfg.unofficial, "unofficial", false, "offer the unofficial operations too (x-unofficial in openapi.yaml)")
	f.StringVar(&cfg.httpAddr, "http", "", "serve streamable HTTP on this address (for example 127.0.0.1:8765) instead of stdio")
	f.BoolVar(&cfg.allowRemote, "allow-remote", false, "let --http listen on an address other than loopback (anyone who reaches it acts as you)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if cfg.httpAddr != "" {
			if err := checkListenAddr(cfg.httpAddr, cfg.allowRemote); err != nil {
				return err
			}
		}
		if err := a.connect(cmd.Context(), false); err != nil {
			return err
		}
		srv, tools, err := newMCPServer(a.api, a.apiToken, cfg.mcpFilter)
		if err != nil {
			return err
		}
		mode := "read-only"
		if cfg.allowWrite {
			mode = "reads and writes"
		}
		if cfg.unofficial {
			mode += ", unofficial included"
		}
		if cfg.httpAddr == "" {
			fmt.Fprintf(a.stderr, "groupme mcp: %d tools (%s) over stdio\n", tools, mode)
			return srv.Run(cmd.Context(), &mcp.StdioTransport{})
		}
		return a.serveMCPHTTP(cmd.Context(), srv, cfg.httpAddr, fmt.Sprintf("%d tools (%s)", tools, mode))
	}
	return cmd
}

// checkListenAddr refuses an --http address that is not loopback, unless
// allowRemote.
func checkListenAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--http %q: want HOST:PORT, such as 127.0.0.1:8765", addr)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return nil
	}
	return usagef("--http %q is not a loopback address: anyone who reaches it could act as you on GroupMe; use 127.0.0.1 or add --allow-remote", addr)
}

// serveMCPHTTP serves srv over streamable HTTP at /mcp until ctx ends.
func (a *app) serveMCPHTTP(ctx context.Context, srv *mcp.Server, addr, what string) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{
		SessionTimeout: 30 * time.Minute, // an abandoned session does not live forever
	}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 5 * time.Minute}
	fmt.Fprintf(a.stderr, "groupme mcp: %s at http://%s/mcp\n", what, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
	return nil
}

// mcpInstructions tells the agent how the tools behave.
const mcpInstructions = `Each tool is one operation of GroupMe's API, named by its operationId. Ids are strings (message ids exceed 2^53). A result is the API's "response" as JSON; listings end with the arguments that fetch the next page. An error result carries GroupMe's own message.`

// newMCPServer builds the MCP server: one tool per operation of the
// embedded openapi.yaml that f lets through, each calling api, and a
// resource template for a group's recent messages. token, when not
// empty, is scrubbed from every result and error.
func newMCPServer(api *client.Client, token string, f mcpFilter) (*mcp.Server, int, error) {
	doc, err := contracttest.LoadSpec()
	if err != nil {
		return nil, 0, err
	}
	tools, _, err := specTools(doc, f)
	if err != nil {
		return nil, 0, err
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: "groupme", Title: "GroupMe", Version: doc.Info.Version}, &mcp.ServerOptions{Instructions: mcpInstructions})
	s := &mcpServer{api: api, token: token}
	for _, t := range tools {
		srv.AddTool(t.tool, s.handler(t))
		if t.tool.Name == messagesResourceOp {
			s.addMessagesResource(srv, t)
		}
	}
	return srv, len(tools), nil
}

type mcpServer struct {
	api   *client.Client
	token string
}

// scrub removes the token from text that leaves the server.
func (s *mcpServer) scrub(text string) string {
	if s.token == "" {
		return text
	}
	return strings.ReplaceAll(text, s.token, "REDACTED")
}

// toolError is a tool result that reports err to the agent (not a
// protocol failure, so the agent reads it and can correct itself).
func (s *mcpServer) toolError(err error) *mcp.CallToolResult {
	text := s.scrub(strings.TrimPrefix(err.Error(), "groupme: "))
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		text = "GroupMe refused the call: " + text
	}
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: text}}}
}

func (s *mcpServer) handler(t *specTool) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args := map[string]any{}
		if raw := req.Params.Arguments; len(raw) > 0 && string(raw) != "null" {
			if err := json.Unmarshal(raw, &args); err != nil {
				return s.toolError(fmt.Errorf("the arguments are not a JSON object: %w", err)), nil
			}
		}
		if err := t.schema.Validate(args); err != nil {
			return s.toolError(fmt.Errorf("invalid arguments for %s: %w", t.tool.Name, err)), nil
		}
		tc, err := t.splitArgs(args)
		if err != nil {
			return s.toolError(err), nil
		}
		raw, err := s.api.Call(ctx, t.endpoint, tc.path, tc.query, tc.body)
		if err != nil {
			return s.toolError(err), nil
		}
		text := s.scrub(string(raw))
		res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}
		if text != "null" { // an answer without payload has no structure to give
			// Any JSON value may be structured content (SEP-2106); the
			// text above carries the same for clients that want an object.
			res.StructuredContent = json.RawMessage(text)
		}
		if next := t.nextPage(args, raw); next != "" {
			res.Content = append(res.Content, &mcp.TextContent{Text: s.scrub(next)})
		}
		return res, nil
	}
}

// messagesResourceOp is the operation behind the messages resource.
const messagesResourceOp = "listMessages"

const messagesURIPrefix = "groupme://groups/"

// addMessagesResource offers a group's 20 most recent messages as the
// resource groupme://groups/{group_id}/messages, so a host can attach a
// conversation to a prompt without a tool call.
func (s *mcpServer) addMessagesResource(srv *mcp.Server, t *specTool) {
	srv.AddResourceTemplate(&mcp.ResourceTemplate{
		Name:        "group-messages",
		Title:       "A group's recent messages",
		Description: "The 20 most recent messages of a group, newest first, as GroupMe returns them (the listMessages tool pages further).",
		MIMEType:    "application/json",
		URITemplate: messagesURIPrefix + "{group_id}/messages",
	}, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		uri := req.Params.URI
		id, ok := strings.CutPrefix(uri, messagesURIPrefix)
		id, ok2 := strings.CutSuffix(id, "/messages")
		if !ok || !ok2 || id == "" || strings.Contains(id, "/") {
			return nil, mcp.ResourceNotFoundError(uri)
		}
		raw, err := s.api.Call(ctx, t.endpoint, map[string]string{"group_id": id}, map[string][]string{"limit": {"20"}}, nil)
		if err != nil {
			if errors.Is(err, client.ErrNotFound) {
				return nil, mcp.ResourceNotFoundError(uri)
			}
			return nil, errors.New(s.scrub(err.Error()))
		}
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "application/json", Text: s.scrub(string(raw))}}}, nil
	})
}
