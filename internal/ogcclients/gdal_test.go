package ogcclients

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// GDAL 3.6 (gdal-bin) as the analysts run it: the OAPIF driver
// (https://gdal.org/drivers/vector/oapif.html) and /vsicurl/.

// gdalEnv keeps GDAL's HTTP bounded and quiet about directories: without
// GDAL_DISABLE_READDIR_ON_OPEN, /vsicurl/ lists the parent "directory".
var gdalEnv = []string{"GDAL_HTTP_TIMEOUT=20", "GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR"}

var ogrLayer = regexp.MustCompile(`(?m)^\d+: (\S+)`)

var ogrExtent = regexp.MustCompile(`Extent: \(([-0-9.]+), ([-0-9.]+)\) - \(([-0-9.]+), ([-0-9.]+)\)`)

// TestGDALCollections: `ogrinfo OAPIF:…` lists every collection.
func TestGDALCollections(t *testing.T) {
	f := seeded(t)
	out, _ := client(t, gdalEnv, pgtest.Tool(t, "ogrinfo", "gdal-bin"), "-ro", "-so", "OAPIF:"+f.url)
	var layers []string
	for _, m := range ogrLayer.FindAllStringSubmatch(out, -1) {
		layers = append(layers, m[1])
	}
	sort.Strings(layers)
	if want := allIDs(); !slices.Equal(layers, want) {
		t.Errorf("ogrinfo lists %v; want %v\n%s", layers, want, out)
	}
}

// fieldLine is a field of `ogrinfo -so`: "enterprises: Integer (0.0)".
var fieldLine = regexp.MustCompile(`(?m)^(\w+): (\w+)(?:\((\w+)\))? `)

func ogrFields(out string) map[string]string {
	fields := map[string]string{}
	for _, m := range fieldLine.FindAllStringSubmatch(out, -1) {
		typ := m[2]
		if m[3] != "" { // "Integer(Boolean)", "String(JSON)"
			typ += "(" + m[3] + ")"
		}
		fields[m[1]] = typ
	}
	return fields
}

// TestGDALFieldTypes: ogrinfo reads zones' enterprises, workers and
// parent_id as integers and established as a date (issue 13: GDAL guessed
// String from a first page where all are null, so sums, sorting and
// GeoPackage columns broke). PAGE_SIZE=10 keeps the first page all-null
// for parent_id, as it is in a client's first page.
func TestGDALFieldTypes(t *testing.T) {
	f := seeded(t)
	out, _ := client(t, gdalEnv, pgtest.Tool(t, "ogrinfo", "gdal-bin"), "-ro", "-so", "-oo", "PAGE_SIZE=10", "OAPIF:"+f.url, "zones")
	fields := ogrFields(out)
	want := map[string][]string{
		"enterprises": {"Integer", "Integer64"},
		"workers":     {"Integer", "Integer64"},
		"parent_id":   {"Integer", "Integer64"},
		"established": {"Date"},
	}
	for name, types := range want {
		if !slices.Contains(types, fields[name]) {
			t.Errorf("ogrinfo zones: %s is %q; want one of %v", name, fields[name], types)
		}
	}
	if t.Failed() {
		t.Logf("ogrinfo -so zones:\n%s", out)
	}
}

