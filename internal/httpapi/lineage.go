package httpapi

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// MaxSplitLots bounds the lots one split may make.
const MaxSplitLots = 100

// handleSplit answers POST /parcels/{id}/split with
// {"lots": [{"lot_code": "A1-1"}, ...], "line": <GeoJSON LineString>}: the
// parcel is cut along the line into one new parcel per lot (pieces ordered
// west to east, then south to north) and retired. If-Match guards the
// parent's version. The answer is a FeatureCollection of the new parcels
// with the retired parcel's id in "retired".
func (s *Server) handleSplit() echo.HandlerFunc {
	type lot struct {
		LotCode string `json:"lot_code"`
		LandUse string `json:"land_use"`
	}
	type request struct {
		Lots []lot           `json:"lots"`
		Line json.RawMessage `json:"line"`
	}
	return func(c echo.Context) error {
		id, ifv, err := writeTarget(c)
		if err != nil {
			return err
		}
		var r request
		if err := decodeBody(c, &r); err != nil {
			return err
		}
		line, lineErr := decodeLine(r.Line)
		var p zonegis.Problems
		if lineErr != nil {
			p.Add("%s", zonegis.ErrorMessage(lineErr))
		}
		lots := make([]postgis.SplitLot, len(r.Lots))
		for i, l := range r.Lots {
			lots[i] = postgis.SplitLot{LotCode: strings.TrimSpace(l.LotCode), LandUse: strings.TrimSpace(l.LandUse)}
		}
		checkLots(&p, lots)
		if err := p.Err(); err != nil {
			return err
		}
		ctx := c.Request().Context()
		children, seq, err := s.db.SplitParcel(ctx, actorOf(c), id, ifv, line, lots)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		b := []byte(`{"type":"FeatureCollection","retired":[`)
		b = strconv.AppendInt(b, id, 10)
		b = append(b, `],"features":[`...)
		for i, ch := range children {
			if i > 0 {
				b = append(b, ',')
			}
			b = encode.Parcel(b, ch)
		}
		b = append(b, "]}"...)
		return writeBytes(c, http.StatusCreated, mimeGeoJSON, b)
	}
}

// checkLots checks the lots of a split: 2 to MaxSplitLots, each with a
// distinct lot code and, if given, a known land use.
func checkLots(p *zonegis.Problems, lots []postgis.SplitLot) {
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

// decodeLine reads the GeoJSON LineString a split cuts along.
func decodeLine(raw json.RawMessage) (orb.LineString, error) {
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

// handleMerge answers POST /parcels/merge with {"ids": [..], "lot_code":
// "...", "land_use": optional}: adjacent parcels of one zone become one new
// parcel (their union) and are retired. The answer is the new parcel, with
// its ETag and Location, and the retired ids in the Feature's "retired"
// member.
func (s *Server) handleMerge() echo.HandlerFunc {
	type request struct {
		IDs     []int64 `json:"ids"`
		LotCode string  `json:"lot_code"`
		LandUse string  `json:"land_use"`
	}
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		var r request
		if err := decodeBody(c, &r); err != nil {
			return err
		}
		r.LotCode, r.LandUse = strings.TrimSpace(r.LotCode), strings.TrimSpace(r.LandUse)
		var p zonegis.Problems
		ids := slices.Clone(r.IDs)
		slices.Sort(ids)
		if ids = slices.Compact(ids); len(ids) != len(r.IDs) {
			p.Add("ids: each parcel may appear once")
		}
		if len(r.IDs) < 2 || len(r.IDs) > MaxSplitLots {
			p.Add("ids: want 2 to %d parcel ids, got %d", MaxSplitLots, len(r.IDs))
		}
		for i, id := range r.IDs {
			if id < 1 {
				p.Add("ids[%d]: %d is not a parcel id", i, id)
			}
		}
		p.Required("lot_code", r.LotCode)
		if len(r.LotCode) > 64 {
			p.Add("lot_code is longer than 64 characters")
		}
		p.Enum("land_use", r.LandUse, zonegis.LandUses)
		if err := p.Err(); err != nil {
			return err
		}
		child, seq, err := s.db.MergeParcels(c.Request().Context(), actorOf(c), r.IDs, r.LotCode, r.LandUse)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		b := encode.Parcel(nil, child)
		// Add the retired ids as a foreign member of the Feature.
		b = append(b[:len(b)-1], `,"retired":[`...)
		for i, id := range ids {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, id, 10)
		}
		b = append(b, "]}"...)
		return sendWritten(c, http.StatusCreated, zonegis.CollectionParcels, child.ID, parcelTag(child), b)
	}
}

// handleLineage answers GET /parcels/{id}/lineage: the parcels a parcel was
// split or merged from and those made from it. It answers for retired
// parcels too, so a client holding an old id can find its successors.
func (s *Server) handleLineage() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		id, err := parseID(c.Param("id"))
		if err != nil {
			return err
		}
		parents, children, err := s.db.Lineage(c.Request().Context(), id)
		if err != nil {
			return err
		}
		_, live := s.ix.Snapshot().Parcel(id)
		if !live && len(parents) == 0 && len(children) == 0 {
			return notFound("no parcel with id %d", id)
		}
		if parents == nil {
			parents = []postgis.Link{}
		}
		if children == nil {
			children = []postgis.Link{}
		}
		return writeJSON(c, http.StatusOK, mimeJSON, map[string]any{
			"parcel_id": id, "current": live, "parents": parents, "children": children})
	}
}
