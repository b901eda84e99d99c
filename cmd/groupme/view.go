package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/groupme-go/groupme/cmd/groupme/internal/index"
	"github.com/spf13/cobra"
)

// viewAssets are the page's files: the page, its script and its style.
// Nothing else is served from outside the backup directory.
//
//go:embed view
var viewAssets embed.FS

func (a *app) viewCmd() *cobra.Command {
	var (
		port      int
		noBrowser bool
	)
	cmd := &cobra.Command{
		Use:   "view DIR",
		Short: "Read a backup in a browser: a local, read-only page with search",
		Long: `view serves a page for reading the backup in DIR (what 'groupme backup DIR'
wrote): its conversations, each conversation's messages with names, times,
likes, replies and the saved pictures, and a search over every message.

The page is served on 127.0.0.1 only, on a free port unless --port says
which; its address is printed on stdout and opened in a browser when one can
be started. It reads only DIR, fetches nothing from GroupMe or anywhere else,
and the page itself loads nothing from the network. It runs until Ctrl-C.

Before serving, view brings DIR/index.sqlite up to date with the backup's
files (building it when it is missing, and starting it anew when it is
damaged).`,
		Args: exactArgs("DIR"),
	}
	cmd.Flags().IntVar(&port, "port", 0, "port on 127.0.0.1 to serve on (a free one when 0)")
	cmd.Flags().BoolVar(&noBrowser, "no-browser", false, "only print the address; do not open a browser")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if port < 0 || port > 65535 {
			return usagef("--port must be between 0 and 65535, not %d", port)
		}
		return a.view(cmd.Context(), args[0], port, !noBrowser)
	}
	return cmd
}

