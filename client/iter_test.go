package client

import (
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

func groupWithID(id string) string {
	return strings.Replace(groupJSON, `"id":"1234567"`, `"id":"`+id+`"`, 1)
}

func TestListGroupsIter(t *testing.T) {
	t.Parallel()
	// Page 1 is full, page 2 is short (not the end), page 3 has one more,
	// page 4 is empty.
	pages := map[string][]string{"1": {"a", "b"}, "2": {"c"}, "3": {"d"}}
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request, s seen) {
		var items []string
		for _, id := range pages[r.URL.Query().Get("page")] {
			items = append(items, groupWithID(id))
		}
		reply(200, envelopeOf("200", "["+strings.Join(items, ",")+"]"))(w, r, s)
	})
	c := newTestClient(t, srv)
	var got []string
	for g, err := range c.ListGroupsIter(t.Context(), &ListGroupsParams{PerPage: 2, OmitMemberships: true}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g.ID)
	}
	if strings.Join(got, ",") != "a,b,c,d" {
		t.Errorf("groups = %v", got)
	}
	reqs := rec.all()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	q, _ := url.ParseQuery(reqs[3].RawQuery)
	if q.Get("page") != "4" || q.Get("per_page") != "2" || q.Get("omit") != "memberships" {
		t.Errorf("last query = %v", q)
	}
}

func TestListGroupsIterServerIgnoringPage(t *testing.T) {
	t.Parallel()
	srv, rec := newServer(t, reply(200, envelopeOf("200", "["+groupWithID("a")+"]")))
	c := newTestClient(t, srv)
	n := 0
	var errs []error
	for _, err := range c.ListGroupsIter(t.Context(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n != 1 || len(rec.all()) != 2 || len(errs) != 1 || !errors.Is(errs[0], ErrPagingStalled) {
		t.Errorf("yielded %d and errors %v after %d requests, want 1, one ErrPagingStalled, 2", n, errs, len(rec.all()))
	}
}

func TestListFormerGroupsIter(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, reply(200, envelopeOf("200", "["+groupWithID("a")+","+groupWithID("b")+"]")))
	c := newTestClient(t, srv)
	var got []string
	for g, err := range c.ListFormerGroupsIter(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g.ID)
	}
	if strings.Join(got, ",") != "a,b" {
		t.Errorf("groups = %v", got)
	}
}

func TestListChatsIter(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, s seen) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page > 2 {
			reply(200, envelopeOf("200", "[]"))(w, r, s)
			return
		}
		chat := strings.Replace(chatJSON, `"id":"9"`, `"id":"`+strconv.Itoa(page)+`"`, 1)
		reply(200, envelopeOf("200", "["+chat+"]"))(w, r, s)
	})
	c := newTestClient(t, srv)
	n := 0
	for _, err := range c.ListChatsIter(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d chats, want 2", n)
	}
}

// history is a fake group history with ids 1..n, served with GroupMe's
// cursor semantics.
func historyHandler(n int) func(http.ResponseWriter, *http.Request, seen) {
	return func(w http.ResponseWriter, r *http.Request, s seen) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		var ids []int
		switch {
		case q.Has("before_id"):
			b, _ := strconv.Atoi(q.Get("before_id"))
			for id := b - 1; id >= 1 && len(ids) < limit; id-- {
				ids = append(ids, id)
			}
		case q.Has("after_id"):
			a, _ := strconv.Atoi(q.Get("after_id"))
			for id := a + 1; id <= n && len(ids) < limit; id++ {
				ids = append(ids, id)
			}
		default:
			for id := n; id >= 1 && len(ids) < limit; id-- {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var items []string
		for _, id := range ids {
			if r.URL.Path == "/v3/direct_messages" {
				items = append(items, dmJSON(strconv.Itoa(id), "g"))
			} else {
				items = append(items, messageJSON(strconv.Itoa(id), "g"))
			}
		}
		key := "messages"
		if r.URL.Path == "/v3/direct_messages" {
			key = "direct_messages"
		}
		reply(200, envelopeOf("200", `{"count":`+strconv.Itoa(n)+`,"`+key+`":[`+strings.Join(items, ",")+`]}`))(w, r, s)
	}
}

func TestMessageIterators(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, historyHandler(7))
	c := newTestClient(t, srv)
	ctx := t.Context()
	collect := func(seq func(func(string, error) bool)) string {
		var ids []string
		for id, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return strings.Join(ids, ",")
	}
	msgIDs := func(it func(func(Message, error) bool)) func(func(string, error) bool) {
		return func(yield func(string, error) bool) {
			for m, err := range it {
				if !yield(m.ID, err) {
					return
				}
			}
		}
	}
	dmIDs := func(it func(func(DirectMessage, error) bool)) func(func(string, error) bool) {
		return func(yield func(string, error) bool) {
			for m, err := range it {
				if !yield(m.ID, err) {
					return
				}
			}
		}
	}
	cases := []struct {
		name string
		seq  func(func(string, error) bool)
		want string
	}{
		{"backwards from newest", msgIDs(c.ListMessagesIter(ctx, "1", &MessageParams{Limit: 3})), "7,6,5,4,3,2,1"},
		{"backwards from a cursor", msgIDs(c.ListMessagesIter(ctx, "1", &MessageParams{BeforeID: "5", Limit: 3, AcceptFiles: true})), "4,3,2,1"},
		{"forwards", msgIDs(c.ListMessagesAfterIter(ctx, "1", &MessageParams{AfterID: "2", Limit: 2})), "3,4,5,6,7"},
		{"forwards, nothing new", msgIDs(c.ListMessagesAfterIter(ctx, "1", &MessageParams{AfterID: "7"})), ""},
		{"DM backwards", dmIDs(c.ListDirectMessagesIter(ctx, "555", &MessageParams{Limit: 4})), "7,6,5,4,3,2,1"},
		{"DM forwards", dmIDs(c.ListDirectMessagesAfterIter(ctx, "555", &MessageParams{AfterID: "4", Limit: 2})), "5,6,7"},
	}
	for _, tc := range cases {
		if got := collect(tc.seq); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// A server whose paging misbehaves ends the walk with ErrPagingStalled,
// yielded once, after what was valid.
func TestMessageIterReportsBrokenPaging(t *testing.T) {
	t.Parallel()
	page := func(ids ...string) string {
		var parts []string
		for _, id := range ids {
			parts = append(parts, messageJSON(id, "g"))
		}
		return envelopeOf("200", `{"count":9,"messages":[`+strings.Join(parts, ",")+`]}`)
	}
	for _, tc := range []struct {
		name    string
		forward bool
		pages   []string // answered in turn; then 304
		want    string   // ids yielded before the error
	}{
		{"cursor's own message again (after_id ignored)", true, []string{page("5")}, ""},
		{"same page again", true, []string{page("6", "7"), page("6", "7")}, "6,7"},
		{"newest first after after_id", true, []string{page("8", "7")}, "8"},
		{"a message without an id", true, []string{page("6", ""), page("9")}, "6"},
		{"a message id that is not a number", false, []string{page("4", "x3")}, "4"},
		{"backwards page that goes forwards", false, []string{page("4", "3"), page("5")}, "4,3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request, s seen) {
				i := int(n.Add(1)) - 1
				if i >= len(tc.pages) {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				reply(200, tc.pages[i])(w, r, s)
			})
			c := newTestClient(t, srv)
			seq := c.ListMessagesIter(t.Context(), "1", &MessageParams{BeforeID: "5"})
			if tc.forward {
				seq = c.ListMessagesAfterIter(t.Context(), "1", &MessageParams{AfterID: "5"})
			}
			var ids []string
			var errs []error
			for m, err := range seq {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ids = append(ids, m.ID)
			}
			if got := strings.Join(ids, ","); got != tc.want {
				t.Errorf("yielded %q, want %q", got, tc.want)
			}
			if len(errs) != 1 || !errors.Is(errs[0], ErrPagingStalled) {
				t.Errorf("errors %v, want one ErrPagingStalled", errs)
			}
			if len(rec.all()) > len(tc.pages) {
				t.Errorf("%d requests for %d pages: the walk went on after the fault", len(rec.all()), len(tc.pages))
			}
		})
	}
}

