package ogcclients

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// QGIS 3.22 (python3-qgis), headless (QT_QPA_PLATFORM=offscreen), through
// testdata/qgis_check.py: the OAPIF provider as an analyst adds a layer,
// and a vector-tile layer rendered to an image.
//
// What Debian's QGIS 3.22.16 does, probed with a stand-in server that logs
// its requests (2026-12, while writing these checks): it reads /api only
// for components.parameters.limit (maximum, default), types each field
// from the first page it asks for (items?limit=10), ignores a describedby
// JSON Schema, and sends no attribute filter: a subset string
// "status = 'leased'" fetched items?limit=1000 and was filtered in QGIS,
// though the stand-in's OpenAPI listed status (style form, explode false)
// on the literal path /collections/parcels/items. Its provider library
// holds no "paths", "explode" or "queryables" string. Server-side
// attribute filters and schema-typed fields arrived in later QGIS
// (qgsoapifapirequest.cpp reads each /collections/{id}/items path's
// parameters; qgsoapifqueryablesrequest.cpp, qgsoapifschemarequest.cpp).
// So FieldTypes and SubsetString hold each QGIS to what its version can
// do: on 3.22, a field is typed from the values of the first page (a field
// null on all of it comes out String, whatever the server's schema says),
// and a subset string must give the API's count, filtered where QGIS
// filters; from 3.32 (queryables, CQL2, schemas) the fields must be typed
// by the schema and the filter must reach the server. GDAL, which reads
// the describedBy schema and sends -where as a filter, is held to both on
// the version Debian ships (gdal_test.go).

type qgisResult struct {
	Version string `json:"version"`
	Layers  map[string]struct {
		Valid  bool              `json:"valid"`
		Error  string            `json:"error"`
		Fields map[string]string `json:"fields"` // name: QVariant type name
	} `json:"layers"`
	Subset struct {
		Valid    bool     `json:"valid"`
		Error    string   `json:"error"`
		Applied  bool     `json:"applied"`
		Count    int      `json:"count"`
		Statuses []string `json:"statuses"`
	} `json:"subset"`
	Tiles map[string]struct {
		Valid   bool     `json:"valid"`
		Error   string   `json:"error"`
		Drawn   int      `json:"drawn"`
		Sampled int      `json:"sampled"`
		Errors  []string `json:"errors"`
	} `json:"tiles"`
}

// qgisEnv runs PyQGIS without a display, with its profile and runtime
// files in the test's temporary directory.
func qgisEnv(t *testing.T) []string {
	dir := t.TempDir()
	return []string{"QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR=" + dir, "HOME=" + dir, "QGIS_CUSTOM_CONFIG_PATH=" + dir}
}

