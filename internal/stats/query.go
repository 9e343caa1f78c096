package stats

import (
	"strconv"

	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/vntext"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// What the parameters of the statistics mean, read from their text by
// the transports. Each error is zonegis.EINVALID and names the parameter.

// ZoneFilterParams are the parameters of a ZoneFilter.
var ZoneFilterParams = []string{"board", "province", "kind"}

// ZoneFilter keeps the zones of a board (its id, exactly), a province
// (ignoring case and diacritics) and a kind (one of zonegis.ZoneKinds);
// "" for any.
type ZoneFilter struct{ Board, Province, Kind string }

// ParseZoneFilter reads a ZoneFilter with get (the text of a parameter,
// "" when absent).
func ParseZoneFilter(get func(name string) string) (ZoneFilter, error) {
	kind, err := catalog.Enum("kind", get("kind"), zonegis.ZoneKinds)
	return ZoneFilter{Board: get("board"), Province: get("province"), Kind: kind}, err
}

// Keep returns the zones of zs the filter keeps, in their order, in zs's
// own array.
func (f ZoneFilter) Keep(zs []ZoneStats) []ZoneStats {
	province := vntext.Fold(f.Province)
	keep := zs[:0]
	for _, z := range zs {
		if (f.Board == "" || z.BoardID == f.Board) && (f.Province == "" || vntext.Fold(z.Province) == province) &&
			(f.Kind == "" || z.Kind == f.Kind) {
			keep = append(keep, z)
		}
	}
	return keep
}

// LeasingParams are the parameters of a LeasingQuery.
var LeasingParams = []string{"by", "board", "province", "from", "to"}

// ParseLeasingQuery reads a LeasingQuery with get: by (year or quarter),
// board, province, and from and to (years from 1900 to 2200).
func ParseLeasingQuery(get func(name string) string) (LeasingQuery, error) {
	q := LeasingQuery{By: get("by"), Board: get("board"), Province: get("province")}
	if _, err := catalog.Enum("by", q.By, []string{"year", "quarter"}); err != nil {
		return q, err
	}
	for _, year := range []struct {
		name string
		dst  *int
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := get(year.name); v != "" {
			y, err := strconv.Atoi(v)
			if err != nil || y < 1900 || y > 2200 {
				return q, zonegis.Errorf(zonegis.EINVALID, "%s: want a year from 1900 to 2200, got %q", year.name, v)
			}
			*year.dst = y
		}
	}
	return q, nil
}
