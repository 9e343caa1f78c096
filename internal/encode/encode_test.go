package encode_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestAppendStringIsValidJSON(t *testing.T) {
	for _, s := range []string{"", "Khu chế xuất Tân Thuận", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x01\x1f",
		"bad utf8 \xff\xfe", "line sep \u2028 para \u2029", "emoji 🌿", "<script>&"} {
		b := encode.AppendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q: %s is not JSON: %v", s, b, err)
		}
		want := s
		if s == "bad utf8 \xff\xfe" {
			want = "bad utf8 \ufffd\ufffd"
		}
		if back != want {
			t.Fatalf("%q came back as %q", s, back)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{{106.7316832, "106.7316832"}, {0, "0"}, {-0.5, "-0.5"}, {1e21, "1000000000000000000000"}, {math.NaN(), "null"}, {math.Inf(1), "null"}} {
		if got := string(encode.AppendFloat(nil, c.f)); got != c.want {
			t.Errorf("AppendFloat(%v) = %s, want %s", c.f, got, c.want)
		}
	}
}

// The hand-written encoders must produce what a general GeoJSON decoder
// reads back to the same feature.
func TestFeaturesRoundTrip(t *testing.T) {
	est := time.Date(1991, 9, 25, 0, 0, 0, 0, time.UTC)
	ent, wrk := int32(97), int32(8127)
	parent := int64(7)
	hole := orb.MultiPolygon{{
		{{106.70, 10.75}, {106.71, 10.75}, {106.71, 10.76}, {106.70, 10.76}, {106.70, 10.75}},
		{{106.702, 10.752}, {106.702, 10.753}, {106.703, 10.753}, {106.702, 10.752}},
	}, {{{106.72, 10.75}, {106.73, 10.75}, {106.73, 10.76}, {106.72, 10.75}}}}
	z := &zonegis.Zone{ID: 3, Code: "KCX-TAN-THUAN", NameVI: "Khu chế xuất Tân Thuận", NameEN: "Tan Thuan EPZ", Kind: "export_processing_zone",
		ParentID: &parent, BoardID: "hepza", Province: "Thành phố Hồ Chí Minh", Status: "operating", Model: "conventional",
		Established: &est, Enterprises: &ent, Workers: &wrk, Sectors: []string{"electronics", "may mặc"}, Source: "osm:way/1",
		AreaM2: 1234567.891, Boundary: hole, Version: 4, UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}
	f, err := geojson.UnmarshalFeature(encode.Zone(nil, z))
	if err != nil {
		t.Fatal(err)
	}
	if f.ID.(float64) != 3 || !f.Geometry.(orb.MultiPolygon).Equal(hole) {
		t.Fatalf("id %v geometry %v", f.ID, f.Geometry)
	}
	p := f.Properties
	if p["name_vi"] != z.NameVI || p["established"] != "1991-09-25" || p["enterprises"].(float64) != 97 ||
		p["parent_id"].(float64) != 7 || p["area_m2"].(float64) != 1234567.89 || p["area_ha"].(float64) != 123.4568 ||
		p["updated_at"] != "2026-01-02T03:04:05.000000006Z" || len(p["sectors"].([]any)) != 2 {
		t.Fatalf("properties %v", p)
	}
	if bb := f.BBox; len(bb) != 4 || bb[0] != 106.70 || bb[3] != 10.76 {
		t.Fatalf("bbox %v", bb)
	}
	// Nulls for unknown figures.
	z.Enterprises, z.Workers, z.Established, z.ParentID, z.BoardID = nil, nil, nil, nil, ""
	f, _ = geojson.UnmarshalFeature(encode.Zone(nil, z))
	for _, k := range []string{"enterprises", "workers", "established", "parent_id", "board_id"} {
		if v, ok := f.Properties[k]; !ok || v != nil {
			t.Fatalf("%s = %v, want null", k, v)
		}
	}
	// Extra properties land inside the properties object.
	pc := &zonegis.Parcel{ID: 9, ZoneID: 3, LotCode: "L0001", LandUse: "industrial", Status: "available", AreaM2: 20000, Boundary: hole}
	f, err = geojson.UnmarshalFeature(encode.ParcelWith(nil, pc, func(b []byte) []byte { return append(b, `,"distance_m":12.5`...) }))
	if err != nil || f.Properties["distance_m"].(float64) != 12.5 || f.Properties["lot_code"] != "L0001" {
		t.Fatalf("%v %v", f, err)
	}
}

func TestAppendCoord(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{{106.7316832, "106.7316832"}, {0, "0"}, {-0.5, "-0.5"}, {10.000000001, "10.000000001"}, {10.0000000004, "10"},
		{-106.1234567891, "-106.123456789"}, {179.9999999996, "180"}, {-0.0000000001, "0"}, {1e12, "1000000000000"}, {math.NaN(), "null"}} {
		if got := string(encode.AppendCoord(nil, c.f)); got != c.want {
			t.Errorf("AppendCoord(%v) = %s, want %s", c.f, got, c.want)
		}
	}
	// Within half a nanodegree of the input, always.
	for i := range 100000 {
		f := -180 + float64(i)*0.0036000000123
		var back float64
		if err := json.Unmarshal(encode.AppendCoord(nil, f), &back); err != nil || math.Abs(back-f) > 5.0001e-10 {
			t.Fatalf("%v -> %v (%v)", f, back, err)
		}
	}
}

// A fixed-point geometry must give byte-identical output.
func TestCachedGeometrySameBytes(t *testing.T) {
	ring := orb.Ring{{106.7, 10.75}, {106.71, 10.75}, {106.71, 10.76}, {106.7, 10.75}}
	p := &zonegis.Parcel{ID: 1, ZoneID: 2, LotCode: "A", LandUse: "industrial", Status: "available", Boundary: orb.MultiPolygon{{ring}}}
	plain := string(encode.Parcel(nil, p))
	g := fixedgeom.From(p.Boundary, nil)
	if cached := string(encode.ParcelCached(nil, p, &g, nil)); cached != plain {
		t.Fatalf("cached:\n%s\nplain:\n%s", cached, plain)
	}
}

// TestFixedMembersSameBytes: AppendFixedMembers writes what
// AppendGeometryMembers writes for the geometry given to fixedgeom.From,
// on random shapes (holes, several polygons, negative and integral
// coordinates, values at the half nanodegree) and on those that keep
// their orb form (wide spans, huge or non-finite values) or have no point.
func TestFixedMembersSameBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	coord := func(c float64, spread float64) float64 {
		switch rng.IntN(6) {
		case 0:
			return math.Round(c) // integral
		case 1:
			return math.Round(c*1e9)/1e9 + 0.5e-9 // a tie of the rounding
		}
		return c + (rng.Float64()-0.5)*spread
	}
	shape := func(spread float64) orb.MultiPolygon {
		cx, cy := -180+rng.Float64()*360, -90+rng.Float64()*180
		mp := make(orb.MultiPolygon, 1+rng.IntN(3))
		for i := range mp {
			mp[i] = make(orb.Polygon, 1+rng.IntN(3))
			for j := range mp[i] {
				r := make(orb.Ring, rng.IntN(9))
				for k := range r {
					r[k] = orb.Point{coord(cx, spread), coord(cy, spread)}
				}
				mp[i][j] = r
			}
		}
		return mp
	}
	cases := []orb.MultiPolygon{nil, {}, {{}}, {{{}}}, {{{{1e10, 0}, {0, 0}}}}, {{{{math.NaN(), 0}}}},
		{{{{-170, 10}, {170, 10}, {0, 11}}}}, {{{{106.5, 10.5}, {106.5 + 2.147483647, 10.5}}}}, {{{{106.5, 10.5}, {106.5 + 2.147483648, 10.5}}}}}
	for range 3000 {
		cases = append(cases, shape(0.01))
	}
	for range 300 {
		cases = append(cases, shape(6))
	}
	for _, mp := range cases {
		g := fixedgeom.From(mp, nil)
		want := string(encode.AppendGeometryMembers([]byte("x"), mp))
		if got := string(encode.AppendFixedMembers([]byte("x"), &g)); got != want {
			t.Fatalf("%v:\n got %s\nwant %s", mp, got, want)
		}
	}
}

