package source

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rssBytes is the process's resident set size, from /proc.
func rssBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestReadConstantMemory reads 100,000 features of a CSV with WKT and
// Vietnamese text: the process's memory (Go's and libgdal's) grows by no
// more after the first 10,000 features than a few MB, so nothing is kept
// or leaked per feature.
func TestReadConstantMemory(t *testing.T) {
	const n = 100_000
	p := filepath.Join(t.TempDir(), "lots.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "WKT,lot_code,owner")
	for i := range n {
		x, y := 106.7+float64(i%300)*1e-4, 10.75+float64(i/300)*1e-4
		fmt.Fprintf(w, "\"POLYGON ((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))\",L-%d,Công ty Cổ phần Đầu tư số %d\n",
			x, y, x+9e-5, y, x+9e-5, y+9e-5, x, y+9e-5, x, y, i, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r, err := Open(p, Options{CRS: "EPSG:4326"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	start := time.Now()
	var base int64
	for i := 0; ; i++ {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i == 10_000 {
			base = rssBytes(t)
		}
		if v, _ := rec.Get("owner"); v != fmt.Sprintf("Công ty Cổ phần Đầu tư số %d", i) || rec.Geometry == nil {
			t.Fatalf("feature %d: owner %q, geometry %v", i, v, rec.Geometry)
		}
	}
	took := time.Since(start)
	growth := rssBytes(t) - base
	t.Logf("%d features in %v (%.0f features/s); RSS grew %.1f MiB after the first 10,000", r.Counts().Read, took.Round(time.Millisecond),
		float64(r.Counts().Read)/took.Seconds(), float64(growth)/(1<<20))
	if r.Counts().Read != n {
		t.Fatalf("read %d features, want %d", r.Counts().Read, n)
	}
	if growth > 8<<20 {
		t.Errorf("RSS grew %.1f MiB over 90,000 features", float64(growth)/(1<<20))
	}
}
