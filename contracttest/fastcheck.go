package contracttest

// A fast check of JSON response bodies, compiled once per schema from the
// kin-openapi document and run over the body's bytes without decoding them
// into interface{} values.
//
// It is an accelerator in front of kin-openapi, not a replacement: a body it
// passes is one kin-openapi would pass (with the options a Validator uses);
// anything else (a body it rejects, or one it cannot decide) is validated by
// kin-openapi as before, whose verdict and error message are final. So the
// fast check may be stricter than kin-openapi but never laxer, and a schema
// that uses a keyword it does not implement is not compiled at all (that
// response shape keeps the kin-openapi path). TestFastCheckAgreesWithKin
// holds it to that over every recording and thousands of mutated bodies.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// verdict is the fast check's answer for one value against one schema.
type verdict uint8

const (
	pass   verdict = iota // kin-openapi accepts the value too
	fail                  // kin-openapi rejects the value too
	unsure                // the fast check cannot tell; ask kin-openapi
)

// JSON value kinds a schema's type may permit.
const (
	kBool uint8 = 1 << iota
	kInteger
	kNumber
	kString
	kArray
	kObject
	kAll = kBool | kInteger | kNumber | kString | kArray | kObject
)

// maxKeys bounds the properties plus required names of one compiled
// object schema (the size of the presence bitset).
const maxKeys = 256

// maxDepth is encoding/json's nesting limit: deeper bodies are left to
// kin-openapi.
const maxDepth = 10000

// maxExtraKeys bounds the undeclared keys of one object checked for
// duplicates by linear search; an object with more is left to kin-openapi.
const maxExtraKeys = 64

// node is one compiled schema. Its fields mirror the kin-openapi keywords
// the fast check implements; see compileSchema for the ones it refuses.
type node struct {
	empty  bool  // kin-openapi's Schema.IsEmpty: any value but null
	nullOK bool  // nullable, or type lists "null"
	types  uint8 // kinds the type keyword permits (kAll without one)

	oneOf, anyOf, allOf []*node
	not                 *node          // the value must not match it
	disc                *discriminator // with oneOf or anyOf
	hasXOf              bool           // any of oneOf, anyOf, allOf, not
	hasComb             bool           // any of oneOf, anyOf, allOf

	hasEnum   bool
	enumStr   map[string]struct{}
	enumNum   []float64
	enumBool  [2]bool // [false, true]
	format    string
	hasMin    bool
	min       float64
	hasMax    bool
	max       float64
	exclMin   *float64 // strict lower bound (either OpenAPI form)
	exclMax   *float64
	minLength uint64
	maxLength *uint64

	// kin-openapi checks strings with a pattern and numbers with a
	// multipleOf itself (VisitJSONString, VisitJSONNumber).
	kinString, kinNumber *openapi3.Schema

	minItems uint64
	maxItems *uint64
	items    *node // nil: items are not checked

	minProps uint64
	maxProps *uint64
	keys     map[string]int // properties and required names -> index
	// The key names in sorted order (the order encoders write struct
	// fields generated from the spec in), to guess each next key without
	// hashing: sorted[i] has index sortedIdx[i]; index k is at sortedPos[k].
	sorted               []string
	sortedIdx, sortedPos []int
	propNodes            []*node // by index; nil for a required name that is not a property
	required             []int
	apAllowed            bool  // undeclared keys are allowed
	apNode               *node // and checked against this schema (nil: not checked)
}

// discriminator is a compiled discriminator: which alternatives of the
// oneOf (or anyOf) a value of the property selects.
type discriminator struct {
	prop    string
	mapping map[string][]int // nil: no mapping, every alternative is tried
}

// compiler turns kin-openapi schemas into nodes, each schema once.
type compiler struct {
	nodes map[*openapi3.Schema]*node
	xof   map[*openapi3.Schema][]*openapi3.Schema // edges that stay on the same value
}

var errRefused = errors.New("schema uses a keyword the fast check does not implement")

