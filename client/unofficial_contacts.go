package client

import (
	"context"
	"iter"

	"github.com/groupme-go/groupme/gen"
)

// RelationshipsParams select a page of ListRelationships.
type RelationshipsParams struct {
	// Since is the CreatedAtISO8601 of the last contact received; "" for
	// the first page. ListRelationshipsIter starts here.
	Since string
	// ExcludeBlocked leaves out the contacts the caller blocked.
	ExcludeBlocked bool
}

// ListRelationships calls GET {v4}/relationships and returns one page of
// the caller's contacts, oldest first; GroupMe chooses the page size, and
// an empty page is the end. params may be nil.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (Endpoints.V4).
func (u *Unofficial) ListRelationships(ctx context.Context, params *RelationshipsParams) ([]Relationship, error) {
	var q gen.ListRelationshipsParams
	if params != nil {
		if params.Since != "" {
			q.Since = Ptr(params.Since)
		}
		if params.ExcludeBlocked {
			q.IncludeBlocked = Ptr(false)
		}
	}
	req, err := gen.NewListRelationshipsRequest(u.c.v4Base(), &q)
	res, err := doJSON[[]gen.Relationship](ctx, u.c, call{op: "ListRelationships"}, req, err)
	if err != nil {
		return nil, err
	}
	return *res, nil
}

// ListRelationshipsIter walks the caller's contacts from params.Since,
// each page after the CreatedAtISO8601 of the last contact of the page
// before, until a page comes back empty. A page without that timestamp,
// or one that repeats, yields an error matching ErrPagingStalled once.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListRelationshipsIter(ctx context.Context, params *RelationshipsParams) iter.Seq2[Relationship, error] {
	var p RelationshipsParams
	if params != nil {
		p = *params
	}
	return walkCursor(p.Since, func(since string) ([]Relationship, error) {
		q := p
		q.Since = since
		return u.ListRelationships(ctx, &q)
	}, func(since string, page []Relationship) string {
		if last := page[len(page)-1].CreatedAtISO8601; last != nil {
			return *last
		}
		return since
	}, func(r *Relationship) string { return r.UserID })
}

// CreateRelationship calls POST {v4}/relationships/create and adds the
// user userID as a contact, given the token of their profile share link
// (the last part of https://groupme.com/contact/{user_id}/{token}; see
// SetProfileSharing).
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (Endpoints.V4).
func (u *Unofficial) CreateRelationship(ctx context.Context, userID, token string) error {
	req, err := gen.NewCreateRelationshipRequest(u.c.v4Base(), gen.RelationshipCreateRequest{UserID: userID, Token: token})
	return doNoPayload(ctx, u.c, call{op: "CreateRelationship"}, req, err)
}

// GetUser calls GET {v2}/users/{user_id} and returns another user's
// profile, the caller's contact entry for them (Relationship, nil when
// none) and, with sharedGroups, the groups both are in.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v2 API (Endpoints.V2).
func (u *Unofficial) GetUser(ctx context.Context, userID string, sharedGroups bool) (*UserProfile, error) {
	req, err := gen.NewGetUserRequest(u.c.v2Base(), userID, &gen.GetUserParams{IncludeSharedGroups: Ptr(sharedGroups)})
	return doJSON[gen.UserProfile](ctx, u.c, call{op: "GetUser"}, req, err)
}

// ImportContacts calls POST /relationships/import_contacts and starts
// matching address-book contacts (phone numbers with the country code,
// each with a client-made GUID) to GroupMe users, who become contacts. It
// returns the batch id GetContactImport takes.
//
// The community reports that GroupMe now rejects this call unless it
// carries a device attestation only GroupMe's own apps can produce, so
// expect an error from the real service.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ImportContacts(ctx context.Context, contacts []ContactImport) (string, error) {
	req, err := gen.NewImportContactsRequest(u.c.base, append([]gen.ContactImport{}, contacts...))
	res, err := doJSON[gen.ContactImportBatch](ctx, u.c, call{op: "ImportContacts"}, req, err)
	if err != nil {
		return "", err
	}
	return res.BatchID, nil
}

// GetContactImport calls GET {v4}/relationships/batch/{batch_id} and
// returns the users a contact import found, each with the GUID of the
// contact it came from.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (Endpoints.V4).
func (u *Unofficial) GetContactImport(ctx context.Context, batchID string) ([]Relationship, error) {
	req, err := gen.NewGetContactImportRequest(u.c.v4Base(), batchID)
	res, err := doJSON[[]gen.Relationship](ctx, u.c, call{op: "GetContactImport"}, req, err)
	if err != nil {
		return nil, err
	}
	return *res, nil
}

// DeleteRelationship calls DELETE {v4}/relationships/{user_id} and removes
// the user from the caller's contacts.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. It is served by the v4 API (Endpoints.V4).
func (u *Unofficial) DeleteRelationship(ctx context.Context, userID string) error {
	req, err := gen.NewDeleteRelationshipRequest(u.c.v4Base(), userID)
	return doNoPayload(ctx, u.c, call{op: "DeleteRelationship"}, req, err)
}
