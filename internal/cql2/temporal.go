package cql2

import (
	"strings"
	"time"
)

// An instant is the interval from itself to itself; an open end ("..")
// is the beginning or the end of time.
var (
	beginning = time.Date(-10000, 1, 1, 0, 0, 0, 0, time.UTC)
	end       = time.Date(100000, 1, 1, 0, 0, 0, 0, time.UTC)
)

type span struct{ a, b time.Time }

// temporalRel are the temporal functions over intervals a and b, as the
// CQL2 standard defines them (clause 7, temporal functions; Allen's
// relations): lt, eq, gt compare instants.
var temporalRel = map[string]func(x, y span) bool{
	"t_after":        func(x, y span) bool { return x.a.After(y.b) },
	"t_before":       func(x, y span) bool { return x.b.Before(y.a) },
	"t_contains":     func(x, y span) bool { return x.a.Before(y.a) && x.b.After(y.b) },
	"t_disjoint":     func(x, y span) bool { return x.a.After(y.b) || x.b.Before(y.a) },
	"t_during":       func(x, y span) bool { return x.a.After(y.a) && x.b.Before(y.b) },
	"t_equals":       func(x, y span) bool { return x.a.Equal(y.a) && x.b.Equal(y.b) },
	"t_finishedby":   func(x, y span) bool { return x.a.Before(y.a) && x.b.Equal(y.b) },
	"t_finishes":     func(x, y span) bool { return x.a.After(y.a) && x.b.Equal(y.b) },
	"t_intersects":   func(x, y span) bool { return !x.a.After(y.b) && !x.b.Before(y.a) },
	"t_meets":        func(x, y span) bool { return x.b.Equal(y.a) },
	"t_metby":        func(x, y span) bool { return x.a.Equal(y.b) },
	"t_overlappedby": func(x, y span) bool { return x.a.After(y.a) && x.a.Before(y.b) && x.b.After(y.b) },
	"t_overlaps":     func(x, y span) bool { return x.a.Before(y.a) && x.b.After(y.a) && x.b.Before(y.b) },
	"t_startedby":    func(x, y span) bool { return x.a.Equal(y.a) && x.b.After(y.b) },
	"t_starts":       func(x, y span) bool { return x.a.Equal(y.a) && x.b.Before(y.b) },
}

func (c *compiler[T]) temporal(n *Node) (func(*T) tri, error) {
	rel, ok := temporalRel[n.Op]
	if !ok {
		return nil, errAt(n.Pos, n.Op, "unknown temporal function")
	}
	x, err := c.span(n.Args[0])
	if err != nil {
		return nil, err
	}
	y, err := c.span(n.Args[1])
	if err != nil {
		return nil, err
	}
	p := c.prog
	return func(v *T) tri {
		p.spent++
		a, okA := x(v)
		b, okB := y(v)
		if !okA || !okB {
			return unknown
		}
		return truth(rel(a, b))
	}, nil
}

// span compiles a temporal operand: an instant (a date or timestamp
// literal or queryable) or an INTERVAL of two of them or "..".
func (c *compiler[T]) span(n *Node) (func(*T) (span, bool), error) {
	if n.Op == "interval" {
		lo, err := c.instant(n.Args[0], beginning)
		if err != nil {
			return nil, err
		}
		hi, err := c.instant(n.Args[1], end)
		if err != nil {
			return nil, err
		}
		return func(v *T) (span, bool) {
			a, okA := lo(v)
			b, okB := hi(v)
			return span{a, b}, okA && okB
		}, nil
	}
	f, err := c.instant(n, time.Time{})
	if err != nil {
		return nil, err
	}
	return func(v *T) (span, bool) {
		t, ok := f(v)
		return span{t, t}, ok
	}, nil
}

func (c *compiler[T]) instant(n *Node, open time.Time) (func(*T) (time.Time, bool), error) {
	if n.Op == "open" {
		if open.IsZero() {
			return nil, errAt(n.Pos, "..", "'..' is an open end of an INTERVAL only")
		}
		return func(*T) (time.Time, bool) { return open, true }, nil
	}
	f, t, err := c.scalar(n)
	if err != nil {
		return nil, err
	}
	if t != Date && t != Timestamp {
		return nil, errAt(n.Pos, opText(n), "a temporal function takes dates, timestamps or intervals, not %s%s", t,
			map[bool]string{true: " (write DATE('…') or TIMESTAMP('…'))", false: ""}[strings.HasPrefix(n.Op, "string")])
	}
	return func(v *T) (time.Time, bool) {
		x := f(v)
		return x.T, !x.Null
	}, nil
}
