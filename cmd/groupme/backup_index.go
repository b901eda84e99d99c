package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/groupme-go/groupme/cmd/groupme/internal/index"
)

// backupIndexer keeps DIR/index.sqlite up to date while a backup runs, in
// a goroutine of its own, so that the backup does not wait for it: each
// page a conversation's export writes is handed to it (add), and it indexes
// what the files gained since, conversation by conversation, while the next
// pages are fetched; finish indexes what is left and everything the
// manifest lists. The index is derived from the files and never a reason to
// fail or to fetch: its errors are warnings, and 'groupme index DIR'
// rebuilds it.
type backupIndexer struct {
	a    *app
	ctx  context.Context
	dir  string
	wake chan struct{}
	done chan struct{}

	mu      sync.Mutex
	pending map[string]index.ManifestConversation
	warned  bool
}

// startIndexer starts the indexer of the backup in dir.
func (a *app) startIndexer(ctx context.Context, dir string) *backupIndexer {
	b := &backupIndexer{a: a, ctx: context.WithoutCancel(ctx), dir: dir, wake: make(chan struct{}, 1), done: make(chan struct{}),
		pending: map[string]index.ManifestConversation{}}
	go b.run()
	return b
}

// add asks for conversation e to be indexed up to its file; requests that
// arrive while one runs are folded into the next. A nil indexer
// (--index=false) does nothing.
func (b *backupIndexer) add(e manifestEntry) {
	if b == nil || e.File == "" {
		return
	}
	c := index.ManifestConversation{Kind: e.Kind, ID: e.ID, Name: e.Name, File: e.File, Count: e.Count, LastID: e.LastID}
	for _, m := range e.Members {
		c.Members = append(c.Members, index.ManifestMember{UserID: m.UserID, Name: m.Name})
	}
	b.mu.Lock()
	b.pending[e.Kind+"/"+e.ID] = c
	b.mu.Unlock()
	b.poke()
}

func (b *backupIndexer) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// finish indexes what is left, then everything the manifest lists, and
// waits for it.
func (b *backupIndexer) finish() {
	if b == nil {
		return
	}
	close(b.wake)
	<-b.done
}

func (b *backupIndexer) run() {
	defer close(b.done)
	ix, err := index.Open(b.ctx, b.dir)
	if err != nil {
		b.warn(err)
		// Drained, so that finish returns.
		for range b.wake {
		}
		return
	}
	defer func() { _ = ix.Close() }()
	for range b.wake {
		b.indexPending(ix)
	}
	b.indexPending(ix)
	if _, err := ix.Update(b.ctx); err != nil {
		b.warn(err)
	}
}

// indexPending indexes the conversations added since the last call.
func (b *backupIndexer) indexPending(ix *index.Index) {
	b.mu.Lock()
	todo := b.pending
	b.pending = map[string]index.ManifestConversation{}
	b.mu.Unlock()
	for _, c := range todo {
		if _, err := ix.UpdateConversation(b.ctx, c); err != nil {
			b.warn(err)
		}
	}
}

func (b *backupIndexer) warn(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.warned {
		return
	}
	b.warned = true
	fmt.Fprintf(b.a.stderr, "\ngroupme: warning: the search index %s/%s could not be updated (%v); the backup itself is not affected; rebuild it with: groupme index %s\n", b.dir, index.FileName, err, b.dir)
}
