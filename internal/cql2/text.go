package cql2

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// token kinds of cql2-text.
const (
	tEOF    = iota
	tIdent  // a name or a keyword: AND, S_INTERSECTS, landsat:scene_id
	tQuoted // a "double-quoted" property name
	tString // a 'single-quoted' string, '' for a quote
	tNumber
	tPunct // ( ) , + - * / % ^ = <> < > <= >=
)

type token struct {
	kind int
	text string // the token as written (for errors); a string's or name's value in val
	val  string
	pos  int
}

// lexer reads cql2-text tokens.
type lexer struct {
	src string
	pos int
	lim Limits
}

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		l.pos += n
	}
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: start}, nil
	}
	c := l.src[l.pos]
	switch {
	case c == '\'':
		var b strings.Builder
		for i := l.pos + 1; i < len(l.src); i++ {
			if l.src[i] == '\'' {
				if i+1 < len(l.src) && l.src[i+1] == '\'' {
					b.WriteByte('\'')
					i++
					continue
				}
				l.pos = i + 1
				if b.Len() > l.lim.Literal {
					return token{}, errAt(start, l.src[start:min(start+40, len(l.src))], "string longer than %d bytes", l.lim.Literal)
				}
				return token{kind: tString, text: l.src[start:l.pos], val: b.String(), pos: start}, nil
			}
			b.WriteByte(l.src[i])
		}
		return token{}, errAt(start, l.src[start:min(start+40, len(l.src))], "string not closed by a quote (')")
	case c == '"':
		end := strings.IndexByte(l.src[l.pos+1:], '"')
		if end < 0 {
			return token{}, errAt(start, l.src[start:min(start+40, len(l.src))], "property name not closed by a double quote")
		}
		l.pos += end + 2
		name := l.src[start+1 : l.pos-1]
		if name == "" || len(name) > l.lim.Literal {
			return token{}, errAt(start, l.src[start:l.pos], "property name empty or too long")
		}
		return token{kind: tQuoted, text: l.src[start:l.pos], val: name, pos: start}, nil
	case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(l.src) && l.src[l.pos+1] >= '0' && l.src[l.pos+1] <= '9':
		i := l.pos
		digits := func() {
			for i < len(l.src) && l.src[i] >= '0' && l.src[i] <= '9' {
				i++
			}
		}
		digits()
		if i < len(l.src) && l.src[i] == '.' {
			i++
			digits()
		}
		if i < len(l.src) && (l.src[i] == 'e' || l.src[i] == 'E') {
			j := i + 1
			if j < len(l.src) && (l.src[j] == '+' || l.src[j] == '-') {
				j++
			}
			if j < len(l.src) && l.src[j] >= '0' && l.src[j] <= '9' {
				i = j
				digits()
			}
		}
		l.pos = i
		return token{kind: tNumber, text: l.src[start:i], val: l.src[start:i], pos: start}, nil
	case isIdentStart(c):
		i := l.pos
		for i < len(l.src) && (isIdentStart(l.src[i]) || l.src[i] >= '0' && l.src[i] <= '9' || l.src[i] == ':' || l.src[i] == '.') {
			i++
		}
		l.pos = i
		if i-start > l.lim.Literal {
			return token{}, errAt(start, l.src[start:start+40], "name longer than %d bytes", l.lim.Literal)
		}
		return token{kind: tIdent, text: l.src[start:i], val: l.src[start:i], pos: start}, nil
	}
	for _, p := range []string{"<>", "<=", ">=", "(", ")", ",", "+", "-", "*", "/", "%", "^", "=", "<", ">"} {
		if strings.HasPrefix(l.src[l.pos:], p) {
			l.pos += len(p)
			return token{kind: tPunct, text: p, val: p, pos: start}, nil
		}
	}
	_, n := utf8.DecodeRuneInString(l.src[l.pos:])
	return token{}, errAt(start, l.src[start:start+n], "unexpected character")
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// textParser is a recursive-descent parser of cql2-text, one token of
// look-ahead.
type textParser struct {
	lx    lexer
	tok   token
	depth int
	cnt   counter
}

