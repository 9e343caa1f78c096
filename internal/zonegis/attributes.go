package zonegis

import (
	"bytes"
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
// ->> does, so that the index filters exactly as SQL would. An Attributes
// is always compact JSON (no space outside strings): Has relies on it.
type Attributes []byte

// Text and Has take a to be compact JSON, as every Attributes is.

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

// Has reports whether attribute key has the text text (as Text gives it),
// without allocating for the usual values (no escapes): the items filter
// asks it of every candidate feature.
func (a Attributes) Has(key, text string) bool {
	if len(a) == 0 {
		return false
	}
	if v, found, decided := a.find(key); decided {
		return found && valueIs(v, text)
	}
	match := false
	a.each(func(k, v []byte) bool {
		if !keyIs(k, key) {
			return true
		}
		match = valueIs(v, text)
		return false
	})
	return match
}

// find finds the raw value of key by searching for `"key":` in a, which
// must then be compact JSON (what the database read and featurejson give):
// a match preceded by '{' or ',' is a key's opening (inside a string every
// quote is escaped, and a string followed by ':' is a key). ok is false
// decided is false when key needs escaping in JSON: then walk the
// members (each).
func (a Attributes) find(key string) (value []byte, found, decided bool) {
	if len(key) > MaxAttributeKeyBytes || !plainKey(key) {
		return nil, false, false
	}
	// The search is for `key":` (a rarer first byte than the quote) and
	// the quote and '{' or ',' before it are checked after.
	var buf [MaxAttributeKeyBytes + 2]byte
	pat := append(append(buf[:0], key...), '"', ':')
	for off := 0; ; {
		i := bytes.Index(a[off:], pat)
		if i < 0 {
			return nil, false, true
		}
		i += off
		if i > 1 && a[i-1] == '"' && (a[i-2] == '{' || a[i-2] == ',') {
			v := a[i+len(pat):]
			if len(v) > 0 && v[0] == '"' {
				return v[:stringEnd(v, 0)], true, true
			}
			end := bytes.IndexAny(v, ",}")
			if end < 0 {
				end = len(v)
			}
			return v[:end], true, true
		}
		off = i + 1
	}
}

// plainKey reports whether key is written in JSON as it is: no quote,
// backslash, control character or U+2028/U+2029 (which the encoder
// escapes), valid UTF-8.
func plainKey(key string) bool {
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c < 0x20 || c == '"' || c == '\\' || c == 0xe2 {
			return false
		}
	}
	return utf8.ValidString(key)
}

// valueIs reports whether raw value v has the text text (as Text gives it).
func valueIs(v []byte, text string) bool {
	switch {
	case len(v) == 0 || v[0] == 'n':
		return false
	case v[0] == '"':
		inner := v[1 : len(v)-1]
		if bytes.IndexByte(inner, '\\') < 0 {
			return string(inner) == text
		}
		return unquote(v) == text
	}
	return string(v) == text
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
// (its opening quote): the first quote after it not escaped by an odd
// number of backslashes.
func stringEnd(b []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return len(b)
		}
		j += k
		n := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return j + 1
		}
		j++
	}
}

// keyIs reports whether the quoted JSON string raw is key.
func keyIs(raw []byte, key string) bool {
	if len(raw) < 2 {
		return false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') >= 0 {
		return unquote(raw) == key
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
