// Package web holds the zonegis web map, built from src/ with esbuild into
// dist/ (make web, or npm ci && node build.mjs) and embedded into the
// binary, which serves it at /app/. The built bundle is committed, so a
// plain go build needs neither node nor the network; make build and make
// test rebuild it from package-lock.json first.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Dist returns the built app: index.html, build-info.json and assets/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path: fs.Sub cannot fail here
	}
	return sub
}
