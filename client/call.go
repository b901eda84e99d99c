package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Endpoint names one operation of openapi.yaml for Call, as the spec
// declares it.
type Endpoint struct {
	// Operation is the operationId (e.g. "listMessages"); errors name it.
	Operation string
	// Server is the operation's server URL in the spec: "" (or
	// DefaultBaseURL) for the v3 API, otherwise one of DefaultV4BaseURL,
	// DefaultV2BaseURL, DefaultV1BaseURL, DefaultImageBaseURL,
	// DefaultVideoBaseURL or DefaultFileBaseURL. Call replaces it with the
	// base URL the Client was configured with (WithBaseURL or
	// WithEndpoints), so a Client pointed at a fake sends every call there.
	Server string
	// Method is the HTTP method, upper case.
	Method string
	// Path is the operation's path template relative to Server, for
	// example "/groups/{group_id}/messages".
	Path string
}

// Call sends one operation named by its spec entry and returns the
// payload of the answer: the envelope's "response" (JSON null when the
// answer has none, a 304 or another empty body, or a body that is not
// JSON, such as the single space of a bot post), or the whole body for the services that
// answer without an envelope (image, video, file).
//
// Each {name} in ep.Path is replaced by pathParams[name], escaped as one
// path segment; a missing or unused path parameter is an error. query is
// sent as the query string and must not hold "token": the Client adds its
// own authentication. A non-nil body is sent as JSON.
//
// Call is for programs that reach operations by their description rather
// than by name (the CLI's MCP server derives its tools from openapi.yaml).
// It goes through the same machinery as the typed methods: the token
// header, the retry policy (GETs are retried, other methods are sent once),
// the time and size limits, and the redaction of errors. A non-2xx answer
// is an *APIError carrying GroupMe's messages.
func (c *Client) Call(ctx context.Context, ep Endpoint, pathParams map[string]string, query url.Values, body any) (json.RawMessage, error) {
	op := ep.Operation
	if op == "" {
		op = ep.Method + " " + ep.Path
	}
	req, err := c.newCallRequest(ep, pathParams, query, body)
	if err != nil {
		return nil, fmt.Errorf("groupme: %s: %w", op, err)
	}
	policy := retryNever
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		policy = retrySafe
	}
	resp, err := c.send(ctx, call{op: op, retry: policy, notModifiedOK: true}, req, nil)
	if err != nil {
		return nil, err
	}
	defer closeBody(resp.Body)
	raw, err := io.ReadAll(resp.Body) // bounded by the Client's size limit (limits.go)
	if err != nil {
		return nil, newDecodeError(op, req, resp, err)
	}
	return unwrapPayload(raw), nil
}

var jsonNull = json.RawMessage("null")

// unwrapPayload returns what an answer carries: the envelope's response,
// the whole body when it is JSON without an envelope, or null.
func unwrapPayload(raw []byte) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || !json.Valid(raw) {
		return jsonNull
	}
	if raw[0] == '{' {
		var env map[string]json.RawMessage
		if json.Unmarshal(raw, &env) == nil {
			if _, isEnvelope := env["meta"]; isEnvelope {
				if r, ok := env["response"]; ok {
					return r
				}
				return jsonNull
			}
			if r, ok := env["response"]; ok && len(env) == 1 {
				return r
			}
		}
	}
	return json.RawMessage(raw)
}

func (c *Client) serverBase(server string) (string, error) {
	switch strings.TrimSuffix(server, "/") {
	case "", DefaultBaseURL:
		return c.base, nil
	case DefaultV4BaseURL:
		return c.v4Base(), nil
	case DefaultV2BaseURL:
		return c.v2Base(), nil
	case DefaultV1BaseURL:
		return c.v1Base(), nil
	case DefaultImageBaseURL:
		return c.imageBase, nil
	case DefaultVideoBaseURL:
		return c.videoBase(), nil
	case DefaultFileBaseURL:
		return c.fileBase(), nil
	}
	return "", fmt.Errorf("unknown server %q", server)
}

func (c *Client) newCallRequest(ep Endpoint, pathParams map[string]string, query url.Values, body any) (*http.Request, error) {
	base, err := c.serverBase(ep.Server)
	if err != nil {
		return nil, err
	}
	if ep.Method == "" || strings.ToUpper(ep.Method) != ep.Method {
		return nil, fmt.Errorf("method %q is not an upper-case HTTP method", ep.Method)
	}
	if !strings.HasPrefix(ep.Path, "/") || strings.ContainsAny(ep.Path, "?#") {
		return nil, fmt.Errorf("path %q must start with / and hold no query or fragment", ep.Path)
	}
	var path strings.Builder
	used := 0
	for rest := ep.Path; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			path.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("path %q has an unclosed {", ep.Path)
		}
		name := rest[open+1 : open+end]
		v, ok := pathParams[name]
		if !ok || v == "" {
			return nil, fmt.Errorf("path parameter %s is missing", name)
		}
		if v == "." || v == ".." {
			return nil, fmt.Errorf("path parameter %s: %q is not a value", name, v)
		}
		path.WriteString(rest[:open])
		path.WriteString(url.PathEscape(v))
		used++
		rest = rest[open+end+1:]
	}
	if used != len(pathParams) {
		return nil, errors.New("a path parameter was given that the path does not have")
	}
	if query.Has(tokenQuery) {
		return nil, errors.New(`the query must not carry "token": the client authenticates itself`)
	}
	u := base + strings.TrimPrefix(path.String(), "/")
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding the body: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(ep.Method, u, rd)
	if err != nil {
		return nil, errors.New("building the request: invalid URL") // url errors quote the URL
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}
