package bench

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/zonegis/zonegis/internal/pgcluster"
	"github.com/zonegis/zonegis/internal/postgis"
)

// Options configure a benchmark run.
type Options struct {
	Dataset Dataset
	Load    Load
	WorkDir string // holds the cluster (kept between runs: the dataset is reused) and scripts
	Binary  string // the zonegis binary to measure
	Logger  *slog.Logger
	// Only, when set, limits the run to one group of rows: "intersects"
	// (the worst POST /query/intersects bodies), "mixed" (reads under
	// writes, write-to-visible), "import" (the import rows, on their own
	// zones: no server, no generated dataset) or "tiles" (the cold and warm
	// z15 tile rows against ST_AsMVT).
	Only string
	// Versus, when set, names a second zonegis binary (an older build, say)
	// measured against Binary on the same dataset in the same run: start-up
	// and memory of each, then point and bbox reads in alternating rounds,
	// the other binary as the baseline, and cold z15 tiles the same way
	// (each binary renders every tile once). Only those rows are measured.
	Versus string
	// ImportParcels and ImportSynthetic size the import rows (default
	// 13,000 and 100,000).
	ImportParcels, ImportSynthetic int
}

// Result is one measured row: ours against a baseline, with the target.
type Result struct {
	Name, Unit     string
	Ours, Baseline float64
	BaselineName   string
	Target         float64 // required Ours/Baseline (or for "lower is better" rows, the bound)
	TargetText     string
	Pass           bool
	Note           string
	LowerIsBetter  bool
	AbsoluteTarget bool // Target is a bound on Ours itself, not a ratio
	OursErrors     int
	BaselineErrors int
	// OursLatency and BaselineLatency are the p50 and p99 of the row's
	// requests (of the median round, for rows measured in rounds); zero
	// for rows of one operation timed whole.
	OursLatency      Latency
	BaselineLatency  Latency
	ResponseBytes    int
	BaselineResponse int
	// Ratios are Ours/Baseline of each round, when the row was measured
	// in rounds (see Ratio).
	Ratios []float64
}

// Ratio is Ours/Baseline: the median of the rounds' ratios when the row
// was measured in rounds.
func (r Result) Ratio() float64 {
	if len(r.Ratios) > 0 {
		return median(r.Ratios)
	}
	return r.Ours / r.Baseline
}

// median of xs (not modified); the mean of the middle two when even.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// medianIndex is the index in xs of its (lower) median.
func medianIndex(xs []float64) int {
	s := slices.Clone(xs)
	slices.Sort(s)
	return slices.Index(xs, s[(len(s)-1)/2])
}

// Report is everything a run measured.
type Report struct {
	Started       time.Time
	Dataset       Dataset
	Load          Load
	GenerateTook  time.Duration
	StartupTook   time.Duration // process start to listening, index loaded
	IndexLoadTook time.Duration // as logged by the server
	RSSAfterLoad  int64         // bytes
	RSSPeak       int64
	Results       []Result
	Machine       string
}

