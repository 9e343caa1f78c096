package web

import (
	"strings"
	"testing"
	"testing/fstest"
)

// Asset serves files of assets/ only, typed by extension.
func TestAsset(t *testing.T) {
	app := fstest.MapFS{
		"index.html":         {Data: []byte("<html>")},
		"assets/main.js":     {Data: []byte("x")},
		"assets/blob.zzz9":   {Data: []byte("y")},
		"assets/.hidden":     {Data: []byte("z")},
		"assets/sub/a.js":    {Data: []byte("w")},
		"assets/favicon.ico": {Data: []byte("i")},
	}
	if _, ct, ok := Asset(app, "favicon.ico"); !ok || ct != "image/x-icon" {
		t.Errorf("favicon.ico: %q %v", ct, ok)
	}
	if b, ct, ok := Asset(app, "main.js"); !ok || string(b) != "x" || !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("main.js: %q %q %v", b, ct, ok)
	}
	if _, ct, ok := Asset(app, "blob.zzz9"); !ok || ct != "application/octet-stream" {
		t.Errorf("unknown extension: %q %v", ct, ok)
	}
	for _, name := range []string{"", ".hidden", "sub/a.js", `sub\a.js`, "../index.html", "missing.js"} {
		if _, _, ok := Asset(app, name); ok {
			t.Errorf("%q served", name)
		}
	}
	if _, _, ok := Asset(Dist(), "../index.html"); ok {
		t.Error("Dist: a path out of assets/ served")
	}
}
