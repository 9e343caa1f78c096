// Package cql2 reads OGC CQL2 filters (OGC 21-065r2), in both encodings,
// cql2-text (ParseText) and cql2-json (ParseJSON), into one tree of Nodes,
// and compiles a tree into a Go closure over a feature (Compile): never SQL
// text, never code run by an interpreter (the class of GeoServer's
// CVE-2024-36401). Every parse is bounded (Limits: the text's bytes, the
// nesting depth, the nodes, a literal's bytes and a geometry's vertices)
// and every evaluation draws on a budget (Program.Err); an error names the
// offending token and its byte offset (Error).
package cql2

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// Node is one node of a filter. Op says what it is: an operator or a
// function in cql2-json's spelling ("and", "=", "like", "isNull",
// "s_intersects", "t_during", "casei", "+", "div" …) with its operands in
// Args, or a leaf: "property" (Name), "string" (Str), "number" (Num),
// "bool" (Bool), "date" and "timestamp" (Time, UTC), "interval" (Args: two
// instants, properties or ".." leaves, Op "open"), "geometry" (Geom, lon/lat
// unless filter-crs says otherwise), "bbox" (Geom, an orb.Bound) and "array"
// (Args).
type Node struct {
	Op   string
	Args []*Node
	Name string
	Str  string
	Num  float64
	Bool bool
	Time time.Time
	Geom orb.Geometry
	// Pos is the byte offset in the filter where the node starts.
	Pos int
}

// Limits bound what a parse accepts: a filter past any of them is refused
// (an Error) before anything is evaluated.
type Limits struct {
	Bytes    int // the filter's length, bytes
	Depth    int // nesting of operators and parentheses
	Nodes    int // nodes of the tree, geometry vertices not counted
	Literal  int // a string literal's length, bytes
	Vertices int // positions of all geometry literals together
}

// DefaultLimits are the bounds of a request's filter.
var DefaultLimits = Limits{Bytes: 64 << 10, Depth: 40, Nodes: 2000, Literal: 4 << 10, Vertices: 20000}

// Error is a filter that cannot be read or compiled: what is wrong, at
// which byte offset, and the token found there.
type Error struct {
	Pos   int
	Token string
	Msg   string
}

func (e *Error) Error() string {
	t := e.Token
	if len(t) > 40 {
		t = t[:40] + "…"
	}
	if t == "" {
		return fmt.Sprintf("%s at offset %d (end of filter)", e.Msg, e.Pos)
	}
	return fmt.Sprintf("%s at offset %d (%q)", e.Msg, e.Pos, t)
}

func errAt(pos int, tok, format string, args ...any) *Error {
	return &Error{Pos: pos, Token: tok, Msg: fmt.Sprintf(format, args...)}
}

// String writes n in a prefix form, positions left out, so that two trees
// read from different encodings compare equal when they mean the same.
func (n *Node) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *Node) write(b *strings.Builder) {
	switch n.Op {
	case "property":
		b.WriteString("{" + n.Name + "}")
	case "string":
		b.WriteString(strconv.Quote(n.Str))
	case "number":
		b.WriteString(strconv.FormatFloat(n.Num, 'g', -1, 64))
	case "bool":
		b.WriteString(strconv.FormatBool(n.Bool))
	case "date":
		b.WriteString("DATE(" + n.Time.Format(time.DateOnly) + ")")
	case "timestamp":
		b.WriteString("TIMESTAMP(" + n.Time.Format(time.RFC3339Nano) + ")")
	case "open":
		b.WriteString("..")
	case "geometry":
		b.WriteString(wkt.MarshalString(n.Geom))
	case "bbox":
		bd := n.Geom.Bound()
		fmt.Fprintf(b, "BBOX(%g,%g,%g,%g)", bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
	default:
		b.WriteString(n.Op)
		b.WriteByte('(')
		for i, a := range n.Args {
			if i > 0 {
				b.WriteByte(',')
			}
			a.write(b)
		}
		b.WriteByte(')')
	}
}

// Walk calls fn for n and every node below it, depth first.
func (n *Node) Walk(fn func(*Node)) {
	fn(n)
	for _, a := range n.Args {
		a.Walk(fn)
	}
}

// The operators and functions, as cql2-json names them, by how many
// arguments they take (-1: two or more).
var arity = map[string]int{
	"and": -1, "or": -1, "not": 1,
	"=": 2, "<>": 2, "<": 2, ">": 2, "<=": 2, ">=": 2,
	"like": 2, "between": 3, "in": 2, "isNull": 1,
	"casei": 1, "accenti": 1,
	"+": 2, "-": 2, "*": 2, "/": 2, "%": 2, "^": 2, "div": 2,
	"s_intersects": 2, "s_equals": 2, "s_disjoint": 2, "s_touches": 2,
	"s_within": 2, "s_overlaps": 2, "s_crosses": 2, "s_contains": 2,
	"t_after": 2, "t_before": 2, "t_contains": 2, "t_disjoint": 2, "t_during": 2,
	"t_equals": 2, "t_finishedby": 2, "t_finishes": 2, "t_intersects": 2, "t_meets": 2,
	"t_metby": 2, "t_overlappedby": 2, "t_overlaps": 2, "t_startedby": 2, "t_starts": 2,
}

// parseInstant reads a DATE ("2024-05-01") or TIMESTAMP (RFC 3339) text.
func parseInstant(s string, pos int, want string) (*Node, error) {
	if want != "timestamp" {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return &Node{Op: "date", Time: t, Pos: pos}, nil
		}
		if want == "date" {
			return nil, errAt(pos, s, "not a date (YYYY-MM-DD)")
		}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, errAt(pos, s, "not a timestamp (RFC 3339, such as 2024-05-01T08:00:00Z)")
	}
	return &Node{Op: "timestamp", Time: t.UTC(), Pos: pos}, nil
}

// counter enforces Limits while a tree is built.
type counter struct {
	lim             Limits
	nodes, vertices int
}

func (c *counter) node(pos int, tok string) error {
	c.nodes++
	if c.nodes > c.lim.Nodes {
		return errAt(pos, tok, "filter has more than %d terms", c.lim.Nodes)
	}
	return nil
}

func (c *counter) vertex(pos int, tok string) error {
	c.vertices++
	if c.vertices > c.lim.Vertices {
		return errAt(pos, tok, "geometry literals have more than %d positions in all", c.lim.Vertices)
	}
	return nil
}
