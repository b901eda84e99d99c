package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// conv is a conversation of a test backup.
type conv struct {
	kind, id, name string
	msgs           []map[string]any
}

func msg(id int, user, name string, at time.Time, text string, atts ...map[string]any) map[string]any {
	m := map[string]any{"id": fmt.Sprint(id), "user_id": user, "name": name, "created_at": at.Unix(), "text": text, "favorited_by": []string{}, "system": false, "attachments": atts}
	if atts == nil {
		m["attachments"] = []any{}
	}
	return m
}

// writeBackup writes dir as backup lays it out: manifest.json and one
// JSON Lines file per conversation.
func writeBackup(t testing.TB, dir string, convs ...conv) {
	t.Helper()
	var man struct {
		Conversations []map[string]any `json:"conversations"`
	}
	for _, c := range convs {
		file := filepath.ToSlash(filepath.Join(c.kind+"s", c.id+".jsonl"))
		if err := os.MkdirAll(filepath.Join(dir, c.kind+"s"), 0o755); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, m := range c.msgs {
			line, _ := json.Marshal(m)
			b.Write(line)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, file), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		man.Conversations = append(man.Conversations, map[string]any{"kind": c.kind, "id": c.id, "name": c.name, "file": file, "count": len(c.msgs),
			"members": []map[string]string{{"user_id": "1", "name": "Ann"}}})
	}
	b, _ := json.Marshal(man)
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendLines(t *testing.T, path string, msgs ...map[string]any) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		line, _ := json.Marshal(m)
		if _, err := f.Write(append(line, '\n')); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

var day = time.Date(2019, 7, 4, 12, 0, 0, 0, time.UTC)

func hikers() conv {
	return conv{"group", "100", "Hikers", []map[string]any{
		msg(1001, "1", "Ann", day, "Who is coming to the cabin?"),
		msg(1002, "2", "Bob", day.Add(time.Hour), "Me! The cabin by the lake.", map[string]any{"type": "reply", "reply_id": "1001", "base_reply_id": "1001"}),
		msg(1003, "3", "Zoë", day.Add(2*time.Hour), "Photo of the trail", map[string]any{"type": "image", "url": "https://i.groupme.com/1x1.png.abc"}),
		msg(1004, "1", "Ann", day.AddDate(1, 0, 0), "Cabins are booked for 2020"),
	}}
}

func chat() conv {
	return conv{"chat", "2", "Bob", []map[string]any{
		msg(2001, "2", "Bob", day.Add(30*time.Minute), "café at noon?"),
		msg(2002, "1", "Ann", day.Add(31*time.Minute), "yes, the CAFE by the cabin"),
	}}
}

func openIndex(t *testing.T, dir string) *Index {
	t.Helper()
	ix, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}

func ids(hits []Hit) string {
	var s []string
	for _, h := range hits {
		s = append(s, h.MessageID)
	}
	return strings.Join(s, " ")
}

func TestSearch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeBackup(t, dir, hikers(), chat())
	ix := openIndex(t, dir)
	st, err := ix.Update(t.Context())
	if err != nil || st.Added != 6 || st.Conversations != 2 {
		t.Fatalf("Update = %+v, %v", st, err)
	}
	for _, tc := range []struct {
		name string
		q    Query
		want string
	}{
		{"word, newest first", Query{Match: "cabin"}, "1002 2002 1001"},
		{"prefix", Query{Match: "cabin*"}, "1004 1002 2002 1001"},
		{"phrase", Query{Match: `"the cabin"`}, "1002 2002 1001"},
		{"accents and case", Query{Match: "cafe"}, "2002 2001"},
		{"in by name", Query{Match: "cabin", In: "hikers"}, "1002 1001"},
		{"in by id", Query{Match: "cabin", In: "2"}, "2002"},
		{"by name part", Query{Match: "cabin", By: "bo"}, "1002"},
		{"by id", Query{Match: "cabin*", By: "1"}, "1004 2002 1001"},
		{"from", Query{Match: "cabin*", From: day.AddDate(0, 6, 0)}, "1004"},
		{"to", Query{Match: "cabin", To: day.Add(40 * time.Minute)}, "2002 1001"},
		{"limit", Query{Match: "cabin", Limit: 1}, "1002"},
		{"nothing", Query{Match: "igloo"}, ""},
		{"or", Query{Match: "trail OR igloo"}, "1003"},
	} {
		hits, err := ix.Search(t.Context(), tc.q)
		if err != nil || ids(hits) != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, ids(hits), err, tc.want)
		}
	}
	hits, _ := ix.Search(t.Context(), Query{Match: "lake"})
	if len(hits) != 1 || hits[0].Snippet != "Me! The cabin by the [lake]." || hits[0].ConversationName != "Hikers" || hits[0].SenderName != "Bob" || hits[0].CreatedAt != day.Add(time.Hour).Unix() {
		t.Errorf("hit %+v", hits)
	}
	for _, bad := range []string{`"open`, "AND", "(", "  "} {
		if _, err := ix.Search(t.Context(), Query{Match: bad}); !errors.Is(err, ErrQuery) {
			t.Errorf("query %q: %v, want ErrQuery", bad, err)
		}
	}
}

