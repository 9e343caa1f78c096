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
	fmt.Fprintf(&b, "Dataset: %d synthetic parcels (13-vertex polygons, about 1 ha each) in %d zones, generated deterministically", r.Dataset.Parcels(), r.Dataset.Zones)
	if r.GenerateTook > 0 {
		fmt.Fprintf(&b, " (generated in %.0f s)", r.GenerateTook.Seconds())
	}
	fmt.Fprintf(&b, ". Load: wrk, %d threads, %d connections, %s per run, random points and boxes (seeded), "+
		"on the same machine as the server and PostgreSQL: every row shares the same cores, so ratios are fair and absolute rates are modest. "+
		"Rows with a target alternate runs of ours and the baseline %d times; rates are medians and the ratio is the median of the rounds' ratios "+
		"(load on this shared machine drifts by ±10%% over seconds; side-by-side rounds cancel most of it).\n\n",
		r.Load.Threads, r.Load.Connections, r.Load.Duration, r.Load.Rounds)
	b.WriteString("| measurement | zonegis | baseline | ratio | target | result |\n|---|---|---|---|---|---|\n")
	for _, x := range r.Results {
		if x.Ours == 0 && x.Baseline == 0 {
			fmt.Fprintf(&b, "| %s | – | – | – | %s | %s |\n", x.Name, x.TargetText, x.Note)
			continue
		}
		ours := fmt.Sprintf("%s %s", num(x.Ours), x.Unit)
		if x.OursLatency != "" {
			ours += fmt.Sprintf(" (avg %s)", x.OursLatency)
		}
		if x.OursErrors > 0 {
			ours += fmt.Sprintf(", **%d errors**", x.OursErrors)
		}
		base, ratio := "–", "–"
		if x.Baseline > 0 {
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
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", x.Name, ours, base, ratio, target, result)
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

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
