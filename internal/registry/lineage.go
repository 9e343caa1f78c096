package registry

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// MaxSplitLots bounds the lots one split may make, and the parcels one
// merge may take.
const MaxSplitLots = 100

// LineageStore splits and merges parcels. Each write returns the
// change-log seq it was recorded at.
type LineageStore interface {
	// SplitParcel cuts parcel id along line into one new parcel per lot
	// and retires it. Errors: ENOTFOUND, EPRECONDITION, EINVALID (the
	// line does not cut the parcel into exactly len(lots) pieces, a
	// piece too small, a lot code taken), ECONFLICT (reserved or leased).
	SplitParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64, line orb.LineString, lots []zonegis.SplitLot) ([]*zonegis.Parcel, int64, error)
	// MergeParcels makes adjacent parcels of one zone one new parcel and
	// retires them. Errors: ENOTFOUND, EINVALID (different zones or land
	// uses, not adjacent, lot code taken), ECONFLICT (reserved or leased).
	MergeParcels(ctx context.Context, a zonegis.Actor, ids []int64, lotCode, landUse string) (*zonegis.Parcel, int64, error)
}

var _ LineageStore = (*postgis.DB)(nil)

// Lineage splits and merges parcels: it checks what a request must be
// before it reaches the store, which holds the geometry's rules.
type Lineage struct {
	Store LineageStore
	// Boards finds the parcels' boards (IndexBoards); without it only
	// callers who may write every board may split or merge.
	Boards BoardFinder
}

// Split cuts parcel id, whose version must be ifVersion unless that is 0,
// along line (raw GeoJSON, a LineString) into one new parcel per lot
// (their codes and land uses trimmed of spaces) and returns them and the
// change-log seq. Errors: EINVALID listing every problem of the line and
// the lots (2 to MaxSplitLots, each with a distinct lot code of at most
// 64 bytes and, if given, a known land use), then the store's.
func (l Lineage) Split(ctx context.Context, a zonegis.Actor, id, ifVersion int64, line json.RawMessage, lots []zonegis.SplitLot) ([]*zonegis.Parcel, int64, error) {
	if err := authorizeRecords(ctx, l.Boards, a, WriteRecords, zonegis.CollectionParcels, id); err != nil {
		return nil, 0, err
	}
	ls, lineErr := DecodeLine(line)
	var p zonegis.Problems
	if lineErr != nil {
		p.Add("%s", zonegis.ErrorMessage(lineErr))
	}
	trimmed := make([]zonegis.SplitLot, len(lots))
	for i, lot := range lots {
		trimmed[i] = zonegis.SplitLot{LotCode: strings.TrimSpace(lot.LotCode), LandUse: strings.TrimSpace(lot.LandUse)}
	}
	checkLots(&p, trimmed)
	if err := p.Err(); err != nil {
		return nil, 0, err
	}
	return l.Store.SplitParcel(ctx, a, id, ifVersion, ls, trimmed)
}

// checkLots checks the lots of a split: 2 to MaxSplitLots, each with a
// distinct lot code and, if given, a known land use.
func checkLots(p *zonegis.Problems, lots []zonegis.SplitLot) {
	if len(lots) < 2 || len(lots) > MaxSplitLots {
		p.Add("lots: want 2 to %d lots, one per piece the line cuts, got %d", MaxSplitLots, len(lots))
	}
	seen := map[string]int{}
	for i, l := range lots {
		switch {
		case l.LotCode == "":
			p.Add("lots[%d].lot_code is required", i)
		case len(l.LotCode) > 64:
			p.Add("lots[%d].lot_code is longer than 64 characters", i)
		}
		if j, dup := seen[l.LotCode]; dup && l.LotCode != "" {
			p.Add("lots[%d].lot_code %q is also lots[%d]'s; lot codes must differ", i, l.LotCode, j)
		} else {
			seen[l.LotCode] = i
		}
		p.Enum("lots["+strconv.Itoa(i)+"].land_use", l.LandUse, zonegis.LandUses)
	}
}

// DecodeLine reads the GeoJSON LineString a split cuts along: 2 to
// featurejson.MaxFeatureVertices finite positions in lon/lat degrees.
// Errors: EINVALID naming the line and the position.
func DecodeLine(raw json.RawMessage) (orb.LineString, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, invalid("line: a GeoJSON LineString to cut along is required")
	}
	g, err := featurejson.DecodeGeoJSON(raw, "line", "LineString")
	if err != nil {
		return nil, err
	}
	ls := g.(orb.LineString)
	if len(ls) < 2 {
		return nil, invalid("line: a LineString needs at least 2 positions, got %d", len(ls))
	}
	if len(ls) > featurejson.MaxFeatureVertices {
		return nil, invalid("line: %d positions, more than the %d allowed", len(ls), featurejson.MaxFeatureVertices)
	}
	for k, pt := range ls {
		if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.IsInf(pt[0], 0) || math.IsInf(pt[1], 0) {
			return nil, invalid("line: position %d is not a finite number", k)
		}
		if pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
			return nil, invalid("line: position %d [%v, %v] is outside lon [-180, 180] / lat [-90, 90]", k, pt[0], pt[1])
		}
	}
	return ls, nil
}

