package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/spf13/cobra"
)

const (
	// galleryPage is how many gallery entries each request asks for.
	galleryPage = 100
	// maxPicture bounds one download; GroupMe's pictures are far smaller.
	maxPicture = 64 << 20
	// downloadAttempts bounds the tries of one picture.
	downloadAttempts = 6
	// maxDownloadWait caps one wait between tries, whatever Retry-After says.
	maxDownloadWait = 2 * time.Minute
	// maxStalledRounds bounds the waits for the gallery's pages in a row
	// that bring no new entry.
	maxStalledRounds = 10
)

func (a *app) galleryCmd() *cobra.Command {
	var (
		dir   string
		limit int
	)
	cmd := &cobra.Command{
		Use:   "gallery GROUP",
		Short: "List a group's photos, or download them all with --download DIR (unofficial)",
		Long: `gallery lists the newest messages of a group that carry photos, videos or
files. With --download DIR it saves every photo of the group into DIR, one
file per photo named <message id>-<n>.<ext>, newest first, with progress on
stderr. Photos already in DIR are skipped, so an interrupted download (Ctrl-C,
a network failure) continues where it stopped when run again. Rate limits
are waited out, both for the gallery's pages and for the pictures.` + unofficialNote,
		Args: exactArgs("GROUP"),
	}
	cmd.Flags().StringVar(&dir, "download", "", "save every photo of the group into this directory")
	cmd.Flags().IntVar(&limit, "limit", 20, "how many gallery entries to list (without --download)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		if dir == "" {
			if limit < 1 {
				return usagef("--limit must be at least 1")
			}
			if err := a.connect(ctx, false); err != nil {
				return err
			}
			entries, err := a.api.Unofficial().ListGallery(ctx, args[0], &client.GalleryParams{Limit: limit, AcceptFiles: true})
			if err != nil {
				return err
			}
			if entries == nil {
				entries = []client.GalleryMessage{}
			}
			return a.out().emit(entries, galleryTable(entries))
		}
		if err := a.connect(ctx, false, client.WithRetries(exportRetries)); err != nil {
			return err
		}
		res, err := a.downloadGallery(ctx, args[0], dir)
		if err != nil {
			return err
		}
		return a.out().emit(res, kv("DIR", res.Dir, "ENTRIES", strconv.Itoa(res.Entries), "PHOTOS", strconv.Itoa(res.Photos),
			"DOWNLOADED", strconv.Itoa(res.Downloaded), "SKIPPED", strconv.Itoa(res.Skipped), "BYTES", strconv.FormatInt(res.Bytes, 10)))
	}
	return cmd
}

func galleryTable(entries []client.GalleryMessage) func(*tabwriter.Writer) {
	return func(w *tabwriter.Writer) {
		row(w, "ID", "TIME", "FROM", "ATTACHMENTS", "FIRST PHOTO")
		for _, m := range entries {
			first := ""
			if photos := photoURLs(m); len(photos) > 0 {
				first = photos[0]
			}
			atts := "-"
			if m.Attachments != nil {
				atts = attachmentSummary(*m.Attachments)
			}
			row(w, m.ID, when(deref64(m.CreatedAt)), clip(str(m.Name), 20), atts, first)
		}
	}
}

// photoURLs are the image attachments' URLs of a gallery entry.
func photoURLs(m client.GalleryMessage) []string {
	var out []string
	if m.Attachments == nil {
		return nil
	}
	for _, att := range *m.Attachments {
		if img, ok := att.AsImage(); ok && img.URL != "" {
			out = append(out, img.URL)
		}
	}
	return out
}

// galleryResult summarises a download.
type galleryResult struct {
	Dir        string `json:"dir"`
	Group      string `json:"group_id"`
	Entries    int    `json:"entries"`    // gallery entries seen
	Photos     int    `json:"photos"`     // photos among them
	Downloaded int    `json:"downloaded"` // saved by this run
	Skipped    int    `json:"skipped"`    // already in the directory
	Bytes      int64  `json:"bytes"`      // saved by this run
	Refused    int    `json:"refused"`    // entries whose id cannot name a file
}

