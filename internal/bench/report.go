package bench

import (
	"fmt"
	"io"
	"runtime"
	"strings"
)

func numCPU() int { return runtime.NumCPU() }

// Markdown writes the report as BENCHMARKS.md.
func (r *Report) Markdown(w io.Writer, microbench string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\nMeasured by `make bench` on %s (UTC), on %s.\n\n", r.Started.Format("2006-01-02 15:04"), r.Machine)
	fmt.Fprintf(&b, "Dataset: %s synthetic parcels (13-vertex polygons, about 1 ha each) in %s zones, generated deterministically", thousands(r.Dataset.Parcels()), thousands(r.Dataset.Zones))
	if r.GenerateTook > 0 {
		fmt.Fprintf(&b, " (generated in %.0f s)", r.GenerateTook.Seconds())
	}
	fmt.Fprintf(&b, ". Load: wrk, %d threads, %d connections, %s per run, random points and boxes (seeded), "+
		"on the same machine as the server and PostgreSQL: every row shares the same cores, so ratios are fair and absolute rates are modest. "+
		"Rows with a target alternate runs of ours and the baseline %d times; rates are medians and the ratio is the median of the rounds' ratios "+
		"(load on this shared machine drifts by ±10%% over seconds; side-by-side rounds cancel most of it). "+
		"p50 / p99 are the latencies of the row's requests, each from sending it to the last byte of its answer "+
		"(nearest rank: the smallest latency at least 50%% / 99%% of the requests took no longer than), of the median round: "+
		"wrk's own histogram of every request where wrk drives the row, the harness's timing of every request otherwise "+
		"(tiles, intersects, the mixed row's writes); – for a row of one operation timed whole (an export, a start-up, an import).\n\n",
		r.Load.Threads, r.Load.Connections, r.Load.Duration, r.Load.Rounds)
	b.WriteString("| measurement | zonegis | p50 / p99 | baseline | baseline p50 / p99 | ratio | target | result |\n|---|---|---|---|---|---|---|---|\n")
	for _, x := range r.Results {
		if x.Unit == "" { // not measured: its note says why
			fmt.Fprintf(&b, "| %s | – | – | – | – | – | %s | %s |\n", x.Name, or(x.TargetText, "–"), x.Note)
			continue
		}
		ours := fmt.Sprintf("%s %s", num(x.Ours), x.Unit)
		if x.OursErrors > 0 {
			ours += fmt.Sprintf(", **%d errors**", x.OursErrors)
		}
		base, ratio, baseLat := "–", "–", "–"
		if x.Baseline > 0 {
			baseLat = x.BaselineLatency.String()
			base = fmt.Sprintf("%s %s, %s", num(x.Baseline), x.Unit, x.BaselineName)
			if x.LowerIsBetter {
				ratio = fmt.Sprintf("%.2f× faster", x.Baseline/x.Ours)
			} else {
				ratio = fmt.Sprintf("%.0f%%", 100*x.Ratio())
				if x.Ratio() >= 2 {
					ratio = fmt.Sprintf("%.1f×", x.Ratio())
				}
			}
			if len(x.Ratios) > 1 {
				rs := make([]string, len(x.Ratios))
				for i, v := range x.Ratios {
					rs[i] = fmt.Sprintf("%.0f%%", 100*v)
					if x.Ratio() >= 2 {
						rs[i] = fmt.Sprintf("%.1f×", v)
					}
				}
				ratio += fmt.Sprintf(" (median of %d rounds: %s)", len(x.Ratios), strings.Join(rs, ", "))
			}
		}
		result := "–"
		if x.TargetText != "" {
			result = "**fail**"
			if x.Pass {
				result = "pass"
			}
		}
		target := x.TargetText
		if target == "" {
			target = "–"
		}
		if x.Note != "" {
			result += "; " + x.Note
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", x.Name, ours, x.OursLatency, base, baseLat, ratio, target, result)
	}
	b.WriteString("\nBaselines run in the benchmark process on another loopback port: a static echo handler returning a body " +
		"of the same size as ours (the HTTP ceiling), and the same questions answered by PostGIS through pgx with its GiST " +
		"index (ST_Intersects, &&, ST_AsGeoJSON, ST_AsMVT), as a PostGIS-backed feature server does.\n")
	if microbench != "" {
		b.WriteString("\n## Go benchmarks\n\n`go test -bench` of the index, encoders and tiles (allocations reported):\n\n```\n")
		b.WriteString(microbench)
		b.WriteString("```\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// or is s, or alt when s is empty.
func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