// ParseText reads a cql2-text filter.
func ParseText(src string, lim Limits) (*Node, error) {
	if len(src) > lim.Bytes {
		return nil, errAt(lim.Bytes, "", "filter longer than %d bytes", lim.Bytes)
	}
	if !utf8.ValidString(src) {
		return nil, errAt(0, "", "filter is not UTF-8")
	}
	p := &textParser{lx: lexer{src: src, lim: lim}, cnt: counter{lim: lim}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, errAt(0, "", "filter is empty")
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected("AND, OR or the end of the filter")
	}
	return n, nil
}

func (p *textParser) advance() error {
	t, err := p.lx.next()
	p.tok = t
	return err
}

func (p *textParser) unexpected(want string) error {
	if p.tok.kind == tEOF {
		return errAt(p.tok.pos, "", "expected %s", want)
	}
	return errAt(p.tok.pos, p.tok.text, "expected %s", want)
}

// keyword reports whether the current token is the keyword kw.
func (p *textParser) keyword(kw string) bool {
	return p.tok.kind == tIdent && strings.EqualFold(p.tok.val, kw)
}

func (p *textParser) punct(s string) bool { return p.tok.kind == tPunct && p.tok.val == s }

func (p *textParser) expect(s string) error {
	if !p.punct(s) {
		return p.unexpected("'" + s + "'")
	}
	return p.advance()
}

func (p *textParser) enter() error {
	p.depth++
	if p.depth > p.lx.lim.Depth {
		return errAt(p.tok.pos, p.tok.text, "filter nested deeper than %d", p.lx.lim.Depth)
	}
	return nil
}

func (p *textParser) op(op string, pos int, args ...*Node) (*Node, error) {
	if err := p.cnt.node(pos, op); err != nil {
		return nil, err
	}
	return &Node{Op: op, Args: args, Pos: pos}, nil
}

func (p *textParser) or() (*Node, error) { return p.logical("or", p.and) }

func (p *textParser) and() (*Node, error) { return p.logical("and", p.not) }

// logical reads term {kw term}; a run of one keyword is one n-ary node.
func (p *textParser) logical(kw string, term func() (*Node, error)) (*Node, error) {
	first, err := term()
	if err != nil || !p.keyword(kw) {
		return first, err
	}
	n, err := p.op(kw, first.Pos, first)
	if err != nil {
		return nil, err
	}
	for p.keyword(kw) {
		if err := p.advance(); err != nil {
			return nil, err
		}
		t, err := term()
		if err != nil {
			return nil, err
		}
		n.Args = append(n.Args, t)
	}
	return n, nil
}

