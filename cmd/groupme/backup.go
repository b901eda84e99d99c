package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/cmd/groupme/internal/msgid"
	"github.com/groupme-go/groupme/internal/pacer"
	"github.com/spf13/cobra"
)

const (
	// manifestName is the manifest's file in a backup directory.
	manifestName = "manifest.json"
	// manifestVersion is the layout a manifest describes.
	manifestVersion = 1
	// maxManifest bounds the manifest a backup reads back.
	maxManifest = 64 << 20
	// defaultParallel is how many conversations a backup fetches at once.
	defaultParallel = 4
	// maxParallel bounds --parallel.
	maxParallel = 32
	// listPage is how many groups or chats each listing request asks for.
	listPage = 100
)

type backupOptions struct {
	dms, former, images bool
	index               bool
	parallel            int
	maxWait             time.Duration
}

func (a *app) backupCmd() *cobra.Command {
	var opts backupOptions
	cmd := &cobra.Command{
		Use:   "backup DIR",
		Short: "Save every group and direct conversation into a directory, and only what is new on the next run",
		Long: `backup saves the history of every group you are in and of every direct
conversation into DIR, each with export's guarantees: every page checked, ids
strictly increasing, complete up to the newest message as of the start, and
as many messages as GroupMe counts. Run it again and it fetches only what is
new, after checking what DIR already holds.

DIR holds:

  manifest.json             what DIR holds: per conversation its kind
                            ("group" or "chat"), id, name, file, count,
                            last_id, updated_at (GroupMe's, Unix seconds),
                            members, and whether it is complete
  groups/<group_id>.jsonl   one message per line, oldest first, exactly as
  chats/<user_id>.jsonl     GroupMe sent it (chats are named by the other user)
  images/<sha256 of URL>.<ext>  with --images, every picture the messages
                            reference, saved once
  index.sqlite              the full-text index search and view read,
                            kept up to date as conversations are saved
                            (--index=false leaves it alone; 'groupme index
                            DIR' rebuilds it from the files at any time)
  .lock                     held while a backup runs: a second one refuses

Conversations are fetched a few at a time (--parallel) within one request
budget: a pacer learns GroupMe's rate limit from its answers and keeps just
under it. Progress for the whole backup goes to stderr.

Stopping it at any moment (Ctrl-C, kill -9, a full disk) loses nothing
already checked: message files only ever grow by whole checked pages (a cut
last line is dropped on the next run), pictures and the manifest are written
to a temporary file and renamed into place. What could not be saved is named
with the reason, after saving everything else, and the exit code is then 1.`,
		Args: exactArgs("DIR"),
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.dms, "dms", true, "include direct conversations (--no-dms or --dms=false leaves them out)")
	noDMs := fl.Bool("no-dms", false, "leave direct conversations out")
	fl.BoolVar(&opts.former, "former", false, "include groups you have left (GET /groups/former)")
	fl.BoolVar(&opts.images, "images", false, "save every picture the messages reference into DIR/images")
	fl.BoolVar(&opts.index, "index", true, "keep DIR/index.sqlite, the search index, up to date")
	fl.IntVar(&opts.parallel, "parallel", defaultParallel, "conversations fetched at once (they share one request budget)")
	fl.DurationVar(&opts.maxWait, "max-wait", defaultMaxWait, "per conversation, give up after waiting this long in all for rate limits and outages")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *noDMs {
			opts.dms = false
		}
		if opts.parallel < 1 || opts.parallel > maxParallel {
			return usagef("--parallel must be between 1 and %d", maxParallel)
		}
		if opts.maxWait < 0 {
			return usagef("--max-wait must not be negative")
		}
		if args[0] == "" {
			return usagef("DIR must not be empty")
		}
		p := pacer.New()
		if err := a.connect(cmd.Context(), false, client.WithRetries(exportRetries), client.WithPacer(p)); err != nil {
			return err
		}
		res, err := a.backup(cmd.Context(), args[0], opts, p)
		if res != nil {
			if perr := a.out().emit(res, kv("DIR", res.Dir, "CONVERSATIONS", fmt.Sprint(res.Conversations), "MESSAGES", fmt.Sprint(res.Messages),
				"NEW", fmt.Sprint(res.New), "FAILED", fmt.Sprint(res.Failed), "REQUESTS", fmt.Sprint(res.Requests), "REFUSED", fmt.Sprint(res.Refused),
				"IMAGES", fmt.Sprint(res.Images), "SECONDS", fmt.Sprintf("%.1f", res.Seconds))); perr != nil && err == nil {
				err = perr
			}
		}
		return err
	}
	return cmd
}

