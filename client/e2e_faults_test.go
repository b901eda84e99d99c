package client_test

// End-to-end fault injection: each kind of failure contracttest can inject,
// and what the Client makes of it. Retries that are not told how long to
// wait (no Retry-After) sleep the RetryTransport's real back-off, 250 to
// 500 ms for the first retry, so those cases retry once or twice only; rate
// limits carry "Retry-After: 0" where the wait is not the point.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// faultServer starts a small seeded fake with the given fault rules.
func faultServer(t *testing.T, opts ...contracttest.Option) *contracttest.Server {
	t.Helper()
	all := append([]contracttest.Option{contracttest.WithDataset(contracttest.SeedConfig{
		Seed: 2, Users: 3, Groups: 2, Messages: 30, GroupMessages: 5, DirectMessages: 5, Bots: 1,
	})}, opts...)
	return contracttest.NewServer(t, all...)
}

func wantAPIError(t *testing.T, err error, status int, sentinel error) *client.APIError {
	t.Helper()
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want an *APIError with status %d", err, err, status)
	}
	if apiErr.Status != status {
		t.Errorf("APIError.Status = %d, want %d (%v)", apiErr.Status, status, err)
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Errorf("errors.Is(%v, %v) = false", err, sentinel)
	}
	return apiErr
}

func wantCalls(t *testing.T, srv *contracttest.Server, op string, n int) {
	t.Helper()
	if got := srv.Fake.Calls(op); got != n {
		t.Errorf("the fake received %d %s requests, want %d", got, op, n)
	}
}

