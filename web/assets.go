package web

import (
	"io/fs"
	"mime"
	"path"
	"strings"
)

// types are the content types of the bundle's files that Go's table may
// lack (it reads the system's for them): the favicon and the glyphs.
var types = map[string]string{".ico": "image/x-icon", ".pbf": "application/x-protobuf"}

// Asset returns the bundle file name of app (Dist, or a test's tree),
// from its assets/ folder, with its content type by extension
// (application/octet-stream when unknown). ok is false for a name that is
// not a file there: empty, a path (with / or \), a dot file, or missing.
func Asset(app fs.FS, name string) (b []byte, contentType string, ok bool) {
	if name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") {
		return nil, "", false
	}
	b, err := fs.ReadFile(app, "assets/"+name)
	if err != nil {
		return nil, "", false
	}
	if contentType = types[path.Ext(name)]; contentType == "" {
		contentType = mime.TypeByExtension(path.Ext(name))
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return b, contentType, true
}