// The hand-written time formatter agrees with time.RFC3339Nano.
func TestAppendTimeMatchesRFC3339Nano(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	for _, tm := range []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), time.Date(1991, 9, 25, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 23, 59, 59, 999999999, loc), time.Date(2024, 2, 29, 12, 0, 0, 120000000, time.UTC),
		time.Unix(0, 0), {}, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		want := `"` + tm.UTC().Format(time.RFC3339Nano) + `"`
		if got := string(encode.AppendTime(nil, tm)); got != want {
			t.Errorf("AppendTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

func TestAppendRounded(t *testing.T) {
	for _, c := range []struct {
		f    float64
		prec int
		want string
	}{{1234567.891, 2, "1234567.89"}, {20000, 2, "20000"}, {123.4, 2, "123.4"}, {0.00005, 4, "0.0001"},
		{-2.5, 0, "-3"}, {2.675, 2, "2.68"}, {-0.001, 2, "0"}, {1e12, 2, "1000000000000.00"}, {math.NaN(), 2, "null"}} {
		if got := string(encode.AppendRounded(nil, c.f, c.prec)); got != c.want {
			t.Errorf("AppendRounded(%v, %d) = %s, want %s", c.f, c.prec, got, c.want)
		}
	}
}

// TestAppendCoordAgreesWithStrconv: the integer formatter writes what
// strconv's shortest form of the rounded value writes (its trailing zeros
// dropped), for values with every number of decimals from 0 to 9.
func TestAppendCoordAgreesWithStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for i := range 200000 {
		n := rng.Int64N(400_000_000_000) - 200_000_000_000 // ±200°, in 1e-9°
		n -= n % pow10(i%10)                               // i%10 trailing zeros
		f := float64(n) / 1e9
		want := strconv.FormatFloat(f, 'f', -1, 64)
		if want == "-0" {
			want = "0"
		}
		if got := string(encode.AppendCoord(nil, f)); got != want {
			t.Fatalf("AppendCoord(%v) = %s, want %s", f, got, want)
		}
	}
}

func pow10(k int) int64 {
	p := int64(1)
	for range k {
		p *= 10
	}
	return p
}

// AppendTime agrees with time.RFC3339Nano on random instants from before
// year 0 to after year 9999 (the hand-written years and the formatter's
// either side), every day of the years 0 to 2 and around leap days, in any
// zone, with fractions of every length.
func TestAppendTimeRandomAsRFC3339Nano(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	zones := []*time.Location{time.UTC, time.FixedZone("ICT", 7*3600), time.FixedZone("W", -9*3600-1800)}
	check := func(tm time.Time) {
		t.Helper()
		want := `"` + tm.UTC().Format(time.RFC3339Nano) + `"`
		if got := string(encode.AppendTime([]byte("x"), tm)); got != "x"+want {
			t.Fatalf("AppendTime(%v) = %s, want %s", tm, got[1:], want)
		}
	}
	nanos := func() int64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return rng.Int64N(1e6) * 1000 // microseconds, as PostgreSQL keeps them
		case 2:
			return rng.Int64N(1000) * 1e6
		}
		return rng.Int64N(1e9)
	}
	const year0, year10000 = -62167219200, 253402300800
	for range 200000 {
		sec := year0 - 1e9 + rng.Int64N(year10000-year0+2e9)
		check(time.Unix(sec, nanos()).In(zones[rng.IntN(len(zones))]))
	}
	for day := int64(-3); day < 3*366+3; day++ {
		check(time.Unix(year0+day*86400+rng.Int64N(86400), nanos()))
	}
	for y := 1896; y <= 2404; y += 4 {
		for d := 58; d <= 61; d++ {
			check(time.Date(y, 1, d, 23, 59, 59, int(nanos()), time.UTC))
		}
	}
	check(time.Unix(year10000-1, 999999999))
	check(time.Unix(year10000, 0))
	check(time.Unix(year0, 0))
	check(time.Unix(year0-1, 999999999))
}

