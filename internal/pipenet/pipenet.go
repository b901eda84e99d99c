// Package pipenet is an in-memory network for tests that run in a
// testing/synctest bubble: a listener whose connections are net.Pipe pairs,
// so an HTTP server and its clients talk without sockets, and the waits of
// the code under test pass in fake time.
package pipenet

import (
	"context"
	"net"
	"sync"
)

// Listener is a net.Listener whose connections come from Dial.
type Listener struct {
	conns     chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
}

// New returns a Listener ready for Accept and Dial.
func New() *Listener { return &Listener{conns: make(chan net.Conn), done: make(chan struct{})} }

// Accept waits for a Dial, or for Close.
func (n *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.done:
		return nil, net.ErrClosed
	}
}

// Close makes Accept and Dial fail from now on.
func (n *Listener) Close() error {
	n.closeOnce.Do(func() { close(n.done) })
	return nil
}

// Addr is a loopback address, for servers that print where they listen.
func (n *Listener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

// Dial connects to the listener, whatever the address: it has the
// signature of http.Transport's DialContext.
func (n *Listener) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	a, b := net.Pipe()
	select {
	case n.conns <- b:
		return a, nil
	case <-n.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
