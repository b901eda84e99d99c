package client

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/groupme-go/groupme/gen"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Answers decode to what the JSON v2 engine (github.com/go-json-experiment/json)
// gives with these options, which keep encoding/json's behaviour where
// GroupMe's answers rely on it: names match case-insensitively, a repeated
// name keeps the last value, invalid UTF-8 is replaced rather than
// rejected, and unknown fields are ignored (v2's default). The generated
// union types and ID decode through their UnmarshalJSON methods, which v2
// calls as v1 does.
//
// One more option follows the spec rather than encoding/json: an integer
// field reads any JSON number that is a whole number, however it is
// written (1.468360739e+09 in a 2016 calendar event, 12.0), since the
// spec's integers accept those; a fraction or a value that does not fit
// is still an error (gen.ParseWhole).
var decodeOptions = jsonv2.JoinOptions(
	jsonv2.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsonv2.WithUnmarshalers(jsonv2.JoinUnmarshalers(
		jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *int64) error { return readWhole(dec, v, 64) }),
		jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *int) error { return readWhole(dec, v, strconv.IntSize) }),
		jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *int32) error { return readWhole(dec, v, 32) }),
	)),
)

// readWhole reads a JSON number into *v with gen.ParseWhole; anything
// else (null, a string, ...) is left to the engine's own rules.
func readWhole[T int | int32 | int64](dec *jsontext.Decoder, v *T, bits int) error {
	if dec.PeekKind() != '0' {
		return errors.ErrUnsupported
	}
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	n, err := gen.ParseWhole(string(val), bits)
	if err != nil {
		return fmt.Errorf("cannot read JSON number %s as a %d-bit integer: %w", val, bits, err)
	}
	*v = T(n)
	return nil
}

// decodeJSON reads r to its end and decodes the one JSON value it holds
// into v (see decodeBytes). Trailing bytes after the value, other than
// white space, are an error. An empty body is io.EOF. An error reading r
// is returned as it is.
func decodeJSON(r io.Reader, v any) error {
	if bb, ok := r.(*bufferedBody); ok {
		// Read whole already (doWhole): decoded in place.
		b, err := bb.whole()
		if err != nil {
			return err
		}
		return decodeBytes(b, v)
	}
	bp := bodyPool.Get().(*[]byte)
	defer putBody(bp)
	b, err := readAll((*bp)[:0], r)
	*bp = b
	if err != nil {
		return err
	}
	return decodeBytes(b, v)
}

// decodeBytes decodes the one JSON value in b into v, a non-nil pointer,
// with the result and errors decodeJSON documents.
func decodeBytes(b []byte, v any) error {
	err := jsonv2.Unmarshal(b, v, decodeOptions)
	if err != nil && errors.Is(err, io.ErrUnexpectedEOF) {
		var se *jsontext.SyntacticError
		if errors.As(err, &se) && se.ByteOffset == 0 {
			return io.EOF
		}
	}
	return err
}

// Bodies are read into pooled buffers: every string decoded from one is a
// copy, and the UnmarshalJSON methods decoding calls keep copies too.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooledBody = 1 << 20

// putBody gives a buffer back to the pool, unless it grew too large to keep.
func putBody(bp *[]byte) {
	if cap(*bp) <= maxPooledBody {
		bodyPool.Put(bp)
	}
}

// readAll appends what r holds to b.
func readAll(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
