package catalog

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/vntext"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Query is what a search keeps, parsed from a request's filters by
// Collection.Parse (whose Query of no filters keeps every feature).
//
// The filters, each "" (or absent) for any:
//   - bbox: a box in CRS84 (ParseBBox), or latitude first with
//     bbox-crs EPSG:4326 (minLat,minLon,maxLat,maxLon); features whose
//     geometry intersects it.
//   - zone: a zone's id or code (index.Snapshot.ZoneByRef); its parcels
//     or green areas.
//   - board: the zone's managing board id, exactly; province: the zone's
//     province ignoring case and diacritics ("Đồng Nai" is "dong nai").
//     For parcels and green areas they apply to the feature's zone.
//   - kind, status, land_use, model: one of the collection's values
//     (zonegis.ZoneKinds, ...), exactly.
//   - parent: a zone's id or code; the zones inside it (ParentID).
//   - q: text found in the zone's Vietnamese name, English name or code,
//     ignoring case and diacritics (vntext.Fold).
//   - min_area_ha, max_area_ha: the feature's area in hectares, inclusive.
//   - attributes.NAME=TEXT: the feature's attribute NAME (exactly as
//     named) has the text TEXT, compared exactly: a string's characters, a
//     number or boolean as stored (PostgreSQL's attributes->>'NAME' = TEXT;
//     a null or missing attribute never matches). Several AND together; at
//     most MaxAttributeFilters.
//   - datetime: an instant or an interval (ParseDatetime); each
//     collection's features have their own time (see TimeMeaning).
type Query struct {
	// Bounds is the bbox: a feature is kept when its geometry intersects
	// one of them (two when a box crosses the antimeridian). Nil: no bbox.
	Bounds []orb.Bound

	zoneID, parentID             int64
	board, province              string // province folded
	kind, status, landUse, model string
	text                         string // folded
	minM2, maxM2                 float64
	zones                        map[int64]bool // zones of board and province, for parcels and green areas; nil: any
	attrs                        []attrEq       // in name order
	filter                       filter         // the CQL2 filter (a *cql2.Program[T]), nil for none
	when                         Interval       // datetime; the zero Interval: any time
	sort                         []sortKey      // sortby; nil: id order

	// Properties are the properties the features keep (properties=; id
	// and geometry always stay), nil for all of them.
	Properties []string
}

// The attribute filters' parameters: AttributesPrefix and the name of an
// attribute. AttributesFilter stands for them in a collection's Filters.
const (
	AttributesPrefix    = "attributes."
	AttributesFilter    = "attributes.KEY"
	MaxAttributeFilters = 8
)

// attrEq is one attribute filter: attribute key has the text value.
type attrEq struct{ key, value string }

// IsAttributeFilter reports whether a parameter name is an attribute
// filter's (AttributesPrefix and anything).
func IsAttributeFilter(name string) bool { return strings.HasPrefix(name, AttributesPrefix) }

// parseAttributes reads the attribute filters among params.
func parseAttributes(params url.Values) ([]attrEq, error) {
	var out []attrEq
	for name, vs := range params {
		if !IsAttributeFilter(name) {
			continue
		}
		key := name[len(AttributesPrefix):]
		switch {
		case key == "":
			return nil, invalid("%s: name an attribute after %q, as in attributes.MDSD=SKC", name, AttributesPrefix)
		case len(key) > zonegis.MaxAttributeKeyBytes:
			return nil, invalid("%.60s…: an attribute name is at most %d bytes", name, zonegis.MaxAttributeKeyBytes)
		case len(vs) != 1:
			return nil, invalid("%s: given %d times; give each attribute filter once", name, len(vs))
		}
		out = append(out, attrEq{key: key, value: vs[0]})
	}
	if len(out) > MaxAttributeFilters {
		return nil, invalid("attributes: %d attribute filters, more than the %d allowed", len(out), MaxAttributeFilters)
	}
	slices.SortFunc(out, func(a, b attrEq) int { return strings.Compare(a.key, b.key) })
	return out, nil
}

// matchAttributes reports whether a passes q's attribute filters.
func (q *Query) matchAttributes(a zonegis.Attributes) bool {
	for _, f := range q.attrs {
		if !a.Has(f.key, f.value) {
			return false
		}
	}
	return true
}

