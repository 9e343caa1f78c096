package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// wkt is a lon/lat rectangle as WKT.
func wkt(x0, y0, x1, y1 float64) string {
	return fmt.Sprintf("POLYGON((%[1]v %[2]v,%[3]v %[2]v,%[3]v %[4]v,%[1]v %[4]v,%[1]v %[2]v))", x0, y0, x1, y1)
}

// wavy is a rectangle whose lower edge has n vertices (a parcel large
// enough to be kept as pieces).
func wavy(x0, y0, x1, y1 float64, n int) string {
	var b strings.Builder
	b.WriteString("POLYGON((")
	for i := 0; i < n; i++ {
		x := x0 + (x1-x0)*float64(i)/float64(n-1)
		fmt.Fprintf(&b, "%v %v,", x, y0+(y1-y0)*0.05*math.Abs(math.Sin(float64(i)/7)))
	}
	fmt.Fprintf(&b, "%[1]v %[2]v,%[3]v %[2]v,%[3]v %[4]v))", x1, y1, x0, y0)
	return b.String()
}

type bulkOutcome struct {
	state, msg      string
	changes, pieces int
}

var digits = regexp.MustCompile(`[0-9]+`)

// TestBulkInsertGuardEnforcesTheRules runs the same INSERT ... SELECT of
// parcels and green areas twice, row by row (the row triggers) and in a
// bulk transaction (zonegis.bulk_insert on: the statement trigger over
// the new rows, migrations/0012), and requires the same outcome: the same
// SQLSTATE and message for an invalid boundary, a parcel outside its
// zone, an overlap with a parcel there, with a large parcel there (by its
// pieces) and among the new rows; the same change-log rows and pieces
// when all is well; and an UPDATE in a bulk transaction still guarded
// row by row.
func TestBulkInsertGuardEnforcesTheRules(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	old := &zonegis.Parcel{ZoneID: z.ID, LotCode: "OLD", LandUse: "industrial", Boundary: rect(106.708, 10.758, 106.709, 10.759)}
	if _, err := db.CreateParcel(ctx, zonegis.System, old); err != nil {
		t.Fatal(err)
	}
	var bigRing orb.Ring
	for i := 0; i < 400; i++ { // a large parcel there: checked by its pieces
		x := 106.700 + 0.004*float64(i)/399
		bigRing = append(bigRing, orb.Point{x, 10.7585 + 0.0001*math.Abs(math.Sin(float64(i)/5))})
	}
	bigRing = append(bigRing, orb.Point{106.704, 10.7595}, orb.Point{106.700, 10.7595}, bigRing[0])
	big := &zonegis.Parcel{ZoneID: z.ID, LotCode: "BIG", LandUse: "utilities", Boundary: orb.MultiPolygon{{bigRing}}}
	if _, err := db.CreateParcel(ctx, zonegis.System, big); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, bulk bool, stmt string) bulkOutcome {
		t.Helper()
		tx, err := db.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // nothing is kept
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		if bulk {
			if _, err := tx.Exec(ctx, `SELECT set_config('zonegis.bulk_insert', 'on', true)`); err != nil {
				t.Fatal(err)
			}
		}
		var out bulkOutcome
		if _, err := tx.Exec(ctx, stmt); err != nil {
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				t.Fatal(err)
			}
			return bulkOutcome{state: pe.Code, msg: pe.Message + " / " + pe.Detail}
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE op = 'insert'), count(*) FROM changes WHERE seq > $1`, seq).Scan(&out.changes, new(int)); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM parcel_pieces q JOIN parcels p ON p.id = q.parcel_id WHERE p.lot_code LIKE 'N%'`).Scan(&out.pieces); err != nil {
			t.Fatal(err)
		}
		return out
	}
	parcels := func(rows ...[2]string) string {
		var vals []string
		for _, r := range rows {
			vals = append(vals, fmt.Sprintf("('%s', '%s')", r[0], r[1]))
		}
		return fmt.Sprintf(`INSERT INTO parcels (zone_id, lot_code, land_use, synthetic, boundary)
			SELECT %d, v.lot, 'industrial', true, ST_Multi(ST_GeomFromText(v.g, 4326)) FROM (VALUES %s) v(lot, g) ORDER BY v.lot`, z.ID, strings.Join(vals, ", "))
	}
	good := [][2]string{{"N1", wkt(106.701, 10.751, 106.702, 10.752)}, {"N2", wkt(106.702, 10.751, 106.703, 10.752)}, // sharing an edge
		{"N3", wavy(106.701, 10.753, 106.706, 10.754, 600)}}
	for _, c := range []struct {
		name  string
		stmt  string
		state string
	}{
		{"good, one large", parcels(good...), ""},
		{"invalid", parcels(good[0], [2]string{"N9", "POLYGON((106.705 10.755,106.707 10.757,106.707 10.755,106.705 10.757,106.705 10.755))"}), "ZG001"},
		{"outside", parcels(good[0], [2]string{"N9", wkt(106.709, 10.759, 106.712, 10.762)}), "ZG002"},
		{"overlaps OLD", parcels(good[0], [2]string{"N9", wkt(106.7085, 10.7585, 106.7095, 10.7589)}), "ZG003"},
		{"overlaps BIG by its pieces", parcels(good[0], [2]string{"N9", wkt(106.7010, 10.7590, 106.7011, 10.7600)}), "ZG003"},
		{"new ones overlap", parcels(good[0], good[1], [2]string{"N9", wkt(106.7015, 10.7515, 106.7025, 10.7519)}), "ZG003"},
		{"new large ones overlap", parcels(good[2], [2]string{"N8", wavy(106.702, 10.7535, 106.704, 10.7545, 500)}), "ZG003"},
		{"a sliver under the tolerance", parcels(good[0], [2]string{"N9", wkt(106.702-1e-8, 10.751, 106.7025, 10.752)}), ""},
		{"green area outside", fmt.Sprintf(`INSERT INTO green_areas (zone_id, kind, name, synthetic, boundary)
			VALUES (%d, 'park', 'Công viên', true, ST_Multi(ST_GeomFromText('%s', 4326)))`, z.ID, wkt(106.709, 10.759, 106.712, 10.762)), "ZG002"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, bulk := run(t, false, c.stmt), run(t, true, c.stmt)
			if rows.state != c.state {
				t.Fatalf("row by row: %+v, want SQLSTATE %q", rows, c.state)
			}
			rows.msg, bulk.msg = digits.ReplaceAllString(rows.msg, "N"), digits.ReplaceAllString(bulk.msg, "N")
			if bulk != rows {
				t.Fatalf("bulk %+v, row by row %+v", bulk, rows)
			}
			if c.state == "" && (bulk.changes == 0 || (c.name == "good, one large" && bulk.pieces < 5)) {
				t.Fatalf("bulk wrote %d change rows and %d pieces", bulk.changes, bulk.pieces)
			}
		})
	}
	// The bulk setting does not reach UPDATEs: the row guard refuses a
	// boundary moved onto OLD.
	tx, err := db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // nothing is kept
	if _, err := tx.Exec(ctx, `SELECT set_config('zonegis.bulk_insert', 'on', true)`); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, `UPDATE parcels SET boundary = ST_Multi(ST_GeomFromText($1, 4326)) WHERE lot_code = 'BIG'`, wkt(106.7085, 10.7585, 106.7095, 10.7589))
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "ZG003" {
		t.Fatalf("update onto OLD in a bulk transaction: %v, want ZG003", err)
	}
}
