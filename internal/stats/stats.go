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
// The investment series are cached as answers, keyed by their query, the
// audience's class and the investment data version (investcache.go).
//
// The figures come from a Store (internal/postgis, which holds the SQL);
// this package aggregates, caches, discloses and writes them.
package stats

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

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

func (by By) valid() bool { return by == ByBoard || by == ByProvince || by == ByKind }

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
	// InvestmentCacheBytes bounds the cache of investment answers
	// (investcache.go); 0 means DefaultInvestmentCacheBytes.
	InvestmentCacheBytes int64
}

// The day the figures are as of is the database's (zg_today(), Vietnam's
// calendar): the one clock that also decides the parcels' statuses, so the
// leased area and the leases in force always agree.

// Store reads the raw figures. *postgis.DB implements it.
type Store interface {
	// SeqAndToday returns the change-log position and the database's day.
	SeqAndToday(ctx context.Context) (seq int64, day time.Time, err error)
	// StatsSnapshot reads the zone and group figures with leases in force
	// on asOf, all in one database snapshot.
	StatsSnapshot(ctx context.Context, asOf time.Time) (*zonegis.StatsSnapshot, error)
	// BoardExists reports whether a board has id.
	BoardExists(ctx context.Context, id string) (bool, error)
	// ZoneByRef finds a zone by its id (decimal text) or code; ok false
	// when none has it.
	ZoneByRef(ctx context.Context, ref string) (id int64, ok bool, err error)
	// Provinces lists the zones' provinces as they spell them.
	Provinces(ctx context.Context) ([]string, error)
	// Leasing sums the leases by year (and quarter) of start, oldest
	// first, over the zones of board and province ("" for all).
	Leasing(ctx context.Context, board, province string, quarterly bool) ([]zonegis.LeasingFigures, error)
	// PlanTargets returns the targets of one plan scope, by year.
	PlanTargets(ctx context.Context, scope, id string) ([]zonegis.PlanTarget, error)
	// InvestmentFigures sums the investment projects, capital adjustments
	// and enterprise reports f selects, per grouping, group and period and
	// over the whole range, in one snapshot.
	InvestmentFigures(ctx context.Context, f zonegis.InvestmentSeriesFilter) (*zonegis.InvestmentFigures, error)
	// InvestmentVersion returns the data version of what the investment
	// statistics read: every committed write to it moves it.
	InvestmentVersion(ctx context.Context) (int64, error)
	PublishedStore
}

// Service computes statistics over the registry database.
type Service struct {
	store Store
	opts  Options

	mu    sync.Mutex
	cache *snapshot

	invest *investmentCache
}

// snapshot is one computation of the zone figures and the group areas,
// valid for one change-log position and as-of date.
type snapshot struct {
	seq    int64
	asOf   time.Time
	zones  []ZoneStats
	groups map[By][]GroupStats
}

// New returns a Service over store.
func New(store Store, o Options) *Service {
	if o.MinGreenShare <= 0 {
		o.MinGreenShare = DefaultMinGreenShare
	}
	return &Service{store: store, opts: o, invest: newInvestmentCache(o.InvestmentCacheBytes)}
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
	boards  []string // the boards of the group's zones: its capital is exact only to an audience of all of them
}

// Report is a set of figures with the date they hold on.
type Report[T any] struct {
	AsOf        string  `json:"as_of"` // YYYY-MM-DD: the date leases are in force on
	Seq         int64   `json:"seq"`   // the change-log position the figures reflect
	MinGreenPct float64 `json:"min_green_pct"`
	Items       []T     `json:"items"`
}

// Zone returns the figures of the zone with id in a report of zones.
func Zone(r Report[ZoneStats], id int64) (ZoneStats, bool) {
	for _, z := range r.Items {
		if z.ZoneID == id {
			return z, true
		}
	}
	return ZoneStats{}, false
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
		items[i].Capital = items[i].capital.discloseExact(a.Sees(items[i].BoardID))
	}
	return Report[ZoneStats]{AsOf: snap.asOf.Format(time.DateOnly), Seq: snap.seq,
		MinGreenPct: pct(s.opts.MinGreenShare, 1), Items: items}, nil
}

// Groups returns the figures aggregated by board, province or kind, by key,
// with capital as audience a may see it. Errors: EINVALID for an unknown
// aggregation.
func (s *Service) Groups(ctx context.Context, by By, a Audience) (Report[GroupStats], error) {
	if !by.valid() {
		return Report[GroupStats]{}, zonegis.Errorf(zonegis.EINVALID, "unknown aggregation %q; use board, province or kind", by)
	}
	snap, err := s.current(ctx)
	if err != nil {
		return Report[GroupStats]{}, err
	}
	items := slices.Clone(snap.groups[by])
	for i := range items {
		items[i].Capital = items[i].capital.discloseExact(a.Sees(items[i].boards...))
	}
	return Report[GroupStats]{AsOf: snap.asOf.Format(time.DateOnly), Seq: snap.seq,
		MinGreenPct: pct(s.opts.MinGreenShare, 1), Items: items}, nil
}

