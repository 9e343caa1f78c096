package httpapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"
)

// Clients that accept gzip get the same tile compressed once, from the
// cache, with the same ETag; others get it plain. Neither is compressed
// twice by the gzip middleware.
func TestTileGzipFromCache(t *testing.T) {
	s, tl := tileServer(t)
	path := "/tiles/all/15/" + itoa(tl.X) + "/" + itoa(tl.Y) + ".mvt"
	plain := serveGet(t, s, path)
	plainBody, _ := io.ReadAll(plain.Body)
	if plain.Header.Get("Content-Encoding") != "" || len(plainBody) == 0 {
		t.Fatalf("plain: encoding %q, %d bytes", plain.Header.Get("Content-Encoding"), len(plainBody))
	}
	for i := range 2 { // the second answer comes from the cached compressed body
		res := serveGet(t, s, path, "Accept-Encoding", "gzip, deflate, br")
		gz, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("ETag") != plain.Header.Get("ETag") {
			t.Fatalf("gzip %d: %d encoding %q etag %q (plain %q)", i, res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("ETag"), plain.Header.Get("ETag"))
		}
		r, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatalf("gzip %d: not one gzip stream: %v", i, err)
		}
		body, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(body, plainBody) {
			t.Fatalf("gzip %d: decompressed %d bytes (%v), want the plain %d", i, len(body), err, len(plainBody))
		}
	}
	if res := serveGet(t, s, path, "Accept-Encoding", "gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("gzip;q=0 still got %q", res.Header.Get("Content-Encoding"))
	}
}
