package featurejson

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The GeoJSON geometry decoder: one pass over the bytes that checks the
// JSON syntax as encoding/json does (same messages, same max depth),
// finds the members it needs by their exact names and reads the
// coordinates straight into orb types, a position at a time. A 3 MB
// polygon of 100,000 positions decodes in a few milliseconds, where
// encoding/json took five passes and over 100 ms; its cost is linear in
// the body, which the caller bounds (httpapi.MaxBodyBytes).
//
// Where encoding/json was loose, this is strict: null or anything other
// than a number inside the coordinates is refused, naming where it is
// (encoding/json read a null position as [0, 0], a null number as 0,
// and skipped any third or later element of a position unread).

// maxJSONDepth is encoding/json's bound on nested arrays and objects.
const maxJSONDepth = 10000

// jsonScanner reads JSON text b from offset i; depth counts the arrays
// and objects open at i.
type jsonScanner struct {
	b     []byte
	i     int
	depth int
}

// jsonSyntaxError is a JSON syntax error, worded as encoding/json words it.
type jsonSyntaxError struct {
	msg string
	off int
}

func (e *jsonSyntaxError) Error() string { return e.msg }

// errAt is the syntax error at the current byte: "invalid character 'x'
// <context>", or the end of the input.
func (s *jsonScanner) errAt(context string) error {
	if s.i >= len(s.b) {
		return &jsonSyntaxError{"unexpected end of JSON input", len(s.b)}
	}
	return &jsonSyntaxError{"invalid character " + quoteJSONChar(s.b[s.i]) + " " + context, s.i}
}

// errAtEnd is the syntax error at the end of the input inside a number,
// a literal or an escape: encoding/json reads the end there as a space.
func (s *jsonScanner) errAtEnd(context string) error {
	return &jsonSyntaxError{"invalid character ' ' " + context, len(s.b)}
}

func quoteJSONChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// startsValue reports whether c can begin a JSON value.
func startsValue(c byte) bool {
	switch c {
	case '{', '[', '"', 't', 'f', 'n', '-':
		return true
	}
	return c >= '0' && c <= '9'
}

// kindAt names the kind of the JSON value beginning with c.
func kindAt(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

// open consumes the '{' or '[' at i.
func (s *jsonScanner) open() error {
	if s.depth >= maxJSONDepth {
		return s.errAt("exceeded max depth")
	}
	s.depth++
	s.i++
	s.ws()
	return nil
}

// next is called after an element or member: it consumes the ',' (and
// the space after it) and reports true, or the closing bracket and
// reports false.
func (s *jsonScanner) next(close byte) (bool, error) {
	s.ws()
	if s.i < len(s.b) {
		switch s.b[s.i] {
		case ',':
			s.i++
			s.ws()
			return true, nil
		case close:
			s.i++
			s.depth--
			return false, nil
		}
	}
	if close == ']' {
		return false, s.errAt("after array element")
	}
	return false, s.errAt("after object key:value pair")
}

// key reads a member name and the ':' after it; name is the decoded name
// (a slice of b when it has no escapes).
func (s *jsonScanner) key() ([]byte, error) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, s.errAt("looking for beginning of object key string")
	}
	name, err := s.str()
	if err != nil {
		return nil, err
	}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return nil, s.errAt("after object key")
	}
	s.i++
	s.ws()
	return name, nil
}

