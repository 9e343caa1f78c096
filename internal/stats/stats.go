// Package stats computes the figures the management boards report every
// year: per zone and aggregated per board, province and kind — land area,
// leasable, leased, reserved and available area, occupancy, green-space
// area and coverage against a minimum share, enterprises, workers and
// capital — and leasing over time (hectares and capital per year or
// quarter, with year-on-year change and percentage of plan).
//
// Every area is geodesic, computed by PostGIS on the WGS 84 ellipsoid, and
// reported in hectares (names end in Ha); every share is a percentage from
// 0 to 100 (names end in Pct); money is US dollars (CapitalUSD).
//
// Definitions:
//   - area: the zone's own geodesic area. For a group (board, province,
//     kind) it is the area of the union of its zones' boundaries, so nested
//     zones (the members of an economic zone) and overlaps count once.
//   - leasable: the sum of the zone's parcel areas; leased, reserved and
//     available split it by parcel status; occupancy = leased / leasable
//     (nil when nothing is leasable).
//   - green: the area of the union of the zone's green areas, each clipped
//     to the zone, so overlapping green areas count once; coverage = green
//     / area. A zone complies when coverage >= the minimum green share
//     (Options.MinGreenShare, default 10 %).
//   - leases in force on the as-of date D: start_date <= D < coalesce(ended_on,
//     end_date).
//   - enterprises and workers: the zone's published figures when it has
//     them (source "published"), else derived from the leases in force
//     (distinct lessees, sum of lease workers; source "leases"). A group
//     sums its zones' figures; its source is "published", "leases" or
//     "mixed".
//   - capital: the sum of capital_usd over the leases in force. Capital is
//     confidential per lease: planners and admins see exact sums, everyone
//     else a figure rounded to one significant digit, or withheld with a
//     reason, by the rule of Audience (disclose.go), which holds against
//     the difference of two answers.
//
// Results are cached and keyed by the change-log position (max seq of
// table changes) and the as-of date: a cache hit costs one cheap query.
package stats

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zonegis/zonegis/internal/vntext"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// DefaultMinGreenShare is the minimum green share a zone must reach, as a
// fraction of its area (10 %).
const DefaultMinGreenShare = 0.10

// By names an aggregation.
type By string

// Aggregations.
const (
	ByBoard    By = "board"
	ByProvince By = "province"
	ByKind     By = "kind"
)

// Publication sources of enterprise and worker figures.
const (
	SourcePublished = "published"
	SourceLeases    = "leases"
	SourceMixed     = "mixed"
)

// Options configure a Service.
type Options struct {
	// MinGreenShare is the minimum green share as a fraction (0.10 = 10 %);
	// 0 means DefaultMinGreenShare.
	MinGreenShare float64
}

// The day the figures are as of is the database's (zg_today(), Vietnam's
// calendar): the one clock that also decides the parcels' statuses, so the
// leased area and the leases in force always agree.

// Service computes statistics over the registry database.
type Service struct {
	pool *pgxpool.Pool
	opts Options

	mu    sync.Mutex
	cache *snapshot
}

// snapshot is one computation of the zone figures and the group areas,
// valid for one change-log position and as-of date.
type snapshot struct {
	seq    int64
	asOf   time.Time
	zones  []ZoneStats
	groups map[By][]GroupStats
}

// New returns a Service over pool.
func New(pool *pgxpool.Pool, o Options) *Service {
	if o.MinGreenShare <= 0 {
		o.MinGreenShare = DefaultMinGreenShare
	}
	return &Service{pool: pool, opts: o}
}

// MinGreenShare returns the minimum green share in force, as a fraction.
func (s *Service) MinGreenShare() float64 { return s.opts.MinGreenShare }