func (p *textParser) not() (*Node, error) {
	if !p.keyword("not") {
		return p.predicate()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	pos := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	return p.op("not", pos, x)
}

var comparisons = map[string]bool{"=": true, "<>": true, "<": true, ">": true, "<=": true, ">=": true}

// predicate reads a scalar expression and the comparison, LIKE, BETWEEN,
// IN or IS NULL that may follow it.
func (p *textParser) predicate() (*Node, error) {
	x, err := p.additive()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tPunct && comparisons[p.tok.val] {
		op, pos := p.tok.val, p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		y, err := p.additive()
		if err != nil {
			return nil, err
		}
		return p.op(op, pos, x, y)
	}
	negate, pos := false, p.tok.pos
	if p.keyword("not") {
		negate = true
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.keyword("like") && !p.keyword("between") && !p.keyword("in") {
			return nil, p.unexpected("LIKE, BETWEEN or IN after NOT")
		}
	}
	var n *Node
	switch {
	case p.keyword("like"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		y, err := p.additive()
		if err != nil {
			return nil, err
		}
		n, err = p.op("like", pos, x, y)
		if err != nil {
			return nil, err
		}
	case p.keyword("between"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		lo, err := p.additive()
		if err != nil {
			return nil, err
		}
		if !p.keyword("and") {
			return nil, p.unexpected("AND between the bounds of BETWEEN")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		hi, err := p.additive()
		if err != nil {
			return nil, err
		}
		if n, err = p.op("between", pos, x, lo, hi); err != nil {
			return nil, err
		}
	case p.keyword("in"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		lpos := p.tok.pos
		list, err := p.list()
		if err != nil {
			return nil, err
		}
		arr, err := p.op("array", lpos, list...)
		if err != nil {
			return nil, err
		}
		if n, err = p.op("in", pos, x, arr); err != nil {
			return nil, err
		}
	case p.keyword("is"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.keyword("not") {
			negate = true
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if !p.keyword("null") {
			return nil, p.unexpected("NULL after IS")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if n, err = p.op("isNull", pos, x); err != nil {
			return nil, err
		}
	default:
		return x, nil
	}
	if negate {
		return p.op("not", pos, n)
	}
	return n, nil
}

// list reads "(" expr {"," expr} ")".
func (p *textParser) list() ([]*Node, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var out []*Node
	if p.punct(")") {
		return out, p.advance()
	}
	for {
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
		if p.punct(")") {
			return out, p.advance()
		}
		if err := p.expect(","); err != nil {
			return nil, p.unexpected("',' or ')'")
		}
	}
}

func (p *textParser) additive() (*Node, error) {
	x, err := p.multiplicative()
	for err == nil && (p.punct("+") || p.punct("-")) {
		op, pos := p.tok.val, p.tok.pos
		if err = p.advance(); err != nil {
			return nil, err
		}
		var y *Node
		if y, err = p.multiplicative(); err == nil {
			x, err = p.op(op, pos, x, y)
		}
	}
	return x, err
}

func (p *textParser) multiplicative() (*Node, error) {
	x, err := p.power()
	for err == nil && (p.punct("*") || p.punct("/") || p.punct("%") || p.keyword("div")) {
		op, pos := strings.ToLower(p.tok.val), p.tok.pos
		if err = p.advance(); err != nil {
			return nil, err
		}
		var y *Node
		if y, err = p.power(); err == nil {
			x, err = p.op(op, pos, x, y)
		}
	}
	return x, err
}

func (p *textParser) power() (*Node, error) {
	x, err := p.unary()
	if err != nil || !p.punct("^") {
		return x, err
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	pos := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	y, err := p.power()
	if err != nil {
		return nil, err
	}
	return p.op("^", pos, x, y)
}

func (p *textParser) unary() (*Node, error) {
	if !p.punct("-") && !p.punct("+") {
		return p.primary()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	neg, pos := p.punct("-"), p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.unary()
	if err != nil || !neg {
		return x, err
	}
	if x.Op == "number" {
		x.Num, x.Pos = -x.Num, pos
		return x, nil
	}
	zero, err := p.op("number", pos)
	if err != nil {
		return nil, err
	}
	return p.op("-", pos, zero, x)
}

// The geometry literals' keywords.
var wktTypes = map[string]bool{"POINT": true, "LINESTRING": true, "POLYGON": true, "MULTIPOINT": true,
	"MULTILINESTRING": true, "MULTIPOLYGON": true, "GEOMETRYCOLLECTION": true}

func (p *textParser) primary() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	t := p.tok
	if err := p.cnt.node(t.pos, t.text); err != nil {
		return nil, err
	}
	switch t.kind {
	case tNumber:
		f, err := strconv.ParseFloat(t.val, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, errAt(t.pos, t.text, "not a finite number")
		}
		return &Node{Op: "number", Num: f, Pos: t.pos}, p.advance()
	case tString:
		return &Node{Op: "string", Str: t.val, Pos: t.pos}, p.advance()
	case tQuoted:
		return &Node{Op: "property", Name: t.val, Pos: t.pos}, p.advance()
	case tPunct:
		if t.val != "(" {
			return nil, p.unexpected("a property, a literal, a function or '('")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		return x, p.expect(")")
	case tEOF:
		return nil, p.unexpected("a property, a literal, a function or '('")
	}
	// an identifier
	up := strings.ToUpper(t.val)
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch up {
	case "TRUE", "FALSE":
		return &Node{Op: "bool", Bool: up == "TRUE", Pos: t.pos}, nil
	case "AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "DIV":
		return nil, errAt(t.pos, t.text, "expected a property, a literal, a function or '('")
	}
	if !p.punct("(") {
		if wktTypes[up] || up == "BBOX" {
			if p.keyword("z") || p.keyword("empty") {
				return nil, errAt(p.tok.pos, p.tok.text, "expected '(' (Z and EMPTY geometries are not supported)")
			}
		}
		return &Node{Op: "property", Name: t.val, Pos: t.pos}, nil
	}
	switch {
	case wktTypes[up]:
		g, err := p.wkt(up, t)
		if err != nil {
			return nil, err
		}
		return &Node{Op: "geometry", Geom: g, Pos: t.pos}, nil
	case up == "BBOX":
		nums, err := p.numbers()
		if err != nil {
			return nil, err
		}
		return bboxNode(nums, t.pos, t.text)
	case up == "DATE" || up == "TIMESTAMP":
		if err := p.advance(); err != nil {
			return nil, err
		}
		s := p.tok
		if s.kind != tString {
			return nil, p.unexpected("a quoted " + strings.ToLower(up))
		}
		n, err := parseInstant(s.val, s.pos, strings.ToLower(up))
		if err != nil {
			return nil, err
		}
		n.Pos = t.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		return n, p.expect(")")
	case up == "INTERVAL":
		args, err := p.list()
		if err != nil {
			return nil, err
		}
		if len(args) != 2 {
			return nil, errAt(t.pos, t.text, "INTERVAL takes 2 arguments, not %d", len(args))
		}
		for i, a := range args {
			if a.Op != "string" {
				continue
			}
			if a.Str == ".." {
				args[i] = &Node{Op: "open", Pos: a.Pos}
			} else if args[i], err = parseInstant(a.Str, a.Pos, ""); err != nil {
				return nil, err
			}
		}
		return &Node{Op: "interval", Args: args, Pos: t.pos}, nil
	}
	name := strings.ToLower(t.val)
	want, ok := arity[name]
	if !ok || !strings.Contains(name, "_") && name != "casei" && name != "accenti" {
		return nil, errAt(t.pos, t.text, "unknown function")
	}
	args, err := p.list()
	if err != nil {
		return nil, err
	}
	if len(args) != want {
		return nil, errAt(t.pos, t.text, "%s takes %d arguments, not %d", up, want, len(args))
	}
	return &Node{Op: name, Args: args, Pos: t.pos}, nil
}

// numbers reads "(" number {"," number} ")", signs allowed.
func (p *textParser) numbers() ([]float64, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var out []float64
	for {
		f, err := p.signed()
		if err != nil {
			return nil, err
		}
		out = append(out, f)
		if p.punct(")") {
			return out, p.advance()
		}
		if err := p.expect(","); err != nil {
			return nil, p.unexpected("',' or ')'")
		}
		if len(out) > 6 {
			return nil, p.unexpected("')'")
		}
	}
}

func (p *textParser) signed() (float64, error) {
	sign := 1.0
	if p.punct("-") || p.punct("+") {
		if p.punct("-") {
			sign = -1
		}
		if err := p.advance(); err != nil {
			return 0, err
		}
	}
	if p.tok.kind != tNumber {
		return 0, p.unexpected("a number")
	}
	f, err := strconv.ParseFloat(p.tok.val, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, errAt(p.tok.pos, p.tok.text, "not a finite number")
	}
	return sign * f, p.advance()
}

// wkt reads the rest of a WKT geometry after its keyword.
func (p *textParser) wkt(kind string, t token) (orb.Geometry, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	switch kind {
	case "POINT":
		if err := p.expect("("); err != nil {
			return nil, err
		}
		pt, err := p.position()
		if err != nil {
			return nil, err
		}
		return pt, p.expect(")")
	case "LINESTRING":
		ps, err := p.positions()
		return orb.LineString(ps), err
	case "MULTIPOINT":
		// MULTIPOINT((1 2),(3 4)) and MULTIPOINT(1 2,3 4)
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var mp orb.MultiPoint
		for {
			paren := p.punct("(")
			if paren {
				if err := p.advance(); err != nil {
					return nil, err
				}
			}
			pt, err := p.position()
			if err != nil {
				return nil, err
			}
			if paren {
				if err := p.expect(")"); err != nil {
					return nil, err
				}
			}
			mp = append(mp, pt)
			if p.punct(")") {
				return mp, p.advance()
			}
			if err := p.expect(","); err != nil {
				return nil, p.unexpected("',' or ')'")
			}
		}
	case "POLYGON":
		return p.polygon()
	case "MULTILINESTRING":
		var ml orb.MultiLineString
		err := p.each(func() error {
			ps, err := p.positions()
			ml = append(ml, ps)
			return err
		})
		return ml, err
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		err := p.each(func() error {
			pg, err := p.polygon()
			mp = append(mp, pg)
			return err
		})
		return mp, err
	default: // GEOMETRYCOLLECTION
		var gc orb.Collection
		err := p.each(func() error {
			t := p.tok
			up := strings.ToUpper(t.val)
			if t.kind != tIdent || !wktTypes[up] {
				return p.unexpected("a geometry")
			}
			if err := p.advance(); err != nil {
				return err
			}
			g, err := p.wkt(up, t)
			gc = append(gc, g)
			return err
		})
		return gc, err
	}
}

// each reads "(" item {"," item} ")".
func (p *textParser) each(item func() error) error {
	if err := p.expect("("); err != nil {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if p.punct(")") {
			return p.advance()
		}
		if err := p.expect(","); err != nil {
			return p.unexpected("',' or ')'")
		}
	}
}

func (p *textParser) polygon() (orb.Polygon, error) {
	var pg orb.Polygon
	err := p.each(func() error {
		pos := p.tok.pos
		ps, err := p.positions()
		if err == nil && (len(ps) < 4 || ps[0] != ps[len(ps)-1]) {
			err = errAt(pos, "(", "a polygon's ring needs at least 4 positions, the last equal to the first")
		}
		pg = append(pg, orb.Ring(ps))
		return err
	})
	return pg, err
}

// positions reads "(" position {"," position} ")".
func (p *textParser) positions() ([]orb.Point, error) {
	var ps []orb.Point
	err := p.each(func() error {
		pt, err := p.position()
		ps = append(ps, pt)
		return err
	})
	return ps, err
}

// position reads "x y" or "x y z" (z dropped).
func (p *textParser) position() (orb.Point, error) {
	if err := p.cnt.vertex(p.tok.pos, p.tok.text); err != nil {
		return orb.Point{}, err
	}
	x, err := p.signed()
	if err != nil {
		return orb.Point{}, err
	}
	y, err := p.signed()
	if err != nil {
		return orb.Point{}, err
	}
	if p.tok.kind == tNumber || p.punct("-") {
		if _, err := p.signed(); err != nil {
			return orb.Point{}, err
		}
	}
	return orb.Point{x, y}, nil
}

// bboxNode makes a bbox from 4 numbers (or 6, heights dropped).
func bboxNode(n []float64, pos int, tok string) (*Node, error) {
	var b orb.Bound
	switch len(n) {
	case 4:
		b = orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	case 6:
		b = orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[3], n[4]}}
	default:
		return nil, errAt(pos, tok, "a bbox has 4 or 6 numbers, not %d", len(n))
	}
	if b.Min[1] > b.Max[1] {
		return nil, errAt(pos, tok, "a bbox's south %g is above its north %g", b.Min[1], b.Max[1])
	}
	return &Node{Op: "bbox", Geom: b, Pos: pos}, nil
}
