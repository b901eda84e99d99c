package client

import (
	"context"
	"iter"

	"github.com/groupme-go/groupme/gen"
)

// GalleryParams are the query parameters of ListGallery. The zero value
// asks for the newest page with GroupMe's default size (100).
type GalleryParams struct {
	// Before lists entries older than this gallery_ts (an ISO-8601 time
	// exactly as GroupMe sent it in GalleryMessage.GalleryTS).
	Before string
	// After lists entries newer than this gallery_ts.
	After string
	// Limit is the page size; 0 leaves GroupMe's default.
	Limit int
	// AcceptFiles keeps the text of messages with file attachments (without
	// it GroupMe replaces it with an upgrade notice).
	AcceptFiles bool
}

// ListGallery calls GET /conversations/{conversation_id}/gallery and
// returns one page of the conversation's messages that carry pictures,
// videos or files, newest first. params may be nil. ListGalleryIter walks
// every page.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListGallery(ctx context.Context, conversationID string, params *GalleryParams) ([]GalleryMessage, error) {
	var p GalleryParams
	if params != nil {
		p = *params
	}
	return u.galleryPage(ctx, conversationID, p)
}

// galleryPage fetches one gallery page for p.
func (u *Unofficial) galleryPage(ctx context.Context, conversationID string, p GalleryParams) ([]GalleryMessage, error) {
	q := gen.ListGalleryParams{Before: optional(p.Before), After: optional(p.After)}
	if p.Limit > 0 {
		q.Limit = Ptr(p.Limit)
	}
	if p.AcceptFiles {
		q.AcceptFiles = Ptr(gen.ListGalleryParamsAcceptFilesN1)
	}
	req, err := gen.NewListGalleryRequest(u.c.base, conversationID, &q)
	res, err := doJSON[gen.GalleryPage](ctx, u.c, call{op: "ListGallery", notModifiedOK: true}, req, err)
	if err != nil {
		return nil, err
	}
	return res.Messages, nil
}

// ListGalleryIter walks the gallery backwards, newest first, starting
// before params.Before (or at the newest entry), passing each page's last
// gallery_ts as the next page's before. It ends on an empty page; a cursor
// that does not move or a page that repeats yields ErrPagingStalled. The
// params other than Before apply to every page.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) ListGalleryIter(ctx context.Context, conversationID string, params *GalleryParams) iter.Seq2[GalleryMessage, error] {
	var base GalleryParams
	if params != nil {
		base = *params
	}
	return walkCursor(base.Before, func(before string) ([]GalleryMessage, error) {
		p := base
		p.Before = before
		return u.galleryPage(ctx, conversationID, p)
	}, nextGalleryCursor, func(m *GalleryMessage) string { return m.ID })
}

// nextGalleryCursor is the gallery_ts of the page's last entry; an entry
// without one keeps the cursor, which ends the walk.
func nextGalleryCursor(cur string, page []GalleryMessage) string {
	if ts := page[len(page)-1].GalleryTS; ts != nil && *ts != "" {
		return *ts
	}
	return cur
}
