package cql2

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// jv is a JSON value with the byte offset where it starts.
type jv struct {
	kind byte // '{', '[', 's', 'n', 'b', '0' (null)
	pos  int
	str  string // a string; a number's text
	b    bool
	keys []string
	kpos []int // where each key starts
	vals []*jv // an object's values (by keys) or an array's items
}

func (v *jv) get(key string) *jv {
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

func (v *jv) text() string {
	switch v.kind {
	case '{':
		return "{"
	case '[':
		return "["
	case 's':
		return strconv.Quote(v.str)
	case 'b':
		return strconv.FormatBool(v.b)
	case '0':
		return "null"
	}
	return v.str
}

// jsonReader reads a JSON document into jv values, bounded.
type jsonReader struct {
	dec   *json.Decoder
	depth int
	cnt   counter
}

func (r *jsonReader) value() (*jv, error) {
	pos := int(r.dec.InputOffset())
	t, err := r.dec.Token()
	if err != nil {
		return nil, r.syntax(pos, err)
	}
	// InputOffset before Token is the end of the previous token: skip the
	// separators to point at the value itself.
	if err := r.cnt.node(pos, ""); err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		r.depth++
		if r.depth > r.cnt.lim.Depth {
			return nil, errAt(pos, string(t), "filter nested deeper than %d", r.cnt.lim.Depth)
		}
		defer func() { r.depth-- }()
		v := &jv{kind: byte(t), pos: pos}
		for r.dec.More() {
			if t == '{' {
				kpos := int(r.dec.InputOffset())
				k, err := r.dec.Token()
				if err != nil {
					return nil, r.syntax(kpos, err)
				}
				ks, _ := k.(string)
				if v.get(ks) != nil {
					return nil, errAt(kpos, ks, "member given twice")
				}
				v.keys = append(v.keys, ks)
				v.kpos = append(v.kpos, kpos)
			}
			item, err := r.value()
			if err != nil {
				return nil, err
			}
			v.vals = append(v.vals, item)
		}
		if _, err := r.dec.Token(); err != nil {
			return nil, r.syntax(int(r.dec.InputOffset()), err)
		}
		return v, nil
	case string:
		if len(t) > r.cnt.lim.Literal {
			return nil, errAt(pos, t[:40], "string longer than %d bytes", r.cnt.lim.Literal)
		}
		return &jv{kind: 's', pos: pos, str: t}, nil
	case json.Number:
		return &jv{kind: 'n', pos: pos, str: string(t)}, nil
	case bool:
		return &jv{kind: 'b', pos: pos, b: t}, nil
	}
	return &jv{kind: '0', pos: pos}, nil
}

func (r *jsonReader) syntax(pos int, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errAt(int(se.Offset), "", "not JSON: %s", strings.TrimPrefix(se.Error(), "invalid character "))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errAt(pos, "", "JSON ends early")
	}
	return errAt(pos, "", "not JSON: %v", err)
}

// ParseJSON reads a cql2-json filter.
func ParseJSON(src string, lim Limits) (*Node, error) {
	if len(src) > lim.Bytes {
		return nil, errAt(lim.Bytes, "", "filter longer than %d bytes", lim.Bytes)
	}
	if !utf8.ValidString(src) {
		return nil, errAt(0, "", "filter is not UTF-8")
	}
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	r := &jsonReader{dec: dec, cnt: counter{lim: lim}}
	v, err := r.value()
	if err != nil {
		return nil, err
	}
	if off := int(dec.InputOffset()); len(bytes.TrimSpace([]byte(src[off:]))) > 0 {
		return nil, errAt(off, src[off:min(off+20, len(src))], "text after the JSON value")
	}
	// positions point at the separators before a value: move them on
	fix(v, src)
	c := &jsonConv{cnt: counter{lim: lim}}
	return c.node(v)
}

// fix moves each value's position past the whitespace, commas and colons
// that json.Decoder's offsets include.
func fix(v *jv, src string) {
	for v.pos < len(src) && strings.IndexByte(" \t\r\n,:", src[v.pos]) >= 0 {
		v.pos++
	}
	for i, k := range v.kpos {
		for k < len(src) && strings.IndexByte(" \t\r\n,:{", src[k]) >= 0 {
			k++
		}
		v.kpos[i] = k
	}
	for _, c := range v.vals {
		fix(c, src)
	}
}

type jsonConv struct{ cnt counter }