// Merge makes parcels ids (2 to MaxSplitLots, each once), adjacent parcels
// of one zone, one new parcel with lotCode and landUse (both trimmed of
// spaces; "" keeps the parents' land use) and retires them. It returns the
// new parcel, the retired ids in ascending order and the change-log seq.
// Errors: EINVALID listing every problem of the request, then the store's.
func (l Lineage) Merge(ctx context.Context, a zonegis.Actor, ids []int64, lotCode, landUse string) (*zonegis.Parcel, []int64, int64, error) {
	if err := authorizeRecords(ctx, l.Boards, a, WriteRecords, zonegis.CollectionParcels, ids...); err != nil {
		return nil, nil, 0, err
	}
	lotCode, landUse = strings.TrimSpace(lotCode), strings.TrimSpace(landUse)
	var p zonegis.Problems
	retired := slices.Clone(ids)
	slices.Sort(retired)
	if retired = slices.Compact(retired); len(retired) != len(ids) {
		p.Add("ids: each parcel may appear once")
	}
	if len(ids) < 2 || len(ids) > MaxSplitLots {
		p.Add("ids: want 2 to %d parcel ids, got %d", MaxSplitLots, len(ids))
	}
	for i, id := range ids {
		if id < 1 {
			p.Add("ids[%d]: %d is not a parcel id", i, id)
		}
	}
	p.Required("lot_code", lotCode)
	if len(lotCode) > 64 {
		p.Add("lot_code is longer than 64 characters")
	}
	p.Enum("land_use", landUse, zonegis.LandUses)
	if err := p.Err(); err != nil {
		return nil, nil, 0, err
	}
	child, seq, err := l.Store.MergeParcels(ctx, a, ids, lotCode, landUse)
	if err != nil {
		return nil, nil, 0, err
	}
	return child, retired, seq, nil
}

// LineageOf returns the parcels that parcel id was split or merged from
// and those made from it (empty, not nil, when none), for a parcel that
// is live or has a lineage. Errors: ENOTFOUND for a parcel neither live
// nor in any lineage, then the store's.
func LineageOf(ctx context.Context, st zonegis.LineageReader, id int64, live bool) (parents, children []zonegis.Link, err error) {
	if parents, children, err = st.Lineage(ctx, id); err != nil {
		return nil, nil, err
	}
	if !live && len(parents) == 0 && len(children) == 0 {
		return nil, nil, zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	}
	if parents == nil {
		parents = []zonegis.Link{}
	}
	if children == nil {
		children = []zonegis.Link{}
	}
	return parents, children, nil
}

// SplitJSON decodes body, {"lots": [{"lot_code", "land_use"}, ...],
// "line": <GeoJSON LineString>} (strictly), and splits parcel id as
// Split does.
func (l Lineage) SplitJSON(ctx context.Context, a zonegis.Actor, id, ifVersion int64, body []byte) ([]*zonegis.Parcel, int64, error) {
	var r struct {
		Lots []struct {
			LotCode string `json:"lot_code"`
			LandUse string `json:"land_use"`
		} `json:"lots"`
		Line json.RawMessage `json:"line"`
	}
	if err := featurejson.DecodeStrict(body, &r, "body"); err != nil {
		return nil, 0, err
	}
	lots := make([]zonegis.SplitLot, len(r.Lots))
	for i, lot := range r.Lots {
		lots[i] = zonegis.SplitLot{LotCode: lot.LotCode, LandUse: lot.LandUse}
	}
	return l.Split(ctx, a, id, ifVersion, r.Line, lots)
}

// MergeJSON decodes body, {"ids": [..], "lot_code": "...", "land_use":
// optional} (strictly), and merges the parcels as Merge does.
func (l Lineage) MergeJSON(ctx context.Context, a zonegis.Actor, body []byte) (*zonegis.Parcel, []int64, int64, error) {
	var r struct {
		IDs     []int64 `json:"ids"`
		LotCode string  `json:"lot_code"`
		LandUse string  `json:"land_use"`
	}
	if err := featurejson.DecodeStrict(body, &r, "body"); err != nil {
		return nil, nil, 0, err
	}
	return l.Merge(ctx, a, r.IDs, r.LotCode, r.LandUse)
}