// backupResult summarises a backup run.
type backupResult struct {
	Dir           string  `json:"dir"`
	Conversations int     `json:"conversations"` // in the manifest
	Messages      int     `json:"messages"`      // in all files
	New           int     `json:"new"`           // added by this run
	Failed        int     `json:"failed"`        // conversations not saved completely
	Requests      int     `json:"requests"`      // answers GroupMe accepted (paced requests)
	Refused       int     `json:"refused"`       // 420/429 answers
	Images        int     `json:"images"`        // pictures saved by this run
	ImagesFailed  int     `json:"images_failed"` // pictures that could not be saved
	Seconds       float64 `json:"seconds"`
}

// manifest is DIR/manifest.json.
type manifest struct {
	Version       int             `json:"version"`
	Conversations []manifestEntry `json:"conversations"`
}

// manifestEntry describes one conversation's file. Count and LastID say
// what the file holds (all checked); Complete says it held everything up
// to the newest message when the run that wrote the entry started.
type manifestEntry struct {
	Kind      string           `json:"kind"` // "group" or "chat"
	ID        string           `json:"id"`   // group id, or the other user's id
	Name      string           `json:"name"`
	File      string           `json:"file"` // relative to DIR, with /
	Count     int              `json:"count"`
	LastID    string           `json:"last_id"`
	UpdatedAt int64            `json:"updated_at"` // GroupMe's, Unix seconds
	Members   []manifestMember `json:"members,omitempty"`
	Former    bool             `json:"former,omitempty"` // a group the user has left
	Complete  bool             `json:"complete"`
	Error     string           `json:"error,omitempty"` // why the last run could not finish it
}

type manifestMember struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
}

// backupItem is one conversation to save.
type backupItem struct {
	conv  conversation
	entry manifestEntry
	err   error // set when it cannot even be tried
}