func compileSchema(s *openapi3.Schema) (*node, error) {
	c := &compiler{nodes: map[*openapi3.Schema]*node{}, xof: map[*openapi3.Schema][]*openapi3.Schema{}}
	n, err := c.compile(s)
	if err != nil {
		return nil, err
	}
	// kin-openapi stops (accepting) when a schema is met again on the same
	// value; the fast check does not model that, so it refuses schemas
	// whose oneOf/anyOf/allOf lead back to themselves.
	state := map[*openapi3.Schema]int{}
	var visit func(*openapi3.Schema) bool
	visit = func(s *openapi3.Schema) bool {
		switch state[s] {
		case 1:
			return false
		case 2:
			return true
		}
		state[s] = 1
		for _, t := range c.xof[s] {
			if !visit(t) {
				return false
			}
		}
		state[s] = 2
		return true
	}
	for s := range c.xof {
		if !visit(s) {
			return nil, fmt.Errorf("%w: oneOf/anyOf/allOf cycle", errRefused)
		}
	}
	return n, nil
}

func (c *compiler) ref(r *openapi3.SchemaRef) (*node, error) {
	if r == nil || r.Value == nil {
		return nil, fmt.Errorf("%w: unresolved reference", errRefused)
	}
	return c.compile(r.Value)
}