// TestE2EFaultsOnReads injects each fault kind into GET /groups/{id} and
// checks what GetGroup returns and how many requests it took.
func TestE2EFaultsOnReads(t *testing.T) {
	t.Parallel()
	const op = "getGroup"
	type tc struct {
		name  string
		fault contracttest.Fault
		times int // FaultRule.Times; 0 is forever
		every int
		opts  []client.Option
		calls int // GetGroup calls made
		// want checks the last call's error; nil means every call succeeds.
		want      func(t *testing.T, err error)
		wantCalls int // requests the fake saw
	}
	cases := []tc{
		{name: "420 with Retry-After 0, once", fault: contracttest.RateLimited(420, "0"), times: 1, wantCalls: 2},
		{name: "429 with Retry-After 0, once", fault: contracttest.RateLimited(429, "0"), times: 1, wantCalls: 2},
		{name: "429 without Retry-After, once", fault: contracttest.RateLimited(429, ""), times: 1, wantCalls: 2},
		{name: "420 without Retry-After, once", fault: contracttest.RateLimited(420, ""), times: 1, wantCalls: 2},
		{
			name: "429 asking longer than WithMaxRetryAfter", fault: contracttest.RateLimited(429, "3600"),
			opts: []client.Option{client.WithMaxRetryAfter(time.Second)}, wantCalls: 1,
			want: func(t *testing.T, err error) {
				e := wantAPIError(t, err, 429, client.ErrRateLimited)
				if e.RetryAfter != time.Hour {
					t.Errorf("RetryAfter = %v, want 1h", e.RetryAfter)
				}
				if e.Operation != "GetGroup" || e.Method != http.MethodGet || !strings.Contains(e.Path, "/groups/") || strings.Contains(e.Path, "?") {
					t.Errorf("APIError names %s %s %s", e.Operation, e.Method, e.Path)
				}
			},
		},
		{
			name: "420 asking longer than the default minute", fault: contracttest.RateLimited(420, "120"), wantCalls: 1,
			want: func(t *testing.T, err error) {
				e := wantAPIError(t, err, 420, client.ErrRateLimited)
				if e.RetryAfter != 2*time.Minute || e.Code != 420 {
					t.Errorf("RetryAfter = %v, meta.code = %d; want 2m0s and 420", e.RetryAfter, e.Code)
				}
			},
		},
		{
			name: "429 forever: retries run out", fault: contracttest.RateLimited(429, "0"),
			opts: []client.Option{client.WithRetries(2)}, wantCalls: 3,
			want: func(t *testing.T, err error) {
				e := wantAPIError(t, err, 429, client.ErrRateLimited)
				if e.RetryAfter != 0 || len(e.Errors) == 0 {
					t.Errorf("RetryAfter = %v, errors %q; want 0 and the envelope's messages", e.RetryAfter, e.Errors)
				}
			},
		},
		{
			name: "500 is not retried", fault: contracttest.ServerError(500), times: 1, wantCalls: 1,
			want: func(t *testing.T, err error) {
				e := wantAPIError(t, err, 500, client.ErrServerError)
				if errors.Is(err, client.ErrUnavailable) || e.Code != 500 || len(e.Errors) == 0 {
					t.Errorf("500: code %d, errors %q, unavailable %v", e.Code, e.Errors, errors.Is(err, client.ErrUnavailable))
				}
			},
		},
		{name: "502 once", fault: contracttest.ServerError(502), times: 1, wantCalls: 2},
		{name: "503 once", fault: contracttest.ServerError(503), times: 1, wantCalls: 2},
		{name: "504 once", fault: contracttest.ServerError(504), times: 1, wantCalls: 2},
		// Every 2nd request: calls 1, 2 (faulted, retried as 3), 3 (faulted
		// as 4, retried as 5) all succeed.
		{name: "503 on every 2nd request", fault: contracttest.ServerError(503), every: 2, calls: 3, wantCalls: 5},
		{
			name: "503 forever: retries run out", fault: contracttest.ServerError(503),
			opts: []client.Option{client.WithRetries(1)}, wantCalls: 2,
			want: func(t *testing.T, err error) { wantAPIError(t, err, 503, client.ErrUnavailable) },
		},
		{
			name: "504 with retries off", fault: contracttest.ServerError(504),
			opts: []client.Option{client.WithRetries(0)}, wantCalls: 1,
			want: func(t *testing.T, err error) { wantAPIError(t, err, 504, client.ErrUnavailable) },
		},
		{
			name: "HTML 502 page", fault: contracttest.HTMLError(502),
			opts: []client.Option{client.WithRetries(0)}, wantCalls: 1,
			want: func(t *testing.T, err error) {
				e := wantAPIError(t, err, 502, client.ErrUnavailable)
				if e.Code != 0 || len(e.Errors) != 0 {
					t.Errorf("an HTML page gave code %d, errors %q; want none", e.Code, e.Errors)
				}
			},
		},
		{
			name: "HTML 500 page is not retried", fault: contracttest.HTMLError(500), wantCalls: 1,
			want: func(t *testing.T, err error) { wantAPIError(t, err, 500, client.ErrServerError) },
		},
		{name: "HTML 503 page once", fault: contracttest.HTMLError(503), times: 1, wantCalls: 2},
		{
			name: "truncated JSON is not retried", fault: contracttest.TruncatedBody(), times: 1, wantCalls: 1,
			want: func(t *testing.T, err error) {
				var de *client.DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("error = %v (%T), want a *DecodeError", err, err)
				}
				if de.Operation != "GetGroup" || de.Status != http.StatusOK || de.Method != http.MethodGet || de.Err == nil {
					t.Errorf("DecodeError = %+v", de)
				}
				var apiErr *client.APIError
				if errors.As(err, &apiErr) {
					t.Errorf("a 200 with a truncated body is also an *APIError")
				}
			},
		},
		{name: "dropped connection once", fault: contracttest.DropConnection(), times: 1, wantCalls: 2},
		{
			name: "dropped connection with retries off", fault: contracttest.DropConnection(),
			opts: []client.Option{client.WithRetries(0), client.WithQueryToken()}, wantCalls: 1,
			want: func(t *testing.T, err error) {
				var te *client.TransportError
				if !errors.As(err, &te) {
					t.Fatalf("error = %v (%T), want a *TransportError", err, err)
				}
				if te.Operation != "GetGroup" || te.Method != http.MethodGet {
					t.Errorf("TransportError = %+v", te)
				}
				var ue *url.Error
				if errors.As(err, &ue) && strings.Contains(ue.URL, "token=") {
					t.Errorf("the wrapped *url.Error keeps the query: %s", ue.URL)
				}
			},
		},
		{name: "latency", fault: contracttest.Latency(20 * time.Millisecond), wantCalls: 1},
		{name: "503 with Retry-After 0, once", fault: contracttest.Fault{Kind: contracttest.FaultStatus, Status: 503, RetryAfter: "0"}, times: 1, wantCalls: 2},
		{
			name: "503 asking longer than WithMaxRetryAfter", fault: contracttest.Fault{Kind: contracttest.FaultStatus, Status: 503, RetryAfter: "600"},
			opts: []client.Option{client.WithMaxRetryAfter(time.Second)}, wantCalls: 1,
			want: func(t *testing.T, err error) {
				if e := wantAPIError(t, err, 503, client.ErrUnavailable); e.RetryAfter != 10*time.Minute {
					t.Errorf("RetryAfter = %v, want 10m", e.RetryAfter)
				}
			},
		},
		{name: "429 with an HTTP date in the past, once", fault: contracttest.RateLimited(429, time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)), times: 1, wantCalls: 2},
		{
			name: "429 with an HTTP date an hour ahead", fault: contracttest.RateLimited(429, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)), wantCalls: 1,
			want: func(t *testing.T, err error) {
				if e := wantAPIError(t, err, 429, client.ErrRateLimited); e.RetryAfter < 55*time.Minute || e.RetryAfter > time.Hour {
					t.Errorf("RetryAfter = %v, want about 1h", e.RetryAfter)
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{
				Fault: c.fault, Operations: []string{op}, Times: c.times, Every: c.every,
			}))
			cl := e2eClient(t, srv, srv.Token, c.opts...)
			g := srv.Dataset.Groups[0]
			calls := max(c.calls, 1)
			var err error
			for range calls {
				var grp *client.Group
				grp, err = cl.GetGroup(t.Context(), g, nil)
				if c.want == nil {
					if err != nil {
						t.Fatalf("GetGroup: %v", err)
					}
					if grp.ID != g || grp.Name == "" {
						t.Errorf("GetGroup returned %+v", grp)
					}
				} else if grp != nil {
					t.Errorf("GetGroup returned a group with the error %v", err)
				}
			}
			if c.want != nil {
				c.want(t, err)
				if strings.Contains(err.Error(), srv.Token) {
					t.Errorf("the error text holds the token: %v", err)
				}
			}
			wantCalls(t, srv, op, c.wantCalls)
			if c.want != nil && c.times > 0 {
				// The fault has cleared: the next call goes through.
				if _, err := cl.GetGroup(t.Context(), g, nil); err != nil {
					t.Errorf("GetGroup after the fault cleared: %v", err)
				}
			}
		})
	}
}

