package cql2

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/vntext"
)

// Type is a queryable's type, as the queryables document names it.
type Type int

// The types of queryables and of expressions.
const (
	String Type = iota
	Number
	Integer
	Boolean
	Date
	Timestamp
	Geometry
	interval // an INTERVAL(…), in temporal functions only
	boolean  // a predicate's result
)

var typeNames = [...]string{"a string", "a number", "an integer", "a boolean", "a date", "a timestamp", "a geometry", "an interval", "a condition"}

func (t Type) String() string { return typeNames[t] }

// Value is a property's value for a feature: Null, or the member of its
// type (S for String, N for Number and Integer, B for Boolean, T for Date
// and Timestamp, UTC).
type Value struct {
	Null bool
	S    string
	N    float64
	B    bool
	T    time.Time
}

// Queryable is a property a filter may name: its type, the values it
// takes when it is enumerated, and how to read it from a feature (Get; for
// the Geometry queryable, Geom).
type Queryable[T any] struct {
	Name        string
	Type        Type
	Enum        []string
	Description string
	Get         func(*T) Value
	Geom        func(*T) orb.MultiPolygon
}

// Program is a compiled filter over features *T. It is for one request:
// it counts the work its evaluations do, and once that passes its budget
// every Match is false and Err says so. Not safe for concurrent use.
type Program[T any] struct {
	match func(*T) tri
	// spent and budget are work units: 1 a node evaluated, plus the
	// positions of both geometries of a spatial test, plus the bytes of a
	// LIKE's text.
	spent, budget int64
	// Bounds are boxes every feature the filter keeps intersects (the
	// spatial predicates among its top-level conjuncts); nil when none.
	Bounds []orb.Bound
	geos   *geosCtx
}

// Match reports whether the filter keeps v (a null comparison keeps
// nothing).
func (p *Program[T]) Match(v *T) bool {
	if p.spent > p.budget {
		return false
	}
	return p.match(v) == yes
}

// Err is non-nil when the evaluations spent the budget: the answer would
// be incomplete.
func (p *Program[T]) Err() error {
	if p.spent > p.budget {
		return ErrBudget
	}
	return nil
}

// ErrBudget is a filter whose evaluation needed more work than its budget.
var ErrBudget = &Error{Msg: "budget"}

// tri is a three-valued truth: a comparison with a null is unknown, and
// NOT unknown is unknown (SQL's rule, which CQL2 keeps).
type tri uint8

const (
	no tri = iota
	yes
	unknown
)

func truth(b bool) tri {
	if b {
		return yes
	}
	return no
}

// Compile type-checks a filter against the queryables and compiles it into
// a Program that may do budget units of work. Its errors name the node's
// position and token: an unknown queryable, a type mismatch, a value not in
// an enumeration.
func Compile[T any](n *Node, qs []Queryable[T], budget int64) (*Program[T], error) {
	c := &compiler[T]{qs: qs, prog: &Program[T]{budget: budget}}
	m, err := c.pred(n)
	if err != nil {
		c.prog.geos.close()
		return nil, err
	}
	c.prog.match = m
	c.prog.Bounds = spatialBounds(n)
	return c.prog, nil
}

// Spatial reports whether the program has a spatial predicate, so may read
// the Geom of the features it matches (a caller whose features' geometry
// costs a decode gives it only then).
func (p *Program[T]) Spatial() bool { return p.geos != nil }

// Close frees the geometry engine's memory the program holds.
func (p *Program[T]) Close() { p.geos.close() }

type compiler[T any] struct {
	qs   []Queryable[T]
	prog *Program[T]
}

func (c *compiler[T]) queryable(n *Node) (*Queryable[T], error) {
	for i := range c.qs {
		if c.qs[i].Name == n.Name {
			return &c.qs[i], nil
		}
	}
	names := make([]string, 0, len(c.qs))
	for _, q := range c.qs {
		names = append(names, q.Name)
	}
	return nil, errAt(n.Pos, n.Name, "%q is not a queryable of this collection (queryables: %s)", n.Name, strings.Join(names, ", "))
}