// AppendFloatText writes what AppendFloat writes of the float its text
// parses to, for random decimal texts: of 1 to 17 significant digits,
// signs, leading and trailing zeros, a point anywhere or none, exponents,
// spaces and a '+' (those the parse takes and the canonical form does not
// have).
func TestAppendFloatTextAsAppendFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	texts := []string{"0", "-0", "0.0", "-0.0", "1", "10", "106.5", "106.50", "0.5", ".5", "5.", "+5", "1e3", "1E-3", " 1", "00.1",
		"180", "-180", "90", "-90", "0.1", "0.2", "0.3", "1.7976931348623157", "123456789012345", "1234567890123456",
		"0.000000000000000000001", "106.123456789012", "106.1234567890123", "9007199254740993", "inf", "NaN", "0x1p-2"}
	for range 200000 {
		var b []byte
		if rng.IntN(3) == 0 {
			b = append(b, '-')
		}
		if rng.IntN(5) == 0 {
			b = append(b, '+')
		}
		n := 1 + rng.IntN(17)
		point := rng.IntN(n + 2) // n+1: no point
		for i := range n {
			if i == point {
				b = append(b, '.')
			}
			b = append(b, byte('0'+rng.IntN(10)))
		}
		if rng.IntN(20) == 0 {
			b = append(b, 'e', byte('0'+rng.IntN(10)))
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			continue
		}
		if got, want := string(encode.AppendFloatText([]byte("x"), f, s)), "x"+string(encode.AppendFloat(nil, f)); got != want {
			t.Fatalf("AppendFloatText(%v, %q) = %s, want %s", f, s, got[1:], want[1:])
		}
	}
}