// Run generates (or reuses) the dataset, starts the server and the
// baselines, measures, and returns the report.
func Run(ctx context.Context, o Options) (*Report, error) {
	r := &Report{Started: time.Now().UTC(), Dataset: o.Dataset, Load: o.Load, Machine: machine()}
	log := o.Logger
	if o.Only != "" && o.Only != "intersects" && o.Only != "mixed" && o.Only != "import" && o.Only != "tiles" {
		return nil, fmt.Errorf("only: unknown group %q (want intersects, mixed, import or tiles)", o.Only)
	}
	if err := os.MkdirAll(o.WorkDir, 0o755); err != nil {
		return nil, err
	}
	dataDir, err := filepath.Abs(filepath.Join(o.WorkDir, "pgdata"))
	if err != nil {
		return nil, err
	}
	cl, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dataDir, NoSync: true, Logger: log})
	if err != nil {
		return nil, err
	}
	defer cl.Stop(context.WithoutCancel(ctx)) //nolint:errcheck // best effort
	if _, err := cl.EnsureDatabase(ctx, "bench"); err != nil {
		return nil, err
	}
	url := cl.ConnString("bench")
	db, err := postgis.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	importRows := func() error {
		log.Info("measuring", "name", "imports")
		rs, err := importResults(ctx, db, cmp.Or(o.ImportParcels, 13000), cmp.Or(o.ImportSynthetic, 100000))
		r.Results = append(r.Results, rs...)
		return err
	}
	if o.Only == "import" {
		return r, importRows()
	}
	log.Info("dataset", "parcels", o.Dataset.Parcels(), "zones", o.Dataset.Zones)
	if r.GenerateTook, err = Generate(ctx, db.Pool(), o.Dataset); err != nil {
		return nil, err
	}

	srv, err := startServer(ctx, o.Binary, url, log)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	r.StartupTook, r.IndexLoadTook = srv.startup, srv.indexLoad
	r.RSSAfterLoad = rss(srv.cmd.Process.Pid, "VmRSS")
	log.Info("server up", "startup", r.StartupTook, "index_load", r.IndexLoadTook, "rss_mb", r.RSSAfterLoad>>20)
	if o.Versus != "" {
		srv.stop() // one server at a time: each start-up measured alone, then both serve
		rs, err := versusResults(ctx, o, url, log)
		r.Results = append(r.Results, rs...)
		return r, err
	}
	if o.Only == "intersects" {
		log.Info("measuring", "name", "intersects, worst input")
		w, err := worstResult(ctx, o.Dataset, labelsFor(o.Dataset).intersects, "http://"+srv.addr, o.Load.Rounds)
		if err != nil {
			return nil, err
		}
		r.Results = append(r.Results, w)
		return r, nil
	}
	if o.Only == "mixed" {
		log.Info("measuring", "name", "mixed reads and writes", "rounds", o.Load.Rounds)
		rs, err := mixedResults(ctx, o, db, url, "http://"+srv.addr, float64(o.Dataset.boxCells())*o.Dataset.Cell, labelsFor(o.Dataset), log)
		r.Results = append(r.Results, rs...)
		return r, err
	}

	base, err := startBaselines(db.Pool())
	if err != nil {
		return nil, err
	}
	defer base.stop()
	// The server's peak memory per phase (the RSS row's note): the
	// start-up's, then each group of rows'.
	peaks := newPhasePeaks(srv.cmd.Process.Pid, "start-up")
	ours, theirs := "http://"+srv.addr, "http://"+base.addr

	d := o.Dataset
	l := labelsFor(d)
	if o.Only == "tiles" {
		log.Info("measuring", "name", l.cold, "rounds", o.Load.Rounds)
		rs, err := tileResults(ctx, d, l, ours, theirs, o.Load.Rounds)
		if err != nil {
			return nil, err
		}
		r.Results = append(r.Results, rs...)
		return r, nil
	}
	x0, y0 := d.origin(0)
	cx, cy := x0+d.side()/2, y0+d.side()/2
	box := float64(d.boxCells()) * d.Cell // about 64 parcels
	pointBody, err := get(fmt.Sprintf("%s/query/at?lon=%f&lat=%f", ours, cx+d.Cell/2, cy+d.Cell/2))
	if err != nil {
		return nil, err
	}
	bboxBody, err := get(fmt.Sprintf("%s/collections/parcels/items?bbox=%f,%f,%f,%f&limit=100", ours, cx, cy, cx+box, cy+box))
	if err != nil {
		return nil, err
	}
	base.setBody("point", pointBody)
	base.setBody("bbox", bboxBody)

	script := func(kind, format string) string {
		return fmt.Sprintf(luaRandomPaths, 42, d.Zones, d.spacing(), d.side(), box, kind, format)
	}
	measure := func(name, oursURL, oursScript, baseName, baseURL, baseScript string, rounds int) (Result, error) {
		log.Info("measuring", "name", name, "rounds", rounds)
		return alternate(ctx, o, name, oursURL, oursScript, baseName, baseURL, baseScript, rounds)
	}

	// Point lookup against a trivial handler, and against PostGIS.
	pt, err := measure(l.point, ours+"/", script("point", "/query/at?lon=%.6f&lat=%.6f"),
		"trivial handler (static body of the same size)", theirs+"/static/point", "", o.Load.Rounds)
	if err != nil {
		return nil, err
	}
	pt.Target, pt.TargetText, pt.ResponseBytes = 0.70, "≥ 70% of the trivial handler", len(pointBody)
	r.Results = append(r.Results, pt)
	ptPG, err := measure(l.pointPG, ours+"/", script("point", "/query/at?lon=%.6f&lat=%.6f"),
		"PostGIS (pgx, GiST, ST_Intersects + ST_AsGeoJSON)", theirs+"/", script("point", "/pg/at?lon=%.6f&lat=%.6f"), 1)
	if err != nil {
		return nil, err
	}
	ptPG.Note = "no target; for scale"
	r.Results = append(r.Results, ptPG)
	peaks.end("point reads")

	// Bbox items pages against the static-body ceiling, and against PostGIS.
	bb, err := measure(l.bbox, ours+"/", script("bbox", "/collections/parcels/items?bbox=%.6f,%.6f,%.6f,%.6f&limit=100"),
		"static body of the same size (HTTP ceiling)", theirs+"/static/bbox", "", o.Load.Rounds)
	if err != nil {
		return nil, err
	}
	bb.Target, bb.TargetText, bb.ResponseBytes = 0.50, "≥ 50% of the static-body ceiling", len(bboxBody)
	r.Results = append(r.Results, bb)
	bbPG, err := measure(l.bboxPG, ours+"/", script("bbox", "/collections/parcels/items?bbox=%.6f,%.6f,%.6f,%.6f&limit=100"),
		"PostGIS (pgx, GiST, ST_Intersects + ST_AsGeoJSON)", theirs+"/", script("bbox", "/pg/bbox?x0=%.6f&y0=%.6f&x1=%.6f&y1=%.6f"), 1)
	if err != nil {
		return nil, err
	}
	bbPG.Note = "no target; for scale"
	r.Results = append(r.Results, bbPG)
	peaks.end("bbox reads")

	// Tiles at z15: cold (each tile once) and warm (the same again).
	if tiles, err := tileResults(ctx, d, l, ours, theirs, o.Load.Rounds); err != nil {
		log.Warn("tiles not measured", "err", err)
		r.Results = append(r.Results, Result{Name: l.cold, Note: "not measured: " + err.Error()})
	} else {
		r.Results = append(r.Results, tiles...)
	}
	peaks.end("tiles")

	// Full GeoJSON export of every parcel, against ogr2ogr reading PostGIS.
	if ex, err := exportResult(ctx, l, ours, url, srv.cmd.Process.Pid, rss(srv.cmd.Process.Pid, "VmRSS")); err != nil {
		log.Warn("export not measured", "err", err)
		r.Results = append(r.Results, Result{Name: l.export, Note: "not measured: " + err.Error()})
	} else {
		r.Results = append(r.Results, ex...)
	}
	peaks.end("export")

	// The worst POST /query/intersects bodies within the limits.
	log.Info("measuring", "name", "intersects, worst input")
	if w, err := worstResult(ctx, d, l.intersects, ours, o.Load.Rounds); err != nil {
		log.Warn("intersects not measured", "err", err)
		r.Results = append(r.Results, Result{Name: l.intersects, Note: "not measured: " + err.Error()})
	} else {
		r.Results = append(r.Results, w)
	}
	peaks.end("intersects")

	// Reads while a writer writes, and each write's time to be seen here
	// and on a second instance.
	log.Info("measuring", "name", "mixed reads and writes", "rounds", o.Load.Rounds)
	if mx, err := mixedResults(ctx, o, db, url, ours, box, l, log); err != nil {
		log.Warn("mixed row not measured", "err", err)
		r.Results = append(r.Results, Result{Name: l.mixedReads, Note: "not measured: " + err.Error()})
	} else {
		r.Results = append(r.Results, mx...)
	}
	peaks.end("mixed")

	_, r.RSSPeak = peaks.max()
	log.Info("server memory", "rss_after_load_mb", r.RSSAfterLoad>>20, "peak_mb", r.RSSPeak>>20, "phases", peaks.String())
	r.Results = append(r.Results,
		Result{Name: l.startup, Unit: "s", Ours: r.IndexLoadTook.Seconds(), Target: 10,
			TargetText: "< 10 s", LowerIsBetter: true, AbsoluteTarget: true, Pass: r.IndexLoadTook < 10*time.Second,
			Note: fmt.Sprintf("process start to listening: %.2f s", r.StartupTook.Seconds())},
		Result{Name: l.rss, Unit: "MB", Ours: float64(r.RSSPeak) / (1 << 20), Target: 1536,
			TargetText: "< 1.5 GB", LowerIsBetter: true, AbsoluteTarget: true, Pass: r.RSSPeak < 1536<<20,
			Note: fmt.Sprintf("after load: %d MB; %s", r.RSSAfterLoad>>20, peaks)},
	)
	for i := range r.Results {
		res := &r.Results[i]
		if res.AbsoluteTarget || res.Target == 0 || res.Baseline == 0 {
			continue
		}
		switch {
		case len(res.Ratios) > 0:
			res.Pass = res.Ratio() >= res.Target
		case res.LowerIsBetter:
			res.Pass = res.Ours <= res.Baseline*res.Target
		default:
			res.Pass = res.Ours >= res.Baseline*res.Target
		}
	}
	if err := importRows(); err != nil {
		return nil, err
	}
	return r, nil
}