func (c *compiler) compile(s *openapi3.Schema) (*node, error) {
	if n, ok := c.nodes[s]; ok {
		return n, nil
	}
	n := &node{}
	c.nodes[s] = n

	switch {
	case s.Always != nil, s.UniqueItems, s.WriteOnly,
		s.Const != nil, len(s.PrefixItems) != 0, s.Contains != nil, s.MinContains != nil, s.MaxContains != nil,
		len(s.PatternProperties) != 0, len(s.DependentSchemas) != 0, s.PropertyNames != nil,
		s.UnevaluatedItems.Schema != nil, s.UnevaluatedItems.Has != nil,
		s.UnevaluatedProperties.Schema != nil, s.UnevaluatedProperties.Has != nil,
		s.If != nil, s.Then != nil, s.Else != nil, len(s.DependentRequired) != 0,
		s.ContentSchema != nil:
		return nil, errRefused
	}

	n.empty = s.IsEmpty()
	n.nullOK = s.Nullable || s.Type.IncludesNull()
	n.types = kAll
	if s.Type != nil {
		n.types = 0
		for _, t := range *s.Type {
			switch t {
			case openapi3.TypeBoolean:
				n.types |= kBool
			case openapi3.TypeInteger:
				n.types |= kInteger
			case openapi3.TypeNumber:
				n.types |= kNumber
			case openapi3.TypeString:
				n.types |= kString
			case openapi3.TypeArray:
				n.types |= kArray
			case openapi3.TypeObject:
				n.types |= kObject
			case openapi3.TypeNull:
			default:
				return nil, fmt.Errorf("%w: type %q", errRefused, t)
			}
		}
	}

	var err error
	list := func(refs openapi3.SchemaRefs) ([]*node, error) {
		out := make([]*node, len(refs))
		for i, r := range refs {
			if out[i], err = c.ref(r); err != nil {
				return nil, err
			}
			c.xof[s] = append(c.xof[s], r.Value)
		}
		return out, nil
	}
	if n.oneOf, err = list(s.OneOf); err != nil {
		return nil, err
	}
	if n.anyOf, err = list(s.AnyOf); err != nil {
		return nil, err
	}
	if n.allOf, err = list(s.AllOf); err != nil {
		return nil, err
	}
	if s.Not != nil {
		if n.not, err = c.ref(s.Not); err != nil {
			return nil, err
		}
		c.xof[s] = append(c.xof[s], s.Not.Value)
	}
	n.hasComb = len(n.oneOf)+len(n.anyOf)+len(n.allOf) > 0
	n.hasXOf = n.hasComb || n.not != nil
	if d := s.Discriminator; d != nil && (len(s.OneOf) > 0 || len(s.AnyOf) > 0) {
		if len(s.OneOf) > 0 && len(s.AnyOf) > 0 {
			return nil, fmt.Errorf("%w: discriminator with both oneOf and anyOf", errRefused)
		}
		alts := s.OneOf
		if len(alts) == 0 {
			alts = s.AnyOf
		}
		n.disc = &discriminator{prop: d.PropertyName}
		if len(d.Mapping) > 0 {
			n.disc.mapping = map[string][]int{}
			for value, m := range d.Mapping {
				ref := m.Ref
				if ref != "" && !strings.Contains(ref, "/") {
					ref = "#/components/schemas/" + ref
				}
				sel := []int{}
				for i, alt := range alts {
					if ref == "" || alt.Ref == ref {
						sel = append(sel, i)
					}
				}
				n.disc.mapping[value] = sel
			}
		}
	}

	if len(s.Enum) > 0 {
		n.hasEnum = true
		for _, v := range s.Enum {
			switch v := v.(type) {
			case string:
				if n.enumStr == nil {
					n.enumStr = map[string]struct{}{}
				}
				n.enumStr[v] = struct{}{}
			case bool:
				if v {
					n.enumBool[1] = true
				} else {
					n.enumBool[0] = true
				}
			case nil:
				// null never gets as far as the enum check.
			default:
				f, ok := enumNumber(v)
				if !ok {
					return nil, fmt.Errorf("%w: enum value of type %T", errRefused, v)
				}
				n.enumNum = append(n.enumNum, f)
			}
		}
	}
	n.format = s.Format
	if s.Min != nil {
		n.hasMin, n.min = true, *s.Min
	}
	if s.Max != nil {
		n.hasMax, n.max = true, *s.Max
	}
	if eb := s.ExclusiveMin; eb.Value != nil {
		n.exclMin = eb.Value
	} else if eb.Bool != nil && *eb.Bool && s.Min != nil {
		n.exclMin = s.Min
	}
	if eb := s.ExclusiveMax; eb.Value != nil {
		n.exclMax = eb.Value
	} else if eb.Bool != nil && *eb.Bool && s.Max != nil {
		n.exclMax = s.Max
	}
	n.minLength, n.maxLength = s.MinLength, s.MaxLength
	if s.Pattern != "" {
		n.kinString = s
	}
	if s.MultipleOf != nil {
		n.kinNumber = s
	}
	n.minProps, n.maxProps = s.MinProps, s.MaxProps
	n.minItems, n.maxItems = s.MinItems, s.MaxItems
	if s.Items != nil {
		if n.items, err = c.ref(s.Items); err != nil {
			return nil, err
		}
	}

	if len(s.Properties) > 0 || len(s.Required) > 0 {
		n.keys = map[string]int{}
		for name, r := range s.Properties {
			pn, err := c.ref(r)
			if err != nil {
				return nil, err
			}
			n.keys[name] = len(n.propNodes)
			n.propNodes = append(n.propNodes, pn)
		}
		for _, name := range s.Required {
			i, ok := n.keys[name]
			if !ok {
				i = len(n.propNodes)
				n.keys[name] = i
				n.propNodes = append(n.propNodes, nil)
			}
			n.required = append(n.required, i)
		}
		n.sorted = slices.Sorted(maps.Keys(n.keys))
		n.sortedPos = make([]int, len(n.propNodes))
		for pos, name := range n.sorted {
			n.sortedIdx = append(n.sortedIdx, n.keys[name])
			n.sortedPos[n.keys[name]] = pos
		}
		if len(n.propNodes) > maxKeys {
			return nil, fmt.Errorf("%w: more than %d properties", errRefused, maxKeys)
		}
	}
	n.apAllowed = s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has
	if r := s.AdditionalProperties.Schema; r != nil {
		if n.apNode, err = c.ref(r); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// enumNumber is kin-openapi's view of a numeric enum value.
func enumNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}

// scanner walks one JSON document, checking its syntax as it goes.
type scanner struct {
	b     []byte
	i     int
	depth int
	extra [][]byte // undeclared keys of the objects being checked
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// check validates the whole document against n.
func (s *scanner) check(n *node) verdict {
	v := s.value(n)
	if v != pass {
		return v
	}
	s.ws()
	if s.i != len(s.b) {
		// encoding/json's Decoder stops after the first value: let
		// kin-openapi decide what trailing bytes mean.
		return unsure
	}
	return pass
}

func (s *scanner) value(n *node) verdict {
	s.ws()
	start := s.i
	if start >= len(s.b) {
		return fail
	}
	c := s.b[start]
	if c == 'n' {
		if !s.literal("null") {
			return fail
		}
		if n.nullOK {
			return pass
		}
		// As kin-openapi: a null the schema does not allow passes only
		// through oneOf, anyOf or allOf (not alone never admits it).
		if n.hasComb && !n.empty {
			end := s.i
			v := s.xof(n, start, false)
			s.i = end
			return v
		}
		return fail
	}
	if n.empty {
		return s.skip()
	}
	if n.hasXOf {
		if v := s.xof(n, start, c == '{'); v != pass {
			return v
		}
		s.i = start
	}
	switch {
	case (c == '{' || c == '[') && n.hasEnum:
		return fail // enums hold only scalars (compileSchema refuses others)
	case c == '{':
		return s.object(n)
	case c == '[':
		return s.array(n)
	case c == '"':
		return s.str(n)
	case c == 't' || c == 'f':
		ok := s.literal("true")
		if !ok && !s.literal("false") {
			return fail
		}
		if n.types&kBool == 0 || (n.hasEnum && !n.enumBool[b2i(ok)]) {
			return fail
		}
		return pass
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number(n)
	}
	return fail
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// next is called after a member of an object or an array: a comma means
// another member follows, the closing bracket (consumed) ends the
// container, and anything else fails.
func (s *scanner) next(closing byte) (more bool, v verdict) {
	s.ws()
	if s.i < len(s.b) {
		switch s.b[s.i] {
		case ',':
			s.i++
			return true, pass
		case closing:
			s.i++
			return false, pass
		}
	}
	return false, fail
}

func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// xof checks n's oneOf, anyOf and allOf on the value at start. The scanner's
// position afterwards is unspecified.
func (s *scanner) xof(n *node, start int, isObject bool) verdict {
	var sel []int
	selected := false
	if n.disc != nil && isObject {
		var v verdict
		sel, v = s.discriminate(n.disc, start)
		if v != pass {
			return v
		}
		selected = n.disc.mapping != nil
	}
	try := func(alts []*node, stopAt int) (matches int, doubt bool) {
		each := func(alt *node) bool {
			s.i = start
			switch s.value(alt) {
			case pass:
				matches++
			case unsure:
				doubt = true
			}
			return matches < stopAt
		}
		if selected {
			for _, i := range sel {
				if !each(alts[i]) {
					break
				}
			}
		} else {
			for _, alt := range alts {
				if !each(alt) {
					break
				}
			}
		}
		return matches, doubt
	}
	if len(n.oneOf) > 0 {
		m, doubt := try(n.oneOf, 2)
		switch {
		case m > 1:
			return fail
		case doubt:
			return unsure
		case m == 0:
			return fail
		}
	}
	if len(n.anyOf) > 0 {
		m, doubt := try(n.anyOf, 1)
		switch {
		case m > 0:
		case doubt:
			return unsure
		default:
			return fail
		}
	}
	for _, alt := range n.allOf {
		s.i = start
		if v := s.value(alt); v != pass {
			return v
		}
	}
	if n.not != nil {
		s.i = start
		switch s.value(n.not) {
		case pass:
			return fail
		case unsure:
			return unsure
		}
	}
	return pass
}

// discriminate finds the discriminator property of the object at start
// and returns the alternatives it selects (with mapping) as kin-openapi does.
func (s *scanner) discriminate(d *discriminator, start int) ([]int, verdict) {
	s.i = start + 1
	found := false
	var val []byte
	var valIsString bool
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		return nil, fail
	}
	for {
		s.ws()
		key, v := s.key()
		if v != pass {
			return nil, v
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return nil, fail
		}
		s.i++
		s.ws()
		if string(key) == d.prop {
			if found {
				return nil, unsure // duplicate names: decoders disagree on which wins
			}
			found = true
			if s.i < len(s.b) && s.b[s.i] == '"' {
				raw, esc, nonASCII, ok := s.scanString()
				if !ok {
					return nil, fail
				}
				str, v := decodeString(raw, esc, nonASCII)
				if v != pass {
					return nil, v
				}
				val, valIsString = str, true
			} else if v := s.skip(); v != pass {
				return nil, v
			}
		} else if v := s.skip(); v != pass {
			return nil, v
		}
		more, v := s.next('}')
		if v != pass {
			return nil, v
		}
		if !more {
			break
		}
	}
	if !found || !valIsString {
		return nil, fail
	}
	if d.mapping == nil {
		return nil, pass
	}
	sel, ok := d.mapping[string(val)]
	if !ok {
		return nil, fail
	}
	return sel, pass
}

// key reads an object key (decoded if it has escapes).
func (s *scanner) key() ([]byte, verdict) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, fail
	}
	raw, esc, nonASCII, ok := s.scanString()
	if !ok {
		return nil, fail
	}
	return decodeString(raw, esc, nonASCII)
}