// TestFixedMembersAgreeWithStrconv: AppendFixedMembers writes each
// coordinate as strconv's shortest form of its value in 1e-9° writes it,
// on rings whose points share their sign and integer degrees (each axis
// written from one prefix) and rings that cross them: every carry of the
// decimals into the degrees (x.999999999 to x+1, by 1e-9° steps), zero
// and -0.x, negatives, decimals of every length, integers of 1 to 3
// digits and past 2^31 units. The rings' JSON is made here, not by encode.
func TestFixedMembersAgreeWithStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 16))
	num := func(u int64) string {
		s := strconv.FormatFloat(float64(u)/1e9, 'f', -1, 64)
		if s == "-0" {
			s = "0"
		}
		return s
	}
	// Units around the places where the integer part changes.
	centres := []int64{0, 1e9, -1e9, 9e9, -9e9, 10e9, 106e9, -106e9, 179e9, -180e9, 99e9, 100e9, 999e9, 1000e9}
	point := func(c int64) int64 {
		switch rng.IntN(5) {
		case 0:
			return c + rng.Int64N(7) - 3 // 1e-9° steps across the carry
		case 1:
			return c + rng.Int64N(2e6) - 1e6
		case 2:
			u := c + rng.Int64N(2e9) - 1e9
			return u - u%pow10(rng.IntN(10)) // 0 to 9 decimals
		}
		return c + rng.Int64N(2e9) - 1e9
	}
	for i := range 20000 {
		cx, cy := centres[rng.IntN(len(centres))], centres[rng.IntN(len(centres))]
		if i%2 == 0 { // inside one integer degree, so that the prefix path is taken
			cx, cy = cx+5e8, cy-5e8
		}
		var mp orb.MultiPolygon
		var want []byte
		lx, ly, hx, hy := int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MinInt64), int64(math.MinInt64)
		for p := range 1 + rng.IntN(2) {
			var poly orb.Polygon
			var pj []byte
			for r := range 1 + rng.IntN(2) {
				var ring orb.Ring
				rj := []byte{'['}
				for k := range 1 + rng.IntN(6) {
					var x, y int64
					if i%2 == 0 {
						x, y = cx+rng.Int64N(9e8)-45e7, cy+rng.Int64N(9e8)-45e7
						if rng.IntN(4) == 0 {
							x = cx - 5e8 + rng.Int64N(2)*(1e9-1) // the integer part's first and last units
						}
					} else {
						x, y = point(cx), point(cy)
					}
					lx, ly, hx, hy = min(lx, x), min(ly, y), max(hx, x), max(hy, y)
					ring = append(ring, orb.Point{float64(x) / 1e9, float64(y) / 1e9})
					if k > 0 {
						rj = append(rj, ',')
					}
					rj = append(rj, "["+num(x)+","+num(y)+"]"...)
				}
				poly = append(poly, ring)
				if r > 0 {
					pj = append(pj, ',')
				}
				pj = append(pj, append(rj, ']')...)
			}
			mp = append(mp, poly)
			if p > 0 {
				want = append(want, ',')
			}
			want = append(want, '[')
			want = append(want, append(pj, ']')...)
		}
		wantS := `,"bbox":[` + num(lx) + "," + num(ly) + "," + num(hx) + "," + num(hy) + `],"geometry":{"type":"MultiPolygon","coordinates":[` + string(want) + "]}"
		g := fixedgeom.From(mp, nil)
		if g.Wide() != nil {
			continue // spans over 2.1°: written from the doubles (TestFixedMembersSameBytes)
		}
		if got := string(encode.AppendFixedMembers(nil, &g)); got != wantS {
			t.Fatalf("%v:\n got %s\nwant %s", mp, got, wantS)
		}
	}
}