// ZoneStats are the figures of one zone.
type ZoneStats struct {
	ZoneID            int64    `json:"zone_id"`
	Code              string   `json:"code"`
	NameVI            string   `json:"name_vi"`
	NameEN            string   `json:"name_en"`
	Kind              string   `json:"kind"`
	BoardID           string   `json:"board_id"` // "" when no board is recorded
	Province          string   `json:"province"`
	Status            string   `json:"status"`
	AreaHa            float64  `json:"area_ha"`
	Parcels           int64    `json:"parcels"`
	LeasableHa        float64  `json:"leasable_ha"`
	LeasedHa          float64  `json:"leased_ha"`
	ReservedHa        float64  `json:"reserved_ha"`
	AvailableHa       float64  `json:"available_ha"`
	OccupancyPct      *float64 `json:"occupancy_pct"` // nil when nothing is leasable
	GreenHa           float64  `json:"green_ha"`
	GreenCoveragePct  *float64 `json:"green_coverage_pct"` // nil when the area is 0
	MinGreenPct       float64  `json:"min_green_pct"`
	GreenCompliant    bool     `json:"green_compliant"`
	LeasesInForce     int64    `json:"leases_in_force"`
	Enterprises       int64    `json:"enterprises"`
	EnterprisesSource string   `json:"enterprises_source"`
	Workers           int64    `json:"workers"`
	WorkersSource     string   `json:"workers_source"`
	Capital                    // capital_usd, capital_rounding_usd, capital_disclosure

	capital capitalSum // the exact figures Capital is disclosed from
}

// GroupStats are the figures of a board, a province or a kind of zone.
type GroupStats struct {
	By                  By       `json:"by"`
	Key                 string   `json:"key"`  // board id ("" for zones without a board), province or kind
	Name                string   `json:"name"` // the board's Vietnamese name; the key otherwise
	Zones               int64    `json:"zones"`
	ZonesGreenCompliant int64    `json:"zones_green_compliant"`
	AreaHa              float64  `json:"area_ha"`
	Parcels             int64    `json:"parcels"`
	LeasableHa          float64  `json:"leasable_ha"`
	LeasedHa            float64  `json:"leased_ha"`
	ReservedHa          float64  `json:"reserved_ha"`
	AvailableHa         float64  `json:"available_ha"`
	OccupancyPct        *float64 `json:"occupancy_pct"`
	GreenHa             float64  `json:"green_ha"`
	GreenCoveragePct    *float64 `json:"green_coverage_pct"`
	MinGreenPct         float64  `json:"min_green_pct"`
	GreenCompliant      bool     `json:"green_compliant"` // the group's overall coverage
	LeasesInForce       int64    `json:"leases_in_force"`
	Enterprises         int64    `json:"enterprises"`
	EnterprisesSource   string   `json:"enterprises_source"`
	Workers             int64    `json:"workers"`
	WorkersSource       string   `json:"workers_source"`
	Capital                      // capital_usd, capital_rounding_usd, capital_disclosure

	capital capitalSum
}

// Report is a set of figures with the date they hold on.
type Report[T any] struct {
	AsOf        string  `json:"as_of"` // YYYY-MM-DD: the date leases are in force on
	Seq         int64   `json:"seq"`   // the change-log position the figures reflect
	MinGreenPct float64 `json:"min_green_pct"`
	Items       []T     `json:"items"`
}

// Zones returns the figures of every zone, by zone id, with capital as
// audience a may see it.
func (s *Service) Zones(ctx context.Context, a Audience) (Report[ZoneStats], error) {
	snap, err := s.current(ctx)
	if err != nil {
		return Report[ZoneStats]{}, err
	}
	items := slices.Clone(snap.zones)
	for i := range items {
		items[i].Capital = items[i].capital.disclose(a)
	}
	return Report[ZoneStats]{AsOf: snap.asOf.Format(time.DateOnly), Seq: snap.seq,
		MinGreenPct: pct(s.opts.MinGreenShare, 1), Items: items}, nil
}

// Groups returns the figures aggregated by board, province or kind, by key,
// with capital as audience a may see it. Errors: EINVALID for an unknown
// aggregation.
func (s *Service) Groups(ctx context.Context, by By, a Audience) (Report[GroupStats], error) {
	if _, ok := sqlGroupAreas[by]; !ok {
		return Report[GroupStats]{}, zonegis.Errorf(zonegis.EINVALID, "unknown aggregation %q; use board, province or kind", by)
	}
	snap, err := s.current(ctx)
	if err != nil {
		return Report[GroupStats]{}, err
	}
	items := slices.Clone(snap.groups[by])
	for i := range items {
		items[i].Capital = items[i].capital.disclose(a)
	}
	return Report[GroupStats]{AsOf: snap.asOf.Format(time.DateOnly), Seq: snap.seq,
		MinGreenPct: pct(s.opts.MinGreenShare, 1), Items: items}, nil
}