// Numbered pages that repeat (a server ignoring page=) or items without
// ids end with ErrPagingStalled instead of looping.
func TestPageIterReportsRepeats(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"repeated page":    envelopeOf("200", "["+groupJSON+"]"),
		"group with no id": envelopeOf("200", `[{"id":"","name":"x","created_at":1,"updated_at":1}]`),
	} {
		srv, rec := newServer(t, reply(200, body))
		c := newTestClient(t, srv)
		var errs []error
		for _, err := range c.ListGroupsIter(t.Context(), nil) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrPagingStalled) || len(rec.all()) > 2 {
			t.Errorf("%s: errors %v after %d requests", name, errs, len(rec.all()))
		}
	}
}

func TestIterYieldsErrorOnceAndStops(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, s seen) {
		if calls.Add(1) == 1 {
			reply(200, envelopeOf("200", `{"count":9,"messages":[`+messageJSON("9", "g")+`]}`))(w, r, s)
			return
		}
		reply(403, `{"meta":{"code":403,"errors":["not a member"]}}`)(w, r, s)
	})
	c := newTestClient(t, srv)
	var ids []string
	var errs []error
	for m, err := range c.ListMessagesIter(t.Context(), "1", nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, m.ID)
	}
	if len(ids) != 1 || len(errs) != 1 || !errors.Is(errs[0], ErrForbidden) {
		t.Errorf("ids %v, errs %v", ids, errs)
	}
}

func TestIterEarlyBreakAndCursors(t *testing.T) {
	t.Parallel()
	srv, rec := newServer(t, historyHandler(50))
	c := newTestClient(t, srv)
	for _, err := range c.ListMessagesIter(t.Context(), "1", &MessageParams{Limit: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if len(rec.all()) != 1 {
		t.Errorf("%d requests after an early break", len(rec.all()))
	}
	// An empty after-cursor walks from the first message (after_id=0).
	var ids []string
	for m, err := range c.ListMessagesAfterIter(t.Context(), "1", &MessageParams{Limit: 20}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	if got := strings.Join(ids, ","); !strings.HasPrefix(got, "1,2,3,") || !strings.HasSuffix(got, ",50") {
		t.Errorf("from the start: %s", got)
	}
	if q, _ := url.ParseQuery(rec.all()[1].RawQuery); q.Get("after_id") != "0" {
		t.Errorf("first forward request: %v, want after_id=0", q)
	}
	for name, seq := range map[string]func() error{
		"bad before": func() error { return firstErr(c.ListMessagesIter(t.Context(), "1", &MessageParams{BeforeID: "abc"})) },
		"bad after (DM)": func() error {
			return firstErr(c.ListDirectMessagesAfterIter(t.Context(), "1", &MessageParams{AfterID: "-1"}))
		},
		"two cursors":      func() error { return firstErr(c.ListMessagesIter(t.Context(), "1", &MessageParams{AfterID: "3"})) },
		"since on forward": func() error { return firstErr(c.ListMessagesAfterIter(t.Context(), "1", &MessageParams{SinceID: "3"})) },
	} {
		if err := seq(); err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.HasPrefix(name, "bad") && !errors.Is(err, ErrBadCursor) {
			t.Errorf("%s: %v, want ErrBadCursor", name, err)
		}
	}
}

func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
