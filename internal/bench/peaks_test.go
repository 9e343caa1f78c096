package bench

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// TestPhasePeaks: each phase's figure is its own peak, not the run's so
// far. This process touches 96 MB in one phase and frees it before the
// phase ends, then idles in the next: the second phase's peak is well under the first's, and the first
// is named as the run's peak.
func TestPhasePeaks(t *testing.T) {
	debug.FreeOSMemory()
	p := newPhasePeaks(os.Getpid(), "start")
	if p.noReset {
		t.Fatalf("VmHWM reset refused: %v", p.resetErr)
	}
	big := make([]byte, 96<<20)
	for i := range big {
		if i%4096 == 0 {
			big[i] = 1
		}
	}
	runtime.KeepAlive(big)
	big = nil
	debug.FreeOSMemory() // the mark keeps big's peak; the reset at its end starts from less
	p.end("big")
	p.end("idle")
	if len(p.peaks) != 3 {
		t.Fatalf("peaks %v, want start, big, idle", p.peaks)
	}
	if p.peaks[1]-p.peaks[2] < 64<<20 {
		t.Errorf("peak of big %d MB, of idle %d MB: want idle's at least 64 MB lower (VmHWM not reset?)", p.peaks[1]>>20, p.peaks[2]>>20)
	}
	if name, v := p.max(); name != "big" || v != p.peaks[1] {
		t.Errorf("max = %s %d, want big %d", name, v, p.peaks[1])
	}
	if s := p.String(); !strings.HasPrefix(s, "peak in big; per phase (VmHWM, MB): start ") || !strings.Contains(s, ", idle ") {
		t.Errorf("String = %q", s)
	}
}
