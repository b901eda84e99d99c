package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/groupme-go/groupme/gen"
)

// AddMembers calls POST /groups/{group_id}/members/add and returns the
// results id. The members are added in the background; pass the id to
// WaitForMembers (or GetMembersResults) to learn who was added. Give each
// member a GUID to match the results to the request.
func (c *Client) AddMembers(ctx context.Context, groupID string, members []MemberToAdd) (string, error) {
	req, err := gen.NewAddMembersRequest(c.base, groupID, MembersAddRequest{Members: members})
	res, err := doJSON[membersAdded](ctx, c, call{op: "AddMembers"}, req, err)
	if err != nil {
		return "", err
	}
	return res.ResultsID, nil
}

// membersAdded is AddMembers' answer, which must name its results.
type membersAdded MembersAddResult

func (r *membersAdded) check() error {
	if r.ResultsID == "" {
		return errors.New("no results_id")
	}
	return nil
}

// GetMembersResults calls GET /groups/{group_id}/members/results/{results_id}
// once: it sends exactly one request, never retried. While the results are not ready the error matches ErrUnavailable
// (503); once they have expired it matches ErrNotFound (404).
func (c *Client) GetMembersResults(ctx context.Context, groupID, resultsID string) ([]Member, error) {
	req, err := gen.NewGetMembersResultsRequest(c.base, groupID, resultsID)
	res, err := doJSON[MembersResults](ctx, c, call{op: "GetMembersResults", retry: retryNever}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Members, nil
}

// Member-results polling interval: it starts at pollMin and doubles up to
// pollMax.
const (
	pollMin = time.Second
	pollMax = 8 * time.Second
)

// WaitForMembers polls GET /groups/{group_id}/members/results/{results_id}
// until the results are ready and returns the members that were added
// (failures are left out by GroupMe). A 503 means "not ready": it waits and
// polls again for as long as ctx allows. A 404 means the results expired or
// never existed: the error matches ErrResultsExpired (and ErrNotFound).
func (c *Client) WaitForMembers(ctx context.Context, groupID, resultsID string) ([]Member, error) {
	wait := pollMin
	for {
		members, err := c.GetMembersResults(ctx, groupID, resultsID)
		switch {
		case err == nil:
			return members, nil
		case errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("%w: %w", ErrResultsExpired, err)
		case !errors.Is(err, ErrUnavailable):
			return nil, err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("groupme: WaitForMembers: %w (last answer: %w)", serr, err)
		}
		wait = min(2*wait, pollMax)
	}
}

// RemoveMember calls POST /groups/{group_id}/members/{membership_id}/remove.
// membershipID is the member's ID (Member.ID), not the user id;
// removing one's own membership leaves the group.
func (c *Client) RemoveMember(ctx context.Context, groupID, membershipID string) error {
	req, err := gen.NewRemoveMemberRequest(c.base, groupID, membershipID)
	return doNoPayload(ctx, c, call{op: "RemoveMember"}, req, err)
}

// UpdateMembership calls POST /groups/{group_id}/memberships/update, setting
// the user's own nickname in the group (1 to 50 characters).
func (c *Client) UpdateMembership(ctx context.Context, groupID, nickname string) (*Member, error) {
	var body MembershipUpdateRequest
	body.Membership.Nickname = nickname
	req, err := gen.NewUpdateMembershipRequest(c.base, groupID, body)
	return doJSON[Member](ctx, c, call{op: "UpdateMembership"}, req, err)
}
