package featurejson

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// CheckText checks every string (names and values) of a JSON document
// in its raw bytes: valid UTF-8, no NUL (raw or \u0000), no lone surrogate
// escapes (\ud800 without its pair). The error names the field as a path
// from the document's root (properties.name_vi, lots[1].lot_code), after
// prefix when prefix is not "". The scan is lenient about JSON syntax,
// which the decoder checks afterwards; it never fails on valid text.
func CheckText(data []byte, prefix string) error {
	type frame struct {
		array bool
		index int
		key   string
	}
	var stack []frame
	expectKey := false
	path := func(extra string) string {
		var b strings.Builder
		b.WriteString(prefix)
		for _, f := range stack {
			if f.array {
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
				continue
			}
			if f.key == "" {
				break
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
		if extra != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(extra)
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			stack = append(stack, frame{})
			expectKey = true
		case '[':
			stack = append(stack, frame{array: true})
			expectKey = false
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			if n := len(stack); n > 0 {
				if stack[n-1].array {
					stack[n-1].index++
				} else {
					expectKey = true
				}
			}
		case ':':
			expectKey = false
		case '"':
			end, why := scanJSONString(data, i+1)
			isKey := expectKey && len(stack) > 0 && !stack[len(stack)-1].array
			if why != "" {
				if isKey {
					return textError(path(""), "the property name "+quoteRaw(data[i+1:end])+" "+why)
				}
				return textError(path(""), why)
			}
			if isKey {
				stack[len(stack)-1].key = string(data[i+1 : end])
				expectKey = false
			}
			i = end
		}
	}
	return nil
}

// scanJSONString scans the JSON string whose content starts at data[i]; it
// returns the index of the closing quote (or len(data)) and what is wrong
// with the text, "" when nothing is.
func scanJSONString(data []byte, i int) (end int, why string) {
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return i, ""
		case c == 0:
			return i, "contains a NUL character, which cannot be stored"
		case c == '\\':
			if i+1 >= len(data) {
				return len(data), ""
			}
			if data[i+1] != 'u' {
				i += 2
				continue
			}
			r, ok := hex4(data, i+2)
			if !ok {
				i += 2 // a syntax error, for the decoder to report
				continue
			}
			switch {
			case r == 0:
				return i, "contains a NUL character (\\u0000), which cannot be stored"
			case r >= 0xdc00 && r <= 0xdfff:
				return i, "contains a lone surrogate \\u" + string(data[i+2:i+6]) + " (a low surrogate without a high one before it); escape characters beyond U+FFFF as a surrogate pair, or send them as UTF-8"
			case r >= 0xd800 && r <= 0xdbff:
				lo, ok := rune(0), false
				if i+7 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
					lo, ok = hex4(data, i+8)
				}
				if !ok || lo < 0xdc00 || lo > 0xdfff {
					return i, "contains a lone surrogate \\u" + string(data[i+2:i+6]) + " (a high surrogate without a low one after it); escape characters beyond U+FFFF as a surrogate pair, or send them as UTF-8"
				}
				i += 12
			default:
				i += 6
			}
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				return i, "is not valid UTF-8 (byte 0x" + strconv.FormatUint(uint64(c), 16) + ")"
			}
			i += n
		}
	}
	return len(data), ""
}

// hex4 reads the 4 hex digits at data[i:i+4].
func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// quoteRaw quotes a raw JSON string's content for a message, shortened.
func quoteRaw(b []byte) string {
	if len(b) > 64 {
		b = b[:64]
	}
	return strconv.Quote(string(b))
}

func textError(field, why string) error {
	return &zonegis.Error{Code: zonegis.EINVALID, Message: field + ": " + why,
		Details: map[string]any{"field": field}}
}
