package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/groupme-go/groupme/cmd/groupme/internal/index"
)

// backupIndexer keeps DIR/index.sqlite up to date while a backup runs: each
// time a conversation is saved (and the manifest written), it is poked, and
// it indexes what the files gained since, in its own goroutine, while the
// backup goes on fetching. The index is derived from the files and never a
// reason to fail or to fetch: its errors are warnings, and 'groupme index
// DIR' rebuilds it.
type backupIndexer struct {
	a    *app
	ctx  context.Context
	dir  string
	wake chan struct{}
	done chan struct{}

	mu     sync.Mutex
	warned bool
	added  int
}

// startIndexer starts the indexer of the backup in dir.
func (a *app) startIndexer(ctx context.Context, dir string) *backupIndexer {
	b := &backupIndexer{a: a, ctx: context.WithoutCancel(ctx), dir: dir, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go b.run()
	return b
}

// poke asks for an update; pokes that arrive during one are folded into
// the next. A nil indexer (--index=false) does nothing.
func (b *backupIndexer) poke() {
	if b == nil {
		return
	}
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// finish runs a last update over everything saved and waits for it.
func (b *backupIndexer) finish() {
	if b == nil {
		return
	}
	b.poke()
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
		st, err := ix.Update(b.ctx)
		b.mu.Lock()
		b.added += st.Added
		b.mu.Unlock()
		if err != nil {
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