// scanString reads the string at s.i and returns its content between the
// quotes, whether it has escapes or non-ASCII bytes, and whether its syntax
// is valid.
func (s *scanner) scanString() (raw []byte, esc, nonASCII, ok bool) {
	b := s.b
	i := s.i + 1
	for i < len(b) {
		// Plain ASCII runs first, without the case analysis.
		for i < len(b) && plainASCII[b[i]] {
			i++
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			raw = b[s.i+1 : i]
			s.i = i + 1
			return raw, esc, nonASCII, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return nil, false, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return nil, false, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return nil, false, false, false
					}
				}
				i += 6
			default:
				return nil, false, false, false
			}
		case c < 0x20:
			return nil, false, false, false
		default:
			if c >= 0x80 {
				nonASCII = true
			}
			i++
		}
	}
	return nil, false, false, false
}

// plainASCII marks the bytes a string holds as they are: printable ASCII
// other than the quote and the backslash.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// hex4 is the value of four hex digits (checked by scanString).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// decodeString returns the value of a string whose content (between the
// quotes) is raw. Invalid UTF-8 and escaped surrogates, which JSON decoders
// treat differently, are unsure.
func decodeString(raw []byte, esc, nonASCII bool) ([]byte, verdict) {
	if nonASCII && !utf8.Valid(raw) {
		return nil, unsure
	}
	if !esc {
		return raw, pass
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // the escaped character
			continue
		}
		switch r := hex4(raw[i+2 : i+6]); {
		case r >= 0xD800 && r < 0xDC00:
			// A high surrogate must be followed by an escaped low one.
			if i+12 > len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' {
				return nil, unsure
			}
			if lo := hex4(raw[i+8 : i+12]); lo < 0xDC00 || lo > 0xDFFF {
				return nil, unsure
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return nil, unsure
		default:
			i += 5
		}
	}
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	var out string
	if err := json.Unmarshal(q, &out); err != nil {
		return nil, fail
	}
	return []byte(out), pass
}

