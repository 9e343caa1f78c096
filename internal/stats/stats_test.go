package stats_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/seed"
	"github.com/zonegis/zonegis/internal/stats"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The store the service runs on in the server.
var _ stats.Store = (*postgis.DB)(nil)

// seedZones get synthetic parcels, green areas and leases: two HEPZA export
// processing zones (one with published enterprise figures, one without),
// the Saigon Hi-Tech Park and Đình Vũ, a member of the Đình Vũ – Cát Hải
// economic zone, so that nesting is exercised.
var seedZones = []string{"KCX-TAN-THUAN", "KCX-LINH-TRUNG-1", "SHTP", "KCN-DINH-VU"}

// asOf is the date the tests count leases in force on.
var asOf = time.Date(2025, 6, 30, 15, 0, 0, 0, time.UTC)

func seeded(t *testing.T) *postgis.DB {
	t.Helper()
	ctx := context.Background()
	db := postgistest.Open(t)
	if _, err := seed.Seed(ctx, db, seed.Options{Parcels: seedZones}); err != nil {
		t.Fatal(err)
	}
	postgistest.SetToday(t, db, asOf)
	return db
}

// near compares figures computed two ways: unions taken in another order
// differ in the last bits.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want)) || math.Abs(got-want) < 1e-7
}

func nearPtr(got *float64, want *float64) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	return near(*got, *want)
}

func fptr(v float64) *float64 { return &v }

// wantZone is a zone's figures computed independently, straight from the
// tables with SQL written here.
type wantZone struct {
	code, boardID, province, kind                         string
	areaHa, leasableHa, leasedHa, reservedHa, availableHa float64
	greenHa                                               float64
	parcels, inForce, enterprises, workers                int64
	entSource, wrkSource                                  string
	capital                                               float64
}

// The check computes green area as union-then-clip (the service clips each
// green area, then unions), leases in force with a daterange, areas from
// the geometries rather than the stored area_m2 column.
const checkZonesSQL = `
SELECT z.id, z.code, coalesce(z.board_id, ''), z.province, z.kind,
       ST_Area(z.boundary::geography) / 10000,
       (SELECT coalesce(sum(ST_Area(p.boundary::geography)), 0) / 10000 FROM parcels p WHERE p.zone_id = z.id),
       (SELECT coalesce(sum(ST_Area(p.boundary::geography)), 0) / 10000 FROM parcels_now p WHERE p.zone_id = z.id AND p.status = 'leased'),
       (SELECT coalesce(sum(ST_Area(p.boundary::geography)), 0) / 10000 FROM parcels_now p WHERE p.zone_id = z.id AND p.status = 'reserved'),
       (SELECT coalesce(sum(ST_Area(p.boundary::geography)), 0) / 10000 FROM parcels_now p WHERE p.zone_id = z.id AND p.status = 'available'),
       coalesce((SELECT ST_Area(ST_Intersection(ST_UnaryUnion(ST_Collect(g.boundary)), z.boundary)::geography) / 10000
                   FROM green_areas g WHERE g.zone_id = z.id), 0),
       (SELECT count(*) FROM parcels p WHERE p.zone_id = z.id),
       (SELECT count(*) FROM leases l JOIN parcels p ON p.id = l.parcel_id
         WHERE p.zone_id = z.id AND daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $1::date),
       coalesce(z.enterprises::bigint, (SELECT count(DISTINCT l.lessee) FROM leases l JOIN parcels p ON p.id = l.parcel_id
         WHERE p.zone_id = z.id AND daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $1::date)),
       CASE WHEN z.enterprises IS NULL THEN 'leases' ELSE 'published' END,
       coalesce(z.workers::bigint, (SELECT coalesce(sum(l.workers), 0) FROM leases l JOIN parcels p ON p.id = l.parcel_id
         WHERE p.zone_id = z.id AND daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $1::date)),
       CASE WHEN z.workers IS NULL THEN 'leases' ELSE 'published' END,
       (SELECT coalesce(sum(l.capital_usd), 0)::float8 FROM leases l JOIN parcels p ON p.id = l.parcel_id
         WHERE p.zone_id = z.id AND daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $1::date)
  FROM zones z ORDER BY z.id`

