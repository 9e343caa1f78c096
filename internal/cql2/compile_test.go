package cql2

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

type feat struct {
	name   string
	status string
	area   float64
	n      *float64
	ok     bool
	day    *time.Time
	geom   orb.MultiPolygon
}

var testQueryables = []Queryable[feat]{
	{Name: "name_vi", Type: String, Get: func(f *feat) Value { return Value{S: f.name} }},
	{Name: "status", Type: String, Enum: []string{"available", "reserved", "leased"}, Get: func(f *feat) Value { return Value{S: f.status} }},
	{Name: "area_m2", Type: Number, Get: func(f *feat) Value { return Value{N: f.area} }},
	{Name: "workers", Type: Integer, Get: func(f *feat) Value {
		if f.n == nil {
			return Value{Null: true}
		}
		return Value{N: *f.n}
	}},
	{Name: "synthetic", Type: Boolean, Get: func(f *feat) Value { return Value{B: f.ok} }},
	{Name: "established", Type: Date, Get: func(f *feat) Value {
		if f.day == nil {
			return Value{Null: true}
		}
		return Value{T: *f.day}
	}},
	{Name: "geometry", Type: Geometry, Geom: func(f *feat) orb.MultiPolygon { return f.geom }},
}

func day(s string) *time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return &t
}

func num(v float64) *float64 { return &v }

func square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

var feats = []feat{
	{name: "Khu chế xuất Tân Thuận", status: "leased", area: 3000000, n: num(60000), day: day("1991-09-24"), geom: square(106.7, 10.75, 0.02)},
	{name: "KCN Hiệp Phước", status: "available", area: 20000, n: nil, ok: true, day: nil, geom: square(106.75, 10.6, 0.01)},
	{name: "Linh Trung 100%", status: "reserved", area: 600000, n: num(0), day: day("2001-01-01"), geom: square(106.78, 10.87, 0.01)},
}

// ids runs a cql2-text filter over feats and gives the indexes it keeps.
func ids(t *testing.T, src string) string {
	t.Helper()
	n, err := ParseText(src, DefaultLimits)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	p, err := Compile(n, testQueryables, 1e9)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	var out []string
	for i := range feats {
		if p.Match(&feats[i]) {
			out = append(out, string(rune('0'+i)))
		}
	}
	return strings.Join(out, ",")
}

