package bench

import (
	"reflect"
	"strings"
	"testing"
)

// TestLabels: every row over the generated dataset names the dataset
// actually measured; a -zones 40 run (100,000 parcels) never says 1M.
func TestLabels(t *testing.T) {
	for _, c := range []struct {
		d         Dataset
		want, not string
	}{
		{Dataset{Zones: 40, Grid: 50, Cell: 0.001}, "100,000 parcels", "1M"},
		{DefaultDataset, "1M parcels", "1,000,000"},
		{Dataset{Zones: 2, Grid: 50, Cell: 0.001}, "5,000 parcels", "1M"},
		{Dataset{Zones: 1000, Grid: 50, Cell: 0.001}, "2,500,000 parcels", "1M"},
		{Dataset{Zones: 1200, Grid: 50, Cell: 0.001}, "3M parcels", "1M"},
	} {
		if got := c.d.Label(); got != c.want {
			t.Errorf("%+v: Label %q, want %q", c.d, got, c.want)
		}
		l := labelsFor(c.d)
		v := reflect.ValueOf(l)
		for i := range v.NumField() {
			name, s := v.Type().Field(i).Name, v.Field(i).String()
			if !strings.Contains(s, c.want) || strings.Contains(s, c.not) {
				t.Errorf("%s: row %s is %q: want it to name %q", c.d.Label(), name, s, c.want)
			}
		}
		if c.d.Zones == 40 && l.startup != "start-up: 100,000 parcels loaded" {
			t.Errorf("-zones 40 start-up row: %q", l.startup)
		}
	}
	if got := labelsFor(Dataset{Zones: 1, Grid: 4, Cell: 0.001}).bbox; !strings.Contains(got, "~16 of 16 parcels") {
		t.Errorf("a zone of 4×4 parcels: bbox row %q, want the box of the whole zone", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 13000: "13,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
