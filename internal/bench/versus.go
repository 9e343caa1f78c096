package bench

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"
)

// versusResults measures o.Binary against o.Versus on the same dataset in
// one run: each server's start-up (alone, three starts each, alternating,
// medians) and RSS after load, then point and bbox reads in alternating
// rounds with the other binary as the baseline, and cold z15 tiles
// (coldVersus), so that the ratio says how
// this build compares with that one on the same machine at the same time.
func versusResults(ctx context.Context, o Options, dbURL string, log *slog.Logger) ([]Result, error) {
	other := filepath.Base(o.Versus)
	l := labelsFor(o.Dataset)
	var loadA, loadB []float64
	var rssA, rssB, peakA, peakB []float64
	for range 3 {
		for i, bin := range []string{o.Binary, o.Versus} {
			s, err := startServer(ctx, bin, dbURL, log)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", bin, err)
			}
			mb := float64(rss(s.cmd.Process.Pid, "VmRSS")) / (1 << 20)
			peak := float64(rss(s.cmd.Process.Pid, "VmHWM")) / (1 << 20)
			s.stop()
			log.Info("versus start-up", "binary", bin, "index_load", s.indexLoad, "rss_mb", int(mb), "peak_mb", int(peak))
			if i == 0 {
				loadA, rssA, peakA = append(loadA, s.indexLoad.Seconds()), append(rssA, mb), append(peakA, peak)
			} else {
				loadB, rssB, peakB = append(loadB, s.indexLoad.Seconds()), append(rssB, mb), append(peakB, peak)
			}
		}
	}
	out := []Result{
		{Name: l.versusStartup, Unit: "s", Ours: median(loadA), Baseline: median(loadB),
			BaselineName: other, LowerIsBetter: true, Note: fmt.Sprintf("ours %v, %s %v", loadA, other, loadB)},
		{Name: l.versusRSS, Unit: "MB", Ours: median(rssA), Baseline: median(rssB),
			BaselineName: other, LowerIsBetter: true},
		// The peak of the start-up: VmHWM read once it listens, the index loaded.
		{Name: l.versusPeak, Unit: "MB", Ours: median(peakA), Baseline: median(peakB),
			BaselineName: other, LowerIsBetter: true, Note: fmt.Sprintf("ours %v, %s %v", peakA, other, peakB)},
	}
	a, err := startServer(ctx, o.Binary, dbURL, log)
	if err != nil {
		return nil, err
	}
	defer a.stop()
	b, err := startServer(ctx, o.Versus, dbURL, log)
	if err != nil {
		return nil, err
	}
	defer b.stop()
	time.Sleep(time.Second) // both settled after their loads
	d := o.Dataset
	box := float64(d.boxCells()) * d.Cell
	script := func(kind, format string) string {
		return fmt.Sprintf(luaRandomPaths, 42, d.Zones, d.spacing(), d.side(), box, kind, format)
	}
	rows := []struct{ name, script string }{
		{l.point, script("point", "/query/at?lon=%.6f&lat=%.6f")},
		{l.bbox, script("bbox", "/collections/parcels/items?bbox=%.6f,%.6f,%.6f,%.6f&limit=100")},
	}
	for _, row := range rows {
		log.Info("measuring", "name", row.name, "versus", other, "rounds", o.Load.Rounds)
		res, err := alternate(ctx, o, row.name+" vs "+other, "http://"+a.addr+"/", row.script, other, "http://"+b.addr+"/", row.script, o.Load.Rounds)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	log.Info("measuring", "name", l.cold, "versus", other, "rounds", o.Load.Rounds)
	res, err := coldVersus(ctx, d, l.cold+" vs "+other, other, "http://"+a.addr, "http://"+b.addr, o.Load.Rounds)
	if err != nil {
		return nil, err
	}
	return append(out, res), nil
}

// coldVersus measures cold z15 parcel tiles of two servers as tileResults
// does against ST_AsMVT: the tiles over every zone split into rounds of
// disjoint tiles, each round fetched from a and then from b (each server
// renders each tile once), ratios per round, the median kept.
func coldVersus(ctx context.Context, d Dataset, name, other, a, b string, rounds int) (Result, error) {
	const z = 15
	rounds = max(rounds, 1)
	for _, base := range []string{a, b} {
		if err := contextRead(base); err != nil {
			return Result{}, err
		}
	}
	paths := make([][]string, rounds)
	for i, t := range coldTiles(d, z) {
		paths[i%rounds] = append(paths[i%rounds], fmt.Sprintf("/tiles/parcels/%d/%d/%d.mvt", z, t[0], t[1]))
	}
	res := Result{Name: name, Unit: "tiles/s", BaselineName: other,
		Note: "each tile rendered once by each binary; 8 concurrent clients"}
	var ra, rb []float64
	var la, lb []Latency
	for _, ps := range paths {
		urls := func(base string) []string {
			u := make([]string, len(ps))
			for i, p := range ps {
				u[i] = base + p
			}
			return u
		}
		x, xl, _, err := fetchAll(ctx, urls(a), 8)
		if err != nil {
			return Result{}, err
		}
		y, yl, _, err := fetchAll(ctx, urls(b), 8)
		if err != nil {
			return Result{}, err
		}
		ra, rb, la, lb = append(ra, x), append(rb, y), append(la, xl), append(lb, yl)
		res.Ratios = append(res.Ratios, x/y)
	}
	res.Ours, res.Baseline = median(ra), median(rb)
	res.OursLatency, res.BaselineLatency = la[medianIndex(ra)], lb[medianIndex(rb)]
	return res, nil
}
