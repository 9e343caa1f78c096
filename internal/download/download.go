// Package download sends exports over HTTP, for the API's export and
// dossier routes: streamed as they are written (constant memory, any
// size), or, for the formats that GIS clients read by URL with byte
// ranges (FlatGeobuf: GDAL's /vsicurl/, QGIS), from a file built once per
// request and index sequence (export.Files) and served with its length
// and ranges (httpx.ServeFile).
package download

import (
	"io"
	"log/slog"
	"net/http"
	"path/filepath"

	"github.com/labstack/echo/v4"

	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/httpx"
)

// Sender sends exports. Its fields are required.
type Sender struct {
	// Transformer computes the coordinates of a projected CRS (PostGIS).
	Transformer export.Transformer
	Logger      *slog.Logger
	// Files keeps the files of the exports served by URL.
	Files *export.Files
}

// Request is one export: its format and CRS, the file name a browser
// saves it under (without extension), the collection name inside the
// file and the layers of its features.
type Request struct {
	Format export.Format
	CRS    export.CRS
	File   string
	Name   string
	Layers []*export.Layer
	BOM    bool // a CSV starts with a UTF-8 byte order mark
}

// Send answers c with the export write makes (the features of a Writer,
// read from the index at sequence seq): from a file for FlatGeobuf, else
// streamed (Stream). Before the first byte, errors are returned for the
// problem answer: a CRS whose transform is unavailable
// (export.ErrTransformUnavailable), write's error while the file is built.
func (d *Sender) Send(c echo.Context, seq int64, r Request, write func(*export.Writer) error) error {
	opts, err := d.options(c, seq, r)
	if err != nil {
		return err
	}
	if !AsFile(string(r.Format)) {
		return d.stream(c, opts, write)
	}
	// One file per route, query (filters, f, crs) and sequence.
	ctx, key := c.Request().Context(), c.Request().URL.Path+"?"+c.QueryParams().Encode()
	f, err := d.Files.Open(ctx, seq, key, func(dst io.Writer) error { return export.WriteAll(ctx, dst, opts, write) })
	if err != nil {
		return err
	}
	defer f.Close()
	return httpx.ServeFile(c, f, `"`+filepath.Base(f.Name())+`"`)
}

// AsFile says whether an export of format f (its f parameter) is sent
// from a file, with byte ranges: FlatGeobuf, which clients read by URL.
func AsFile(f string) bool {
	format, err := export.ParseFormat(f)
	return err == nil && format == export.FlatGeobuf
}

// options checks that the CRS can be served, before any byte of the
// answer, sets the answer's headers and returns the writer's options.
func (d *Sender) options(c echo.Context, seq int64, r Request) (export.Options, error) {
	tr, err := export.Preflight(c.Request().Context(), d.Transformer, r.CRS)
	if err != nil {
		d.Logger.Warn("export: transform preflight", "err", err)
		return export.Options{}, export.ErrTransformUnavailable
	}
	export.SetHeaders(c.Response().Header(), r.Format, r.CRS, r.File, seq)
	return export.Options{Format: r.Format, CRS: r.CRS, Layers: r.Layers, Name: r.Name, Transformer: tr, BOM: r.BOM}, nil
}

// stream writes the export as it is made, flushed to the client as it
// goes (the gzip middleware compresses it when the client accepts gzip).
// After the status line has gone out an error can only be logged, and the
// response is aborted (http.ErrAbortHandler) so the client does not take a
// truncated file for a whole one.
func (d *Sender) stream(c echo.Context, opts export.Options, write func(*export.Writer) error) error {
	opts.Flush = httpx.Flusher(c)
	c.Response().WriteHeader(http.StatusOK)
	err := export.WriteAll(c.Request().Context(), c.Response(), opts, write)
	if err != nil {
		d.Logger.Warn("export aborted", "path", c.Request().URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}
