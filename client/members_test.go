package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

const memberJSON = `{"id":"1000101","user_id":"1234567890","nickname":"Mara","muted":false,"image_url":null,"autokicked":false,"app_installed":true,"guid":"GUID-1"}`

func TestMembers(t *testing.T) {
	t.Parallel()
	runOpCases(t, []opCase{
		{
			name: "AddMembers",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AddMembers(ctx, "1234567", []MemberToAdd{
					{Nickname: "Mara", UserID: Ptr("1234567890"), GUID: Ptr("GUID-1")},
					{Nickname: "Ben", PhoneNumber: Ptr("+1 2125551234")},
				})
			},
			method: "POST", path: "/v3/groups/1234567/members/add",
			body:   `{"members":[{"nickname":"Mara","user_id":"1234567890","guid":"GUID-1"},{"nickname":"Ben","phone_number":"+1 2125551234"}]}`,
			status: 202, resp: envelopeOf("202", `{"results_id":"GUID-5f6c"}`),
			check: func(t *testing.T, got any) {
				if got != "GUID-5f6c" {
					t.Errorf("results id = %v", got)
				}
			},
		},
		{
			name: "GetMembersResults",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetMembersResults(ctx, "1234567", "GUID-5f6c")
			},
			method: "GET", path: "/v3/groups/1234567/members/results/GUID-5f6c",
			status: 200, resp: envelopeOf("200", `{"members":[`+memberJSON+`]}`),
			check: func(t *testing.T, got any) {
				ms := got.([]Member)
				if len(ms) != 1 || ms[0].UserID != "1234567890" || *ms[0].GUID != "GUID-1" || *ms[0].ID != "1000101" {
					t.Errorf("members = %+v", ms)
				}
			},
		},
		{
			name: "RemoveMember",
			call: func(ctx context.Context, c *Client) (any, error) {
				return ok(c.RemoveMember(ctx, "1234567", "1000101"))
			},
			method: "POST", path: "/v3/groups/1234567/members/1000101/remove",
			status: 200, resp: ``,
		},
		{
			name: "UpdateMembership",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateMembership(ctx, "1234567", "Trail boss")
			},
			method: "POST", path: "/v3/groups/1234567/memberships/update",
			body:   `{"membership":{"nickname":"Trail boss"}}`,
			status: 200, resp: envelopeOf("200", `{"id":"1000100","user_id":"98765432","nickname":"Trail boss","muted":false,"avatar_url":"https://i.groupme.com/a"}`),
			check: func(t *testing.T, got any) {
				m := got.(*Member)
				if m.Nickname != "Trail boss" || *m.AvatarURL != "https://i.groupme.com/a" {
					t.Errorf("member = %+v", m)
				}
			},
		},
	})
}

func TestAddMembersWithoutResultsID(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, reply(202, envelopeOf("202", `{}`)))
	c := newTestClient(t, srv)
	_, err := c.AddMembers(t.Context(), "1", nil)
	if _, ok := asType[*DecodeError](err); !ok {
		t.Errorf("err = %v, want *DecodeError", err)
	}
}

// resultsTransport answers the member-results poll from a script of
// statuses, in memory, so it can run inside a synctest bubble.
func resultsTransport(statuses []int, calls *atomic.Int32) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		i := int(calls.Add(1)) - 1
		st := statuses[min(i, len(statuses)-1)]
		switch st {
		case 200:
			return fakeResponse(r, 200, envelopeOf("200", `{"members":[`+memberJSON+`]}`)), nil
		case 503:
			return fakeResponse(r, 503, `{"response":null,"meta":{"code":503,"errors":["results not ready"]}}`), nil
		default:
			return fakeResponse(r, st, `{"response":null,"meta":{"code":404,"errors":["not found"]}}`), nil
		}
	})
}

func TestWaitForMembers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		// Retries off: only WaitForMembers' own polling is exercised.
		c, err := New(testToken, WithHTTPClient(&http.Client{Transport: resultsTransport([]int{503, 503, 503, 200}, &calls)}), WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		ms, err := c.WaitForMembers(t.Context(), "1", "R")
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].Nickname != "Mara" {
			t.Errorf("members = %+v", ms)
		}
		if calls.Load() != 4 {
			t.Errorf("polled %d times, want 4", calls.Load())
		}
		if waited := time.Since(start); waited != pollMin+2*pollMin+4*pollMin {
			t.Errorf("waited %v", waited)
		}
	})
}

func TestWaitForMembersExpired(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c, _ := New(testToken, WithHTTPClient(&http.Client{Transport: resultsTransport([]int{503, 404}, &calls)}))
		_, err := c.WaitForMembers(t.Context(), "1", "R")
		if !errors.Is(err, ErrResultsExpired) || !errors.Is(err, ErrNotFound) {
			t.Errorf("err = %v, want ErrResultsExpired", err)
		}
		if _, ok := asType[*APIError](err); !ok {
			t.Errorf("err = %v, want an *APIError inside", err)
		}
	})
}

func TestWaitForMembersBoundedByContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c, _ := New(testToken, WithHTTPClient(&http.Client{Transport: resultsTransport([]int{503}, &calls)}), WithRetries(0))
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		start := time.Now()
		_, err := c.WaitForMembers(ctx, "1", "R")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		if !strings.Contains(err.Error(), "results not ready") {
			t.Errorf("err = %v, want the last answer", err)
		}
		if d := time.Since(start); d != 2*time.Minute {
			t.Errorf("gave up after %v", d)
		}
	})
}

// GetMembersResults' 503 means "not ready yet": it is answered, not retried,
// so the call sends exactly one request (WaitForMembers does the polling).
func TestGetMembersResultsSendsOneRequest(t *testing.T) {
	t.Parallel()
	srv, rec := newServer(t, reply(503, `{"meta":{"code":503,"errors":["not ready"]}}`))
	c := newTestClient(t, srv)
	_, err := c.GetMembersResults(t.Context(), "1", "r1")
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}
