package httpapi_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/seed"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Disclosure: lease capital is confidential per lease, and no public
// answer, nor the difference of two public answers around one write, may
// give it away. These tests walk every public route of the router, so a
// route added later is walked too (or the walk fails until it is).

// secretCapital is the capital of the lease the walk records: distinctive
// enough that no other figure equals it or differs by it by chance.
const secretCapital = 123456789.37

// walked are the numbers of one walk of the public routes, by the route,
// the query and the place in the answer ("/stats/zones?f=csv row 17
// capital_usd"), and the raw bodies for a search of their bytes.
type walked struct {
	nums   map[string]float64
	bodies map[string][]byte
}

// walkTargets names what the walk fills the route parameters with.
type walkTargets struct {
	zoneID, zoneCode    string
	parcelID, greenID   int64
	tileZ, tileX, tileY int
	lon, lat            float64
	assets              []string
}

// publicURLs expands a GET route template into the requests the walk
// makes. It fails the test for a template it does not know: a new route
// must be added here, with every variant that could carry an aggregate.
func publicURLs(t *testing.T, path string, w walkTargets) []string {
	t.Helper()
	colls := []string{"zones", "parcels", "green-areas"}
	fmtCSV := func(urls ...string) []string {
		out := slices.Clone(urls)
		for _, u := range urls {
			sep := "?"
			if strings.Contains(u, "?") {
				sep = "&"
			}
			out = append(out, u+sep+"f=csv")
		}
		return out
	}
	var out []string
	switch path {
	case "/healthz", "/metrics", "/", "/conformance", "/api", "/collections", "/boards", "/enums", "/app", "/app/", "/app/config.json", "/favicon.ico":
		return []string{path}
	case "/boards/:id":
		return []string{"/boards/hepza"}
	case "/collections/:collection/queryables":
		return []string{"/collections/zones/queryables", "/collections/parcels/queryables", "/collections/green-areas/queryables"}
	case "/auth/oidc/start", "/auth/oidc/callback":
		return nil // redirects to and from the OpenID provider: no figures
	case "/collections/:collection", "/collections/:collection/schema", "/collections/:collection/schemas/feature", "/collections/:collection/sortables":
		for _, c := range colls {
			out = append(out, strings.Replace(path, ":collection", c, 1))
		}
		return out
	case "/collections/:collection/items":
		for _, c := range colls {
			out = append(out, "/collections/"+c+"/items?limit=10000")
		}
		return append(out, "/collections/parcels/items?limit=10000&zone="+w.zoneCode)
	case "/collections/:collection/items/:id":
		return []string{"/collections/zones/items/" + w.zoneID, fmt.Sprintf("/collections/parcels/items/%d", w.parcelID),
			fmt.Sprintf("/collections/green-areas/items/%d", w.greenID)}
	case "/query/at":
		return []string{fmt.Sprintf("/query/at?lon=%v&lat=%v", w.lon, w.lat)}
	case "/query/sites":
		return []string{fmt.Sprintf("/query/sites?lon=%v&lat=%v&radius_m=20000", w.lon, w.lat)}
	case "/parcels/:id/leases", "/parcels/:id/status", "/parcels/:id/lineage":
		return []string{strings.Replace(path, ":id", strconv.FormatInt(w.parcelID, 10), 1)}
	case "/tiles/:layer":
		for _, l := range []string{"zones", "parcels", "green-areas", "all"} {
			out = append(out, "/tiles/"+l+".json")
		}
		return out
	case "/tiles/:layer/:z/:x/:y":
		for _, l := range []string{"zones", "parcels", "green-areas", "all"} {
			out = append(out, fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", l, w.tileZ, w.tileX, w.tileY))
		}
		return out
	case "/tiles", "/tiles/WebMercatorQuad", "/tileMatrixSets", "/tileMatrixSets/WebMercatorQuad":
		return []string{path}
	case "/tiles/WebMercatorQuad/:tileMatrix/:tileRow/:tileCol":
		return []string{fmt.Sprintf("/tiles/WebMercatorQuad/%d/%d/%d", w.tileZ, w.tileY, w.tileX)}
	case "/collections/:collection/tiles", "/collections/:collection/tiles/WebMercatorQuad":
		for _, c := range colls {
			out = append(out, strings.Replace(path, ":collection", c, 1))
		}
		return out
	case "/collections/:collection/tiles/WebMercatorQuad/:tileMatrix/:tileRow/:tileCol":
		for _, c := range colls {
			out = append(out, fmt.Sprintf("/collections/%s/tiles/WebMercatorQuad/%d/%d/%d", c, w.tileZ, w.tileY, w.tileX))
		}
		return out
	case "/app/assets/:file":
		for _, a := range w.assets {
			out = append(out, "/app/assets/"+a)
		}
		return out
	case "/stats/zones":
		return fmtCSV("/stats/zones", "/stats/zones?board=hepza", "/stats/zones?province=Th%C3%A0nh+ph%E1%BB%91+H%E1%BB%93+Ch%C3%AD+Minh",
			"/stats/zones?kind=export_processing_zone")
	case "/stats/zones/:id":
		return fmtCSV("/stats/zones/"+w.zoneID, "/stats/zones/"+w.zoneCode)
	case "/stats/boards", "/stats/provinces", "/stats/kinds", "/stats/published":
		return fmtCSV(path)
	case "/stats/leasing":
		for _, by := range []string{"year", "quarter"} {
			for _, filter := range []string{"", "&board=hepza", "&province=thanh+pho+ho+chi+minh", "&board=hepza&province=thanh+pho+ho+chi+minh", "&from=2020&to=2030"} {
				out = append(out, "/stats/leasing?by="+by+filter)
			}
		}
		return fmtCSV(out...)
	case "/stats/investment":
		for _, q := range []string{"", "?group=all,country,sector,board,province,kind", "?by=quarter&group=board", "?board=hepza&from=2020&to=2030",
			"?zone=" + w.zoneCode + "&group=country"} {
			out = append(out, "/stats/investment"+q)
		}
		return fmtCSV(out...)
	case "/collections/:collection/export":
		for _, c := range colls {
			for _, f := range []string{"geojson", "geojsonseq", "csv", "fgb"} {
				out = append(out, "/collections/"+c+"/export?f="+f)
			}
			out = append(out, "/collections/"+c+"/export?crs=EPSG:3405")
		}
		return out
	case "/zones/:id/dossier":
		for _, f := range []string{"geojson", "geojsonseq", "csv", "fgb"} {
			out = append(out, "/zones/"+w.zoneCode+"/dossier?f="+f)
		}
		return out
	}
	t.Fatalf("the disclosure walk does not know the route GET %s: add it to publicURLs with every variant that could carry an aggregate", path)
	return nil
}

// notPublic are the GET routes that need a key; the walk checks that a
// public caller is refused there.
var notPublic = map[string]bool{"/audit": true, "/jobs/:id": true, "/auth/me": true}

// walk GETs every public route as a caller without a key (and POSTs the
// public /query/intersects) and records every number of every answer.
func (e *writeEnv) walk(t *testing.T, routes []string, w walkTargets) walked {
	t.Helper()
	out := walked{nums: map[string]float64{}, bodies: map[string][]byte{}}
	for _, path := range routes {
		if notPublic[path] {
			if r := e.send(t, http.MethodGet, path, "", nil); r.status != http.StatusUnauthorized {
				t.Fatalf("public GET %s: %d, want 401", path, r.status)
			}
			continue
		}
		for _, u := range publicURLs(t, path, w) {
			r := e.send(t, http.MethodGet, u, "", nil)
			if r.status != http.StatusOK && !(r.status == http.StatusMovedPermanently || r.status == http.StatusFound) {
				t.Fatalf("public GET %s: %d %.300s", u, r.status, r.body)
			}
			out.bodies[u] = r.body
			recordNumbers(t, out.nums, u, r)
		}
	}
	ring := [][]float64{{w.lon - 0.05, w.lat - 0.05}, {w.lon + 0.05, w.lat - 0.05}, {w.lon + 0.05, w.lat + 0.05},
		{w.lon - 0.05, w.lat + 0.05}, {w.lon - 0.05, w.lat - 0.05}}
	r := e.send(t, http.MethodPost, "/query/intersects", "", map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}})
	want(t, r, http.StatusOK, "public POST /query/intersects")
	out.bodies["POST /query/intersects"] = r.body
	recordNumbers(t, out.nums, "POST /query/intersects", r)
	return out
}

