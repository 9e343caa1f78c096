package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// WriteVisibleTimeout bounds how long a write waits for the index to apply
// it, so that the next read on this instance sees it.
const WriteVisibleTimeout = 2 * time.Second

// readBody reads a JSON request body of at most MaxBodyBytes.
func readBody(c echo.Context) ([]byte, error) { return readBodyLimit(c, MaxBodyBytes) }

// readBodyLimit reads a JSON request body of at most limit bytes (after
// gzip): ETOOLARGE beyond, EINVALID when empty or when its text is not
// what the database can store (see featurejson.CheckText), 415 when it is not
// JSON (see checkJSONContentType).
func readBodyLimit(c echo.Context, limit int64) ([]byte, error) {
	r, err := bodyReader(c, limit)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, bodyReadError(err, limit)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, invalid("body: empty")
	}
	if err := featurejson.CheckText(b, ""); err != nil {
		return nil, err
	}
	return b, nil
}

// bodyReader checks that the request body is JSON and returns it, bounded
// to limit bytes.
func bodyReader(c echo.Context, limit int64) (io.Reader, error) {
	req := c.Request()
	if req.ContentLength != 0 { // an empty body has no type to check
		if err := checkJSONContentType(req); err != nil {
			return nil, err
		}
	}
	return http.MaxBytesReader(c.Response(), req.Body, limit), nil
}

// bodyReadError is the answer to an error reading a body.
func bodyReadError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	var de *zonegis.Error
	switch {
	case errors.As(err, &mbe):
		return zonegis.Errorf(zonegis.ETOOLARGE, "request body is larger than %d bytes", limit)
	case errors.As(err, &de):
		return err // a gzip body that is not gzip (see gzipBody)
	}
	return invalid("request body could not be read: %v", err)
}

// writeTarget reads what every write on an item starts with: no query
// parameters, the item id from the path, and the version from If-Match
// (0 when absent).
func writeTarget(c echo.Context) (id, ifVersion int64, err error) {
	if err := checkNoParams(c); err != nil {
		return 0, 0, err
	}
	if id, err = parseID(c.Param("id")); err != nil {
		return 0, 0, err
	}
	ifVersion, err = ifMatch(c)
	return id, ifVersion, err
}

// decodeBody reads a JSON request body into v strictly (unknown fields are
// errors).
func decodeBody(c echo.Context, v any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	return featurejson.DecodeStrict(body, v, "body")
}

// ifMatch parses If-Match ("<version>", a parcel's "<version>-<status>", or
// either weak); 0 when absent or *.
func ifMatch(c echo.Context) (int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	h = strings.TrimPrefix(h, "W/")
	h = strings.Trim(h, `"`)
	if i := strings.IndexByte(h, '-'); i > 0 && slices.Contains(zonegis.ParcelStatuses, h[i+1:]) {
		h = h[:i] // a parcel's tag: the version is what a write is checked against
	}
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		return 0, invalid("If-Match: want the ETag you read, like \"3\", got %q", c.Request().Header.Get("If-Match"))
	}
	return v, nil
}

// visible waits until this instance's index has applied seq.
func (s *Server) visible(c echo.Context, seq int64) {
	if s.follower == nil || seq == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), WriteVisibleTimeout)
	defer cancel()
	if err := s.follower.WaitFor(ctx, seq); err != nil {
		s.logger.Warn("write not yet visible in the index", "seq", seq, "err", err)
	}
}

// fetchOne reads the current record id of a collection through byID.
// Errors: ENOTFOUND when it does not exist.
func fetchOne[T any](ctx context.Context, coll string, id int64, byID func(context.Context, []int64) ([]*T, error)) (*T, error) {
	cur, err := byID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(cur) == 0 {
		return nil, notFound("no %s feature with id %d", coll, id)
	}
	return cur[0], nil
}