func TestMessagesAndConversations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeBackup(t, dir, hikers(), chat())
	ix := openIndex(t, dir)
	if _, err := ix.Update(t.Context()); err != nil {
		t.Fatal(err)
	}
	cs, err := ix.Conversations(t.Context())
	if err != nil || len(cs) != 2 || cs[0].Name != "Hikers" || cs[0].Messages != 4 || cs[1].Messages != 2 {
		t.Fatalf("Conversations = %+v, %v", cs, err)
	}
	page, err := ix.Messages(t.Context(), "group", "100", "", "", 2)
	if err != nil || len(page) != 2 || page[0].ID != "1003" || page[1].ID != "1004" {
		t.Fatalf("newest page = %+v, %v", page, err)
	}
	if len(page[0].Images) != 1 || page[0].Images[0] != ImageName("https://i.groupme.com/1x1.png.abc") || page[0].Kinds[0] != "image" {
		t.Errorf("image of 1003: %+v", page[0])
	}
	older, err := ix.Messages(t.Context(), "group", "100", "1003", "", 10)
	if err != nil || len(older) != 2 || older[0].ID != "1001" || older[1].ID != "1002" {
		t.Fatalf("older page = %+v, %v", older, err)
	}
	if older[1].Reply == nil || older[1].Reply.ID != "1001" || older[1].Reply.Text != "Who is coming to the cabin?" {
		t.Errorf("the reply of 1002 is %+v", older[1].Reply)
	}
	around, err := ix.Messages(t.Context(), "group", "100", "", "1002", 3)
	if err != nil || len(around) != 3 || around[0].ID != "1001" || around[2].ID != "1003" {
		t.Errorf("around 1002 = %+v, %v", around, err)
	}
}

// TestIncremental: an update reads only what was appended; an unfinished
// last line waits for the next update; a file written anew is indexed
// again from its start.
func TestIncremental(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeBackup(t, dir, hikers())
	ix := openIndex(t, dir)
	if st, err := ix.Update(t.Context()); err != nil || st.Added != 4 {
		t.Fatalf("first update %+v, %v", st, err)
	}
	if st, err := ix.Update(t.Context()); err != nil || st.Added != 0 || st.Reindexed != 0 {
		t.Fatalf("second update %+v, %v", st, err)
	}
	path := filepath.Join(dir, "groups", "100.jsonl")
	appendLines(t, path, msg(1005, "2", "Bob", day.AddDate(2, 0, 0), "igloo this time"))
	// Half a line, as a running backup may leave for a moment.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`{"id":"1006","text":"second igl`)
	_ = f.Close()
	if st, err := ix.Update(t.Context()); err != nil || st.Added != 1 || st.Reindexed != 0 {
		t.Fatalf("update after appending %+v, %v", st, err)
	}
	if hits, _ := ix.Search(t.Context(), Query{Match: "igloo"}); ids(hits) != "1005" {
		t.Errorf("igloo: %q", ids(hits))
	}
	// The file written anew (a different history): everything again.
	writeBackup(t, dir, conv{"group", "100", "Hikers", []map[string]any{msg(900, "1", "Ann", day, "tent")}})
	if st, err := ix.Update(t.Context()); err != nil || st.Reindexed != 1 || st.Added != 1 {
		t.Fatalf("update after rewriting %+v, %v", st, err)
	}
	if hits, _ := ix.Search(t.Context(), Query{Match: "cabin* OR igloo OR tent"}); ids(hits) != "900" {
		t.Errorf("after rewriting: %q", ids(hits))
	}
}

// TestDamagedIndex: an index file that is not a database is moved aside
// and rebuilt from the files.
func TestDamagedIndex(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeBackup(t, dir, hikers())
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(strings.Repeat("not a database ", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, dir)
	if st, err := ix.Update(t.Context()); err != nil || st.Added != 4 {
		t.Fatalf("update %+v, %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+".damaged")); err != nil {
		t.Errorf("the damaged file was not kept: %v", err)
	}
}

// TestManifestCannotPointOutside: a manifest whose file names leave the
// backup directory is refused.
func TestManifestCannotPointOutside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, file := range []string{"../x.jsonl", "/etc/passwd", "groups/../../x"} {
		man := fmt.Sprintf(`{"conversations":[{"kind":"group","id":"1","name":"x","file":%q}]}`, file)
		if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(man), 0o644); err != nil {
			t.Fatal(err)
		}
		ix := openIndex(t, dir)
		if _, err := ix.Update(t.Context()); err == nil || !strings.Contains(err.Error(), "not inside the backup") {
			t.Errorf("file %q: %v", file, err)
		}
	}
}
