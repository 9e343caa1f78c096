package bench

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPercentile checks the nearest-rank percentile against its
// definition, counted by brute force: the smallest latency that at least
// p% of the requests took no longer than.
func TestPercentile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	byDefinition := func(xs []time.Duration, p float64) time.Duration {
		best := time.Duration(-1)
		for _, c := range xs {
			n := 0
			for _, x := range xs {
				if x <= c {
					n++
				}
			}
			if 100*n >= int(p)*len(xs) && (best < 0 || c < best) {
				best = c
			}
		}
		return best
	}
	for _, n := range []int{1, 2, 3, 7, 99, 100, 101, 1000, 1001} {
		xs := make([]time.Duration, n)
		for i := range xs {
			xs[i] = time.Duration(rng.IntN(5000)) * time.Microsecond
		}
		sorted := slices.Sorted(slices.Values(xs))
		for _, p := range []float64{50, 99} {
			if got, want := percentile(sorted, p), byDefinition(xs, p); got != want {
				t.Errorf("n=%d p%.0f: %v, want %v", n, p, got, want)
			}
		}
	}
	// 100 requests of 1..100 ms: p50 is the 50th, p99 the 99th.
	var hundred []time.Duration
	for i := 100; i >= 1; i-- {
		hundred = append(hundred, time.Duration(i)*time.Millisecond)
	}
	if l := percentiles(hundred); l.P50 != 50*time.Millisecond || l.P99 != 99*time.Millisecond || l.N != 100 {
		t.Errorf("1..100 ms: %+v, want p50 50 ms, p99 99 ms", l)
	}
	if l := percentiles(nil); l != (Latency{}) || l.String() != "–" {
		t.Errorf("no requests: %+v %q", l, l.String())
	}
	if s := (Latency{P50: 1850 * time.Microsecond, P99: 23400 * time.Microsecond, N: 9}).String(); s != "1.85 ms / 23.4 ms" {
		t.Errorf("String: %q", s)
	}
}

// TestParseWrkLatency reads the done hook's line from wrk 4.1's output
// (this output is from a real run of wrk with luaLatencyDone).
func TestParseWrkLatency(t *testing.T) {
	out := `Running 1s test @ http://127.0.0.1:18777/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.27ms    1.09ms   9.58ms   89.40%
    Req/Sec     1.63k   241.94     2.03k    80.00%
  Latency Distribution
     50%    0.92ms
     75%    1.34ms
     90%    2.52ms
     99%    5.77ms
  1626 requests in 1.00s, 1.47MB read
Requests/sec:   1618.73
Transfer/sec:      1.46MB
zonegis-latency n=1626 p50_us=915 p99_us=5772
`
	l, ok := parseWrkLatency(out)
	if !ok || l.P50 != 915*time.Microsecond || l.P99 != 5772*time.Microsecond || l.N != 1626 {
		t.Fatalf("parsed %+v, %v", l, ok)
	}
	if _, ok := parseWrkLatency(strings.Split(out, "zonegis-latency")[0]); ok {
		t.Error("output without the done hook's line parsed")
	}
	if !strings.Contains(luaLatencyDone, "latency:percentile(99)") || !strings.Contains(luaLatencyDone, "zonegis-latency n=%d p50_us=%d p99_us=%d") {
		t.Error("luaLatencyDone does not print what parseWrkLatency reads")
	}
}
