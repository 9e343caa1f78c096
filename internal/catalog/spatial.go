package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The spatial queries over every collection: what a polygon intersects (Collection.Intersecting,
// after PreparePolygon) and parcels to lease near a point (Sites).

// Bounds of the spatial queries.
const (
	MaxQueryVertices = featurejson.MaxPolygonVertices // vertices in a posted polygon
	DefaultRadiusM   = 5000.0                         // site search radius when none is given, metres
	MaxRadiusM       = 200000.                        // largest site search radius, metres
	DefaultSites     = 50
	MaxSites         = 1000
	MaxIntersectHits = 10000 // features per collection in an intersects answer
	// MaxQueryWork bounds the work of one intersects query, in
	// measure.Budget units (about one edge compared each, tens of ns): the
	// self-crossing check, indexing the polygon and every candidate's
	// test. Calibrated so that a request at the bound ends within about
	// 70 ms of work on a 2-core machine; decoding the JSON comes on top,
	// linear in the body (about 12 ms for 3 MB; the 8 MB bench body adds ~20 ms):
	// BenchmarkIntersectsWorst, BenchmarkDecodeBodyPolygon and the make
	// bench row "intersects, worst input within the limits" (< 200 ms).
	MaxQueryWork = 4_000_000
)

// Intersecting visits the features a prepared polygon intersects, with
// the area of the overlap in m², until fn returns false or the polygon's
// budget runs out (measure.ErrBudget) or is cancelled.
func (c *Collection[T]) Intersecting(s *index.Snapshot, pq *measure.Prepared, fn func(v *T, overlapM2 float64) bool) error {
	return c.k.intersecting(s, pq, fn)
}

// ParseCollections reads a list of collection names separated by commas
// ("" for all of them) into a set.
func ParseCollections(v string) (map[string]bool, error) {
	want := map[string]bool{}
	if v == "" {
		for _, name := range Names {
			want[name] = true
		}
		return want, nil
	}
	for _, name := range strings.Split(v, ",") {
		if !Known(name) {
			return nil, invalid("collections: unknown collection %q; choose from %s", name, strings.Join(Names, ", "))
		}
		want[name] = true
	}
	return want, nil
}

// PreparePolygon checks that a query polygon's edges do not cross
// (EINVALID, with the crossing's location) and indexes it for
// Intersecting, all charged to bud (see BudgetError).
func PreparePolygon(g orb.MultiPolygon, bud *measure.Budget) (*measure.Prepared, error) {
	i, p, ok, err := measure.SelfCrossing(g, bud)
	if err != nil {
		return nil, BudgetError(err, bud, g)
	}
	if ok {
		return nil, &zonegis.Error{Code: zonegis.EINVALID,
			Message: fmt.Sprintf("geometry: polygon %d is not valid: its edges cross at [%.7f, %.7f] (a bow-tie or a ring through another); draw it without crossings", i, p[0], p[1]),
			Details: map[string]any{"location": []float64{p[0], p[1]}}}
	}
	pq, err := measure.Prepare(g, bud)
	if err != nil {
		return nil, BudgetError(err, bud, g)
	}
	return pq, nil
}

// BudgetError says, as ETOOLARGE, that answering g took more work than
// bud allows when err is measure.ErrBudget; any other err is returned as
// it is (a cancelled request's context error).
func BudgetError(err error, bud *measure.Budget, g orb.MultiPolygon) error {
	if !errors.Is(err, measure.ErrBudget) {
		return err
	}
	return &zonegis.Error{Code: zonegis.ETOOLARGE,
		Message: fmt.Sprintf("geometry: answering this polygon (%d vertices) needs more than the %d units of work one request may take "+
			"(a unit is about one edge compared; long edges side by side, dense teeth over many features, or very many features in its bounds cost most); "+
			"send a smaller or simpler polygon, or split it into parts and query each", featurejson.VertexCount(g), bud.Limit()),
		Details: map[string]any{"work_limit": bud.Limit()}}
}

// SitesParams are the parameters of a site search.
var SitesParams = []string{"lon", "lat", "radius_m", "province", "region", "min_area_ha", "max_area_ha", "land_use", "status", "limit"}

// Sites is a search for parcels to lease: within RadiusM metres of Point
// (when one is given), in the zones of a province or region (when one is
// given; at least a point or one of them), of a status (available unless
// asked), a land use and an area range (hectares in the parameters), at
// most Limit of them: nearest first around a point, else largest first
// (ties in id order).
type Sites struct {
	Point           orb.Point
	HasPoint        bool
	RadiusM         float64
	Limit           int
	minM2, maxM2    float64
	landUse, status string
	// province is a province's code (crs.Province.Code), region a
	// region's (crs.Region.Code); "" for any.
	province, region string
}

// ParseSites reads a site search's parameters with get (the text of a
// parameter, "" when absent; SitesParams). province is a province's code
// or name in Vietnamese or English (crs.ForProvince), region one of
// crs.Regions' codes.
func ParseSites(get func(name string) string) (Sites, error) {
	q := Sites{RadiusM: DefaultRadiusM, Limit: DefaultSites, status: zonegis.ParcelAvailable}
	var err error
	if v := get("province"); v != "" {
		p, err := crs.ForProvince(v)
		if err != nil {
			return q, err
		}
		q.province = p.Code
	}
	if v := get("region"); v != "" {
		if crs.RegionByCode(v) == nil {
			var codes []string
			for _, r := range crs.Regions() {
				codes = append(codes, r.Code)
			}
			return q, invalid("region: %q is not one of %s", v, strings.Join(codes, ", "))
		}
		q.region = v
	}
	if get("lon") != "" || get("lat") != "" || (q.province == "" && q.region == "") {
		if q.Point, err = LonLat(get("lon"), get("lat")); err != nil {
			if q.province == "" && q.region == "" {
				return q, invalid("lon and lat are required, unless province or region is given")
			}
			return q, err
		}
		q.HasPoint = true
	}
	if v := get("radius_m"); v != "" {
		if q.RadiusM, err = Finite("radius_m", v); err != nil {
			return q, err
		}
		if q.RadiusM <= 0 || q.RadiusM > MaxRadiusM {
			return q, invalid("radius_m: want more than 0 and at most %v metres", MaxRadiusM)
		}
	}
	if q.minM2, q.maxM2, err = AreaRangeHa(get("min_area_ha"), get("max_area_ha")); err != nil {
		return q, err
	}
	if q.landUse, err = Enum("land_use", get("land_use"), zonegis.LandUses); err != nil {
		return q, err
	}
	if v := get("status"); v != "" {
		if q.status, err = Enum("status", v, zonegis.ParcelStatuses); err != nil {
			return q, err
		}
	}
	if v := get("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 || q.Limit > MaxSites {
			return q, invalid("limit: want a whole number from 1 to %d", MaxSites)
		}
	}
	return q, nil
}