func checkZones(t *testing.T, pool *pgxpool.Pool) map[int64]wantZone {
	t.Helper()
	rows, err := pool.Query(context.Background(), checkZonesSQL, asOf.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]wantZone{}
	for rows.Next() {
		var id int64
		var w wantZone
		if err := rows.Scan(&id, &w.code, &w.boardID, &w.province, &w.kind, &w.areaHa, &w.leasableHa, &w.leasedHa,
			&w.reservedHa, &w.availableHa, &w.greenHa, &w.parcels, &w.inForce, &w.enterprises, &w.entSource,
			&w.workers, &w.wrkSource, &w.capital); err != nil {
			t.Fatal(err)
		}
		out[id] = w
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStatsZonesAndGroups(t *testing.T) {
	db := seeded(t)
	pool := db.Pool()
	ctx := context.Background()
	const minShare = 0.05
	svc := stats.New(db, stats.Options{MinGreenShare: minShare})

	start := time.Now()
	rep, err := svc.Zones(ctx, stats.Confidential)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	start = time.Now()
	if _, err := svc.Zones(ctx, stats.Confidential); err != nil {
		t.Fatal(err)
	}
	t.Logf("figures of %d zones and all groups computed in %v; from the cache in %v", len(rep.Items), took.Round(time.Millisecond), time.Since(start).Round(time.Microsecond))
	if rep.AsOf != "2025-06-30" || rep.MinGreenPct != 5 {
		t.Errorf("as_of %q, min_green_pct %v; want 2025-06-30, 5", rep.AsOf, rep.MinGreenPct)
	}
	want := checkZones(t, pool)
	if len(rep.Items) != len(want) || len(want) < 290 {
		t.Fatalf("%d zones, want %d (>= 290)", len(rep.Items), len(want))
	}
	var withParcels, withGreen, compliant, published, derived int
	for _, z := range rep.Items {
		w, ok := want[z.ZoneID]
		if !ok {
			t.Fatalf("zone %d not in the database", z.ZoneID)
		}
		bad := func(what string, got, want any) {
			t.Errorf("zone %s: %s = %v, want %v", z.Code, what, got, want)
		}
		if z.Code != w.code || z.BoardID != w.boardID || z.Province != w.province || z.Kind != w.kind {
			bad("code/board/province/kind", []string{z.Code, z.BoardID, z.Province, z.Kind}, []string{w.code, w.boardID, w.province, w.kind})
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"area_ha", z.AreaHa, w.areaHa}, {"leasable_ha", z.LeasableHa, w.leasableHa}, {"leased_ha", z.LeasedHa, w.leasedHa},
			{"reserved_ha", z.ReservedHa, w.reservedHa}, {"available_ha", z.AvailableHa, w.availableHa},
			{"green_ha", z.GreenHa, w.greenHa}, {"capital_usd", *z.CapitalUSD, w.capital},
		} {
			if !near(c.got, c.want) {
				bad(c.name, c.got, c.want)
			}
		}
		if z.Parcels != w.parcels || z.LeasesInForce != w.inForce {
			bad("parcels/leases_in_force", []int64{z.Parcels, z.LeasesInForce}, []int64{w.parcels, w.inForce})
		}
		if z.Enterprises != w.enterprises || z.EnterprisesSource != w.entSource {
			bad("enterprises", []any{z.Enterprises, z.EnterprisesSource}, []any{w.enterprises, w.entSource})
		}
		if z.Workers != w.workers || z.WorkersSource != w.wrkSource {
			bad("workers", []any{z.Workers, z.WorkersSource}, []any{w.workers, w.wrkSource})
		}
		var occ, cov *float64
		if w.leasableHa > 0 {
			occ = fptr(w.leasedHa / w.leasableHa * 100)
		}
		if w.areaHa > 0 {
			cov = fptr(w.greenHa / w.areaHa * 100)
		}
		if !nearPtr(z.OccupancyPct, occ) || !nearPtr(z.GreenCoveragePct, cov) {
			bad("occupancy_pct/green_coverage_pct", []any{z.OccupancyPct, z.GreenCoveragePct}, []any{occ, cov})
		}
		if z.MinGreenPct != 5 || z.GreenCompliant != (w.greenHa >= minShare*w.areaHa && w.areaHa > 0) {
			bad("green_compliant", z.GreenCompliant, !z.GreenCompliant)
		}
		if z.Parcels > 0 {
			withParcels++
		}
		if z.GreenHa > 0 {
			withGreen++
		}
		if z.GreenCompliant {
			compliant++
		}
		if z.EnterprisesSource == stats.SourcePublished {
			published++
		} else if z.LeasesInForce > 0 {
			derived++
		}
	}
	// The seed must exercise what is checked.
	if withParcels != len(seedZones) || withGreen != len(seedZones) || compliant == 0 || published == 0 || derived == 0 {
		t.Errorf("seed coverage: %d zones with parcels, %d with green, %d compliant, %d published, %d derived",
			withParcels, withGreen, compliant, published, derived)
	}

	for _, by := range []stats.By{stats.ByBoard, stats.ByProvince, stats.ByKind} {
		t.Run(string(by), func(t *testing.T) { checkGroups(t, pool, svc, by, rep.Items, want, minShare) })
	}
	if _, err := svc.Groups(ctx, "sector", stats.Confidential); err == nil {
		t.Error("Groups(sector): no error")
	}
	checkPublicCapital(t, pool, svc)
}

// checkPublicCapital checks the public capital of every zone and group
// against the leases in force, counted here: distinct lessees (a lessee
// in two zones of a board counts once for the board), the largest part of
// one lessee (all its leases in the group) and the sum, and the rule of
// stats.Audience applied to them.
func checkPublicCapital(t *testing.T, pool *pgxpool.Pool, svc *stats.Service) {
	t.Helper()
	ctx := context.Background()
	type facts struct {
		lessees  int64
		sum, max float64
	}
	count := func(key string) map[string]facts {
		rows, err := pool.Query(ctx, `SELECT k, count(*), sum(part)::float8, max(part)::float8
			  FROM (SELECT `+key+` AS k, l.lessee, sum(l.capital_usd) AS part
			          FROM zones z JOIN parcels p ON p.zone_id = z.id JOIN leases l ON l.parcel_id = p.id
			         WHERE daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $1::date GROUP BY 1, 2) t
			 GROUP BY k`, asOf)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]facts{}
		for rows.Next() {
			var k string
			var f facts
			if err := rows.Scan(&k, &f.lessees, &f.sum, &f.max); err != nil {
				t.Fatal(err)
			}
			out[k] = f
		}
		return out
	}
	seen := map[string]int{}
	check := func(what string, c stats.Capital, f facts) {
		t.Helper()
		seen[c.CapitalDisclosure]++
		unit := 1.0
		for unit*10 <= f.sum {
			unit *= 10
		}
		switch {
		case f.lessees == 0:
			if c.CapitalDisclosure != stats.DisclosureExact || c.CapitalUSD == nil || *c.CapitalUSD != 0 {
				t.Errorf("%s without leases: %+v, want exactly 0", what, c)
			}
		case f.lessees < 3:
			if c.CapitalDisclosure != stats.DisclosureFewLessees || c.CapitalUSD != nil {
				t.Errorf("%s with %d lessees: %+v, want withheld", what, f.lessees, c)
			}
		case f.max > unit:
			if c.CapitalDisclosure != stats.DisclosureDominant || c.CapitalUSD != nil {
				t.Errorf("%s with a lessee of %v in %v: %+v, want withheld", what, f.max, f.sum, c)
			}
		default:
			if c.CapitalDisclosure != stats.DisclosureRounded || c.CapitalUSD == nil || c.CapitalRoundingUSD == nil ||
				*c.CapitalRoundingUSD != unit || math.Abs(*c.CapitalUSD-f.sum) > unit/2 || math.Mod(*c.CapitalUSD, unit) != 0 {
				t.Errorf("%s of %v (%d lessees, largest %v): %+v, want rounded to %v", what, f.sum, f.lessees, f.max, c, unit)
			}
		}
	}
	zones, err := svc.Zones(ctx, stats.Public)
	if err != nil {
		t.Fatal(err)
	}
	byZone := count(`z.code`)
	for _, z := range zones.Items {
		check("zone "+z.Code, z.Capital, byZone[z.Code])
	}
	for _, by := range []stats.By{stats.ByBoard, stats.ByProvince, stats.ByKind} {
		groups, err := svc.Groups(ctx, by, stats.Public)
		if err != nil {
			t.Fatal(err)
		}
		facts := count(groupKeySQL[by])
		for _, g := range groups.Items {
			check(string(by)+" "+g.Key, g.Capital, facts[g.Key])
		}
	}
	if seen[stats.DisclosureRounded] == 0 || seen[stats.DisclosureExact] == 0 {
		t.Errorf("public capital disclosures %v: the seed does not exercise the rule", seen)
	}
	t.Logf("public capital disclosures: %v", seen)
}