// recordNumbers puts every number of an answer in nums: JSON (and GeoJSON
// text sequences) by the path to the value, array elements named by their
// id where they have one, so that a feature keeps its name when another
// leaves a list; CSV by the row's first cell and the column. Other bodies
// (FlatGeobuf, vector tiles, HTML, JavaScript) are searched as bytes.
func recordNumbers(t *testing.T, nums map[string]float64, u string, r response) {
	t.Helper()
	ct := r.contentType()
	switch {
	case strings.HasPrefix(ct, "text/csv"):
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: CSV: %v", u, err)
		}
		for _, row := range rows[1:] {
			for j, cell := range row {
				if v, err := strconv.ParseFloat(cell, 64); err == nil && j < len(rows[0]) {
					nums[u+" row "+row[0]+" "+rows[0][j]] = v
				}
			}
		}
	case strings.Contains(ct, "geo+json-seq") || strings.Contains(ct, "json-seq"):
		for _, rec := range bytes.Split(r.body, []byte{0x1e}) {
			if rec = bytes.TrimSpace(rec); len(rec) > 0 {
				var v any
				if err := json.Unmarshal(rec, &v); err != nil {
					t.Fatalf("%s: record: %v", u, err)
				}
				jsonNumbers(nums, u+" record", v)
			}
		}
	case strings.Contains(ct, "json"):
		var v any
		d := json.NewDecoder(bytes.NewReader(r.body))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatalf("%s: JSON: %v", u, err)
		}
		jsonNumbers(nums, u, v)
	}
}

