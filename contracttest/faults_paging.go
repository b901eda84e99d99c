package contracttest

import (
	"encoding/json"
	"net/http"
	"slices"
)

// Paging faults break a message page (GET /groups/{id}/messages or
// /direct_messages) the way a misbehaving server or cache does, while the
// answer still looks like a success. Any other answer is left alone. They
// are applied after the request was handled.
const (
	// FaultPageRepeat answers with the previous page of the same
	// conversation again (as a cursor that did not move would).
	FaultPageRepeat FaultKind = iota + 100
	// FaultPageEmpty answers 304 Not Modified, GroupMe's "no messages",
	// although there are some.
	FaultPageEmpty
	// FaultPageSkip drops the first half of the page (at least one
	// message), as if the cursor had jumped ahead.
	FaultPageSkip
	// FaultPageReverse sends the page in the opposite order.
	FaultPageReverse
	// FaultPageMissingID removes the id of the page's middle message.
	FaultPageMissingID
	// FaultPageOverlap repeats the previous page's last message (the
	// cursor itself, when paging with after_id) at the start of the page.
	FaultPageOverlap
)

// RepeatPage is a page that answers with the previous page again.
func RepeatPage() Fault { return Fault{Kind: FaultPageRepeat} }

// EmptyPage is a 304 answer in the middle of the history.
func EmptyPage() Fault { return Fault{Kind: FaultPageEmpty} }

// SkipMessages is a page whose first half is missing.
func SkipMessages() Fault { return Fault{Kind: FaultPageSkip} }

// ReversePage is a page in the wrong order.
func ReversePage() Fault { return Fault{Kind: FaultPageReverse} }

// MissingID is a page with a message that has no id.
func MissingID() Fault { return Fault{Kind: FaultPageMissingID} }

// OverlapPage is a page that starts with the previous page's last message.
func OverlapPage() Fault { return Fault{Kind: FaultPageOverlap} }

func (k FaultKind) paging() bool { return k >= FaultPageRepeat && k <= FaultPageOverlap }

// pageKey names a conversation's page sequence: the path, plus the other
// user for direct messages.
func pageKey(r *http.Request) string {
	return r.URL.Path + "?" + r.URL.Query().Get("other_user_id")
}

// pageList is a message page taken apart: the envelope's fields, the name
// of the list ("messages" or "direct_messages") and its items.
type pageList struct {
	env   map[string]json.RawMessage
	resp  map[string]json.RawMessage
	key   string
	items []json.RawMessage
}

func parsePage(body []byte) (*pageList, bool) {
	p := &pageList{}
	if json.Unmarshal(body, &p.env) != nil || json.Unmarshal(p.env["response"], &p.resp) != nil {
		return nil, false
	}
	for _, k := range []string{"messages", "direct_messages"} {
		if raw, ok := p.resp[k]; ok && json.Unmarshal(raw, &p.items) == nil {
			p.key = k
			return p, true
		}
	}
	return nil, false
}

func (p *pageList) encode() []byte {
	items, _ := json.Marshal(p.items)
	p.resp[p.key] = items
	resp, _ := json.Marshal(p.resp)
	p.env["response"] = resp
	b, _ := json.Marshal(p.env)
	return b
}

// rememberPage keeps a successful message page as the previous page of its
// conversation, for FaultPageRepeat and FaultPageOverlap. It costs nothing
// unless a paging fault rule is installed.
func (f *Fake) rememberPage(op string, r *http.Request, res *bufferedResponse) {
	if (op != "listMessages" && op != "listDirectMessages") || res.status != http.StatusOK {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.ContainsFunc(f.rules, func(s *faultState) bool { return s.rule.Fault.Kind.paging() }) {
		return
	}
	if f.pages == nil {
		f.pages = map[string][]byte{}
	}
	f.pages[pageKey(r)] = slices.Clone(res.body.Bytes())
}

// breakPage applies a paging fault to handled, a message page.
func (f *Fake) breakPage(r *http.Request, kind FaultKind, handled *bufferedResponse) {
	if handled.status != http.StatusOK {
		return
	}
	p, ok := parsePage(handled.body.Bytes())
	if !ok {
		return
	}
	f.mu.Lock()
	prev := f.pages[pageKey(r)]
	f.mu.Unlock()
	switch kind {
	case FaultPageRepeat:
		if prev != nil {
			handled.body.Reset()
			handled.body.Write(prev)
		}
		return
	case FaultPageEmpty:
		handled.set(http.StatusNotModified, "", nil)
		return
	case FaultPageSkip:
		p.items = p.items[max(1, len(p.items)/2):]
	case FaultPageReverse:
		slices.Reverse(p.items)
	case FaultPageMissingID:
		if len(p.items) > 0 {
			i := len(p.items) / 2
			var m map[string]json.RawMessage
			if json.Unmarshal(p.items[i], &m) == nil {
				delete(m, "id")
				p.items[i], _ = json.Marshal(m)
			}
		}
	case FaultPageOverlap:
		if last, ok := parsePage(prev); ok && len(last.items) > 0 {
			p.items = append([]json.RawMessage{last.items[len(last.items)-1]}, p.items...)
		}
	}
	handled.body.Reset()
	handled.body.Write(p.encode())
}
