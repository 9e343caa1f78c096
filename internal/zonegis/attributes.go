package zonegis

import (
	"encoding/json"
	"unicode/utf8"
)

// Bounds of a record's attributes (migrations/0008 holds the database to
// a looser bound of its own, as a backstop).
const (
	// MaxAttributesBytes bounds the compact JSON text of one record's
	// attributes, bytes.
	MaxAttributesBytes = 16 << 10
	// MaxAttributes bounds the number of attributes of one record.
	MaxAttributes = 256
	// MaxAttributeKeyBytes bounds an attribute's name, bytes of UTF-8.
	MaxAttributeKeyBytes = 128
)

// Attributes are the source attributes of a record that no field of its
// own holds (what an import did not map: an address, the cadastral
// land-use code, an assessed value), named as the source names them: a
// JSON object, compact, whose values are strings, numbers, booleans or
// null (flat: no objects or arrays inside). Nil when there are none; an
// empty object is never kept.
//
// They stay the raw JSON bytes, not a map: an index of a million parcels
// holds them, most with none (a nil slice) and the rest with a few dozen
// bytes each. Read from the database, the object is as jsonb prints it
// compacted: keys in jsonb's order (shorter first), each once, numbers as
// PostgreSQL's numeric prints them; Text reads a value as the database's
// ->> does, so that the index filters exactly as SQL would.
type Attributes []byte

// Text returns the text of the value of attribute key, as PostgreSQL's
// `attributes->>'key'` gives it: a string's characters (unescaped), a
// number or boolean as written; ok is false when there is no such key or
// its value is null.
func (a Attributes) Text(key string) (text string, ok bool) {
	found := false
	a.each(func(k, v []byte) bool {
		if !keyIs(k, key) {
			return true
		}
		found = true
		switch {
		case len(v) == 0 || v[0] == 'n':
			found = false
		case v[0] == '"':
			text = unquote(v)
		default:
			text = string(v)
		}
		return false
	})
	return text, found
}

// Each calls fn with the name and the raw JSON value of each attribute,
// in order, until fn returns false.
func (a Attributes) Each(fn func(key string, value []byte) bool) {
	a.each(func(k, v []byte) bool { return fn(unquote(k), v) })
}

// Len returns the number of attributes.
func (a Attributes) Len() int {
	n := 0
	a.each(func(_, _ []byte) bool { n++; return true })
	return n
}

// each calls fn with the raw key (quoted) and raw value of each member of
// the object a, in order, until fn returns false. It trusts a to be a
// well-formed flat object (what DecodeAttributes and the database give)
// and stops at anything else.
func (a Attributes) each(fn func(key, value []byte) bool) {
	i := skipSpace(a, 0)
	if i >= len(a) || a[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(a, i)
		if i >= len(a) || a[i] != '"' {
			return
		}
		kEnd := stringEnd(a, i)
		key := a[i:kEnd]
		i = skipSpace(a, kEnd)
		if i >= len(a) || a[i] != ':' {
			return
		}
		i = skipSpace(a, i+1)
		vStart := i
		if i < len(a) && a[i] == '"' {
			i = stringEnd(a, i)
		} else {
			for i < len(a) && a[i] != ',' && a[i] != '}' && a[i] != ' ' && a[i] != '\n' && a[i] != '\t' && a[i] != '\r' {
				i++
			}
		}
		if !fn(key, a[vStart:i]) {
			return
		}
		i = skipSpace(a, i)
		if i >= len(a) || a[i] != ',' {
			return
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just after the JSON string starting at b[i]
// (its opening quote).
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// keyIs reports whether the quoted JSON string raw is key.
func keyIs(raw []byte, key string) bool {
	if len(raw) < 2 {
		return false
	}
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' {
			return unquote(raw) == key
		}
	}
	return string(inner) == key
}

// unquote returns the text of the quoted JSON string raw.
func unquote(raw []byte) string {
	inner := raw[1 : len(raw)-1]
	plain := true
	for _, c := range inner {
		if c == '\\' {
			plain = false
			break
		}
	}
	if plain && utf8.Valid(inner) {
		return string(inner)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(inner)
	}
	return s
}