// Parse reads c's filters from params (a request's query: each name once;
// others than c's filters are ignored, the transport refuses them) into a
// Query against the zones of s. Its errors are zonegis.EINVALID and name
// the parameter.
func (c *Collection[T]) Parse(s *index.Snapshot, params url.Values) (Query, error) {
	q := Query{minM2: 0, maxM2: math.Inf(1)}
	get := params.Get
	has := func(name string) bool { return slices.Contains(c.filters, name) }
	boxCRS, err := crs.ParseFeatures("bbox-crs", get("bbox-crs"))
	if err != nil {
		return q, err
	}
	mercator := boxCRS.EPSG == crs.WebMercator.EPSG
	if !boxCRS.IsCRS84() && !mercator {
		return q, invalid("bbox-crs: %s is a crs of the answers; a bbox is taken in %s, latitude first in %s, or in %s", boxCRS.URI, CRS84, crs.EPSG4326, crs.WebMercator.URI)
	}
	if q.when, err = ParseDatetime(get("datetime")); err != nil {
		return q, err
	}
	if has(AttributesFilter) {
		if q.attrs, err = parseAttributes(params); err != nil {
			return q, err
		}
	}
	if v := get("bbox"); v != "" {
		if boxCRS.LatFirst {
			v = latFirstBBox(v)
		} else if mercator {
			if v, err = mercatorBBox(v); err != nil {
				return q, err
			}
		}
		if q.Bounds, err = ParseBBox(v); err != nil {
			return q, err
		}
	}
	if err := parseFilter(&q, params, c.queryables); err != nil {
		return q, err
	}
	if v, ok := params["sortby"]; ok {
		if q.sort, err = c.parseSortBy(v[0]); err != nil {
			return q, err
		}
	}
	if v, ok := params["properties"]; ok {
		if q.Properties, err = c.parseProperties(v[0]); err != nil {
			return q, err
		}
	}
	if has("kind") {
		if q.kind, err = Enum("kind", get("kind"), c.kinds); err != nil {
			return q, err
		}
	}
	if has("status") {
		if q.status, err = Enum("status", get("status"), c.statuses); err != nil {
			return q, err
		}
	}
	if has("land_use") {
		if q.landUse, err = Enum("land_use", get("land_use"), zonegis.LandUses); err != nil {
			return q, err
		}
	}
	if has("model") {
		if q.model, err = Enum("model", get("model"), zonegis.ZoneModels); err != nil {
			return q, err
		}
	}
	if q.minM2, q.maxM2, err = AreaRangeHa(get("min_area_ha"), get("max_area_ha")); err != nil {
		return q, err
	}
	if v := get("parent"); v != "" && has("parent") {
		z, err := ResolveZone(s, v)
		if err != nil {
			return q, invalid("parent: %s", zonegis.ErrorMessage(err))
		}
		q.parentID = z.ID
	}
	if has("board") {
		q.board = get("board")
	}
	if has("province") {
		if v := get("province"); v != "" {
			q.province = vntext.Fold(v)
		}
	}
	if has("q") {
		q.text = vntext.Fold(get("q"))
	}
	if has("zone") {
		q.zones = zonesOf(s, q.board, q.province)
		if v := get("zone"); v != "" {
			z, err := ResolveZone(s, v)
			if err != nil {
				return q, err
			}
			q.zoneID = z.ID
		}
	}
	return q, nil
}

// latFirstBBox rewrites a bbox given latitude first (EPSG:4326's axis
// order) longitude first, the 4 or 6 numbers' text as given; any other
// count is left for ParseBBox to refuse.
func latFirstBBox(v string) string {
	p := strings.Split(v, ",")
	switch len(p) {
	case 4:
		p[0], p[1], p[2], p[3] = p[1], p[0], p[3], p[2]
	case 6:
		p[0], p[1], p[3], p[4] = p[1], p[0], p[4], p[3]
	}
	return strings.Join(p, ",")
}

// mercatorBBox turns a bbox in EPSG:3857 metres into the same box in
// CRS84 degrees. The Pseudo-Mercator's easting depends on longitude alone
// and its northing on latitude alone, so a box's corners map to the box
// exactly (no densifying): λ = x/R, φ = 2·atan(e^(y/R)) − π/2.
func mercatorBBox(v string) (string, error) {
	p := strings.Split(v, ",")
	if len(p) != 4 && len(p) != 6 {
		return v, nil // ParseBBox says what is wrong
	}
	const r = 6378137.0
	for i, s := range p {
		if len(p) == 6 && i%3 == 2 {
			continue // a height
		}
		f, err := Finite("bbox", s)
		if err != nil {
			return "", err
		}
		deg := f / r * 180 / math.Pi
		if (len(p) == 4 && i%2 == 1) || (len(p) == 6 && i%3 == 1) {
			deg = (2*math.Atan(math.Exp(f/r)) - math.Pi/2) * 180 / math.Pi
		}
		p[i] = strconv.FormatFloat(deg, 'f', -1, 64)
	}
	return strings.Join(p, ","), nil
}

