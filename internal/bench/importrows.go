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
// like a cadastral sheet (irregular hexagons on a grid, a few overlapping
// a neighbour) beside four roads of 18,000 vertices already recorded, then 100,000
// synthetic square parcels. Each row's time is the whole ImportChecked
// (COPY, checks, write); the features are generated as they are read, so
// the RSS growth is the import's own.
func importResults(ctx context.Context, db *postgis.DB, realParcels, synthetic int) ([]Result, error) {
	// The bench database is kept between runs, and the next run's server
	// loads it and measures its start-up and memory: what these rows write
	// is removed again when they end (and first, after a run that stopped
	// half-way), so the dataset stays the 1M parcels it says.
	if err := dropImportRows(ctx, db); err != nil {
		return nil, err
	}
	defer dropImportRows(context.WithoutCancel(ctx), db) //nolint:errcheck // best effort; the next run drops them first
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
		// Parcels on a grid of cols × rows cells, the rows of roads left
		// empty for them.
		cols := int(math.Ceil(math.Sqrt(float64(c.n))))
		nrows := (c.n+cols-1)/cols + c.roads
		cell := 0.0002 // about 22 m
		w, h := cell*float64(cols+2), cell*float64(nrows+2)
		z := &zonegis.Zone{Code: fmt.Sprintf("BENCH-IMPORT-%d", k), NameVI: "Khu nhập thử", NameEN: "Import bench", Kind: zonegis.KindIndustrialPark,
			Province: "Đồng Nai", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional, Source: "synthetic",
			Boundary: orb.MultiPolygon{{{{c.lon0, 10}, {c.lon0 + w, 10}, {c.lon0 + w, 10 + h}, {c.lon0, 10 + h}, {c.lon0, 10}}}}}
		if _, err := db.CreateZone(ctx, zonegis.System, z); err != nil {
			return nil, err
		}
		roadRow := map[int]bool{}
		for r := 0; r < c.roads; r++ {
			// A road filling a row of the grid between two rows of parcels
			// (its edges wind within the gaps: it touches them, overlaps
			// none).
			row := (r + 1) * nrows / (c.roads + 1)
			roadRow[row] = true
			y := 10 + cell*float64(row+1)
			p := &zonegis.Parcel{ZoneID: z.ID, LotCode: fmt.Sprintf("ROAD-%d", r), LandUse: "utilities", Synthetic: true,
				Boundary: benchRoad(18000, c.lon0+cell/2, c.lon0+w-cell/2, y-cell*0.05, cell, cell*0.01)}
			if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
				return nil, fmt.Errorf("road %d: %w", r, err)
			}
		}
		rows := func(yield func(postgis.ImportRow, error) bool) {
			cellNo := 0
			for i := 0; i < c.n; i++ {
				for roadRow[cellNo/cols] {
					cellNo += cols
				}
				col, row := cellNo%cols, cellNo/cols
				cellNo++
				x, y := c.lon0+cell*float64(col+1), 10+cell*float64(row+1)
				b := orb.Ring{{x, y}, {x + cell*0.9, y}, {x + cell*0.9, y + cell*0.9}, {x, y + cell*0.9}, {x, y}}
				if c.shaped {
					// Irregular, as surveyed: corners moved by up to 4% of the
					// cell (the gap between parcels is 10%, so neighbours do not
					// overlap), two more vertices; every 400th parcel reaches a
					// quarter of a cell into its right neighbour (an overlap of
					// about 60 m², as real files have a few).
					j := func(s int) float64 { return cell * 0.04 * math.Sin(float64(i*7+s)) }
					right := cell * 0.9
					if i%400 == 399 && col < cols-1 {
						right += cell * 0.25
					}
					b = orb.Ring{{x + j(1), y + j(2)}, {x + cell*0.45, y + j(3)}, {x + right + j(4), y + j(5)},
						{x + right + j(6), y + cell*0.9 + j(7)}, {x + cell*0.45, y + cell*0.9 + j(8)}, {x + j(9), y + cell*0.9 + j(10)}, {x + j(1), y + j(2)}}
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

// dropImportRows removes the zones and parcels the import rows wrote.
func dropImportRows(ctx context.Context, db *postgis.DB) error {
	if _, err := db.Pool().Exec(ctx, sqlDropImportParcels); err != nil {
		return err
	}
	_, err := db.Pool().Exec(ctx, sqlDropImportZones)
	return err
}

// sqlDropImportParcels and sqlDropImportZones remove what an earlier
// run's import rows wrote.
const (
	sqlDropImportParcels = `DELETE FROM parcels WHERE zone_id IN (SELECT id FROM zones WHERE code LIKE 'BENCH-IMPORT-%')`
	sqlDropImportZones   = `DELETE FROM zones WHERE code LIKE 'BENCH-IMPORT-%'`
)

// benchRoad is a strip of about n vertices from lon0 to lon1, from lat
// to lat+width, whose edges wind by up to ±wind (degrees).
func benchRoad(n int, lon0, lon1, lat, width, wind float64) orb.MultiPolygon {
	half := n / 2
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < half; i++ {
		x := lon0 + (lon1-lon0)*float64(i)/float64(half-1)
		ring = append(ring, orb.Point{x, lat + wind*math.Sin(float64(i)/15)})
	}
	for i := half - 1; i >= 0; i-- {
		x := lon0 + (lon1-lon0)*float64(i)/float64(half-1)
		ring = append(ring, orb.Point{x, lat + width + wind*math.Sin(float64(i)/15)})
	}
	ring = append(ring, ring[0])
	return orb.MultiPolygon{{ring}}
}
