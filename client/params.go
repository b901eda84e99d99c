package client

import (
	"cmp"
	"strings"

	"github.com/groupme-go/groupme/gen"
)

// The query parameters of the operations that take any. Each page method
// and its iterator take the same struct; a nil pointer means "no
// parameters". Zero fields are not sent.

// ListGroupsParams selects one page of ListGroups.
type ListGroupsParams struct {
	// Page is the page number, from 1. ListGroupsIter starts here.
	Page int
	// PerPage is how many groups a page holds (GroupMe's default is 10).
	PerPage int
	// OmitMemberships leaves each group's members out (omit=memberships):
	// much lighter for users in large groups.
	OmitMemberships bool
}

// ListChatsParams selects one page of ListChats.
type ListChatsParams struct {
	// Page is the page number, from 1. ListChatsIter starts here.
	Page int
	// PerPage is how many conversations a page holds.
	PerPage int
}

// GetGroupParams tunes GetGroup.
type GetGroupParams struct {
	// IncludeMembers asks for the members list (include=members) where
	// GroupMe leaves it out.
	IncludeMembers bool
}

// MessageParams selects one page of a group's messages (ListMessages) or of
// a conversation with one user (ListDirectMessages). Set at most one
// cursor.
type MessageParams struct {
	// BeforeID asks for the messages just older than this id, newest first.
	// ListMessagesIter starts here; empty means from the newest message.
	BeforeID string
	// SinceID asks for the newest messages after this id, newest first;
	// GroupMe may leave a gap between SinceID and the oldest one returned.
	SinceID string
	// AfterID asks for the messages just newer than this id, oldest first,
	// with no gap. ListMessagesAfterIter starts here; empty means from the
	// group's first message.
	AfterID string
	// Limit is how many messages a page holds, at most 100. Zero sends no
	// limit (GroupMe's default, 20) on a page call; iterators ask for 100.
	Limit int
	// AcceptFiles (acceptFiles=1) keeps the text of messages with file
	// attachments, which GroupMe otherwise replaces for older apps.
	AcceptFiles bool
}

// LeaderboardPeriod is the time span of GetLeaderboard.
type LeaderboardPeriod string

// The periods GetLeaderboard accepts.
const (
	PeriodDay   LeaderboardPeriod = "day"
	PeriodWeek  LeaderboardPeriod = "week"
	PeriodMonth LeaderboardPeriod = "month"
)

func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func (p *ListGroupsParams) gen() *gen.ListGroupsParams {
	if p == nil {
		return nil
	}
	g := &gen.ListGroupsParams{Page: optional(p.Page), PerPage: optional(p.PerPage)}
	if p.OmitMemberships {
		g.Omit = Ptr(gen.ListGroupsParamsOmitMemberships)
	}
	return g
}

func (p *ListChatsParams) gen() *gen.ListChatsParams {
	if p == nil {
		return nil
	}
	return &gen.ListChatsParams{Page: optional(p.Page), PerPage: optional(p.PerPage)}
}

func (p *GetGroupParams) gen() *gen.GetGroupParams {
	if p == nil || !p.IncludeMembers {
		return nil
	}
	return &gen.GetGroupParams{Include: Ptr(gen.GetGroupParamsIncludeMembers)}
}

func (p *MessageParams) group() *gen.ListMessagesParams {
	if p == nil {
		return nil
	}
	g := &gen.ListMessagesParams{BeforeID: optional(p.BeforeID), SinceID: optional(p.SinceID), AfterID: optional(p.AfterID), Limit: optional(p.Limit)}
	if p.AcceptFiles {
		g.AcceptFiles = Ptr(gen.ListMessagesParamsAcceptFiles(1))
	}
	return g
}

func (p *MessageParams) direct(otherUserID string) *gen.ListDirectMessagesParams {
	g := &gen.ListDirectMessagesParams{OtherUserID: otherUserID}
	if p == nil {
		return g
	}
	g.BeforeID, g.SinceID, g.AfterID, g.Limit = optional(p.BeforeID), optional(p.SinceID), optional(p.AfterID), optional(p.Limit)
	if p.AcceptFiles {
		g.AcceptFiles = Ptr(gen.ListDirectMessagesParamsAcceptFiles(1))
	}
	return g
}

// validID reports whether id looks like a GroupMe id (decimal digits),
// which message cursors are.
func validID(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for i := range len(id) {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// compareIDs orders decimal ids numerically: a shorter id is smaller, and
// ids of one length compare as text.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}