// current returns the cached computation when the change log has not moved
// and the date has not changed, else computes it again.
func (s *Service) current(ctx context.Context) (*snapshot, error) {
	var seq int64
	var asOf time.Time
	if err := s.pool.QueryRow(ctx, sqlMaxSeq).Scan(&seq, &asOf); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	asOf = asOf.UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.cache; c != nil && c.seq == seq && c.asOf.Equal(asOf) {
		return c, nil
	}
	snap, err := s.compute(ctx, asOf)
	if err != nil {
		return nil, err
	}
	// The figures were read after seq; a change committed in between makes
	// the next call compute again (its max seq is higher), never serves
	// stale figures for long.
	snap.seq = seq
	s.cache = snap
	return snap, nil
}

// compute reads every figure in one repeatable-read transaction, so the
// zones and the group areas agree.
func (s *Service) compute(ctx context.Context, asOf time.Time) (*snapshot, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	snap := &snapshot{asOf: asOf, groups: map[By][]GroupStats{}}
	if snap.zones, err = s.zones(ctx, tx, asOf); err != nil {
		return nil, err
	}
	names := map[string]string{}
	rows, err := tx.Query(ctx, sqlBoardNames)
	if err != nil {
		return nil, fmt.Errorf("stats: boards: %w", err)
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("stats: boards: %w", err)
		}
		names[id] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stats: boards: %w", err)
	}
	for _, by := range []By{ByBoard, ByProvince, ByKind} {
		areas, err := groupAreas(ctx, tx, by)
		if err != nil {
			return nil, err
		}
		capital, err := groupCapital(ctx, tx, by, asOf)
		if err != nil {
			return nil, err
		}
		snap.groups[by] = aggregate(by, snap.zones, areas, capital, names, s.opts.MinGreenShare)
	}
	return snap, nil
}

func (s *Service) zones(ctx context.Context, tx querier, asOf time.Time) ([]ZoneStats, error) {
	rows, err := tx.Query(ctx, sqlZones, asOf)
	if err != nil {
		return nil, fmt.Errorf("stats: zones: %w", err)
	}
	defer rows.Close()
	var out []ZoneStats
	for rows.Next() {
		var (
			z                                              ZoneStats
			area, leasable, leased, reserved, avail, green float64
			pubEnt, pubWrk                                 *int32
			lessees, leaseWorkers                          int64
		)
		if err := rows.Scan(&z.ZoneID, &z.Code, &z.NameVI, &z.NameEN, &z.Kind, &z.BoardID, &z.Province, &z.Status,
			&area, &z.Parcels, &leasable, &leased, &reserved, &avail, &green,
			&pubEnt, &pubWrk, &z.LeasesInForce, &lessees, &leaseWorkers, &z.capital.sumUSD, &z.capital.maxUSD); err != nil {
			return nil, fmt.Errorf("stats: zones: %w", err)
		}
		z.AreaHa, z.LeasableHa, z.LeasedHa = area/1e4, leasable/1e4, leased/1e4
		z.ReservedHa, z.AvailableHa, z.GreenHa = reserved/1e4, avail/1e4, green/1e4
		z.OccupancyPct = ratioPct(leased, leasable)
		z.GreenCoveragePct = ratioPct(green, area)
		z.MinGreenPct = pct(s.opts.MinGreenShare, 1)
		z.GreenCompliant = complies(green, area, s.opts.MinGreenShare)
		z.capital.lessees = lessees
		z.Enterprises, z.EnterprisesSource = lessees, SourceLeases
		if pubEnt != nil {
			z.Enterprises, z.EnterprisesSource = int64(*pubEnt), SourcePublished
		}
		z.Workers, z.WorkersSource = leaseWorkers, SourceLeases
		if pubWrk != nil {
			z.Workers, z.WorkersSource = int64(*pubWrk), SourcePublished
		}
		out = append(out, z)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stats: zones: %w", err)
	}
	return out, nil
}

// querier is a pool, a connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

type groupArea struct{ areaM2, greenM2 float64 }

func groupAreas(ctx context.Context, tx querier, by By) (map[string]groupArea, error) {
	rows, err := tx.Query(ctx, sqlGroupAreas[by])
	if err != nil {
		return nil, fmt.Errorf("stats: %s areas: %w", by, err)
	}
	defer rows.Close()
	out := map[string]groupArea{}
	for rows.Next() {
		var k string
		var a groupArea
		if err := rows.Scan(&k, &a.areaM2, &a.greenM2); err != nil {
			return nil, fmt.Errorf("stats: %s areas: %w", by, err)
		}
		out[k] = a
	}
	return out, rows.Err()
}

