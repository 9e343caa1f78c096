package bench

import (
	"strings"
	"testing"
)

func TestMedianAndRatio(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median of 3,1,2 = %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of 4,1,3,2 = %v", m)
	}
	if i := medianIndex([]float64{30, 10, 20}); i != 2 {
		t.Errorf("medianIndex of 30,10,20 = %d", i)
	}
	r := Result{Name: "x", Unit: "req/s", Ours: 70, Baseline: 100, Ratios: []float64{0.6, 0.75, 0.72}, Target: 0.7, TargetText: "≥ 70%"}
	if r.Ratio() != 0.72 {
		t.Errorf("Ratio %v, want the median of the rounds, 0.72", r.Ratio())
	}
	var b strings.Builder
	rep := &Report{Results: []Result{r}, Load: Load{Rounds: 3}}
	if err := rep.Markdown(&b, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "72% (median of 3 rounds: 60%, 75%, 72%)") {
		t.Errorf("report row lacks the rounds:\n%s", b.String())
	}
}