func (s *scanner) str(n *node) verdict {
	raw, esc, nonASCII, ok := s.scanString()
	if !ok {
		return fail
	}
	if nonASCII && !utf8.Valid(raw) {
		return unsure
	}
	if n.types&kString == 0 {
		return fail
	}
	if !n.hasEnum && n.minLength == 0 && n.maxLength == nil && n.format == "" && n.kinString == nil {
		return pass
	}
	val, v := decodeString(raw, esc, nonASCII)
	if v != pass {
		return v
	}
	if n.hasEnum {
		if _, ok := n.enumStr[string(val)]; !ok {
			return fail
		}
	}
	if n.minLength != 0 || n.maxLength != nil {
		length := uint64(utf8.RuneCount(val))
		if length < n.minLength || (n.maxLength != nil && length > *n.maxLength) {
			return fail
		}
	}
	if n.format != "" {
		if f, ok := openapi3.SchemaStringFormats[n.format]; ok && f.Validate(string(val)) != nil {
			return fail
		}
	}
	if n.kinString != nil && n.kinString.VisitJSONString(string(val)) != nil {
		return fail
	}
	return pass
}

func (s *scanner) number(n *node) verdict {
	start := s.i
	if !s.scanNumber() {
		return fail
	}
	if n.types&(kInteger|kNumber) == 0 {
		return fail
	}
	f, ok := parseNumber(s.b[start:s.i])
	if !ok {
		return fail // kin-openapi: cannot convert json.Number to float64
	}
	if n.hasEnum {
		found := false
		for _, e := range n.enumNum {
			if e == f {
				found = true
				break
			}
		}
		if !found {
			return fail
		}
	}
	requireInteger := n.types&kInteger != 0 && n.types&kNumber == 0
	if requireInteger && f != math.Trunc(f) {
		return fail
	}
	if n.format != "" {
		if requireInteger {
			if f2, ok := openapi3.SchemaIntegerFormats[n.format]; ok && integerFormat(f2, f) != nil {
				return fail
			}
		} else if f2, ok := openapi3.SchemaNumberFormats[n.format]; ok && f2.Validate(f) != nil {
			return fail
		}
	}
	if (n.exclMin != nil && !(f > *n.exclMin)) || (n.exclMax != nil && !(f < *n.exclMax)) ||
		(n.hasMin && !(n.min <= f)) || (n.hasMax && !(n.max >= f)) {
		return fail
	}
	if n.kinNumber != nil && n.kinNumber.VisitJSONNumber(f) != nil {
		return fail
	}
	return pass
}