func jsonNumbers(nums map[string]float64, path string, v any) {
	switch v := v.(type) {
	case json.Number:
		if f, err := v.Float64(); err == nil {
			nums[path] = f
		}
	case float64:
		nums[path] = v
	case map[string]any:
		for k, x := range v {
			jsonNumbers(nums, path+"."+k, x)
		}
	case []any:
		for i, x := range v {
			name := strconv.Itoa(i)
			if m, ok := x.(map[string]any); ok {
				for _, k := range []string{"id", "zone_id", "period", "key", "code"} {
					if id, ok := m[k]; ok {
						name = fmt.Sprintf("%s=%v", k, id)
						break
					}
				}
			}
			jsonNumbers(nums, path+"["+name+"]", x)
		}
	}
}

// revealed lists the ways the bytes of body spell capital: the decimal
// forms a JSON or CSV writer uses, and float64 and float32 in both byte
// orders (FlatGeobuf and vector tiles keep numbers as binary).
func revealed(body []byte, capital float64) []string {
	var found []string
	for _, s := range []string{strconv.FormatFloat(capital, 'f', -1, 64), strconv.FormatFloat(capital, 'g', -1, 64),
		strconv.FormatFloat(capital, 'f', 1, 64), strconv.FormatFloat(capital, 'e', -1, 64)} {
		if bytes.Contains(body, []byte(s)) {
			found = append(found, strconv.Quote(s))
		}
	}
	for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		if bytes.Contains(body, order.AppendUint64(nil, math.Float64bits(capital))) {
			found = append(found, fmt.Sprintf("float64 %v", order))
		}
		if bytes.Contains(body, order.AppendUint32(nil, math.Float32bits(float32(capital)))) {
			found = append(found, fmt.Sprintf("float32 %v", order))
		}
	}
	return found
}

// checkUndisclosed fails t for every number of after, and every difference
// of a number between before and after at the same place, within 1 USD of
// capital, and for every body that spells capital.
func checkUndisclosed(t *testing.T, before, after walked, capital float64) {
	t.Helper()
	var bad []string
	for _, w := range []walked{before, after} {
		for k, v := range w.nums {
			if math.Abs(v-capital) <= 1 {
				bad = append(bad, fmt.Sprintf("%s = %v", k, v))
			}
		}
	}
	for k, a := range after.nums {
		if b, ok := before.nums[k]; ok && math.Abs(math.Abs(a-b)-capital) <= 1 {
			bad = append(bad, fmt.Sprintf("%s: %v before the lease, %v after: difference %v", k, b, a, a-b))
		}
	}
	for u, body := range after.bodies {
		if r := revealed(body, capital); len(r) > 0 {
			bad = append(bad, fmt.Sprintf("%s spells the capital as %s", u, strings.Join(r, ", ")))
		}
	}
	slices.Sort(bad)
	if len(bad) > 0 {
		t.Errorf("public answers reveal the capital %v of one lease (%d places):\n%s", capital, len(bad), strings.Join(head20(bad), "\n"))
	}
}