// groupCapital returns, per group, the distinct lessees and the largest
// capital of the leases in force on asOf (the sums add up the zones').
func groupCapital(ctx context.Context, tx querier, by By, asOf time.Time) (map[string]capitalSum, error) {
	rows, err := tx.Query(ctx, sqlGroupCapital[by], asOf)
	if err != nil {
		return nil, fmt.Errorf("stats: %s capital: %w", by, err)
	}
	defer rows.Close()
	out := map[string]capitalSum{}
	for rows.Next() {
		var k string
		var c capitalSum
		if err := rows.Scan(&k, &c.lessees, &c.maxUSD); err != nil {
			return nil, fmt.Errorf("stats: %s capital: %w", by, err)
		}
		out[k] = c
	}
	return out, rows.Err()
}

// aggregate sums the zone figures per group and takes the union areas from
// areas, the lessees and the largest lease from capital. Groups come out
// ordered by key.
func aggregate(by By, zones []ZoneStats, areas map[string]groupArea, capital map[string]capitalSum, boardNames map[string]string, minShare float64) []GroupStats {
	idx := map[string]int{}
	var out []GroupStats
	for _, z := range zones {
		k := groupKey(by, &z)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			name := k
			if by == ByBoard {
				name = boardNames[k]
				if k == "" {
					name = "(no board recorded)"
				}
			}
			out = append(out, GroupStats{By: by, Key: k, Name: name, MinGreenPct: pct(minShare, 1)})
		}
		g := &out[i]
		g.Zones++
		if z.GreenCompliant {
			g.ZonesGreenCompliant++
		}
		g.Parcels += z.Parcels
		g.LeasableHa += z.LeasableHa
		g.LeasedHa += z.LeasedHa
		g.ReservedHa += z.ReservedHa
		g.AvailableHa += z.AvailableHa
		g.LeasesInForce += z.LeasesInForce
		g.Enterprises += z.Enterprises
		g.EnterprisesSource = mergeSource(g.EnterprisesSource, z.EnterprisesSource)
		g.Workers += z.Workers
		g.WorkersSource = mergeSource(g.WorkersSource, z.WorkersSource)
		g.capital.sumUSD += z.capital.sumUSD
	}
	for i := range out {
		g := &out[i]
		a := areas[g.Key]
		g.AreaHa, g.GreenHa = a.areaM2/1e4, a.greenM2/1e4
		c := capital[g.Key]
		g.capital.lessees, g.capital.maxUSD = c.lessees, c.maxUSD
		g.OccupancyPct = ratioPct(g.LeasedHa, g.LeasableHa)
		g.GreenCoveragePct = ratioPct(a.greenM2, a.areaM2)
		g.GreenCompliant = complies(a.greenM2, a.areaM2, minShare)
	}
	slices.SortFunc(out, func(a, b GroupStats) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return out
}

func groupKey(by By, z *ZoneStats) string {
	switch by {
	case ByBoard:
		return z.BoardID
	case ByProvince:
		return z.Province
	}
	return z.Kind
}

func mergeSource(acc, src string) string {
	switch {
	case acc == "":
		return src
	case acc == src:
		return acc
	}
	return SourceMixed
}

// ratioPct is num/den in percent, nil when den is not positive.
func ratioPct(num, den float64) *float64 {
	if den <= 0 {
		return nil
	}
	v := num / den * 100
	return &v
}

func pct(num, den float64) float64 { return num / den * 100 }

// complies reports green/area >= minShare; a zone without area does not.
func complies(green, area, minShare float64) bool {
	return area > 0 && green >= minShare*area
}

// resolveProvince returns the province as the zones spell it, matching
// case- and diacritic-insensitively ("hai phong" finds "Hải Phòng").
// Errors: EINVALID when no zone lies in it.
func resolveProvince(ctx context.Context, q querier, p string) (string, error) {
	rows, err := q.Query(ctx, sqlProvinces)
	if err != nil {
		return "", fmt.Errorf("stats: provinces: %w", err)
	}
	defer rows.Close()
	want := vntext.Fold(p)
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return "", err
		}
		if vntext.Fold(name) == want {
			return name, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return "", zonegis.Errorf(zonegis.EINVALID, "province: no zone lies in province %q", p)
}
