package featurejson

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/geojsontest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// geojsonSeeds are inputs for the differential test of the one-pass
// decoder against the old one (olddecode_test.go): every syntax error
// encoding/json words, every check the old decoder made, and the places
// where the old one was loose.
var geojsonSeeds = []string{
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	` { "type" : "Polygon" , "coordinates" : [ [ [ 106.7 , 10.7 , 3 ] , [106.71,10.7] ,[106.71,10.71],[106.7,10.7]] ] , "bbox":[1,2,3,4], "x":{"a":[{}, [], "s\"\\\/\b\f\n\r\t\u00e9"]} }` + "\n",
	`{"type":"MultiPolygon","coordinates":[[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],[[[106.8,10.7],[106.81,10.7],[106.81,10.71],[106.8,10.7]],[[106.801,10.701],[106.805,10.701],[106.805,10.705],[106.801,10.701]]]]}`,
	`{"type":"Feature","properties":{"a":1},"geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}}`,
	`{"geometry":{"coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"type":"Polygon"},"type":"Feature"}`,
	`{"type":"Feature","geometry":null}`,
	`{"type":"Feature"}`,
	`{"type":"Feature","geometry":[1]}`,
	`{"type":"Feature","geometry":"x"}`,
	`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]},"geometry":null}`,
	`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}`,
	`{"type":"Feature","Geometry":{"type":"Polygon","coordinates":[]}}`,
	`{"type":"Feature","geometry":{"type":"Polygon","Coordinates":[]}}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"geometry":5}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"Geometry":5}`,
	`{"Type":"Polygon","coordinates":[]}`,
	`{"TYPE":"Polygon","type":"Polygon","coordinates":[]}`,
	`{"type":"Polygon","coordinateſ":[]}`,
	`{"\u0074ype":"Pol\u0079gon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","type":"MultiPolygon","coordinates":[[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]]}`,
	`{"type":"Polygon","coordinates":[[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]],"type":"MultiPolygon"}`,
	`{"type":"MultiPolygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"type":null}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"coordinates":null}`,
	`{"type":"Polygon","coordinates":[[[1,2]]],"coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":5,"coordinates":[]}`,
	`{"type":{"a":[1]},"coordinates":[]}`,
	`{"type":"Polygon"}`,
	`{"type":"Polygon","coordinates":null}`,
	`{"type":"Polygon","coordinates":5}`,
	`{"type":"Polygon","coordinates":{}}`,
	`{"type":"Polygon","coordinates":[]}`,
	`{"type":"Polygon","coordinates":[[]]}`,
	`{"type":"Polygon","coordinates":[5]}`,
	`{"type":"Polygon","coordinates":[[5]]}`,
	`{"type":"Polygon","coordinates":[[[[1,2]]]]}`,
	`{"type":"Polygon","coordinates":[null]}`,
	`{"type":"Polygon","coordinates":[[null,[1,2],[1,3],[0,0]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],null]]}`,
	`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],null]]}`,
	`{"type":"Polygon","coordinates":[[[null,1],[1,0],[1,1],[0,1]]]}`,
	`{"type":"Polygon","coordinates":[[["1",1],[1,0],[1,1],[0,1]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7,"x"],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7,null],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7,[3]],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7,{"a":1,"b":2}],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7,true],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7,1e400],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[1e400,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[-0,1e-400],[106.71,10.7],[106.71,10.71],[-0,0]]]}`,
	`{"type":"Polygon","coordinates":[[[1E+2,-1.5e-1],[106.71,10.7],[106.71,10.71],[100,-0.15]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7,1,2],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[], [], [], []]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71]]]}`,
	`{"type":"MultiPolygon","coordinates":[[],[[]],[[[]]]]}`,
	`{"type":"MultiPolygon","coordinates":[null]}`,
	`{"type":"LineString","coordinates":[[106.7,10.7],[106.8,10.8]]}`,
	`{"type":"LineString","coordinates":[[106.7,10.7],[106.8]]}`,
	`{"type":"LineString","coordinates":[[106.7,10.7],null]}`,
	`{"type":"LineString","coordinates":[]}`,
	`{"type":"FeatureCollection","features":[]}`,
	`{"type":"","coordinates":[]}`,
	`{"type":"Poly gon","coordinates":[]}`,
	`{}`,
	`null`,
	` null `,
	`[]`,
	`[1,2]`,
	`"Polygon"`,
	`5`,
	`true`,
	``,
	`   `,
	`{`,
	`{"type"`,
	`{"type":`,
	`{"type":"Polygon"`,
	`{"type":"Polygon",}`,
	`{"type":"Polygon" "coordinates":[]}`,
	`{"type" "Polygon"}`,
	`{type:"Polygon"}`,
	`{"type":"Polygon","coordinates":[[[1,2],]]}`,
	`{"type":"Polygon","coordinates":[[[1,]]]}`,
	`{"type":"Polygon","coordinates":[[[,1]]]}`,
	`{"type":"Polygon","coordinates":[[[1 2]]]}`,
	`{"type":"Polygon","coordinates":[[[01,2]]]}`,
	`{"type":"Polygon","coordinates":[[[1.,2]]]}`,
	`{"type":"Polygon","coordinates":[[[1e,2]]]}`,
	`{"type":"Polygon","coordinates":[[[-,2]]]}`,
	`{"type":"Polygon","coordinates":[[[+1,2]]]}`,
	`{"type":"Polygon","coordinates":[[[.5,2]]]}`,
	`{"type":"Polygon","coordinates":[[[1,2],[3,4]]]]}`,
	`{"type":"Polygon","coordinates":[[[1,2],[3,4]]]`,
	`{"type":"Polygon","coordinates":[[[1,2],[3,4]]]} x`,
	`{"type":"Polygon","coordinates":[[[1,2],[3,4]]]}{}`,
	`{"type":"Polygon","coordinates":[[[tru,2]]]}`,
	`{"type":"Polygon","coordinates":[[[nul]]]}`,
	`{"type":"Polygon","coordinates":[[[falsy]]]}`,
	`{"type":"Polygon","coordinates":[[["a` + "\n" + `"]]]}`,
	`{"type":"Pol\ygon","coordinates":[]}`,
	`{"type":"Pol\u00zz","coordinates":[]}`,
	`{"type":"\ud800\u0041","coordinates":[]}`,
	`{"type":"\ud83d\ude00","coordinates":[]}`,
	"{\"type\":\"Poly\xffgon\",\"coordinates\":[]}",
	"{\"type\":\"Polygon\",\"coordinates\":[[[1,2]]],\"x\":\"\xe2\x82\"}",
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"x":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"x":` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat("}", 10000) + `}`,
	`{"type":"Polygon","coordinates":[[[` + strings.Repeat("1", 400) + `,2]]]}`,
	`{"type":"Polygon","coordinates":[[[0.` + strings.Repeat("0", 400) + `1,2],[1,2],[1,3],[0,2]]]}`,
	`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]],"coordinates":[[[1,"x"]]]}`,
	`{"type":"Polygon","coordinates":[[[1,"x"]]],"type":"LineString"}`,
	`{"type":"Polygon","coordinates":[[[1,"x"]]] x}`,
	`{"type":"Polygon","coordinates":[[[1,"x"]]],"y":[1,]}`,
	`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1,"x"]]]},"y":[1,]}`,
	`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1,"x"]]]},"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`,
	`{"type":"Polygon","coordinates":[[[1e`, `{"type":"Polygon","coordinates":[[[-`, `{"type":"Polygon","coordinates":[[[1.`, `{"type":"Polygon","coordinates":[[[tr`,
	`{"type":"Polygon","coordinates":[[[1`, `{"type":"Polygon","coordinates":[[[1,2]`, `{"type":"Pol`, `{"type":"Pol\`, `{"type":"Pol\u00`, `{"type":"Polygon",`,
	`-`, `1.`, `1e+`, `n`, `fals`, `"\`, `"`, `10`, `{"type":"Polygon","coordinates":[[[1,2]]]} `,
	geojsontest.Comb(106.5, 10.5, 106.52, 10.52, 50, 0),
	geojsontest.Comb(106.5, 10.5, 106.52, 10.52, 50, 45),
}

