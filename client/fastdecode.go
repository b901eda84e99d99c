package client

import (
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"math/bits"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/groupme-go/groupme/gen"
)

// The fast decoder reads a whole answer that is already in memory straight
// into its Go type, with a plan compiled once per type: struct fields are
// found by name and written at their offsets, short repeated strings are
// shared, and the scalars optional fields point to come out of small
// blocks rather than one allocation each. It covers the shapes GroupMe's
// answers have and nothing more. Anything it does not handle exactly as
// the JSON v2 engine with decodeOptions would (an error of any kind, a
// duplicate or case-folded name, an escaped name, invalid UTF-8, a lone
// surrogate, a number that does not fit, very deep nesting, a type with
// methods it does not know) makes it give up, and the whole body is
// decoded again by the v2 engine into a zeroed value. The result is
// therefore always the v2 engine's, which TestFastDecodeMatchesV2 and
// FuzzFastDecode check on real and random input; the fast plan only
// decides how quickly it is reached.

// decodeBytes decodes the one JSON value in b into v, a non-nil pointer,
// with the result and errors decodeJSON documents.
func decodeBytes(b []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if fastDecode(b, rv) {
			return nil
		}
		rv.Elem().SetZero()
	}
	return slowDecode(b, v)
}

// slowDecode is the v2 engine with decodeOptions; an empty body is io.EOF.
func slowDecode(b []byte, v any) error {
	err := jsonv2.Unmarshal(b, v, decodeOptions)
	if err != nil && errors.Is(err, io.ErrUnexpectedEOF) {
		var se *jsontext.SyntacticError
		if errors.As(err, &se) && se.ByteOffset == 0 {
			return io.EOF
		}
	}
	return err
}

// fastDecode runs the compiled plan for rv's element type over b and
// reports whether it decoded all of b. A false leaves rv's element
// partly written.
func fastDecode(b []byte, rv reflect.Value) (ok bool) {
	plan := planFor(rv.Type().Elem())
	d := decoderPool.Get().(*fastDecoder)
	d.scanner = scanner{buf: b}
	defer func() {
		if recover() != nil {
			fastDecodePanics.Add(1) // a bug; tests fail on it
			ok = false              // the v2 engine decodes it again, and reports
		}
		d.scanner = scanner{}
		decoderPool.Put(d)
	}()
	return plan.decode(d, rv.UnsafePointer()) && d.end()
}

// fastDecodePanics counts the decodings the fast plan gave up by
// panicking: none should, and the tests check there were none.
var fastDecodePanics atomic.Int64

var decoderPool = sync.Pool{New: func() any { return new(fastDecoder) }}

// fastDecoder is one decoding's position and its caches.
type fastDecoder struct {
	scanner // strict: what it refuses goes to the v2 engine
	// strs shares short strings that repeat within and across answers
	// (roles, names, types, image URLs): a slot per hash, last one wins.
	strs [256]string
	// Blocks the scalars of optional fields are taken from.
	strBlock    []string
	boolBlock   []bool
	wordBlock   []uint64
	headerBlock [][]byte
}

const blockLen = 32

// decodeFn decodes the next value into the Go value at p, or reports
// false for anything the v2 engine must decide.
type decodeFn func(d *fastDecoder, p unsafe.Pointer) bool

// plan is a type's compiled decoder. decode is set once the plan is
// complete, so a recursive type refers to its own plan.
type plan struct {
	decode decodeFn
}

var plans sync.Map // reflect.Type -> *plan

var planMu sync.Mutex

func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	planMu.Lock()
	defer planMu.Unlock()
	building := map[reflect.Type]*plan{}
	p := compilePlan(t, building)
	for bt, bp := range building {
		plans.LoadOrStore(bt, bp)
	}
	return p
}

// compilePlan builds t's plan; building holds the plans under
// construction (and those finished in this round) so recursion ends.
func compilePlan(t reflect.Type, building map[reflect.Type]*plan) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	if p, ok := building[t]; ok {
		return p
	}
	p := &plan{}
	building[t] = p
	fn := compileType(t, building)
	if fn == nil {
		fn = viaV2(t)
	}
	p.decode = fn
	return p
}

var (
	idType          = reflect.TypeFor[gen.ID]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	unmarshalerFrom = reflect.TypeFor[jsonv2.UnmarshalerFrom]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	emptyInterface  = reflect.TypeFor[any]()
	stringType      = reflect.TypeFor[string]()
	// Types the v2 engine reads in its own way although they have no
	// methods that say so.
	specialTypes = map[reflect.Type]bool{
		reflect.TypeFor[time.Duration](): true,
		reflect.TypeFor[json.Number]():   true,
	}
)