// TestE2ELatency checks injected latency both ways: on a manual clock it
// costs nothing and the answer arrives; in real time past the context's
// deadline the call ends with the context's error.
func TestE2ELatency(t *testing.T) {
	t.Parallel()
	t.Run("manual clock", func(t *testing.T) {
		t.Parallel()
		clock := contracttest.NewManualClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
		srv := faultServer(t, contracttest.WithClock(clock.Now), contracttest.WithSleep(clock.Sleep),
			contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.Latency(10 * time.Minute), Operations: []string{"getMe"}}))
		cl := e2eClient(t, srv, srv.Token)
		begin := time.Now()
		me, err := cl.GetMe(t.Context())
		if err != nil || me.ID != srv.Dataset.Users[0].ID {
			t.Fatalf("GetMe with latency: %v, %v", me, err)
		}
		if got := clock.Now().Sub(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)); got != 10*time.Minute {
			t.Errorf("the manual clock moved %v, want 10m", got)
		}
		if d := time.Since(begin); d > 5*time.Second {
			t.Errorf("manual-clock latency took %v of real time", d)
		}
		wantCalls(t, srv, "getMe", 1)
	})
	t.Run("past the deadline", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.Latency(10 * time.Second), Operations: []string{"getMe"}}))
		cl := e2eClient(t, srv, srv.Token)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		begin := time.Now()
		_, err := cl.GetMe(ctx)
		var te *client.TransportError
		if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("GetMe past the deadline: error %v (%T), want a *TransportError wrapping context.DeadlineExceeded", err, err)
		}
		if d := time.Since(begin); d > 5*time.Second {
			t.Errorf("the call outlived its deadline: %v", d)
		}
		// At most one attempt: none is retried past the deadline (under
		// load the one attempt may not even reach the server in 100ms).
		if n := srv.Fake.Calls("getMe"); n > 1 {
			t.Errorf("getMe reached the fake %d times, want at most 1", n)
		}
	})
}

// countGUID counts a group's messages with the source_guid.
func countGUID(srv *contracttest.Server, groupID, guid string) (n int, id string) {
	for _, m := range srv.Fake.GroupMessages(groupID) {
		if m.SourceGUID == guid {
			n++
			id = m.ID
		}
	}
	return n, id
}

