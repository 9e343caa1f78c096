package catalog

import (
	"net/url"
	"testing"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// fixture is a small index: two boards, three provinces, a zone inside
// another, parcels and green areas of each zone.
func fixture() *index.Snapshot {
	sq := func(x, y, d float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
	}
	one := int64(1)
	zones := []*zonegis.Zone{
		{ID: 1, Code: "KCN-AMATA", NameVI: "Khu công nghiệp Amata", NameEN: "Amata Industrial Park", Kind: "industrial_park",
			Status: "operating", Model: "conventional", BoardID: "dongnai", Province: "Đồng Nai", AreaM2: 500e4, Boundary: sq(106, 10, 1)},
		{ID: 2, Code: "KCX-TAN-THUAN", NameVI: "Khu chế xuất Tân Thuận", NameEN: "Tan Thuan EPZ", Kind: "export_processing_zone",
			Status: "operating", Model: "eco", BoardID: "hepza", Province: "Thành phố Hồ Chí Minh", AreaM2: 300e4, Boundary: sq(108, 10, 1)},
		{ID: 3, Code: "KCN-SUB", NameVI: "Khu nhỏ", NameEN: "Small", Kind: "industrial_park", Status: "planned",
			Model: "conventional", BoardID: "dongnai", Province: "dong nai", ParentID: &one, AreaM2: 20e4, Boundary: sq(106.1, 10.1, 0.2)},
	}
	parcels := []*zonegis.Parcel{
		{ID: 10, ZoneID: 1, LandUse: "industrial", Status: "available", AreaM2: 2e4, Boundary: sq(106.5, 10.5, 0.01)},
		{ID: 11, ZoneID: 1, LandUse: "warehouse", Status: "leased", AreaM2: 5e4, Boundary: sq(106.6, 10.5, 0.01)},
		{ID: 12, ZoneID: 2, LandUse: "industrial", Status: "available", AreaM2: 1e4, Boundary: sq(108.5, 10.5, 0.01)},
		{ID: 13, ZoneID: 3, LandUse: "industrial", Status: "reserved", AreaM2: 3e4, Boundary: sq(106.15, 10.15, 0.01)},
	}
	greens := []*zonegis.GreenArea{
		{ID: 20, ZoneID: 1, Kind: "park", AreaM2: 1e4, Boundary: sq(106.7, 10.7, 0.01)},
		{ID: 21, ZoneID: 2, Kind: "water_surface", AreaM2: 2e4, Boundary: sq(108.7, 10.7, 0.01)},
	}
	ix := index.New()
	ix.Load(1, zones, parcels, greens)
	return ix.Snapshot()
}

// ids runs q over c with Find (one page holding everything) and returns
// the ids found.
func ids[T any](s *index.Snapshot, c *Collection[T], q Query) []int64 {
	p := c.Find(s, &q, 0, 1000)
	defer p.Release()
	var out []int64
	for _, v := range p.Features {
		out = append(out, c.ID(v))
	}
	return out
}

func parse[T any](t *testing.T, s *index.Snapshot, c *Collection[T], raw string) (Query, error) {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return c.Parse(s, v)
}

// TestParseErrors: every filter's bad value gets an EINVALID error naming
// the parameter, with the messages the HTTP API has always sent.
func TestParseErrors(t *testing.T) {
	s := fixture()
	for _, c := range []struct {
		coll, query, want string
	}{
		{"zones", "kind=mall", `kind: "mall" is not one of ` + joined(zonegis.ZoneKinds)},
		{"green-areas", "kind=industrial_park", `kind: "industrial_park" is not one of ` + joined(zonegis.GreenKinds)},
		{"zones", "status=leased", `status: "leased" is not one of ` + joined(zonegis.ZoneStatuses)},
		{"parcels", "status=operating", `status: "operating" is not one of ` + joined(zonegis.ParcelStatuses)},
		{"parcels", "land_use=casino", `land_use: "casino" is not one of ` + joined(zonegis.LandUses)},
		{"zones", "model=x", `model: "x" is not one of ` + joined(zonegis.ZoneModels)},
		{"parcels", "min_area_ha=abc", `min_area_ha: "abc" is not a finite number`},
		{"parcels", "max_area_ha=NaN", `max_area_ha: "NaN" is not a finite number`},
		{"zones", "min_area_ha=-1", `min_area_ha: must not be negative`},
		{"green-areas", "max_area_ha=-0.5", `max_area_ha: must not be negative`},
		{"parcels", "min_area_ha=5&max_area_ha=2", `min_area_ha 5 is greater than max_area_ha 2`},
		{"parcels", "zone=99", `zone: no zone with id 99`},
		{"green-areas", "zone=KCN-NOWHERE", `zone: no zone with code "KCN-NOWHERE"`},
		{"zones", "parent=99", `parent: zone: no zone with id 99`},
		{"zones", "parent=nope", `parent: zone: no zone with code "nope"`},
		// The first bad filter, in Parse's order, is the one reported.
		{"parcels", "zone=99&status=bad", `status: "bad" is not one of ` + joined(zonegis.ParcelStatuses)},
	} {
		var err error
		switch c.coll {
		case "zones":
			_, err = parse(t, s, Zones, c.query)
		case "parcels":
			_, err = parse(t, s, Parcels, c.query)
		case "green-areas":
			_, err = parse(t, s, GreenAreas, c.query)
		}
		if zonegis.ErrorCode(err) != zonegis.EINVALID || zonegis.ErrorMessage(err) != c.want {
			t.Errorf("%s?%s: %v (%s); want EINVALID %q", c.coll, c.query, err, zonegis.ErrorCode(err), c.want)
		}
	}
}

func joined(vs []string) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += v
	}
	return s
}

