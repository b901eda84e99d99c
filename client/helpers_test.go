package client

import (
	"bytes"
	"sync"
)

// Helpers shared by this package's tests and the client_test ones (an
// exported name in a _test.go file of package client is visible to both).

// LockedBuffer is a bytes.Buffer that loggers in several goroutines can
// share.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
