package cql2

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// standardExamples are the cql2-text examples of OGC 21-065r2 (the files
// cql2/standard/schema/examples/text/*.txt of opengeospatial/ogcapi-features,
// the examples the standard's annex lists), each with the same filter in
// cql2-json as the standard writes it (examples/json/*.json) or, where we
// give it, as the standard's JSON schema says.
var standardExamples = []struct{ name, text, json string }{
	{"example01", `landsat:scene_id = 'LC82030282019133LGN00'`,
		`{"op":"=","args":[{"property":"landsat:scene_id"},"LC82030282019133LGN00"]}`},
	{"example02", `eo:instrument LIKE 'OLI%'`, `{"op":"like","args":[{"property":"eo:instrument"},"OLI%"]}`},
	{"example03", `landsat:wrs_path IN ('153','154','15X')`,
		`{"op":"in","args":[{"property":"landsat:wrs_path"},["153","154","15X"]]}`},
	{"example04", `eq:cloud_cover < 0.1 AND landsat:wrs_row=28 AND landsat:wrs_path=203`,
		`{"op":"and","args":[{"op":"<","args":[{"property":"eq:cloud_cover"},0.1]},{"op":"=","args":[{"property":"landsat:wrs_row"},28]},{"op":"=","args":[{"property":"landsat:wrs_path"},203]}]}`},
	{"example05a", `ro:cloud_cover=0.1 OR ro:cloud_cover=0.2`,
		`{"op":"or","args":[{"op":"=","args":[{"property":"ro:cloud_cover"},0.1]},{"op":"=","args":[{"property":"ro:cloud_cover"},0.2]}]}`},
	{"example06a", "    eo:cloud_cover BETWEEN 0.1 AND 0.2\nAND landsat:wrs_row=28\nAND landsat:wrs_path=203\n",
		`{"op":"and","args":[{"op":"between","args":[{"property":"eo:cloud_cover"},0.1,0.2]},{"op":"=","args":[{"property":"landsat:wrs_row"},28]},{"op":"=","args":[{"property":"landsat:wrs_path"},203]}]}`},
	{"example07", "eo_instruments LIKE 'OLI%'\n AND S_INTERSECTS(footprint,POLYGON((43.5845 -79.5442,\n 43.6079 -79.4893,\n 43.5677 -79.4632,\n 43.6129 -79.3925,\n 43.6223 -79.3238,\n 43.6576 -79.3163,\n 43.7945 -79.1178,\n 43.8144 -79.1542,\n 43.8555 -79.1714,\n 43.7509 -79.6390,\n 43.5845 -79.5442)))\n",
		`{"op":"and","args":[{"op":"like","args":[{"property":"eo_instruments"},"OLI%"]},{"op":"s_intersects","args":[{"property":"footprint"},{"type":"Polygon","coordinates":[[[43.5845,-79.5442],[43.6079,-79.4893],[43.5677,-79.4632],[43.6129,-79.3925],[43.6223,-79.3238],[43.6576,-79.3163],[43.7945,-79.1178],[43.8144,-79.1542],[43.8555,-79.1714],[43.7509,-79.6390],[43.5845,-79.5442]]]}]}]}`},
	{"example09", "floors>5\n", `{"op":">","args":[{"property":"floors"},5]}`},
	{"example10", "taxes <= 500\n", `{"op":"<=","args":[{"property":"taxes"},500]}`},
	{"example12", "owner LIKE 'Mike%'\n", `{"op":"like","args":[{"property":"owner"},"Mike%"]}`},
	{"example14", "swimming_pool = true\n", `{"op":"=","args":[{"property":"swimming_pool"},true]}`},
	{"example16", "swimming_pool=true AND (floors>5 \n OR  material LIKE 'brick%'\n OR  material LIKE '%brick')\n",
		`{"op":"and","args":[{"op":"=","args":[{"property":"swimming_pool"},true]},{"op":"or","args":[{"op":">","args":[{"property":"floors"},5]},{"op":"like","args":[{"property":"material"},"brick%"]},{"op":"like","args":[{"property":"material"},"%brick"]}]}]}`},
	{"example17", "(floors>5 AND material='brick') OR swimming_pool=true\n",
		`{"op":"or","args":[{"op":"and","args":[{"op":">","args":[{"property":"floors"},5]},{"op":"=","args":[{"property":"material"},"brick"]}]},{"op":"=","args":[{"property":"swimming_pool"},true]}]}`},
	{"example18", "NOT (floors<5) OR swimming_pool=true\n",
		`{"op":"or","args":[{"op":"not","args":[{"op":"<","args":[{"property":"floors"},5]}]},{"op":"=","args":[{"property":"swimming_pool"},true]}]}`},
	{"example19", "(owner LIKE 'mike%' OR owner LIKE 'Mike%') AND floors<4\n",
		`{"op":"and","args":[{"op":"or","args":[{"op":"like","args":[{"property":"owner"},"mike%"]},{"op":"like","args":[{"property":"owner"},"Mike%"]}]},{"op":"<","args":[{"property":"floors"},4]}]}`},
	{"example20", "T_BEFORE(built, DATE('2015-01-01'))\n", `{"op":"t_before","args":[{"property":"built"},{"date":"2015-01-01"}]}`},
	{"example21", "T_AFTER(built,DATE('2012-06-05'))", `{"op":"t_after","args":[{"property":"built"},{"date":"2012-06-05"}]}`},
	{"example22", "T_DURING(INTERVAL(starts_at, ends_at), INTERVAL('2017-06-10T07:30:00Z', '2017-06-11T10:30:00Z'))\n",
		`{"op":"t_during","args":[{"interval":[{"property":"starts_at"},{"property":"ends_at"}]},{"interval":["2017-06-10T07:30:00Z","2017-06-11T10:30:00Z"]}]}`},
	{"example23", "S_WITHIN(location,BBOX(-118,33.8,-117.9,34))", `{"op":"s_within","args":[{"property":"location"},{"bbox":[-118,33.8,-117.9,34]}]}`},
	{"example24", "S_INTERSECTS(geometry,POLYGON((-10.0 -10.0,10.0 -10.0,10.0 10.0,-10.0 -10.0)))\n",
		`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[-10,-10],[10,-10],[10,10],[-10,-10]]]}]}`},
	{"example25", "floors>5 AND S_WITHIN(geometry,BBOX(-118,33.8,-117.9,34))",
		`{"op":"and","args":[{"op":">","args":[{"property":"floors"},5]},{"op":"s_within","args":[{"property":"geometry"},{"bbox":[-118,33.8,-117.9,34]}]}]}`},
	{"example28", "CASEI(geophys:SURVEY_NAME) LIKE CASEI('%calcutta%')\n",
		`{"op":"like","args":[{"op":"casei","args":[{"property":"geophys:SURVEY_NAME"}]},{"op":"casei","args":["%calcutta%"]}]}`},
	{"example29", `"id" = 'fa7e1920-9107-422d-a3db-c468cbc5d6df'`, `{"op":"=","args":[{"property":"id"},"fa7e1920-9107-422d-a3db-c468cbc5d6df"]}`},
	{"example30", `"id" <> 'fa7e1920-9107-422d-a3db-c468cbc5d6df'`, `{"op":"<>","args":[{"property":"id"},"fa7e1920-9107-422d-a3db-c468cbc5d6df"]}`},
	{"example31", `"value" < 10`, `{"op":"<","args":[{"property":"value"},10]}`},
	{"example33", `"value" <= 10`, `{"op":"<=","args":[{"property":"value"},10]}`},
	{"example35", `"name" LIKE 'foo%'`, `{"op":"like","args":[{"property":"name"},"foo%"]}`},
	{"example37", `"value" BETWEEN 10 AND 20`, `{"op":"between","args":[{"property":"value"},10,20]}`},
	{"example41", `"value" IS NULL`, `{"op":"isNull","args":[{"property":"value"}]}`},
	{"example45", `S_INTERSECTS("geometry", BBOX(-128.098193, -1.1, -99999.0, 180.0, 90.0, 100000.0))`,
		`{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[-128.098193,-1.1,-99999.0,180.0,90.0,100000.0]}]}`},
	{"example50", `S_OVERLAPS("geometry", BBOX(-179.912109, 1.9, 180.0, 16.897016))`,
		`{"op":"s_overlaps","args":[{"property":"geometry"},{"bbox":[-179.912109,1.9,180.0,16.897016]}]}`},
	{"example53", `T_AFTER("updated_at", DATE('2010-02-10'))`, `{"op":"t_after","args":[{"property":"updated_at"},{"date":"2010-02-10"}]}`},
	{"example55", `T_CONTAINS(INTERVAL('2000-01-01T00:00:00.000000Z', '2005-01-10T01:01:01.393216Z'), INTERVAL(starts_at, ends_at))`,
		`{"op":"t_contains","args":[{"interval":["2000-01-01T00:00:00.000000Z","2005-01-10T01:01:01.393216Z"]},{"interval":[{"property":"starts_at"},{"property":"ends_at"}]}]}`},
	{"example57", `T_DURING(INTERVAL(starts_at, ends_at), INTERVAL('2005-01-10', '2010-02-10'))`,
		`{"op":"t_during","args":[{"interval":[{"property":"starts_at"},{"property":"ends_at"}]},{"interval":["2005-01-10","2010-02-10"]}]}`},
	{"example59", `T_FINISHEDBY(INTERVAL(starts_at, ends_at), INTERVAL('1991-10-07T08:21:06.393262Z', '2010-02-10T05:29:20.073225Z'))`,
		`{"op":"t_finishedby","args":[{"interval":[{"property":"starts_at"},{"property":"ends_at"}]},{"interval":["1991-10-07T08:21:06.393262Z","2010-02-10T05:29:20.073225Z"]}]}`},
	{"example67", `T_STARTS(INTERVAL(starts_at, ends_at), INTERVAL('1991-10-07T08:21:06.393262Z', '..'))`,
		`{"op":"t_starts","args":[{"interval":[{"property":"starts_at"},{"property":"ends_at"}]},{"interval":["1991-10-07T08:21:06.393262Z",".."]}]}`},
	// ours: the other predicates and literals of the classes we declare
	{"not-like-in-between", `name NOT LIKE 'a%' AND x NOT IN (1, 2) AND y NOT BETWEEN 1 AND 2 AND z IS NOT NULL`,
		`{"op":"and","args":[{"op":"not","args":[{"op":"like","args":[{"property":"name"},"a%"]}]},{"op":"not","args":[{"op":"in","args":[{"property":"x"},[1,2]]}]},{"op":"not","args":[{"op":"between","args":[{"property":"y"},1,2]}]},{"op":"not","args":[{"op":"isNull","args":[{"property":"z"}]}]}]}`},
	{"arithmetic", `area_m2 / 10000 + 1 > 2 * -3 ^ 2 AND a % 2 = b div 3`,
		`{"op":"and","args":[{"op":">","args":[{"op":"+","args":[{"op":"/","args":[{"property":"area_m2"},10000]},1]},{"op":"*","args":[2,{"op":"^","args":[-3,2]}]}]},{"op":"=","args":[{"op":"%","args":[{"property":"a"},2]},{"op":"div","args":[{"property":"b"},3]}]}]}`},
	{"accenti", `ACCENTI(name_vi) LIKE ACCENTI('%tan thuan%')`,
		`{"op":"like","args":[{"op":"accenti","args":[{"property":"name_vi"}]},{"op":"accenti","args":["%tan thuan%"]}]}`},
	{"points-lines", `S_CROSSES(geometry, LINESTRING(1 2, 3 4)) OR S_TOUCHES(geometry, MULTIPOINT((1 2), (3 4))) OR S_EQUALS(geometry, POINT(1 2))`,
		`{"op":"or","args":[{"op":"s_crosses","args":[{"property":"geometry"},{"type":"LineString","coordinates":[[1,2],[3,4]]}]},{"op":"s_touches","args":[{"property":"geometry"},{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}]},{"op":"s_equals","args":[{"property":"geometry"},{"type":"Point","coordinates":[1,2]}]}]}`},
	{"multipolygon", `S_CONTAINS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2))))`,
		`{"op":"s_contains","args":[{"property":"geometry"},{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}]}`},
	{"timestamp", `T_INTERSECTS(updated_at, TIMESTAMP('2024-05-01T08:00:00+07:00'))`,
		`{"op":"t_intersects","args":[{"property":"updated_at"},{"timestamp":"2024-05-01T01:00:00Z"}]}`},
}