// groupKeySQL is the test's own grouping expression per aggregation.
var groupKeySQL = map[stats.By]string{
	stats.ByBoard:    `coalesce(z.board_id, '')`,
	stats.ByProvince: `z.province`,
	stats.ByKind:     `z.kind::text`,
}

func checkGroups(t *testing.T, pool *pgxpool.Pool, svc *stats.Service, by stats.By, zones []stats.ZoneStats, want map[int64]wantZone, minShare float64) {
	rep, err := svc.Groups(context.Background(), by, stats.Confidential)
	if err != nil {
		t.Fatal(err)
	}
	// Union areas, straight from the tables: one collected geometry per
	// group, unioned at once.
	areas := map[string][2]float64{}
	rows, err := pool.Query(context.Background(), `
		SELECT k, ST_Area(ST_UnaryUnion(ST_Collect(boundary))::geography) / 10000,
		       coalesce((SELECT ST_Area(ST_UnaryUnion(ST_Collect(ST_Intersection(g.boundary, zz.boundary)))::geography) / 10000
		                   FROM green_areas g JOIN zones zz ON zz.id = g.zone_id
		                  WHERE `+strings.ReplaceAll(groupKeySQL[by], "z.", "zz.")+` = k), 0)
		  FROM (SELECT `+groupKeySQL[by]+` AS k, boundary FROM zones z) x GROUP BY k`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var a [2]float64
		if err := rows.Scan(&k, &a[0], &a[1]); err != nil {
			t.Fatal(err)
		}
		areas[k] = a
	}
	rows.Close()
	if len(rep.Items) != len(areas) {
		t.Fatalf("%d groups, want %d", len(rep.Items), len(areas))
	}
	keys := make([]string, 0, len(rep.Items))
	for _, g := range rep.Items {
		keys = append(keys, g.Key)
		var sum stats.GroupStats
		var sumCapital float64
		sources := map[string]bool{}
		wsources := map[string]bool{}
		var zoneAreaSum float64
		for _, z := range zones {
			w := want[z.ZoneID]
			k := map[stats.By]string{stats.ByBoard: w.boardID, stats.ByProvince: w.province, stats.ByKind: w.kind}[by]
			if k != g.Key {
				continue
			}
			sum.Zones++
			if w.greenHa >= minShare*w.areaHa && w.areaHa > 0 {
				sum.ZonesGreenCompliant++
			}
			sum.Parcels += w.parcels
			sum.LeasableHa += w.leasableHa
			sum.LeasedHa += w.leasedHa
			sum.ReservedHa += w.reservedHa
			sum.AvailableHa += w.availableHa
			sum.LeasesInForce += w.inForce
			sum.Enterprises += w.enterprises
			sum.Workers += w.workers
			sumCapital += w.capital
			sources[w.entSource] = true
			wsources[w.wrkSource] = true
			zoneAreaSum += w.areaHa
		}
		a := areas[g.Key]
		if g.By != by || g.Zones != sum.Zones || g.ZonesGreenCompliant != sum.ZonesGreenCompliant || g.Parcels != sum.Parcels ||
			g.LeasesInForce != sum.LeasesInForce || g.Enterprises != sum.Enterprises || g.Workers != sum.Workers {
			t.Errorf("%s %q: counts %+v, want %+v", by, g.Key, g, sum)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"area_ha", g.AreaHa, a[0]}, {"green_ha", g.GreenHa, a[1]}, {"leasable_ha", g.LeasableHa, sum.LeasableHa},
			{"leased_ha", g.LeasedHa, sum.LeasedHa}, {"reserved_ha", g.ReservedHa, sum.ReservedHa},
			{"available_ha", g.AvailableHa, sum.AvailableHa}, {"capital_usd", *g.CapitalUSD, sumCapital},
		} {
			if !near(c.got, c.want) {
				t.Errorf("%s %q: %s = %v, want %v", by, g.Key, c.name, c.got, c.want)
			}
		}
		if g.AreaHa > zoneAreaSum*(1+1e-9) {
			t.Errorf("%s %q: union area %v exceeds the sum of zone areas %v", by, g.Key, g.AreaHa, zoneAreaSum)
		}
		var occ, cov *float64
		if sum.LeasableHa > 0 {
			occ = fptr(sum.LeasedHa / sum.LeasableHa * 100)
		}
		if a[0] > 0 {
			cov = fptr(a[1] / a[0] * 100)
		}
		if !nearPtr(g.OccupancyPct, occ) || !nearPtr(g.GreenCoveragePct, cov) || g.GreenCompliant != (a[1] >= minShare*a[0]) {
			t.Errorf("%s %q: occupancy %v coverage %v compliant %v; want %v %v", by, g.Key, g.OccupancyPct, g.GreenCoveragePct, g.GreenCompliant, occ, cov)
		}
		wantSource := func(s map[string]bool) string {
			if len(s) > 1 {
				return stats.SourceMixed
			}
			for k := range s {
				return k
			}
			return ""
		}
		if g.EnterprisesSource != wantSource(sources) || g.WorkersSource != wantSource(wsources) {
			t.Errorf("%s %q: sources %s/%s, want %s/%s", by, g.Key, g.EnterprisesSource, g.WorkersSource, wantSource(sources), wantSource(wsources))
		}
	}
	if !slices.IsSorted(keys) {
		t.Errorf("%s: groups not ordered by key: %v", by, keys)
	}
	if by == stats.ByBoard {
		// The Đình Vũ – Cát Hải economic zone contains its member zones:
		// the board's area counts the land once.
		for _, g := range rep.Items {
			if g.Key == "deza" && g.AreaHa >= sumAreas(zones, "deza")-1 {
				t.Errorf("deza: area %v ha not less than the sum of its zones %v ha: nesting counted twice", g.AreaHa, sumAreas(zones, "deza"))
			}
			if g.Key == "hepza" && g.Name == "" {
				t.Error("hepza: no board name")
			}
		}
	}
}

