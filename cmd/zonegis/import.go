package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// importCmd runs "zonegis import --collection C FILE": all or nothing.
func importCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	coll := fs.String("collection", "", "zones, parcels or green-areas")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *coll == "" {
		return errors.New("usage: zonegis import --collection zones|parcels|green-areas FILE.geojson")
	}
	body, err := os.Open(fs.Arg(0)) // read one feature at a time
	if err != nil {
		return err
	}
	defer body.Close()
	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	ictx, counted, finish := watchImport(ctx, stderr, body) // progress on stderr
	_, n, err := registry.ImportFile(ictx, db, zonegis.System, *coll, counted)
	finish(err)
	if err != nil {
		var de *zonegis.Error
		if errors.As(err, &de) {
			fmt.Fprintln(stderr, de.Message)
			if ps, ok := de.Details["problems"]; ok {
				tw := tabwriter.NewWriter(stderr, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "FEATURE\tCODE\tREASON")
				for _, p := range ps.([]postgis.ImportProblem) {
					fmt.Fprintf(tw, "%d\t%s\t%s\n", p.Index, p.Code, p.Reason)
				}
				tw.Flush()
			}
			return errors.New("import refused")
		}
		return err
	}
	fmt.Fprintf(stdout, "imported %d %s\n", n, *coll)
	return nil
}
