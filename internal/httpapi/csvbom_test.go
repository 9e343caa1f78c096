package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// TestCSVByteOrderMark: bom=true starts the CSV exports, dossiers and
// statistics with a UTF-8 byte order mark (for Excel), and GDAL's CSV
// driver still reads the first column as "id" and the Vietnamese text as
// it is; without it there is none; bom with another value or format is a
// 400 naming bom.
func TestCSVByteOrderMark(t *testing.T) {
	pgtest.Tool(t, "ogrinfo", "gdal-bin")
	ix := syntheticIndex(20)
	api := httpapi.New(httpapi.Options{Index: ix, Store: httpapitest.New(ix, time.Time{})})
	defer api.Close() // the FlatGeobuf exports' temporary directory
	get := func(target string) (int, []byte) {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		b, _ := io.ReadAll(rec.Result().Body)
		return rec.Code, b
	}
	bom := []byte("\xef\xbb\xbf")
	for _, path := range []string{"/collections/zones/export?f=csv", "/collections/parcels/export?f=csv&zone=SYN", "/zones/SYN/dossier?f=csv", "/stats/zones?f=csv", "/stats/kinds?f=csv"} {
		code, plain := get(path)
		code2, marked := get(path + "&bom=true")
		if code != 200 || code2 != 200 || bytes.HasPrefix(plain, bom) || !bytes.Equal(marked, append(bom[:3:3], plain...)) {
			t.Errorf("%s: %d %q…; with bom=true %d %q…", path, code, first12(plain), code2, first12(marked))
		}
		if _, b := get(path + "&bom=false"); !bytes.Equal(b, plain) {
			t.Errorf("%s&bom=false differs from no bom", path)
		}
	}
	_, marked := get("/collections/zones/export?f=csv&bom=true")
	file := filepath.Join(t.TempDir(), "zones.csv")
	if err := os.WriteFile(file, marked, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ogrinfo", "-ro", "-al", "-q", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "  id (String) = 1") || !strings.Contains(string(out), "Khu công nghiệp Tổng hợp") {
		t.Errorf("ogrinfo of the CSV with a BOM: %v\n%s", err, out)
	}
	for _, path := range []string{"/collections/zones/export?f=csv&bom=yes", "/collections/zones/export?f=geojson&bom=true",
		"/collections/zones/export?f=fgb&bom=true", "/stats/zones?bom=true", "/zones/SYN/dossier?bom=1"} {
		code, b := get(path)
		var p struct{ Detail string }
		if code != 400 || json.Unmarshal(b, &p) != nil || !strings.HasPrefix(p.Detail, "bom:") {
			t.Errorf("%s: %d %s, want 400 naming bom", path, code, b)
		}
	}
}

func first12(b []byte) []byte { return b[:min(len(b), 12)] }