var errInterrupted = errors.New("interrupted")

// downloadGallery walks the group's gallery newest first and saves each
// photo that is not in dir yet. A page that fails with a rate limit (after
// the client's own retries) is waited out and asked for again from the last
// entry handled, so nothing is skipped.
func (a *app) downloadGallery(ctx context.Context, groupID, dir string) (galleryResult, error) {
	res := galleryResult{Dir: dir, Group: groupID}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	// Every file is made through root: whatever a name holds, nothing is
	// written outside dir (names are built from checked ids besides).
	root, err := os.OpenRoot(dir)
	if err != nil {
		return res, err
	}
	defer func() { _ = root.Close() }()
	interrupted := func() error {
		return fmt.Errorf("gallery download interrupted after %d new photos; run the same command again to continue (photos already saved are skipped)", res.Downloaded)
	}
	hc := newDownloadClient(2 * time.Minute)
	prog := newProgress(a.stderr, a.stderrTTY, "gallery "+groupID, 0, 0, a.now)
	cursor := ""
	for stalled := 0; ; stalled++ {
		before := res.Entries
		iterErr, saveErr := a.galleryPass(ctx, hc, root, groupID, &cursor, &res, prog)
		if saveErr != nil {
			prog.finish()
			if ctx.Err() != nil || errors.Is(saveErr, errInterrupted) {
				return res, interrupted()
			}
			return res, saveErr
		}
		if iterErr == nil {
			break
		}
		if ctx.Err() != nil {
			prog.finish()
			return res, interrupted()
		}
		wait, why, ok := serverWait(iterErr, false)
		if res.Entries > before {
			stalled = 0
		}
		if !ok || stalled >= maxStalledRounds {
			prog.finish()
			return res, iterErr
		}
		fmt.Fprintf(a.stderr, "\ngroupme: GroupMe is %s; waiting %s before going on\n", why, wait)
		if err := a.sleep(ctx, wait); err != nil {
			return res, interrupted()
		}
	}
	prog.finish()
	if res.Refused > 0 {
		return res, fmt.Errorf("%d gallery entries were not saved: their message ids are not GroupMe ids", res.Refused)
	}
	return res, nil
}

// galleryPass walks the group's gallery from *cursor on ("" for the
// newest), saving photos not in root yet, counting in res and moving
// *cursor past each entry handled. listErr is what ended the listing, nil
// at its end; saveErr is a photo that could not be saved.
func (a *app) galleryPass(ctx context.Context, hc *http.Client, root *os.Root, groupID string, cursor *string, res *galleryResult, prog *progress) (listErr, saveErr error) {
	for m, err := range a.api.Unofficial().ListGalleryIter(ctx, groupID, &client.GalleryParams{Before: *cursor, Limit: galleryPage, AcceptFiles: true}) {
		if err != nil {
			return err, nil
		}
		res.Entries++
		if !validID(m.ID) {
			// GroupMe's ids are digits; anything else would be a file
			// name the server chose.
			res.Refused++
			fmt.Fprintf(a.stderr, "\ngroupme: skipping a gallery entry whose message id %q is not a GroupMe id\n", termSafe(clip(m.ID, 40)))
			if m.GalleryTS != nil {
				*cursor = *m.GalleryTS
			}
			continue
		}
		if err := a.savePhotos(ctx, hc, root, m, res); err != nil {
			return nil, err
		}
		if m.GalleryTS != nil {
			*cursor = *m.GalleryTS
		}
		prog.add(1)
	}
	return nil, nil
}

// savePhotos saves the photos of one gallery entry that are not in dir
// yet, counting them in res.
func (a *app) savePhotos(ctx context.Context, hc *http.Client, root *os.Root, m client.GalleryMessage, res *galleryResult) error {
	for i, u := range photoURLs(m) {
		res.Photos++
		name := m.ID + "-" + strconv.Itoa(i+1) + photoExt(u)
		if st, err := root.Stat(name); err == nil && st.Size() > 0 {
			res.Skipped++
			continue
		}
		n, err := a.downloadPicture(ctx, hc, root, u, name)
		if err != nil {
			return fmt.Errorf("photo of message %s: %w", m.ID, err)
		}
		res.Downloaded++
		res.Bytes += n
	}
	return nil
}