// compileType returns t's decoder, or nil when the v2 engine must decode
// values of t.
func compileType(t reflect.Type, building map[reflect.Type]*plan) decodeFn {
	if t == idType {
		return decodeID
	}
	if specialTypes[t] {
		return nil
	}
	pt := reflect.PointerTo(t)
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if pt.Implements(unmarshalerFrom) || pt.Implements(textUnmarshaler) {
			return nil
		}
		if pt.Implements(unmarshalerType) {
			return callUnmarshalJSON(t)
		}
	}
	switch t.Kind() {
	case reflect.String:
		return decodeString
	case reflect.Bool:
		return decodeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return decodeInt(t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return decodeUint(t.Bits())
	case reflect.Float32, reflect.Float64:
		return decodeFloat(t.Bits())
	case reflect.Interface:
		if t == emptyInterface {
			return decodeAny
		}
	case reflect.Pointer:
		return compilePointer(t, building)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // base64 in v2
		}
		return compileSlice(t, building)
	case reflect.Map:
		if t.Key() == stringType {
			return compileMap(t, building)
		}
	case reflect.Struct:
		return compileStruct(t, building)
	}
	return nil
}

// viaV2 decodes one value of t with the v2 engine: types whose methods or
// shape the fast plan does not know.
func viaV2(t reflect.Type) decodeFn {
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		d.skipSpace()
		start := d.pos
		if !d.skipValue() {
			return false
		}
		return jsonv2.Unmarshal(d.buf[start:d.pos], reflect.NewAt(t, p).Interface(), decodeOptions) == nil
	}
}

// callUnmarshalJSON hands the value's bytes to t's UnmarshalJSON, as the
// v2 engine does (null included, for a value that is not a pointer).
func callUnmarshalJSON(t reflect.Type) decodeFn {
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		d.skipSpace()
		start := d.pos
		if !d.skipValue() {
			return false
		}
		u := reflect.NewAt(t, p).Interface().(json.Unmarshaler)
		return u.UnmarshalJSON(d.buf[start:d.pos]) == nil
	}
}

// decodeID is ID's UnmarshalJSON without its detour through encoding/json
// for strings: a string, an integer kept as its digits, or null.
func decodeID(d *fastDecoder, p unsafe.Pointer) bool {
	if c := d.peek(); c == '"' || c == 'n' {
		return decodeString(d, p) // an ID is a string underneath
	}
	digits, ok := d.readNumber()
	if !ok {
		return false
	}
	if _, err := strconv.ParseInt(digits, 10, 64); err != nil {
		return false
	}
	*(*string)(p) = d.share(unsafe.Slice(unsafe.StringData(digits), len(digits)))
	return true
}

func decodeString(d *fastDecoder, p unsafe.Pointer) bool {
	switch d.peek() {
	case '"':
		s, ok := d.readString()
		*(*string)(p) = s
		return ok
	case 'n':
		*(*string)(p) = ""
		return d.literal("null")
	}
	return false
}

func decodeBool(d *fastDecoder, p unsafe.Pointer) bool {
	switch d.peek() {
	case 't':
		*(*bool)(p) = true
		return d.literal("true")
	case 'f':
		*(*bool)(p) = false
		return d.literal("false")
	case 'n':
		*(*bool)(p) = false
		return d.literal("null")
	}
	return false
}

// numberPlan reads a JSON number with parse (null reads as zero) and
// stores it with set.
func numberPlan[N int64 | uint64 | float64](parse func(string) (N, error), set func(unsafe.Pointer, N)) decodeFn {
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		var n N
		if d.peek() == 'n' {
			if !d.literal("null") {
				return false
			}
		} else {
			s, ok := d.readNumber()
			if !ok {
				return false
			}
			var err error
			if n, err = parse(s); err != nil {
				return false
			}
		}
		set(p, n)
		return true
	}
}

func decodeInt(bits int) decodeFn {
	return numberPlan(func(s string) (int64, error) { return strconv.ParseInt(s, 10, bits) },
		func(p unsafe.Pointer, n int64) { storeBits(p, bits, uint64(n)) })
}

func decodeUint(bits int) decodeFn {
	return numberPlan(func(s string) (uint64, error) { return strconv.ParseUint(s, 10, bits) },
		func(p unsafe.Pointer, n uint64) { storeBits(p, bits, n) })
}