// alternate runs wrk against ours and the baseline, alternating, rounds
// times: load on this shared machine drifts over seconds, and rounds taken
// side by side cancel most of it. Rates are medians; the ratio is the
// median of the rounds' ratios.
func alternate(ctx context.Context, o Options, name, oursURL, oursScript, baseName, baseURL, baseScript string, rounds int) (Result, error) {
	res := Result{Name: name, Unit: "req/s", BaselineName: baseName}
	var ours, theirs []float64
	var oursLat, theirLat []Latency
	for range rounds {
		a, err := runWrk(ctx, o.Load, o.WorkDir, oursURL, oursScript)
		if err != nil {
			return Result{}, err
		}
		b, err := runWrk(ctx, o.Load, o.WorkDir, baseURL, baseScript)
		if err != nil {
			return Result{}, err
		}
		ours, theirs = append(ours, a.RPS), append(theirs, b.RPS)
		oursLat, theirLat = append(oursLat, a.Latency), append(theirLat, b.Latency)
		res.OursErrors += a.Errors
		res.BaselineErrors += b.Errors
		res.Ratios = append(res.Ratios, a.RPS/b.RPS)
	}
	res.Ours, res.Baseline = median(ours), median(theirs)
	res.OursLatency, res.BaselineLatency = oursLat[medianIndex(ours)], theirLat[medianIndex(theirs)]
	return res, nil
}

