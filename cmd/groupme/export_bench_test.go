package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// staticGroup serves group 9 with n messages from memory, as fast as a
// server can: the measure of the export's own cost. Messages carry raw &,
// < and >, unicode escapes, spaces between tokens and fields no spec
// knows, which the export must copy byte for byte.
type staticGroup struct {
	n     int
	token string
}

const staticFirstID = 170000000000000001

func (g *staticGroup) message(i int) string {
	id := staticFirstID + i
	return `{"id":"` + strconv.Itoa(id) + `","source_guid":"g` + strconv.Itoa(i) + `","created_at":` + strconv.Itoa(1700000000+i) +
		`,"user_id":"7","group_id":"9","name":"Ana & Bo <3","avatar_url":null,` +
		`"text":"fish & chips <b>bold</b> caf\u00e9 \u2028 \ud83d\ude00 ` + strconv.Itoa(i) + `","system":false,"favorited_by":[],` +
		`"attachments":[{"type":"hologram","beam":3}],"brand_new_field":{"x":[1, 2]}}`
}

func (g *staticGroup) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Access-Token") != g.token {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch r.URL.Path {
	case "/v3/groups/9":
		fmt.Fprintf(w, `{"response":{"id":"9","group_id":"9","name":"static","type":"private","members":[],"messages":{"count":%d,"last_message_id":"%d"}},"meta":{"code":200}}`,
			g.n, staticFirstID+g.n-1)
	case "/v3/groups/9/messages":
		after, err := strconv.Atoi(r.URL.Query().Get("after_id"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil || limit < 1 || limit > 100 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		start := max(0, after-staticFirstID+1)
		if start >= g.n {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var b strings.Builder
		b.WriteString(`{"response":{"count":` + strconv.Itoa(g.n) + `,"messages":[`)
		for i := start; i < min(g.n, start+limit); i++ {
			if i > start {
				b.WriteByte(',')
			}
			b.WriteString(g.message(i))
		}
		b.WriteString(`]},"meta":{"code":200}}`)
		_, _ = io.WriteString(w, b.String())
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func newStaticServer(tb testing.TB, n int) (*staticGroup, *httptest.Server) {
	g := &staticGroup{n: n, token: staticToken}
	srv := httptest.NewServer(g)
	tb.Cleanup(srv.Close)
	return g, srv
}

// runExport runs `groupme export 9` against the server at base into out.
func runExport(tb testing.TB, base, token, out string, extra ...string) result {
	var stdout, stderr strings.Builder
	e := env{stdout: &stdout, stderr: &stderr, getenv: func(k string) string {
		if k == "GROUPME_TOKEN" {
			return token
		}
		return ""
	}, configDir: tb.TempDir()}
	code := run(context.Background(), append([]string{"--base-url", base + "/v3", "export", "9", "--out", out}, extra...), e)
	return result{stdout.String(), stderr.String(), code}
}

// TestExportIsByteExact: the file is the messages exactly as sent, one per
// line, however they are spelled.
func TestExportIsByteExact(t *testing.T) {
	t.Parallel()
	g, srv := newStaticServer(t, 250)
	out := filepath.Join(t.TempDir(), "export.jsonl")
	if r := runExport(t, srv.URL, g.token, out); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var want strings.Builder
	for i := range g.n {
		want.WriteString(g.message(i) + "\n")
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		line := strings.Split(string(got), "\n")[0]
		t.Fatalf("the file differs from what was sent; first line:\n%s\nwant\n%s", line, g.message(0))
	}
	for _, s := range []string{`fish & chips <b>bold</b>`, `\u00e9 \u2028 \ud83d\ude00`, `"x":[1, 2]`} {
		if !strings.Contains(string(got), s) {
			t.Errorf("the file lacks %s as sent", s)
		}
	}
}

// TestRawPagerWritesTheExport: the floor writes the same file as the
// export, so the benchmarks compare equal work.
func TestRawPagerWritesTheExport(t *testing.T) {
	t.Parallel()
	g, srv := newStaticServer(t, 250)
	var got, want strings.Builder
	n, err := rawPager(srv.URL+"/v3", g.token, "9", &got)
	if err != nil || n != g.n {
		t.Fatalf("%d messages, %v", n, err)
	}
	for i := range g.n {
		want.WriteString(g.message(i) + "\n")
	}
	if got.String() != want.String() {
		t.Errorf("the raw pager's file differs from the messages sent")
	}
}

// rawPager is the floor the export is measured against: the least a
// hand-written program must do to page a group oldest first with after_id,
// 100 messages a page, and write each message's bytes on a line. Each page
// is read into one reused buffer and split into its message objects by a
// byte scanner (brackets counted outside strings), with no JSON library;
// the next after_id is the last message's "id". It checks nothing.
func rawPager(base, token, group string, w io.Writer) (int, error) {
	hc := &http.Client{}
	bw := bufio.NewWriterSize(w, 256<<10)
	var body bytes.Buffer
	var msgs [][]byte
	after, total := "0", 0
	for {
		req, err := http.NewRequest(http.MethodGet, base+"/groups/"+group+"/messages?after_id="+after+"&limit=100&acceptFiles=1", nil)
		if err != nil {
			return total, err
		}
		req.Header.Set("X-Access-Token", token)
		resp, err := hc.Do(req)
		if err != nil {
			return total, err
		}
		body.Reset()
		if resp.StatusCode == http.StatusOK {
			_, err = body.ReadFrom(resp.Body)
		}
		resp.Body.Close()
		if err != nil {
			return total, err
		}
		msgs = splitMessages(body.Bytes(), msgs[:0])
		if len(msgs) == 0 {
			return total, bw.Flush()
		}
		for _, m := range msgs {
			_, _ = bw.Write(m) // bufio's errors stick: Flush reports them
			_ = bw.WriteByte('\n')
		}
		if err := bw.Flush(); err != nil {
			return total, err
		}
		total += len(msgs)
		last := msgs[len(msgs)-1]
		i := bytes.Index(last, []byte(`"id":"`))
		if i < 0 {
			return total, fmt.Errorf("no id in %s", last)
		}
		id := last[i+len(`"id":"`):]
		after = string(id[:bytes.IndexByte(id, '"')])
	}
}

// splitMessages appends to out the objects of the page's "messages" array.
func splitMessages(page []byte, out [][]byte) [][]byte {
	const key = `"messages":[`
	i := bytes.Index(page, []byte(key))
	if i < 0 {
		return out
	}
	depth, start, inString := 0, 0, false
	for j := i + len(key); j < len(page); j++ {
		c := page[j]
		if inString {
			switch c {
			case '\\':
				j++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth == 0 {
				start = j
			}
			depth++
		case '}', ']':
			if depth == 0 {
				return out // the array's end
			}
			depth--
			if depth == 0 {
				out = append(out, page[start:j+1])
			}
		}
	}
	return out
}

// BenchmarkExport runs `groupme export` against a server serving from
// memory, and BenchmarkExportRaw the floor (rawPager) against the same
// server: their ratios (make bench prints them) are the export's price for
// its client, its JSON reader and its checks. The server runs in a process of its own, so
// cpu-ns/op, the CPU time of the benchmark's process, is the client's
// alone.
func BenchmarkExport(b *testing.B) {
	benchExport(b, func(b *testing.B, base, out string, n int) {
		if r := runExport(b, base, staticToken, out); r.code != exitOK {
			b.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
}

func BenchmarkExportRaw(b *testing.B) {
	benchExport(b, func(b *testing.B, base, out string, n int) {
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		got, err := rawPager(base+"/v3", staticToken, "9", f)
		f.Close()
		if err != nil || got != n {
			b.Fatalf("raw pager: %d messages, %v", got, err)
		}
	})
}

func benchExport(b *testing.B, run func(b *testing.B, base, out string, n int)) {
	for _, n := range []int{10_000, 100_000} {
		base := startStaticProcess(b, n)
		out := filepath.Join(b.TempDir(), "export.jsonl")
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				run(b, base, out, n)
			}
			if used := processCPU() - cpu; used > 0 {
				b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

const (
	staticToken = "static-token"
	// staticServerEnv, set to a message count, makes the test binary
	// serve a static group on loopback and nothing else (see TestMain).
	staticServerEnv = "GROUPME_BENCH_STATIC_SERVER"
)

// serveStatic serves n messages, prints the server's URL on a line and
// serves until its standard input ends.
func serveStatic(n int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go http.Serve(ln, &staticGroup{n: n, token: staticToken}) //nolint:errcheck // ends with the process
	fmt.Println("http://" + ln.Addr().String())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// startStaticProcess runs this test binary as a static server of n
// messages and returns its URL; the process ends with the benchmark.
func startStaticProcess(b *testing.B, n int) string {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), staticServerEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		b.Fatalf("the static server process said %q: %v", line, err)
	}
	return strings.TrimSpace(line)
}
