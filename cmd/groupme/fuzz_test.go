package main

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzScanExport feeds arbitrary files to the resume scanner. Whatever the
// bytes: no panic; what it keeps is whole lines; with no error, the kept
// part scans again to the same state, every kept line is a message of the
// group with increasing ids, and what is dropped is one partial line.
func FuzzScanExport(f *testing.F) {
	for _, s := range []string{
		"",
		`{"id":"1","group_id":"7"}` + "\n",
		`{"id":"1","group_id":"7"}` + "\n" + `{"id":"2","group_id":"7","text":"a\nb"}` + "\n",
		`{"id":"1","group_id":"7"}` + "\n" + `{"id":"17000`,
		`{"id":2,"group_id":7}` + "\n" + `{"id":"10","group_id":"7"}` + "\r\n",
		`{"id":"2","group_id":"7"}` + "\n" + `{"id":"1","group_id":"7"}` + "\n",
		`{"id":"1","group_id":"8"}` + "\n",
		`{"id":null,"group_id":"7"}` + "\n",
		"shopping list\n",
		"\n\n",
		"\x00\x00\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, keep, err := scanExport(bytes.NewReader(data), conversation{kind: "group", id: "7"})
		if keep < 0 || keep > int64(len(data)) {
			t.Fatalf("keep %d of %d bytes", keep, len(data))
		}
		kept := data[:keep]
		if keep > 0 && kept[keep-1] != '\n' {
			t.Fatalf("kept part %q does not end a line", kept)
		}
		if n := bytes.Count(kept, []byte("\n")); n != st.count {
			t.Fatalf("count %d, but %d lines kept", st.count, n)
		}
		if err != nil {
			return
		}
		if rest := data[keep:]; bytes.Contains(rest, []byte("\n")) {
			t.Fatalf("no error, but more than a partial line dropped: %q", rest)
		}
		again, keep2, err := scanExport(bytes.NewReader(kept), conversation{kind: "group", id: "7"})
		if err != nil || again != st || keep2 != keep {
			t.Fatalf("rescanning the kept part: %+v %d %v, want %+v %d", again, keep2, err, st, keep)
		}
		prev := ""
		for _, line := range strings.SplitAfter(string(kept), "\n") {
			if line == "" {
				continue
			}
			id, err := checkExportLine([]byte(line), conversation{kind: "group", id: "7"}, prev)
			if err != nil {
				t.Fatalf("kept line %q: %v", line, err)
			}
			prev = id
		}
		if prev != st.lastID {
			t.Fatalf("last id %q, state says %q", prev, st.lastID)
		}
	})
}