// pred compiles a node that is a condition.
func (c *compiler[T]) pred(n *Node) (func(*T) tri, error) {
	p := c.prog
	switch n.Op {
	case "and", "or":
		args := make([]func(*T) tri, len(n.Args))
		for i, a := range n.Args {
			f, err := c.pred(a)
			if err != nil {
				return nil, err
			}
			args[i] = f
		}
		stop, other := no, yes
		if n.Op == "or" {
			stop, other = yes, no
		}
		return func(v *T) tri {
			p.spent++
			r := other
			for _, f := range args {
				switch f(v) {
				case stop:
					return stop
				case unknown:
					r = unknown
				}
			}
			return r
		}, nil
	case "not":
		f, err := c.pred(n.Args[0])
		if err != nil {
			return nil, err
		}
		return func(v *T) tri {
			switch f(v) {
			case yes:
				return no
			case no:
				return yes
			}
			return unknown
		}, nil
	case "bool":
		r := truth(n.Bool)
		return func(*T) tri { return r }, nil
	case "=", "<>", "<", ">", "<=", ">=":
		return c.compare(n)
	case "like":
		return c.like(n)
	case "between":
		x, tx, err := c.scalar(n.Args[0])
		if err != nil {
			return nil, err
		}
		lo, tl, err := c.scalar(n.Args[1])
		if err != nil {
			return nil, err
		}
		hi, th, err := c.scalar(n.Args[2])
		if err != nil {
			return nil, err
		}
		for i, t := range []Type{tx, tl, th} {
			if t != Number && t != Integer {
				return nil, errAt(n.Args[i].Pos, opText(n.Args[i]), "BETWEEN compares numbers; this is %s", t)
			}
		}
		return func(v *T) tri {
			p.spent++
			a, l, h := x(v), lo(v), hi(v)
			if a.Null || l.Null || h.Null {
				return unknown
			}
			return truth(a.N >= l.N && a.N <= h.N)
		}, nil
	case "in":
		x, tx, err := c.scalar(n.Args[0])
		if err != nil {
			return nil, err
		}
		if n.Args[1].Op != "array" {
			return nil, errAt(n.Args[1].Pos, opText(n.Args[1]), "IN takes a list of values")
		}
		items := make([]func(*T) Value, len(n.Args[1].Args))
		for i, a := range n.Args[1].Args {
			f, t, err := c.scalar(a)
			if err != nil {
				return nil, err
			}
			if err := c.comparable(n.Args[0], a, tx, t); err != nil {
				return nil, err
			}
			items[i] = f
		}
		return func(v *T) tri {
			a := x(v)
			p.spent += int64(1 + len(items))
			if a.Null {
				return unknown
			}
			r := no
			for _, f := range items {
				b := f(v)
				if b.Null {
					r = unknown
				} else if cmpValues(tx, a, b) == 0 {
					return yes
				}
			}
			return r
		}, nil
	case "isNull":
		if n.Args[0].Op == "property" {
			q, err := c.queryable(n.Args[0])
			if err != nil {
				return nil, err
			}
			if q.Get == nil {
				return func(*T) tri { return no }, nil // a feature's geometry is never null
			}
		}
		x, _, err := c.scalar(n.Args[0])
		if err != nil {
			return nil, err
		}
		return func(v *T) tri { p.spent++; return truth(x(v).Null) }, nil
	}
	if strings.HasPrefix(n.Op, "s_") {
		return c.spatial(n)
	}
	if strings.HasPrefix(n.Op, "t_") {
		return c.temporal(n)
	}
	if n.Op == "property" {
		q, err := c.queryable(n)
		if err != nil {
			return nil, err
		}
		if q.Type == Boolean {
			return func(v *T) tri {
				x := q.Get(v)
				if x.Null {
					return unknown
				}
				return truth(x.B)
			}, nil
		}
	}
	return nil, errAt(n.Pos, opText(n), "expected a condition (a comparison, a predicate, TRUE or FALSE)")
}

func opText(n *Node) string {
	switch n.Op {
	case "property":
		return n.Name
	case "string":
		return n.Str
	}
	return n.String()
}