func TestStandardExamples(t *testing.T) {
	for _, ex := range standardExamples {
		text, err := ParseText(ex.text, DefaultLimits)
		if err != nil {
			t.Errorf("%s: cql2-text: %v", ex.name, err)
			continue
		}
		js, err := ParseJSON(ex.json, DefaultLimits)
		if err != nil {
			t.Errorf("%s: cql2-json: %v", ex.name, err)
			continue
		}
		if text.String() != js.String() {
			t.Errorf("%s: the encodings differ:\n text %s\n json %s", ex.name, text, js)
		}
	}
}

func TestParseTree(t *testing.T) {
	n, err := ParseText(`a = 1 OR b = 2 AND NOT c = 3`, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n.String(), `or(=({a},1),and(=({b},2),not(=({c},3))))`; got != want {
		t.Errorf("precedence: got %s, want %s", got, want)
	}
	n, err = ParseText(`T_AFTER(d, DATE('2024-02-29'))`, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if d := n.Args[1].Time; !d.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date %v", d)
	}
}

// TestErrorsPointAtToken: a filter that cannot be read says where and what.
func TestErrorsPointAtToken(t *testing.T) {
	for _, c := range []struct {
		src, lang string
		pos       int
		token     string
	}{
		{"status = 'leased' AND AND x = 1", "text", 22, "AND"},
		{"status == 'leased'", "text", 8, "="},
		{"status = 'leased", "text", 9, "'leased"},
		{"S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1)))", "text", 31, "("},
		{"FOO(a, b)", "text", 0, "FOO"},
		{"a = 1 )", "text", 6, ")"},
		{"a # 1", "text", 2, "#"},
		{"T_AFTER(d, DATE('2024-13-01'))", "text", 16, "2024-13-01"},
		{`{"op":"=","args":[{"property":"a"},1],"x":2}`, "json", 38, "x"},
		{`{"op":"nope","args":[1,2]}`, "json", 6, `"nope"`},
		{`{"op":"=","args":[{"property":"a"}]}`, "json", 6, `=`},
		{`{"op":"=","args":[{"property":"a"},null]}`, "json", 35, `null`},
	} {
		var err error
		if c.lang == "text" {
			_, err = ParseText(c.src, DefaultLimits)
		} else {
			_, err = ParseJSON(c.src, DefaultLimits)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: err %v, want an *Error", c.src, err)
			continue
		}
		if e.Pos != c.pos || e.Token != c.token {
			t.Errorf("%s: error %q at %d (%q), want at %d (%q)", c.src, e.Msg, e.Pos, e.Token, c.pos, c.token)
		}
	}
}

// TestLimits: depth, size and vertices are bounded before anything runs.
func TestLimits(t *testing.T) {
	deep := strings.Repeat("(", 100) + "a = 1" + strings.Repeat(")", 100)
	nots := strings.Repeat("NOT ", 100) + "a = 1"
	jdeep := strings.Repeat(`{"op":"not","args":[`, 100) + `true` + strings.Repeat(`]}`, 100)
	many := "a IN (" + strings.Repeat("1,", 5000) + "1)"
	var ring strings.Builder
	ring.WriteString("S_INTERSECTS(geometry, POLYGON((0 0")
	for i := 0; i < 30000; i++ {
		ring.WriteString(", 1 1")
	}
	ring.WriteString(", 0 0)))")
	long := "a = '" + strings.Repeat("x", 5000) + "'"
	for _, src := range []string{deep, nots, many, ring.String(), long, strings.Repeat(" ", 70<<10)} {
		if _, err := ParseText(src, DefaultLimits); err == nil {
			t.Errorf("%.40s…: accepted", src)
		}
	}
	if _, err := ParseJSON(jdeep, DefaultLimits); err == nil {
		t.Error("deep JSON accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, ex := range standardExamples {
		f.Add(ex.text)
		f.Add(ex.json)
	}
	f.Add(strings.Repeat("(", 60))
	f.Add("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), POLYGON((0 0, 1 0, 1 1, 0 0))))")
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		for _, parse := range []func(string, Limits) (*Node, error){ParseText, ParseJSON} {
			n, err := parse(src, DefaultLimits)
			if err == nil {
				depth := 0
				var walk func(*Node, int)
				walk = func(n *Node, d int) {
					depth = max(depth, d)
					for _, a := range n.Args {
						walk(a, d+1)
					}
				}
				walk(n, 1)
				if depth > 3*DefaultLimits.Depth {
					t.Fatalf("tree %d deep", depth)
				}
				_, _ = Compile(n, testQueryables, 1e6)
			}
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("parse took %v", d)
		}
	})
}
