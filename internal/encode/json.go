// Package encode turns zones, parcels and green areas into the formats the
// service speaks: GeoJSON features (RFC 7946) appended straight to byte
// slices, without reflection, so items pages and exports stream fast.
// Coordinates are written rounded to 1e-9 degrees (AppendCoord); the
// index's geometries hold exactly those integers (fixedgeom), and
// AppendFixedMembers formats them without a float in between, to the same
// bytes.
package encode

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// AppendString appends s as a JSON string. Non-ASCII text (Vietnamese
// diacritics) is written as UTF-8; invalid UTF-8 becomes U+FFFD.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := plainPrefix(s); i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainPrefix is the length of s's leading bytes that a JSON string
// holds as they are (ASCII from 0x20 but '"' and '\\'), read 8 at a time:
// the lot codes, land uses and statuses of every feature are such
// strings, and a byte at a time was most of what writing them cost.
func plainPrefix(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	if len(s) < 8 {
		return plainBytes(s)
	}
	for i := 0; ; i += 8 {
		if i+8 > len(s) {
			i = len(s) - 8 // the word that ends s, over bytes already read
		}
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte under 0x20, or equal to '"' or '\\' (zero after the
		// xor), sets its high bit in (x - ones*n) &^ x; a byte from 0x80
		// has its own: no false negative.
		quote, slash := w^(ones*'"'), w^(ones*'\\')
		if ((w-ones*0x20)&^w|(quote-ones)&^quote|(slash-ones)&^slash|w)&highs != 0 {
			return i + plainBytes(s[i:])
		}
		if i+8 == len(s) {
			return len(s)
		}
	}
}

// plainBytes is the length of s's leading plain bytes, a byte at a time.
func plainBytes(s string) int {
	for i := 0; i < len(s); i++ {
		if !plain[s[i]] {
			return i
		}
	}
	return len(s)
}

// plain[c] says whether a JSON string holds the byte c as it is.
var plain = func() (p [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		p[c] = c != '"' && c != '\\'
	}
	return p
}()

// AppendFloat appends f in the shortest form that reads back exactly;
// non-finite values become null.
func AppendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// AppendFloatText is AppendFloat(b, f) for f parsed from text
// (strconv.ParseFloat, 64 bits): a text that is already the form
// AppendFloat writes is appended as it is, and no float is formatted (the
// point lookup echoes its point). That form is text when text is
// -?(0|[1-9][0-9]*)(.[0-9]*[1-9])? with at most 15 significant digits: any
// two decimals of 15 digits or fewer are different float64s (DBL_DIG), so
// no shorter one reads back as f and the shortest digits are text's.
func AppendFloatText(b []byte, f float64, text string) []byte {
	if canonicalDecimal(text) {
		return append(b, text...)
	}
	return AppendFloat(b, f)
}

// canonicalDecimal says whether s is -?(0|[1-9][0-9]*)(.[0-9]*[1-9])? with
// at most 15 significant digits.
func canonicalDecimal(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i == len(s) || s[i] < '0' || s[i] > '9' {
		return false
	}
	sig := 0 // significant digits so far
	if s[i] == '0' {
		i++
	} else {
		for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			sig++
		}
	}
	if i < len(s) {
		if s[i] != '.' || i == len(s)-1 || s[len(s)-1] == '0' {
			return false
		}
		for i++; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
			if sig > 0 || s[i] != '0' {
				sig++
			}
		}
	}
	return sig <= 15
}

// AppendCoord appends a coordinate in degrees rounded to 9 decimals (about
// 0.1 mm, the precision PostGIS ST_AsGeoJSON writes by default), without
// trailing zeros. Integer arithmetic makes it several times faster than the
// shortest-representation float formatting, and coordinates are most of
// every GeoJSON response. Values beyond ±9e9 fall back to AppendFloat.
func AppendCoord(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) || f > 9e9 || f < -9e9 {
		return AppendFloat(b, f)
	}
	return appendUnits(b, int64(math.Round(f*1e9)))
}

