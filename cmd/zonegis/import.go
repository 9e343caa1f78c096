package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

const importUsage = "usage: zonegis import --collection zones|parcels|green-areas|enterprise-reports [--crs EPSG:N] [--layer L] [--format F] [--province P] [--map SPEC | --mapping FILE] FILE"

// importCmd runs "zonegis import --collection C [--crs EPSG:N] [--layer L]
// FILE": all or nothing. A GeoJSON FeatureCollection (.geojson, .json) is
// read as JSON; any other file, or one given a CRS or layer, through GDAL
// (package source).
func importCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	coll := fs.String("collection", "", "zones, parcels, green-areas or enterprise-reports (a CSV or XLSX table, one report a row)")
	crsName := fs.String("crs", "", "the source CRS, such as EPSG:9210 (VN-2000 / TM-3 105°45'): overrides the file's, or supplies it")
	province := fs.String("province", "", "for a file without a CRS: the province it comes from (code or name), whose VN-2000 TM-3 zone is assumed")
	layer := fs.String("layer", "", "the layer to read, for a file of several")
	mapSpec := fs.String("map", "", "the mapping of source fields to ours, such as lot_code={SHBANDO}/{SO_THUA},land_use=MDSD (see README, Import mappings)")
	mapFile := fs.String("mapping", "", "a JSON mapping file (see README, Import mappings)")
	iopts := importFlags(fs)
	format := fs.String("format", "", "the file's format, when its extension does not say it: "+strings.Join(source.FormatNames(), ", "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts, err := iopts.options(fs)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 || *coll == "" {
		return errors.New(importUsage)
	}
	name := fs.Arg(0)
	f, known := source.FormatByFileName(name)
	if *format != "" {
		if f, known = source.FormatByName(*format); !known {
			return fmt.Errorf("--format: %q is not a format zonegis reads; formats: %s", *format, strings.Join(source.FormatNames(), ", "))
		}
	}
	o := registry.FileOptions{Format: f, Layer: *layer, CRS: *crsName, Province: *province}
	if !known {
		o.Format.Name = "" // GDAL finds it
	}
	var mapping []byte
	if *mapFile != "" {
		var err error
		if mapping, err = os.ReadFile(*mapFile); err != nil {
			return err
		}
	}
	m, err := registry.ParseMapping(*coll, *mapSpec, mapping)
	if err != nil {
		return errors.New("--" + zonegis.ErrorMessage(err))
	}
	o.Mapping = m
	file, err := os.Open(name) // read one feature at a time
	if err != nil {
		return err
	}
	defer file.Close()
	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	ictx, counted, finish := watchImport(ctx, stderr, file) // progress on stderr
	var rep *zonegis.ImportReport
	var read *registry.FileRead
	if o.ViaJSON() {
		rep, err = registry.ImportFile(ictx, db, zonegis.System, *coll, counted, opts)
	} else {
		rep, read, err = registry.ImportPath(ictx, db, zonegis.System, *coll, name, o, opts)
	}
	if err == nil {
		finish(registry.RefusalError(rep)) // a refused import's line says failed
	} else {
		finish(err)
	}
	if read != nil {
		fmt.Fprintf(stdout, "read %d features of layer %q from %s", read.Read, read.Layer, read.CRS)
		if read.DroppedZM > 0 {
			fmt.Fprintf(stdout, "; Z/M coordinates dropped from %d", read.DroppedZM)
		}
		fmt.Fprintln(stdout)
	}
	if err != nil {
		return importFailed(err, stderr)
	}
	if err := iopts.finish(rep, stdout, stderr); err != nil {
		return err
	}
	return nil
}

// importFailed prints a refused import's report to stderr.
func importFailed(err error, stderr io.Writer) error {
	var de *zonegis.Error
	if !errors.As(err, &de) {
		return err
	}
	fmt.Fprintln(stderr, de.Message)
	if ps, ok := de.Details["problems"]; ok {
		tw := tabwriter.NewWriter(stderr, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FEATURE\tFID\tCODE\tREASON")
		for _, p := range ps.([]zonegis.ImportProblem) {
			fid := ""
			if v, ok := p.Details["fid"]; ok {
				fid = fmt.Sprint(v)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", p.Index, fid, p.Code, p.Reason)
		}
		tw.Flush()
		return errors.New("import refused")
	}
	return errors.New("import refused: " + de.Message)
}
