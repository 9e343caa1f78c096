package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

const exportUsage = "usage: zonegis export --collection zones|parcels|green-areas|dossier --format geojson|geojsonseq|csv|fgb --out FILE|- [--crs EPSG:NNNN] [--zone CODE|ID]"

// exportCmd writes a collection (or, with --collection dossier, a zone
// with its parcels and green areas) to a file, as the HTTP export does:
// it loads the index from the database, walks it in id order and streams
// the features out. --zone limits parcels and green areas to one zone
// (and is required for a dossier). The file appears only when complete:
// it is written under a temporary name and renamed at the end. --out -
// writes to standard output.
func exportCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	coll := fs.String("collection", "", "zones, parcels, green-areas or dossier")
	formatName := fs.String("format", "geojson", "geojson, geojsonseq, csv or fgb")
	out := fs.String("out", "", "output file, or - for standard output")
	crsName := fs.String("crs", "", "output CRS: CRS84 (default), EPSG:4756, 3405, 3406, 5896–5899 or 9205–9218 (VN-2000)")
	zone := fs.String("zone", "", "zone code or id: only its parcels or green areas; the zone of a dossier")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *coll == "" || *out == "" {
		return errors.New(exportUsage)
	}
	format, err := export.ParseFormat(*formatName)
	if err != nil {
		return errors.New(zonegis.ErrorMessage(err))
	}
	crs, err := export.ParseCRS(*crsName)
	if err != nil {
		return errors.New(zonegis.ErrorMessage(err))
	}
	switch *coll {
	case zonegis.CollectionZones:
		if *zone != "" {
			return errors.New("--zone selects parcels, green areas or a dossier, not zones")
		}
	case zonegis.CollectionParcels, zonegis.CollectionGreenAreas:
	case "dossier":
		if *zone == "" {
			return errors.New("a dossier needs --zone")
		}
	default:
		return fmt.Errorf("--collection %q: want zones, parcels, green-areas or dossier", *coll)
	}

	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	ix := index.New()
	if err := indexsync.New(db, ix, logger).Load(ctx); err != nil {
		return err
	}
	snap := ix.Snapshot()
	var z *zonegis.Zone
	if *zone != "" {
		var ok bool
		if z, ok = snap.ZoneByRef(*zone); !ok {
			return fmt.Errorf("--zone: no zone with code or id %q", *zone)
		}
	}

	dst, commit, err := createOutput(*out, stdout)
	if err != nil {
		return err
	}
	defer commit(false) //nolint:errcheck // the error path: the temporary file is removed
	opts := export.Options{Format: format, CRS: crs, Name: *coll}
	if !crs.IsCRS84() {
		opts.Transformer = db
	}
	var layers []*export.Layer
	switch *coll {
	case zonegis.CollectionZones:
		layers = []*export.Layer{export.Zones}
	case zonegis.CollectionParcels:
		layers = []*export.Layer{export.Parcels}
	case zonegis.CollectionGreenAreas:
		layers = []*export.Layer{export.GreenAreas}
	default:
		layers = registry.DossierLayers
		opts.Name = registry.DossierName(z)
	}
	opts.Layers = layers
	w, err := export.NewWriter(ctx, dst, opts)
	if err != nil {
		return errors.New(zonegis.ErrorMessage(err))
	}
	var f export.Feature
	var werr error
	put := func() bool {
		werr = w.Write(&f)
		return werr == nil
	}
	// The index's records hold no geometry: each is written as a copy with it.
	parcels := func(p *index.Entry[zonegis.Parcel]) bool { export.ParcelFeature(&f, p.WithBoundary()); return put() }
	greens := func(g *index.Entry[zonegis.GreenArea]) bool {
		export.GreenAreaFeature(&f, g.WithBoundary())
		return put()
	}
	switch {
	case *coll == zonegis.CollectionZones:
		snap.ZoneEntries().Ascend(0, func(z *index.Entry[zonegis.Zone]) bool { export.ZoneFeature(&f, z.WithBoundary()); return put() })
	case *coll == "dossier":
		werr = registry.WriteDossier(w, snap, z)
	case *coll == zonegis.CollectionParcels && z != nil:
		snap.ParcelEntries().OfZone(z.ID, parcels)
	case *coll == zonegis.CollectionParcels:
		snap.ParcelEntries().Ascend(0, parcels)
	case z != nil:
		snap.GreenAreaEntries().OfZone(z.ID, greens)
	default:
		snap.GreenAreaEntries().Ascend(0, greens)
	}
	if werr == nil {
		werr = w.Close()
	}
	if werr != nil {
		return fmt.Errorf("export: %w", werr)
	}
	if err := commit(true); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(stdout, "exported %d features (%s, %s) to %s\n", w.Count(), format, crs.Name, *out)
	}
	return nil
}

// createOutput opens the destination: standard output for "-", else a
// temporary file beside path that commit(true) renames to path and
// commit(false) removes.
func createOutput(path string, stdout io.Writer) (io.Writer, func(ok bool) error, error) {
	if path == "-" {
		return stdout, func(bool) error { return nil }, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, nil, err
	}
	done := false
	return tmp, func(ok bool) error {
		if done {
			return nil
		}
		done = true
		if !ok {
			tmp.Close()
			return os.Remove(tmp.Name())
		}
		if err := tmp.Close(); err != nil {
			os.Remove(tmp.Name())
			return err
		}
		if err := os.Chmod(tmp.Name(), 0o644); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), path)
	}, nil
}