// integerFormat is kin-openapi's validateIntegerFormat: the format's
// validator sees the value as an int64, or the value is out of range.
func integerFormat(v openapi3.IntegerFormatValidator, f float64) error {
	switch {
	case f == float64(math.MaxInt64):
		return v.Validate(math.MaxInt64)
	case f >= float64(math.MinInt64) && f < float64(math.MaxInt64):
		return v.Validate(int64(f))
	}
	return errors.New("out of the int64 range")
}

// parseNumber is json.Number.Float64 on a syntactically valid number,
// without strconv for short integers (exact in a float64).
func parseNumber(b []byte) (float64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	digits := b
	if neg {
		digits = b[1:]
	}
	if len(digits) > 0 && len(digits) <= 15 {
		var u uint64
		simple := true
		for _, c := range digits {
			if c < '0' || c > '9' {
				simple = false
				break
			}
			u = u*10 + uint64(c-'0')
		}
		if simple {
			f := float64(u)
			if neg {
				f = -f
			}
			return f, true
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

// scanNumber reads a number with JSON's grammar.
func (s *scanner) scanNumber() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	s.i = i
	return true
}

func (s *scanner) array(n *node) verdict {
	if n.types&kArray == 0 {
		return fail
	}
	if s.depth++; s.depth > maxDepth {
		return unsure
	}
	v := s.elements(n)
	s.depth--
	return v
}

func (s *scanner) elements(n *node) verdict {
	s.i++
	s.ws()
	var count uint64
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
	} else {
		for {
			var v verdict
			if n.items != nil {
				v = s.value(n.items)
			} else {
				v = s.skip()
			}
			if v != pass {
				return v
			}
			count++
			more, v := s.next(']')
			if v != pass {
				return v
			}
			if !more {
				break
			}
		}
	}
	if count < n.minItems || (n.maxItems != nil && count > *n.maxItems) {
		return fail
	}
	return pass
}

func (s *scanner) object(n *node) verdict {
	if n.types&kObject == 0 {
		return fail
	}
	if s.depth++; s.depth > maxDepth {
		return unsure
	}
	base := len(s.extra)
	v := s.members(n, base)
	s.extra = s.extra[:base]
	s.depth--
	return v
}

func (s *scanner) members(n *node, base int) verdict {
	var seen [maxKeys / 64]uint64
	var count uint64
	hint := 0
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
	} else {
		for {
			s.ws()
			key, v := s.key()
			if v != pass {
				return v
			}
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return fail
			}
			s.i++
			count++
			var pn *node
			var idx int
			var declared bool
			// Keys in sorted order are found by merging; others by hashing.
			for hint < len(n.sorted) && n.sorted[hint] < string(key) {
				hint++
			}
			if hint < len(n.sorted) && n.sorted[hint] == string(key) {
				idx, declared = n.sortedIdx[hint], true
			} else {
				idx, declared = n.keys[string(key)]
			}
			if declared {
				hint = n.sortedPos[idx] + 1
			}
			if declared {
				if seen[idx/64]&(1<<(idx%64)) != 0 {
					return unsure // duplicate names
				}
				seen[idx/64] |= 1 << (idx % 64)
				pn = n.propNodes[idx]
			}
			if pn == nil {
				if !n.apAllowed {
					return fail
				}
				if !declared {
					if len(s.extra)-base >= maxExtraKeys {
						return unsure
					}
					for _, k := range s.extra[base:] {
						if string(k) == string(key) {
							return unsure
						}
					}
					s.extra = append(s.extra, key)
				}
				pn = n.apNode
			}
			if pn != nil {
				v = s.value(pn)
			} else {
				v = s.skip()
			}
			if v != pass {
				return v
			}
			more, v := s.next('}')
			if v != pass {
				return v
			}
			if !more {
				break
			}
		}
	}
	for _, idx := range n.required {
		if seen[idx/64]&(1<<(idx%64)) == 0 {
			return fail
		}
	}
	if count < n.minProps || (n.maxProps != nil && count > *n.maxProps) {
		return fail
	}
	return pass
}