// storeBits writes the low bits of n at p, an integer that wide. Signed or
// not, the bits are the same: int8(-1) and uint8(255) are both 0xff.
func storeBits(p unsafe.Pointer, bits int, n uint64) {
	switch bits {
	case 8:
		*(*uint8)(p) = uint8(n)
	case 16:
		*(*uint16)(p) = uint16(n)
	case 32:
		*(*uint32)(p) = uint32(n)
	default:
		*(*uint64)(p) = n
	}
}

func decodeFloat(bits int) decodeFn {
	return numberPlan(func(s string) (float64, error) { return strconv.ParseFloat(s, bits) },
		func(p unsafe.Pointer, f float64) {
			if bits == 32 {
				*(*float32)(p) = float32(f)
			} else {
				*(*float64)(p) = f
			}
		})
}

// decodeAny reads a value into an empty interface the way the v2 engine
// does: objects as map[string]any, arrays as []any, numbers as float64.
func decodeAny(d *fastDecoder, p unsafe.Pointer) bool {
	v, ok := d.readAny()
	*(*any)(p) = v
	return ok
}

func (d *fastDecoder) readAny() (any, bool) {
	switch d.peek() {
	case '"':
		return d.readString()
	case 'n':
		return nil, d.literal("null")
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case '{':
		if !d.enter() {
			return nil, false
		}
		m := map[string]any{}
		more, ok := d.firstMember('}')
		for ; ok && more; more, ok = d.nextMember('}') {
			key, kok := d.readName()
			if !kok {
				return nil, false
			}
			if _, dup := m[key]; dup {
				return nil, false
			}
			v, vok := d.readAny()
			if !vok {
				return nil, false
			}
			m[key] = v
		}
		d.depth--
		return m, ok
	case '[':
		if !d.enter() {
			return nil, false
		}
		s := []any{}
		more, ok := d.firstMember(']')
		for ; ok && more; more, ok = d.nextMember(']') {
			v, vok := d.readAny()
			if !vok {
				return nil, false
			}
			s = append(s, v)
		}
		d.depth--
		return s, ok
	}
	s, ok := d.readNumber()
	if !ok {
		return nil, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// compilePointer allocates the target unless the value is null. Scalars
// with no methods come out of the decoder's blocks.
func compilePointer(t reflect.Type, building map[reflect.Type]*plan) decodeFn {
	elem := t.Elem()
	ep := compilePlan(elem, building)
	alloc := func(*fastDecoder) unsafe.Pointer { return reflect.New(elem).UnsafePointer() }
	if reflect.PointerTo(elem).NumMethod() == 0 {
		switch {
		case elem.Kind() == reflect.String:
			alloc = func(d *fastDecoder) unsafe.Pointer { return take(&d.strBlock) }
		case elem.Kind() == reflect.Bool:
			alloc = func(d *fastDecoder) unsafe.Pointer { return take(&d.boolBlock) }
		case elem.Kind() == reflect.Slice:
			// Every slice header has one layout (a pointer, then two
			// ints), so one block serves them all.
			alloc = func(d *fastDecoder) unsafe.Pointer { return take(&d.headerBlock) }
		case elem.Size() == 8 && (elem.Kind() == reflect.Int || elem.Kind() == reflect.Int64 ||
			elem.Kind() == reflect.Uint || elem.Kind() == reflect.Uint64 || elem.Kind() == reflect.Float64):
			alloc = func(d *fastDecoder) unsafe.Pointer { return take(&d.wordBlock) }
		}
	}
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		if d.peek() == 'n' {
			*(*unsafe.Pointer)(p) = nil
			return d.literal("null")
		}
		q := alloc(d)
		*(*unsafe.Pointer)(p) = q
		return ep.decode(d, q)
	}
}

// take hands out the next element of a block, making a new block when
// it is used up.
func take[T any](block *[]T) unsafe.Pointer { return takeN(block, 1) }

// takeN hands out the next n elements of a block, making a new block when
// fewer are left.
func takeN[T any](block *[]T, n int) unsafe.Pointer {
	if len(*block) < n {
		*block = make([]T, max(blockLen, n))
	}
	q := unsafe.Pointer(&(*block)[0])
	*block = (*block)[n:]
	return q
}

// sliceHeader is the layout of every Go slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// compileSlice reads an array into a new slice. Its backing array starts
// at the power of two that held the last array of this type (answers tend
// to repeat their sizes: 20 members, 100 messages) and doubles when full;
// null is a nil slice and [] an empty one that is not nil, as in v2.
func compileSlice(t reflect.Type, building map[reflect.Type]*plan) decodeFn {
	elem := t.Elem()
	ep := compilePlan(elem, building)
	size := elem.Size()
	empty := reflect.MakeSlice(t, 0, 0).UnsafePointer()
	var (
		arrays [maxArrayShift + 1]atomic.Pointer[reflect.Type] // [k]: [1<<k]elem
		last   atomic.Int64                                    // the last length read
	)
	arrayOf := func(k int) reflect.Type {
		if at := arrays[k].Load(); at != nil {
			return *at
		}
		at := reflect.ArrayOf(1<<k, elem)
		arrays[k].Store(&at)
		return at
	}
	newArray := func(_ *fastDecoder, k int) unsafe.Pointer { return reflect.New(arrayOf(k)).UnsafePointer() }
	if elem.Kind() == reflect.String {
		// Small arrays of strings (roles, user ids, favorites) are cut
		// from the decoder's block of strings; the slice's capacity ends
		// where its part of the block does.
		newArray = func(d *fastDecoder, k int) unsafe.Pointer {
			if k > 4 {
				return reflect.New(arrayOf(k)).UnsafePointer()
			}
			return takeN(&d.strBlock, 1<<k)
		}
	}
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		h := (*sliceHeader)(p)
		switch d.peek() {
		case 'n':
			*h = sliceHeader{}
			return d.literal("null")
		case '[':
		default:
			return false
		}
		if !d.enter() {
			return false
		}
		more, ok := d.firstMember(']')
		if !more {
			*h = sliceHeader{data: empty}
			d.depth--
			return ok
		}
		k := min(bits.Len64(uint64(max(last.Load()-1, 0))), maxArrayShift/2)
		data := newArray(d, k)
		n := 0
		for ; ok && more; more, ok = d.nextMember(']') {
			if n == 1<<k {
				if k == maxArrayShift {
					return false
				}
				q := newArray(d, k+1)
				reflect.Copy(reflect.NewAt(arrayOf(k+1), q).Elem(), reflect.NewAt(arrayOf(k), data).Elem())
				k, data = k+1, q
			}
			if !ep.decode(d, unsafe.Add(data, uintptr(n)*size)) {
				return false
			}
			n++
		}
		last.Store(int64(n))
		*h = sliceHeader{data: data, len: n, cap: 1 << k}
		d.depth--
		return ok
	}
}