// view serves the backup in dir until ctx ends.
func (a *app) view(ctx context.Context, dir string, port int, browse bool) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usagef("%s is not a directory; give the directory 'groupme backup' wrote", dir)
	}
	if _, err := index.ReadManifest(dir); err != nil {
		return fmt.Errorf("%s does not look like a backup: %w", dir, err)
	}
	ix, err := index.Open(ctx, dir)
	if err != nil {
		return fmt.Errorf("opening the backup's index: %w", err)
	}
	defer func() { _ = ix.Close() }()
	st, err := ix.Update(ctx)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		// What is indexed can still be read; the files stay as they are.
		fmt.Fprintf(a.stderr, "groupme: the index could not be brought fully up to date, so some messages may be missing from the page: %v\n", err)
	case st.Added > 0:
		fmt.Fprintf(a.stderr, "groupme: indexed %d new messages\n", st.Added)
	}

	images, err := openImageFolder(filepath.Join(dir, "images"))
	if err != nil {
		return err
	}
	if images != nil {
		defer images.close()
	}

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot serve the page on %s (is another program using the port?): %w", addr, err)
	}
	addr = ln.Addr().String()
	srv := &http.Server{
		Handler:           newViewHandler(ix, images, addr, a.stderr),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	url := "http://" + addr + "/"
	fmt.Fprintln(a.stdout, url)
	fmt.Fprintf(a.stderr, "groupme: the backup in %s is at %s (stop with Ctrl-C)\n", dir, url)
	if browse {
		open := a.login.browse
		if open == nil {
			open = openBrowser
		}
		_ = open(url) // the printed address is enough when no browser opens
	}

	select {
	case err := <-served:
		return fmt.Errorf("serving the page: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	return nil
}

// The bounds of what the page may ask for.
const (
	viewPageSize   = 100 // messages per page when the page does not say
	viewMaxPage    = 200
	viewSearchHits = 50
	viewMaxHits    = 200
	viewMaxQuery   = 500 // characters of a search
	viewMaxID      = 200 // characters of a conversation or message id
	viewTimeout    = 30 * time.Second
)

// imageTypes are the picture files the page shows, by extension, with the
// type each is served as. SVG is not among them: it can carry scripts.
var imageTypes = map[string]string{
	"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
	"webp": "image/webp", "avif": "image/avif", "bmp": "image/bmp", "heic": "image/heic", "heif": "image/heif",
}

// imageFileName is a picture's file name in DIR/images: the SHA-256 of its
// URL in hex, a dot and an extension.
var imageFileName = regexp.MustCompile(`^([0-9a-f]{64})\.([A-Za-z0-9]{1,5})$`)

// imageType is the content type of a valid picture file name, or "".
func imageType(name string) string {
	m := imageFileName.FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	return imageTypes[strings.ToLower(m[2])]
}

// maxImageFiles bounds how many names of DIR/images are kept.
const maxImageFiles = 2_000_000

// imageFolder is DIR/images, opened as an os.Root so that nothing outside
// it (by a name, or by a symbolic link) can be read through it, and the
// map from a picture's hash to its file there.
type imageFolder struct {
	root *os.Root

	mu     sync.Mutex
	files  map[string]string // hash -> file name
	listed time.Time
}

// openImageFolder opens dir; a backup without pictures has none (nil).
func openImageFolder(dir string) (*imageFolder, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening the backup's pictures: %w", err)
	}
	f := &imageFolder{root: root}
	if err := f.list(); err != nil {
		_ = root.Close()
		return nil, err
	}
	return f, nil
}

func (f *imageFolder) close() { _ = f.root.Close() }

// list reads the folder's names; f.mu is held or f is not shared yet.
func (f *imageFolder) list() error {
	d, err := f.root.Open(".")
	if err != nil {
		return fmt.Errorf("listing the backup's pictures: %w", err)
	}
	defer func() { _ = d.Close() }()
	files := map[string]string{}
	for len(files) < maxImageFiles {
		names, err := d.Readdirnames(4096)
		for _, name := range names {
			if imageType(name) == "" {
				continue
			}
			hash := name[:64]
			// Two files of one picture: the first name in order wins,
			// whatever order the folder lists them in.
			if old, ok := files[hash]; !ok || name < old {
				files[hash] = name
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("listing the backup's pictures: %w", err)
		}
	}
	f.files, f.listed = files, time.Now()
	return nil
}

// file is the file name of the picture with the given hash, or "" when
// the backup does not hold it. A miss lists the folder again (at most
// every ten seconds), for pictures a running backup saved since.
func (f *imageFolder) file(hash string) string {
	if f == nil {
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if name, ok := f.files[hash]; ok {
		return name
	}
	if time.Since(f.listed) > 10*time.Second {
		if err := f.list(); err == nil {
			return f.files[hash]
		}
	}
	return ""
}

// viewHandler answers the page's requests.
type viewHandler struct {
	ix     *index.Index
	images *imageFolder
	hosts  map[string]bool
	log    io.Writer
	mux    *http.ServeMux
	assets map[string]viewAsset
}

type viewAsset struct {
	body  []byte
	ctype string
}

// newViewHandler serves the page for requests to addr (host:port) only.
func newViewHandler(ix *index.Index, images *imageFolder, addr string, log io.Writer) http.Handler {
	_, port, _ := net.SplitHostPort(addr)
	h := &viewHandler{
		ix: ix, images: images, log: log, mux: http.NewServeMux(),
		// The address the page is served at, and the same port under the
		// name localhost, which no other site can take over. Any other
		// Host is a page elsewhere whose name was pointed at 127.0.0.1
		// (DNS rebinding).
		hosts:  map[string]bool{addr: true, net.JoinHostPort("localhost", port): true},
		assets: map[string]viewAsset{},
	}
	for name, ctype := range map[string]string{
		"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
		"style.css": "text/css; charset=utf-8", "favicon.svg": "image/svg+xml",
	} {
		b, err := viewAssets.ReadFile(path.Join("view", name))
		if err != nil {
			panic("groupme view: the embedded page lacks " + name) // a build mistake
		}
		h.assets[name] = viewAsset{b, ctype}
	}
	h.mux.HandleFunc("GET /{$}", h.asset("index.html"))
	for _, name := range []string{"app.js", "style.css", "favicon.svg"} {
		h.mux.HandleFunc("GET /"+name, h.asset(name))
	}
	h.mux.HandleFunc("GET /api/conversations", h.conversations)
	h.mux.HandleFunc("GET /api/messages", h.messages)
	h.mux.HandleFunc("GET /api/search", h.search)
	h.mux.HandleFunc("GET /images/{name}", h.image)
	return h
}

// viewCSP lets the page load its own script, style and pictures, and
// nothing from anywhere else.
const viewCSP = "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (h *viewHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.hosts[r.Host] {
		http.Error(w, "this page is served only at its own address on 127.0.0.1", http.StatusMisdirectedRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the page is read-only: only GET", http.StatusMethodNotAllowed)
		return
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", viewCSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.mux.ServeHTTP(w, r)
}

func (h *viewHandler) asset(name string) http.HandlerFunc {
	a := h.assets[name]
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", a.ctype)
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(a.body)
	}
}

// viewError is the API's answer to a request it cannot serve.
type viewError struct {
	Error string `json:"error"`
}

func (h *viewHandler) json(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"the answer could not be encoded"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (h *viewHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() == nil {
		fmt.Fprintf(h.log, "groupme: %s: %v\n", r.URL.Path, err)
	}
	h.json(w, http.StatusInternalServerError, viewError{"the index could not answer: " + err.Error()})
}

func (h *viewHandler) badRequest(w http.ResponseWriter, format string, args ...any) {
	h.json(w, http.StatusBadRequest, viewError{fmt.Sprintf(format, args...)})
}

// intParam reads a whole number between 1 and most, def when absent.
func intParam(r *http.Request, name string, def, most int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > most {
		return 0, fmt.Errorf("%s must be a whole number from 1 to %d, not %q", name, most, s)
	}
	return n, nil
}

func (h *viewHandler) conversations(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), viewTimeout)
	defer cancel()
	cs, err := h.ix.Conversations(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.json(w, http.StatusOK, map[string]any{"conversations": cs})
}

// viewMessage is a message with the addresses of its pictures ("" for a
// picture the backup does not hold).
type viewMessage struct {
	index.Message
	Pictures []string `json:"pictures"`
}

// viewPage is a page of a conversation, oldest first.
type viewPage struct {
	Messages []viewMessage `json:"messages"`
	HasOlder bool          `json:"has_older"`
	HasNewer bool          `json:"has_newer"`
}

// messages answers /api/messages?kind=&id= with the newest page, or with
// one of before=, after= or around= a message id, the page before it,
// after it, or around it; limit= sets the page's size.
func (h *viewHandler) messages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind, id := q.Get("kind"), q.Get("id")
	if problem := checkMessagesQuery(q); problem != "" {
		h.badRequest(w, "%s", problem)
		return
	}
	limit, err := intParam(r, "limit", viewPageSize, viewMaxPage)
	if err != nil {
		h.badRequest(w, "%v", err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), viewTimeout)
	defer cancel()
	known, err := h.hasConversation(ctx, kind, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !known {
		h.json(w, http.StatusNotFound, viewError{"the backup has no " + kind + " " + id})
		return
	}
	var page viewPage
	var msgs []index.Message
	before, after, around := q.Get("before"), q.Get("after"), q.Get("around")
	switch {
	case after != "":
		msgs, page, err = h.pageAfter(ctx, kind, id, after, limit)
	case around != "":
		msgs, page, err = h.pageAround(ctx, kind, id, around, limit)
	default: // the newest page, or the one before a message
		msgs, page, err = h.pageBefore(ctx, kind, id, before, limit)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page.Messages = h.withPictures(msgs)
	h.json(w, http.StatusOK, page)
}

// checkMessagesQuery says what is wrong with the query of /api/messages,
// "" when nothing is.
func checkMessagesQuery(q url.Values) string {
	if kind := q.Get("kind"); kind != "group" && kind != "chat" {
		return "kind must be group or chat"
	}
	var cursors []string
	for _, name := range []string{"id", "before", "after", "around"} {
		v := q.Get(name)
		if len(v) > viewMaxID {
			return fmt.Sprintf("%s is longer than %d characters", name, viewMaxID)
		}
		if v != "" && name != "id" {
			cursors = append(cursors, name)
		}
	}
	if q.Get("id") == "" {
		return "id names no conversation"
	}
	if len(cursors) > 1 {
		return fmt.Sprintf("give one of before, after and around, not %s", strings.Join(cursors, " and "))
	}
	return ""
}

// hasConversation reports whether the index holds the conversation.
func (h *viewHandler) hasConversation(ctx context.Context, kind, id string) (bool, error) {
	cs, err := h.ix.Conversations(ctx)
	if err != nil {
		return false, err
	}
	for _, c := range cs {
		if c.Kind == kind && c.ID == id {
			return true, nil
		}
	}
	return false, nil
}

// pageAfter is the page of up to limit messages after the message after.
func (h *viewHandler) pageAfter(ctx context.Context, kind, id, after string, limit int) ([]index.Message, viewPage, error) {
	var page viewPage
	// The index pages backwards or around a message; the page after a
	// message is the second half of a page around it.
	all, err := h.ix.Messages(ctx, kind, id, "", after, 2*(limit+1))
	if err != nil {
		return nil, page, err
	}
	var msgs []index.Message
	for i, m := range all {
		if m.ID == after {
			msgs = all[i+1:]
			break
		}
	}
	page.HasOlder = true
	if len(msgs) > limit {
		msgs, page.HasNewer = msgs[:limit], true
	}
	return msgs, page, nil
}

// pageAround is the page of up to limit messages around the message around.
func (h *viewHandler) pageAround(ctx context.Context, kind, id, around string, limit int) ([]index.Message, viewPage, error) {
	var page viewPage
	msgs, err := h.ix.Messages(ctx, kind, id, "", around, limit)
	if err != nil || len(msgs) == 0 {
		return msgs, page, err
	}
	older, err := h.ix.Messages(ctx, kind, id, msgs[0].ID, "", 1)
	if err != nil {
		return nil, page, err
	}
	last := msgs[len(msgs)-1].ID
	newer, err := h.ix.Messages(ctx, kind, id, "", last, 2)
	if err != nil {
		return nil, page, err
	}
	page.HasOlder = len(older) > 0
	page.HasNewer = len(newer) > 0 && newer[len(newer)-1].ID != last
	return msgs, page, nil
}

// pageBefore is the page of up to limit messages before the message
// before, or the newest page when before is "".
func (h *viewHandler) pageBefore(ctx context.Context, kind, id, before string, limit int) ([]index.Message, viewPage, error) {
	var page viewPage
	msgs, err := h.ix.Messages(ctx, kind, id, before, "", limit+1)
	if err != nil {
		return nil, page, err
	}
	if len(msgs) > limit {
		msgs, page.HasOlder = msgs[1:], true
	}
	page.HasNewer = before != "" && len(msgs) > 0
	return msgs, page, nil
}

// withPictures gives each message the addresses of its pictures.
func (h *viewHandler) withPictures(msgs []index.Message) []viewMessage {
	out := make([]viewMessage, len(msgs))
	for i, m := range msgs {
		out[i] = viewMessage{Message: m, Pictures: make([]string, len(m.Images))}
		for j, hash := range m.Images {
			if name := h.images.file(hash); name != "" {
				out[i].Pictures[j] = "/images/" + name
			}
		}
	}
	return out
}

// Snippet marks: control characters that messages do not hold, turned
// into segments so the page never parses markup.
const markOn, markOff = "\x02", "\x03"

// viewSegment is a piece of a snippet; Mark is set on the matched words.
type viewSegment struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
}

type viewHit struct {
	index.Hit
	Snippet []viewSegment `json:"snippet"`
}

// segments splits a snippet marked with markOn and markOff.
func segments(s string) []viewSegment {
	out := []viewSegment{}
	mark := false
	for s != "" {
		i := strings.IndexAny(s, markOn+markOff)
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			out = append(out, viewSegment{Text: s[:i], Mark: mark})
		}
		if i == len(s) {
			break
		}
		mark = s[i:i+1] == markOn
		s = s[i+1:]
	}
	return out
}

// search answers /api/search?q= (an FTS5 query) with the newest matches;
// in= keeps one conversation's (its id), limit= bounds them.
func (h *viewHandler) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	match, in := q.Get("q"), q.Get("in")
	switch {
	case strings.TrimSpace(match) == "":
		h.badRequest(w, "q is empty: nothing to search for")
		return
	case len([]rune(match)) > viewMaxQuery:
		h.badRequest(w, "the search is longer than %d characters", viewMaxQuery)
		return
	case len(in) > viewMaxID:
		h.badRequest(w, "in is longer than %d characters", viewMaxID)
		return
	}
	limit, err := intParam(r, "limit", viewSearchHits, viewMaxHits)
	if err != nil {
		h.badRequest(w, "%v", err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), viewTimeout)
	defer cancel()
	hits, err := h.ix.Search(ctx, index.Query{Match: match, In: in, Limit: limit, Mark: markOn, Unmark: markOff})
	if errors.Is(err, index.ErrQuery) {
		h.badRequest(w, "%v", err)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]viewHit, len(hits))
	for i, hit := range hits {
		out[i] = viewHit{Hit: hit, Snippet: segments(hit.Snippet)}
	}
	h.json(w, http.StatusOK, map[string]any{"hits": out})
}

// image serves /images/{name}: a file of DIR/images whose name is a
// picture's hash and a known extension, read through the folder's
// os.Root.
func (h *viewHandler) image(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ctype := imageType(name)
	if ctype == "" || h.images == nil {
		http.NotFound(w, r)
		return
	}
	f, err := h.images.root.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r, name, fi.ModTime(), f)
}
