package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/zonegis/zonegis/internal/registry"
)

// How often the progress is shown: a bar on a terminal is redrawn often,
// plain lines (a log, a pipe) come every few seconds.
const (
	barEvery   = 200 * time.Millisecond
	plainEvery = 5 * time.Second
)

// isTerminal says whether w is a terminal (a character device), without
// a dependency: a pipe, a file or a buffer is not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// showProgress shows p on w until the returned stop is called: a bar
// redrawn in place when term, else a plain line every `every` (0:
// plainEvery). stop draws the last state (a final line, the bar ended by
// a newline) and returns once nothing more will be written.
func showProgress(w io.Writer, p *registry.Progress, term bool, every time.Duration) (stop func()) {
	if every <= 0 {
		every = plainEvery
		if term {
			every = barEvery
		}
	}
	draw := func(final bool) {
		s := p.Snapshot()
		if term {
			fmt.Fprintf(w, "\r%s\x1b[K", barLine(s, 24))
			if final {
				fmt.Fprintln(w)
			}
			return
		}
		fmt.Fprintln(w, plainLine(s))
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				draw(false)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			draw(true)
		})
	}
}

// plainLine is one line of progress for a log: the phase, the counts,
// the rate and, while running, the ETA; when finished, the time taken.
func plainLine(s registry.ProgressSnapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "import %s: %d read, %d checked, %d written", s.Phase, s.Read, s.Checked, s.Written)
	if s.Total > 0 {
		fmt.Fprintf(&b, " of %d", s.Total)
	}
	switch s.Phase {
	case registry.PhaseDone, registry.PhaseFailed:
		fmt.Fprintf(&b, " in %s (%s)", s.Elapsed.Round(time.Millisecond), rate(s.Rate()))
	default:
		fmt.Fprintf(&b, ", %s", rate(s.Rate()))
		if eta, ok := s.ETA(); ok {
			fmt.Fprintf(&b, ", ETA %s", clock(eta))
		}
	}
	return b.String()
}

// barLine is the progress bar of a terminal: the phase, a bar of width
// cells when the phase's share done is known, the counts, the rate, the ETA.
func barLine(s registry.ProgressSnapshot, width int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s ", s.Phase)
	if f, ok := fraction(s); ok {
		full := int(f * float64(width))
		fmt.Fprintf(&b, "[%s%s] %3.0f%% ", strings.Repeat("=", full), strings.Repeat(" ", width-full), 100*f)
	}
	fmt.Fprintf(&b, "read %d  checked %d  written %d  %s", s.Read, s.Checked, s.Written, rate(s.Rate()))
	if eta, ok := s.ETA(); ok {
		fmt.Fprintf(&b, "  ETA %s", clock(eta))
	} else if s.Phase == registry.PhaseDone || s.Phase == registry.PhaseFailed {
		fmt.Fprintf(&b, "  in %s", clock(s.Elapsed))
	}
	return b.String()
}

// fraction is the share of the current phase done, in [0, 1], when a
// total is known (features, or the source's bytes while reading).
func fraction(s registry.ProgressSnapshot) (float64, bool) {
	var done, total int64
	switch s.Phase {
	case registry.PhaseReading:
		done, total = s.Read, s.Total
		if total <= 0 {
			done, total = s.BytesRead, s.BytesTotal
		}
	case registry.PhaseChecking:
		done, total = s.Checked, s.Total
	case registry.PhaseWriting:
		done, total = s.Written, s.Total
	case registry.PhaseDone:
		return 1, true
	}
	if total <= 0 {
		return 0, false
	}
	return min(1, float64(done)/float64(total)), true
}

func rate(r float64) string {
	return fmt.Sprintf("%.0f features/s", r)
}

// clock writes d as m:ss (h:mm:ss past an hour).
func clock(d time.Duration) string {
	sec := int(d.Round(time.Second).Seconds())
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

// watchImport starts the progress of an import reading f: it returns the
// context to run the import in, f counted, and finish, which ends the
// progress with the import's outcome (its last line, or the bar ended).
func watchImport(ctx context.Context, stderr io.Writer, f *os.File) (context.Context, io.Reader, func(err error)) {
	p := registry.NewProgress(nil)
	var size int64
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	stop := showProgress(stderr, p, isTerminal(stderr), 0)
	return registry.WithProgress(ctx, p), p.CountBytes(f, size), func(err error) {
		if err != nil {
			p.SetPhase(registry.PhaseFailed)
		} else {
			p.SetPhase(registry.PhaseDone)
		}
		stop()
	}
}
