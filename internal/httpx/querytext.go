package httpx

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// The text an API accepts in query strings is what a database can store
// and a client can read back the same: valid UTF-8 without NUL or control
// characters. url.ParseQuery is lenient where the database is not (it
// drops what it cannot parse), so the raw bytes are checked before it sees
// them, and the error names the parameter.

// CheckQuery checks a raw query string: every pair separated by '&' (a
// ';' is refused: url.ParseQuery would drop the whole pair), every escape
// well formed (url.ParseQuery drops the pair otherwise), and every name and
// value valid UTF-8 without control characters. A query of plain printable
// ASCII without escapes, the common case, is one pass over its bytes.
// Errors: EINVALID, with the parameter's name in Details["parameter"].
func CheckQuery(raw string) error {
	plain := true
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c >= 0x7f || c == '%' || c == ';' {
			plain = false
			break
		}
	}
	if plain {
		return nil
	}
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		name := k
		if uk, err := url.QueryUnescape(k); err == nil && paramText(uk) == "" {
			name = uk
		}
		if strings.Contains(part, ";") {
			if i := strings.IndexByte(name, ';'); i > 0 {
				name = name[:i]
			}
			return paramError(name, "contains ';'; separate parameters with '&' (write %3B for a ';' inside a value)")
		}
		uk, err := url.QueryUnescape(k)
		if err != nil {
			return paramError(k, "its name has a malformed %-escape (write %25 for a '%')")
		}
		if why := paramText(uk); why != "" {
			return paramError(uk, "its name "+why)
		}
		uv, err := url.QueryUnescape(v)
		if err != nil {
			return paramError(uk, "malformed %-escape in the value (write %25 for a '%')")
		}
		if why := paramText(uv); why != "" {
			return paramError(uk, why)
		}
	}
	return nil
}

// paramText says what is wrong with the text of a decoded query parameter
// name or value, "" when nothing is.
func paramText(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == 0x7f {
				if c == 0 {
					return "contains a NUL byte (%00)"
				}
				return "contains the control character " + strconv.QuoteRune(rune(c))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return "is not valid UTF-8 (byte " + strconv.Itoa(i) + ")"
		}
		i += n
	}
	return ""
}

func paramError(name, why string) error {
	return &zonegis.Error{Code: zonegis.EINVALID,
		Message: "query parameter " + strconv.Quote(name) + ": " + why,
		Details: map[string]any{"parameter": name}}
}