// comparable checks that two operands' types may be compared, and that a
// string compared with an enumerated queryable is one of its values.
func (c *compiler[T]) comparable(a, b *Node, ta, tb Type) error {
	num := func(t Type) bool { return t == Number || t == Integer }
	tim := func(t Type) bool { return t == Date || t == Timestamp }
	if !(ta == tb || num(ta) && num(tb) || tim(ta) && tim(tb)) || ta == Geometry {
		return errAt(b.Pos, opText(b), "%s is compared with %s", opText(a), tb)
	}
	for _, pair := range [][2]*Node{{a, b}, {b, a}} {
		if pair[0].Op != "property" || pair[1].Op != "string" {
			continue
		}
		if q, err := c.queryable(pair[0]); err == nil && q.Enum != nil && !slices.Contains(q.Enum, pair[1].Str) {
			return errAt(pair[1].Pos, pair[1].Str, "%s is one of %s", q.Name, strings.Join(q.Enum, ", "))
		}
	}
	return nil
}

func (c *compiler[T]) compare(n *Node) (func(*T) tri, error) {
	x, tx, err := c.scalar(n.Args[0])
	if err != nil {
		return nil, err
	}
	y, ty, err := c.scalar(n.Args[1])
	if err != nil {
		return nil, err
	}
	if err := c.comparable(n.Args[0], n.Args[1], tx, ty); err != nil {
		return nil, err
	}
	if tx == Boolean && n.Op != "=" && n.Op != "<>" {
		return nil, errAt(n.Pos, n.Op, "booleans compare with = and <> only")
	}
	p := c.prog
	var ok func(int) bool
	switch n.Op {
	case "=":
		ok = func(r int) bool { return r == 0 }
	case "<>":
		ok = func(r int) bool { return r != 0 }
	case "<":
		ok = func(r int) bool { return r < 0 }
	case ">":
		ok = func(r int) bool { return r > 0 }
	case "<=":
		ok = func(r int) bool { return r <= 0 }
	default:
		ok = func(r int) bool { return r >= 0 }
	}
	return func(v *T) tri {
		p.spent++
		a, b := x(v), y(v)
		if a.Null || b.Null {
			return unknown
		}
		return truth(ok(cmpValues(tx, a, b)))
	}, nil
}

func cmpValues(t Type, a, b Value) int {
	switch t {
	case String:
		return strings.Compare(a.S, b.S)
	case Number, Integer:
		switch {
		case a.N < b.N:
			return -1
		case a.N > b.N:
			return 1
		}
		return 0
	case Boolean:
		if a.B == b.B {
			return 0
		}
		return 1
	}
	return a.T.Compare(b.T)
}

