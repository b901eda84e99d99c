package client

import (
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// scanner is a position in a JSON text held in memory, with the checks
// both of the client's one-pass readers need: the fast decoder
// (fastdecode.go) and the archive page reader (archive.go). Every method
// reports false on input it does not accept and never reads past the end
// of buf.
type scanner struct {
	buf   []byte
	pos   int
	depth int
	// lenient accepts strings with invalid UTF-8 or a lone surrogate
	// escape, as encoding/json does; the archive keeps such bytes as sent.
	// Otherwise they are refused (the fast decoder leaves them to the v2
	// engine).
	lenient bool
}

// maxJSONDepth is how deeply nested a value the scanner follows.
const maxJSONDepth = 1000

// readNumber returns the next JSON number's text, which it checks. The
// text shares buf's memory (which may be pooled): parse it, never keep it.
func (s *scanner) readNumber() (string, bool) {
	start := s.pos
	if !s.skipNumber() {
		return "", false
	}
	b := s.buf[start:s.pos]
	return unsafe.String(unsafe.SliceData(b), len(b)), true
}

// skipSpace passes over JSON white space.
func (s *scanner) skipSpace() {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos < len(s.buf) {
		return s.buf[s.pos]
	}
	return 0
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.skipSpace()
	return s.pos == len(s.buf)
}

func (s *scanner) literal(lit string) bool {
	if len(s.buf)-s.pos >= len(lit) && string(s.buf[s.pos:s.pos+len(lit)]) == lit {
		s.pos += len(lit)
		return true
	}
	return false
}

// enter consumes the '{' or '[' at pos, counting the depth.
func (s *scanner) enter() bool {
	s.depth++
	s.pos++
	return s.depth <= maxJSONDepth
}

// firstMember is called after an opening bracket: it reports whether a
// member follows (false at the closing one, which it consumes).
func (s *scanner) firstMember(closing byte) (more, ok bool) {
	if s.peek() == closing {
		s.pos++
		return false, true
	}
	return true, s.pos < len(s.buf)
}

// nextMember is called after a member: a comma means another follows,
// the closing bracket ends the container.
func (s *scanner) nextMember(closing byte) (more, ok bool) {
	switch s.peek() {
	case ',':
		s.pos++
		return true, true
	case closing:
		s.pos++
		return false, true
	}
	return false, false
}

// readNameBytes reads an object member's name and its colon, if the name
// is plain ASCII with no escapes (the fast decoder leaves any other to the
// v2 engine). The name is only valid until the next read.
func (s *scanner) readNameBytes() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	start := s.pos + 1
	for i := start; i < len(s.buf); i++ {
		switch c := s.buf[i]; {
		case c == '"':
			name := s.buf[start:i]
			s.pos = i + 1
			if s.peek() != ':' {
				return nil, false
			}
			s.pos++
			return name, true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
	}
	return nil, false
}

// unescape reads a string with escapes from start (after its quote),
// building it only if build is set.
func (s *scanner) unescape(start int, build bool) (string, bool) {
	var out []byte
	if build {
		out = make([]byte, 0, 64)
	}
	ascii := true
	i := start
	for i < len(s.buf) {
		c := s.buf[i]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(s.buf[start:i]) {
				return "", false
			}
			s.pos = i + 1
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			if c >= utf8.RuneSelf {
				ascii = false
			}
			if build {
				out = append(out, c)
			}
			i++
			continue
		}
		if i+1 >= len(s.buf) {
			return "", false
		}
		var r rune
		switch e := s.buf[i+1]; e {
		case '"', '\\', '/':
			r = rune(e)
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			var ok bool
			if r, ok = s.hex4(i + 2); !ok {
				return "", false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 || i+3 >= len(s.buf) || s.buf[i+2] != '\\' || s.buf[i+3] != 'u' {
					return "", false // a lone surrogate
				}
				r2, ok := s.hex4(i + 4)
				if !ok {
					return "", false
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", false
				}
				i += 6
			}
		default:
			return "", false
		}
		if build {
			out = utf8.AppendRune(out, r)
		}
		i += 2
	}
	return "", false
}

// hex4 reads the four hex digits at i.
func (s *scanner) hex4(i int) (rune, bool) {
	if i+4 > len(s.buf) {
		return 0, false
	}
	var r rune
	for _, c := range s.buf[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skipNumber checks the JSON number grammar from pos.
func (s *scanner) skipNumber() bool {
	b, i := s.buf, s.pos
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	s.pos = i
	return true
}

// skipValue checks and passes over the next value (strings as
// skipString does).
func (s *scanner) skipValue() bool {
	switch s.peek() {
	case '"':
		return s.skipString()
	case 'n':
		return s.literal("null")
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case '{':
		if !s.enter() {
			return false
		}
		more, ok := s.firstMember('}')
		for ; ok && more; more, ok = s.nextMember('}') {
			if s.peek() != '"' || !s.skipString() || s.peek() != ':' {
				return false
			}
			s.pos++
			if !s.skipValue() {
				return false
			}
		}
		s.depth--
		return ok
	case '[':
		if !s.enter() {
			return false
		}
		more, ok := s.firstMember(']')
		for ; ok && more; more, ok = s.nextMember(']') {
			if !s.skipValue() {
				return false
			}
		}
		s.depth--
		return ok
	}
	return s.skipNumber()
}

// skipString passes over the string at pos (which is '"'). Unless the
// scanner is lenient, its text must be valid UTF-8 with no lone surrogate.
func (s *scanner) skipString() bool {
	start := s.pos + 1
	end, escaped, high, ok := s.scanString()
	switch {
	case !ok:
		return false
	case s.lenient:
		return true
	case escaped:
		_, ok := s.unescape(start, false)
		return ok
	}
	return !high || utf8.Valid(s.buf[start:end])
}

// scanString passes over the string at pos (which is '"'), checking its
// grammar: no control characters, and escapes well formed. It reports
// where the closing quote is, whether there are escapes and whether there
// are bytes outside ASCII; it does not check UTF-8 or surrogates.
func (s *scanner) scanString() (end int, escaped, high, ok bool) {
	for i := s.pos + 1; i < len(s.buf); i++ {
		switch c := s.buf[i]; {
		case c == '"':
			s.pos = i + 1
			return i, escaped, high, true
		case c == '\\':
			escaped = true
			if i+1 >= len(s.buf) {
				return 0, false, false, false
			}
			switch s.buf[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if _, ok := s.hex4(i + 2); !ok {
					return 0, false, false, false
				}
				i += 5
			default:
				return 0, false, false, false
			}
		case c < 0x20:
			return 0, false, false, false
		case c >= utf8.RuneSelf:
			high = true
		}
	}
	return 0, false, false, false
}
