package client

import (
	"net/http"
	"strings"
	"testing"
)

// defaultEndpoints is where a Client with no endpoint option sends each service.
var defaultEndpoints = Endpoints{
	API: DefaultBaseURL, V4: DefaultV4BaseURL, V2: DefaultV2BaseURL, V1: DefaultV1BaseURL,
	Image: DefaultImageBaseURL, Video: DefaultVideoBaseURL, File: DefaultFileBaseURL, Push: DefaultPushURL,
}

// TestEndpointsDerivation: the defaultEndpoints, what WithBaseURL derives for each
// service, and what WithEndpoints overrides, whatever the options' order.
func TestEndpointsDerivation(t *testing.T) {
	t.Parallel()
	local := Endpoints{
		API: "http://127.0.0.1:9/v3", V4: "http://127.0.0.1:9/v4", V2: "http://127.0.0.1:9/v2", V1: "http://127.0.0.1:9/v1",
		Image: "http://127.0.0.1:9", Video: "http://127.0.0.1:9/video", File: "http://127.0.0.1:9/file",
		Push: "http://127.0.0.1:9/faye",
	}
	with := func(e Endpoints, f func(*Endpoints)) Endpoints { f(&e); return e }
	for _, tc := range []struct {
		name string
		opts []Option
		want Endpoints
	}{
		{"no option", nil, defaultEndpoints},
		{"the default base", []Option{WithBaseURL(DefaultBaseURL)}, defaultEndpoints},
		{"a base ending in /v3 moves every service", []Option{WithBaseURL("http://127.0.0.1:9/v3")}, local},
		{"WithEndpoints{API} is WithBaseURL", []Option{WithEndpoints(Endpoints{API: "http://127.0.0.1:9/v3/"})}, local},
		{
			"another path moves the host's services only",
			[]Option{WithBaseURL("http://127.0.0.1:9/api")},
			with(defaultEndpoints, func(e *Endpoints) {
				e.API, e.Image, e.Push = "http://127.0.0.1:9/api", "http://127.0.0.1:9", "http://127.0.0.1:9/faye"
			}),
		},
		{
			"a named service wins, before or after the base",
			[]Option{WithEndpoints(Endpoints{Image: "http://img.test/x", V2: "http://127.0.0.1:8/y"}), WithBaseURL("http://127.0.0.1:9/v3")},
			with(local, func(e *Endpoints) { e.Image, e.V2 = "http://img.test/x", "http://127.0.0.1:8/y" }),
		},
		{
			"a service can stay at GroupMe",
			[]Option{WithBaseURL("http://127.0.0.1:9/v3"), WithEndpoints(Endpoints{Image: DefaultImageBaseURL, Push: DefaultPushURL + "/"})},
			with(local, func(e *Endpoints) { e.Image, e.Push = DefaultImageBaseURL, DefaultPushURL }),
		},
		{
			"a later option replaces only what it names",
			[]Option{WithEndpoints(Endpoints{Video: "http://v.test", File: "http://f.test/v1"}), WithEndpoints(Endpoints{File: "http://g.test/v1"})},
			with(defaultEndpoints, func(e *Endpoints) { e.Video, e.File = "http://v.test", "http://g.test/v1" }),
		},
		{
			"every service named",
			[]Option{WithEndpoints(Endpoints{
				API: "http://a.test/3", V4: "http://a.test/4", V2: "http://a.test/2", V1: "http://a.test/1",
				Image: "http://i.test", Video: "http://v.test", File: "http://f.test", Push: "http://p.test/faye",
			})},
			Endpoints{
				API: "http://a.test/3", V4: "http://a.test/4", V2: "http://a.test/2", V1: "http://a.test/1",
				Image: "http://i.test", Video: "http://v.test", File: "http://f.test", Push: "http://p.test/faye",
			},
		},
	} {
		c, err := New(testToken, tc.opts...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := c.Endpoints(); got != tc.want {
			t.Errorf("%s: endpoints\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
		// What the calls use is what Endpoints reports, with the slash
		// relative resolution needs.
		if c.base != c.Endpoints().API+"/" || c.v4Base() != c.Endpoints().V4+"/" || c.fileBase() != c.Endpoints().File+"/" ||
			c.imageBase != c.Endpoints().Image+"/" || c.pushEndpoint() != c.Endpoints().Push {
			t.Errorf("%s: the call bases disagree with Endpoints: %q %q %q %q %q", tc.name, c.base, c.v4Base(), c.fileBase(), c.imageBase, c.pushEndpoint())
		}
	}
}

// TestEndpointsErrors: a bad base is an error of New that names the
// option and the field, never quoting the URL (which may hold a secret).
func TestEndpointsErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opt  Option
		want string
	}{
		{WithBaseURL(""), "groupme: WithBaseURL: empty URL"},
		{WithBaseURL("/relative-secret"), "groupme: WithBaseURL: URL needs a scheme and a host"},
		{WithBaseURL("https://h/v3?secret=1"), "groupme: WithBaseURL: URL must not have a query or fragment"},
		{WithEndpoints(Endpoints{Video: "nohost-secret"}), "groupme: WithEndpoints: Video: URL needs a scheme and a host"},
		{WithEndpoints(Endpoints{Push: "http://h/faye#secret"}), "groupme: WithEndpoints: Push: URL must not have a query or fragment"},
		{WithEndpoints(Endpoints{V2: "::secret"}), "groupme: WithEndpoints: V2: invalid URL"},
	} {
		_, err := New(testToken, tc.opt)
		if err == nil || err.Error() != tc.want {
			t.Errorf("New: %v, want %q", err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("the error quotes the URL: %v", err)
		}
	}
}

// TestUploadFollowsBase: given only WithBaseURL, an upload goes to that
// host, so a test setup never sends a token to the real image service.
func TestUploadFollowsBase(t *testing.T) {
	t.Parallel()
	var hosts []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Host)
		return fakeResponse(r, 200, `{"payload":{"url":"https://i.groupme.com/1x1.png.x","picture_url":"https://i.groupme.com/1x1.png.x"}}`), nil
	})
	c, err := New(testToken, WithBaseURL("http://127.0.0.1:9/v3"), WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadImage(t.Context(), strings.NewReader("GIF89a"), "image/gif"); err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 1 || hosts[0] != "127.0.0.1:9" {
		t.Errorf("the upload went to %v", hosts)
	}
}