// scalar compiles a node that gives a value: a property, a literal, CASEI,
// ACCENTI or arithmetic.
func (c *compiler[T]) scalar(n *Node) (func(*T) Value, Type, error) {
	p := c.prog
	switch n.Op {
	case "property":
		q, err := c.queryable(n)
		if err != nil {
			return nil, 0, err
		}
		if q.Get == nil {
			return nil, 0, errAt(n.Pos, n.Name, "%s is a geometry: use it in a spatial function (S_INTERSECTS …)", n.Name)
		}
		return q.Get, q.Type, nil
	case "string":
		v := Value{S: n.Str}
		return func(*T) Value { return v }, String, nil
	case "number":
		v := Value{N: n.Num}
		return func(*T) Value { return v }, Number, nil
	case "bool":
		v := Value{B: n.Bool}
		return func(*T) Value { return v }, Boolean, nil
	case "date", "timestamp":
		v, t := Value{T: n.Time}, Date
		if n.Op == "timestamp" {
			t = Timestamp
		}
		return func(*T) Value { return v }, t, nil
	case "casei", "accenti":
		x, t, err := c.scalar(n.Args[0])
		if err != nil {
			return nil, 0, err
		}
		if t != String {
			return nil, 0, errAt(n.Args[0].Pos, opText(n.Args[0]), "%s takes a string, not %s", strings.ToUpper(n.Op), t)
		}
		fold := strings.ToLower
		if n.Op == "accenti" {
			// ACCENTI folds case too: "tan thuan" finds "Tân Thuận", as q does.
			fold = vntext.Fold
		}
		return func(v *T) Value {
			s := x(v)
			if s.Null {
				return s
			}
			p.spent += int64(1 + len(s.S)) // folding costs about as much as a term a byte
			return Value{S: fold(s.S)}
		}, String, nil
	case "+", "-", "*", "/", "%", "^", "div":
		x, tx, err := c.scalar(n.Args[0])
		if err != nil {
			return nil, 0, err
		}
		y, ty, err := c.scalar(n.Args[1])
		if err != nil {
			return nil, 0, err
		}
		for i, t := range []Type{tx, ty} {
			if t != Number && t != Integer {
				return nil, 0, errAt(n.Args[i].Pos, opText(n.Args[i]), "%s takes numbers, not %s", n.Op, t)
			}
		}
		op := arith(n.Op)
		return func(v *T) Value {
			p.spent++
			a, b := x(v), y(v)
			if a.Null || b.Null {
				return Value{Null: true}
			}
			r := op(a.N, b.N)
			if math.IsNaN(r) || math.IsInf(r, 0) {
				return Value{Null: true} // division by zero: unknown
			}
			return Value{N: r}
		}, Number, nil
	}
	return nil, 0, errAt(n.Pos, opText(n), "expected a value (a property, a literal or arithmetic), not %s", n.Op)
}

func arith(op string) func(a, b float64) float64 {
	switch op {
	case "+":
		return func(a, b float64) float64 { return a + b }
	case "-":
		return func(a, b float64) float64 { return a - b }
	case "*":
		return func(a, b float64) float64 { return a * b }
	case "/":
		return func(a, b float64) float64 { return a / b }
	case "%":
		return math.Mod
	case "^":
		return math.Pow
	}
	return func(a, b float64) float64 { return math.Trunc(a / b) } // div
}

// like compiles x LIKE pattern: % any run, _ one character, \ escapes;
// the pattern is a string literal, under CASEI or ACCENTI when x is.
func (c *compiler[T]) like(n *Node) (func(*T) tri, error) {
	x, tx, err := c.scalar(n.Args[0])
	if err != nil {
		return nil, err
	}
	if tx != String {
		return nil, errAt(n.Args[0].Pos, opText(n.Args[0]), "LIKE matches strings, not %s", tx)
	}
	pat := n.Args[1]
	var folds []string
	for pat.Op == "casei" || pat.Op == "accenti" {
		folds = append(folds, pat.Op)
		pat = pat.Args[0]
	}
	if pat.Op != "string" {
		return nil, errAt(pat.Pos, opText(pat), "LIKE's pattern must be a string literal")
	}
	s := pat.Str
	for i := len(folds) - 1; i >= 0; i-- {
		if folds[i] == "casei" {
			s = strings.ToLower(s)
		} else {
			s = vntext.Fold(s)
		}
	}
	pattern := []rune(s)
	p := c.prog
	return func(v *T) tri {
		a := x(v)
		if a.Null {
			return unknown
		}
		p.spent += int64(1 + len(a.S) + len(pattern))
		return truth(likeMatch([]rune(a.S), pattern))
	}, nil
}

// likeMatch matches s against a LIKE pattern in O(len(s)·len(p)) at
// worst (the greedy matcher with one backtrack point).
func likeMatch(s, p []rune) bool {
	si, pi, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '\\' && pi+1 < len(p) && p[pi+1] == s[si]:
			si, pi = si+1, pi+2
		case pi < len(p) && p[pi] != '%' && p[pi] != '\\' && (p[pi] == '_' || p[pi] == s[si]):
			si, pi = si+1, pi+1
		case pi < len(p) && p[pi] == '%':
			star, mark = pi, si
			pi++
		case star >= 0:
			mark++
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

// Spend counts units of work as done, as if evaluations had done them.
func (p *Program[T]) Spend(units int64) { p.spent += units }
