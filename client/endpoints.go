package client

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Where GroupMe lives. A Client is moved elsewhere (a test server, the
// contracttest fake, a proxy) with WithBaseURL or WithEndpoints.
const (
	// DefaultBaseURL is where GroupMe's v3 API lives.
	DefaultBaseURL = "https://api.groupme.com/v3"
	// DefaultImageBaseURL is GroupMe's image service, which UploadImage posts to.
	DefaultImageBaseURL = "https://image.groupme.com"
	// DefaultV4BaseURL is where the few v4 calls live (GetMessage,
	// EditMessage, the contacts). Unofficial.
	DefaultV4BaseURL = "https://api.groupme.com/v4"
	// DefaultV2BaseURL is GroupMe's v2 API, where MuteGroup, UnmuteGroup,
	// BanMember and a few more live. Unofficial.
	DefaultV2BaseURL = "https://v2.groupme.com"
	// DefaultV1BaseURL is GroupMe's v1 API, where the public-group searches
	// and the campus directory live. Unofficial.
	DefaultV1BaseURL = "https://api.groupme.com/v1"
	// DefaultVideoBaseURL is GroupMe's video service (UploadVideo).
	// Unofficial.
	DefaultVideoBaseURL = "https://video.groupme.com"
	// DefaultFileBaseURL is GroupMe's file service (UploadFile): the host;
	// the calls' paths begin with /v1. Unofficial.
	DefaultFileBaseURL = "https://file.groupme.com"
)

// Endpoints says where each of GroupMe's services lives, for
// WithEndpoints. Each field is a base URL (scheme, host and an optional
// path that is kept: calls are resolved relative to it); an empty field
// keeps its default, or follows API as described at [WithBaseURL].
type Endpoints struct {
	// API is the v3 API every official call but UploadImage goes to
	// (DefaultBaseURL).
	API string
	// V4, V2 and V1 are the other API versions some unofficial calls use
	// (DefaultV4BaseURL, DefaultV2BaseURL, DefaultV1BaseURL).
	V4, V2, V1 string
	// Image is the image service UploadImage posts to (DefaultImageBaseURL).
	Image string
	// Video and File are the services of the unofficial uploads
	// (DefaultVideoBaseURL, DefaultFileBaseURL; File is the host, without
	// the /v1 that begins its calls' paths).
	Video, File string
	// Push is the Faye endpoint Listen connects to (DefaultPushURL).
	Push string
}

// WithEndpoints moves some or all of GroupMe's services: each non-empty
// field of e replaces that service's base URL; the others keep what
// earlier options set, their defaults, or follow e.API (see WithBaseURL).
// A field that is not an absolute URL without a query is an error of New.
func WithEndpoints(e Endpoints) Option {
	return func(c *Client) error {
		return c.endpoints.set("WithEndpoints", e)
	}
}

// WithBaseURL moves the v3 API to base, for example a test server's URL
// plus "/v3", and every other service with it, so a token meant for a test
// server never reaches GroupMe. It is WithEndpoints(Endpoints{API: base});
// the services no option names follow base this way:
//
//   - Image and Push go to base's scheme and host (Push at "/faye");
//   - when base ends in "/v3", V4, V2 and V1 go to "/v4", "/v2" and "/v1"
//     beside it, Video to "/video" and File to "/file", which is where
//     the contracttest fake serves them.
//
// A base that is DefaultBaseURL moves nothing, and a base on another host
// that does not end in "/v3" leaves V4, V2, V1, Video and File at GroupMe:
// name them with WithEndpoints.
func WithBaseURL(base string) Option {
	return func(c *Client) error {
		if base == "" {
			return errors.New("groupme: WithBaseURL: empty URL")
		}
		return c.endpoints.set("WithBaseURL", Endpoints{API: base})
	}
}

// Endpoints returns where c sends each service's calls, after its options
// and the rules of WithBaseURL, as base URLs without a trailing slash.
func (c *Client) Endpoints() Endpoints {
	t := func(s string) string { return strings.TrimSuffix(s, "/") }
	return Endpoints{
		API: t(c.base), V4: t(c.hosts.v4), V2: t(c.hosts.v2), V1: t(c.hosts.v1),
		Image: t(c.imageBase), Video: t(c.hosts.video), File: t(c.hosts.file),
		Push: c.pushURL,
	}
}

// endpointOptions holds what WithEndpoints and WithBaseURL asked for,
// each base normalized with a trailing slash ("" where nothing was asked).
type endpointOptions Endpoints

func (o *endpointOptions) set(option string, e Endpoints) error {
	for _, f := range []struct {
		name string
		src  string
		dst  *string
	}{
		{"API", e.API, &o.API}, {"V4", e.V4, &o.V4}, {"V2", e.V2, &o.V2}, {"V1", e.V1, &o.V1},
		{"Image", e.Image, &o.Image}, {"Video", e.Video, &o.Video}, {"File", e.File, &o.File},
		{"Push", e.Push, &o.Push},
	} {
		if f.src == "" {
			continue
		}
		b, err := normalizeBase(f.src)
		if err != nil {
			if option == "WithBaseURL" {
				return fmt.Errorf("groupme: %s: %w", option, err)
			}
			return fmt.Errorf("groupme: %s: %s: %w", option, f.name, err)
		}
		*f.dst = b
	}
	return nil
}

// hosts holds the resolved bases of the unofficial calls' services, each
// with a trailing slash.
type hosts struct {
	v4, v2, v1, video, file string
}

// resolveEndpoints sets c's bases from its options and the rules of
// WithBaseURL. New calls it once, after every option.
func (c *Client) resolveEndpoints() {
	// derived starts at GroupMe's own services, each with a trailing slash.
	derived := Endpoints{
		API: DefaultBaseURL + "/", V4: DefaultV4BaseURL + "/", V2: DefaultV2BaseURL + "/", V1: DefaultV1BaseURL + "/",
		Image: DefaultImageBaseURL + "/", Video: DefaultVideoBaseURL + "/", File: DefaultFileBaseURL + "/",
		Push: DefaultPushURL,
	}
	o := c.endpoints
	if o.API != "" && o.API != derived.API {
		// The API moved: the services follow it (see WithBaseURL).
		derived.API = o.API
		if u, err := url.Parse(o.API); err == nil { // normalizeBase accepted it
			host := u.Scheme + "://" + u.Host + "/"
			derived.Image, derived.Push = host, host+"faye"
		}
		if parent, ok := strings.CutSuffix(o.API, "v3/"); ok && strings.HasSuffix(parent, "/") {
			derived.V4, derived.V2, derived.V1 = parent+"v4/", parent+"v2/", parent+"v1/"
			derived.Video, derived.File = parent+"video/", parent+"file/"
		}
	}
	pick := func(set, derived string) string {
		if set != "" {
			return set
		}
		return derived
	}
	c.base = derived.API
	c.imageBase = pick(o.Image, derived.Image)
	c.hosts = hosts{
		v4: pick(o.V4, derived.V4), v2: pick(o.V2, derived.V2), v1: pick(o.V1, derived.V1),
		video: pick(o.Video, derived.Video), file: pick(o.File, derived.File),
	}
	c.pushURL = strings.TrimSuffix(pick(o.Push, derived.Push), "/")
}

func (c *Client) v4Base() string    { return c.hosts.v4 }
func (c *Client) v2Base() string    { return c.hosts.v2 }
func (c *Client) v1Base() string    { return c.hosts.v1 }
func (c *Client) videoBase() string { return c.hosts.video }
func (c *Client) fileBase() string  { return c.hosts.file }

func normalizeBase(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("invalid URL") // url errors quote the input
	}
	if u.Scheme == "" || u.Host == "" {
		return "", errors.New("URL needs a scheme and a host")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("URL must not have a query or fragment")
	}
	s = u.String()
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}
