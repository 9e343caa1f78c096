package httpapi_test

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"
	"time"
)

type collectionInfo struct {
	ID     string `json:"id"`
	Extent struct {
		Spatial struct {
			BBox [][]float64 `json:"bbox"`
			CRS  string      `json:"crs"`
		} `json:"spatial"`
		Temporal struct {
			Interval [][]*string `json:"interval"`
			TRS      string      `json:"trs"`
		} `json:"temporal"`
	} `json:"extent"`
}

// checkExtent compares a collection's extent with PostGIS's ST_Extent of
// table and the interval the SQL start and end give (NULL: open, null).
func checkExtent(t *testing.T, f *fixture, c collectionInfo, table, startSQL, endSQL string) {
	t.Helper()
	var x0, y0, x1, y1 float64
	f.scalar(t, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(boundary)::geometry e FROM `+table+`) x`, nil, &x0, &y0, &x1, &y1)
	if len(c.Extent.Spatial.BBox) != 1 || len(c.Extent.Spatial.BBox[0]) != 4 {
		t.Fatalf("%s: extent.spatial.bbox %v", c.ID, c.Extent.Spatial.BBox)
	}
	for i, want := range []float64{x0, y0, x1, y1} {
		if got := c.Extent.Spatial.BBox[0][i]; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: bbox[%d] = %v, PostGIS ST_Extent says %v", c.ID, i, got, want)
		}
	}
	if c.Extent.Spatial.CRS != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" || c.Extent.Temporal.TRS != "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" {
		t.Errorf("%s: crs %q, trs %q", c.ID, c.Extent.Spatial.CRS, c.Extent.Temporal.TRS)
	}
	if len(c.Extent.Temporal.Interval) != 1 || len(c.Extent.Temporal.Interval[0]) != 2 {
		t.Fatalf("%s: extent.temporal.interval %v", c.ID, c.Extent.Temporal.Interval)
	}
	for i, q := range []string{startSQL, endSQL} {
		var want *time.Time
		f.scalar(t, q, nil, &want)
		got := c.Extent.Temporal.Interval[0][i]
		switch {
		case want == nil && got != nil:
			t.Errorf("%s: interval[%d] = %s, want null (open)", c.ID, i, *got)
		case want != nil && got == nil:
			t.Errorf("%s: interval[%d] = null, want %s", c.ID, i, want.UTC().Format(time.RFC3339Nano))
		case want != nil:
			if g, err := time.Parse(time.RFC3339Nano, *got); err != nil || !g.Equal(*want) {
				t.Errorf("%s: interval[%d] = %s, want %s", c.ID, i, *got, want.UTC().Format(time.RFC3339Nano))
			}
		}
	}
}

// TestCollectionExtents: each collection's spatial extent is the bound of
// its data (PostGIS ST_Extent the oracle), its temporal extent the
// interval of its datetime meaning, in /collections and /collections/{c}.
func TestCollectionExtents(t *testing.T) {
	f := seeded(t)
	var all struct {
		Collections []collectionInfo `json:"collections"`
	}
	f.getJSON(t, "/collections", &all)
	byID := map[string]collectionInfo{}
	for _, c := range all.Collections {
		byID[c.ID] = c
		var one collectionInfo
		f.getJSON(t, "/collections/"+c.ID, &one)
		if c.ID == "enterprises" || c.ID == "projects" || c.ID == "enterprise-reports" { // no geometry: no spatial extent
			if one.Extent.Spatial.BBox != nil || c.Extent.Spatial.BBox != nil {
				t.Errorf("/collections/%s: a spatial extent %+v for records without geometry", c.ID, one.Extent)
			}
			continue
		}
		if one.Extent.Spatial.BBox == nil || one.Extent.Spatial.BBox[0][0] != c.Extent.Spatial.BBox[0][0] {
			t.Errorf("/collections/%s: extent %+v differs from /collections' %+v", c.ID, one.Extent, c.Extent)
		}
	}
	checkExtent(t, f, byID["zones"], "zones",
		`SELECT CASE WHEN bool_or(established IS NULL) THEN NULL ELSE min(established)::timestamp AT TIME ZONE 'UTC' END FROM zones`,
		`SELECT max(updated_at) FROM zones`)
	checkExtent(t, f, byID["parcels"], "parcels", `SELECT NULL::timestamptz`, `SELECT NULL::timestamptz`)
	checkExtent(t, f, byID["green-areas"], "green_areas", `SELECT min(updated_at) FROM green_areas`, `SELECT max(updated_at) FROM green_areas`)
}

// TestCollectionExtentFollowsWrites: a parcel written outside the
// parcels' extent widens it by the next read, as the index syncs.
func TestCollectionExtentFollowsWrites(t *testing.T) {
	e := newWriteEnv(t)
	e.createParcel(t, "A1", 106.700, 10.750, 106.702, 10.752)
	var c collectionInfo
	e.getJSON(t, "/collections/parcels", &c)
	checkExtent(t, e.fixture, c, "parcels", `SELECT NULL::timestamptz`, `SELECT NULL::timestamptz`)
	e.createParcel(t, "B1", 106.705, 10.755, 106.709, 10.759)
	e.getJSON(t, "/collections/parcels", &c)
	checkExtent(t, e.fixture, c, "parcels", `SELECT NULL::timestamptz`, `SELECT NULL::timestamptz`)
	if c.Extent.Spatial.BBox[0][2] < 106.709-1e-9 {
		t.Errorf("after a write east of it, the extent is %v", c.Extent.Spatial.BBox)
	}
	r := e.do(t, http.MethodGet, "/collections/green-areas", nil, nil)
	if r.status != 200 || !json200HasNoSpatial(r.body) {
		t.Errorf("green-areas with none: %d %s; want 200 without extent.spatial", r.status, r.body)
	}
}

// json200HasNoSpatial reports whether a collection's description has no
// spatial extent (nothing located in it).
func json200HasNoSpatial(body []byte) bool {
	var c struct {
		Extent map[string]any `json:"extent"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return false
	}
	_, has := c.Extent["spatial"]
	return !has && c.Extent["temporal"] != nil
}