// tileXY returns the z/x/y tile holding lon/lat (Web Mercator).
func tileXY(z int, lon, lat float64) (int, int) {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	rad := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(rad)+1/math.Cos(rad))/math.Pi) / 2 * n)
	return x, y
}

// tileResults measures z15 parcel tiles. Cold: every z15 tile over every
// zone (about 13,000 for the default dataset), each fetched once, split
// into rounds of disjoint tiles that alternate with PostGIS answering the
// same tiles: ratios per round, the median kept. Warm: the same tiles
// again, from the cache.
func tileResults(ctx context.Context, d Dataset, l rowLabels, ours, theirs string, rounds int) ([]Result, error) {
	const z = 15
	rounds = max(rounds, 1)
	if err := contextRead(ours); err != nil {
		return nil, err
	}
	tiles := coldTiles(d, z)
	oursURLs := make([][]string, rounds)
	pgURLs := make([][]string, rounds)
	for i, t := range tiles {
		r := i % rounds
		oursURLs[r] = append(oursURLs[r], fmt.Sprintf("%s/tiles/parcels/%d/%d/%d.mvt", ours, z, t[0], t[1]))
		pgURLs[r] = append(pgURLs[r], fmt.Sprintf("%s/pg/tiles/%d/%d/%d", theirs, z, t[0], t[1]))
	}
	cold := Result{Name: l.cold, Unit: "tiles/s", BaselineName: "PostGIS ST_AsMVT", Target: 8, TargetText: "≥ 8× ST_AsMVT",
		Note: fmt.Sprintf("%d distinct z15 tiles, each rendered once, in %d rounds; 8 concurrent clients", len(tiles), rounds)}
	var oursRates, pgRates []float64
	var oursLat, pgLat []Latency
	for r := range rounds {
		a, al, _, err := fetchAll(ctx, oursURLs[r], 8)
		if err != nil {
			return nil, err
		}
		b, bl, _, err := fetchAll(ctx, pgURLs[r], 8)
		if err != nil {
			return nil, err
		}
		oursRates, pgRates = append(oursRates, a), append(pgRates, b)
		oursLat, pgLat = append(oursLat, al), append(pgLat, bl)
		cold.Ratios = append(cold.Ratios, a/b)
	}
	cold.Ours, cold.Baseline = median(oursRates), median(pgRates)
	cold.OursLatency, cold.BaselineLatency = oursLat[medianIndex(oursRates)], pgLat[medianIndex(pgRates)]
	// Warm: the last round's tiles again, which the tile cache holds.
	last := oursURLs[rounds-1]
	warm, wl, _, err := fetchAll(ctx, last, 8)
	if err != nil {
		return nil, err
	}
	return []Result{cold,
		{Name: l.warm, Unit: "tiles/s", Ours: warm, OursLatency: wl, Baseline: cold.Baseline, BaselineLatency: cold.BaselineLatency,
			BaselineName: "PostGIS ST_AsMVT", Note: fmt.Sprintf("the last round's %d tiles again, from the tile cache; no target", len(last))},
	}, nil
}