// current returns the cached computation when the change log has not moved
// and the date has not changed, else computes it again.
func (s *Service) current(ctx context.Context) (*snapshot, error) {
	seq, asOf, err := s.store.SeqAndToday(ctx)
	if err != nil {
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

// compute reads every figure in one database snapshot (Store.StatsSnapshot),
// so the zones and the group areas agree.
func (s *Service) compute(ctx context.Context, asOf time.Time) (*snapshot, error) {
	raw, err := s.store.StatsSnapshot(ctx, asOf)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	snap := &snapshot{asOf: asOf, groups: map[By][]GroupStats{}}
	for _, f := range raw.Zones {
		snap.zones = append(snap.zones, s.zone(f))
	}
	for by, groups := range map[By]map[string]zonegis.GroupFigures{ByBoard: raw.ByBoard, ByProvince: raw.ByProvince, ByKind: raw.ByKind} {
		snap.groups[by] = aggregate(by, snap.zones, groups, raw.BoardNames, s.opts.MinGreenShare)
	}
	return snap, nil
}

// zone turns a zone's raw figures into its statistics.
func (s *Service) zone(f zonegis.ZoneFigures) ZoneStats {
	z := ZoneStats{ZoneID: f.ZoneID, Code: f.Code, NameVI: f.NameVI, NameEN: f.NameEN, Kind: f.Kind,
		BoardID: f.BoardID, Province: f.Province, Status: f.Status, Parcels: f.Parcels, LeasesInForce: f.LeasesInForce}
	z.AreaHa, z.LeasableHa, z.LeasedHa = f.AreaM2/1e4, f.LeasableM2/1e4, f.LeasedM2/1e4
	z.ReservedHa, z.AvailableHa, z.GreenHa = f.ReservedM2/1e4, f.AvailableM2/1e4, f.GreenM2/1e4
	z.OccupancyPct = ratioPct(f.LeasedM2, f.LeasableM2)
	z.GreenCoveragePct = ratioPct(f.GreenM2, f.AreaM2)
	z.MinGreenPct = pct(s.opts.MinGreenShare, 1)
	z.GreenCompliant = complies(f.GreenM2, f.AreaM2, s.opts.MinGreenShare)
	z.capital = capitalSum{sumUSD: f.CapitalUSD, maxUSD: f.CapitalMaxUSD, lessees: f.Lessees}
	z.Enterprises, z.EnterprisesSource = f.Lessees, SourceLeases
	if f.PublishedEnterprises != nil {
		z.Enterprises, z.EnterprisesSource = int64(*f.PublishedEnterprises), SourcePublished
	}
	z.Workers, z.WorkersSource = f.LeaseWorkers, SourceLeases
	if f.PublishedWorkers != nil {
		z.Workers, z.WorkersSource = int64(*f.PublishedWorkers), SourcePublished
	}
	return z
}

// aggregate sums the zone figures per group and takes the union areas,
// the lessees and the largest lease from groups. Groups come out ordered
// by key.
func aggregate(by By, zones []ZoneStats, groups map[string]zonegis.GroupFigures, boardNames map[string]string, minShare float64) []GroupStats {
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
		if !slices.Contains(g.boards, z.BoardID) {
			g.boards = append(g.boards, z.BoardID)
		}
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
		a := groups[g.Key]
		g.AreaHa, g.GreenHa = a.AreaM2/1e4, a.GreenM2/1e4
		g.capital.lessees, g.capital.maxUSD = a.Lessees, a.CapitalMaxUSD
		g.OccupancyPct = ratioPct(g.LeasedHa, g.LeasableHa)
		g.GreenCoveragePct = ratioPct(a.GreenM2, a.AreaM2)
		g.GreenCompliant = complies(a.GreenM2, a.AreaM2, minShare)
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

// checkBoard checks that board, when given, is a board's id. Errors:
// EINVALID when no board has it.
func (s *Service) checkBoard(ctx context.Context, board string) error {
	if board == "" {
		return nil
	}
	ok, err := s.store.BoardExists(ctx, board)
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	if !ok {
		return zonegis.Errorf(zonegis.EINVALID, "board: no board %q", board)
	}
	return nil
}

// resolveProvince returns the province as the zones spell it, matching
// case- and diacritic-insensitively ("hai phong" finds "Hải Phòng").
// Errors: EINVALID when no zone lies in it.
func (s *Service) resolveProvince(ctx context.Context, p string) (string, error) {
	names, err := s.store.Provinces(ctx)
	if err != nil {
		return "", fmt.Errorf("stats: provinces: %w", err)
	}
	want := vntext.Fold(p)
	for _, name := range names {
		if vntext.Fold(name) == want {
			return name, nil
		}
	}
	return "", zonegis.Errorf(zonegis.EINVALID, "province: no zone lies in province %q", p)
}
