package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/groupme-go/groupme/cmd/groupme/internal/msgid"
	"io"
	"os"
)

// maxExportLine is the longest line an export file may hold. GroupMe caps a
// message's text at 1,000 characters; even with attachments, events and
// long URLs a message is a few kilobytes, so a longer line is not one of
// ours. It bounds the memory --resume needs, whatever the file holds.
const maxExportLine = 4 << 20

// exportFile is what an export writes to: the file openExport opened, or,
// in tests, a stand-in whose Sync or Close fails (env.exportFile).
type exportFile interface {
	io.Writer
	Sync() error
	Close() error
}

// exportState is what an existing export file says about where to go on.
type exportState struct {
	lastID string // id of the last complete message line, "" when none
	count  int    // complete message lines kept
}

// exportFileError is an existing file that --resume refuses to extend.
type exportFileError struct {
	path string
	err  error
}

func (e *exportFileError) Error() string {
	return fmt.Sprintf("refusing to resume %s: %v; the file was left as it is", e.path, e.err)
}

func (e *exportFileError) Unwrap() error { return e.err }

// openExport opens the file open gives (path names it in errors) for
// writing an export of conv, whose newest message (as of now) is
// conv.newest ("" for a conversation with no messages).
//
// Without resume the file is created or emptied (open(false)). With resume
// (open(true): read-write, created when missing) the file is read once,
// line by line with bounded memory, and refused (left untouched) unless
// every complete line is a message of conv, the ids strictly increase,
// and the last one is not past the newest message. A partial last line
// (left when the program was stopped in the middle of a write) is then cut
// off, and the returned state names the last message kept, so the export
// continues right after it.
func openExport(path string, open func(resume bool) (*os.File, error), resume bool, conv conversation) (*os.File, exportState, error) {
	if !resume {
		f, err := open(false)
		return f, exportState{}, err // *PathError already names the file
	}
	f, err := open(true)
	if err != nil {
		return nil, exportState{}, err
	}
	st, keep, err := scanExport(f, conv)
	if err == nil && st.count > 0 {
		switch {
		case conv.newest == "":
			err = fmt.Errorf("it holds %d messages but %s has none", st.count, conv)
		case msgid.Compare(st.lastID, conv.newest) > 0:
			err = fmt.Errorf("its last message %s is newer than %s's newest message %s, so it is not an export of it as it is now", st.lastID, conv, conv.newest)
		}
	}
	if err != nil {
		_ = f.Close() // only read so far; err is what matters
		return nil, exportState{}, &exportFileError{path: path, err: err}
	}
	if err = f.Truncate(keep); err == nil {
		_, err = f.Seek(keep, io.SeekStart)
	}
	if err != nil {
		_ = f.Close() // err (truncate or seek) is what matters
		return nil, exportState{}, err
	}
	return f, st, nil
}

// scanExport reads an export of conv from the start and returns its
// state and the length of its complete lines. Every complete line must be
// a JSON object with a numeric id, larger than the line before's, that
// belongs to conv (its group_id, or its conversation_id). A last line without its newline is not counted (it is
// what an interrupted write leaves). No line longer than maxExportLine is
// ever held in memory.
func scanExport(r io.Reader, conv conversation) (exportState, int64, error) {
	var (
		st   exportState
		keep int64
		line []byte
	)
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line = line[:0]
		complete := false
		for {
			chunk, err := br.ReadSlice('\n')
			if len(line)+len(chunk) > maxExportLine {
				return st, keep, fmt.Errorf("line %d is longer than %d MiB, so it is not an exported message", st.count+1, maxExportLine>>20)
			}
			line = append(line, chunk...)
			if err == nil {
				complete = true
				break
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				break
			}
			return st, keep, err
		}
		if !complete {
			return st, keep, nil // line, if any, is a partial line: dropped
		}
		id, err := checkExportLine(line, conv, st.lastID)
		if err != nil {
			return st, keep, fmt.Errorf("line %d %w", st.count+1, err)
		}
		keep += int64(len(line))
		st.count++
		st.lastID = id
	}
}

// checkExportLine checks one line of an export (with its newline) and
// returns its id. prev is the id of the line before ("" for the first).
// The error reads after "line N".
func checkExportLine(line []byte, conv conversation, prev string) (string, error) {
	var m struct {
		ID             json.RawMessage `json:"id"`
		GroupID        json.RawMessage `json:"group_id"`
		ConversationID json.RawMessage `json:"conversation_id"`
	}
	body := bytes.TrimRight(line, "\r\n")
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &m) != nil {
		return "", errors.New("is not an exported message")
	}
	id := jsonID(m.ID)
	switch {
	case id == "":
		return "", errors.New("is a message without an id")
	case !msgid.Valid(id):
		return "", fmt.Errorf("has id %q, which is not a GroupMe message id", id)
	}
	if err := conv.owns(jsonID(m.GroupID), jsonString(m.ConversationID)); err != nil {
		return "", fmt.Errorf("is message %s %w, not of %s", id, err, conv)
	}
	if prev != "" && msgid.Compare(id, prev) <= 0 {
		return "", fmt.Errorf("is message %s, which should come after message %s: the file is not in order", id, prev)
	}
	return id, nil
}

// jsonID gives the text of an id sent as a JSON string or integer, and ""
// for anything else.
func jsonID(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	}
	if msgid.Valid(string(raw)) {
		return string(raw)
	}
	return ""
}

// jsonString gives the text of a JSON string, and "" for anything else.
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}