// TestAppendStringAsByteLoop: AppendString, which reads plain ASCII 8
// bytes at a time, writes what the byte-at-a-time loop it had before
// writes (appendStringBytewise, kept here as the oracle), on random
// strings of plain runs with every escaped or multi-byte kind of byte at
// every position of the 8-byte words and the tail; and its output is JSON
// that reads back as the string (when it is valid UTF-8).
func TestAppendStringAsByteLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	odd := []string{"\x00", "\x1f", " ", "\x7f", "\"", "\\", "\n", "\t", "\x80", "\xff", "ế", "\u2028", "\u2029", "🌿", "\xe1\xba"}
	for i := range 100000 {
		var s []byte
		for range rng.IntN(40) {
			if rng.IntN(12) == 0 {
				s = append(s, odd[rng.IntN(len(odd))]...)
			} else {
				s = append(s, byte(0x20+rng.IntN(0x5f)))
			}
		}
		if i%3 == 0 && len(s) > 0 { // one odd byte at one place of a plain string
			s[rng.IntN(len(s))] = odd[rng.IntN(len(odd))][0]
		}
		want := appendStringBytewise(nil, string(s))
		got := encode.AppendString(nil, string(s))
		if string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil || utf8.Valid(s) && back != string(s) {
			t.Fatalf("AppendString(%q) = %s: reads back as %q (%v)", s, got, back, err)
		}
	}
}

// appendStringBytewise is AppendString as it was, a byte at a time.
func appendStringBytewise(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
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

// TestAppendRoundedAsStrconv: AppendRounded writes round(f·10^prec) with
// its decimals, trailing zeros dropped, as strconv and fmt write that
// integer, for every precision and integer parts of every length from 1
// to 10 digits (the digit-group writer's every case and strconv's).
func TestAppendRoundedAsStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 11))
	for i := range 200000 {
		prec := i % 10
		f := (rng.Float64()*2 - 1) * math.Pow(10, float64(rng.IntN(10)))
		scale := pow10(prec)
		n := int64(math.Round(f * float64(scale)))
		want := ""
		if n < 0 {
			want, n = "-", -n
		}
		want += strconv.FormatInt(n/scale, 10)
		if frac := n % scale; frac != 0 {
			want += strings.TrimRight("."+fmt.Sprintf("%0*d", prec, frac), "0")
		}
		if got := string(encode.AppendRounded(nil, f, prec)); got != want {
			t.Fatalf("AppendRounded(%v, %d) = %s, want %s", f, prec, got, want)
		}
	}
}
