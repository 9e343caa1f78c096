package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestBaselineSQL runs every PostGIS baseline statement on a migrated
// schema with one zone, one parcel and one lease: a baseline that no longer
// fits the schema (it once read a status column that migrations/0005
// removed) would make make bench compare against errors.
func TestBaselineSQL(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO zones (code, name_vi, name_en, kind, province, boundary)
		 VALUES ('BENCH-T', 'Khu thử', 'Test zone', 'industrial_park', 'Thành phố Hồ Chí Minh',
		         ST_Multi(ST_MakeEnvelope(106.70, 10.75, 106.71, 10.76, 4326)))`,
		`INSERT INTO parcels (zone_id, lot_code, land_use, boundary)
		 SELECT id, 'L1', 'industrial', ST_Multi(ST_MakeEnvelope(106.701, 10.751, 106.702, 10.752, 4326)) FROM zones`,
		`INSERT INTO leases (parcel_id, lessee, country, start_date, end_date)
		 SELECT id, 'Lessee', 'VN', zg_today() - 1, zg_today() + 365 FROM parcels`,
	} {
		if _, err := db.Pool().Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for name, c := range map[string]struct {
		sql  string
		args []any
	}{
		"at":   {sqlBaselineAt, []any{106.7015, 10.7515}},
		"bbox": {sqlBaselineBBox, []any{106.70, 10.75, 106.71, 10.76}},
		"tile": {sqlBaselineTile, []any{15, 25988, 15466}},
	} {
		var out []byte
		if err := db.Pool().QueryRow(ctx, c.sql, c.args...).Scan(&out); err != nil {
			t.Errorf("baseline %s: %v", name, err)
			continue
		}
		if name != "tile" && !strings.Contains(string(out), `"status": "leased"`) {
			t.Errorf("baseline %s answers %s: no status of the leased parcel", name, out)
		}
	}
}