// contextRead makes the server at base read its context layers (provinces
// and wards, read at their first use, a second or two of a core) before a
// row is measured, so that reading them does not share the CPU with the
// row's first round (-only tiles, -versus): one province tile asks for them.
// A build without context layers (404, one measured by -versus) has none
// to read.
func contextRead(base string) error {
	resp, err := http.Get(base + "/tiles/provinces/0/0/0.mvt")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("GET %s/tiles/provinces/0/0/0.mvt: %s", base, resp.Status)
	}
	return nil
}

// coldTiles lists the z-level tiles (x, y) over every zone of d, each
// once: those of the cold-tile rows.
func coldTiles(d Dataset, z int) [][2]int {
	var tiles [][2]int
	seen := map[[2]int]bool{}
	for zi := range d.Zones {
		x0, y0 := d.origin(zi)
		xa, ya := tileXY(z, x0, y0+d.side()) // north-west corner
		xb, yb := tileXY(z, x0+d.side(), y0)
		for x := xa; x <= xb; x++ {
			for y := ya; y <= yb; y++ {
				if !seen[[2]int{x, y}] {
					seen[[2]int{x, y}] = true
					tiles = append(tiles, [2]int{x, y})
				}
			}
		}
	}
	return tiles
}

func exportResult(ctx context.Context, l rowLabels, ours, dbURL string, pid int, rssBefore int64) ([]Result, error) {
	url := ours + "/collections/parcels/export?f=geojson"
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if v := rss(pid, "VmRSS"); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	start := time.Now()
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	close(done)
	if err != nil {
		return nil, err
	}
	growth := float64(max(peak.Load()-rssBefore, 0)) / (1 << 20)

	ogrStart := time.Now()
	cmd := exec.CommandContext(ctx, "ogr2ogr", "-f", "GeoJSON", "/vsistdout/", "PG:"+dbURL, "parcels")
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ogr2ogr: %w: %s", err, stderr.String())
	}
	ogr := time.Since(ogrStart)
	return []Result{
		{Name: l.export, Unit: "s", Ours: took.Seconds(), Baseline: ogr.Seconds(),
			BaselineName: "ogr2ogr from PostGIS", Target: 0.2, TargetText: "≥ 5× faster than ogr2ogr", LowerIsBetter: true,
			Note: fmt.Sprintf("%d MB streamed", n>>20)},
		{Name: l.exportRSS, Unit: "MB", Ours: growth, Target: 100, TargetText: "< 100 MB",
			LowerIsBetter: true, AbsoluteTarget: true, Pass: growth < 100},
	}, nil
}

func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %.200s", url, resp.Status, b)
	}
	return b, nil
}

// rss reads a memory figure (VmRSS, VmHWM) of a process, in bytes.
func selfPID() int { return os.Getpid() }

func rss(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				model = strings.TrimSpace(line[strings.Index(line, ":")+1:])
				break
			}
		}
	}
	var mem int64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		fmt.Sscanf(string(b), "MemTotal: %d kB", &mem)
	}
	return fmt.Sprintf("%s, %d logical CPUs, %d GiB RAM", model, numCPU(), mem>>20)
}

// server is the zonegis binary under test.
type server struct {
	cmd                *exec.Cmd
	addr               string
	startup, indexLoad time.Duration
}

var reIndexLoaded = regexp.MustCompile(`msg="index loaded".* took=(\S+)`)

func startServer(ctx context.Context, binary, dbURL string, log *slog.Logger) (*server, error) {
	cmd := exec.CommandContext(ctx, binary, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "ZONEGIS_SEED=none", "ZONEGIS_LOG_LEVEL=info")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd}
	loaded := make(chan time.Duration, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := reIndexLoaded.FindStringSubmatch(line); m != nil {
				d, _ := time.ParseDuration(m[1])
				loaded <- d
			}
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
				log.Warn("server: " + line)
			}
		}
	}()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if _, after, ok := strings.Cut(sc.Text(), "listening on http://"); ok {
			s.addr = after
			break
		}
	}
	if s.addr == "" {
		cmd.Process.Kill() //nolint:errcheck // failing anyway
		return nil, fmt.Errorf("server did not start: %v", cmd.Wait())
	}
	go io.Copy(io.Discard, stdout) //nolint:errcheck // drain
	s.startup = time.Since(start)
	select {
	case s.indexLoad = <-loaded:
	case <-time.After(5 * time.Second):
	}
	return s, nil
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt) //nolint:errcheck // then wait
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }() //nolint:errcheck // exit status does not matter here
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill() //nolint:errcheck // it did not stop
	}
}