// TestE2ERetriedCreate loses the answer to a message creation after the
// message was stored; the retry meets 409 and the call still succeeds, with
// exactly one message.
func TestE2ERetriedCreate(t *testing.T) {
	t.Parallel()
	lost := []struct {
		name  string
		fault contracttest.Fault
	}{
		{"503 after storing", contracttest.ServerError(503).After()},
		{"502 HTML page after storing", contracttest.HTMLError(502).After()},
		{"504 after storing", contracttest.ServerError(504).After()},
		{"429 after storing", contracttest.RateLimited(429, "0").After()},
		{"dropped connection after storing", contracttest.DropConnection().After()},
		{"503 before storing", contracttest.ServerError(503)},
		{"dropped connection before storing", contracttest.DropConnection()},
	}
	for _, lc := range lost {
		t.Run("group message/"+lc.name, func(t *testing.T) {
			t.Parallel()
			srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: lc.fault, Operations: []string{"createMessage"}, Times: 1}))
			cl := e2eClient(t, srv, srv.Token)
			g := srv.Dataset.Groups[0]
			before := len(srv.Fake.GroupMessages(g))
			for _, guid := range []string{"", "caller-guid-1"} { // generated, then given
				m, err := cl.CreateMessage(t.Context(), g, client.NewMessage{Text: client.Ptr("exactly once " + guid), SourceGUID: guid})
				if err != nil {
					t.Fatalf("CreateMessage(guid %q): %v", guid, err)
				}
				if guid != "" && m.SourceGUID != guid {
					t.Errorf("the source_guid %q came back as %q", guid, m.SourceGUID)
				}
				n, id := countGUID(srv, g, m.SourceGUID)
				if n != 1 {
					t.Errorf("%d messages with source_guid %s, want 1", n, m.SourceGUID)
				}
				if m.ID != id || deref(m.Text) != "exactly once "+guid {
					t.Errorf("CreateMessage returned %s %q, the fake stored %s", m.ID, deref(m.Text), id)
				}
				srv.Fake.AddFault(contracttest.FaultRule{Fault: lc.fault, Operations: []string{"createMessage"}, Times: 1})
			}
			if got := len(srv.Fake.GroupMessages(g)); got != before+2 {
				t.Errorf("the group grew by %d messages, want 2", got-before)
			}
			wantCalls(t, srv, "createMessage", 4)
		})
		t.Run("direct message/"+lc.name, func(t *testing.T) {
			t.Parallel()
			srv := faultServer(t)
			cl := e2eClient(t, srv, srv.Token)
			// An existing conversation, and a first message to a new user.
			fresh := srv.Fake.AddUser(contracttest.Account{Name: "Fresh Face"})
			for _, other := range []string{srv.Dataset.Users[1].ID, fresh.ID} {
				list := func() []client.DirectMessage {
					t.Helper()
					page, err := cl.ListDirectMessages(t.Context(), other, &client.MessageParams{Limit: 100})
					if err != nil {
						t.Fatal(err)
					}
					return page.DirectMessages
				}
				before := len(list())
				calls := srv.Fake.Calls("createDirectMessage")
				srv.Fake.AddFault(contracttest.FaultRule{Fault: lc.fault, Operations: []string{"createDirectMessage"}, Times: 1})
				dm, err := cl.CreateDirectMessage(t.Context(), client.NewDirectMessage{RecipientID: other, Text: client.Ptr("dm exactly once")})
				if err != nil {
					t.Fatalf("CreateDirectMessage to %s: %v", other, err)
				}
				all := list()
				var n int
				var id string
				for _, m := range all {
					if m.SourceGUID == dm.SourceGUID {
						n++
						id = m.ID
					}
				}
				if n != 1 || len(all) != before+1 {
					t.Errorf("to %s: %d messages with source_guid %s (conversation grew by %d), want 1", other, n, dm.SourceGUID, len(all)-before)
				}
				if dm.ID != id || deref(dm.Text) != "dm exactly once" || dm.RecipientID != other {
					t.Errorf("CreateDirectMessage returned %s %q to %s, the fake stored %s", dm.ID, deref(dm.Text), dm.RecipientID, id)
				}
				if got := srv.Fake.Calls("createDirectMessage") - calls; got != 2 {
					t.Errorf("to %s: %d createDirectMessage requests, want 2", other, got)
				}
			}
		})
	}

	t.Run("truncated answer to a create", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.TruncatedBody(), Operations: []string{"createMessage"}, Times: 1}))
		cl := e2eClient(t, srv, srv.Token)
		g := srv.Dataset.Groups[0]
		m, err := cl.CreateMessage(t.Context(), g, client.NewMessage{Text: client.Ptr("half an answer"), SourceGUID: "trunc-1"})
		var de *client.DecodeError
		if !errors.As(err, &de) || de.Operation != "CreateMessage" || de.Status != http.StatusCreated || m != nil {
			t.Errorf("CreateMessage with a truncated answer = %v, %v; want a *DecodeError for the 201", m, err)
		}
		if n, _ := countGUID(srv, g, "trunc-1"); n != 1 {
			t.Errorf("%d messages stored, want 1", n)
		}
		wantCalls(t, srv, "createMessage", 1)
	})

	t.Run("answer lost every time", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.RateLimited(429, "0").After(), Operations: []string{"createMessage"}}))
		cl := e2eClient(t, srv, srv.Token, client.WithRetries(2))
		g := srv.Dataset.Groups[0]
		// The first attempt stores the message, the retries meet 409 (sent
		// as 429 by the fault): the client cannot tell, and reports the rate limit.
		_, err := cl.CreateMessage(t.Context(), g, client.NewMessage{Text: client.Ptr("lost"), SourceGUID: "lost-1"})
		wantAPIError(t, err, 429, client.ErrRateLimited)
		if n, _ := countGUID(srv, g, "lost-1"); n != 1 {
			t.Errorf("%d messages stored, want 1", n)
		}
		wantCalls(t, srv, "createMessage", 3)
	})
}

