package jobs

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Upload is an import a transport was asked for: who asks, into which
// collection, with which options, over which store. Its methods run it now
// (logged, as Run does) or submit it as a job (as Submit does), for a
// GeoJSON body (registry.ImportFile) or a file of any format package source
// reads (registry.ImportPath), so that a transport only decodes the request
// and answers the report or the job.
type Upload struct {
	Runner     *Runner
	Store      registry.ImportStore
	Actor      zonegis.Actor
	Collection string
	Options    zonegis.ImportOptions
	BodyBytes  int64 // the request's size as sent, for the log (-1: unknown)
	Limit      int64 // the most bytes a job spools (ETOOLARGE past it)
}

func (u Upload) meta() Meta {
	return Meta{Actor: u.Actor, Collection: u.Collection, BodyBytes: u.BodyBytes}
}

// GeoJSON imports a GeoJSON body now. It returns the report whenever there
// is one (a refusal too, with its error), else the error.
func (u Upload) GeoJSON(ctx context.Context, body io.Reader) (*zonegis.ImportReport, error) {
	var rep *zonegis.ImportReport
	_, _, err := u.Runner.Run(ctx, u.meta(), nil, body, reported(&rep, u.geoJSON))
	return rep, err
}

// SubmitGeoJSON submits the import of a GeoJSON body as a job.
func (u Upload) SubmitGeoJSON(ctx context.Context, body io.Reader) (*postgis.ImportJob, error) {
	var rep *zonegis.ImportReport
	return u.Runner.Submit(ctx, u.Actor, u.Collection, body, u.Limit, reported(&rep, u.geoJSON))
}

func (u Upload) geoJSON(ctx context.Context, body io.Reader) (*zonegis.ImportReport, error) {
	return registry.ImportFile(ctx, u.Store, u.Actor, u.Collection, body, u.Options)
}

// File imports the file at path now, read as o says; the report says what
// was read (SourceRead). It returns as GeoJSON does.
func (u Upload) File(ctx context.Context, path string, o registry.FileOptions) (*zonegis.ImportReport, error) {
	var rep *zonegis.ImportReport
	_, _, err := u.Runner.Run(ctx, u.meta(), nil, nil, reported(&rep, func(ctx context.Context, _ io.Reader) (*zonegis.ImportReport, error) {
		r, read, err := registry.ImportPath(ctx, u.Store, u.Actor, u.Collection, path, o, u.Options)
		if r != nil && read != nil {
			r.SourceRead = &zonegis.SourceRead{Format: read.Format, Layer: read.Layer, CRS: read.CRS, Read: read.Read, DroppedZM: read.DroppedZM}
		}
		return r, err
	}))
	return rep, err
}

// SubmitFile submits the import of the file at path as a job. The job
// spools its own copy (path may be gone by the time it runs), named as
// path is named: GDAL goes by the extension.
func (u Upload) SubmitFile(ctx context.Context, path string, o registry.FileOptions) (*postgis.ImportJob, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var rep *zonegis.ImportReport
	return u.Runner.Submit(ctx, u.Actor, u.Collection, file, u.Limit, reported(&rep, func(ctx context.Context, body io.Reader) (*zonegis.ImportReport, error) {
		d, err := os.MkdirTemp("", "zonegis-job-*")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		copyPath := filepath.Join(d, filepath.Base(path))
		f, err := os.Create(copyPath)
		if err == nil {
			_, err = io.Copy(f, body)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return nil, err
		}
		r, _, err := registry.ImportPath(ctx, u.Store, u.Actor, u.Collection, copyPath, o, u.Options)
		return r, err
	}))
}

// reported is an import that answers a report as the jobs run it: the
// report kept in *keep, a refusal as the error the import is answered
// with.
func reported(keep **zonegis.ImportReport, imp func(ctx context.Context, body io.Reader) (*zonegis.ImportReport, error)) ImportFunc {
	return func(ctx context.Context, body io.Reader) (int64, int, error) {
		rep, err := imp(ctx, body)
		if err != nil {
			return 0, 0, err
		}
		*keep = rep
		if rep.Refused {
			return 0, 0, registry.RefusalError(rep)
		}
		return rep.Seq, rep.Imported, nil
	}
}
