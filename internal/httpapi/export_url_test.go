package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// TestExportFlatGeobufByURL: the FlatGeobuf export answers HEAD with its
// length and GET with byte ranges (206, Content-Range; 416 past the end),
// never gzipped; GDAL opens it by URL (/vsicurl/, which reads it in
// ranges) with ogrinfo and ogr2ogr, every feature there; when the index
// moves, the next request gets the new data from a new file and the old
// one is gone.
func TestExportFlatGeobufByURL(t *testing.T) {
	pgtest.Tool(t, "ogrinfo", "gdal-bin")
	pgtest.Tool(t, "ogr2ogr", "gdal-bin")
	const n = 3000
	ix := syntheticIndex(n)
	dir := t.TempDir()
	api := httpapi.New(httpapi.Options{Index: ix, Store: httpapitest.New(ix, time.Time{}), Exports: export.NewFiles(dir, 0)})
	var mu sync.Mutex
	var ranges, gets int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gets++
		if r.Header.Get("Range") != "" {
			ranges++
		}
		mu.Unlock()
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	url := srv.URL + "/collections/parcels/export?f=fgb"
	do := func(method string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, url, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	head, hb := do(http.MethodHead)
	size, _ := strconv.Atoi(head.Header.Get("Content-Length"))
	if head.StatusCode != 200 || size < 1000 || len(hb) != 0 || head.Header.Get("Accept-Ranges") != "bytes" || head.Header.Get("ETag") == "" {
		t.Fatalf("HEAD: %d Content-Length %q Accept-Ranges %q ETag %q, %d body bytes", head.StatusCode, head.Header.Get("Content-Length"),
			head.Header.Get("Accept-Ranges"), head.Header.Get("ETag"), len(hb))
	}
	full, body := do(http.MethodGet, "Accept-Encoding", "gzip")
	if full.StatusCode != 200 || len(body) != size || full.Header.Get("Content-Encoding") != "" || full.Header.Get("ETag") != head.Header.Get("ETag") ||
		full.Header.Get("Content-Type") != "application/flatgeobuf" || !bytes.HasPrefix(body, []byte("fgb\x03")) {
		t.Fatalf("GET: %d, %d bytes of %d, Content-Encoding %q, ETag %q, Content-Type %q", full.StatusCode, len(body), size,
			full.Header.Get("Content-Encoding"), full.Header.Get("ETag"), full.Header.Get("Content-Type"))
	}
	for rg, want := range map[string]string{"bytes=0-7": string(body[:8]), fmt.Sprintf("bytes=%d-", size-10): string(body[size-10:]), "bytes=-5": string(body[size-5:])} {
		res, part := do(http.MethodGet, "Range", rg, "Accept-Encoding", "gzip")
		if res.StatusCode != http.StatusPartialContent || string(part) != want || !strings.HasSuffix(res.Header.Get("Content-Range"), "/"+strconv.Itoa(size)) {
			t.Errorf("Range %s: %d, Content-Range %q, %d bytes", rg, res.StatusCode, res.Header.Get("Content-Range"), len(part))
		}
	}
	res, pb := do(http.MethodGet, "Range", fmt.Sprintf("bytes=%d-", size))
	var p struct{ Status int }
	if res.StatusCode != http.StatusRequestedRangeNotSatisfiable || res.Header.Get("Content-Range") != "bytes */"+strconv.Itoa(size) ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") || json.Unmarshal(pb, &p) != nil || p.Status != 416 {
		t.Errorf("Range past the end: %d Content-Range %q %s", res.StatusCode, res.Header.Get("Content-Range"), pb)
	}
	if res, b := do(http.MethodGet, "Range", "pages=1-2"); res.StatusCode != 200 || len(b) != size {
		t.Errorf("a Range GDAL cannot mean: %d, %d bytes; want the whole file", res.StatusCode, len(b))
	}

	// GDAL by URL.
	mu.Lock()
	ranges = 0
	mu.Unlock()
	out, err := exec.Command("ogrinfo", "-ro", "-so", "-al", "/vsicurl/"+url).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Feature Count: "+strconv.Itoa(n)) || !strings.Contains(string(out), "lot_code: String") {
		t.Fatalf("ogrinfo /vsicurl/: %v\n%s", err, out)
	}
	gpkg := filepath.Join(t.TempDir(), "parcels.gpkg")
	if out, err := exec.Command("ogr2ogr", "-f", "GPKG", gpkg, "/vsicurl/"+url).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr /vsicurl/: %v\n%s", err, out)
	}
	out, err = exec.Command("ogrinfo", "-ro", "-so", "-al", gpkg).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Feature Count: "+strconv.Itoa(n)) {
		t.Fatalf("ogrinfo of ogr2ogr's copy: %v\n%s", err, out)
	}
	mu.Lock()
	if ranges == 0 {
		t.Errorf("GDAL made %d requests, none with a Range", gets)
	}
	mu.Unlock()

	// The data changes: a new file, the old one dropped.
	before, _ := os.ReadDir(dir)
	snap := ix.Snapshot()
	ix.Apply(index.Batch{Seq: snap.Seq() + 1, DeletedParcels: []int64{1, 2, 3}})
	after, ab := do(http.MethodGet)
	files, _ := os.ReadDir(dir)
	if after.Header.Get("ETag") == full.Header.Get("ETag") || bytes.Equal(ab, body) || after.Header.Get("X-Index-Seq") != strconv.FormatInt(snap.Seq()+1, 10) {
		t.Errorf("after a change: ETag %q (was %q), X-Index-Seq %q", after.Header.Get("ETag"), full.Header.Get("ETag"), after.Header.Get("X-Index-Seq"))
	}
	if len(before) != 1 || len(files) != 1 || files[0].Name() == before[0].Name() {
		t.Errorf("files before the change %v, after %v: want one each, not the same", before, files)
	}
	out, err = exec.Command("ogrinfo", "-ro", "-so", "-al", "/vsicurl/"+url).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Feature Count: "+strconv.Itoa(n-3)) {
		t.Errorf("ogrinfo after the change: %v\n%s", err, out)
	}
}

// TestExportsTempDirRemoved: a server given no export.Files builds its
// FlatGeobuf exports in a temporary directory of its own, which Close
// removes (282 of them, 5.2 GB, had piled up in /tmp from test servers).
func TestExportsTempDirRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ix := syntheticIndex(20)
	api := httpapi.New(httpapi.Options{Index: ix, Store: httpapitest.New(ix, time.Time{})})
	srv := httptest.NewServer(api)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/collections/parcels/export?f=fgb")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(body) == 0 {
		t.Fatalf("export: %d, %d bytes", res.StatusCode, len(body))
	}
	made, _ := filepath.Glob(filepath.Join(tmp, "zonegis-exports-*"))
	if len(made) != 1 {
		t.Fatalf("the export's directory in TMPDIR: %v, want one", made)
	}
	if err := api.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("after Close, TMPDIR holds %v", left)
	}
}