// photoExt is the file extension for a picture URL of GroupMe's image
// service (https://i.groupme.com/<w>x<h>.<format>.<id>), ".jpg" otherwise.
func photoExt(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ".jpg"
	}
	parts := strings.Split(path.Base(p.Path), ".")
	if len(parts) >= 3 {
		switch parts[1] {
		case "png":
			return ".png"
		case "gif":
			return ".gif"
		}
	}
	return ".jpg"
}

// downloadPicture saves u as name: it writes name+".part" and renames it
// when complete, so a file under the final name is always whole. Rate
// limits (420, 429) and server errors are retried, waiting Retry-After
// (capped) or a growing delay, up to downloadAttempts times.
func (a *app) downloadPicture(ctx context.Context, hc *http.Client, root *os.Root, u, name string) (int64, error) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
		return 0, fmt.Errorf("not a web address: %q", clip(u, 200))
	}
	ctx = downloadContext(ctx, pu)
	delay := time.Second
	var last error
	for attempt := 1; attempt <= downloadAttempts; attempt++ {
		n, retryAfter, err := fetchTo(ctx, hc, root, u, name)
		if err == nil {
			return n, nil
		}
		if ctx.Err() != nil {
			return 0, errInterrupted
		}
		var te retryable
		if !errors.As(err, &te) {
			return 0, err
		}
		last = err
		wait := delay
		if retryAfter >= 0 {
			wait = retryAfter
		}
		delay = min(2*delay, maxDownloadWait)
		if attempt < downloadAttempts {
			if err := a.sleep(ctx, min(wait, maxDownloadWait)); err != nil {
				return 0, errInterrupted
			}
		}
	}
	return 0, fmt.Errorf("gave up after %d tries: %w", downloadAttempts, last)
}

// retryable marks a download failure worth another try.
type retryable struct{ err error }

func (r retryable) Error() string { return r.err.Error() }
func (r retryable) Unwrap() error { return r.err }

// fetchTo downloads u into name once. retryAfter is the server's
// Retry-After in a retryable answer, or -1 when it sent none.
func fetchTo(ctx context.Context, hc *http.Client, root *os.Root, u, name string) (n int64, retryAfter time.Duration, err error) {
	retryAfter = -1
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, retryAfter, err
	}
	req.Header.Set("User-Agent", "groupme-cli")
	resp, err := hc.Do(req)
	if errors.Is(err, errPrivateAddress) || errors.Is(err, errRedirect) {
		return 0, retryAfter, err
	}
	if err != nil {
		return 0, retryAfter, retryable{err} // network trouble: try again
	}
	defer func() { _ = resp.Body.Close() }() // read side: nothing to lose
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == 420 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s >= 0 {
			retryAfter = time.Duration(s) * time.Second
		}
		return 0, retryAfter, retryable{fmt.Errorf("HTTP %d", resp.StatusCode)}
	default:
		return 0, retryAfter, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	part := name + ".part"
	f, err := root.Create(part)
	if err != nil {
		return 0, retryAfter, err
	}
	n, err = io.Copy(f, io.LimitReader(resp.Body, maxPicture+1))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	// A partial file is removed (best effort: the error below is what
	// matters, and a left-over .part is never taken for a picture).
	switch {
	case err != nil:
		_ = root.Remove(part)
		return 0, retryAfter, retryable{err}
	case n > maxPicture:
		_ = root.Remove(part)
		return 0, retryAfter, fmt.Errorf("larger than %d MB", maxPicture>>20)
	case resp.ContentLength >= 0 && n != resp.ContentLength:
		_ = root.Remove(part)
		return 0, retryAfter, retryable{fmt.Errorf("got %d of %d bytes", n, resp.ContentLength)}
	case n == 0:
		_ = root.Remove(part)
		return 0, retryAfter, retryable{errors.New("empty body")}
	}
	return n, retryAfter, root.Rename(part, name)
}