func TestEvaluate(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`status = 'leased'`, "0"},
		{`status <> 'leased'`, "1,2"},
		{`area_m2 > 100000 AND area_m2 <= 600000`, "2"},
		{`area_m2 / 10000 BETWEEN 2 AND 60`, "1,2"},
		{`area_m2 NOT BETWEEN 2 AND 600000`, "0"},
		{`status IN ('leased', 'reserved')`, "0,2"},
		{`status NOT IN ('leased')`, "1,2"},
		{`workers IS NULL`, "1"},
		{`workers IS NOT NULL`, "0,2"},
		{`workers = 0 OR workers > 1000`, "0,2"},
		{`NOT (workers > 1000)`, "2"}, // null stays unknown under NOT
		{`synthetic`, "1"},
		{`synthetic = false`, "0,2"},
		{`name_vi LIKE 'KCN%'`, "1"},
		{`name_vi LIKE '%100\%'`, "2"},
		{`name_vi LIKE 'Linh_Trung%'`, "2"},
		{`name_vi NOT LIKE '%Tân%'`, "1,2"},
		{`CASEI(name_vi) LIKE CASEI('kcn%')`, "1"},
		{`name_vi LIKE '%tan thuan%'`, ""},
		{`ACCENTI(name_vi) LIKE ACCENTI('%tan thuan%')`, "0"},
		{`ACCENTI(name_vi) = ACCENTI('kcn hiep phuoc')`, "1"},
		{`T_BEFORE(established, DATE('2000-01-01'))`, "0"},
		{`T_AFTER(established, DATE('2000-01-01'))`, "2"},
		{`T_DURING(established, INTERVAL('1990-01-01', '..'))`, "0,2"},
		{`T_INTERSECTS(established, INTERVAL('..', '1991-09-24'))`, "0"},
		{`T_EQUALS(established, DATE('2001-01-01'))`, "2"},
		{`T_DISJOINT(established, INTERVAL('1991-01-01', '1999-12-31'))`, "2"},
		{`established > DATE('1995-01-01')`, "2"},
		{`workers * 2 + 1 >= 1`, "0,2"},
		{`area_m2 div 7 = 2857 OR area_m2 % 7 = 1`, "1"},
		{`S_INTERSECTS(geometry, POINT(106.71 10.76))`, "0"},
		{`S_INTERSECTS(geometry, BBOX(106.6, 10.5, 106.76, 10.7))`, "1"},
		{`S_DISJOINT(geometry, BBOX(106.6, 10.5, 106.76, 10.7))`, "0,2"},
		{`S_WITHIN(geometry, BBOX(106.69, 10.74, 106.73, 10.78))`, "0"},
		{`S_CONTAINS(geometry, POINT(106.785 10.875))`, "2"},
		{`S_CONTAINS(POINT(106.785 10.875), geometry)`, ""},
		{`S_WITHIN(POINT(106.785 10.875), geometry)`, "2"},
		{`S_TOUCHES(geometry, LINESTRING(106.72 10.75, 106.72 10.70))`, "0"},
		{`S_CROSSES(geometry, LINESTRING(106.71 10.70, 106.71 10.80))`, "0"},
		{`S_OVERLAPS(geometry, POLYGON((106.71 10.76, 106.8 10.76, 106.8 10.8, 106.71 10.8, 106.71 10.76)))`, "0"},
		{`S_EQUALS(geometry, POLYGON((106.75 10.6, 106.76 10.6, 106.76 10.61, 106.75 10.61, 106.75 10.6)))`, "1"},
	} {
		if got := ids(t, c.src); got != c.want {
			t.Errorf("%s: kept %q, want %q", c.src, got, c.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for _, c := range []struct {
		src, msg string
		pos      int
	}{
		{`colour = 'red'`, `"colour" is not a queryable`, 0},
		{`status = 'leasedd'`, "status is one of available, reserved, leased", 9},
		{`status = 3`, "status is compared with a number", 9},
		{`area_m2 LIKE '1%'`, "LIKE matches strings", 0},
		{`name_vi`, "expected a condition", 0},
		{`S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))`, "not valid", 23},
		{`S_INTERSECTS(name_vi, POINT(1 2))`, "name_vi is not a geometry", 13},
		{`T_AFTER(area_m2, DATE('2020-01-01'))`, "takes dates", 8},
		{`geometry = 1`, "geometry is a geometry", 0},
	} {
		n, err := ParseText(c.src, DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		_, err = Compile(n, testQueryables, 1e9)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, c.msg) || e.Pos != c.pos {
			t.Errorf("%s: error %v, want %q at %d", c.src, err, c.msg, c.pos)
		}
	}
}

// TestBudget: a program stops keeping features once its work passes the
// budget, and says so.
func TestBudget(t *testing.T) {
	n, _ := ParseText(`S_DISJOINT(geometry, BBOX(106.6, 10.5, 106.9, 10.9)) OR name_vi LIKE '%x%'`, DefaultLimits)
	p, err := Compile(n, testQueryables, 100)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for i := 0; i < 1000; i++ {
		if p.Match(&feats[i%len(feats)]) {
			kept++
		}
	}
	if !errors.Is(p.Err(), ErrBudget) {
		t.Fatalf("Err %v after 1000 evaluations on a budget of 100", p.Err())
	}
	if kept > 100 {
		t.Errorf("kept %d after the budget ran out", kept)
	}
}

func TestSpatialBounds(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int
	}{
		{`S_INTERSECTS(geometry, BBOX(1,2,3,4))`, 1},
		{`status = 'leased' AND S_WITHIN(geometry, POINT(1 2)) AND S_INTERSECTS(BBOX(0,0,1,1), geometry)`, 2},
		{`S_DISJOINT(geometry, BBOX(1,2,3,4))`, 0},
		{`status = 'leased' OR S_INTERSECTS(geometry, BBOX(1,2,3,4))`, 0},
		{`NOT S_INTERSECTS(geometry, BBOX(1,2,3,4))`, 0},
	} {
		n, _ := ParseText(c.src, DefaultLimits)
		p, err := Compile(n, testQueryables, 1e6)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Bounds) != c.want {
			t.Errorf("%s: %d bounds, want %d", c.src, len(p.Bounds), c.want)
		}
	}
}
