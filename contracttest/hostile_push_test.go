package contracttest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestServeHostilePush serves a HostilePush on a loopback port for trying
// a client by hand, when GROUPME_HOSTILE_PUSH is set to an attack (for
// example close-after-subscribe; "attack@127.0.0.1:8099" picks the
// address). It prints a JSON line with the base URL and a token, then every
// 10 seconds what the clients did, until the test binary is stopped:
//
//	go test -c -o /tmp/hostile ./contracttest
//	GROUPME_HOSTILE_PUSH=close-after-subscribe /tmp/hostile -test.run TestServeHostilePush -test.timeout 0
//	groupme --base-url URL --token TOKEN watch
func TestServeHostilePush(t *testing.T) {
	spec := os.Getenv("GROUPME_HOSTILE_PUSH")
	if spec == "" {
		t.Skip("set GROUPME_HOSTILE_PUSH=ATTACK[@ADDR] to serve a hostile push service by hand")
	}
	attack, addr, _ := strings.Cut(spec, "@")
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	known := false
	for _, a := range PushAttacks {
		known = known || string(a) == attack
	}
	if !known {
		t.Fatalf("unknown attack %q; one of %v", attack, PushAttacks)
	}
	f := NewFake(WithDataset(SeedConfig{Seed: 1, Users: 2, Groups: 1, Messages: 5, GroupMessages: 1, DirectMessages: 1}))
	h := &HostilePush{Fake: f, Attack: PushAttack(attack), ReplayGroup: f.Dataset().Groups[0]}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	line, _ := json.Marshal(map[string]string{"base_url": "http://" + ln.Addr().String() + "/v3", "token": f.Dataset().Users[0].Token, "attack": attack})
	fmt.Println(string(line))
	start := time.Now()
	for range time.Tick(10 * time.Second) {
		s := time.Since(start).Seconds()
		fmt.Fprintf(os.Stderr, "%.0fs: %d handshakes (%.2f/s), %d subscribes, %d connects (%.2f/s), %d bytes sent\n",
			s, h.Handshakes(), float64(h.Handshakes())/s, h.Subscribes(), h.Connects(), float64(h.Connects())/s, h.Written())
	}
}
