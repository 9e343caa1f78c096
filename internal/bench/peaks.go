package bench

import (
	"fmt"
	"os"
	"strings"
)

// phasePeaks records a process's peak resident memory per phase of a run:
// the kernel's high-water mark (VmHWM) is reset to the current RSS at each
// phase's start (writing 5 to /proc/PID/clear_refs, Linux 4.0 and later:
// Documentation/filesystems/proc.rst) and read at its end, so each phase's
// figure is its own peak, not the run's so far. Where the reset is refused
// the marks only grow, and String says so.
type phasePeaks struct {
	pid      int
	names    []string
	peaks    []int64 // bytes
	noReset  bool
	resetErr error
}

// newPhasePeaks starts with the process's peak so far as the phase first
// (the start-up, say).
func newPhasePeaks(pid int, first string) *phasePeaks {
	p := &phasePeaks{pid: pid}
	p.names, p.peaks = []string{first}, []int64{rss(pid, "VmHWM")}
	p.reset()
	return p
}

func (p *phasePeaks) reset() {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.pid), []byte("5"), 0); err != nil {
		p.noReset, p.resetErr = true, err
	}
}

// end records the peak since the last end (or the start) as phase name's,
// and starts the next phase.
func (p *phasePeaks) end(name string) {
	p.names = append(p.names, name)
	p.peaks = append(p.peaks, rss(p.pid, "VmHWM"))
	p.reset()
}

// max is the highest peak and the phase it was in (the first of equals).
func (p *phasePeaks) max() (string, int64) {
	at := 0
	for i, v := range p.peaks {
		if v > p.peaks[at] {
			at = i
		}
	}
	return p.names[at], p.peaks[at]
}

// String is "peak in <phase>; per phase (MB): start-up 603, point 540, …".
func (p *phasePeaks) String() string {
	name, _ := p.max()
	parts := make([]string, len(p.names))
	for i, n := range p.names {
		parts[i] = fmt.Sprintf("%s %d", n, p.peaks[i]>>20)
	}
	s := fmt.Sprintf("peak in %s; per phase (VmHWM, MB): %s", name, strings.Join(parts, ", "))
	if p.noReset {
		s += fmt.Sprintf(" (VmHWM not reset between phases, %v: each figure is the peak so far)", p.resetErr)
	}
	return s
}
