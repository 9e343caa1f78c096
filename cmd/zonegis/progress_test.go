package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestImportCLIProgress imports a small file with stderr not a terminal
// (a buffer): the progress ends with one plain line of the counts and the
// time taken, and draws no bar (no carriage return, no escape).
func TestImportCLIProgress(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run(t, "migrate"); err != nil {
		t.Fatal(err)
	}
	z := &zonegis.Zone{Code: "KCX-PROG", NameVI: "Khu chế xuất Tiến độ", NameEN: "Progress EPZ", Kind: zonegis.KindExportProcessingZone,
		Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional, Source: "manual",
		Boundary: orb.MultiPolygon{{{{106.70, 10.75}, {106.71, 10.75}, {106.71, 10.76}, {106.70, 10.76}, {106.70, 10.75}}}}}
	if _, err := c.db(t).CreateZone(context.Background(), zonegis.System, z); err != nil {
		t.Fatal(err)
	}
	var feats []string
	for i := range 3 {
		x := 106.700 + 0.001*float64(i)
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[%v,10.75],[%v,10.75],[%v,10.751],[%v,10.751],[%v,10.75]]]},
			"properties":{"zone_id":%d,"lot_code":"PR-%d","land_use":"industrial"}}`, x, x+0.0009, x+0.0009, x, x, z.ID, i))
	}
	file := filepath.Join(t.TempDir(), "lots.geojson")
	if err := os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[`+strings.Join(feats, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := c.run(t, "import", "--collection", "parcels", file)
	if err != nil || strings.TrimSpace(out) != "imported 3 parcels" {
		t.Fatalf("import: %q, %v\n%s", out, err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "import done: 3 read, 3 checked, 3 written of 3 in ") || !strings.HasSuffix(last, " features/s)") {
		t.Errorf("last progress line %q, want the counts of 3 features done", last)
	}
	if strings.ContainsAny(errOut, "\r\x1b") {
		t.Errorf("a bar drawn on a buffer: %q", errOut)
	}
	// Importing the same lots again is refused: the line says failed.
	_, errOut, err = c.run(t, "import", "--collection", "parcels", file)
	if err == nil || !strings.Contains(errOut, "import failed: 3 read, 3 checked, 0 written of 3 in ") {
		t.Errorf("refused import: %v\n%s", err, errOut)
	}
}

// lockedBuffer is a bytes.Buffer safe for the progress goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestProgressPlainLines: off a terminal, a line comes every interval while
// the import runs, and a last one at stop; nothing after stop.
func TestProgressPlainLines(t *testing.T) {
	p := registry.NewProgress(nil)
	p.Read(10)
	var w lockedBuffer
	stop := showProgress(&w, p, false, 10*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(w.String(), "\n") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	p.SetPhase(registry.PhaseDone)
	stop()
	got := w.String()
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "import reading: 10 read, 0 checked, 0 written, ") ||
		!strings.HasPrefix(lines[len(lines)-1], "import done: 10 read") {
		t.Fatalf("lines:\n%s", got)
	}
	time.Sleep(30 * time.Millisecond)
	if w.String() != got {
		t.Errorf("written after stop:\n%s", w.String())
	}
	if isTerminal(&w) {
		t.Error("a buffer is a terminal")
	}
	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer pw.Close()
	if isTerminal(pw) {
		t.Error("a pipe is a terminal")
	}
}

// TestBarLine draws the terminal's bar for known and unknown totals.
func TestBarLine(t *testing.T) {
	s := registry.ProgressSnapshot{Phase: registry.PhaseWriting, Read: 400, Checked: 400, Written: 100, Total: 400,
		Elapsed: 10 * time.Second, PhaseElapsed: 2 * time.Second}
	if got, want := barLine(s, 8), "writing  [==      ]  25% read 400  checked 400  written 100  50 features/s  ETA 0:06"; got != want {
		t.Errorf("bar\n%q, want\n%q", got, want)
	}
	// Reading a body of unknown size: no bar, no ETA, the rate only.
	s = registry.ProgressSnapshot{Phase: registry.PhaseReading, Read: 300, PhaseElapsed: 3 * time.Second}
	if got, want := barLine(s, 8), "reading  read 300  checked 0  written 0  100 features/s"; got != want {
		t.Errorf("bar\n%q, want\n%q", got, want)
	}
	if got := clock(3725 * time.Second); got != "1:02:05" {
		t.Errorf("clock %q", got)
	}
}
