// Command zonegisbench measures zonegis against PostGIS and the HTTP
// ceiling and writes BENCHMARKS.md (see internal/bench). make bench runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"time"

	"github.com/zonegis/zonegis/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "zonegisbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("zonegisbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := bench.DefaultDataset
	o := bench.Options{Load: bench.Load{Threads: 2, Connections: 32, Duration: 5 * time.Second, Rounds: 7}}
	fs.IntVar(&d.Zones, "zones", d.Zones, "zones in the dataset")
	fs.IntVar(&d.Grid, "grid", d.Grid, "parcels per zone side (parcels = zones × grid²)")
	fs.DurationVar(&o.Load.Duration, "duration", o.Load.Duration, "wrk duration per measurement")
	fs.IntVar(&o.Load.Connections, "connections", o.Load.Connections, "wrk connections")
	fs.IntVar(&o.Load.Rounds, "rounds", o.Load.Rounds, "alternating rounds of ours and the baseline for rows with a target (median taken)")
	fs.StringVar(&o.WorkDir, "workdir", "var/bench", "cluster and scratch directory (the dataset is kept for the next run)")
	fs.StringVar(&o.Binary, "binary", "bin/zonegis", "zonegis binary to measure")
	fs.StringVar(&o.Versus, "versus", "", "a second zonegis binary (an older build) measured against -binary in the same run: start-up, RSS, point and bbox reads and cold z15 tiles only")
	fs.StringVar(&o.Only, "only", "", "run only one group of rows: intersects (the worst POST /query/intersects bodies), mixed (reads under writes, write-to-visible on two instances), import (the import rows) or tiles (cold and warm z15 tiles against ST_AsMVT)")
	fs.IntVar(&o.ImportParcels, "import-parcels", 13000, "real-shaped parcels of the import row (beside 4 roads of 18,000 vertices)")
	fs.IntVar(&o.ImportSynthetic, "import-synthetic", 100000, "synthetic parcels of the second import row")
	out := fs.String("out", "BENCHMARKS.md", "report file")
	micro := fs.String("micro", "", "file with go test -bench output to include")
	cpuProfile := fs.String("cpuprofile", "", "write this process's CPU profile (go tool pprof) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	o.Dataset = d
	o.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	r, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	var mb []byte
	if *micro != "" {
		if mb, err = os.ReadFile(*micro); err != nil {
			return err
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := r.Markdown(io.MultiWriter(f, stdout), string(mb)); err != nil {
		return err
	}
	return f.Close()
}
