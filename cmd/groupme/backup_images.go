package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/cmd/groupme/internal/index"
)

const (
	// maxImage bounds one picture (GroupMe's image service takes up to
	// about 10 MB; videos are not pictures).
	maxImage = 64 << 20
	// imageTimeout bounds one download.
	imageTimeout = 2 * time.Minute
	// imageWorkers is how many pictures download at once.
	imageWorkers = 4
	// maxImageURL bounds a picture's address.
	maxImageURL = 4096
	// maxImageErrors is how many failures are named one by one.
	maxImageErrors = 20
)

// imageExts maps the picture types saved to their file extension. Nothing
// the server sends reaches a file name but this table's values and a hash.
var imageExts = map[string]string{
	"image/jpeg": "jpeg",
	"image/png":  "png",
	"image/gif":  "gif",
	"image/webp": "webp",
	"image/heic": "heic",
	"image/heif": "heif",
	"image/bmp":  "bmp",
}

// imageSaver downloads the pictures messages reference into DIR/images,
// each once, named by the SHA-256 of its URL, while the messages are
// fetched. Image downloads are not API requests: they do not go through
// the pacer and carry no token.
type imageSaver struct {
	ctx   context.Context
	root  *os.Root
	dir   string
	hc    *http.Client
	queue chan string
	wg    sync.WaitGroup

	mu     sync.Mutex
	seen   map[string]bool // hashes queued or on disk
	saved  int
	failed int
	errs   []string
	closed bool
}

func (a *app) newImageSaver(ctx context.Context, root *os.Root, dir string) (*imageSaver, error) {
	if err := root.MkdirAll("images", 0o755); err != nil {
		return nil, err
	}
	s := &imageSaver{ctx: ctx, root: root, dir: dir, queue: make(chan string, 1024), seen: map[string]bool{}}
	// What earlier runs saved is not fetched again.
	d, err := root.Open("images")
	if err != nil {
		return nil, err
	}
	names, err := d.Readdirnames(-1)
	_ = d.Close() // read only
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if h, ext, ok := strings.Cut(n, "."); ok && len(h) == 64 && !strings.Contains(ext, ".") {
			s.seen[h] = true
		} else if strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".tmp") {
			_ = root.Remove("images/" + n) // left by a run that was killed
		}
	}
	// Redirects and addresses as for every download (safefetch.go).
	s.hc = newDownloadClient(imageTimeout)
	for range imageWorkers {
		s.wg.Go(s.work)
	}
	return s, nil
}

// imageRefs is what a message says about its pictures.
type imageRefs struct {
	Attachments []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"attachments"`
}

// collect queues the pictures of messages just written.
func (s *imageSaver) collect(msgs []client.ArchivedMessage) {
	for _, m := range msgs {
		s.collectLine(m.JSON)
	}
}

func (s *imageSaver) collectLine(line []byte) {
	if !strings.Contains(string(line), `"image"`) {
		return
	}
	var refs imageRefs
	if json.Unmarshal(line, &refs) != nil {
		return // checked when written: a message without readable attachments has no pictures
	}
	for _, a := range refs.Attachments {
		if a.Type == "image" && a.URL != "" {
			s.add(a.URL)
		}
	}
}

// collectFile queues the pictures of every message in a saved file, so
// a run that stopped before downloading them does not lose them.
func (s *imageSaver) collectFile(root *os.Root, name string) error {
	f, err := root.Open(name)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // read only
	br := bufio.NewReaderSize(f, 64<<10)
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) <= maxExportLine {
			line = append(line, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if len(line) > 0 && line[len(line)-1] == '\n' {
			s.collectLine(line)
		}
		line = line[:0]
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func (s *imageSaver) add(u string) {
	h := index.ImageName(u)
	s.mu.Lock()
	if s.seen[h] || s.closed {
		s.mu.Unlock()
		return
	}
	s.seen[h] = true
	s.mu.Unlock()
	select {
	case s.queue <- u:
	case <-s.ctx.Done():
	}
}

func (s *imageSaver) work() {
	for u := range s.queue {
		if s.ctx.Err() != nil {
			continue // drain: nothing more is fetched once stopped
		}
		err := s.save(u)
		if err != nil && s.ctx.Err() != nil {
			continue // stopped: fetched again by the next run, not a failure
		}
		s.mu.Lock()
		if err != nil {
			s.failed++
			if len(s.errs) < maxImageErrors {
				s.errs = append(s.errs, fmt.Sprintf("%s: %v", redactURL(u), err))
			}
		} else {
			s.saved++
		}
		s.mu.Unlock()
	}
}

// wait ends the downloads once the queue is empty.
func (s *imageSaver) wait() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	close(s.queue)
	s.wg.Wait()
}

// result reports the failures on w and returns the counts.
func (s *imageSaver) result(w io.Writer) (saved, failed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.errs {
		fmt.Fprintf(w, "groupme: could not save the picture %s\n", e)
	}
	if s.failed > len(s.errs) {
		fmt.Fprintf(w, "groupme: ... and %d more pictures\n", s.failed-len(s.errs))
	}
	return s.saved, s.failed
}

// save downloads one picture into images/<sha256 of u>.<ext>, through a
// temporary file renamed into place, so a picture on disk is always whole.
func (s *imageSaver) save(u string) error {
	if len(u) > maxImageURL {
		return errors.New("the address is too long")
	}
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return errors.New("not an http(s) address")
	}
	ctx, cancel := context.WithTimeout(downloadContext(s.ctx, pu), imageTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pu.String(), nil)
	if err != nil {
		return errors.New("not an http(s) address")
	}
	req.Header.Set("User-Agent", "groupme-cli")
	resp, err := s.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is named once, by the caller
		}
		return err
	}
	defer func() { _ = resp.Body.Close() }() // read only
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the server answered %s", resp.Status)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	ext, ok := imageExts[mt]
	if !ok {
		return fmt.Errorf("the server sent %q, not a picture", mt)
	}
	h := index.ImageName(u)
	tmp := "images/." + h + ".tmp"
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, maxImage+1))
	if err == nil && n > maxImage {
		err = fmt.Errorf("larger than %d MiB", maxImage>>20)
	}
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("cut off after %d of %d bytes", n, resp.ContentLength)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.root.Rename(tmp, "images/"+h+"."+ext)
	}
	if err != nil {
		_ = s.root.Remove(tmp)
		return err
	}
	return nil
}

// redactURL drops a picture address's query (which might carry a
// signature) for messages.
func redactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if len(u) > 200 {
		u = u[:200] + "..."
	}
	return u
}