// TestGeoJSONDecoderCorpus: the one-pass decoder accepts and refuses what
// the old encoding/json one did, with the same geometry, the same syntax
// error messages and the same position messages, except that it refuses
// null and non-numbers inside coordinates, which the old one read as 0 or
// skipped. Seeds: geojsonSeeds and the fuzz corpora of the bodies.
func TestGeoJSONDecoderCorpus(t *testing.T) {
	seeds := append([]string(nil), geojsonSeeds...)
	for _, dir := range []string{"FuzzGeoJSONDecoder", "FuzzIntersectsBody"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", dir, "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// go test fuzz v1, then one []byte("...") or string("...") line.
			lines := strings.SplitN(string(b), "\n", 3)
			if len(lines) < 2 {
				continue
			}
			v := strings.TrimSpace(lines[1])
			v = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(v, "[]byte("), "string("), ")")
			var s string
			if err := json.Unmarshal([]byte(v), &s); err == nil {
				seeds = append(seeds, s)
			}
		}
	}
	for _, s := range seeds {
		compareDecoders(t, []byte(s))
	}
	if len(seeds) < len(geojsonSeeds) {
		t.Fatal("no seeds")
	}
}

// FuzzGeoJSONDecoder compares the one-pass decoder with the old one:
//
//	go test -run XXX -fuzz FuzzGeoJSONDecoder -fuzztime 60s ./internal/httpapi/
func FuzzGeoJSONDecoder(f *testing.F) {
	for _, s := range geojsonSeeds {
		if len(s) < 4096 {
			f.Add([]byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		compareDecoders(t, b)
	})
}

func compareDecoders(t *testing.T, b []byte) {
	t.Helper()
	om, oe := oldReadPolygon(b)
	nm, ne := ReadPolygon(b)
	compareDecoded(t, "ReadPolygon", b, om, nm, oe, ne)
	for _, want := range [][]string{{"Polygon", "MultiPolygon"}, {"LineString"}} {
		og, oe := oldDecodeGeoJSON(b, "geometry", want...)
		ng, ne := DecodeGeoJSON(b, "geometry", want...)
		compareDecoded(t, "DecodeGeoJSON "+strings.Join(want, "|"), b, og, ng, oe, ne)
	}
}

func compareDecoded(t *testing.T, what string, b []byte, og, ng orb.Geometry, oe, ne error) {
	t.Helper()
	in := string(b)
	if len(in) > 300 {
		in = in[:300] + "…"
	}
	for _, e := range []error{oe, ne} {
		var ze *zonegis.Error
		if e != nil && !errors.As(e, &ze) {
			t.Fatalf("%s %q: error %v is not a zonegis.Error", what, in, e)
		}
	}
	switch {
	case oe == nil && ne == nil:
		if !sameGeometry(og, ng) {
			t.Fatalf("%s %q: geometry %v, the old decoder's %v", what, in, ng, og)
		}
	case oe != nil && ne == nil:
		t.Fatalf("%s %q: accepted, the old decoder refused: %v", what, in, oe)
	case oe == nil && ne != nil:
		// Only where the old decoder was loose.
		if !looseCoordinates(b) {
			t.Fatalf("%s %q: refused (%v), the old decoder accepted it", what, in, ne)
		}
		if !strings.Contains(ne.Error(), " holds ") && !strings.Contains(ne.Error(), " is null, not ") {
			t.Fatalf("%s %q: refused with %v, not naming the null or non-number", what, in, ne)
		}
	default:
		if !json.Valid(b) && ne.Error() != oe.Error() {
			t.Fatalf("%s %q: syntax error %q, the old decoder's %q", what, in, ne, oe)
		}
		if json.Valid(b) && (strings.Contains(ne.Error(), "invalid character") || strings.Contains(ne.Error(), "unexpected end of JSON")) {
			t.Fatalf("%s %q: valid JSON refused as %v", what, in, ne)
		}
		if strings.Contains(oe.Error(), "; a position is [lon, lat]") && !looseCoordinates(b) && ne.Error() != oe.Error() {
			t.Fatalf("%s %q: %q, the old decoder's %q", what, in, ne, oe)
		}
	}
	if ne != nil && looseCoordinates(b) && oe == nil {
		return
	}
	if ne == nil && looseCoordinates(b) {
		t.Fatalf("%s %q: accepted null or a non-number inside the coordinates", what, in)
	}
}

func sameGeometry(a, b orb.Geometry) bool {
	switch a := a.(type) {
	case orb.LineString:
		b, ok := b.(orb.LineString)
		return ok && sameRing(orb.Ring(a), orb.Ring(b))
	case orb.Polygon:
		b, ok := b.(orb.Polygon)
		return ok && samePolygon(a, b)
	case orb.MultiPolygon:
		b, ok := b.(orb.MultiPolygon)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !samePolygon(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func samePolygon(a, b orb.Polygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameRing(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sameRing(a, b orb.Ring) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// looseCoordinates reports whether the coordinates the old decoder would
// read from b (bare, or a Feature's geometry; each kind of geometry tried)
// hold a null or a non-number where the old decoder read 0 or skipped it.
func looseCoordinates(b []byte) bool {
	var doc struct {
		Type        string          `json:"type"`
		Geometry    json.RawMessage `json:"geometry"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if json.Unmarshal(b, &doc) != nil {
		return false
	}
	raw, typ := doc.Coordinates, doc.Type
	if doc.Type == "Feature" {
		var g struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		}
		if json.Unmarshal(doc.Geometry, &g) != nil {
			return false
		}
		raw, typ = g.Coordinates, g.Type
	}
	var v any
	if depth := positionsDepth(typ); depth > 0 && len(raw) > 0 && json.Unmarshal(raw, &v) == nil {
		return loose(v, 1, depth)
	}
	return false
}

// loose walks v, an array at depth d of coordinates whose positions lie at
// depth: true if an element is null or, in a position, not a number.
func loose(v any, d, depth int) bool {
	arr, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range arr {
		if d == depth {
			if _, ok := e.(float64); !ok {
				return true
			}
			continue
		}
		if e == nil || loose(e, d+1, depth) {
			return true
		}
	}
	return false
}

// TestCoordinatesStrict: null and non-numbers inside coordinates are
// refused, naming where; the old decoder read a null position as [0, 0]
// (so this ring closed and was accepted) and skipped a third element.
func TestCoordinatesStrict(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],null]]}`, "polygon 0 ring 0 position 3 is null, not a position"},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1,"x"],[0,0]]]}`, "polygon 0 ring 0 position 2 holds a string"},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1,null],[0,0]]]}`, "polygon 0 ring 0 position 2 holds null"},
		{`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[null,1],[0,0]]]]}`, "polygon 1 ring 0 position 2 holds null"},
	} {
		_, err := ReadPolygon([]byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.body, err, c.want)
		}
	}
}

// TestDecodeOnePass: a 100,000-vertex polygon is read in one pass into
// one array of positions, not through encoding/json's passes and growing
// slices (85 allocations, 17 MB before).
func TestDecodeOnePass(t *testing.T) {
	body := []byte(geojsontest.Comb(106.5, 10.5, 106.7, 10.7, 24999, 45))
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := ReadPolygon(body); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 10 {
		t.Errorf("%v allocations to read the comb, want at most 10", allocs)
	}
}
