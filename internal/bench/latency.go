package bench

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Latency is the tail of a row's per-request latencies: each request's time
// from sending it to reading the last byte of its answer, as the load
// generator timed it. One method for every row: the p-th percentile is the
// nearest rank, the smallest latency that at least p% of the requests took
// no longer than. Rows driven by wrk take it from wrk's own per-request
// histogram (latency:percentile in the script's done hook, luaLatencyDone,
// the same definition); rows driven by the harness's client (tiles,
// intersects, the mixed row's writes and visibility) from its timings of
// every request (percentiles). The zero Latency means a row of one
// operation timed whole (an export, a start-up, an import), or none.
type Latency struct {
	P50, P99 time.Duration
	N        int // requests behind the percentiles
}

// String is "p50 / p99" in milliseconds, "–" when not measured.
func (l Latency) String() string {
	if l.N == 0 {
		return "–"
	}
	return ms(l.P50) + " / " + ms(l.P99)
}

// ms writes d in milliseconds with two significant decimals below 10 ms.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted,
// ascending: the value at rank ⌈p/100 · n⌉. 0 when sorted is empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// Integer ranks (p in hundredths) so that 99% of 100 is rank 99, not
	// a float's 99.00000000000001 rounded up to 100.
	rank := (int64(p*100+0.5)*int64(n) + 9999) / 10000
	return sorted[min(max(rank, 1), int64(n))-1]
}

// percentiles is the Latency of took (sorted in place).
func percentiles(took []time.Duration) Latency {
	slices.Sort(took)
	return Latency{P50: percentile(took, 50), P99: percentile(took, 99), N: len(took)}
}

// luaLatencyDone is appended to every wrk script: at the end of a run it
// prints the run's request count and p50 and p99 latency in microseconds
// from wrk's histogram of every request, exact integers rather than the
// rounded text of --latency (parseWrkLatency reads them).
const luaLatencyDone = `
done = function(summary, latency, requests)
  io.write(string.format("zonegis-latency n=%d p50_us=%d p99_us=%d\n",
    summary.requests, latency:percentile(50), latency:percentile(99)))
end
`

var reWrkLatency = regexp.MustCompile(`zonegis-latency n=(\d+) p50_us=(\d+) p99_us=(\d+)`)

// parseWrkLatency reads luaLatencyDone's line from wrk's output.
func parseWrkLatency(out string) (Latency, bool) {
	m := reWrkLatency.FindStringSubmatch(out)
	if m == nil {
		return Latency{}, false
	}
	n, _ := strconv.Atoi(m[1])
	p50, _ := strconv.ParseInt(m[2], 10, 64)
	p99, _ := strconv.ParseInt(m[3], 10, 64)
	return Latency{P50: time.Duration(p50) * time.Microsecond, P99: time.Duration(p99) * time.Microsecond, N: n}, true
}