// TestE2EFaultsOnWrites checks that what could be duplicated is sent once,
// and that payload-less calls take any 2xx body.
func TestE2EFaultsOnWrites(t *testing.T) {
	t.Parallel()
	t.Run("503 on UpdateGroup is not retried", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.ServerError(503), Operations: []string{"updateGroup"}, Times: 1}))
		cl := e2eClient(t, srv, srv.Token)
		g := srv.Dataset.Groups[0]
		_, err := cl.UpdateGroup(t.Context(), g, client.GroupUpdateRequest{Name: client.Ptr("never")})
		wantAPIError(t, err, 503, client.ErrUnavailable)
		wantCalls(t, srv, "updateGroup", 1)
		if grp, err := cl.GetGroup(t.Context(), g, nil); err != nil || grp.Name == "never" {
			t.Errorf("the group was renamed (or GetGroup failed: %v)", err)
		}
	})
	t.Run("dropped connection on CreateGroup is not retried", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.DropConnection().After(), Operations: []string{"createGroup"}, Times: 1}))
		cl := e2eClient(t, srv, srv.Token)
		_, err := cl.CreateGroup(t.Context(), client.GroupCreateRequest{Name: "Created once"})
		var te *client.TransportError
		if !errors.As(err, &te) || te.Operation != "CreateGroup" {
			t.Fatalf("CreateGroup with a dropped connection: error %v (%T), want a *TransportError", err, err)
		}
		wantCalls(t, srv, "createGroup", 1)
		n := 0
		for g, err := range cl.ListGroupsIter(t.Context(), nil) {
			if err != nil {
				t.Fatal(err)
			}
			if g.Name == "Created once" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d groups named \"Created once\", want 1 (stored before the connection dropped, not retried)", n)
		}
	})
	t.Run("429 on PostBotMessage is not retried", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.RateLimited(429, "0"), Operations: []string{"postBotMessage"}, Times: 1}))
		cl := e2eClient(t, srv, srv.Token)
		err := cl.PostBotMessage(t.Context(), client.BotPostRequest{BotID: srv.Dataset.Bots[0], Text: "hi"})
		wantAPIError(t, err, 429, client.ErrRateLimited)
		wantCalls(t, srv, "postBotMessage", 1)
	})
	t.Run("truncated body on payload-less calls", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.TruncatedBody(), Operations: []string{"enableSmsMode", "disableSmsMode", "deleteBlock"}}))
		cl := e2eClient(t, srv, srv.Token)
		ctx := t.Context()
		if err := cl.EnableSMSMode(ctx, client.SMSModeRequest{Duration: client.SMSHours(1)}); err != nil {
			t.Errorf("EnableSmsMode with a truncated 201 body: %v", err)
		}
		if me, err := cl.GetMe(ctx); err != nil || !deref(me.SMS) {
			t.Errorf("SMS mode is not on (err %v)", err)
		}
		if err := cl.DisableSMSMode(ctx); err != nil {
			t.Errorf("DisableSmsMode with a truncated body: %v", err)
		}
		if me, err := cl.GetMe(ctx); err != nil || deref(me.SMS) {
			t.Errorf("SMS mode is still on (err %v)", err)
		}
		me, other := srv.Dataset.Users[0].ID, srv.Dataset.Users[1].ID
		if _, err := cl.CreateBlock(ctx, me, other); err != nil {
			t.Fatal(err)
		}
		if err := cl.DeleteBlock(ctx, me, other); err != nil {
			t.Errorf("DeleteBlock with a truncated body: %v", err)
		}
		if between, err := cl.GetBlockBetween(ctx, me, other); err != nil || between {
			t.Errorf("the block is still there (err %v)", err)
		}
	})
	t.Run("truncated body on a like is a DecodeError", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.TruncatedBody(), Operations: []string{"likeMessage"}, Times: 1}))
		cl := e2eClient(t, srv, srv.Token)
		g := srv.Dataset.Groups[0]
		msgs := srv.Fake.GroupMessages(g)
		id := msgs[len(msgs)-1].ID
		_, err := cl.LikeMessage(t.Context(), g, id, nil)
		var de *client.DecodeError
		if !errors.As(err, &de) || de.Operation != "LikeMessage" {
			t.Errorf("LikeMessage with a truncated body: error %v, want a *DecodeError", err)
		}
		msgs = srv.Fake.GroupMessages(g)
		if !slices.Contains(msgs[len(msgs)-1].FavoritedBy, srv.Dataset.Users[0].ID) {
			t.Errorf("the like was not stored")
		}
	})
}

