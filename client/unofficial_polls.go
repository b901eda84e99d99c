package client

import (
	"context"
	"errors"

	"github.com/groupme-go/groupme/gen"
)

// Values of PollCreateRequest.Type and .Visibility.
const (
	PollSingle    = gen.PollCreateRequestTypeSingle
	PollMulti     = gen.PollCreateRequestTypeMulti
	PollPublic    = gen.PollCreateRequestVisibilityPublic
	PollAnonymous = gen.PollCreateRequestVisibilityAnonymous
)

// ListPolls calls GET /poll/{group_id} and returns the group's polls, each
// with the caller's votes.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListPolls(ctx context.Context, groupID string) ([]PollWithVotes, error) {
	req, err := gen.NewListPollsRequest(u.c.base, groupID)
	res, err := doJSON[gen.PollList](ctx, u.c, call{op: "ListPolls"}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Polls, nil
}

// CreatePoll calls POST /poll/{group_id}: it creates a poll and posts it to
// the group. GroupMe requires every field of poll; Expiration is in
// seconds since the epoch. It returns the poll and the message announcing
// it.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) CreatePoll(ctx context.Context, groupID string, poll PollCreateRequest) (*PollCreated, error) {
	req, err := gen.NewCreatePollRequest(u.c.base, groupID, poll)
	return doJSON[gen.PollCreated](ctx, u.c, call{op: "CreatePoll"}, req, err)
}

// GetPoll calls GET /poll/{group_id}/{poll_id} and returns the poll with its
// counts and the caller's votes (GroupMe answers this read with 201).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) GetPoll(ctx context.Context, groupID, pollID string) (*PollWithVotes, error) {
	req, err := gen.NewGetPollRequest(u.c.base, groupID, pollID)
	return pollResult(doJSON[gen.PollResult](ctx, u.c, call{op: "GetPoll"}, req, err))
}

var errNoVotes = errors.New("groupme: VotePoll: no option ids")

// VotePoll calls POST /poll/{group_id}/{poll_id} with the options chosen
// (at least one), replacing the caller's earlier votes, and returns the
// poll after the vote. It is the form GroupMe's apps use for
// multiple-choice polls; VotePollOption is the one for single-choice polls.
// GroupMe has no documented call to withdraw a vote.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) VotePoll(ctx context.Context, groupID, pollID string, optionIDs ...string) (*PollWithVotes, error) {
	if len(optionIDs) == 0 {
		return nil, errNoVotes
	}
	req, err := gen.NewVotePollRequest(u.c.base, groupID, pollID, gen.PollVoteRequest{Votes: optionIDs})
	return pollResult(doJSON[gen.PollResult](ctx, u.c, call{op: "VotePoll"}, req, err))
}

// VotePollOption calls POST /poll/{group_id}/{poll_id}/{option_id}: the
// caller votes for one option of a single-choice poll, replacing an
// earlier vote. It returns the poll after the vote.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) VotePollOption(ctx context.Context, groupID, pollID, optionID string) (*PollWithVotes, error) {
	req, err := gen.NewVotePollOptionRequest(u.c.base, groupID, pollID, optionID)
	return pollResult(doJSON[gen.PollResult](ctx, u.c, call{op: "VotePollOption"}, req, err))
}

// EndPoll calls POST /poll/{group_id}/{poll_id}/end and closes the poll
// now, returning it.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) EndPoll(ctx context.Context, groupID, pollID string) (*PollWithVotes, error) {
	req, err := gen.NewEndPollRequest(u.c.base, groupID, pollID)
	return pollResult(doJSON[gen.PollResult](ctx, u.c, call{op: "EndPoll"}, req, err))
}

func pollResult(res *gen.PollResult, err error) (*PollWithVotes, error) {
	if err != nil {
		return nil, err
	}
	return &res.Poll, nil
}
