package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/groupme-go/groupme/gen"
)

// UploadImage calls POST {image base URL}/pictures, streaming r's bytes to
// GroupMe's image service as the raw body (not a multipart form), and
// returns the picture's URL on GroupMe's CDN, the only kind of image URL
// GroupMe accepts in attachments, avatars and group pictures.
//
// contentType is the image's media type; "image/jpeg" is the safe choice
// (GroupMe accepts PNG bytes labelled image/jpeg). An empty contentType
// means "image/jpeg".
//
// An upload is retried (on 5xx, 420, 429 and network errors) only when r
// can be replayed: when it is an io.Seeker, UploadImage seeks back to r's
// current offset for each attempt, and it sends the Content-Length. Any
// other reader is sent once, with chunked encoding.
func (c *Client) UploadImage(ctx context.Context, r io.Reader, contentType string) (string, error) {
	const op = "UploadImage"
	if r == nil {
		return "", errors.New("groupme: UploadImage: nil reader")
	}
	if contentType == "" {
		contentType = "image/jpeg"
	}
	body, length, getBody, err := replayable(r)
	if err != nil {
		return "", &TransportError{Operation: op, Method: http.MethodPost, Path: "/pictures", Err: err}
	}
	req, err := gen.NewUploadImageRequestWithBody(c.imageBase, nil, contentType, body)
	cl := uploadCall(op, req, err, length, getBody)
	resp, err := c.send(ctx, cl, req, err)
	if err != nil {
		return "", err
	}
	defer closeBody(resp.Body)
	var res ImageUploadResult
	if err := decodeJSON(resp.Body, &res); err != nil {
		return "", newDecodeError(op, req, resp, err)
	}
	switch {
	case res.Payload.URL != "":
		return res.Payload.URL, nil
	case res.Payload.PictureURL != "":
		return res.Payload.PictureURL, nil
	}
	return "", newDecodeError(op, req, resp, errors.New("payload has no url"))
}

// uploadCall is the call that sends req, an upload whose body came from
// replayable: when the body can be replayed, req gets its length and
// GetBody and the call is retried (a second copy does no harm); otherwise
// it is sent once. buildErr is the error building req, if any.
func uploadCall(op string, req *http.Request, buildErr error, length int64, getBody func() (io.ReadCloser, error)) call {
	cl := call{op: op}
	if buildErr != nil {
		return cl
	}
	if getBody != nil {
		req.ContentLength = length
		req.GetBody = getBody
	}
	if req.GetBody != nil {
		cl.retry = retrySafe
	}
	return cl
}

// replayable returns a body for r and, when r can seek, its length and a
// GetBody that rewinds it to where it started. Readers net/http already
// knows how to replay (bytes.Reader, strings.Reader, bytes.Buffer) are left
// to http.NewRequest.
func replayable(r io.Reader) (io.Reader, int64, func() (io.ReadCloser, error), error) {
	switch r.(type) {
	case *strings.Reader, *bytes.Reader, *bytes.Buffer:
		return r, 0, nil, nil
	}
	s, ok := r.(io.Seeker)
	if !ok {
		return r, 0, nil, nil
	}
	start, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return r, 0, nil, nil //nolint:nilerr // not really seekable (a pipe): sent once, without retries
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, 0, nil, err
	}
	if _, err := s.Seek(start, io.SeekStart); err != nil {
		return nil, 0, nil, err
	}
	length := end - start
	getBody := func() (io.ReadCloser, error) {
		if _, err := s.Seek(start, io.SeekStart); err != nil {
			return nil, err
		}
		return io.NopCloser(io.LimitReader(r, length)), nil
	}
	return io.LimitReader(r, length), length, getBody, nil
}

// Thumbnails are the sizes the image service serves for a picture URL.
type Thumbnails struct {
	Preview string // 200x200, centre-cropped
	Large   string // longest side 960 pixels, aspect kept
	Avatar  string // 60x60, centre-cropped
}

// ThumbnailURLs returns the thumbnail URLs of an image-service picture URL
// (as UploadImage returns), formed by appending ".preview", ".large" and
// ".avatar".
func ThumbnailURLs(pictureURL string) Thumbnails {
	return Thumbnails{
		Preview: pictureURL + ".preview",
		Large:   pictureURL + ".large",
		Avatar:  pictureURL + ".avatar",
	}
}
