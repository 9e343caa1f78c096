package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// importCmd runs "zonegis import --collection C FILE": all or nothing.
func importCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	coll := fs.String("collection", "", "zones, parcels or green-areas")
	io := importFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts, err := io.options(fs)
	if err != nil {
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
	rep, err := registry.ImportFile(ctx, db, zonegis.System, *coll, body, opts)
	if err != nil {
		return err
	}
	return io.finish(rep, stdout, stderr)
}