// appendUnits appends n 1e-9 degrees as AppendCoord writes them.
func appendUnits(b []byte, n int64) []byte {
	at := len(b)
	b = slices.Grow(b, maxUnitsLen)[:at+maxUnitsLen]
	return b[:at+putUnits(b[at:at+maxUnitsLen], n)]
}

// maxUnitsLen is the room putUnits needs: a sign, 10 digits of integer
// part (9e9°, AppendCoord's limit), a point with 9 decimals, and one byte
// its 4-byte stores may write past the end.
const maxUnitsLen = 22

// putUnits writes n 1e-9 degrees in decimal degrees, without trailing
// zeros, to s (at least maxUnitsLen long) and returns the length: the
// coordinate formatter of AppendCoord and of AppendFixedMembers' axes
// whose coordinates do not share a prefix (axis; TestFixedMembersAgreeWithStrconv
// holds the two ways to strconv's bytes). Coordinates are most of every GeoJSON answer
// and are formatted on each one, so it works by groups of three digits
// (digits3: one 4-byte store each, three divisions by constants for the
// 9 decimals, in uint32) and stores into s by index.
func putUnits(s []byte, n int64) int {
	_ = s[maxUnitsLen-1]
	i := 0
	u := uint64(n)
	if n < 0 {
		s[0] = '-'
		i = 1
		u = uint64(-n)
	}
	ip, frac := u/1e9, uint32(u%1e9)
	switch {
	case ip < 10:
		s[i] = byte('0' + ip)
		i++
	case ip < 100:
		s[i], s[i+1] = digitPairs[2*ip], digitPairs[2*ip+1]
		i += 2
	case ip < 1000:
		binary.LittleEndian.PutUint32(s[i:], digits3[ip])
		i += 3
	default:
		i += len(strconv.AppendUint(s[i:i], ip, 10))
	}
	if frac == 0 {
		return i
	}
	s[i] = '.'
	return i + 1 + putFrac(s[i+1:i+11], frac)
}

// putFrac writes frac (1 to 999,999,999) as the 9 decimals of a
// coordinate, without trailing zeros, to s (at least 10 long: its 4-byte
// stores write one byte past the ninth) and returns their number.
func putFrac(s []byte, frac uint32) int {
	_ = s[9]
	hi := frac / 1000000
	rest := frac - hi*1000000
	mid := rest / 1000
	lo := rest - mid*1000
	binary.LittleEndian.PutUint32(s[0:], digits3[hi])
	binary.LittleEndian.PutUint32(s[3:], digits3[mid])
	binary.LittleEndian.PutUint32(s[6:], digits3[lo])
	switch {
	case lo != 0:
		return 6 + int(keep3[lo])
	case mid != 0:
		return 3 + int(keep3[mid])
	}
	return int(keep3[hi])
}

// digits3[v] is v's three decimal digits, zero-padded, as the bytes of a
// little-endian uint32 (the fourth byte 0); keep3[v] is how many of them
// are left without v's trailing zeros.
var digits3, keep3 = func() (d [1000]uint32, k [1000]uint8) {
	for v := range 1000 {
		d[v] = uint32('0'+v/100) | uint32('0'+v/10%10)<<8 | uint32('0'+v%10)<<16
		switch {
		case v == 0:
			k[v] = 0
		case v%100 == 0:
			k[v] = 1
		case v%10 == 0:
			k[v] = 2
		default:
			k[v] = 3
		}
	}
	return d, k
}()

// AppendRounded appends f rounded to prec decimals (0 to 9), trailing
// zeros dropped; integer arithmetic where it fits, like AppendCoord.
func AppendRounded(b []byte, f float64, prec int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if prec < 0 || prec > 9 || math.Abs(f) >= 9e9 {
		return strconv.AppendFloat(b, f, 'f', prec, 64)
	}
	n := int64(math.Round(f * float64(pow10[prec])))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	u := uint64(n)
	var ip, frac uint64
	switch prec { // the precisions the answers use, by constants: no division instruction
	case 1:
		ip, frac = u/10, u%10
	case 2:
		ip, frac = u/100, u%100
	case 4:
		ip, frac = u/10000, u%10000
	default:
		ip, frac = u/uint64(pow10[prec]), u%uint64(pow10[prec])
	}
	b = appendUint(b, ip)
	if frac == 0 {
		return b
	}
	var d [10]byte
	d[0] = '.'
	for i := prec; i >= 1; i-- {
		d[i] = byte('0' + frac%10)
		frac /= 10
	}
	end := prec + 1
	for d[end-1] == '0' {
		end--
	}
	return append(b, d[:end]...)
}

