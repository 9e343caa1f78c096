package bench

import (
	"strings"
	"testing"
	"time"
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

// TestMarkdownLatency: every row with requests shows their p50 / p99, the
// baseline's beside it, in columns of their own.
func TestMarkdownLatency(t *testing.T) {
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	rep := &Report{Dataset: Dataset{Zones: 40, Grid: 50, Cell: 0.001}, Load: Load{Rounds: 1}, Results: []Result{
		{Name: "point", Unit: "req/s", Ours: 30000, Baseline: 50000, BaselineName: "static",
			OursLatency: Latency{P50: ms(1.85), P99: ms(23.4), N: 150000}, BaselineLatency: Latency{P50: ms(0.6), P99: ms(4), N: 250000}},
		{Name: "start-up", Unit: "s", Ours: 1.2, TargetText: "< 10 s", Pass: true, AbsoluteTarget: true},
	}}
	var b strings.Builder
	if err := rep.Markdown(&b, ""); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"| measurement | zonegis | p50 / p99 | baseline | baseline p50 / p99 | ratio | target | result |",
		"| point | 30000 req/s | 1.85 ms / 23.4 ms | 50000 req/s, static | 0.60 ms / 4.00 ms | 60% | – | – |",
		"| start-up | 1.20 s | – | – | – | – | < 10 s | pass |",
		"Dataset: 100,000 synthetic parcels",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
