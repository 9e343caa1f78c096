package measure

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func loadZones(t *testing.T) map[string]orb.MultiPolygon {
	raw, err := os.ReadFile("/work/shared/data/vn/vn_industrial_parks_osm.geojson")
	if err != nil {
		t.Skip(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]orb.MultiPolygon{}
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		}
		out[f.Properties.MustString("osm_id")] = mp
	}
	return out
}

func TestScratchAreas(t *testing.T) {
	z := loadZones(t)
	f, _ := os.Open("/tmp/measure_helper_pg/areas.tsv")
	sc := bufio.NewScanner(f)
	worst, worstI := 0.0, 0.0
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		truth, _ := strconv.ParseFloat(p[1], 64)
		got := AreaM2(z[p[0]])
		rel := math.Abs(got-truth) / truth
		ia := IntersectionAreaM2(z[p[0]], z[p[0]])
		reli := math.Abs(ia-truth) / truth
		if rel > worst {
			worst = rel
			fmt.Println(p[0], truth, got, rel)
		}
		if reli > worstI {
			worstI = reli
			fmt.Println("I", p[0], truth, ia, reli)
		}
	}
}

func readTSV(t *testing.T, path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, strings.Split(sc.Text(), "\t"))
	}
	return out
}

func translate(mp orb.MultiPolygon, dx, dy float64) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for _, r := range p {
			for i := range r {
				r[i][0] += dx
				r[i][1] += dy
			}
		}
	}
	return out
}

func TestScratchInter(t *testing.T) {
	z := loadZones(t)
	worst := 0.0
	for _, row := range readTSV(t, "/tmp/measure_helper_pg/inter.tsv") {
		dx, _ := strconv.ParseFloat(row[2], 64)
		dy, _ := strconv.ParseFloat(row[3], 64)
		truth, _ := strconv.ParseFloat(row[4], 64)
		a := z[row[0]]
		b := z[row[1]]
		if row[0] == row[1] {
			b = translate(a, dx, dy)
		}
		got := IntersectionAreaM2(a, b)
		got2 := IntersectionAreaM2(b, a)
		err := math.Max(math.Abs(got-truth), math.Abs(got2-truth))
		rel := err / math.Max(truth, 1)
		if rel > worst || (truth == 0 && got != 0) {
			worst = math.Max(rel, worst)
			fmt.Println(row, got, got2, rel)
		}
	}
}

func TestScratchDist(t *testing.T) {
	z := loadZones(t)
	worst := 0.0
	for _, row := range readTSV(t, "/tmp/measure_helper_pg/dist.tsv") {
		x, _ := strconv.ParseFloat(row[1], 64)
		y, _ := strconv.ParseFloat(row[2], 64)
		truth, _ := strconv.ParseFloat(row[3], 64)
		p := orb.Point{x, y}
		got := DistanceM(p, z[row[0]])
		c := Contains(z[row[0]], p)
		if c != (row[4] == "t") {
			fmt.Println("contains mismatch", row)
		}
		rel := math.Abs(got-truth) / math.Max(truth, 1)
		if rel > worst {
			worst = rel
			fmt.Println(row, got, rel)
		}
	}
}

func TestScratchDist2(t *testing.T) {
	z := loadZones(t)
	worst, worstPG := 0.0, 0.0
	for _, row := range readTSV(t, "/tmp/measure_helper_pg/dist.tsv") {
		x, _ := strconv.ParseFloat(row[1], 64)
		y, _ := strconv.ParseFloat(row[2], 64)
		truth, _ := strconv.ParseFloat(row[3], 64)
		p := orb.Point{x, y}
		if row[4] == "t" {
			continue
		}
		got := DistanceM(p, z[row[0]])
		ref := bruteDistanceM(p, z[row[0]])
		rel := math.Abs(got-ref) / ref
		if rel > worst {
			worst = rel
			fmt.Println(row, got, ref, rel)
		}
		if r := math.Abs(truth-ref) / ref; r > worstPG {
			worstPG = r
			fmt.Println("PG vs ref", row, ref, r)
		}
	}
}
