package index

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchMessages is the size of the archive BenchmarkSearch searches.
const (
	benchMessages      = 1_000_000
	benchConversations = 20
)

// words is the vocabulary of the generated messages: a few common words,
// many rarer ones (picked with a skewed distribution, as words are), and
// "cabin", in about one message in two thousand.
var words = func() []string {
	w := strings.Fields("the a to and of you I it is in that for on we me at be this are so have just what not with can do lol no yes was")
	for i := range 3000 {
		w = append(w, fmt.Sprintf("w%x", i*7919%65521))
	}
	return w
}()

// benchArchive writes (once per machine: it is kept in the temporary
// directory between runs) a backup of benchMessages messages and its index,
// and returns its directory.
func benchArchive(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("groupme-bench-index-v%d-%d", schemaVersion, benchMessages))
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir
	}
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Join(dir, "groups"), 0o755); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(len(words)-1))
	start := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	var man struct {
		Conversations []map[string]any `json:"conversations"`
	}
	per := benchMessages / benchConversations
	for c := range benchConversations {
		file := fmt.Sprintf("groups/%d.jsonl", 1000+c)
		f, err := os.Create(filepath.Join(dir, file))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		for i := range per {
			n := 3 + rng.IntN(15)
			text := make([]string, n)
			for j := range text {
				text[j] = words[zipf.Uint64()]
			}
			if rng.IntN(2000) == 0 {
				text[rng.IntN(n)] = "cabin"
			}
			m := map[string]any{"id": fmt.Sprint(100000000 + i*benchConversations + c), "user_id": fmt.Sprint(rng.IntN(50)), "name": fmt.Sprintf("Member %d", rng.IntN(50)),
				"created_at": start + int64(i)*300 + int64(c), "text": strings.Join(text, " "), "favorited_by": []string{}, "attachments": []any{}}
			line, _ := json.Marshal(m)
			_, _ = w.Write(append(line, '\n'))
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		man.Conversations = append(man.Conversations, map[string]any{"kind": "group", "id": fmt.Sprint(1000 + c), "name": fmt.Sprintf("Group %d", c), "file": file, "count": per})
	}
	mb, _ := json.Marshal(man)
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), mb, 0o644); err != nil {
		b.Fatal(err)
	}
	ix, err := Open(b.Context(), dir)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	st, err := ix.Update(b.Context())
	if err != nil || st.Added != benchMessages {
		b.Fatalf("indexing: %+v, %v", st, err)
	}
	b.Logf("indexed %d messages in %s", st.Added, time.Since(t0))
	if err := ix.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkSearch searches an archive of a million messages (20
// conversations, built once and kept in the temporary directory) for the
// 20 newest matches: a rare word (about 500 messages), a common one (about
// 10% of them), a phrase, and a rare word within one conversation. The
// goal is under 100 ms each (ns/op below 1e8).
func BenchmarkSearch(b *testing.B) {
	dir := benchArchive(b)
	ix, err := Open(b.Context(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = ix.Close() }()
	for _, q := range []struct {
		name string
		q    Query
	}{
		{"rare", Query{Match: "cabin"}},
		{"common", Query{Match: "lol"}},
		{"phrase", Query{Match: `"just what"`}},
		{"rare-in-one", Query{Match: "cabin", In: "Group 7"}},
		{"prefix", Query{Match: "cab*"}},
	} {
		b.Run(q.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				hits, err := ix.Search(b.Context(), q.q)
				if err != nil || len(hits) == 0 {
					b.Fatalf("%v, %d hits", err, len(hits))
				}
				n = len(hits)
			}
			b.ReportMetric(float64(n), "hits")
		})
	}
}
