package source

import (
	"bufio"
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// isCP1258 says whether an encoding name (as GDAL or a DXF header gives
// it) is Windows-1258.
func isCP1258(enc string) bool {
	switch strings.ToUpper(strings.ReplaceAll(enc, "-", "")) {
	case "CP1258", "WINDOWS1258", "1258", "ANSI_1258", "WINDOWSVIETNAMESE":
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

// dxfCodePage is the $DWGCODEPAGE an ASCII DXF declares in its header
// ("ANSI_1258"), or "": GDAL reads it but does not tell, and the reader
// must know it to read Windows-1258 text right. head is the file's start.
func dxfCodePage(head []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(head))
	var before [2]string // the two lines before this one
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case before[0] == "$DWGCODEPAGE" && before[1] == "3":
			return line
		case line == "ENDSEC" || line == "ENTITIES":
			if before[1] == "0" || before[1] == "2" {
				return "" // past the header
			}
		}
		before[0], before[1] = before[1], line
	}
	return ""
}

// mapInfoCharset is the charset a MapInfo .tab ("!charset X") or .mif
// (`Charset "X"`) header declares, or "". GDAL 3.6 knows no iconv
// encoding for WindowsVietnamese and passes its text on undecoded.
func mapInfoCharset(head []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(head))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && (strings.EqualFold(f[0], "!charset") || strings.EqualFold(f[0], "charset")) {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}
