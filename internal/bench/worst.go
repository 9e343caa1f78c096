package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/geojsontest"
)

// Limits of POST /query/intersects the worst bodies are built to (as in
// internal/httpapi: MaxQueryVertices, MaxBodyBytes).
const (
	worstVertices  = 100000
	worstBodyBytes = 8 << 20
	worstTargetMS  = 200
)

// worstBody is one of the worst POST /query/intersects bodies.
type worstBody struct {
	name string
	body []byte
}

// worstBodies are the worst bodies within the vertex and body caps over
// the dataset: combs of 99,999 vertices (24,999 teeth) whose teeth run
// over every parcel of the first zones, along the meridians and on the
// diagonal (long edges side by side: every edge's bound meets every
// other's), and the diagonal comb again with each number written to 40
// digits, filling the body cap.
func worstBodies(d Dataset) []worstBody {
	x0, y0 := d.origin(0)
	ext := d.side() + d.spacing() // zone 0 and its neighbours east and north
	teeth := (worstVertices - 3) / 4
	axis := geojsontest.Comb(x0, y0, x0+ext, y0+ext, teeth, 0)
	// Inside the box whichever way it turns.
	m := ext * 0.15
	diag := geojsontest.Comb(x0+m, y0+m, x0+ext-m, y0+ext-m, teeth, 45)
	return []worstBody{
		{"axis comb", []byte(axis)},
		{"diagonal comb", []byte(diag)},
		{"diagonal comb at the body cap", padNumbers(diag, worstBodyBytes-1024)},
	}
}

// padNumbers writes every number of body (as geojsontest.Comb writes
// them, with a decimal point) with more digits, a 1 after zeros, so that
// the body is close to size bytes: the values move by less than 1e-20°.
func padNumbers(body string, size int) []byte {
	numbers := strings.Count(body, ".")
	extra := max((size-len(body))/max(numbers, 1)-1, 0)
	pad := strings.Repeat("0", extra) + "1"
	var b bytes.Buffer
	b.Grow(size)
	inNumber := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		isDigit := c >= '0' && c <= '9' || c == '.' || c == '-'
		if inNumber && !isDigit {
			b.WriteString(pad)
		}
		inNumber = isDigit
		b.WriteByte(c)
	}
	return b.Bytes()
}

// worstResult posts each worst body rounds × 5 times, one at a time, and
// reports the slowest body's median time per request against the target:
// every request answered (200) or refused (413) within 200 ms.
func worstResult(ctx context.Context, d Dataset, name, ours string, rounds int) (Result, error) {
	res := Result{Name: name, Unit: "ms",
		Target: worstTargetMS, TargetText: fmt.Sprintf("< %d ms per request", worstTargetMS), LowerIsBetter: true, AbsoluteTarget: true}
	client := &http.Client{Timeout: time.Minute}
	var notes []string
	var all []time.Duration // every request of every body, for the row's p50 and p99
	for _, w := range worstBodies(d) {
		var took []float64
		statuses := map[int]int{}
		for range max(rounds, 1) * 5 {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, ours+"/query/intersects", bytes.NewReader(w.body))
			if err != nil {
				return res, err
			}
			req.Header.Set("Content-Type", "application/geo+json")
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				return res, fmt.Errorf("%s: %w", w.name, err)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			t := time.Since(start)
			took = append(took, float64(t.Microseconds())/1000)
			all = append(all, t)
			if err != nil {
				return res, fmt.Errorf("%s: %w", w.name, err)
			}
			statuses[resp.StatusCode]++
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusRequestEntityTooLarge {
				res.OursErrors++
			}
		}
		med := median(took)
		res.Ours = max(res.Ours, med)
		var codes []string
		for _, c := range slices.Sorted(maps.Keys(statuses)) {
			codes = append(codes, fmt.Sprintf("%d×%d", statuses[c], c))
		}
		notes = append(notes, fmt.Sprintf("%s (%.1f MB): median %.0f ms, max %.0f ms, %s",
			w.name, float64(len(w.body))/(1<<20), med, slices.Max(took), strings.Join(codes, " ")))
	}
	res.OursLatency = percentiles(all)
	res.Pass = res.Ours < worstTargetMS && res.OursErrors == 0
	res.Note = "slowest body's median, one request at a time (p50 / p99 of every body's requests); " + strings.Join(notes, "; ")
	return res, nil
}