func (c *jsonConv) node(v *jv) (*Node, error) {
	switch v.kind {
	case 's':
		return &Node{Op: "string", Str: v.str, Pos: v.pos}, nil
	case 'n':
		f, err := strconv.ParseFloat(v.str, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, errAt(v.pos, v.str, "not a finite number")
		}
		return &Node{Op: "number", Num: f, Pos: v.pos}, nil
	case 'b':
		return &Node{Op: "bool", Bool: v.b, Pos: v.pos}, nil
	case '0':
		return nil, errAt(v.pos, "null", "null is not a CQL2 value (use isNull)")
	case '[':
		n := &Node{Op: "array", Pos: v.pos}
		for _, item := range v.vals {
			a, err := c.node(item)
			if err != nil {
				return nil, err
			}
			n.Args = append(n.Args, a)
		}
		return n, nil
	}
	only := func(names ...string) error {
		for i, k := range v.keys {
			found := false
			for _, n := range names {
				found = found || k == n
			}
			if !found {
				return errAt(v.kpos[i], k, "unknown member")
			}
		}
		return nil
	}
	switch {
	case v.get("op") != nil:
		if err := only("op", "args"); err != nil {
			return nil, err
		}
		opv := v.get("op")
		want, ok := arity[opv.str]
		if opv.kind != 's' || !ok {
			return nil, errAt(opv.pos, opv.text(), "unknown operator or function")
		}
		args := v.get("args")
		if args == nil || args.kind != '[' {
			return nil, errAt(v.pos, opv.str, "%s needs its arguments in an array \"args\"", opv.str)
		}
		if want >= 0 && len(args.vals) != want || want < 0 && len(args.vals) < 2 {
			return nil, errAt(opv.pos, opv.str, "%s takes %s arguments, not %d", opv.str, arityText(want), len(args.vals))
		}
		n := &Node{Op: opv.str, Pos: v.pos}
		for _, a := range args.vals {
			x, err := c.node(a)
			if err != nil {
				return nil, err
			}
			n.Args = append(n.Args, x)
		}
		return n, nil
	case v.get("property") != nil:
		p := v.get("property")
		if err := only("property"); err != nil {
			return nil, err
		}
		if p.kind != 's' || p.str == "" {
			return nil, errAt(p.pos, p.text(), "a property's name is a non-empty string")
		}
		return &Node{Op: "property", Name: p.str, Pos: v.pos}, nil
	case v.get("date") != nil || v.get("timestamp") != nil:
		kind := "date"
		if v.get("timestamp") != nil {
			kind = "timestamp"
		}
		if err := only(kind); err != nil {
			return nil, err
		}
		s := v.get(kind)
		if s.kind != 's' {
			return nil, errAt(s.pos, s.text(), "a %s is a string", kind)
		}
		n, err := parseInstant(s.str, s.pos, kind)
		if n != nil {
			n.Pos = v.pos
		}
		return n, err
	case v.get("interval") != nil:
		if err := only("interval"); err != nil {
			return nil, err
		}
		a := v.get("interval")
		if a.kind != '[' || len(a.vals) != 2 {
			return nil, errAt(a.pos, a.text(), "an interval is an array of 2 instants")
		}
		n := &Node{Op: "interval", Pos: v.pos}
		for _, e := range a.vals {
			var x *Node
			var err error
			switch {
			case e.kind == 's' && e.str == "..":
				x = &Node{Op: "open", Pos: e.pos}
			case e.kind == 's':
				x, err = parseInstant(e.str, e.pos, "")
			default:
				x, err = c.node(e)
			}
			if err != nil {
				return nil, err
			}
			n.Args = append(n.Args, x)
		}
		return n, nil
	case v.get("bbox") != nil:
		if err := only("bbox"); err != nil {
			return nil, err
		}
		a := v.get("bbox")
		if a.kind != '[' {
			return nil, errAt(a.pos, a.text(), "a bbox is an array of 4 or 6 numbers")
		}
		nums := make([]float64, 0, 6)
		for _, e := range a.vals {
			f, err := c.number(e)
			if err != nil {
				return nil, err
			}
			nums = append(nums, f)
		}
		return bboxNode(nums, v.pos, "bbox")
	case v.get("type") != nil:
		g, err := c.geometry(v)
		if err != nil {
			return nil, err
		}
		return &Node{Op: "geometry", Geom: g, Pos: v.pos}, nil
	}
	if len(v.keys) == 0 {
		return nil, errAt(v.pos, "{", "an empty object is no CQL2 expression")
	}
	return nil, errAt(v.kpos[0], v.keys[0], "unknown member: want op, property, date, timestamp, interval, bbox or a GeoJSON geometry")
}

