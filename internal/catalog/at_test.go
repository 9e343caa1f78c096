package catalog

import (
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The point lookup's answer echoes its point as encode.AppendFloat writes
// the floats read from the texts (what it wrote before it echoed the text
// that is already in that form), for texts in that form and not.
func TestAppendAtEchoesPoint(t *testing.T) {
	ix := index.New()
	ix.Load(1, []*zonegis.Zone{{ID: 1, Code: "KCN-X", Boundary: orb.MultiPolygon{{{{105, 9}, {108, 9}, {108, 11}, {105, 11}, {105, 9}}}}}}, nil, nil)
	snap := ix.Snapshot()
	for _, c := range [][2]string{{"106.7", "10.8"}, {"106.70", "10.80"}, {"106.123456789012", "-10.000000000001"}, {"106.1234567890123", "10.12345678901234567"},
		{"1.067e2", "1E1"}, {" 106.7", "+10.8 "}, {"-0", "0"}, {"-0.0", "00.5"}, {"180", "-90"}, {"106", ".5"}} {
		at, err := ParseAt(c[0], c[1])
		if err != nil {
			t.Fatalf("ParseAt(%q, %q): %v", c[0], c[1], err)
		}
		lon, _ := strconv.ParseFloat(strings.TrimSpace(c[0]), 64)
		lat, _ := strconv.ParseFloat(strings.TrimSpace(c[1]), 64)
		want := `{"point":[` + string(encode.AppendFloat(nil, lon)) + "," + string(encode.AppendFloat(nil, lat)) + `],"zones":`
		if got := string(AppendAt(nil, snap, at)); !strings.HasPrefix(got, want) {
			t.Errorf("AppendAt(%q, %q) = %s, want it to begin %s", c[0], c[1], got, want)
		}
	}
	if _, err := ParseAt("181", "10"); err == nil {
		t.Error("ParseAt(181, 10) took a longitude outside [-180, 180]")
	}
}