func sumAreas(zones []stats.ZoneStats, board string) float64 {
	var s float64
	for _, z := range zones {
		if z.BoardID == board {
			s += z.AreaHa
		}
	}
	return s
}

// TestStatsGreenOverlapAndCache adds a green area that overlaps existing
// ones: the zone's green area must not change (overlaps count once), and
// the cache must notice the change.
func TestStatsGreenOverlapAndCache(t *testing.T) {
	db := seeded(t)
	pool := db.Pool()
	ctx := context.Background()
	svc := stats.New(db, stats.Options{})
	before, err := svc.Zones(ctx, stats.Confidential)
	if err != nil {
		t.Fatal(err)
	}
	if before.MinGreenPct != 10 {
		t.Errorf("default min_green_pct %v, want 10", before.MinGreenPct)
	}
	again, err := svc.Zones(ctx, stats.Confidential)
	if err != nil {
		t.Fatal(err)
	}
	if again.Seq != before.Seq {
		t.Fatalf("seq moved without a change: %d -> %d", before.Seq, again.Seq)
	}
	var zoneID int64
	if err := pool.QueryRow(ctx, `
		INSERT INTO green_areas (zone_id, kind, name, synthetic, boundary)
		SELECT zone_id, 'park', 'Overlapping copy', true, boundary FROM green_areas
		 WHERE zone_id = (SELECT id FROM zones WHERE code = 'SHTP') AND kind = 'tree_belt'
		RETURNING zone_id`).Scan(&zoneID); err != nil {
		t.Fatal(err)
	}
	after, err := svc.Zones(ctx, stats.Confidential)
	if err != nil {
		t.Fatal(err)
	}
	if after.Seq <= before.Seq {
		t.Fatalf("seq %d after a change, was %d: cache not invalidated", after.Seq, before.Seq)
	}
	find := func(r stats.Report[stats.ZoneStats]) stats.ZoneStats {
		for _, z := range r.Items {
			if z.ZoneID == zoneID {
				return z
			}
		}
		t.Fatalf("zone %d missing", zoneID)
		return stats.ZoneStats{}
	}
	b, a := find(before), find(after)
	if !near(a.GreenHa, b.GreenHa) || b.GreenHa == 0 {
		t.Errorf("SHTP green %v ha with a duplicated tree belt, %v ha before: overlap counted twice", a.GreenHa, b.GreenHa)
	}
}

