package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// exportState is what an existing export file says about where to go on.
type exportState struct {
	lastID string // id of the last complete message line, "" when none
	count  int    // complete message lines kept
}

// openExport opens path for writing an export. Without resume the file is
// created or emptied. With resume every complete line is kept, a partial last
// line (left when the program was stopped in the middle of a write) is cut
// off, and the returned state names the last message written, so the export
// continues right after it. The file is read line by line, so memory stays
// flat however long the history.
func openExport(path string, resume bool) (*os.File, exportState, error) {
	if !resume {
		f, err := os.Create(path)
		return f, exportState{}, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, exportState{}, err
	}
	st, keep, err := scanExport(f)
	if err == nil {
		err = f.Truncate(keep)
	}
	if err == nil {
		_, err = f.Seek(keep, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, exportState{}, fmt.Errorf("resume %s: %w", path, err)
	}
	return f, st, nil
}

// scanExport reads an export from the start and returns its state and the
// length of its complete lines.
func scanExport(r io.Reader) (exportState, int64, error) {
	var (
		st   exportState
		keep int64
		line struct {
			ID string `json:"id"`
		}
	)
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		b, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return st, keep, nil // b, if any, is a partial line: dropped
		}
		if err != nil {
			return st, keep, err
		}
		line.ID = ""
		if jerr := json.Unmarshal(b, &line); jerr != nil || line.ID == "" {
			// A complete line that is not a message means the file is not
			// an export of ours; refuse rather than guess.
			return st, keep, fmt.Errorf("line %d is not an exported message", st.count+1)
		}
		keep += int64(len(b))
		st.count++
		st.lastID = line.ID
	}
}
