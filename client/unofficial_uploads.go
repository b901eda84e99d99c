package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/groupme-go/groupme/gen"
)

// UploadVideo calls POST {video service}/transcode and starts transcoding
// the video read from r for the conversation (a group id, or a direct
// conversation id). The video is streamed as a multipart form (part
// "file", named filename) and sent once, without retries. Poll
// GetVideoUploadStatus with UploadJobID(job) until Status is "complete",
// then send a video attachment with its URL and ThumbnailURL.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. Its base is Endpoints.Video.
func (u *Unofficial) UploadVideo(ctx context.Context, conversationID string, r io.Reader, filename string) (*UploadJob, error) {
	if r == nil {
		return nil, errors.New("groupme: UploadVideo: nil reader")
	}
	if filename == "" {
		filename = "video.mp4"
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", filename)
		if err == nil {
			_, err = io.Copy(part, r)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := gen.NewUploadVideoRequestWithBody(u.c.videoBase(), &gen.UploadVideoParams{XConversationID: conversationID}, mw.FormDataContentType(), pr)
	job, err := doBare[gen.UploadJob](ctx, u.c, call{op: "UploadVideo"}, req, err)
	pr.CloseWithError(errors.New("upload finished")) // stops the writer if the request ended early
	return job, err
}

// GetVideoUploadStatus calls GET {video service}/status?job= and reports a
// transcoding job. When Status is "complete", URL and ThumbnailURL are set.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) GetVideoUploadStatus(ctx context.Context, jobID string) (*VideoUploadStatus, error) {
	req, err := gen.NewGetVideoUploadStatusRequest(u.c.videoBase(), &gen.GetVideoUploadStatusParams{Job: jobID})
	return doBare[gen.VideoUploadStatus](ctx, u.c, call{op: "GetVideoUploadStatus"}, req, err)
}

// UploadFile calls POST {file service}/{group_id}/files?name= and stores the
// file read from r (under 50 MB) for one group. Like UploadImage it is
// retried only when r can be replayed (an io.Seeker). Poll
// GetFileUploadStatus with UploadJobID(job) until Status is "complete",
// then send a file attachment with its FileID, which only works in this
// group.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice. Its base is Endpoints.File.
func (u *Unofficial) UploadFile(ctx context.Context, groupID, name string, r io.Reader) (*UploadJob, error) {
	const op = "UploadFile"
	if r == nil {
		return nil, errors.New("groupme: UploadFile: nil reader")
	}
	if name == "" {
		return nil, errors.New("groupme: UploadFile: empty file name")
	}
	body, length, getBody, err := replayable(r)
	if err != nil {
		return nil, &TransportError{Operation: op, Method: http.MethodPost, Path: "/files", Err: err}
	}
	req, err := gen.NewUploadFileRequestWithBody(u.c.fileBase(), groupID, &gen.UploadFileParams{Name: name}, "application/octet-stream", body)
	return doBare[gen.UploadJob](ctx, u.c, uploadCall(op, req, err, length, getBody), req, err)
}

// GetFileUploadStatus calls GET {file service}/{group_id}/uploadStatus?job=
// and reports a file upload. When Status is "complete", FileID is set.
//
// Unofficial: described by the community, not by GroupMe; may change
// without notice.
func (u *Unofficial) GetFileUploadStatus(ctx context.Context, groupID, jobID string) (*FileUploadStatus, error) {
	req, err := gen.NewGetFileUploadStatusRequest(u.c.fileBase(), groupID, &gen.GetFileUploadStatusParams{Job: jobID})
	return doBare[gen.FileUploadStatus](ctx, u.c, call{op: "GetFileUploadStatus"}, req, err)
}

// UploadJobID returns the job id in an upload job's status URL, for
// GetVideoUploadStatus and GetFileUploadStatus.
func UploadJobID(job *UploadJob) (string, error) {
	if job == nil {
		return "", errors.New("groupme: UploadJobID: nil job")
	}
	u, err := url.Parse(job.StatusURL)
	if err != nil {
		return "", errors.New("groupme: UploadJobID: the status URL does not parse")
	}
	id := u.Query().Get("job")
	if id == "" {
		return "", fmt.Errorf("groupme: UploadJobID: the status URL has no job parameter")
	}
	return id, nil
}