func TestStatsLeasing(t *testing.T) {
	db := seeded(t)
	pool := db.Pool()
	ctx := context.Background()
	svc := stats.New(db, stats.Options{})
	if _, err := pool.Exec(ctx, `INSERT INTO plan_targets (scope, scope_id, year, hectares, capital_usd) VALUES
		('all', '', 2024, 40, 2e8), ('board', 'hepza', 2024, 10, NULL), ('province', 'Thành phố Hồ Chí Minh', 2023, NULL, 5e7)`); err != nil {
		t.Fatal(err)
	}
	type row struct {
		leases  int64
		ha, usd float64
	}
	check := func(q stats.LeasingQuery, where string, args ...any) *stats.Leasing {
		t.Helper()
		l, err := svc.Leasing(ctx, q, stats.Confidential)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		quarterly := q.By == "quarter"
		want := map[[2]int]row{}
		rows, err := pool.Query(ctx, `
			SELECT date_part('year', l.start_date)::int, date_part('quarter', l.start_date)::int,
			       count(*), sum(ST_Area(p.boundary::geography)) / 10000, sum(l.capital_usd)::float8
			  FROM leases l JOIN parcels p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id
			 WHERE `+where+` GROUP BY 1, 2`, args...)
		if err != nil {
			t.Fatal(err)
		}
		minY, maxY := 9999, 0
		for rows.Next() {
			var y, qq int
			var r row
			if err := rows.Scan(&y, &qq, &r.leases, &r.ha, &r.usd); err != nil {
				t.Fatal(err)
			}
			if !quarterly {
				qq = 0
			}
			w := want[[2]int{y, qq}]
			w.leases += r.leases
			w.ha += r.ha
			w.usd += r.usd
			want[[2]int{y, qq}] = w
			minY, maxY = min(minY, y), max(maxY, y)
		}
		rows.Close()
		if len(want) == 0 {
			t.Fatalf("%+v: no leases in the check", q)
		}
		var total int64
		for i, p := range l.Periods {
			k := [2]int{p.Year, p.Quarter}
			w := want[k]
			total += p.Leases
			if p.Leases != w.leases || !near(p.LeasedHa, w.ha) || !near(*p.CapitalUSD, w.usd) {
				t.Errorf("%+v %s: %d leases %v ha %v USD; want %d %v %v", q, p.Period, p.Leases, p.LeasedHa, *p.CapitalUSD, w.leases, w.ha, w.usd)
			}
			prev := want[[2]int{p.Year - 1, p.Quarter}]
			var yoy *float64
			if prev.ha != 0 {
				yoy = fptr((w.ha - prev.ha) / prev.ha * 100)
			}
			if !nearPtr(p.LeasedHaYoYPct, yoy) {
				t.Errorf("%+v %s: yoy %v, want %v", q, p.Period, p.LeasedHaYoYPct, yoy)
			}
			if i > 0 {
				pp := l.Periods[i-1]
				gap := p.Year*4 + p.Quarter - (pp.Year*4 + pp.Quarter)
				if (quarterly && gap != 1) || (!quarterly && p.Year != pp.Year+1) {
					t.Errorf("%+v: gap between %s and %s", q, pp.Period, p.Period)
				}
			}
		}
		if q.From == 0 && q.To == 0 {
			var n int64
			for _, w := range want {
				n += w.leases
			}
			if total != n || l.Periods[0].Year != minY || l.Periods[len(l.Periods)-1].Year != maxY {
				t.Errorf("%+v: %d leases over %s..%s, want %d over %d..%d", q, total, l.Periods[0].Period, l.Periods[len(l.Periods)-1].Period, n, minY, maxY)
			}
		}
		return l
	}

	all := check(stats.LeasingQuery{}, "true")
	if all.PlanScope != "all" {
		t.Errorf("plan scope %q, want all", all.PlanScope)
	}
	for _, p := range all.Periods {
		switch p.Year {
		case 2024:
			if p.PlanHa == nil || *p.PlanHa != 40 || !nearPtr(p.PlanHaPct, fptr(p.LeasedHa/40*100)) ||
				!nearPtr(p.PlanCapitalPct, fptr(*p.CapitalUSD/2e8*100)) {
				t.Errorf("2024 plan: %v ha %v%%, %v%% capital", p.PlanHa, p.PlanHaPct, p.PlanCapitalPct)
			}
		default:
			if p.PlanHa != nil || p.PlanHaPct != nil || p.PlanCapitalPct != nil {
				t.Errorf("%s: plan figures without a target", p.Period)
			}
		}
	}
	hepza := check(stats.LeasingQuery{Board: "hepza"}, "z.board_id = $1", "hepza")
	for _, p := range hepza.Periods {
		if (p.Year == 2024) != (p.PlanHaPct != nil) || p.PlanCapitalPct != nil {
			t.Errorf("hepza %s: plan %v ha %v%%, capital %v%%", p.Period, p.PlanHa, p.PlanHaPct, p.PlanCapitalPct)
		}
	}
	// Province matched without diacritics, reported as spelled.
	hcm := check(stats.LeasingQuery{Province: "thanh pho ho chi minh", By: "year"}, "z.province = $1", "Thành phố Hồ Chí Minh")
	if hcm.Province != "Thành phố Hồ Chí Minh" || hcm.PlanScope != "province" {
		t.Errorf("province %q scope %q", hcm.Province, hcm.PlanScope)
	}
	q := check(stats.LeasingQuery{By: "quarter"}, "true")
	if q.PlanScope != "" || q.Periods[0].Quarter == 0 || !strings.Contains(q.Periods[0].Period, "-Q") {
		t.Errorf("quarterly: scope %q, first period %+v", q.PlanScope, q.Periods[0])
	}
	r := check(stats.LeasingQuery{From: 2020, To: 2030}, "true")
	if r.Periods[0].Year != 2020 || r.Periods[len(r.Periods)-1].Year != 2030 {
		t.Errorf("from/to: %s..%s", r.Periods[0].Period, r.Periods[len(r.Periods)-1].Period)
	}
	for _, bad := range []stats.LeasingQuery{{By: "month"}, {Board: "nope"}, {Province: "Atlantis"}, {From: 2025, To: 2020}} {
		if _, err := svc.Leasing(ctx, bad, stats.Confidential); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