// str reads the string at i and returns its decoded bytes (a slice of b
// when it needs no decoding); invalid UTF-8 and lone surrogates become
// U+FFFD, as encoding/json has them.
func (s *jsonScanner) str() ([]byte, error) {
	b := s.b
	start := s.i + 1
	plain := true
	i := start
	for {
		if i >= len(b) {
			s.i = i
			return nil, s.errAt("")
		}
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			if plain {
				return b[start:i], nil
			}
			return unquoteJSON(b[start:i]), nil
		case c == '\\':
			plain = false
			i++
			if i >= len(b) {
				return nil, s.errAtEnd("in string escape code")
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for range 4 {
					if i >= len(b) {
						return nil, s.errAtEnd(`in \u hexadecimal character escape`)
					}
					if !isHex(b[i]) {
						s.i = i
						return nil, s.errAt(`in \u hexadecimal character escape`)
					}
					i++
				}
			default:
				s.i = i
				return nil, s.errAt("in string escape code")
			}
		case c < 0x20:
			s.i = i
			return nil, s.errAt("in string literal")
		case c >= utf8.RuneSelf:
			plain = false
			i++
		default:
			i++
		}
	}
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// unquoteJSON decodes the inside of a valid JSON string literal.
func unquoteJSON(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == '\\':
			switch in[i+1] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := jsonHex4(in[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(in) && in[i] == '\\' && in[i+1] == 'u' {
						if d := utf16.DecodeRune(r, jsonHex4(in[i+2:i+6])); d != unicode.ReplacementChar {
							out = utf8.AppendRune(out, d)
							i += 6
							continue
						}
					}
					r = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, r)
				continue
			default: // " \ /
				out = append(out, in[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(in[i:])
			out = utf8.AppendRune(out, r) // U+FFFD for a bad byte
			i += n
		}
	}
	return out
}

func jsonHex4(h []byte) rune {
	var r rune
	for _, c := range h {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// number reads the number at i, checking its syntax.
func (s *jsonScanner) number() error {
	b, i := s.b, s.i
	digits := func() {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	fail := func(context string) error {
		s.i = i
		if i >= len(b) {
			return s.errAtEnd(context)
		}
		return s.errAt(context)
	}
	if b[i] == '-' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return fail("in numeric literal")
		}
	}
	if b[i] == '0' {
		i++
	} else {
		digits()
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return fail("after decimal point in numeric literal")
		}
		digits()
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return fail("in exponent of numeric literal")
		}
		digits()
	}
	s.i = i
	return nil
}

// literal reads true, false or null at i.
func (s *jsonScanner) literal() error {
	var word string
	switch s.b[s.i] {
	case 't':
		word = "true"
	case 'f':
		word = "false"
	default:
		word = "null"
	}
	for k := 1; k < len(word); k++ {
		s.i++
		context := fmt.Sprintf("in literal %s (expecting %s)", word, quoteJSONChar(word[k]))
		if s.i >= len(s.b) {
			return s.errAtEnd(context)
		}
		if s.b[s.i] != word[k] {
			return s.errAt(context)
		}
	}
	s.i++
	return nil
}

// skip reads the value at i, checking its syntax, and keeps nothing.
func (s *jsonScanner) skip() error {
	if s.i >= len(s.b) {
		return s.errAt("")
	}
	switch c := s.b[s.i]; {
	case c == '{':
		if err := s.open(); err != nil {
			return err
		}
		if s.i < len(s.b) && s.b[s.i] == '}' {
			s.i++
			s.depth--
			return nil
		}
		for {
			if _, err := s.key(); err != nil {
				return err
			}
			if err := s.skip(); err != nil {
				return err
			}
			more, err := s.next('}')
			if err != nil || !more {
				return err
			}
		}
	case c == '[':
		if err := s.open(); err != nil {
			return err
		}
		if s.i < len(s.b) && s.b[s.i] == ']' {
			s.i++
			s.depth--
			return nil
		}
		for {
			if err := s.skip(); err != nil {
				return err
			}
			more, err := s.next(']')
			if err != nil || !more {
				return err
			}
		}
	case c == '"':
		_, err := s.str()
		return err
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't' || c == 'f' || c == 'n':
		return s.literal()
	}
	return s.errAt("looking for beginning of value")
}

// end checks that only white space follows the top-level value.
func (s *jsonScanner) end() error {
	s.ws()
	if s.i < len(s.b) {
		return s.errAt("after top-level value")
	}
	return nil
}

// coordError is a problem with the coordinates themselves (their JSON is
// fine): msg follows "<what>: " in the answer.
type coordError struct{ msg string }

func (e *coordError) Error() string { return e.msg }

// positionsDepth is how deep a geometry type's positions lie in its
// coordinates (1 for the outermost array), 0 for types not read here.
func positionsDepth(typ string) int {
	switch typ {
	case "LineString":
		return 2
	case "Polygon":
		return 3
	case "MultiPolygon":
		return 4
	}
	return 0
}

// coords reads coordinates whose positions lie at depth into orb types.
type coords struct {
	s     *jsonScanner
	typ   string
	depth int
	idx   [5]int // index of the element being read in the array at each depth
	pts   []orb.Point
	rings []int // for each ring, its end in pts
	polys []int // for each polygon, its end in rings
}