func arityText(n int) string {
	if n < 0 {
		return "2 or more"
	}
	return strconv.Itoa(n)
}

func (c *jsonConv) number(e *jv) (float64, error) {
	if e.kind != 'n' {
		return 0, errAt(e.pos, e.text(), "expected a number")
	}
	f, err := strconv.ParseFloat(e.str, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, errAt(e.pos, e.str, "not a finite number")
	}
	return f, nil
}

// geometry reads a GeoJSON geometry object.
func (c *jsonConv) geometry(v *jv) (orb.Geometry, error) {
	t := v.get("type")
	if t.kind != 's' {
		return nil, errAt(t.pos, t.text(), "a geometry's type is a string")
	}
	if t.str == "GeometryCollection" {
		if err := only(v, "type", "geometries", "bbox"); err != nil {
			return nil, err
		}
		gs := v.get("geometries")
		if gs == nil || gs.kind != '[' {
			return nil, errAt(v.pos, t.str, "a GeometryCollection needs an array \"geometries\"")
		}
		var gc orb.Collection
		for _, g := range gs.vals {
			if g.kind != '{' || g.get("type") == nil {
				return nil, errAt(g.pos, g.text(), "expected a GeoJSON geometry")
			}
			x, err := c.geometry(g)
			if err != nil {
				return nil, err
			}
			gc = append(gc, x)
		}
		return gc, nil
	}
	if err := only(v, "type", "coordinates", "bbox"); err != nil {
		return nil, err
	}
	co := v.get("coordinates")
	if co == nil {
		return nil, errAt(v.pos, t.str, "a geometry needs \"coordinates\"")
	}
	switch t.str {
	case "Point":
		return c.point(co)
	case "LineString":
		return c.line(co)
	case "MultiPoint":
		ps, err := c.line(co)
		return orb.MultiPoint(ps), err
	case "Polygon":
		return c.polygon(co)
	case "MultiLineString":
		var ml orb.MultiLineString
		err := c.items(co, func(e *jv) error {
			l, err := c.line(e)
			ml = append(ml, l)
			return err
		})
		return ml, err
	case "MultiPolygon":
		var mp orb.MultiPolygon
		err := c.items(co, func(e *jv) error {
			pg, err := c.polygon(e)
			mp = append(mp, pg)
			return err
		})
		return mp, err
	}
	return nil, errAt(t.pos, t.str, "unknown geometry type")
}

func only(v *jv, names ...string) error {
	for i, k := range v.keys {
		found := false
		for _, n := range names {
			found = found || k == n
		}
		if !found {
			return errAt(v.kpos[i], k, "unknown member of a geometry")
		}
	}
	return nil
}

func (c *jsonConv) items(e *jv, fn func(*jv) error) error {
	if e.kind != '[' {
		return errAt(e.pos, e.text(), "expected an array")
	}
	for _, x := range e.vals {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func (c *jsonConv) point(e *jv) (orb.Point, error) {
	if e.kind != '[' || len(e.vals) < 2 || len(e.vals) > 3 {
		return orb.Point{}, errAt(e.pos, e.text(), "a position is an array of 2 or 3 numbers")
	}
	if err := c.cnt.vertex(e.pos, "["); err != nil {
		return orb.Point{}, err
	}
	var p orb.Point
	for i, x := range e.vals {
		f, err := c.number(x)
		if err != nil {
			return orb.Point{}, err
		}
		if i < 2 {
			p[i] = f
		}
	}
	return p, nil
}

func (c *jsonConv) line(e *jv) (orb.LineString, error) {
	var l orb.LineString
	err := c.items(e, func(x *jv) error {
		p, err := c.point(x)
		l = append(l, p)
		return err
	})
	return l, err
}

func (c *jsonConv) polygon(e *jv) (orb.Polygon, error) {
	var pg orb.Polygon
	err := c.items(e, func(x *jv) error {
		l, err := c.line(x)
		if err == nil && (len(l) < 4 || l[0] != l[len(l)-1]) {
			err = errAt(x.pos, "[", "a polygon's ring needs at least 4 positions, the last equal to the first")
		}
		pg = append(pg, orb.Ring(l))
		return err
	})
	return pg, err
}
