package catalog

import (
	"strings"
	"time"
)

// Interval is the time a datetime parameter (OGC API - Features Part 1,
// /req/core/fc-time-definition) asks for: the instants from Start
// (inclusive) to End (exclusive); a zero Start or End is an open end
// ("../b", "a/.."). The zero Interval is no datetime: every feature.
type Interval struct {
	Start, End time.Time
	set        bool
}

// IsSet reports whether a datetime was given.
func (iv Interval) IsSet() bool { return iv.set }

// ParseDatetime reads a datetime parameter: an instant, or an interval
// "a/b" whose ends are instants or ".." (or "") for an open end. An
// instant is an RFC 3339 date-time (2024-05-01T08:00:00Z, 2024-05-01T15:00:00+07:00:
// that instant) or a date (2024-05-01: that whole day, 00:00 to 24:00
// UTC, the way the records hold dates, zonegis.Today). "" is no datetime.
// Its errors are zonegis.EINVALID and name datetime.
func ParseDatetime(s string) (Interval, error) {
	if s == "" {
		return Interval{}, nil
	}
	a, b, isInterval := strings.Cut(s, "/")
	if !isInterval {
		start, end, err := instant(a)
		if err != nil {
			return Interval{}, err
		}
		return Interval{Start: start, End: end, set: true}, nil
	}
	if strings.Contains(b, "/") {
		return Interval{}, invalid("datetime: %q has more than one /; want an instant or an interval start/end", s)
	}
	open := func(v string) bool { return v == ".." || v == "" }
	if open(a) && open(b) {
		return Interval{set: true}, nil
	}
	iv := Interval{set: true}
	var err error
	if !open(a) {
		if iv.Start, _, err = instant(a); err != nil {
			return Interval{}, err
		}
	}
	if !open(b) {
		if _, iv.End, err = instant(b); err != nil {
			return Interval{}, err
		}
	}
	if !iv.Start.IsZero() && !iv.End.IsZero() && !iv.Start.Before(iv.End) {
		return Interval{}, invalid("datetime: the interval %q ends before it starts", s)
	}
	return iv, nil
}

// instant reads one end of a datetime: the instants it covers, [start,
// end): one nanosecond for a date-time, the day for a date.
func instant(v string) (start, end time.Time, err error) {
	if len(v) == len("2006-01-02") {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return start, end, invalid("datetime: %q is not a date (YYYY-MM-DD) or an RFC 3339 date-time", v)
		}
		return d, d.AddDate(0, 0, 1), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return start, end, invalid("datetime: %q is not an RFC 3339 date-time (2024-05-01T08:00:00Z) or a date (2024-05-01); "+
			"an interval is start/end, with .. for an open end", v)
	}
	t = t.UTC()
	return t, t.Add(time.Nanosecond), nil
}

// Overlaps reports whether a feature whose time runs from from
// (inclusive) to to (exclusive) meets iv; a zero from has always been, a
// zero to still is. No datetime (the zero Interval) meets everything.
func (iv Interval) Overlaps(from, to time.Time) bool {
	if !iv.set {
		return true
	}
	return (iv.End.IsZero() || from.IsZero() || from.Before(iv.End)) &&
		(iv.Start.IsZero() || to.IsZero() || to.After(iv.Start))
}

// Contains reports whether the instant t is in iv (no datetime contains
// every instant).
func (iv Interval) Contains(t time.Time) bool {
	if !iv.set {
		return true
	}
	return (iv.Start.IsZero() || !t.Before(iv.Start)) && (iv.End.IsZero() || t.Before(iv.End))
}