// ofBoard reports whether z passes the board and province filters
// (province folded).
func ofBoard(z *zonegis.Zone, board, province string) bool {
	return (board == "" || z.BoardID == board) && (province == "" || vntext.Fold(z.Province) == province)
}

// zonesOf returns the ids of the zones of board and province, or nil
// when neither is given.
func zonesOf(s *index.Snapshot, board, province string) map[int64]bool {
	if board == "" && province == "" {
		return nil
	}
	set := map[int64]bool{}
	s.AscendZones(0, func(z *zonegis.Zone) bool {
		if ofBoard(z, board, province) {
			set[z.ID] = true
		}
		return true
	})
	return set
}

// matchZone reports whether z passes q's filters.
func (q *Query) matchZone(z *zonegis.Zone) bool {
	return (q.kind == "" || z.Kind == q.kind) && (q.status == "" || z.Status == q.status) && q.matchAttributes(z.Attributes) &&
		(q.model == "" || z.Model == q.model) && ofBoard(z, q.board, q.province) &&
		(q.parentID == 0 || (z.ParentID != nil && *z.ParentID == q.parentID)) &&
		z.AreaM2 >= q.minM2 && z.AreaM2 <= q.maxM2 && q.zoneTime(z) &&
		(q.text == "" || strings.Contains(vntext.Fold(z.NameVI+" "+z.NameEN+" "+z.Code), q.text))
}

// zoneTime reports whether z passes q's datetime: its established day
// or its last update (UpdatedAt) falls in the interval.
func (q *Query) zoneTime(z *zonegis.Zone) bool {
	if !q.when.set {
		return true
	}
	return (z.Established != nil && q.when.Overlaps(*z.Established, z.Established.AddDate(0, 0, 1))) || q.when.Contains(z.UpdatedAt)
}

// parcelTime reports whether p passes q's datetime: its valid time, from
// ValidFrom (or always) to RetiredAt (or still), meets the interval.
func (q *Query) parcelTime(p *zonegis.Parcel) bool {
	if !q.when.set {
		return true
	}
	var from, to time.Time
	if p.ValidFrom != nil {
		from = *p.ValidFrom
	}
	if p.RetiredAt != nil {
		to = *p.RetiredAt
	}
	return q.when.Overlaps(from, to)
}

// inBoxes reports whether a geometry passes q's bbox: it intersects one
// of the boxes (measure.IntersectsBound, the rule the index's
// ...IntersectingBound searches by), or there is no bbox.
func (q *Query) inBoxes(mp orb.MultiPolygon) bool {
	if q.Bounds == nil {
		return true
	}
	for _, b := range q.Bounds {
		if measure.IntersectsBound(mp, b) {
			return true
		}
	}
	return false
}

// ResolveZone finds a zone by id or by code (index.Snapshot.ZoneByRef) or
// says, as zonegis.EINVALID, which it could not find.
func ResolveZone(s *index.Snapshot, v string) (*zonegis.Zone, error) {
	if z, ok := s.ZoneByRef(v); ok {
		return z, nil
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		return nil, invalid("zone: no zone with id %d", id)
	}
	return nil, invalid("zone: no zone with code %q", v)
}

// Finite parses a finite number, or says (zonegis.EINVALID) that the
// parameter name is not one.
func Finite(name, s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, invalid("%s: %q is not a finite number", name, s)
	}
	return f, nil
}

// Enum checks that s is one of allowed ("" passes).
func Enum(name, s string, allowed []string) (string, error) {
	if s == "" || slices.Contains(allowed, s) {
		return s, nil
	}
	return "", invalid("%s: %q is not one of %s", name, s, strings.Join(allowed, ", "))
}

// AreaRangeHa parses min_area_ha and max_area_ha (hectares, "" for no
// bound) into square metres: [0, +Inf) when neither is given.
func AreaRangeHa(minHa, maxHa string) (minM2, maxM2 float64, err error) {
	minM2, maxM2 = 0, math.Inf(1)
	if minHa != "" {
		v, err := Finite("min_area_ha", minHa)
		if err != nil {
			return 0, 0, err
		}
		if v < 0 {
			return 0, 0, invalid("min_area_ha: must not be negative")
		}
		minM2 = v * 10000
	}
	if maxHa != "" {
		v, err := Finite("max_area_ha", maxHa)
		if err != nil {
			return 0, 0, err
		}
		if v < 0 {
			return 0, 0, invalid("max_area_ha: must not be negative")
		}
		maxM2 = v * 10000
	}
	if minM2 > maxM2 {
		return 0, 0, invalid("min_area_ha %v is greater than max_area_ha %v", minM2/10000, maxM2/10000)
	}
	return minM2, maxM2, nil
}

// CRS84 is longitude and latitude on WGS 84, the CRS of every geometry
// the collections hold and of bbox.
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

func invalid(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}