func head20(s []string) []string {
	if len(s) > 20 {
		return append(s[:20:20], fmt.Sprintf("... and %d more", len(s)-20))
	}
	return s
}

// seededWriteEnv is a writable registry seeded like the shared fixture's
// (290 zones, synthetic parcels and leases in seedZones) with a planner
// key, and the API over it.
func seededWriteEnv(t *testing.T) *writeEnv {
	t.Helper()
	ctx := context.Background()
	db := postgistest.Open(t)
	if _, err := seed.Seed(ctx, db, seed.Options{Parcels: seedZones}); err != nil {
		t.Fatal(err)
	}
	e := &writeEnv{db: db}
	var err error
	if e.planner, _, err = db.CreateKey(ctx, "Phòng Quy hoạch", zonegis.RolePlanner); err != nil {
		t.Fatal(err)
	}
	e.fixture = &fixture{pool: db.Pool(), url: startInstance(t, db)}
	return e
}

// publicGETRoutes are the router's GET routes, from the router itself.
func publicGETRoutes() []string {
	var out []string
	for _, r := range httpapi.New(withMemStore(httpapi.Options{})).Routes() {
		if r.Method == http.MethodGet {
			out = append(out, r.Path)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestDisclosureWalk walks every public route, records a lease with a
// distinctive capital as a planner, walks again, and fails where a public
// number, or the change of one, is that capital. The lease goes to a zone
// with many lessees, where rounding, not withholding, is what protects it.
func TestDisclosureWalk(t *testing.T) {
	e := seededWriteEnv(t)
	var w walkTargets
	var parcel int64
	e.scalar(t, `SELECT z.id::text, z.code, ST_X(c), ST_Y(c) FROM zones z, ST_PointOnSurface(z.boundary) c WHERE z.code = $1`,
		[]any{"KCX-TAN-THUAN"}, &w.zoneID, &w.zoneCode, &w.lon, &w.lat)
	e.scalar(t, `SELECT (SELECT min(p.id) FROM parcels p JOIN leases l ON l.parcel_id = p.id WHERE p.zone_id = $1),
	                    (SELECT min(id) FROM green_areas WHERE zone_id = $1)`,
		[]any{w.zoneID}, &w.parcelID, &w.greenID)
	var available featureCollection
	e.getJSON(t, "/collections/parcels/items?limit=1&status=available&zone="+w.zoneCode, &available)
	if len(available.Features) != 1 {
		t.Fatalf("no available parcel in %s", w.zoneCode)
	}
	parcel = available.Features[0].ID
	w.tileZ = 12
	n, latR := float64(int(1)<<w.tileZ), w.lat*math.Pi/180
	w.tileX = int(math.Floor((w.lon + 180) / 360 * n))
	w.tileY = int(math.Floor((1 - math.Log(math.Tan(latR)+1/math.Cos(latR))/math.Pi) / 2 * n))
	index := e.send(t, http.MethodGet, "/app/", "", nil)
	for _, m := range regexp.MustCompile(`assets/([A-Za-z0-9._-]+)`).FindAllSubmatch(index.body, -1) {
		w.assets = append(w.assets, string(m[1]))
	}
	if len(w.assets) == 0 {
		t.Fatalf("no assets named in /app/: %.300s", index.body)
	}
	// A plan target for this year, so that the percentage of plan is
	// in the answers too.
	if _, err := e.pool.Exec(context.Background(), `INSERT INTO plan_targets (scope, scope_id, year, hectares, capital_usd)
		VALUES ('all', '', extract(year FROM now())::int, 50, 1e9)`); err != nil {
		t.Fatal(err)
	}

	routes := publicGETRoutes()
	before := e.walk(t, routes, w)
	hepzaBefore := hepzaCapital(t, e, before.bodies["/stats/boards"])
	// From yesterday (UTC): in force on the statistics' day whichever
	// calendar gives it.
	body := leaseBody("Secret Capital Electronics Co.", today().AddDate(0, 0, -1), 50)
	body["capital_usd"] = secretCapital
	l := e.leaseParcel(t, parcel, body)
	if l.CapitalUSD == nil || *l.CapitalUSD != secretCapital {
		t.Fatalf("the planner's answer shows capital %v, want %v", l.CapitalUSD, secretCapital)
	}
	after := e.walk(t, routes, w)
	if len(after.nums) < 1000 {
		t.Fatalf("the walk recorded only %d numbers", len(after.nums))
	}
	checkUndisclosed(t, before, after, secretCapital)

	// The rule is not "withhold everything": before the lease the public
	// saw HEPZA's total rounded to a unit no lease reaches, and the planner
	// sees it exactly. After it, the new lease is larger than the unit of
	// the new total (7.1e8 rounds to 1e8): withheld, not rounded.
	checkBoard := func(what string, public []byte, sum, largest float64, wantDisclosure string) {
		t.Helper()
		var pub, exact struct {
			Items []struct {
				Key        string   `json:"key"`
				CapitalUSD *float64 `json:"capital_usd"`
				Disclosure string   `json:"capital_disclosure"`
				Rounding   *float64 `json:"capital_rounding_usd"`
			} `json:"items"`
		}
		if err := json.Unmarshal(public, &pub); err != nil {
			t.Fatal(err)
		}
		for _, g := range pub.Items {
			if g.Key != "hepza" {
				continue
			}
			if g.Disclosure != wantDisclosure {
				t.Errorf("%s: public sees hepza capital as %q, want %q", what, g.Disclosure, wantDisclosure)
			}
			if g.Disclosure == "rounded" && (g.CapitalUSD == nil || g.Rounding == nil ||
				math.Abs(*g.CapitalUSD-sum) > *g.Rounding/2 || math.Mod(*g.CapitalUSD, *g.Rounding) != 0 || *g.Rounding < largest) {
				t.Errorf("%s: public sees hepza capital %v rounded to %v, want %v rounded to a unit at least the largest lease %v",
					what, g.CapitalUSD, g.Rounding, sum, largest)
			}
			if g.Disclosure != "rounded" && (g.CapitalUSD != nil || g.Rounding != nil) {
				t.Errorf("%s: public sees hepza capital %v rounded to %v (%s)", what, g.CapitalUSD, g.Rounding, g.Disclosure)
			}
		}
		if what == "after" {
			r := e.send(t, http.MethodGet, "/stats/boards", e.planner, nil)
			want(t, r, http.StatusOK, "planner /stats/boards")
			if err := json.Unmarshal(r.body, &exact); err != nil {
				t.Fatal(err)
			}
			for _, g := range exact.Items {
				if g.Key == "hepza" && (g.CapitalUSD == nil || math.Abs(*g.CapitalUSD-sum) > 0.01 || g.Disclosure != "exact") {
					t.Errorf("planner sees hepza capital %v (%s), want exactly %v", g.CapitalUSD, g.Disclosure, sum)
				}
			}
		}
	}
	checkBoard("before", before.bodies["/stats/boards"], hepzaBefore[0], hepzaBefore[1], "rounded")
	hepzaAfter := hepzaCapital(t, e, after.bodies["/stats/boards"])
	checkBoard("after", after.bodies["/stats/boards"], hepzaAfter[0], hepzaAfter[1], "withheld: one lessee's total is larger than the rounding unit")
}

// hepzaCapital is the sum and the largest capital of HEPZA's leases in
// force, from SQL, on the day of the statistics answer boards.
func hepzaCapital(t *testing.T, e *writeEnv, boards []byte) [2]float64 {
	t.Helper()
	var doc struct {
		AsOf string `json:"as_of"`
	}
	if err := json.Unmarshal(boards, &doc); err != nil || doc.AsOf == "" {
		t.Fatalf("/stats/boards without as_of: %v", err)
	}
	var c [2]float64
	e.scalar(t, `SELECT sum(l.capital_usd)::float8, max(l.capital_usd)::float8
		  FROM leases l JOIN parcels p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id
		 WHERE z.board_id = 'hepza' AND l.start_date <= $1::date AND $1::date < coalesce(l.ended_on, l.end_date)`,
		[]any{doc.AsOf}, &c[0], &c[1])
	return c
}

// TestDisclosureOneLeaseZone is the case of the issue: a zone whose one
// lease in force is public by lessee must not show that lease's capital
// as its total, nor may its board, its province, its kind or the leasing
// series; the planner still sees the exact figures.
func TestDisclosureOneLeaseZone(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "S1", 106.700, 10.750, 106.702, 10.752)
	body := leaseBody("Only Lessee Co.", today().AddDate(0, 0, -1), 20)
	body["capital_usd"] = secretCapital
	e.leaseParcel(t, p.ID, body)
	type doc struct {
		Zone  map[string]any   `json:"zone"`
		Items []map[string]any `json:"items"`
	}
	for _, u := range []string{"/stats/zones/KCX-W", "/stats/zones", "/stats/boards", "/stats/provinces", "/stats/kinds",
		"/stats/leasing", "/stats/leasing?board=hepza", "/stats/leasing?by=quarter&province=thanh+pho+ho+chi+minh"} {
		for _, who := range []struct{ name, key string }{{"public", ""}, {"planner", e.planner}} {
			r := e.send(t, http.MethodGet, u, who.key, nil)
			want(t, r, http.StatusOK, who.name+" "+u)
			var d map[string]any
			if err := json.Unmarshal(r.body, &d); err != nil {
				t.Fatal(err)
			}
			var items []any
			for _, k := range []string{"zone", "items", "periods"} {
				switch v := d[k].(type) {
				case map[string]any:
					items = append(items, v)
				case []any:
					items = append(items, v...)
				}
			}
			seen := 0
			for _, it := range items {
				m := it.(map[string]any)
				if n, _ := m["leases"].(float64); n == 0 {
					if n, _ := m["leases_in_force"].(float64); n == 0 {
						continue
					}
				}
				seen++
				capital, disclosure := m["capital_usd"], m["capital_disclosure"]
				if who.key == "" {
					if capital != nil || disclosure != "withheld: fewer than 3 lessees" {
						t.Errorf("public %s: capital_usd %v, capital_disclosure %v; want null, withheld: fewer than 3 lessees", u, capital, disclosure)
					}
					for _, k := range []string{"capital_yoy_pct", "plan_capital_pct", "capital_rounding_usd"} {
						if v, ok := m[k]; ok && v != nil {
							t.Errorf("public %s: %s %v with the capital withheld", u, k, v)
						}
					}
				} else if capital != secretCapital || disclosure != "exact" {
					t.Errorf("planner %s: capital_usd %v (%v), want exactly %v", u, capital, disclosure, secretCapital)
				}
			}
			if seen == 0 {
				t.Errorf("%s %s: no item with the lease: %.300s", who.name, u, r.body)
			}
			if who.key == "" {
				if found := revealed(r.body, secretCapital); len(found) > 0 {
					t.Errorf("public %s spells the capital: %v", u, found)
				}
			}
		}
		// CSV says the same as JSON.
		r := e.send(t, http.MethodGet, u+map[bool]string{true: "&", false: "?"}[strings.Contains(u, "?")]+"f=csv", "", nil)
		want(t, r, http.StatusOK, "public CSV "+u)
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		ci, di := slices.Index(rows[0], "capital_usd"), slices.Index(rows[0], "capital_disclosure")
		if ci < 0 || di < 0 {
			t.Fatalf("public CSV %s: header %v without capital_usd and capital_disclosure", u, rows[0])
		}
		for _, row := range rows[1:] {
			if row[di] == "exact" && row[ci] != "0" || strings.HasPrefix(row[di], "withheld") && row[ci] != "" || row[di] == "" {
				t.Errorf("public CSV %s: capital %q with disclosure %q", u, row[ci], row[di])
			}
		}
	}
}