// backup saves every conversation into dir; see backupCmd.
func (a *app) backup(ctx context.Context, dir string, opts backupOptions, p *pacer.Pacer) (*backupResult, error) {
	start := a.now()
	res := &backupResult{Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer func() { _ = root.Close() }() // the files under it are synced and closed one by one
	unlock, err := lockBackup(root, dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	for _, sub := range []string{"groups", "chats"} {
		if err := root.MkdirAll(sub, 0o755); err != nil {
			return nil, err
		}
	}
	old, err := readManifest(root)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w; move it away to start a new manifest (the message files are checked again either way)", dir, manifestName, err)
	}

	items, err := a.backupList(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("listing your conversations: %w", err)
	}
	known := map[string]manifestEntry{}
	for _, e := range old.Conversations {
		known[e.Kind+"/"+e.ID] = e
	}
	// Biggest first: the longest chain of pages starts at once.
	slices.SortStableFunc(items, func(x, y backupItem) int {
		return cmp.Compare(y.conv.count-known[y.entry.Kind+"/"+y.entry.ID].Count, x.conv.count-known[x.entry.Kind+"/"+x.entry.ID].Count)
	})

	var imgs *imageSaver
	if opts.images {
		if imgs, err = a.newImageSaver(ctx, root, dir); err != nil {
			return nil, err
		}
	}
	total := 0
	for _, it := range items {
		total += it.conv.count
	}
	prog := newBackupProgress(a.stderr, a.stderrTTY, len(items), total, a.now, p)
	var ix *backupIndexer
	if opts.index {
		ix = a.startIndexer(ctx, dir)
	}

	saved := &backupSaved{root: root, entries: known}
	work := make(chan *backupItem)
	var wg sync.WaitGroup
	for range opts.parallel {
		wg.Go(func() {
			for it := range work {
				e, added, err := a.backupOne(ctx, root, dir, it, opts, prog, imgs, ix)
				ix.add(saved.record(ctx, it, e, added, err))
				prog.convDone()
			}
		})
	}
	for i := range items {
		if ctx.Err() != nil {
			break
		}
		select {
		case work <- &items[i]:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if imgs != nil {
		imgs.wait()
	}
	prog.finish()

	entries, failed := saved.entries, saved.failed
	res.New = saved.added
	m := buildManifest(entries)
	for _, e := range m.Conversations {
		res.Messages += e.Count
	}
	res.Conversations = len(m.Conversations)
	res.Failed = len(failed)
	st := p.Stats()
	res.Requests, res.Refused = st.Accepted, st.Refused
	res.Seconds = a.now().Sub(start).Seconds()
	// The manifest is written even when interrupted: it then says what
	// the files hold, all checked.
	if err := cmp.Or(saved.manifestErr, writeManifest(root, m)); err != nil {
		return res, fmt.Errorf("writing %s/%s: %w", dir, manifestName, err)
	}
	if imgs != nil {
		res.Images, res.ImagesFailed = imgs.result(a.stderr)
	}
	ix.finish()
	for _, f := range failed {
		fmt.Fprintf(a.stderr, "groupme: could not save %s\n", f)
	}
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("backup interrupted; everything checked so far is in %s (see %s); run the backup again to continue", dir, manifestName)
	case len(failed) > 0:
		return res, fmt.Errorf("%d of %d conversations could not be saved completely (see above); everything else is saved in %s; run the backup again to continue", len(failed), len(items), dir)
	case res.ImagesFailed > 0:
		return res, fmt.Errorf("%d pictures could not be saved (see above); the messages are all saved in %s", res.ImagesFailed, dir)
	}
	return res, nil
}

// backupSaved gathers what the workers of one backup saved; its methods are
// safe to call from several goroutines.
type backupSaved struct {
	root *os.Root

	mu          sync.Mutex
	entries     map[string]manifestEntry // by kind/id
	failed      []string                 // conversations not saved completely, for the user
	added       int                      // messages new in this run
	manifestErr error                    // the first failure to write the manifest
}

// record takes the outcome of backupOne for it into the manifest, writes
// the manifest, and returns the entry as recorded.
func (s *backupSaved) record(ctx context.Context, it *backupItem, e manifestEntry, added int, err error) manifestEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.added += added
	key := e.Kind + "/" + e.ID
	if prev, ok := s.entries[key]; ok && err != nil && e.Count == 0 && e.LastID == "" {
		// Nothing was opened this run: the file is as the last run left
		// it.
		e.Count, e.LastID = prev.Count, prev.LastID
	}
	if err != nil {
		e.Complete, e.Error = false, err.Error()
		if ctx.Err() == nil {
			s.failed = append(s.failed, fmt.Sprintf("%s (%q): %v", it.conv, it.conv.name, err))
		}
	}
	if msgid.Valid(e.ID) { // an id that cannot name a file is only reported
		s.entries[key] = e
	}
	// The manifest follows each conversation, so that after a kill it is
	// at most one conversation behind the files.
	if werr := writeManifest(s.root, buildManifest(s.entries)); werr != nil && s.manifestErr == nil {
		s.manifestErr = werr
	}
	return e
}

// backupOne saves one conversation and returns its manifest entry and how
// many messages it added.
func (a *app) backupOne(ctx context.Context, root *os.Root, dir string, it *backupItem, opts backupOptions, prog *backupProgress, imgs *imageSaver, ix *backupIndexer) (manifestEntry, int, error) {
	e := it.entry
	if it.err != nil {
		return e, 0, it.err
	}
	if err := it.conv.check(); err != nil {
		return e, 0, err
	}
	open := func(bool) (*os.File, error) {
		return root.OpenFile(e.File, os.O_RDWR|os.O_CREATE, 0o644)
	}
	eo := exportOptions{resume: true, maxWait: opts.maxWait, paced: true, quiet: true, again: "run the backup again to continue"}
	// Each page written goes to the pictures' downloads and to the index
	// while the next is fetched.
	eo.onPage = func(msgs []client.ArchivedMessage) {
		if imgs != nil {
			imgs.collect(msgs)
		}
		ix.add(e)
	}
	if e.Former && notSaved(root, e.File) {
		// A group left before any of it was saved: GroupMe may not show
		// it at all, so ask before making a file.
		if _, err := a.api.ListMessagesArchivePage(ctx, it.conv.id, &client.MessageParams{AfterID: "0", Limit: 1}); err != nil {
			e.File = "" // nothing saved, no file
			return e, 0, formerErr(err)
		}
	}
	run, err := a.exportConversation(ctx, it.conv, path.Join(dir, e.File), open, eo, prog.counter())
	if e.Former {
		err = formerErr(err)
	}
	e.Count, e.LastID = run.count, run.lastID
	e.Complete = run.done && err == nil
	if imgs != nil && run.count > run.added {
		// Pictures of messages saved by earlier runs: collected once per
		// run from the file, so a run that stopped before saving them
		// does not lose them.
		if rerr := imgs.collectFile(root, e.File); rerr != nil && err == nil {
			err = rerr
		}
	}
	return e, run.added, err
}

// notSaved reports whether name does not exist yet.
func notSaved(root *os.Root, name string) bool {
	_, err := root.Stat(name)
	return errors.Is(err, os.ErrNotExist)
}

// formerErr says what a 403 or 404 means for a group the user has left.
func formerErr(err error) error {
	if errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrForbidden) {
		return fmt.Errorf("GroupMe does not show the messages of a group you have left; rejoin it to save them (%w)", err)
	}
	return err
}

