package contracttest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Server is a [Fake] on a loopback HTTP server, for tests.
type Server struct {
	// URL is the API base URL, "http://127.0.0.1:<port>/v3": use it where
	// the real API is https://api.groupme.com/v3.
	URL string
	// ImageURL is the image service's base URL, "http://127.0.0.1:<port>":
	// uploads go to ImageURL + "/pictures", where the real service is
	// https://image.groupme.com. Uploaded images are served from the same
	// server.
	ImageURL string
	// AuthorizeURL is the fake's OAuth authorization page,
	// "http://127.0.0.1:<port>/oauth/authorize", where the real one is
	// https://oauth.groupme.com/oauth/authorize; see [Fake.AddOAuthApp].
	AuthorizeURL string
	// V4URL, VideoURL and FileURL are the bases of the unofficial calls:
	// "<server>/v4" for https://api.groupme.com/v4, "<server>/video" for
	// https://video.groupme.com and "<server>/file" for
	// https://file.groupme.com (whose calls begin with /v1).
	V4URL, VideoURL, FileURL string
	// V2URL, "<server>/v2", stands for https://v2.groupme.com, and V1URL,
	// "<server>/v1", for https://api.groupme.com/v1 (unofficial).
	V2URL, V1URL string
	// PushURL is the push service, "http://127.0.0.1:<port>/faye" (also
	// reachable by WebSocket): use it where the real one is
	// https://push.groupme.com/faye.
	PushURL string
	// Fake is the fake behind the server, for seeding, faults and
	// inspection.
	Fake *Fake
	// Dataset is the seeded data (nil with [WithoutDataset]).
	Dataset *Dataset
	// Token is the token of Dataset.Users[0] ("" without a dataset).
	Token string

	srv *httptest.Server
}

// NewServer starts a fake GroupMe on a loopback address and closes it when
// the test ends. Unless [WithDataset] or [WithoutDataset] is given it seeds
// [DefaultSeedConfig]. Any response of the fake that violates openapi.yaml
// fails the test through tb.Errorf.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	all := []Option{WithViolationHandler(func(err error) {
		tb.Errorf("contracttest: the fake sent a response that violates openapi.yaml: %v", err)
	})}
	var probe config
	for _, o := range opts {
		o(&probe)
	}
	if probe.dataset == nil && !probe.noDataset {
		all = append(all, WithDataset(DefaultSeedConfig()))
	}
	all = append(all, opts...)
	f := NewFake(all...)
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ReadHeaderTimeout = ReadHeaderTimeout
	srv.Config.ReadTimeout = ReadTimeout
	srv.Start()
	tb.Cleanup(f.Close) // after srv.Close (cleanups run last first)
	tb.Cleanup(srv.Close)
	s := &Server{URL: srv.URL + "/v3", ImageURL: srv.URL, AuthorizeURL: srv.URL + AuthorizePath, PushURL: srv.URL + pushPath, Fake: f, Dataset: f.Dataset(), srv: srv}
	s.V4URL, s.VideoURL, s.FileURL = srv.URL+"/v4", srv.URL+"/video", srv.URL+"/file"
	s.V2URL, s.V1URL = srv.URL+"/v2", srv.URL+"/v1"
	if s.Dataset != nil && len(s.Dataset.Users) > 0 {
		s.Token = s.Dataset.Users[0].Token
	}
	return s
}

// The fake's servers (NewServer's and `groupme fake`) give a client this
// long to send a request's headers, and its whole request, body included,
// so a slow or stalled upload cannot hold a connection and its memory
// forever.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 2 * time.Minute
)

// Client returns an HTTP client for the server (plain net/http).
func (s *Server) Client() *http.Client { return s.srv.Client() }