// TestGDALWhereFilter: `ogr2ogr -where "status = 'leased'"` sends the
// filter to the server (a CQL2 filter once the server declares it, the
// status query parameter of the collection's OpenAPI path before), never
// downloading every parcel to filter them itself, and writes as many
// parcels as the API counts.
func TestGDALWhereFilter(t *testing.T) {
	f := seeded(t)
	want := f.count(t, "parcels", "status=leased")
	if want == 0 {
		t.Fatal("no leased parcel in the seed: the check would prove nothing")
	}
	dst := filepath.Join(t.TempDir(), "leased.geojson")
	mark := f.log.mark()
	client(t, gdalEnv, pgtest.Tool(t, "ogr2ogr", "gdal-bin"), "-f", "GeoJSON", "-oo", "PAGE_SIZE=1000",
		"-where", "status = 'leased'", dst, "OAPIF:"+f.url, "parcels")
	reqs := f.log.since(mark)
	filtered := append(withQuery(reqs, "/collections/parcels/items", "filter"), withQuery(reqs, "/collections/parcels/items", "status")...)
	if len(filtered) == 0 {
		t.Errorf("ogr2ogr -where sent no filter to the server; it asked:\n%s", strings.Join(reqs, "\n"))
	} else {
		t.Logf("ogr2ogr -where sent %s", filtered[0])
	}
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatalf("ogr2ogr output: %v", err)
	}
	if len(fc.Features) != want {
		t.Errorf("ogr2ogr -where wrote %d parcels; the API counts %d leased", len(fc.Features), want)
	}
	for _, ft := range fc.Features {
		if s := ft.Properties.MustString("status", ""); s != "leased" {
			t.Errorf("ogr2ogr -where wrote a parcel with status %q", s)
			break
		}
	}
}

// TestGDALFlatGeobufByURL: `ogrinfo /vsicurl/…/export?f=fgb` opens the
// FlatGeobuf export by URL (HEAD with Content-Length, GET with Range;
// issue 13 deliverable 7) and counts the collection's features.
func TestGDALFlatGeobufByURL(t *testing.T) {
	f := seeded(t)
	for _, c := range []string{"zones", "parcels"} {
		t.Run(c, func(t *testing.T) {
			want := f.count(t, c, "")
			mark := f.log.mark()
			out, _ := client(t, gdalEnv, pgtest.Tool(t, "ogrinfo", "gdal-bin"), "-ro", "-so", "-al",
				"/vsicurl/"+f.url+"/collections/"+c+"/export?f=fgb")
			if !strings.Contains(out, fmt.Sprintf("Feature Count: %d\n", want)) {
				t.Errorf("ogrinfo /vsicurl/ %s export: want Feature Count: %d in\n%s\nrequests:\n%s", c, want, out, strings.Join(f.log.since(mark), "\n"))
			}
		})
	}
}

// TestGDALExtent: ogrinfo's extent of a layer is the bound of its
// features (issue 13: every collection's extent was one box for the whole
// of Vietnam, so ogrinfo and "zoom to layer" showed the country).
func TestGDALExtent(t *testing.T) {
	f := seeded(t)
	ogrinfo := pgtest.Tool(t, "ogrinfo", "gdal-bin")
	for _, c := range collectionIDs {
		t.Run(c, func(t *testing.T) {
			b := dataBound(t, f, c)
			out, _ := client(t, gdalEnv, ogrinfo, "-ro", "-so", "OAPIF:"+f.url, c)
			m := ogrExtent.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("ogrinfo %s: no Extent line in\n%s", c, out)
			}
			for i, want := range b {
				got, _ := strconv.ParseFloat(m[i+1], 64)
				if math.Abs(got-want) > 1e-5 {
					t.Errorf("ogrinfo %s: %s; the bound of its features is %v", c, m[0], b)
					break
				}
			}
		})
	}
}

// TestGDALPageSizeAboveMax: GDAL with PAGE_SIZE=20000, above the
// maximum limit (10,000), reads every feature (issue 13: the server
// refused limit=20000 where clients expect it capped,
// /req/core/fc-limit-response-1).
func TestGDALPageSizeAboveMax(t *testing.T) {
	f := seeded(t)
	want := f.count(t, "parcels", "")
	dst := filepath.Join(t.TempDir(), "parcels.geojson")
	client(t, gdalEnv, pgtest.Tool(t, "ogr2ogr", "gdal-bin"), "-f", "GeoJSON", "-oo", "PAGE_SIZE=20000", dst, "OAPIF:"+f.url, "parcels")
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatalf("ogr2ogr output: %v", err)
	}
	if len(fc.Features) != want {
		t.Errorf("ogr2ogr PAGE_SIZE=20000 read %d parcels; the API counts %d", len(fc.Features), want)
	}
}