// written finishes a create or replace that returned seq and err: it waits
// until this instance's index has the write, then answers with the feature
// (read after the write, when the store has filled in id and version).
func (s *Server) written(c echo.Context, seq int64, err error, status int, coll string, feature func() (id int64, etag string, body []byte)) error {
	if err != nil {
		return err
	}
	s.visible(c, seq)
	id, etag, body := feature()
	return sendWritten(c, status, coll, id, etag, body)
}

// sendWritten answers a write with the feature, its ETag and Location.
func sendWritten(c echo.Context, status int, collection string, id int64, etag string, b []byte) error {
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Location", baseURL(c)+"/collections/"+collection+"/items/"+strconv.FormatInt(id, 10))
	return writeBytes(c, status, mimeGeoJSON, b)
}

// versionTag is the ETag of a zone or green area: its version.
func versionTag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// parcelTag is the ETag of a parcel: its version and its status, which
// changes by the calendar alone (a lease starting or ending) without a new
// version. If-Match compares only the version (see ifMatch).
func parcelTag(p *zonegis.Parcel) string {
	return `"` + strconv.FormatInt(p.Version, 10) + "-" + p.Status + `"`
}

func (s *Server) handleCreate() echo.HandlerFunc {
	return func(c echo.Context) error {
		coll := c.Param("collection")
		if !knownCollection(coll) {
			return errNoSuchCollection
		}
		if err := checkNoParams(c); err != nil {
			return err
		}
		body, err := readBody(c)
		if err != nil {
			return err
		}
		return s.upsert(c, coll, 0, 0, body, false, http.StatusCreated)
	}
}

func (s *Server) handleReplace(patch bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		coll := c.Param("collection")
		if !knownCollection(coll) {
			return errNoSuchCollection
		}
		id, ifv, err := writeTarget(c)
		if err != nil {
			return err
		}
		body, err := readBody(c)
		if err != nil {
			return err
		}
		return s.upsert(c, coll, id, ifv, body, patch, http.StatusOK)
	}
}

// requiredProps may not be cleared with null in a PATCH.
var requiredProps = map[string][]string{
	zonegis.CollectionZones:      {"code", "name_vi", "name_en", "kind", "province", "status", "model", "sectors", "source"},
	zonegis.CollectionParcels:    {"zone_id", "lot_code", "land_use", "status", "synthetic"},
	zonegis.CollectionGreenAreas: {"zone_id", "kind", "name", "synthetic"},
}

// checkBodyID refuses a body whose "id" names another feature than the URL.
func checkBodyID(raw json.RawMessage, id int64) error {
	if id == 0 || len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var n json.Number
	var str string
	got := ""
	if err := json.Unmarshal(raw, &n); err == nil {
		got = n.String()
	} else if err := json.Unmarshal(raw, &str); err == nil {
		got = str
	} else {
		return invalid("id: want the feature's id, a number or a string, got %s", raw)
	}
	if got != strconv.FormatInt(id, 10) {
		return invalid("id: the body is feature %s but the URL names feature %d; they must agree (or leave id out)", got, id)
	}
	return nil
}

