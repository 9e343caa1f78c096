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

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

const importUsage = "usage: zonegis import --collection zones|parcels|green-areas [--crs EPSG:N] [--layer L] [--format F] [--province P] [--map SPEC | --mapping FILE] FILE"

// importCmd runs "zonegis import --collection C [--crs EPSG:N] [--layer L]
// FILE": all or nothing. A GeoJSON FeatureCollection (.geojson, .json) is
// read as JSON; any other file, or one given a CRS or layer, through GDAL
// (package source).
func importCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	coll := fs.String("collection", "", "zones, parcels or green-areas")
	crsName := fs.String("crs", "", "the source CRS, such as EPSG:9210 (VN-2000 / TM-3 105°45'): overrides the file's, or supplies it")
	province := fs.String("province", "", "for a file without a CRS: the province it comes from (code or name), whose VN-2000 TM-3 zone is assumed")
	layer := fs.String("layer", "", "the layer to read, for a file of several")
	mapSpec := fs.String("map", "", "the mapping of source fields to ours, such as lot_code={SHBANDO}/{SO_THUA},land_use=MDSD (see README, Import mappings)")
	mapFile := fs.String("mapping", "", "a JSON mapping file (see README, Import mappings)")
	format := fs.String("format", "", "the file's format, when its extension does not say it: "+strings.Join(source.FormatNames(), ", "))
	if err := fs.Parse(args); err != nil {
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
	_, err := os.Stat(name)
	if err != nil {
		return err
	}
	var defaultCRS string
	if *province != "" {
		if defaultCRS, err = crs.DefaultSource(*province); err != nil {
			return fmt.Errorf("--province: %s", zonegis.ErrorMessage(err))
		}
	}
	m, err := readMapping(*coll, *mapSpec, *mapFile)
	if err != nil {
		return err
	}

	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	file, err := os.Open(name) // read one feature at a time
	if err != nil {
		return err
	}
	defer file.Close()
	ictx, counted, finish := watchImport(ctx, stderr, file) // progress on stderr
	var n int
	// A GeoJSON FeatureCollection in our names is read as JSON; given a
	// CRS, a layer or a mapping, through GDAL, as any other source.
	if known && f.Name == "geojson" && *crsName == "" && *layer == "" && m == nil {
		_, n, err = registry.ImportFile(ictx, db, zonegis.System, *coll, counted)
		finish(err)
		if err != nil {
			return importFailed(err, stderr)
		}
	} else {
		r, err := source.Open(name, source.Options{Format: *format, Layer: *layer, CRS: *crsName, DefaultCRS: defaultCRS})
		if err != nil {
			finish(err)
			return importFailed(err, stderr)
		}
		defer r.Close()
		_, n, err = registry.ImportSource(ictx, db, zonegis.System, *coll, r, m)
		finish(err)
		c := r.Counts()
		fmt.Fprintf(stdout, "read %d features of layer %q from %s", c.Read, r.LayerName, r.CRS)
		if c.DroppedZM > 0 {
			fmt.Fprintf(stdout, "; Z/M coordinates dropped from %d", c.DroppedZM)
		}
		fmt.Fprintln(stdout)
		if err != nil {
			return importFailed(err, stderr)
		}
	}
	fmt.Fprintf(stdout, "imported %d %s\n", n, *coll)
	return nil
}

// readMapping is the mapping --map (spec) or --mapping (file) gives, or
// nil for none.
func readMapping(coll, spec, file string) (*registry.Mapping, error) {
	switch {
	case spec != "" && file != "":
		return nil, errors.New("--map and --mapping: give one of them")
	case spec != "":
		m, err := registry.ParseMapSpec(coll, spec)
		if err != nil {
			return nil, fmt.Errorf("--map: %s", zonegis.ErrorMessage(err))
		}
		return m, nil
	case file != "":
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		m, err := registry.ParseMappingFile(coll, data)
		if err != nil {
			return nil, fmt.Errorf("--mapping %s: %s", file, zonegis.ErrorMessage(err))
		}
		return m, nil
	}
	return nil, nil
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
		for _, p := range ps.([]postgis.ImportProblem) {
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
