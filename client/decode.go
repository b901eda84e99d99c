package client

import (
	"errors"
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Answers are decoded with the JSON v2 engine (github.com/go-json-experiment/json),
// which reads the same payloads into the same types at about half the CPU
// of encoding/json. The options keep encoding/json's behaviour where
// GroupMe's answers rely on it: names match case-insensitively, a repeated
// name keeps the last value, invalid UTF-8 is replaced rather than
// rejected, and unknown fields are ignored (v2's default). The generated
// union types and ID decode through their UnmarshalJSON methods,
// which v2 calls as v1 does.
var decodeOptions = jsonv2.JoinOptions(
	jsonv2.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// decodeJSON decodes the one JSON value r holds into v. Trailing bytes
// after the value, other than white space, are an error. An empty body is
// io.EOF.
func decodeJSON(r io.Reader, v any) error {
	err := jsonv2.UnmarshalRead(r, v, decodeOptions)
	if err != nil && errors.Is(err, io.ErrUnexpectedEOF) {
		var se *jsontext.SyntacticError
		if errors.As(err, &se) && se.ByteOffset == 0 {
			return io.EOF
		}
	}
	return err
}

// unmarshalJSON is decodeJSON for bytes in memory.
func unmarshalJSON(b []byte, v any) error {
	return jsonv2.Unmarshal(b, v, decodeOptions)
}