// readCoordinates reads the coordinates of a typ at s.i. A problem with
// them is returned as a *coordError after the value's syntax has been
// checked to its end (so that a later syntax error is still the one
// reported, as encoding/json reports it).
func (s *jsonScanner) readCoordinates(typ string) (orb.Geometry, error) {
	start, depth := s.i, s.depth
	c := coords{s: s, typ: typ, depth: positionsDepth(typ)}
	// Room for the positions the rest of the text can hold at ~16 bytes
	// each, up to MaxQueryVertices and a bit: one allocation for a large
	// polygon, little for a small one in a large body.
	c.pts = make([]orb.Point, 0, min((len(s.b)-s.i)/16+4, 1<<17))
	err := c.level(1)
	if ce, ok := err.(*coordError); ok {
		s.i, s.depth = start, depth
		if err := s.skip(); err != nil {
			return nil, err
		}
		return nil, ce
	}
	if err != nil {
		return nil, err
	}
	return c.geometry(), nil
}

// name names the element being read in the array at depth d (0: the
// coordinates themselves).
func (c *coords) name(d int) string {
	if d == 0 {
		return "the coordinates"
	}
	switch c.depth {
	case 2:
		return positionName(c.idx[1:2], 2)
	case 3:
		if d == 1 {
			return fmt.Sprintf("polygon 0 ring %d", c.idx[1])
		}
		return positionName(c.idx[1:3], 3)
	}
	switch d {
	case 1:
		return fmt.Sprintf("polygon %d", c.idx[1])
	case 2:
		return fmt.Sprintf("polygon %d ring %d", c.idx[1], c.idx[2])
	}
	return positionName(c.idx[1:4], 4)
}

// wrongKind is the problem of a value of the wrong kind at the current
// byte, an element at depth d; a syntax error if no value starts there.
func (c *coords) wrongKind(d int, want string) error {
	s := c.s
	if s.i >= len(s.b) || !startsValue(s.b[s.i]) {
		return s.errAt("looking for beginning of value")
	}
	kind := kindAt(s.b[s.i])
	switch {
	case d > c.depth:
		return &coordError{fmt.Sprintf("the coordinates are not those of a %s: %s holds %s; a position is [lon, lat] (or [lon, lat, height]) of numbers",
			c.typ, c.name(c.depth-1), kind)}
	case d == 1:
		return &coordError{fmt.Sprintf("the coordinates are not those of a %s: they are %s, not an array", c.typ, kind)}
	}
	return &coordError{fmt.Sprintf("the coordinates are not those of a %s: %s is %s, not %s", c.typ, c.name(d-1), kind, want)}
}

