package catalog

import (
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestParseDatetime: instants (date-times and whole days), intervals and
// open ends as OGC API - Features Part 1 writes them; bad values are
// EINVALID naming datetime.
func TestParseDatetime(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339Nano, s); return v.UTC() }
	ns := time.Nanosecond
	for in, want := range map[string]Interval{
		"":                          {},
		"2024-05-01":                {Start: day("2024-05-01"), End: day("2024-05-02"), set: true},
		"2024-05-01T08:00:00Z":      {Start: at("2024-05-01T08:00:00Z"), End: at("2024-05-01T08:00:00Z").Add(ns), set: true},
		"2024-05-01T15:00:00+07:00": {Start: at("2024-05-01T08:00:00Z"), End: at("2024-05-01T08:00:00Z").Add(ns), set: true},
		"2024-05-01T08:00:00.5Z":    {Start: at("2024-05-01T08:00:00.5Z"), End: at("2024-05-01T08:00:00.5Z").Add(ns), set: true},
		"2020-01-01/2020-12-31":     {Start: day("2020-01-01"), End: day("2021-01-01"), set: true},
		"2020-01-01T00:00:00Z/2020-06-30T12:00:00Z": {Start: day("2020-01-01"), End: at("2020-06-30T12:00:00Z").Add(ns), set: true},
		"../2020-12-31": {End: day("2021-01-01"), set: true},
		"2020-01-01/..": {Start: day("2020-01-01"), set: true},
		"/2020-12-31":   {End: day("2021-01-01"), set: true},
		"2020-01-01/":   {Start: day("2020-01-01"), set: true},
		"../..":         {set: true},
	} {
		got, err := ParseDatetime(in)
		if err != nil || got != want {
			t.Errorf("ParseDatetime(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"yesterday", "2024-13-01", "2024-05-01T25:00:00Z", "2024-05-01T08:00:00", "1714550400",
		"2020-12-31/2020-01-01", "2020-01-01/2020-02-01/2020-03-01", "2024-05-01 08:00:00Z", "P1D", "2024-5-1"} {
		_, err := ParseDatetime(in)
		if zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.HasPrefix(zonegis.ErrorMessage(err), "datetime: ") {
			t.Errorf("ParseDatetime(%q): %v, want EINVALID naming datetime", in, err)
		}
	}
}

// historyFixture is a snapshot of one zone with parcels of known valid
// time: 1 always live, 2 made by a split at 2022-03-01T10:00Z (live), 3
// always until that split retired it, 4 made on 2021-01-01 and retired on
// 2021-06-01, plus zones and green areas with dates.
func historyFixture() *index.Snapshot {
	sq := func(x, y, d float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
	}
	ptr := func(t time.Time) *time.Time { return &t }
	est := day("1991-09-24")
	split := day("2022-03-01").Add(10 * time.Hour)
	zones := []*zonegis.Zone{
		{ID: 1, Code: "KCX-TAN-THUAN", NameVI: "Tân Thuận", NameEN: "Tan Thuan", Kind: "export_processing_zone", Status: "operating",
			Model: "conventional", Established: &est, UpdatedAt: day("2025-02-03").Add(5 * time.Hour), Boundary: sq(106, 10, 1)},
		{ID: 2, Code: "KCN-NEW", NameVI: "Mới", NameEN: "New", Kind: "industrial_park", Status: "planned", Model: "conventional",
			UpdatedAt: day("2024-07-01"), Boundary: sq(108, 10, 1)},
	}
	live := []*zonegis.Parcel{
		{ID: 1, ZoneID: 1, LandUse: "industrial", Status: "available", Boundary: sq(106.1, 10.1, 0.01)},
		{ID: 2, ZoneID: 1, LandUse: "industrial", Status: "available", ValidFrom: ptr(split), Boundary: sq(106.3, 10.3, 0.01)},
	}
	retired := []*zonegis.Parcel{
		{ID: 3, ZoneID: 1, LandUse: "industrial", Status: "leased", RetiredAt: ptr(split), Boundary: sq(106.3, 10.3, 0.02)},
		{ID: 4, ZoneID: 1, LandUse: "warehouse", Status: "available", ValidFrom: ptr(day("2021-01-01")), RetiredAt: ptr(day("2021-06-01")),
			Boundary: sq(106.5, 10.5, 0.01)},
	}
	greens := []*zonegis.GreenArea{
		{ID: 20, ZoneID: 1, Kind: "park", UpdatedAt: day("2023-01-15").Add(3 * time.Hour), Boundary: sq(106.7, 10.7, 0.01)},
		{ID: 21, ZoneID: 1, Kind: "park", UpdatedAt: day("2025-01-15"), Boundary: sq(106.8, 10.8, 0.01)},
	}
	ix := index.New()
	ix.Load(1, zones, live, greens)
	ix.Apply(index.Batch{Seq: 2, RetiredParcels: retired})
	return ix.Snapshot()
}

// TestFindDatetime: each collection's datetime meaning, with the retired
// parcels found for the dates they existed, combined with bbox and zone,
// and paged in id order with the count of all.
func TestFindDatetime(t *testing.T) {
	s := historyFixture()
	find := func(c interface {
		Parse(*index.Snapshot, url.Values) (Query, error)
	}, raw string) Query {
		v, _ := url.ParseQuery(raw)
		q, err := c.Parse(s, v)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return q
	}
	for _, c := range []struct {
		raw  string
		want []int64
	}{
		{"", []int64{1, 2}}, // no datetime: the live parcels only
		{"datetime=2020-05-01", []int64{1, 3}},
		{"datetime=2021-03-01", []int64{1, 3, 4}},
		{"datetime=2022-02-28T23:59:59Z", []int64{1, 3}},
		{"datetime=2022-03-01", []int64{1, 2, 3}}, // the day of the split: both, each for part of it
		{"datetime=2022-03-01T00:00:00Z", []int64{1, 3}},
		{"datetime=2022-03-01T10:00:00Z", []int64{1, 2}}, // the split's instant: the new parcel, not the old
		{"datetime=2023-01-01", []int64{1, 2}},
		{"datetime=../2020-12-31", []int64{1, 3}},
		{"datetime=2021-07-01/..", []int64{1, 2, 3}},
		{"datetime=../..", []int64{1, 2, 3, 4}},
		{"datetime=../..&bbox=106.29,10.29,106.31,10.31", []int64{2, 3}},
		{"datetime=2021-03-01&bbox=106.45,10.45,106.55,10.55", []int64{4}},
		{"datetime=../..&land_use=warehouse", []int64{4}},
		{"datetime=../..&zone=KCX-TAN-THUAN", []int64{1, 2, 3, 4}},
		{"datetime=2021-03-01&zone=KCX-TAN-THUAN&status=available", []int64{1, 4}},
	} {
		q := find(Parcels, c.raw)
		if got := ids(s, Parcels, q); !slices.Equal(got, c.want) {
			t.Errorf("parcels %s: %v, want %v", c.raw, got, c.want)
		}
		for _, limit := range []int{1, 2} { // paging across live and retired
			var got []int64
			for off := 0; off < len(c.want)+1; off += limit {
				p := Parcels.Find(s, &q, off, limit)
				if p.Matched != len(c.want) {
					t.Errorf("parcels %s offset %d: matched %d, want %d", c.raw, off, p.Matched, len(c.want))
				}
				for _, f := range p.Features {
					got = append(got, f.ID)
				}
				p.Release()
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("parcels %s by pages of %d: %v, want %v", c.raw, limit, got, c.want)
			}
		}
	}
	for raw, want := range map[string][]int64{
		"datetime=1991-09-24":            {1},    // established that day
		"datetime=1990-01-01/1995-12-31": {1},    // established then
		"datetime=2024-07-01":            {2},    // updated that day (no established date)
		"datetime=2025-02-03T05:00:00Z":  {1},    // the instant of its last update
		"datetime=2024-01-01/..":         {1, 2}, // both updated since
		"datetime=1980-01-01/1990-12-31": nil,
	} {
		if got := ids(s, Zones, find(Zones, raw)); !slices.Equal(got, want) {
			t.Errorf("zones %s: %v, want %v", raw, got, want)
		}
	}
	for raw, want := range map[string][]int64{
		"datetime=2023-01-15":        {20},
		"datetime=2023-01-15T02:00Z": nil,
		"datetime=../2024-12-31":     {20},
		"datetime=2024-01-01/..":     {21},
	} {
		q, err := GreenAreas.Parse(s, url.Values{"datetime": {strings.TrimPrefix(raw, "datetime=")}})
		if raw == "datetime=2023-01-15T02:00Z" {
			if zonegis.ErrorCode(err) != zonegis.EINVALID {
				t.Errorf("green-areas %s: %v, want EINVALID (no seconds)", raw, err)
			}
			continue
		}
		if got := ids(s, GreenAreas, q); err != nil || !slices.Equal(got, want) {
			t.Errorf("green-areas %s: %v %v, want %v", raw, got, err, want)
		}
	}
}

// TestFindDatetimeOracle: on random valid times, Find with a datetime
// keeps exactly the parcels a brute-force overlap test keeps, live and
// retired, in id order.
func TestFindDatetimeOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	base := day("2015-01-01")
	var live, retired, all []*zonegis.Parcel
	for id := int64(1); id <= 400; id++ {
		x := 106 + r.Float64()
		p := &zonegis.Parcel{ID: id, ZoneID: 1, LandUse: "industrial", Status: "available",
			Boundary: orb.MultiPolygon{{{{x, 10}, {x + 0.001, 10}, {x + 0.001, 10.001}, {x, 10.001}, {x, 10}}}}}
		if r.IntN(2) == 0 {
			v := base.Add(time.Duration(r.IntN(3000)) * 24 * time.Hour)
			p.ValidFrom = &v
		}
		if r.IntN(2) == 0 {
			from := base
			if p.ValidFrom != nil {
				from = *p.ValidFrom
			}
			e := from.Add(time.Duration(1+r.IntN(1000)) * 24 * time.Hour)
			p.RetiredAt = &e
			retired = append(retired, p)
		} else {
			live = append(live, p)
		}
		all = append(all, p)
	}
	ix := index.New()
	ix.Load(1, []*zonegis.Zone{{ID: 1, Code: "KCN-X", Boundary: orb.MultiPolygon{{{{105, 9}, {108, 9}, {108, 11}, {105, 11}, {105, 9}}}}}}, live, nil)
	ix.Apply(index.Batch{Seq: 2, RetiredParcels: retired})
	s := ix.Snapshot()
	for range 200 {
		a := base.Add(time.Duration(r.IntN(4500)) * 24 * time.Hour)
		b := a.Add(time.Duration(r.IntN(400)) * 24 * time.Hour)
		raw := a.Format(time.DateOnly) + "/" + b.Format(time.DateOnly)
		switch r.IntN(4) {
		case 0:
			raw = a.Format(time.DateOnly)
		case 1:
			raw = "../" + b.Format(time.DateOnly)
		case 2:
			raw = a.Format(time.RFC3339) + "/.."
		}
		v := url.Values{"datetime": {raw}}
		if r.IntN(2) == 0 {
			v.Set("bbox", "106.2,9.9,106.7,10.1")
		}
		q, err := Parcels.Parse(s, v)
		if err != nil {
			t.Fatal(err)
		}
		iv, _ := ParseDatetime(raw)
		var want []int64
		for _, p := range all {
			var from, to time.Time
			if p.ValidFrom != nil {
				from = *p.ValidFrom
			}
			if p.RetiredAt != nil {
				to = *p.RetiredAt
			}
			inBox := v.Get("bbox") == "" || (p.Boundary.Bound().Max[0] >= 106.2 && p.Boundary.Bound().Min[0] <= 106.7)
			if inBox && (from.IsZero() || from.Before(iv.End) || iv.End.IsZero()) && (to.IsZero() || iv.Start.IsZero() || to.After(iv.Start)) {
				want = append(want, p.ID)
			}
		}
		if got := ids(s, Parcels, q); !slices.Equal(got, want) {
			t.Fatalf("%v: %v, want %v", v, got, want)
		}
	}
}
