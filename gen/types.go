package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// This file is hand-written. The overlay (gen/overlay.yaml) maps the spec's
// values that GroupMe sends in more than one JSON form onto these types with
// x-go-type, so Go code reads each as one plain value instead of a union.

// ID is an identifier GroupMe sends as a JSON string in some places and as a
// JSON number in others (mention user_ids in older messages, emoji pack
// ids). It holds the decimal text and is written back as a JSON string.
type ID string

var errBadID = errors.New("an id must be a JSON string or integer")

// UnmarshalJSON accepts a JSON string or an integer; null leaves id empty.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errBadID
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	case string(b) == "null":
		*id = ""
	default:
		if _, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			*id = ID(b) // the digits as sent
			return nil
		}
		n, err := ParseWhole(string(b), 64)
		if err != nil {
			return errBadID
		}
		*id = ID(strconv.FormatInt(n, 10))
	}
	return nil
}

// ErrNotWhole is the error of ParseWhole for a number that is not a whole
// number, or does not fit the integer asked for.
var ErrNotWhole = errors.New("not a whole number that fits")

// maxWholeText bounds the text ParseWhole reads with a decimal fraction or
// an exponent; the longest such text of a 64-bit integer is far shorter.
const maxWholeText = 64

// ParseWhole reads the text of a JSON number as a signed integer of the
// given bits. Besides plain digits it takes any other spelling of a whole
// number that JSON allows, such as 1.468360739e+09 or 12.0: the spec's
// integers accept them, so the client must read them. The value is
// computed exactly (math/big, 1024 bits of precision for a text of at most
// 64 bytes), never through a float64 that would round.
func ParseWhole(text string, bits int) (int64, error) {
	if n, err := strconv.ParseInt(text, 10, bits); err == nil {
		return n, nil
	}
	if len(text) > maxWholeText || !strings.ContainsAny(text, ".eE") {
		return 0, ErrNotWhole
	}
	f, _, err := big.ParseFloat(text, 10, 1024, big.ToNearestEven)
	if err != nil || f.IsInf() || !f.IsInt() {
		return 0, ErrNotWhole
	}
	n, acc := f.Int64()
	if acc != big.Exact || bits < 64 && (n < -1<<(bits-1) || n > 1<<(bits-1)-1) {
		return 0, ErrNotWhole
	}
	return n, nil
}

// String returns the id's text.
func (id ID) String() string { return string(id) }

// Timestamp is a time GroupMe sends as integer seconds since the Unix epoch
// (listings) or as an ISO-8601 string (some push payloads). It holds the
// seconds and is written back as an integer.
type Timestamp int64

// UnmarshalJSON accepts an integer, an RFC 3339 string, or null (zero).
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*t = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return errors.New("a timestamp string must be RFC 3339")
		}
		*t = Timestamp(tm.Unix())
		return nil
	}
	n, err := ParseWhole(string(b), 64)
	if err != nil {
		return errors.New("a timestamp must be integer seconds or an RFC 3339 string")
	}
	*t = Timestamp(n)
	return nil
}

// Time returns t as a time.Time in UTC.
func (t Timestamp) Time() time.Time { return time.Unix(int64(t), 0).UTC() }

// SMSDuration is how long SMS mode lasts: a number of hours (at most 48),
// or Always, the keyword GroupMe's own apps send for "until turned off".
// The zero value is invalid; use SMSHours or SMSAlways.
type SMSDuration struct {
	hours  int
	always bool
}

// SMSHours is an SMS-mode duration of n hours.
func SMSHours(n int) SMSDuration { return SMSDuration{hours: n} }

// SMSAlways is the SMS-mode duration that never expires.
func SMSAlways() SMSDuration { return SMSDuration{always: true} }

// Hours returns the number of hours and false when d is SMSAlways.
func (d SMSDuration) Hours() (int, bool) { return d.hours, !d.always }

// MarshalJSON writes the hours as an integer, or the string "always".
func (d SMSDuration) MarshalJSON() ([]byte, error) {
	if d.always {
		return []byte(`"always"`), nil
	}
	if d.hours <= 0 {
		return nil, errors.New("an SMS duration needs a positive number of hours, or SMSAlways")
	}
	return strconv.AppendInt(nil, int64(d.hours), 10), nil
}

// UnmarshalJSON reads an integer number of hours or the string "always".
func (d *SMSDuration) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == `"always"` {
		*d = SMSAlways()
		return nil
	}
	n, err := ParseWhole(string(b), strconv.IntSize)
	if err != nil {
		return errors.New(`an SMS duration must be an integer number of hours or "always"`)
	}
	*d = SMSHours(int(n))
	return nil
}

// Number is an integer that GroupMe sends as a JSON number or, in some
// older payloads, as a string (emoji pack ids and indexes). It
// keeps the form it was received in and is written back the same way, so
// a message read and written again says what GroupMe said.
type Number struct {
	text   string // the digits
	quoted bool   // received as a JSON string
}

// NewNumber is n, written as a JSON number.
func NewNumber(n int64) Number { return Number{text: strconv.FormatInt(n, 10)} }

// NewQuotedNumber is n, written as a JSON string, the way some of
// GroupMe's payloads carry it.
func NewQuotedNumber(n int64) Number { return Number{text: strconv.FormatInt(n, 10), quoted: true} }

// Int64 returns the number's value.
func (n Number) Int64() (int64, error) { return strconv.ParseInt(n.text, 10, 64) }

// String returns the number's digits.
func (n Number) String() string { return n.text }

// MarshalJSON writes the number as it was received: quoted or not.
func (n Number) MarshalJSON() ([]byte, error) {
	if n.text == "" && !n.quoted {
		return []byte("null"), nil
	}
	if n.quoted {
		return json.Marshal(n.text)
	}
	return []byte(n.text), nil
}

// UnmarshalJSON reads a JSON integer or a JSON string. A string is kept
// whatever it holds (the spec allows any), so reading never fails on it;
// Int64 reports one that is not an integer.
func (n *Number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = Number{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var text string
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		*n = Number{text: text, quoted: true}
		return nil
	}
	if _, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = Number{text: string(b)} // the digits as sent
		return nil
	}
	v, err := ParseWhole(string(b), 64)
	if err != nil {
		return errors.New("a number must be a JSON integer or a string")
	}
	*n = Number{text: strconv.FormatInt(v, 10)} // a whole number written otherwise, as digits
	return nil
}
