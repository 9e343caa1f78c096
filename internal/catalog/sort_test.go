package catalog

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestSortByPages: paging through Find with a sortby gives, page after
// page, the matches in the order a brute force gives them (the keys
// written out field by field here, ties by id, nulls last ascending),
// every match once, with the bbox and filters still applied; so does a
// page reached directly by its offset.
func TestSortByPages(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	s := randomSnapshot(rng, 600)
	cases := []struct {
		sortby string
		less   func(a, b *zonegis.Parcel) int
	}{
		{"-area_m2,lot_code", func(a, b *zonegis.Parcel) int {
			return cmp.Or(-cmp.Compare(a.AreaM2, b.AreaM2), strings.Compare(a.LotCode, b.LotCode))
		}},
		{"+status,-zone_id", func(a, b *zonegis.Parcel) int {
			return cmp.Or(strings.Compare(a.Status, b.Status), -cmp.Compare(a.ZoneID, b.ZoneID))
		}},
		{" land_use,area_ha,-id", func(a, b *zonegis.Parcel) int {
			return cmp.Or(strings.Compare(a.LandUse, b.LandUse), cmp.Compare(a.AreaM2, b.AreaM2), -cmp.Compare(a.ID, b.ID))
		}},
	}
	for _, c := range cases {
		for _, extra := range []string{"", "&status=available", "&bbox=105.1,10.1,106.9,10.9"} {
			params, _ := url.ParseQuery("sortby=" + url.QueryEscape(c.sortby) + extra)
			q, err := Parcels.Parse(s, params)
			if err != nil {
				t.Fatalf("%s%s: %v", c.sortby, extra, err)
			}
			plain, _ := url.ParseQuery(strings.TrimPrefix(extra, "&"))
			pq, _ := Parcels.Parse(s, plain)
			var want []*zonegis.Parcel
			Parcels.Scan(s, &pq, func(p *zonegis.Parcel) bool { want = append(want, p); return true })
			slices.SortStableFunc(want, c.less) // Scan is in id order: stable keeps ids ascending on ties
			var got []*zonegis.Parcel
			for offset := 0; ; offset += 37 {
				pg := Parcels.Find(s, &q, offset, 37)
				if pg.Matched != len(want) {
					t.Fatalf("%s%s: matched %d, want %d", c.sortby, extra, pg.Matched, len(want))
				}
				got = append(got, pg.Features...)
				n := len(pg.Features)
				pg.Release()
				if n < 37 {
					break
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%s%s: paged %d features, want %d", c.sortby, extra, len(got), len(want))
			}
			for i := range want {
				if got[i].ID != want[i].ID {
					t.Fatalf("%s%s: feature %d is %d, want %d", c.sortby, extra, i, got[i].ID, want[i].ID)
				}
			}
		}
	}
}

// TestSortByNulls: a zone without a figure sorts after every zone with
// one ascending and before them descending.
func TestSortByNulls(t *testing.T) {
	n := func(v int32) *int32 { return &v }
	when := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var zones []*zonegis.Zone
	for i, e := range []*int32{nil, n(5), nil, n(2), n(5)} {
		zones = append(zones, &zonegis.Zone{ID: int64(i + 1), Code: fmt.Sprint("Z", i), Enterprises: e, Kind: "industrial_park",
			Status: "operating", Model: "conventional", UpdatedAt: when,
			Boundary: orb.MultiPolygon{{{{100 + float64(i), 10}, {100.5 + float64(i), 10}, {100.5 + float64(i), 10.5}, {100 + float64(i), 10}}}}})
	}
	ix := index.New()
	ix.Load(1, zones, nil, nil)
	s := ix.Snapshot()
	for sortby, want := range map[string][]int64{"enterprises": {4, 2, 5, 1, 3}, "-enterprises": {1, 3, 2, 5, 4}} {
		q, err := Zones.Parse(s, url.Values{"sortby": {sortby}})
		if err != nil {
			t.Fatal(err)
		}
		pg := Zones.Find(s, &q, 0, 10)
		var got []int64
		for _, z := range pg.Features {
			got = append(got, z.ID)
		}
		pg.Release()
		if !slices.Equal(got, want) {
			t.Errorf("sortby=%s: %v, want %v", sortby, got, want)
		}
	}
}

// TestSortByAndPropertiesRefused: an unknown or repeated sortable, and an
// unknown property, are EINVALID naming the parameter and the name.
func TestSortByAndPropertiesRefused(t *testing.T) {
	s := randomSnapshot(rand.New(rand.NewPCG(1, 2)), 5)
	for raw, words := range map[string][]string{
		"sortby=-geometry":         {"sortby:", `"geometry"`, "sortables: area_ha"},
		"sortby=area_m2,-area_m2":  {"sortby:", "twice"},
		"sortby=":                  {"sortby:"},
		"properties=lot_code,nope": {"properties:", `"nope"`, "lot_code"},
	} {
		params, _ := url.ParseQuery(raw)
		_, err := Parcels.Parse(s, params)
		if zonegis.ErrorCode(err) != zonegis.EINVALID {
			t.Errorf("%s: %v, want EINVALID", raw, err)
			continue
		}
		for _, w := range words {
			if !strings.Contains(zonegis.ErrorMessage(err), w) {
				t.Errorf("%s: %q does not say %q", raw, zonegis.ErrorMessage(err), w)
			}
		}
	}
}

// TestSortablesAreFields: every sortable but id is a property the
// features carry, so the sortables' schema types each one.
func TestSortablesAreFields(t *testing.T) {
	for name, sortables := range map[string][]string{Zones.name: Zones.Sortables(), Parcels.name: Parcels.Sortables(), GreenAreas.name: GreenAreas.Sortables()} {
		props := SortablesSchema("", name, name)["properties"].(map[string]any)
		for _, s := range sortables {
			if _, ok := props[s]; !ok {
				t.Errorf("%s: sortable %s is not in the sortables' schema", name, s)
			}
		}
		if len(props) != len(sortables) || len(encode.Fields(name)) == 0 {
			t.Errorf("%s: schema %v, sortables %v", name, props, sortables)
		}
	}
}

// BenchmarkSortByFirstPage: the first page of 100 of n parcels by area,
// against sorting every match (the naive way).
func BenchmarkSortByFirstPage(b *testing.B) {
	s := randomSnapshot(rand.New(rand.NewPCG(3, 4)), 200_000)
	q, _ := Parcels.Parse(s, url.Values{"sortby": {"-area_m2,lot_code"}})
	b.Run("topk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Parcels.Find(s, &q, 0, 100).Release()
		}
	})
	b.Run("sort-all", func(b *testing.B) {
		b.ReportAllocs()
		less := Parcels.order(q.sort)
		for b.Loop() {
			var all []*index.Entry[zonegis.Parcel]
			s.ParcelEntries().Ascend(0, func(e *index.Entry[zonegis.Parcel]) bool { all = append(all, e); return true })
			slices.SortFunc(all, less)
		}
	})
}