// maxArrayShift bounds the arrays the fast plan makes at 1<<maxArrayShift
// elements (more than a 32 MiB body can hold); it starts one at no more
// than 1<<(maxArrayShift/2).
const maxArrayShift = 26

// compileMap reads an object into a new map[string]T; a repeated key is
// left to the v2 engine.
func compileMap(t reflect.Type, building map[reflect.Type]*plan) decodeFn {
	ep := compilePlan(t.Elem(), building)
	elem := t.Elem()
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		mv := reflect.NewAt(t, p).Elem()
		switch d.peek() {
		case 'n':
			mv.SetZero()
			return d.literal("null")
		case '{':
		default:
			return false
		}
		if !d.enter() {
			return false
		}
		m := reflect.MakeMap(t)
		more, ok := d.firstMember('}')
		for ; ok && more; more, ok = d.nextMember('}') {
			key, kok := d.readName()
			if !kok {
				return false
			}
			k := reflect.ValueOf(key)
			if m.MapIndex(k).IsValid() {
				return false
			}
			v := reflect.New(elem)
			if !ep.decode(d, v.UnsafePointer()) {
				return false
			}
			m.SetMapIndex(k, v.Elem())
		}
		mv.Set(m)
		d.depth--
		return ok
	}
}

type structField struct {
	name string
	off  uintptr
	bit  uint64
	plan *plan
}

// fieldTable finds a struct's fields by name with a hash of a few of the
// name's bytes that has no collisions among them, chosen when the plan
// is compiled; a struct for which none is found uses a map.
type fieldTable struct {
	slots  []*structField // a power of two long
	mul    uint64
	shift  uint
	byName map[string]*structField
}

func nameKey(name []byte) uint64 {
	n := len(name)
	if n == 0 {
		return 0
	}
	return uint64(n) | uint64(name[0])<<8 | uint64(name[1%n])<<16 | uint64(name[n/3])<<24 |
		uint64(name[n/2])<<32 | uint64(name[2*n/3])<<40 | uint64(name[(2*n-2)%n])<<48 | uint64(name[n-1])<<56
}

func (ft *fieldTable) lookup(name []byte) *structField {
	if ft.byName != nil {
		return ft.byName[string(name)]
	}
	f := ft.slots[(nameKey(name)*ft.mul)>>ft.shift]
	if f != nil && f.name == string(name) {
		return f
	}
	return nil
}

