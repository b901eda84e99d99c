package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"testing"
	"time"
)

// BenchmarkBackup runs `groupme backup` against the fake GroupMe with a
// rate limit (a token bucket of rate/s and burst) and reports, besides the
// time per backup:
//
//   - floor-ratio: the wall time over the bucket's floor, (accepted
//     requests - burst) / rate: how close the pacer keeps to the limit;
//   - refused-%: the share of requests the limit refused;
//   - peak-heap-MB: the most the live heap (sampled after a collection,
//     every 100ms) grew over its size before the backup; the fake, which
//     holds every message, runs in this process too and is left out by
//     that baseline. It should not grow with the number of messages.
//
// The fake runs in a process of its own, seeded again for every backup
// outside the timed part.
func BenchmarkBackup(b *testing.B) {
	for _, tc := range []struct {
		messages int
		rate     float64
		burst    int
	}{
		// The issue's own case, and a quarter of it for the memory: at
		// this rate a conversation's chain of pages (each after the one
		// before) is not what limits the pace.
		{5000, 20, 10},
		{20000, 20, 50},
	} {
		b.Run(fmt.Sprintf("messages=%d/rate=%g,burst=%d", tc.messages, tc.rate, tc.burst), func(b *testing.B) {
			var ratio, refused, peak float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := startFakeProcess(b, tc.messages, fmt.Sprintf("%g,burst=%d", tc.rate, tc.burst))
				dir := b.TempDir()
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				stop := sampleHeap()
				b.StartTimer()
				start := time.Now()
				r := s.run(b, "--json", "backup", dir)
				wall := time.Since(start)
				b.StopTimer()
				top := stop()
				if r.code != exitOK {
					b.Fatalf("exit %d\n%s", r.code, r.stderr)
				}
				var res backupResult
				if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
					b.Fatal(err)
				}
				floor := float64(res.Requests-tc.burst) / tc.rate
				ratio += wall.Seconds() / floor
				refused += 100 * float64(res.Refused) / float64(res.Requests+res.Refused)
				if top > base {
					peak += float64(top-base) / (1 << 20)
				}
				b.StartTimer()
			}
			b.ReportMetric(ratio/float64(b.N), "floor-ratio")
			b.ReportMetric(refused/float64(b.N), "refused-%")
			b.ReportMetric(peak/float64(b.N), "peak-heap-MB")
		})
	}
}

const fakeChildEnv = "GROUPME_TEST_FAKE_CHILD"

// fakeChild serves `groupme fake` with the JSON-encoded arguments in args
// until it is killed: a benchmark's fake GroupMe in a process of its own,
// so that the backup's memory and CPU are measured alone.
func fakeChild(args string) int {
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		return 3
	}
	dir, _ := os.MkdirTemp("", "groupme-fake")
	defer func() { _ = os.RemoveAll(dir) }() // a temporary config directory
	return run(context.Background(), argv, env{stdout: os.Stdout, stderr: io.Discard, getenv: func(string) string { return "" }, configDir: dir})
}

// startFakeProcess starts `groupme fake --messages n --rate-limit limit`
// in a child process, stopped when b ends. Its seeded pictures point at
// itself, as they do for any `groupme fake`.
func startFakeProcess(b *testing.B, n int, limit string) *fakeServer {
	b.Helper()
	argv, _ := json.Marshal([]string{"fake", "--messages", fmt.Sprint(n), "--rate-limit", limit})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fakeChildEnv+"="+string(argv))
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadBytes('\n')
	if err != nil {
		b.Fatalf("the fake did not start: %v", err)
	}
	var info fakeInfo
	if err := json.Unmarshal(line, &info); err != nil {
		b.Fatal(err)
	}
	return &fakeServer{root: info.ImageBaseURL, api: info.APIBaseURL, token: info.Users[0].Token}
}

// sampleHeap samples the live heap every 100ms until the returned
// function is called, which returns the largest seen.
func sampleHeap() func() uint64 {
	var (
		mu   sync.Mutex
		top  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			mu.Lock()
			top = max(top, ms.HeapAlloc)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return top
	}
}
