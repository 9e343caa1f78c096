package featurejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// attributesField names the attributes in errors.
const attributesField = "properties.attributes"

// member is one attribute as decoded: its name and its value as compact
// JSON (null included).
type member struct {
	key   string
	value []byte
}

// DecodeAttributes reads the `attributes` property of a feature: a JSON
// object (or null, for none) whose values are strings, numbers, booleans
// or null, flat, with names of 1 to zonegis.MaxAttributeKeyBytes bytes of
// UTF-8, each once, at most zonegis.MaxAttributes of them, at most
// zonegis.MaxAttributesBytes as compact JSON. It returns the object
// compacted (strings re-escaped minimally), nil for an empty one. Errors
// are EINVALID naming the field (properties.attributes.NAME).
func DecodeAttributes(raw []byte) (zonegis.Attributes, error) {
	ms, err := decodeMembers(raw)
	if err != nil {
		return nil, err
	}
	return encodeMembers(ms)
}

// MergeAttributes applies patch, the `attributes` of a PATCH, to cur as
// JSON Merge Patch (RFC 7396) does: a member with a value sets it, a
// member whose value is null deletes it, members not named stay; a patch
// that is null deletes every attribute. The result is bounded as
// DecodeAttributes' is. (So a PATCH cannot set an attribute to null; a
// PUT can.)
func MergeAttributes(cur zonegis.Attributes, patch []byte) (zonegis.Attributes, error) {
	ps, err := decodeMembers(patch)
	if err != nil {
		return nil, err
	}
	if ps == nil && isNull(patch) {
		return nil, nil
	}
	out := memberList(cur)
	for _, p := range ps {
		i := -1
		for j := range out {
			if out[j].key == p.key {
				i = j
				break
			}
		}
		switch {
		case string(p.value) == "null" && i >= 0:
			out = append(out[:i], out[i+1:]...)
		case string(p.value) == "null":
		case i >= 0:
			out[i].value = p.value
		default:
			out = append(out, p)
		}
	}
	return encodeMembers(out)
}

// memberList lists the members of attributes already stored (trusted).
func memberList(a zonegis.Attributes) []member {
	var out []member
	a.Each(func(k string, v []byte) bool {
		out = append(out, member{key: k, value: v})
		return true
	})
	return out
}

func isNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }

// decodeMembers reads an attributes object into its members (nil for
// null or an empty object).
func decodeMembers(raw []byte) ([]member, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	if err := CheckText(raw, attributesField); err != nil {
		return nil, err
	}
	if raw[0] != '{' {
		return nil, attrError(attributesField, "want a JSON object of names to values (strings, numbers, true, false or null), not %s", jsonValueKind(raw))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, attrError(attributesField, "invalid JSON: %v", err)
	}
	var out []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, attrError(attributesField, "invalid JSON: %v", err)
		}
		key, _ := tok.(string)
		field := attributesField + "." + key
		switch {
		case key == "":
			return nil, attrError(attributesField, "an attribute name is empty; name every attribute")
		case len(key) > zonegis.MaxAttributeKeyBytes:
			return nil, attrError(attributesField, "the attribute name %q is %d bytes, more than the %d allowed", shorten(key), len(key), zonegis.MaxAttributeKeyBytes)
		case !utf8.ValidString(key):
			return nil, attrError(attributesField, "an attribute name is not valid UTF-8")
		case seen[key]:
			return nil, attrError(field, "the attribute %q is given twice", key)
		}
		seen[key] = true
		if len(out) == zonegis.MaxAttributes {
			return nil, attrError(attributesField, "more than %d attributes", zonegis.MaxAttributes)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, attrError(field, "invalid JSON: %v", err)
		}
		var val []byte
		switch v[0] {
		case '{', '[':
			return nil, attrError(field, "want a string, a number, true, false or null, not %s (attributes are flat: one value per name)", jsonValueKind(v))
		case '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, attrError(field, "invalid string: %v", err)
			}
			val = encode.AppendString(nil, s)
		default:
			val = v
		}
		out = append(out, member{key: key, value: val})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, attrError(attributesField, "invalid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, attrError(attributesField, "unexpected data after the object")
	}
	return out, nil
}

// encodeMembers writes ms as a compact object, nil when empty, and checks
// the bounds of the whole.
func encodeMembers(ms []member) (zonegis.Attributes, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	if len(ms) > zonegis.MaxAttributes {
		return nil, attrError(attributesField, "%d attributes, more than the %d allowed", len(ms), zonegis.MaxAttributes)
	}
	b := []byte{'{'}
	for i, m := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		b = encode.AppendString(b, m.key)
		b = append(b, ':')
		b = append(b, m.value...)
	}
	b = append(b, '}')
	if len(b) > zonegis.MaxAttributesBytes {
		return nil, attrError(attributesField, "%d bytes as compact JSON, more than the %d allowed", len(b), zonegis.MaxAttributesBytes)
	}
	return zonegis.Attributes(b[:len(b):len(b)]), nil
}

func jsonValueKind(raw []byte) string {
	switch raw[0] {
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

func shorten(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 40
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func attrError(field, format string, args ...any) error {
	return &zonegis.Error{Code: zonegis.EINVALID, Message: field + ": " + fmt.Sprintf(format, args...),
		Details: map[string]any{"field": field}}
}
