package featurejson

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// The GeoJSON decoder as it was before geojsonscan.go (encoding/json, then
// exactNames and a count of the numbers in each position), kept verbatim
// as the oracle that FuzzGeoJSONDecoder and TestGeoJSONDecoderCorpus
// compare the one-pass decoder with.

// oldReadPolygon was ReadPolygon.
func oldReadPolygon(body []byte) (orb.MultiPolygon, error) {
	type probe struct {
		Type     string          `json:"type"`
		Geometry json.RawMessage `json:"geometry"`
	}
	var pr probe
	if err := json.Unmarshal(body, &pr); err != nil {
		return nil, invalid("body is not valid JSON: %v", err)
	}
	if err := exactNames(body, reflect.TypeFor[probe](), "body"); err != nil {
		return nil, err
	}
	raw, what := body, "body"
	if pr.Type == "Feature" {
		if len(pr.Geometry) == 0 || string(pr.Geometry) == "null" {
			return nil, invalid("body: the Feature has no geometry")
		}
		raw, what = pr.Geometry, "geometry"
	}
	mp, err := oldDecodePolygonal(raw, what)
	if err != nil {
		return nil, err
	}
	return mp, CheckPolygon(mp)
}

// oldDecodePolygonal was decodePolygonal.
func oldDecodePolygonal(raw []byte, what string) (orb.MultiPolygon, error) {
	g, err := oldDecodeGeoJSON(raw, what, "Polygon", "MultiPolygon")
	if err != nil {
		return nil, err
	}
	if p, ok := g.(orb.Polygon); ok {
		return orb.MultiPolygon{p}, nil
	}
	return g.(orb.MultiPolygon), nil
}

// oldGeometryDoc is a GeoJSON geometry object as posted; other members
// (bbox, foreign members) are ignored.
type oldGeometryDoc struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// oldDecodeGeoJSON was DecodeGeoJSON: it read a GeoJSON geometry of one of the types want
// (Polygon, MultiPolygon, LineString): member names exactly as GeoJSON
// spells them, and every position of 2 numbers (lon, lat) or 3 (a height,
// ignored). encoding/json alone would read [] as [0, 0] and [106] as
// [106, 0], since a position decodes into an array of two.
func oldDecodeGeoJSON(raw []byte, what string, want ...string) (orb.Geometry, error) {
	var doc oldGeometryDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, invalid("%s: not a GeoJSON geometry: %v", what, err)
	}
	if err := exactNames(raw, reflect.TypeFor[oldGeometryDoc](), what); err != nil {
		return nil, err
	}
	if !slices.Contains(want, doc.Type) {
		return nil, invalid("%s: want a %s, got %s", what, strings.Join(want, " or "), typeName(doc.Type))
	}
	if len(doc.Coordinates) == 0 || string(doc.Coordinates) == "null" {
		return nil, invalid("%s: a %s needs coordinates", what, doc.Type)
	}
	var g orb.Geometry
	var depth int // of the arrays that are positions
	var err error
	switch doc.Type {
	case "LineString":
		var ls orb.LineString
		err, g, depth = json.Unmarshal(doc.Coordinates, &ls), ls, 2
	case "Polygon":
		var p orb.Polygon
		err, g, depth = json.Unmarshal(doc.Coordinates, &p), p, 3
	case "MultiPolygon":
		var mp orb.MultiPolygon
		err, g, depth = json.Unmarshal(doc.Coordinates, &mp), mp, 4
	}
	if err != nil {
		return nil, invalid("%s: the coordinates are not those of a %s: %v", what, doc.Type, err)
	}
	if err := oldCheckPositions(doc.Coordinates, depth, what); err != nil {
		return nil, err
	}
	return g, nil
}

// checkPositions checks that every array at depth (1 for the outermost) of
// coords, which decoded into arrays of numbers already, holds 2 or 3
// numbers, and names the first that does not.
func oldCheckPositions(coords []byte, depth int, what string) error {
	var idx [5]int // element index in the array at each depth
	d, commas, seen := 0, 0, false
	for _, c := range coords {
		switch c {
		case '[':
			d++
			if d < len(idx) {
				idx[d] = 0
			}
			if d == depth {
				commas, seen = 0, false
			}
		case ',':
			if d == depth {
				commas++
			} else if d > 0 && d < len(idx) {
				idx[d]++
			}
		case ']':
			if d == depth {
				n := 0
				if seen {
					n = commas + 1
				}
				if n < 2 || n > 3 {
					return invalid("%s: %s is %s; a position is [lon, lat] (or [lon, lat, height])", what, positionName(idx[1:depth], depth), numbers(n))
				}
			}
			d--
		case ' ', '\t', '\n', '\r':
		default:
			if d == depth {
				seen = true
			}
		}
	}
	return nil
}