// TestE2EFaultsOnUploads: an upload is retried only when its body can be
// replayed.
func TestE2EFaultsOnUploads(t *testing.T) {
	t.Parallel()
	pic := testPNG(t, 2, 2)
	for _, rc := range []struct {
		name      string
		reader    func() io.Reader
		retried   bool
		wantCalls int
	}{
		{"bytes.Reader", func() io.Reader { return bytes.NewReader(pic) }, true, 2},
		{"io.SectionReader", func() io.Reader { return io.NewSectionReader(bytes.NewReader(pic), 0, int64(len(pic))) }, true, 2},
		{"a reader that cannot seek", func() io.Reader { return io.MultiReader(bytes.NewReader(pic)) }, false, 1},
	} {
		t.Run(rc.name, func(t *testing.T) {
			t.Parallel()
			srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.ServerError(503), Operations: []string{"uploadImage"}, Times: 1}))
			cl := e2eClient(t, srv, srv.Token)
			u, err := cl.UploadImage(t.Context(), rc.reader(), "image/png")
			if rc.retried {
				if err != nil {
					t.Fatalf("UploadImage: %v", err)
				}
				if got := fetch(t, t.Context(), u); !bytes.Equal(got, pic) {
					t.Errorf("the image served back differs from the upload (%d bytes, want %d)", len(got), len(pic))
				}
			} else {
				wantAPIError(t, err, 503, client.ErrUnavailable)
				if u != "" {
					t.Errorf("UploadImage returned %q with its error", u)
				}
			}
			wantCalls(t, srv, "uploadImage", rc.wantCalls)
		})
	}
	t.Run("truncated upload answer", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: contracttest.TruncatedBody(), Operations: []string{"uploadImage"}, Times: 1}))
		cl := e2eClient(t, srv, srv.Token)
		_, err := cl.UploadImage(t.Context(), bytes.NewReader(pic), "")
		var de *client.DecodeError
		if !errors.As(err, &de) || de.Operation != "UploadImage" {
			t.Errorf("UploadImage with a truncated answer: error %v, want a *DecodeError", err)
		}
	})
}