// upsert creates (id 0), replaces or patches a feature from a posted
// GeoJSON Feature. A replace or patch is applied to the current record
// inside the store's transaction, under the row lock: a patch merges the
// given properties (null clears a nullable one) and geometry into it, a
// replace overwrites it. Without If-Match the last writer wins; with it, a
// stale version is refused (412).
func (s *Server) upsert(c echo.Context, coll string, id, ifVersion int64, body []byte, patch bool, status int) error {
	ctx := c.Request().Context()
	actor := actorOf(c)
	doc, geom, err := featurejson.DecodeFeature(body, patch)
	if err != nil {
		return err
	}
	if err := checkBodyID(doc.ID, id); err != nil {
		return err
	}
	var nulls map[string]json.RawMessage
	if patch && len(doc.Properties) > 0 && string(doc.Properties) != "null" {
		if err := json.Unmarshal(doc.Properties, &nulls); err != nil {
			return invalid("properties: want a JSON object")
		}
	}
	isNull := func(k string) bool { v, ok := nulls[k]; return ok && string(v) == "null" }
	for _, k := range requiredProps[coll] {
		if isNull(k) {
			return invalid("properties: %s cannot be null; it is required", k)
		}
	}
	props := doc.Properties
	if len(props) == 0 || string(props) == "null" {
		props = []byte("{}")
	}
	var seq int64
	switch coll {
	case zonegis.CollectionZones:
		var p featurejson.ZoneProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return err
		}
		edit := func(z *zonegis.Zone) error {
			if !patch {
				*z = zonegis.Zone{}
			}
			for k, clear := range map[string]func(){
				"parent_id": func() { z.ParentID = nil }, "board_id": func() { z.BoardID = "" },
				"established": func() { z.Established = nil }, "enterprises": func() { z.Enterprises = nil },
				"workers": func() { z.Workers = nil },
			} {
				if isNull(k) {
					clear()
				}
			}
			z.ID = id
			if geom != nil {
				z.Boundary = geom
			}
			return featurejson.ApplyZone(z, p)
		}
		z := &zonegis.Zone{}
		if id == 0 {
			if err := edit(z); err != nil {
				return err
			}
			seq, err = s.db.CreateZone(ctx, actor, z)
		} else {
			z, seq, err = s.db.UpdateZone(ctx, actor, id, ifVersion, edit)
		}
		return s.written(c, seq, err, status, coll, func() (int64, string, []byte) { return z.ID, versionTag(z.Version), encode.Zone(nil, z) })
	case zonegis.CollectionParcels:
		var p featurejson.ParcelProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return err
		}
		edit := func(pc *zonegis.Parcel) error {
			// pc.Status is the status the leases make now (a new parcel's:
			// available); an edit may repeat it but never sets it.
			current := pc.Status
			if err := registry.CheckParcelStatus(p.Status, id == 0, current); err != nil {
				return err
			}
			if !patch {
				*pc = zonegis.Parcel{}
			}
			if geom != nil {
				pc.Boundary = geom
			}
			if err := featurejson.ApplyParcel(pc, p); err != nil {
				return err
			}
			pc.Status = current
			return nil
		}
		pc := &zonegis.Parcel{Status: zonegis.ParcelAvailable}
		if id == 0 {
			if err := edit(pc); err != nil {
				return err
			}
			seq, err = s.db.CreateParcel(ctx, actor, pc)
		} else {
			pc, seq, err = s.db.UpdateParcel(ctx, actor, id, ifVersion, edit)
		}
		return s.written(c, seq, err, status, coll, func() (int64, string, []byte) { return pc.ID, parcelTag(pc), encode.Parcel(nil, pc) })
	case zonegis.CollectionGreenAreas:
		var p featurejson.GreenProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return err
		}
		edit := func(g *zonegis.GreenArea) error {
			if !patch {
				*g = zonegis.GreenArea{}
			}
			if geom != nil {
				g.Boundary = geom
			}
			return featurejson.ApplyGreen(g, p)
		}
		g := &zonegis.GreenArea{}
		if id == 0 {
			if err := edit(g); err != nil {
				return err
			}
			seq, err = s.db.CreateGreenArea(ctx, actor, g)
		} else {
			g, seq, err = s.db.UpdateGreenArea(ctx, actor, id, ifVersion, edit)
		}
		return s.written(c, seq, err, status, coll, func() (int64, string, []byte) { return g.ID, versionTag(g.Version), encode.GreenArea(nil, g) })
	}
	return errNoSuchCollection
}

func (s *Server) handleDelete() echo.HandlerFunc {
	return func(c echo.Context) error {
		coll := c.Param("collection")
		if !knownCollection(coll) {
			return errNoSuchCollection
		}
		id, ifv, err := writeTarget(c)
		if err != nil {
			return err
		}
		seq, err := s.db.Delete(c.Request().Context(), actorOf(c), coll, id, ifv)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		return c.NoContent(http.StatusNoContent)
	}
}