// appendUint appends n in decimal, as strconv.AppendUint does, from
// digits3 for n under a million (areas' integer parts).
func appendUint(b []byte, n uint64) []byte {
	switch {
	case n < 10:
		return append(b, byte('0'+n))
	case n < 100:
		return append(b, digitPairs[2*n], digitPairs[2*n+1])
	case n < 1000:
		d := digits3[n]
		return append(b, byte(d), byte(d>>8), byte(d>>16))
	case n < 1000000:
		b = appendUint(b, n/1000)
		d := digits3[n%1000]
		return append(b, byte(d), byte(d>>8), byte(d>>16))
	}
	return strconv.AppendUint(b, n, 10)
}

var pow10 = [10]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// AppendTime appends t as an RFC 3339 JSON string in UTC, with as many
// fractional digits as needed (as time.RFC3339Nano), formatted by hand:
// timestamps are in every feature, and the general formatter is slow. The
// civil date comes from the Unix day by integer arithmetic (Howard
// Hinnant's days-to-civil, https://howardhinnant.github.io/date_algorithms.html)
// rather than from time.Time.Date and Clock, which each split the time
// again; the string is made in an array and appended once.
func AppendTime(b []byte, t time.Time) []byte {
	sec := t.Unix()
	if sec < year0 || sec >= year10000 {
		b = append(b, '"')
		b = t.UTC().AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	// Days since 0000-01-01; 0000-03-01 came 60 days later (year 0 is a
	// leap year), and one era (400 years, 146097 days) is added so that
	// January and February of year 0 count from a March too.
	days, sod := (sec-year0)/86400, int((sec-year0)%86400)
	y, mo, d := civil(days - 60 + 146097)
	y -= 400
	var a [32]byte
	a[0] = '"'
	put4(a[1:], y)
	a[5] = '-'
	put2(a[6:], mo)
	a[8] = '-'
	put2(a[9:], d)
	a[11] = 'T'
	put2(a[12:], sod/3600)
	a[14] = ':'
	put2(a[15:], sod/60%60)
	a[17] = ':'
	put2(a[18:], sod%60)
	n := 20
	if ns := t.Nanosecond(); ns != 0 {
		a[20] = '.'
		for i := 29; i >= 21; i -= 2 { // nine digits, two at a time but the first
			if i == 21 {
				a[21] = byte('0' + ns)
				break
			}
			put2(a[i-1:], ns%100)
			ns /= 100
		}
		n = 30
		for a[n-1] == '0' {
			n--
		}
	}
	a[n], a[n+1] = 'Z', '"'
	return append(b, a[:n+2]...)
}

// year0 and year10000 are the Unix times of 0000-01-01 and 10000-01-01
// (UTC): AppendTime writes the years between by hand.
const (
	year0     = -62167219200
	year10000 = 253402300800
)

// civil is the proleptic Gregorian year, month and day of the day that is
// days after 0000-03-01 (days >= 0), by Hinnant's days-to-civil with the
// era counted from year 0.
func civil(days int64) (y, m, d int) {
	era := days / 146097
	doe := days - era*146097                               // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], from March
	d = int(doy - (153*mp+2)/5 + 1)                        // [1, 31]
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

func put2(a []byte, v int) { _ = a[1]; a[0], a[1] = digitPairs[2*v], digitPairs[2*v+1] }

func put4(a []byte, v int) { put2(a, v/100); put2(a[2:], v%100) }

// AppendDate appends t as a "YYYY-MM-DD" JSON string, or null when nil.
func AppendDate(b []byte, t *time.Time) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.DateOnly)
	return append(b, '"')
}

// Comma appends the comma before a list's member when *n members came
// before it, and counts it.
func Comma(b []byte, n *int) []byte {
	if *n > 0 {
		b = append(b, ',')
	}
	*n++
	return b
}
