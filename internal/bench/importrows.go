package bench

import (
	"context"
	"fmt"
	"iter"
	"math"
	"runtime"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Targets of the import rows (issue 12): seconds for the whole import
// (checks and write), and the growth of this process's RSS.
const (
	importRealTargetS      = 15
	importSyntheticTargetS = 30
	importRSSTargetMB      = 100
)

// importResults measures imports into a fresh zone: 13,000 parcels shaped
// like a cadastral sheet (irregular quadrilaterals on a 114 × 114 grid)
// beside four roads of 18,000 vertices already recorded, then 100,000
// synthetic square parcels. Each row's time is the whole ImportChecked
// (COPY, checks, write); the features are generated as they are read, so
// the RSS growth is the import's own.
func importResults(ctx context.Context, db *postgis.DB, realParcels, synthetic int) ([]Result, error) {
	// The zones of an earlier run go first (the bench database is kept).
	for _, q := range []string{sqlDropImportParcels, sqlDropImportZones} {
		if _, err := db.Pool().Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	var out []Result
	for k, c := range []struct {
		name   string
		n      int
		roads  int
		target float64
		lon0   float64
		shaped bool
	}{
		{fmt.Sprintf("import %d real-shaped parcels beside 4 roads of 18,000 vertices", realParcels), realParcels, 4, importRealTargetS, 105.0, true},
		{fmt.Sprintf("import %d synthetic parcels", synthetic), synthetic, 0, importSyntheticTargetS, 104.0, false},
	} {
		side := int(math.Ceil(math.Sqrt(float64(c.n))))
		cell := 0.0002 // about 22 m
		ext := cell * float64(side+2)
		z := &zonegis.Zone{Code: fmt.Sprintf("BENCH-IMPORT-%d", k), NameVI: "Khu nhập thử", NameEN: "Import bench", Kind: zonegis.KindIndustrialPark,
			Province: "Đồng Nai", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional, Source: "synthetic",
			Boundary: orb.MultiPolygon{{{{c.lon0, 10}, {c.lon0 + ext, 10}, {c.lon0 + ext, 10 + ext}, {c.lon0, 10 + ext}, {c.lon0, 10}}}}}
		if _, err := db.CreateZone(ctx, zonegis.System, z); err != nil {
			return nil, err
		}
		for r := 0; r < c.roads; r++ {
			// A road along a row of the grid, between two rows of parcels.
			lat := 10 + cell*float64(1+(r+1)*side/(c.roads+1))
			p := &zonegis.Parcel{ZoneID: z.ID, LotCode: fmt.Sprintf("ROAD-%d", r), LandUse: "utilities", Synthetic: true,
				Boundary: benchRoad(18000, c.lon0+cell/2, c.lon0+ext-cell/2, lat+cell*0.95, cell*0.04)}
			if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
				return nil, fmt.Errorf("road %d: %w", r, err)
			}
		}
		rows := func(yield func(postgis.ImportRow, error) bool) {
			for i := 0; i < c.n; i++ {
				col, row := i%side, i/side
				x, y := c.lon0+cell*float64(col+1), 10+cell*float64(row+1)
				b := orb.Ring{{x, y}, {x + cell*0.9, y}, {x + cell*0.9, y + cell*0.9}, {x, y + cell*0.9}, {x, y}}
				if c.shaped { // irregular: corners moved by up to 8% of the cell, and two more vertices
					j := func(s int) float64 { return cell * 0.08 * math.Sin(float64(i*7+s)) }
					b = orb.Ring{{x + j(1), y + j(2)}, {x + cell*0.45, y + j(3)}, {x + cell*0.9 + j(4), y + j(5)},
						{x + cell*0.9 + j(6), y + cell*0.9 + j(7)}, {x + cell*0.45, y + cell*0.9 + j(8)}, {x + j(9), y + cell*0.9 + j(10)}, {x + j(1), y + j(2)}}
				}
				r := postgis.ImportRow{Index: i, Item: &zonegis.Parcel{ZoneID: z.ID, LotCode: fmt.Sprintf("T%d-%06d", k, i), LandUse: "industrial", Synthetic: true,
					Boundary: orb.MultiPolygon{{b}}}}
				if !yield(r, nil) {
					return
				}
			}
		}
		rss0 := rss(selfPID(), "VmRSS")
		start := time.Now()
		rep, st, err := db.ImportChecked(ctx, zonegis.System, zonegis.CollectionParcels, iter.Seq2[postgis.ImportRow, error](rows), zonegis.ImportOptions{OnConflict: zonegis.OnConflictSkip})
		took := time.Since(start).Seconds()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		grew := float64(rss(selfPID(), "VmHWM")-rss0) / (1 << 20)
		note := fmt.Sprintf("%d written, %d with problems, %d pieces, %d pairs with road pieces; RSS +%.0f MB (target < %d)",
			rep.Imported, rep.Skipped, st.Pieces, st.ExistingPiecePairs, grew, importRSSTargetMB)
		out = append(out, Result{Name: c.name, Unit: "s", Ours: took, Baseline: 1, BaselineName: "target",
			Target: c.target, TargetText: fmt.Sprintf("< %.0f s, RSS < +%d MB", c.target, importRSSTargetMB),
			Pass: took < c.target && grew < importRSSTargetMB, LowerIsBetter: true, AbsoluteTarget: true, Note: note})
		runtime.GC()
	}
	return out, nil
}

// sqlDropImportParcels and sqlDropImportZones remove what an earlier
// run's import rows wrote.
const (
	sqlDropImportParcels = `DELETE FROM parcels WHERE zone_id IN (SELECT id FROM zones WHERE code LIKE 'BENCH-IMPORT-%')`
	sqlDropImportZones   = `DELETE FROM zones WHERE code LIKE 'BENCH-IMPORT-%'`
)

// benchRoad is a winding strip of about n vertices from lon0 to lon1
// near lat, width w (degrees).
func benchRoad(n int, lon0, lon1, lat, w float64) orb.MultiPolygon {
	half := n / 2
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < half; i++ {
		x := lon0 + (lon1-lon0)*float64(i)/float64(half-1)
		ring = append(ring, orb.Point{x, lat + w*0.3*math.Sin(float64(i)/15)})
	}
	for i := half - 1; i >= 0; i-- {
		x := lon0 + (lon1-lon0)*float64(i)/float64(half-1)
		ring = append(ring, orb.Point{x, lat + w + w*0.3*math.Sin(float64(i)/15)})
	}
	ring = append(ring, ring[0])
	return orb.MultiPolygon{{ring}}
}
