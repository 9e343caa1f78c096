package registry_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// lineageStore records what reaches the store.
type lineageStore struct {
	line  orb.LineString
	lots  []zonegis.SplitLot
	ids   []int64
	code  string
	calls int
}

func (s *lineageStore) SplitParcel(_ context.Context, _ zonegis.Actor, id, _ int64, line orb.LineString, lots []zonegis.SplitLot) ([]*zonegis.Parcel, int64, error) {
	s.calls++
	s.line, s.lots = line, lots
	return []*zonegis.Parcel{{ID: 10}, {ID: 11}}, 5, nil
}

func (s *lineageStore) MergeParcels(_ context.Context, _ zonegis.Actor, ids []int64, lotCode, _ string) (*zonegis.Parcel, int64, error) {
	s.calls++
	s.ids, s.code = ids, lotCode
	return &zonegis.Parcel{ID: 12, LotCode: lotCode}, 6, nil
}

func TestLineage(t *testing.T) {
	ctx := context.Background()
	st := &lineageStore{}
	l := registry.Lineage{Store: st}
	line := []byte(`{"type":"LineString","coordinates":[[106.705,10.69],[106.705,10.72]]}`)
	children, seq, err := l.Split(ctx, zonegis.System, 3, 0, line, []zonegis.SplitLot{{LotCode: " A1-1 "}, {LotCode: "A1-2", LandUse: " logistics "}})
	if err != nil || seq != 5 || len(children) != 2 || len(st.line) != 2 || st.lots[0].LotCode != "A1-1" || st.lots[1].LandUse != "logistics" {
		t.Fatalf("split: %v, seq %d, line %v, lots %+v", err, seq, st.line, st.lots)
	}
	// Every problem of a request is listed, and none reaches the store.
	st.calls = 0
	_, _, err = l.Split(ctx, zonegis.System, 3, 0, nil, []zonegis.SplitLot{{LotCode: "A"}, {LotCode: " A "}, {LandUse: "farm"}})
	for _, want := range []string{
		"line: a GeoJSON LineString to cut along is required",
		`lots[1].lot_code "A" is also lots[0]'s; lot codes must differ`,
		"lots[2].lot_code is required",
		`lots[2].land_use "farm" is not one of`,
	} {
		wantInvalid(t, "split", err, want)
	}
	_, _, err = l.Split(ctx, zonegis.System, 3, 0, []byte(`{"type":"LineString","coordinates":[[106.7,10.7],[190,10.7]]}`), []zonegis.SplitLot{{LotCode: strings.Repeat("x", 65)}})
	wantInvalid(t, "split", err, "line: position 1 [190, 10.7] is outside lon [-180, 180] / lat [-90, 90]")
	wantInvalid(t, "split", err, "lots: want 2 to 100 lots, one per piece the line cuts, got 1")
	wantInvalid(t, "split", err, "lots[0].lot_code is longer than 64 characters")

	child, retired, seq, err := l.Merge(ctx, zonegis.System, []int64{9, 4}, " M1 ", "")
	if err != nil || child.ID != 12 || seq != 6 || st.code != "M1" || len(retired) != 2 || retired[0] != 4 || retired[1] != 9 {
		t.Fatalf("merge: %v, %+v, retired %v, code %q", err, child, retired, st.code)
	}
	_, _, _, err = l.Merge(ctx, zonegis.System, []int64{4, 4, 0}, " ", "farm")
	for _, want := range []string{
		"ids: each parcel may appear once",
		"ids[2]: 0 is not a parcel id",
		"lot_code is required",
		`land_use "farm" is not one of`,
	} {
		wantInvalid(t, "merge", err, want)
	}
	_, _, _, err = l.Merge(ctx, zonegis.System, []int64{4}, strings.Repeat("x", 65), "")
	wantInvalid(t, "merge", err, "ids: want 2 to 100 parcel ids, got 1")
	wantInvalid(t, "merge", err, "lot_code is longer than 64 characters")
	if st.calls != 1 {
		t.Errorf("%d store calls since the split, want 1 (the merge): a refused request reached the store", st.calls)
	}
}