func TestQGIS(t *testing.T) {
	f := seeded(t)
	parcels := dataBound(t, f, "parcels")
	cfg := map[string]any{
		"url":         f.url,
		"collections": collectionIDs,
		"subset":      "status = 'leased'",
		"tiles": map[string]string{
			// The existing XYZ route, and the OGC API - Tiles route of
			// issue 13 deliverable 6 (tileRow is y, tileCol x).
			"xyz":       f.url + "/tiles/parcels/{z}/{x}/{y}.mvt",
			"ogc_tiles": f.url + "/collections/parcels/tiles/WebMercatorQuad/{z}/{y}/{x}",
		},
		"extent": parcels[:],
		"dir":    t.TempDir(),
	}
	mark := f.log.mark()
	var got qgisResult
	runPython(t, qgisEnv(t), "qgis_check.py", cfg, &got)
	reqs := f.log.since(mark)
	t.Logf("QGIS %s made %d requests", got.Version, len(reqs))

	// Each collection loads as an OAPIF layer.
	t.Run("Layers", func(t *testing.T) {
		for _, c := range collectionIDs {
			l, ok := got.Layers[c]
			if !ok || !l.Valid {
				t.Errorf("QGIS OAPIF layer %s is not valid: %s", c, l.Error)
			}
		}
	})
	// Zones' numbers and dates come out numeric and dated (issue 13:
	// QGIS guessed String from a first page where all are null).
	t.Run("FieldTypes", func(t *testing.T) {
		fields := got.Layers["zones"].Fields
		want := map[string][]string{
			"enterprises": {"int", "qlonglong"},
			"workers":     {"int", "qlonglong"},
			"parent_id":   {"int", "qlonglong"},
			"established": {"QDate", "QDateTime"},
			"area_m2":     {"double", "int", "qlonglong"},
			"version":     {"int", "qlonglong"},
			"updated_at":  {"QDateTime"},
		}
		// What the first page QGIS asks for (items?limit=10) holds.
		var first struct {
			Features []struct {
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		f.getJSON(t, "/collections/zones/items?limit=10", &first)
		valued := map[string]bool{}
		for _, ft := range first.Features {
			for name, v := range ft.Properties {
				if v != nil {
					valued[name] = true
				}
			}
		}
		bySchema := qgisAtLeast(got.Version, 3, 32)
		checked := 0
		for name, types := range want {
			if !bySchema && !valued[name] {
				t.Logf("QGIS %s types zones field %s as %q: it is null on the whole first page, and this QGIS reads no schema", got.Version, name, fields[name])
				continue
			}
			checked++
			if !slices.Contains(types, fields[name]) {
				t.Errorf("QGIS %s zones field %s is %q; want one of %v (all fields: %v)", got.Version, name, fields[name], types, fields)
			}
		}
		if checked < 3 {
			t.Errorf("only %d of the zones' typed fields could be checked (first page: %v)", checked, valued)
		}
	})
	// The subset string reaches the server as a filter (QGIS 3.22 sends
	// the query parameters of the collection's own OpenAPI path; newer
	// QGIS a CQL2 filter) and gives the API's count.
	t.Run("SubsetString", func(t *testing.T) {
		want := f.count(t, "parcels", "status=leased")
		s := got.Subset
		if !s.Valid || !s.Applied {
			t.Fatalf("QGIS parcels layer: valid %v, subset applied %v: %s", s.Valid, s.Applied, s.Error)
		}
		if s.Count != want || !slices.Equal(s.Statuses, []string{"leased"}) {
			t.Errorf("QGIS subset %q: %d parcels, statuses %v; the API counts %d leased", cfg["subset"], s.Count, s.Statuses, want)
		}
		sent := append(withQuery(reqs, "/collections/parcels/items", "filter"), withQuery(reqs, "/collections/parcels/items", "status")...)
		if len(sent) == 0 && !qgisAtLeast(got.Version, 3, 32) {
			t.Logf("QGIS %s filtered the subset itself (it sends no filter before 3.32); the count agrees with the API's", got.Version)
		} else if len(sent) == 0 {
			var items []string
			for _, r := range reqs {
				if strings.Contains(r, "/collections/parcels/items") {
					items = append(items, r)
				}
			}
			t.Errorf("QGIS sent no filter to the server: it fetched the parcels %d times and filtered them itself:\n%s", len(items), strings.Join(items, "\n"))
		}
	})
	// A vector-tile layer draws the parcels: pixels other than the white
	// background over the parcels' extent.
	for _, name := range []string{"xyz", "ogc_tiles"} {
		t.Run("VectorTiles/"+name, func(t *testing.T) {
			r := got.Tiles[name]
			if !r.Valid {
				t.Fatalf("QGIS vector-tile layer %s is not valid: %s", name, r.Error)
			}
			if r.Drawn*100 < r.Sampled { // under 1% of the image drawn
				t.Errorf("QGIS vector tiles %s drew %d of %d sampled pixels (errors %v)", name, r.Drawn, r.Sampled, r.Errors)
			}
		})
	}
}

// qgisAtLeast says whether a QGIS version ("3.22.16-Białowieża") is at
// least major.minor.
func qgisAtLeast(version string, major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(version, "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}