// TestE2EFaultsWhilePaging walks 300 messages through a fake that rate
// limits a seeded share of the pages; the walk is complete and gap-free.
func TestE2EFaultsWhilePaging(t *testing.T) {
	t.Parallel()
	srv := contracttest.NewServer(t,
		contracttest.WithDataset(contracttest.SeedConfig{Seed: 4, Users: 3, Groups: 1, Messages: 300, GroupMessages: -1, DirectMessages: -1, Bots: 1}),
		contracttest.WithFaults(
			contracttest.FaultRule{Fault: contracttest.RateLimited(429, "0"), Operations: []string{"listMessages"}, Rate: 0.3, Seed: 42},
			contracttest.FaultRule{Fault: contracttest.RateLimited(420, "0"), Operations: []string{"listMessages"}, Every: 7},
		))
	cl := e2eClient(t, srv, srv.Token, client.WithRetries(10))
	g := srv.Dataset.Groups[0]
	want := messageIDs(srv.Fake.GroupMessages(g))
	fwd := messageIDs(collect(t, cl.ListMessagesAfterIter(t.Context(), g, &client.MessageParams{AfterID: "0", Limit: 20})))
	back := messageIDs(collect(t, cl.ListMessagesIter(t.Context(), g, &client.MessageParams{Limit: 20})))
	if !slices.Equal(fwd, want) || !slices.Equal(back, reversedCopy(want)) {
		t.Errorf("walks through faults: forwards %d, backwards %d messages, want %d in order", len(fwd), len(back), len(want))
	}
	// 16 pages each way (15 full and the 304): any more requests were faults.
	if calls := srv.Fake.Calls("listMessages"); calls <= 32 {
		t.Errorf("only %d requests: the faults did not fire", calls)
	}
}

// TestE2EIteratorYieldsErrorOnce: a failing page ends an iteration with a
// single error.
func TestE2EIteratorYieldsErrorOnce(t *testing.T) {
	t.Parallel()
	srv := faultServer(t)
	cl := e2eClient(t, srv, srv.Token, client.WithRetries(0))
	g := srv.Dataset.Groups[0]
	// The first page is fine, the second fails.
	srv.Fake.AddFault(contracttest.FaultRule{Fault: contracttest.ServerError(500), Operations: []string{"listMessages"}, Every: 2, Times: 1})
	var got, errs int
	for _, err := range cl.ListMessagesIter(t.Context(), g, &client.MessageParams{Limit: 10}) {
		if err != nil {
			errs++
			wantAPIError(t, err, 500, client.ErrServerError)
			continue
		}
		got++
	}
	if got != 10 || errs != 1 {
		t.Errorf("the iteration yielded %d messages and %d errors, want 10 and 1", got, errs)
	}
	wantCalls(t, srv, "listMessages", 2)
}

// TestE2EWaitsEndWithTheContext: a retry wait, whether back-off or
// Retry-After, ends when the context does.
func TestE2EWaitsEndWithTheContext(t *testing.T) {
	t.Parallel()
	for _, f := range []contracttest.Fault{
		contracttest.ServerError(503),       // back-off
		contracttest.RateLimited(429, "30"), // Retry-After under the cap
		contracttest.DropConnection(),       // network error back-off
	} {
		t.Run(fmt.Sprintf("kind %d status %d", f.Kind, f.Status), func(t *testing.T) {
			t.Parallel()
			srv := faultServer(t, contracttest.WithFaults(contracttest.FaultRule{Fault: f, Operations: []string{"getMe"}}))
			// Waits far longer than the context lets them.
			cl := e2eClient(t, srv, srv.Token, client.WithMaxRetryAfter(time.Minute), client.WithRetries(5), client.WithBackoff(time.Minute, time.Minute))
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			begin := time.Now()
			_, err := cl.GetMe(ctx)
			if d := time.Since(begin); d > 3*time.Second {
				t.Errorf("GetMe took %v after its context ended", d)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v (%T), want one wrapping context.DeadlineExceeded", err, err)
			}
			var te *client.TransportError
			if !errors.As(err, &te) || te.Operation != "GetMe" {
				t.Errorf("error = %v (%T), want a *TransportError for GetMe", err, err)
			}
			if n := srv.Fake.Calls("getMe"); n > 2 {
				t.Errorf("%d requests, want at most 2 within 100ms (the waits are a minute)", n)
			}
		})
	}
}

