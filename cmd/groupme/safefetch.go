package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// maxRedirects bounds the redirects one download follows.
const maxRedirects = 5

// validID reports whether s can be a GroupMe id and so a part of a file
// name: GroupMe's message, group and user ids are decimal digits. Nothing
// else a server sends is put in a file name.
var validID = regexp.MustCompile(`^[0-9]{1,30}$`).MatchString

// publicOnlyKey marks a download's context: its connections may only go to
// public addresses.
type publicOnlyKey struct{}

// downloadContext returns the context to fetch u with. A download that
// starts at a public host may never reach loopback, private, link-local or
// other special addresses, however it is redirected and whatever its names
// resolve to (the check is made on the address actually dialled, so a name
// that resolves to 127.0.0.1 is refused too). A download that starts at a
// loopback or private address (a fake GroupMe on this machine) may stay
// there.
func downloadContext(ctx context.Context, u *url.URL) context.Context {
	if !publicHost(u.Hostname()) {
		return ctx
	}
	return context.WithValue(ctx, publicOnlyKey{}, true)
}

// publicHost reports whether host (a name or an address) is public: not
// localhost and not a special-purpose address.
func publicHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return false
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		return publicAddr(ip)
	}
	return true
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598).
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsLinkLocalMulticast() && !ip.IsMulticast() && !ip.IsUnspecified() && !cgnat.Contains(ip)
}

var (
	errPrivateAddress = errors.New("refusing to connect from a public address to a loopback, private or special one")
	// errRedirect marks a redirect the download client will not follow;
	// trying again would meet the same redirect.
	errRedirect = errors.New("redirect refused")
)

// newDownloadClient is the HTTP client for files GroupMe's answers point at
// (pictures): it follows at most maxRedirects redirects, only to http and
// https, and enforces downloadContext's rule when it dials. It uses no
// proxy, so the rule is checked against the real destination.
func newDownloadClient(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: 30 * time.Second}
			if ctx.Value(publicOnlyKey{}) != nil {
				d.Control = func(_, address string, _ syscall.RawConn) error {
					ap, err := netip.ParseAddrPort(address)
					if err != nil || !publicAddr(ap.Addr()) {
						return fmt.Errorf("%w (%s)", errPrivateAddress, address)
					}
					return nil
				}
			}
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		MaxIdleConnsPerHost:   4,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("%w: stopped after %d redirects", errRedirect, maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: refusing a redirect to a %q address", errRedirect, req.URL.Scheme)
			}
			if publicHost(via[0].URL.Hostname()) && !publicHost(req.URL.Hostname()) {
				return errPrivateAddress
			}
			return nil
		},
	}
}
