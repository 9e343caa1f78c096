package source

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// isCP1258 says whether an encoding name GDAL gives is Windows-1258.
func isCP1258(enc string) bool {
	switch strings.ToUpper(strings.ReplaceAll(enc, "-", "")) {
	case "CP1258", "WINDOWS1258", "1258":
		return true
	}
	return false
}

// decodeCP1258 decodes Windows-1258 text to UTF-8 in Normalization Form C:
// Windows-1258 writes most Vietnamese tones as combining marks after the
// letter (ệ is ê and a combining dot below), and NFC composes them into
// the letters other text has. ok is false when s holds a byte the code page
// leaves undefined.
func decodeCP1258(s string) (string, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s, true
	}
	d, err := charmap.Windows1258.NewDecoder().String(s)
	if err != nil || strings.ContainsRune(d, utf8.RuneError) {
		return d, false
	}
	return norm.NFC.String(d), true
}