// TestE2EWaitForMembers exercises WaitForMembers' own polling (with the
// transport's retries off), the results' expiry and the context's end.
func TestE2EWaitForMembers(t *testing.T) {
	t.Parallel()
	t.Run("polls through not ready", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithMembersResultsDelay(1, 0))
		cl := e2eClient(t, srv, srv.Token, client.WithRetries(0))
		g := srv.Dataset.Groups[1]
		var newcomer contracttest.Account
		for _, u := range srv.Dataset.Users[1:] {
			grp, err := cl.GetGroup(t.Context(), g, nil)
			if err != nil {
				t.Fatal(err)
			}
			if findMember(grp, u.ID) == nil {
				newcomer = u
				break
			}
		}
		if newcomer.ID == "" {
			newcomer = srv.Fake.AddUser(contracttest.Account{Name: "Newcomer"})
		}
		rid, err := cl.AddMembers(t.Context(), g, []client.MemberToAdd{{UserID: &newcomer.ID, Nickname: "New", GUID: client.Ptr("g1")}})
		if err != nil {
			t.Fatal(err)
		}
		ms, err := cl.WaitForMembers(t.Context(), g, rid)
		if err != nil || len(ms) != 1 || ms[0].UserID != newcomer.ID || deref(ms[0].GUID) != "g1" {
			t.Fatalf("WaitForMembers = %+v, %v", ms, err)
		}
		wantCalls(t, srv, "getMembersResults", 2)
	})
	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		clock := contracttest.NewManualClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
		srv := faultServer(t, contracttest.WithClock(clock.Now))
		cl := e2eClient(t, srv, srv.Token)
		extra := srv.Fake.AddUser(contracttest.Account{Name: "Late Comer"})
		rid, err := cl.AddMembers(t.Context(), srv.Dataset.Groups[0], []client.MemberToAdd{{UserID: &extra.ID, Nickname: "Late"}})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Hour)
		_, err = cl.WaitForMembers(t.Context(), srv.Dataset.Groups[0], rid)
		if !errors.Is(err, client.ErrResultsExpired) || !errors.Is(err, client.ErrNotFound) {
			t.Errorf("WaitForMembers after an hour: error %v, want ErrResultsExpired", err)
		}
	})
	t.Run("never ready", func(t *testing.T) {
		t.Parallel()
		srv := faultServer(t, contracttest.WithMembersResultsDelay(1000, 0))
		cl := e2eClient(t, srv, srv.Token, client.WithRetries(0))
		extra := srv.Fake.AddUser(contracttest.Account{Name: "Slow Poke"})
		rid, err := cl.AddMembers(t.Context(), srv.Dataset.Groups[0], []client.MemberToAdd{{UserID: &extra.ID, Nickname: "Slow"}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		begin := time.Now()
		_, err = cl.WaitForMembers(ctx, srv.Dataset.Groups[0], rid)
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, client.ErrUnavailable) {
			t.Errorf("WaitForMembers past its deadline: error %v, want context.DeadlineExceeded and the last ErrUnavailable", err)
		}
		if d := time.Since(begin); d > 3*time.Second {
			t.Errorf("WaitForMembers outlived its context by %v", d)
		}
	})
}

// TestE2ERequestErrors: what the fake rejects arrives as typed errors
// carrying meta.errors.
func TestE2ERequestErrors(t *testing.T) {
	t.Parallel()
	srv := faultServer(t)
	ctx := t.Context()
	bad := e2eClient(t, srv, "not-a-token")
	_, err := bad.GetMe(ctx)
	wantAPIError(t, err, http.StatusUnauthorized, client.ErrUnauthorized)
	if strings.Contains(err.Error(), "not-a-token") {
		t.Errorf("the error text holds the token: %v", err)
	}
	cl := e2eClient(t, srv, srv.Token)
	_, err = cl.ListMessages(ctx, srv.Dataset.Groups[0], &client.MessageParams{Limit: 500})
	e := wantAPIError(t, err, http.StatusBadRequest, client.ErrBadRequest)
	if len(e.Errors) == 0 || !strings.Contains(strings.Join(e.Errors, " "), "limit") || e.Code != 400 {
		t.Errorf("the 400 carries code %d, errors %q; want 400 and a word about limit", e.Code, e.Errors)
	}
	for v, err := range cl.ListMessagesIter(ctx, srv.Dataset.Groups[0], &client.MessageParams{Limit: 101}) {
		if err == nil || !errors.Is(err, client.ErrBadRequest) {
			t.Errorf("ListMessagesIter(PageSize(101)) yielded %v, %v; want ErrBadRequest", v.ID, err)
		}
	}
}
