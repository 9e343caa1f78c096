package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// MaxImportBytes bounds an import body.
const MaxImportBytes = 256 << 20

// ParseImport decodes a GeoJSON FeatureCollection for collection into
// domain items, checking every feature; it returns the good items with
// their positions and a problem for each bad feature.
func ParseImport(collection string, body []byte) (items []any, positions []int, probs []postgis.ImportProblem, err error) {
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(body, &fc); err != nil {
		return nil, nil, nil, invalid("body is not valid JSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, nil, nil, invalid("body: want a GeoJSON FeatureCollection, got type %q", fc.Type)
	}
	if len(fc.Features) == 0 {
		return nil, nil, nil, invalid("body: the FeatureCollection has no features")
	}
	for i, raw := range fc.Features {
		it, err := parseNew(collection, raw)
		if err != nil {
			probs = append(probs, postgis.ImportProblem{Index: i, Code: zonegis.ErrorCode(err), Reason: zonegis.ErrorMessage(err)})
			continue
		}
		items, positions = append(items, it), append(positions, i)
	}
	return items, positions, probs, nil
}

// parseNew decodes one feature into a new domain item of collection.
func parseNew(collection string, raw []byte) (any, error) {
	doc, geom, err := decodeFeature(raw, false)
	if err != nil {
		return nil, err
	}
	props := doc.Properties
	if len(props) == 0 || string(props) == "null" {
		props = []byte("{}")
	}
	switch collection {
	case zonegis.CollectionZones:
		var p zoneProps
		if err := strictDecode(props, &p, "properties"); err != nil {
			return nil, err
		}
		z := &zonegis.Zone{Boundary: geom}
		return z, applyZone(z, p)
	case zonegis.CollectionParcels:
		var p parcelProps
		if err := strictDecode(props, &p, "properties"); err != nil {
			return nil, err
		}
		if err := checkParcelStatus(p.Status, true, ""); err != nil {
			return nil, err
		}
		pc := &zonegis.Parcel{Boundary: geom}
		return pc, applyParcel(pc, p)
	case zonegis.CollectionGreenAreas:
		var p greenProps
		if err := strictDecode(props, &p, "properties"); err != nil {
			return nil, err
		}
		g := &zonegis.GreenArea{Boundary: geom}
		return g, applyGreen(g, p)
	}
	return nil, errNoSuchCollection
}

// ImportFile runs a whole import: parse, check and write all or nothing. The
// error is EINVALID with every problem listed in Details["problems"]
// ([]postgis.ImportProblem). It returns the change-log seq and the count.
func ImportFile(ctx context.Context, db *postgis.DB, actor zonegis.Actor, collection string, body []byte) (int64, int, error) {
	items, positions, probs, err := ParseImport(collection, body)
	if err != nil {
		return 0, 0, err
	}
	var seq int64
	if len(items) > 0 {
		if len(probs) > 0 {
			// Some features are refused already: the rest are only
			// checked, so their problems are reported and nothing is written.
			err = db.CheckImport(ctx, collection, items)
		} else {
			seq, err = db.Import(ctx, actor, collection, items)
		}
		var ie *postgis.ImportError
		if errors.As(err, &ie) {
			for _, p := range ie.Problems {
				p.Index = positions[p.Index]
				probs = append(probs, p)
			}
		} else if err != nil {
			return 0, 0, err
		}
	}
	if len(probs) > 0 {
		sort.Slice(probs, func(i, j int) bool { return probs[i].Index < probs[j].Index })
		return 0, 0, &zonegis.Error{Code: zonegis.EINVALID,
			Message: importRefused(len(probs)),
			Details: map[string]any{"problems": probs}}
	}
	return seq, len(items), nil
}

func (s *Server) handleImport() echo.HandlerFunc {
	return func(c echo.Context) error {
		coll := c.Param("collection")
		if !knownCollection(coll) {
			return errNoSuchCollection
		}
		if err := checkNoParams(c); err != nil {
			return err
		}
		body, err := readBodyLimit(c, MaxImportBytes)
		if err != nil {
			return err
		}
		seq, n, err := ImportFile(c.Request().Context(), s.db, actorOf(c), coll, body)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		return writeJSON(c, http.StatusCreated, mimeJSON, map[string]any{"imported": n, "collection": coll})
	}
}

func importRefused(n int) string {
	if n == 1 {
		return "import refused: 1 feature has a problem; nothing was written"
	}
	return fmt.Sprintf("import refused: %d features have problems; nothing was written", n)
}