func newFieldTable(fields []*structField) *fieldTable {
	bits := uint(2)
	for 1<<bits < 4*len(fields) {
		bits++
	}
	for ; bits <= 12; bits++ {
		for seed := uint64(1); seed <= 64; seed++ {
			mul := seed*0x9e3779b97f4a7c15 | 1
			slots := make([]*structField, 1<<bits)
			ok := true
			for _, f := range fields {
				i := (nameKey([]byte(f.name)) * mul) >> (64 - bits)
				if slots[i] != nil {
					ok = false
					break
				}
				slots[i] = f
			}
			if ok {
				return &fieldTable{slots: slots, mul: mul, shift: 64 - bits}
			}
		}
	}
	m := make(map[string]*structField, len(fields))
	for _, f := range fields {
		m[f.name] = f
	}
	return &fieldTable{byName: m}
}

// compileStruct matches names exactly; a name that matches a field only
// when case and '_' or '-' are ignored (as decodeOptions allow) is left
// to the v2 engine, as is a name given twice. Unknown names are skipped.
func compileStruct(t reflect.Type, building map[reflect.Type]*plan) decodeFn {
	var fields []*structField
	byName := map[string]bool{}
	folded := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil
		}
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			n, opts, comma := cutComma(tag)
			if n == "-" && !comma {
				continue
			}
			for opts != "" {
				var o string
				o, opts, _ = cutComma(opts)
				if o != "omitempty" && o != "omitzero" {
					return nil
				}
			}
			if n != "" {
				name = n
			}
		}
		if len(fields) == 64 || byName[name] || !isASCII(name) {
			return nil
		}
		byName[name] = true
		fields = append(fields, &structField{name: name, off: f.Offset, bit: 1 << len(fields), plan: compilePlan(f.Type, building)})
		folded[foldASCII(name)] = true
	}
	table := newFieldTable(fields)
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		switch d.peek() {
		case 'n':
			reflect.NewAt(t, p).Elem().SetZero()
			return d.literal("null")
		case '{':
		default:
			return false
		}
		if !d.enter() {
			return false
		}
		var seen uint64
		more, ok := d.firstMember('}')
		for ; ok && more; more, ok = d.nextMember('}') {
			name, nok := d.readNameBytes()
			if !nok {
				return false
			}
			f := table.lookup(name)
			if f == nil {
				if foldedMatch(folded, name) {
					return false
				}
				if !d.skipValue() {
					return false
				}
				continue
			}
			if seen&f.bit != 0 {
				return false
			}
			seen |= f.bit
			if !f.plan.decode(d, unsafe.Add(p, f.off)) {
				return false
			}
		}
		d.depth--
		return ok
	}
}

func cutComma(s string) (before, after string, found bool) {
	return strings.Cut(s, ",")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldedMatch reports whether the ASCII name matches one of folded once
// case, '_' and '-' are ignored.
func foldedMatch(folded map[string]bool, name []byte) bool {
	var buf [64]byte
	if len(name) > len(buf) {
		return folded[foldASCII(string(name))]
	}
	n := 0
	for _, c := range name {
		switch {
		case c == '_' || c == '-':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return folded[string(buf[:n])]
}

// foldASCII is a name as v2 compares names case-insensitively: without
// '_' and '-', upper case. Only for ASCII names.
func foldASCII(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

func (d *fastDecoder) readName() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	s, ok := d.readString()
	if !ok || d.peek() != ':' {
		return "", false
	}
	d.pos++
	return s, true
}

// readString reads the string at pos (which is '"').
func (d *fastDecoder) readString() (string, bool) {
	start := d.pos + 1
	end, escaped, high, ok := d.scanString()
	switch {
	case !ok:
		return "", false
	case escaped:
		return d.unescape(start, true)
	case high && !utf8.Valid(d.buf[start:end]):
		return "", false
	}
	return d.share(d.buf[start:end]), true
}

// share returns b as a string, the same string as last time for short
// text seen before.
func (d *fastDecoder) share(b []byte) string {
	n := len(b)
	if n < 2 || n > 64 {
		return string(b)
	}
	h := uint32(n)*0x9e3779b1 ^ (uint32(b[0]) | uint32(b[n/2])<<8 | uint32(b[n-1])<<16 | uint32(b[n-2])<<24)
	h *= 0x85ebca6b
	h ^= h >> 16
	slot := &d.strs[h%uint32(len(d.strs))]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}