// level reads the array at depth d at the current byte.
func (c *coords) level(d int) error {
	if d == c.depth {
		return c.position()
	}
	s := c.s
	if s.i >= len(s.b) || s.b[s.i] != '[' {
		return c.wrongKind(d, "an array")
	}
	if err := s.open(); err != nil {
		return err
	}
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		s.depth--
	} else {
		for k := 0; ; k++ {
			c.idx[d] = k
			if err := c.level(d + 1); err != nil {
				return err
			}
			more, err := s.next(']')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	switch {
	case d == c.depth-1 && c.depth >= 3:
		c.rings = append(c.rings, len(c.pts))
	case d == c.depth-2 && c.depth == 4:
		c.polys = append(c.polys, len(c.rings))
	}
	return nil
}

// position reads one position, [lon, lat] or [lon, lat, height]; the
// height is checked to be a number and dropped.
func (c *coords) position() error {
	s := c.s
	b := s.b
	d := c.depth
	if s.i >= len(b) || b[s.i] != '[' {
		return c.wrongKind(d, "a position")
	}
	if err := s.open(); err != nil {
		return err
	}
	var p orb.Point
	n := 0
	if s.i < len(b) && b[s.i] == ']' {
		s.i++
		s.depth--
	} else {
		for {
			if s.i >= len(b) {
				return s.errAt("")
			}
			if ch := b[s.i]; ch != '-' && (ch < '0' || ch > '9') {
				return c.wrongKind(d+1, "")
			}
			start := s.i
			if err := s.number(); err != nil {
				return err
			}
			if n < 2 {
				v, err := strconv.ParseFloat(unsafe.String(&b[start], s.i-start), 64)
				if err != nil {
					return &coordError{fmt.Sprintf("the coordinates are not those of a %s: %s holds %s, a number out of range",
						c.typ, c.name(d-1), b[start:s.i])}
				}
				p[n] = v
			}
			n++
			more, err := s.next(']')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	if n < 2 || n > 3 {
		return &coordError{fmt.Sprintf("%s is %s; a position is [lon, lat] (or [lon, lat, height])", c.name(d-1), numbers(n))}
	}
	c.pts = append(c.pts, p)
	return nil
}

// geometry assembles what was read; the rings share one array of points
// (each capped so that appending to one cannot overwrite the next).
func (c *coords) geometry() orb.Geometry {
	ring := func(k int) orb.Ring {
		lo := 0
		if k > 0 {
			lo = c.rings[k-1]
		}
		return orb.Ring(c.pts[lo:c.rings[k]:c.rings[k]])
	}
	switch c.depth {
	case 2:
		return orb.LineString(c.pts[:len(c.pts):len(c.pts)])
	case 3:
		p := make(orb.Polygon, len(c.rings))
		for k := range p {
			p[k] = ring(k)
		}
		return p
	}
	all := make([]orb.Ring, len(c.rings))
	for k := range all {
		all[k] = ring(k)
	}
	mp := make(orb.MultiPolygon, len(c.polys))
	lo := 0
	for k, hi := range c.polys {
		mp[k] = orb.Polygon(all[lo:hi:hi])
		lo = hi
	}
	return mp
}

// span is where a member's value lies in the text.
type span struct{ start, end int }

// geoObject is what a scan of a GeoJSON object (a geometry, or a Feature
// holding one) found: the last "type" string (a null leaves it as it was,
// as encoding/json does), the last "coordinates" and "geometry" values,
// the first member name that is one of those three but for case, and
// what was decoded on the way.
type geoObject struct {
	typ     string
	typKind string // the kind of a "type" that is not a string
	near    [3]string
	coords  span // zero: absent
	geom    span
	nullC   bool // the last "coordinates" is null
	nullG   bool // the last "geometry" is null
	// Decoded on the way: the coordinates (cg, with a *coordError in
	// cbad) as type ct from span cs, and a Feature's geometry (fg, any
	// problem in fbad) from span fs.
	cg, fg     orb.Geometry
	cbad, fbad error
	ct         string
	cs, fs     span
}

var geoNames = [3]string{"type", "geometry", "coordinates"}

// scanObject reads the object at s.i into o. Coordinates are decoded on
// the way when their type came before them and is one of want; when
// feature, so is a geometry whose Feature type came before it. Only
// syntax errors are returned; everything else is left in o.
func (s *jsonScanner) scanObject(o *geoObject, want []string, feature bool) error {
	if err := s.open(); err != nil {
		return err
	}
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		s.depth--
		return nil
	}
	for {
		name, err := s.key()
		if err != nil {
			return err
		}
		if s.i >= len(s.b) {
			return s.errAt("")
		}
		start := s.i
		switch string(name) {
		case "type":
			switch c := s.b[s.i]; c {
			case '"':
				v, err := s.str()
				if err != nil {
					return err
				}
				o.typ = string(v)
			case 'n':
				err = s.skip()
			default:
				if o.typKind == "" && startsValue(c) {
					o.typKind = kindAt(c)
				}
				err = s.skip()
			}
		case "coordinates":
			o.nullC = s.b[s.i] == 'n'
			if s.b[s.i] == '[' && slices.Contains(want, o.typ) {
				o.cg, err = s.readCoordinates(o.typ)
				o.cbad = nil
				if _, ok := err.(*coordError); ok {
					o.cbad, err = err, nil
				}
				o.ct, o.cs = o.typ, span{start, s.i}
			} else {
				err = s.skip()
			}
			o.coords = span{start, s.i}
		case "geometry":
			o.nullG = s.b[s.i] == 'n'
			if feature && o.typ == "Feature" {
				o.fg, o.fbad, err = s.geometryValue("geometry", want)
				o.fs = span{start, s.i}
			} else {
				err = s.skip()
			}
			o.geom = span{start, s.i}
		default:
			for k, n := range geoNames {
				if o.near[k] == "" && bytes.EqualFold(name, []byte(n)) {
					o.near[k] = string(name)
				}
			}
			err = s.skip()
		}
		if err != nil {
			return err
		}
		more, err := s.next('}')
		if err != nil || !more {
			return err
		}
	}
}

// nearName is the problem of a member named as one of geoNames[k] but for
// case, in the object named path.
func (o *geoObject) nearName(path string, k int) error {
	name := o.near[k]
	if name == "" {
		return nil
	}
	return &zonegis.Error{Code: zonegis.EINVALID,
		Message: fmt.Sprintf("%s: no property %q (names are case-sensitive: did you mean %q?)", path, name, geoNames[k]),
		Details: map[string]any{"field": strings.TrimPrefix(path+"."+name, "body.")}}
}

// asGeometry checks a scanned geometry object, named what, and returns its
// geometry, one of the types want. b is the text scanned.
func (o *geoObject) asGeometry(b []byte, what string, want []string) (orb.Geometry, error) {
	if o.typKind != "" {
		return nil, invalid("%s: not a GeoJSON geometry: its type is %s, not a string", what, o.typKind)
	}
	if err := o.nearName(what, 0); err != nil {
		return nil, err
	}
	if err := o.nearName(what, 2); err != nil {
		return nil, err
	}
	if !slices.Contains(want, o.typ) {
		return nil, invalid("%s: want a %s, got %s", what, strings.Join(want, " or "), typeName(o.typ))
	}
	if o.coords == (span{}) || o.nullC {
		return nil, invalid("%s: a %s needs coordinates", what, o.typ)
	}
	g, bad := o.cg, o.cbad
	if o.cs != o.coords || o.ct != o.typ {
		// The type came after the coordinates, or changed: read them
		// again, as that type (their syntax is known to be fine).
		s := jsonScanner{b: b[:o.coords.end], i: o.coords.start}
		var err error
		g, err = s.readCoordinates(o.typ)
		bad = nil
		if err != nil {
			bad = err
		}
	}
	if bad != nil {
		return nil, invalid("%s: %v", what, bad)
	}
	return g, nil
}

// geometryValue reads the value at s.i as a GeoJSON geometry named what,
// of one of the types want. err is a syntax error; bad any other problem.
func (s *jsonScanner) geometryValue(what string, want []string) (g orb.Geometry, bad, err error) {
	if s.i >= len(s.b) {
		return nil, nil, s.errAt("")
	}
	switch c := s.b[s.i]; c {
	case '{':
	case 'n':
		if err := s.literal(); err != nil {
			return nil, nil, err
		}
		return nil, invalid("%s: want a %s, got no type", what, strings.Join(want, " or ")), nil
	default:
		if err := s.skip(); err != nil {
			return nil, nil, err
		}
		return nil, invalid("%s: not a GeoJSON geometry: want a JSON object, not %s", what, kindAt(c)), nil
	}
	var o geoObject
	if err := s.scanObject(&o, want, false); err != nil {
		return nil, nil, err
	}
	g, bad = o.asGeometry(s.b, what, want)
	return g, bad, nil
}

// DecodeGeoJSON reads a GeoJSON geometry of one of the types want
// (Polygon, MultiPolygon, LineString), named what in errors: member names
// exactly as GeoJSON spells them (other members are ignored), and every
// position of 2 numbers (lon, lat) or 3 (a height, ignored).
func DecodeGeoJSON(raw []byte, what string, want ...string) (orb.Geometry, error) {
	s := jsonScanner{b: raw}
	s.ws()
	g, bad, err := s.geometryValue(what, want)
	if err == nil {
		err = s.end()
	}
	if err != nil {
		return nil, invalid("%s: not a GeoJSON geometry: %v", what, err)
	}
	return g, bad
}

// decodeBodyPolygon reads a request body that is a GeoJSON Polygon or
// MultiPolygon, bare or as a Feature's geometry, in one pass.
func decodeBodyPolygon(body []byte) (orb.MultiPolygon, error) {
	want := []string{"Polygon", "MultiPolygon"}
	s := jsonScanner{b: body}
	s.ws()
	if s.i >= len(s.b) {
		return nil, invalid("body is not valid JSON: %v", s.errAt(""))
	}
	var g orb.Geometry
	var bad error
	switch c := body[s.i]; c {
	case '{':
		var o geoObject
		err := s.scanObject(&o, want, true)
		if err == nil {
			err = s.end()
		}
		if err != nil {
			return nil, invalid("body is not valid JSON: %v", err)
		}
		if o.typKind != "" {
			return nil, invalid("body: its type is %s, not a string", o.typKind)
		}
		if err := o.nearName("body", 0); err != nil {
			return nil, err
		}
		if err := o.nearName("body", 1); err != nil {
			return nil, err
		}
		if o.typ != "Feature" {
			g, bad = o.asGeometry(body, "body", want)
			break
		}
		if o.geom == (span{}) || o.nullG {
			return nil, invalid("body: the Feature has no geometry")
		}
		g, bad = o.fg, o.fbad
		if o.fs != o.geom {
			s := jsonScanner{b: body[:o.geom.end], i: o.geom.start}
			g, bad, _ = s.geometryValue("geometry", want)
		}
	default:
		err := s.skip()
		if err == nil {
			err = s.end()
		}
		if err != nil {
			return nil, invalid("body is not valid JSON: %v", err)
		}
		if c == 'n' {
			return nil, invalid("body: want a Polygon or MultiPolygon, got no type")
		}
		return nil, invalid("body is not valid JSON: want a JSON object, not %s", kindAt(c))
	}
	if bad != nil {
		return nil, bad
	}
	if p, ok := g.(orb.Polygon); ok {
		return orb.MultiPolygon{p}, nil
	}
	return g.(orb.MultiPolygon), nil
}

// ReadPolygon reads a GeoJSON Polygon or MultiPolygon (bare, or as a
// Feature's geometry) and checks it: rings closed with at least 4
// positions, coordinates finite and within lon/lat range, at most
// MaxPolygonVertices vertices.
func ReadPolygon(body []byte) (orb.MultiPolygon, error) {
	mp, err := decodeBodyPolygon(body)
	if err != nil {
		return nil, err
	}
	return mp, CheckPolygon(mp)
}

// CheckPolygon checks structure and coordinates of a (multi)polygon.
func CheckPolygon(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return invalid("geometry: the polygon is empty")
	}
	n := 0
	for i, poly := range mp {
		if len(poly) == 0 {
			return invalid("geometry: polygon %d has no rings", i)
		}
		for j, ring := range poly {
			if len(ring) < 4 {
				return invalid("geometry: polygon %d ring %d has %d positions; a ring needs at least 4", i, j, len(ring))
			}
			if ring[0] != ring[len(ring)-1] {
				return invalid("geometry: polygon %d ring %d is not closed (first and last positions differ)", i, j)
			}
			for k, p := range ring {
				if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
					return invalid("geometry: polygon %d ring %d position %d is not a finite number", i, j, k)
				}
				if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
					return invalid("geometry: polygon %d ring %d position %d [%v, %v] is outside lon [-180, 180] / lat [-90, 90]", i, j, k, p[0], p[1])
				}
				if k > 0 && crossesAntimeridian(ring[k-1], p) {
					return invalid("geometry: polygon %d ring %d crosses the antimeridian between positions %d and %d ([%v, %v] to [%v, %v], %v° of longitude apart); "+
						"as RFC 7946 section 3.1.9 asks, split it at ±180° into a MultiPolygon whose parts each stay on one side", i, j, k-1, k, ring[k-1][0], ring[k-1][1], p[0], p[1], math.Abs(p[0]-ring[k-1][0]))
				}
			}
			n += len(ring)
			if n > MaxPolygonVertices {
				return zonegis.Errorf(zonegis.ETOOLARGE, "geometry: more than %d vertices", MaxPolygonVertices)
			}
		}
	}
	return nil
}

// crossesAntimeridian reports whether the edge a→b is more than 180° of
// longitude long: drawn straight in lon/lat (as GeoJSON and the index take
// it) it runs the long way round the world, which is almost always a ring
// meant to cross ±180° the short way. An edge between two positions on the
// antimeridian itself (-180 and 180, as in a whole-world box or a
// full-width band) runs along the full width and is meant so.
func crossesAntimeridian(a, b orb.Point) bool {
	return math.Abs(b[0]-a[0]) > 180 && !(math.Abs(a[0]) == 180 && math.Abs(b[0]) == 180)
}
