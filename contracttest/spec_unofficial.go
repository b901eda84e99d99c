package contracttest

import (
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Local mount points of the unofficial hosts: a request to a server that is
// not GroupMe (the fake, say) reaches them under these path prefixes.
const (
	// localV4Prefix is where the v4 API (https://api.groupme.com/v4) is
	// served, next to /v3.
	localV4Prefix = "/v4/"
	// localVideoPrefix stands for https://video.groupme.com.
	localVideoPrefix = "/video/"
	// localFilePrefix stands for https://file.groupme.com.
	localFilePrefix = "/file/"
	// localV2Prefix stands for https://v2.groupme.com, the v2 API.
	localV2Prefix = "/v2/"
	// localV1Prefix is where the v1 search API
	// (https://api.groupme.com/v1) is served, next to /v3.
	localV1Prefix = "/v1/"
)

// V2Host serves the unofficial v2 calls (muteGroup, unmuteGroup,
// banMember).
const V2Host = "v2.groupme.com"

// routingDoc returns doc, or a shallow copy of it in which every path whose
// operations declare their own servers (the image upload, and the
// unofficial v4, video and file calls) carries those servers at path level. kin-openapi's gorillamux
// router reads servers from the document and from paths, not from
// operations. doc itself is not modified.
func routingDoc(doc *openapi3.T) *openapi3.T {
	lift := false
	for _, item := range doc.Paths.Map() {
		if len(item.Servers) == 0 && operationServers(item) != nil {
			lift = true
		}
	}
	if !lift {
		return doc
	}
	out := *doc
	out.Paths = openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		if servers := operationServers(item); len(item.Servers) == 0 && servers != nil {
			copied := *item
			copied.Servers = servers
			item = &copied
		}
		out.Paths.Set(path, item)
	}
	return &out
}

// operationServers returns every server the operations of item declare,
// each once, in the order of the methods (GET, PUT, POST, ...); nil when
// none declares any. Most paths share one host; getMessage is also
// answered on v3, which its PUT (editMessage) is not: route checks that
// the server a request came to is one of its operation's own.
func operationServers(item *openapi3.PathItem) openapi3.Servers {
	var out openapi3.Servers
	for _, method := range []string{"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"} {
		op := item.GetOperation(method)
		if op == nil || op.Servers == nil {
			continue
		}
		for _, s := range *op.Servers {
			if !slices.ContainsFunc(out, func(o *openapi3.Server) bool { return o.URL == s.URL }) {
				out = append(out, s)
			}
		}
	}
	return out
}

// servedOn reports whether op may be called on server: an operation
// without servers of its own is served wherever its path is.
func servedOn(op *openapi3.Operation, server *openapi3.Server) bool {
	if op.Servers == nil || len(*op.Servers) == 0 || server == nil {
		return true
	}
	return slices.ContainsFunc(*op.Servers, func(s *openapi3.Server) bool { return s.URL == server.URL })
}

// unofficialSpecURL maps a local path under one of the unofficial mount
// points onto its GroupMe host: ".../v4/x" to https://api.groupme.com/v4/x,
// ".../video/x" to https://video.groupme.com/x, ".../file/v1/x" to
// https://file.groupme.com/v1/x, ".../v2/x" to https://v2.groupme.com/x
// and ".../v1/x" to https://api.groupme.com/v1/x. out is the URL being built (scheme set);
// path is the escaped path. Paths under /v3 are left to SpecURL.
func unofficialSpecURL(out *url.URL, path string) (*url.URL, bool) {
	if strings.Contains(path, "/v3/") || strings.HasSuffix(path, "/v3") {
		return nil, false
	}
	var host, rest string
	switch {
	case strings.Contains(path, localV4Prefix):
		host, rest = APIHost, path[strings.Index(path, localV4Prefix):]
	case strings.Contains(path, localVideoPrefix):
		host, rest = VideoHost, path[strings.Index(path, localVideoPrefix)+len(localVideoPrefix)-1:]
	case strings.Contains(path, localFilePrefix+"v1/"):
		host, rest = FileHost, path[strings.Index(path, localFilePrefix)+len(localFilePrefix)-1:]
	case strings.Contains(path, localV2Prefix):
		host, rest = V2Host, path[strings.Index(path, localV2Prefix)+len(localV2Prefix)-1:]
	case strings.Contains(path, localV1Prefix):
		host, rest = APIHost, path[strings.Index(path, localV1Prefix):]
	default:
		return nil, false
	}
	p, err := url.PathUnescape(rest)
	if err != nil {
		return nil, false
	}
	out.Host = host
	out.Path, out.RawPath = p, rest
	if out.RawPath == p {
		out.RawPath = ""
	}
	return out, true
}