// skip reads any value, checking only its syntax.
func (s *scanner) skip() verdict {
	s.ws()
	if s.i >= len(s.b) {
		return fail
	}
	switch c := s.b[s.i]; {
	case c == '{':
		return s.object(anyObject)
	case c == '[':
		return s.array(anyArray)
	case c == '"':
		raw, _, nonASCII, ok := s.scanString()
		if !ok {
			return fail
		}
		if nonASCII && !utf8.Valid(raw) {
			return unsure
		}
		return pass
	case c == 'n':
		if s.literal("null") {
			return pass
		}
	case c == 't':
		if s.literal("true") {
			return pass
		}
	case c == 'f':
		if s.literal("false") {
			return pass
		}
	case c == '-' || (c >= '0' && c <= '9'):
		if s.scanNumber() {
			return pass
		}
	}
	return fail
}

// anyObject and anyArray check only syntax (and duplicate names).
var (
	anyObject = &node{types: kObject, apAllowed: true}
	anyArray  = &node{types: kArray}
)

// bodyChecks caches, per (operation, status, Content-Type), the compiled
// schema of the response body, or nil where kin-openapi has to do it all.
type bodyChecks struct {
	plans sync.Map // planKey -> *node (possibly nil)
	// reasons records why shapes have no fast check, for tests.
	reasons sync.Map // planKey -> string
}

type planKey struct {
	op          *openapi3.Operation
	status      int
	contentType string
}

// plan returns the compiled check for a response body, or nil when the
// fast check does not apply: a status kin-openapi skips, no content or schema for the Content-Type, a body
// that is not decoded as JSON, or a schema the fast check refuses.
func (b *bodyChecks) plan(doc *openapi3.T, op *openapi3.Operation, status int, contentType string) *node {
	k := planKey{op, status, contentType}
	if p, ok := b.plans.Load(k); ok {
		return p.(*node)
	}
	n, reason := b.build(doc, op, status, contentType)
	if reason != "" {
		b.reasons.Store(k, reason)
	}
	b.plans.Store(k, n)
	return n
}

func (b *bodyChecks) build(doc *openapi3.T, op *openapi3.Operation, status int, contentType string) (*node, string) {
	if doc.IsOpenAPI31OrLater() {
		return nil, "OpenAPI 3.1 document"
	}
	switch status {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return nil, "status not validated"
	}
	if op.Responses.Len() == 0 {
		return nil, "no responses"
	}
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil, "status not documented"
	}
	resp := ref.Value
	if len(resp.Content) == 0 {
		return nil, "no content"
	}
	mt := resp.Content.Get(contentType)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, "no schema for the Content-Type"
	}
	if mt.Encoding[""] != nil {
		return nil, "encoding"
	}
	if sv := mt.Schema.Value; sv.Type.Is(openapi3.TypeString) && sv.Format == "binary" {
		return nil, "binary body"
	}
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	dec := openapi3filter.RegisteredBodyDecoder(mediaType)
	if dec == nil && strings.HasSuffix(mediaType, "+json") {
		dec = openapi3filter.RegisteredBodyDecoder("application/json")
	}
	if dec == nil || reflect.ValueOf(dec).Pointer() != reflect.ValueOf(openapi3filter.BodyDecoder(openapi3filter.JSONBodyDecoder)).Pointer() {
		return nil, "body not decoded as JSON"
	}
	n, err := compileSchema(mt.Schema.Value)
	if err != nil {
		return nil, err.Error()
	}
	return n, ""
}

var scanners = sync.Pool{New: func() any { return &scanner{} }}

// checkBody runs a compiled check over a whole body.
func checkBody(n *node, body []byte) verdict {
	s := scanners.Get().(*scanner)
	s.b, s.i, s.depth, s.extra = body, 0, 0, s.extra[:0]
	v := s.check(n)
	s.b = nil
	clear(s.extra[:cap(s.extra)])
	scanners.Put(s)
	return v
}