// TestFilters: what each filter keeps, per collection.
func TestFilters(t *testing.T) {
	s := fixture()
	check := func(name string, got []int64, want ...int64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %v; want %v", name, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: %v; want %v", name, got, want)
				return
			}
		}
	}
	zq := func(raw string) Query {
		q, err := parse(t, s, Zones, raw)
		if err != nil {
			t.Fatalf("zones?%s: %v", raw, err)
		}
		return q
	}
	pq := func(raw string) Query {
		q, err := parse(t, s, Parcels, raw)
		if err != nil {
			t.Fatalf("parcels?%s: %v", raw, err)
		}
		return q
	}
	gq := func(raw string) Query {
		q, err := parse(t, s, GreenAreas, raw)
		if err != nil {
			t.Fatalf("green-areas?%s: %v", raw, err)
		}
		return q
	}
	check("zones all", ids(s, Zones, zq("")), 1, 2, 3)
	check("zones board", ids(s, Zones, zq("board=dongnai")), 1, 3)
	check("zones province folded", ids(s, Zones, zq("province=DONG+NAI")), 1, 3)
	check("zones province exact", ids(s, Zones, zq("province=Thành+phố+Hồ+Chí+Minh")), 2)
	check("zones kind", ids(s, Zones, zq("kind=export_processing_zone")), 2)
	check("zones status", ids(s, Zones, zq("status=planned")), 3)
	check("zones model", ids(s, Zones, zq("model=eco")), 2)
	check("zones parent by id", ids(s, Zones, zq("parent=1")), 3)
	check("zones parent by code", ids(s, Zones, zq("parent=kcn-amata")), 3)
	check("zones q accents", ids(s, Zones, zq("q=tan+thuan")), 2)
	check("zones q code", ids(s, Zones, zq("q=AMATA")), 1)
	check("zones q Vietnamese", ids(s, Zones, zq("q=Chế+Xuất")), 2)
	check("zones area", ids(s, Zones, zq("min_area_ha=20&max_area_ha=300")), 2, 3)
	check("zones area inclusive", ids(s, Zones, zq("min_area_ha=500")), 1)
	check("parcels all", ids(s, Parcels, pq("")), 10, 11, 12, 13)
	check("parcels zone id", ids(s, Parcels, pq("zone=1")), 10, 11)
	check("parcels zone code", ids(s, Parcels, pq("zone=KCX-TAN-THUAN")), 12)
	check("parcels board", ids(s, Parcels, pq("board=dongnai")), 10, 11, 13)
	check("parcels province", ids(s, Parcels, pq("province=hồ+chí+minh")))
	check("parcels province whole", ids(s, Parcels, pq("province=thanh+pho+ho+chi+minh")), 12)
	check("parcels status", ids(s, Parcels, pq("status=available")), 10, 12)
	check("parcels land_use", ids(s, Parcels, pq("land_use=warehouse")), 11)
	check("parcels zone and board", ids(s, Parcels, pq("zone=2&board=dongnai")))
	check("parcels area", ids(s, Parcels, pq("max_area_ha=2")), 10, 12)
	check("greens kind", ids(s, GreenAreas, gq("kind=water_surface")), 21)
	check("greens board", ids(s, GreenAreas, gq("board=hepza")), 21)
	check("greens zone", ids(s, GreenAreas, gq("zone=1")), 20)
	check("greens area", ids(s, GreenAreas, gq("min_area_ha=1.5")), 21)
	// A filter the collection does not take is not read.
	check("parcels ignore q", ids(s, Parcels, pq("q=nothing")), 10, 11, 12, 13)
}

func parseRaw(t *testing.T, raw string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
