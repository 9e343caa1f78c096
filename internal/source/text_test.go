package source

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// encodeCP1258 writes Vietnamese text in Windows-1258 as Vietnamese
// software does: the letters the code page has (â, ê, ô, ơ, ư, ă, đ and a
// few toned ones) as one byte, the other tones as a combining mark after
// the letter.
func encodeCP1258(t *testing.T, s string) []byte {
	t.Helper()
	enc := charmap.Windows1258.NewEncoder()
	tone := func(r rune) bool { return strings.ContainsRune("\u0300\u0301\u0303\u0309\u0323", r) }
	var out []rune
	// Each letter with its marks: the letter composed with the marks that
	// are not tones (â, ơ, ...), then the tone as a combining mark, unless
	// the code page has the toned letter too (à, é, ...).
	rs := []rune(norm.NFD.String(s))
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && norm.NFD.PropertiesString(string(rs[j])).CCC() != 0 {
			j++
		}
		base, tones := string(rs[i]), ""
		for _, m := range rs[i+1 : j] {
			if tone(m) {
				tones += string(m)
			} else {
				base += string(m)
			}
		}
		if whole := norm.NFC.String(base + tones); len([]rune(whole)) == 1 {
			if _, err := enc.String(whole); err == nil {
				base, tones = whole, ""
			}
		}
		out = append(out, []rune(norm.NFC.String(base)+tones)...)
		i = j
	}
	b, err := enc.String(string(out))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return []byte(b)
}

// TestReadDXFWindows1258: a DXF whose header says $DWGCODEPAGE ANSI_1258
// keeps its Vietnamese text whole (GDAL 3.6 would drop each string's last
// character, as for Shapefiles). The fixture is ogr2ogr's DXF of the OSM
// zones (© OpenStreetMap contributors) with the layer names written in
// Windows-1258 afterwards.
func TestReadDXFWindows1258(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.dxf")
	ogr2ogr(t, "-f", "DXF", plain, zonesGeoJSON, "-dialect", "SQLite", "-sql",
		"SELECT 'NAME-' || replace(replace(osm_id, 'way/', 'W'), 'relation/', 'R') AS Layer, geometry FROM vietnam_industrial_parks_osm WHERE "+fixtureZones, "-t_srs", "EPSG:9210")
	b := mustRead(t, plain)
	if !bytes.Contains(b, []byte("$DWGCODEPAGE\n  3\nANSI_1252")) {
		t.Fatalf("ogr2ogr's DXF header has no $DWGCODEPAGE ANSI_1252")
	}
	b = bytes.Replace(b, []byte("ANSI_1252"), []byte("ANSI_1258"), 1)
	src, err := geojson.UnmarshalFeatureCollection(mustRead(t, zonesGeoJSON))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{} // the Layer value each zone's name is written as
	for _, f := range src.Features {
		id := strings.NewReplacer("way/", "W", "relation/", "R").Replace(f.Properties.MustString("osm_id", ""))
		name, _ := f.Properties["name"].(string)
		if p := f.Properties.MustString("province_code_2025", ""); name == "" || p != "01" && p != "31" {
			continue
		}
		if !bytes.Contains(b, []byte("NAME-"+id+"\n")) {
			t.Fatalf("no layer NAME-%s in the DXF", id)
		}
		b = bytes.ReplaceAll(b, []byte("NAME-"+id+"\n"), append(encodeCP1258(t, name), '\n'))
		names[name] = id
	}
	dxf := filepath.Join(dir, "cp1258.dxf")
	if err := os.WriteFile(dxf, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if cp := dxfCodePage(head(dxf)); cp != "ANSI_1258" {
		t.Fatalf("code page %q", cp)
	}
	recs, _, _ := readAll(t, dxf, Options{CRS: "EPSG:9210"})
	seen := map[string]bool{}
	for _, rec := range recs {
		v, _ := rec.Get("Layer")
		if _, ok := names[fmt.Sprint(v)]; !ok || len(rec.Problems) > 0 {
			t.Errorf("feature %d: Layer %q is no zone's name (problems %v)", rec.Index, v, rec.Problems)
		}
		seen[fmt.Sprint(v)] = true
	}
	if len(seen) != len(names) {
		t.Errorf("%d names read, want %d", len(seen), len(names))
	}
	if !seen["Khu công nghiệp Sài Đồng B"] {
		t.Errorf("Khu công nghiệp Sài Đồng B not read: %v", strings.Join(keys(seen), "; "))
	}
	// The option was for that open only.
	if recs, _, _ := readAll(t, plain, Options{CRS: "EPSG:9210"}); len(recs) == 0 {
		t.Fatal("the plain DXF reads no feature")
	}
}

func keys(m map[string]bool) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}

// TestReadMapInfoWindowsVietnamese: a MapInfo table whose header says
// !charset WindowsVietnamese, which GDAL 3.6 cannot decode (it passes the
// bytes on), keeps its Vietnamese text. The fixture is ogr2ogr's table of
// the OSM zones (© OpenStreetMap contributors) with the names written in
// Windows-1258 afterwards, each in its fixed-width place.
func TestReadMapInfoWindowsVietnamese(t *testing.T) {
	dir := t.TempDir()
	tab := filepath.Join(dir, "zones.tab")
	ogr2ogr(t, "-f", "MapInfo File", tab, zonesGeoJSON, "-dialect", "SQLite", "-sql",
		"SELECT printf('%-90s', 'NAME-' || osm_id) AS name, osm_id, geometry FROM vietnam_industrial_parks_osm WHERE "+fixtureZones)
	header := mustRead(t, tab)
	if !bytes.Contains(header, []byte("!charset Neutral")) {
		t.Fatalf("ogr2ogr's .tab has no !charset Neutral:\n%s", header)
	}
	os.WriteFile(tab, bytes.Replace(header, []byte("!charset Neutral"), []byte("!charset WindowsVietnamese"), 1), 0o644)
	datPath := filepath.Join(dir, "zones.dat")
	dat := mustRead(t, datPath)
	src, err := geojson.UnmarshalFeatureCollection(mustRead(t, zonesGeoJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // name by osm_id
	for _, f := range src.Features {
		id := f.Properties.MustString("osm_id", "")
		name, _ := f.Properties["name"].(string)
		if p := f.Properties.MustString("province_code_2025", ""); name == "" || p != "01" && p != "31" {
			continue
		}
		place := []byte(fmt.Sprintf("%-90s", "NAME-"+id))
		i := bytes.Index(dat, place)
		if i < 0 {
			t.Fatalf("no %q in the .dat", place)
		}
		enc := encodeCP1258(t, name)
		copy(dat[i:i+90], append(enc, bytes.Repeat([]byte(" "), 90-len(enc))...))
		want[id] = name
	}
	os.WriteFile(datPath, dat, 0o644)
	recs, _, _ := readAll(t, tab, Options{})
	if len(recs) != len(want) {
		t.Fatalf("%d features, want %d", len(recs), len(want))
	}
	for _, rec := range recs {
		id, _ := rec.Get("osm_id")
		name, _ := rec.Get("name")
		if w := want[fmt.Sprint(id)]; strings.TrimSpace(fmt.Sprint(name)) != w || len(rec.Problems) > 0 {
			t.Errorf("feature %d (%v): name %q, want %q (problems %v)", rec.Index, id, name, w, rec.Problems)
		}
	}
}