// backupList lists the conversations to save.
func (a *app) backupList(ctx context.Context, opts backupOptions) ([]backupItem, error) {
	var items []backupItem
	seen := map[string]bool{}
	for g, err := range a.api.ListGroupsIter(ctx, &client.ListGroupsParams{PerPage: listPage}) {
		if err != nil {
			return nil, err
		}
		if !seen[g.ID] {
			seen[g.ID] = true
			items = append(items, groupBackupItem(g, false))
		}
	}
	if opts.former {
		for g, err := range a.api.ListFormerGroupsIter(ctx) {
			if err != nil {
				return nil, err
			}
			if !seen[g.ID] {
				seen[g.ID] = true
				items = append(items, groupBackupItem(g, true))
			}
		}
	}
	if !opts.dms {
		return items, nil
	}
	me, err := a.api.GetMe(ctx)
	if err != nil {
		return nil, err
	}
	for ch, err := range a.api.ListChatsIter(ctx, &client.ListChatsParams{PerPage: listPage}) {
		if err != nil {
			return nil, err
		}
		other := string(ch.OtherUser.ID)
		if seen["chat/"+other] {
			continue
		}
		seen["chat/"+other] = true
		items = append(items, chatBackupItem(me, ch))
	}
	return items, nil
}

// groupBackupItem is the group g to save, with its manifest entry; former
// says the user has left it.
func groupBackupItem(g client.Group, former bool) backupItem {
	conv := groupConversation(&g)
	e := manifestEntry{Kind: "group", ID: g.ID, Name: g.Name, File: "groups/" + g.ID + ".jsonl", UpdatedAt: g.UpdatedAt, Former: former}
	if g.Members != nil {
		for _, m := range *g.Members {
			e.Members = append(e.Members, manifestMember{UserID: m.UserID, Name: m.Nickname})
		}
	}
	it := backupItem{conv: conv, entry: e}
	if !msgid.Valid(g.ID) {
		// The id names a file: only digits, so it cannot leave DIR.
		it.err = fmt.Errorf("GroupMe gave %q as a group id, which is not a number, so it cannot name a file", g.ID)
		it.entry.File = ""
	}
	return it
}

// chatBackupItem is the direct conversation between me and the other user
// of ch to save, with its manifest entry.
func chatBackupItem(me *client.User, ch client.Chat) backupItem {
	other := string(ch.OtherUser.ID)
	conv := conversation{kind: "chat", id: other, name: ch.OtherUser.Name, count: ch.MessagesCount, newest: ch.LastMessage.ID}
	lo, hi := me.ID, other
	if msgid.Compare(lo, hi) > 0 {
		lo, hi = hi, lo
	}
	conv.convID = lo + "+" + hi
	e := manifestEntry{Kind: "chat", ID: other, Name: ch.OtherUser.Name, File: "chats/" + other + ".jsonl", UpdatedAt: ch.UpdatedAt,
		Members: []manifestMember{{UserID: me.ID, Name: me.Name}, {UserID: other, Name: ch.OtherUser.Name}}}
	it := backupItem{conv: conv, entry: e}
	if !msgid.Valid(other) || !msgid.Valid(me.ID) {
		it.err = fmt.Errorf("GroupMe gave %q as a user id, which is not a number, so it cannot name a file", other)
		it.entry.File = ""
	}
	return it
}