// zones returns the ids of the zones in the search's province or region;
// nil for any zone.
func (q *Sites) zones(s *index.Snapshot) map[int64]bool {
	if q.province == "" && q.region == "" {
		return nil
	}
	in := map[int64]bool{}
	s.AscendZones(0, func(z *zonegis.Zone) bool {
		code := crs.ProvinceCode(z.Province)
		if code != "" && (q.province == "" || code == q.province) && (q.region == "" || crs.RegionOf(code) == q.region) {
			in[z.ID] = true
		}
		return true
	})
	return in
}

// Find calls fn for the first Limit parcels the search keeps, in its
// order, each with its distance from the point in metres (-1 without a
// point), and returns how many parcels it keeps in all (numberMatched).
func (q *Sites) Find(s *index.Snapshot, fn func(p *zonegis.Parcel, distanceM float64)) (matched int) {
	zones := q.zones(s)
	keep := func(p *zonegis.Parcel) bool {
		return p.Status == q.status && (q.landUse == "" || p.LandUse == q.landUse) && p.AreaM2 >= q.minM2 && p.AreaM2 <= q.maxM2 &&
			(zones == nil || zones[p.ZoneID])
	}
	if q.HasPoint {
		s.NearbyParcels(q.Point, q.RadiusM, keep, func(p *zonegis.Parcel, d float64) bool {
			if matched < q.Limit {
				fn(p, d)
			}
			matched++
			return true
		})
		return matched
	}
	var found []*zonegis.Parcel
	for id := range zones {
		s.ParcelsOfZone(id, func(p *zonegis.Parcel) bool {
			if keep(p) {
				found = append(found, p)
			}
			return true
		})
	}
	slices.SortFunc(found, func(a, b *zonegis.Parcel) int {
		if c := cmp.Compare(b.AreaM2, a.AreaM2); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, p := range found[:min(len(found), q.Limit)] {
		fn(p, -1)
	}
	return len(found)
}
