package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// MaxImportFeatureBytes bounds one feature of an import, with the blanks
// before it: what the decoder holds at a time. It is the bound of one
// written feature's body over HTTP (httpapi.MaxBodyBytes), 8 MiB.
const MaxImportFeatureBytes = 8 << 20

// MaxImportProblems bounds the problems an import report lists.
const MaxImportProblems = 1000

// ParseImport reads a GeoJSON FeatureCollection for collection from r one
// feature at a time, checking each: good calls good with the feature's
// position and its raw JSON, a bad one becomes a problem. Only the
// feature being read is held in memory. It stops at MaxImportProblems
// problems. Members other than type and features (name, crs) are skipped.
func ParseImport(collection string, r io.Reader, good func(i int, raw []byte) error) (n int, probs []zonegis.ImportProblem, err error) {
	errFull := errors.New("full")
	n, err = ReadFeatureCollection(r, func(i int, raw []byte) error {
		if _, err := ParseFeature(collection, raw); err != nil {
			probs = append(probs, zonegis.ImportProblem{Index: i, Code: zonegis.ErrorCode(err), Problem: zonegis.ProblemRead, Reason: zonegis.ErrorMessage(err)})
			if len(probs) >= MaxImportProblems {
				return errFull
			}
			return nil
		}
		return good(i, raw)
	})
	if errors.Is(err, errFull) {
		return probs[len(probs)-1].Index + 1, probs, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return n, probs, nil
}

// ReadFeatureCollection reads a GeoJSON FeatureCollection from r one
// feature at a time and calls feature with each one's 0-based position
// and raw JSON (the decoder's own copy: feature may keep it); only the
// feature being read is held in memory. An error from feature ends the
// reading and is returned. Members other than type and features (name,
// crs) are skipped. It returns the number of features.
func ReadFeatureCollection(r io.Reader, feature func(i int, raw []byte) error) (n int, err error) {
	win := &window{r: r, limit: MaxImportFeatureBytes}
	dec := json.NewDecoder(win)
	if err := wantDelim(dec, '{', "body is not valid JSON: want a GeoJSON FeatureCollection object"); err != nil {
		return 0, err
	}
	typ, features := "", false
	for {
		win.reset()
		if !dec.More() {
			break
		}
		tok, err := dec.Token()
		if err != nil {
			return 0, importReadError(err, "body")
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return 0, importReadError(err, "type")
			}
			if typ != "FeatureCollection" {
				return 0, invalid("body: want a GeoJSON FeatureCollection, got type %q", typ)
			}
		case "features":
			if features {
				return 0, invalid("body: features given twice")
			}
			features = true
			if err := wantDelim(dec, '[', "features: want an array of Features"); err != nil {
				return 0, err
			}
			for {
				win.reset()
				if !dec.More() {
					break
				}
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return 0, importReadError(err, fmt.Sprintf("features[%d]", n))
				}
				if err := feature(n, raw); err != nil {
					return n, err
				}
				n++
			}
			if _, err := dec.Token(); err != nil { // ]
				return 0, importReadError(err, "features")
			}
		default:
			if strings.EqualFold(key, "type") || strings.EqualFold(key, "features") {
				return 0, invalid("body: no member %q (names are case-sensitive: did you mean %q?)", key, strings.ToLower(key))
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return 0, importReadError(err, key)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return 0, importReadError(err, "body")
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return 0, importReadError(err, "body")
		}
		return 0, invalid("body: unexpected data after the FeatureCollection")
	}
	switch {
	case typ == "":
		return 0, invalid("body: want a GeoJSON FeatureCollection, got no type")
	case n == 0:
		return 0, invalid("body: the FeatureCollection has no features")
	}
	return n, nil
}

// wantDelim reads the next token and wants it to be d.
func wantDelim(dec *json.Decoder, d json.Delim, msg string) error {
	tok, err := dec.Token()
	if err != nil {
		return importReadError(err, "body")
	}
	if tok != d {
		return invalid("%s, got %s", msg, jsonTokenKind(tok))
	}
	return nil
}

func jsonTokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "true or false"
	}
	return "null"
}

// importReadError turns an error reading an import into its answer: too
// large, the body's own error (bad gzip), or invalid JSON where.
func importReadError(err error, where string) error {
	var mbe *http.MaxBytesError
	var de *zonegis.Error
	var se *json.SyntaxError
	switch {
	case errors.As(err, &mbe):
		return zonegis.Errorf(zonegis.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
	case errors.Is(err, errWindow):
		return zonegis.Errorf(zonegis.ETOOLARGE, "%s: more than %d bytes without the end of a feature; a feature of an import may have at most %d bytes", where, MaxImportFeatureBytes, MaxImportFeatureBytes)
	case errors.As(err, &de):
		return err
	case errors.As(err, &se):
		return invalid("%s: body is not valid JSON: %v", where, err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return invalid("%s: body is not valid JSON: it ends too soon", where)
	}
	return invalid("%s: body is not valid JSON: %v", where, err)
}

// errWindow is window's error past its limit.
var errWindow = errors.New("import: feature window exceeded")

// window is a reader that fails once more than limit bytes were read since
// its last reset: it bounds what a json.Decoder buffers for one value
// (the decoder also buffers the blanks before a value whole).
type window struct {
	r        io.Reader
	n, limit int
}

func (w *window) reset() { w.n = 0 }

func (w *window) Read(p []byte) (int, error) {
	if w.n >= w.limit {
		return 0, errWindow
	}
	if len(p) > w.limit-w.n {
		p = p[:w.limit-w.n]
	}
	n, err := w.r.Read(p)
	w.n += n
	return n, err
}

// ParseFeature decodes one GeoJSON Feature into a new record of
// collection (a *zonegis.Zone, *zonegis.Parcel or *zonegis.GreenArea),
// with its defaults, validated, as a create does. Errors: EINVALID naming
// the field; ENOTFOUND for an unknown collection.
func ParseFeature(collection string, raw []byte) (any, error) {
	if err := featurejson.CheckText(raw, ""); err != nil {
		return nil, err
	}
	doc, geom, err := featurejson.DecodeFeature(raw, false)
	if err != nil {
		return nil, err
	}
	props := doc.Properties
	if len(props) == 0 || string(props) == "null" {
		props = []byte("{}")
	}
	switch collection {
	case zonegis.CollectionZones:
		var p featurejson.ZoneProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return nil, err
		}
		z := &zonegis.Zone{Boundary: geom}
		return z, featurejson.ApplyZone(z, p)
	case zonegis.CollectionParcels:
		var p featurejson.ParcelProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return nil, err
		}
		if err := CheckParcelStatus(p.Status, true, ""); err != nil {
			return nil, err
		}
		pc := &zonegis.Parcel{Boundary: geom}
		return pc, featurejson.ApplyParcel(pc, p)
	case zonegis.CollectionGreenAreas:
		var p featurejson.GreenProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return nil, err
		}
		g := &zonegis.GreenArea{Boundary: geom}
		return g, featurejson.ApplyGreen(g, p)
	}
	return nil, ErrNoSuchCollection
}