// buildManifest lists entries in a stable order: kind, then id.
func buildManifest(entries map[string]manifestEntry) manifest {
	m := manifest{Version: manifestVersion, Conversations: []manifestEntry{}}
	for _, e := range entries {
		m.Conversations = append(m.Conversations, e)
	}
	slices.SortFunc(m.Conversations, func(x, y manifestEntry) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), msgid.Compare(x.ID, y.ID), cmp.Compare(x.ID, y.ID))
	})
	return m
}

// readManifest reads DIR/manifest.json; a missing one is an empty manifest.
func readManifest(root *os.Root) (manifest, error) {
	var m manifest
	f, err := root.Open(manifestName)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	defer func() { _ = f.Close() }() // read only
	b, err := io.ReadAll(io.LimitReader(f, maxManifest+1))
	if err != nil {
		return m, err
	}
	if len(b) > maxManifest {
		return m, fmt.Errorf("longer than %d MiB, so not a manifest of this program", maxManifest>>20)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("not a backup manifest: %w", err)
	}
	if m.Version != manifestVersion {
		return m, fmt.Errorf("manifest version %d, this program writes %d", m.Version, manifestVersion)
	}
	// Entries name files; one that could leave DIR is not ours (os.Root
	// would refuse it anyway).
	for _, e := range m.Conversations {
		if (e.Kind != "group" && e.Kind != "chat") || !msgid.Valid(e.ID) || (e.File != "" && e.File != path.Join(e.Kind+"s", e.ID+".jsonl")) {
			return m, fmt.Errorf("entry %q/%q names file %q, which is not where this program saves it", e.Kind, e.ID, e.File)
		}
	}
	return m, nil
}

// writeManifest replaces DIR/manifest.json atomically: a temporary file,
// synced, renamed over it, and the directory synced.
func writeManifest(root *os.Root, m manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(root, manifestName, append(b, '\n'))
}

// writeAtomic writes data to name inside root so that name is either what
// it was or the whole of data, never a part.
func writeAtomic(root *os.Root, name string, data []byte) error {
	tmp := name + ".tmp"
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		_ = root.Remove(tmp)
		return err
	}
	return syncDir(root, path.Dir(name))
}

// syncDir makes a rename in dir durable.
func syncDir(root *os.Root, dir string) error {
	d, err := root.Open(dir)
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }() // opened to sync, never written through
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !strings.Contains(err.Error(), "not supported") {
		return err
	}
	return nil
}

// backupProgress reports a whole backup on stderr: conversations done,
// messages, rate, time left, and how the pace goes.
type backupProgress struct {
	mu        sync.Mutex
	p         *progress
	convs     int
	convTotal int
	pacer     *pacer.Pacer
}

func newBackupProgress(w io.Writer, tty bool, convs, total int, now func() time.Time, p *pacer.Pacer) *backupProgress {
	bp := &backupProgress{convTotal: convs, pacer: p}
	bp.p = newProgress(w, tty, "backup", total, 0, now)
	bp.p.extra = bp.describe
	return bp
}

// describe is the part of the line that the plain progress does not say.
func (bp *backupProgress) describe() string {
	st := bp.pacer.Stats()
	pace := "unpaced"
	if st.Rate > 0 {
		pace = fmt.Sprintf("pace %.1f req/s", st.Rate)
	}
	return fmt.Sprintf("%d/%d conversations, %s, %d refused", bp.convs, bp.convTotal, pace, st.Refused)
}

func (bp *backupProgress) convDone() {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	bp.convs++
}

func (bp *backupProgress) finish() {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	bp.p.finish()
}

// counter is one conversation's view of the progress.
func (bp *backupProgress) counter() counter { return backupCounter{bp} }

type backupCounter struct{ bp *backupProgress }

// begin counts messages earlier runs saved as done (and, like progress,
// leaves them out of the rate).
func (c backupCounter) begin(done int) {
	c.bp.mu.Lock()
	defer c.bp.mu.Unlock()
	c.bp.p.done += done
	c.bp.p.base += done
}

func (c backupCounter) add(n int) {
	c.bp.mu.Lock()
	defer c.bp.mu.Unlock()
	c.bp.p.add(n)
}

func (c backupCounter) finish() {}
