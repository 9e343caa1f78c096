// Package vntext handles Vietnamese text: folding diacritics for
// accent-insensitive search ("tan thuan" finds "Tân Thuận") and ASCII codes.
package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold removes Vietnamese diacritics and folds case: "Đình Vũ" → "dinh vu".
func Fold(s string) string { return strings.ToLower(Strip(s)) }

// Strip removes Vietnamese diacritics, keeping case: "Đình Vũ" → "Dinh Vu".
func Strip(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Slug turns a name into an upper-case ASCII code part: "Tân Thuận" → "TAN-THUAN".
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToUpper(Strip(s)) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}
