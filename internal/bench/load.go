package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Load settings for wrk: two threads (the machine's cores are shared with
// the server), enough connections to keep it busy.
type Load struct {
	Threads, Connections int
	Duration             time.Duration // per wrk run
	Rounds               int           // alternating runs of ours and the baseline, for rows with a target
}

// wrkResult is what wrk reports.
type wrkResult struct {
	RPS     float64
	Latency Latency // p50 and p99 of every request of the run (luaLatencyDone)
	Errors  int     // non-2xx/3xx responses and socket errors
	Raw     string
}

var (
	reRPS    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	reNon2xx = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	reSocket = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// luaRandomPaths is a wrk script whose requests are PATH_FORMAT filled with
// random numbers: kind "point" (lon, lat inside a random zone), "bbox" (a box
// of BOX degrees inside a random zone, as minLon,minLat,maxLon,maxLat).
const luaRandomPaths = `
math.randomseed(%d)
local zones, cols, spacing, side, box = %d, 20, %g, %g, %g
local kind, fmt = "%s", "%s"
request = function()
  local z = math.random(0, zones - 1)
  local x0 = 105.5 + (z %% cols) * spacing
  local y0 = 10.0 + math.floor(z / cols) * spacing
  if kind == "point" then
    local lon = x0 + math.random() * side
    local lat = y0 + math.random() * side
    return wrk.format("GET", string.format(fmt, lon, lat))
  end
  local lon = x0 + math.random() * (side - box)
  local lat = y0 + math.random() * (side - box)
  return wrk.format("GET", string.format(fmt, lon, lat, lon + box, lat + box))
end
`

// runWrk drives url (with an optional generated script, to which
// luaLatencyDone is added) and parses the result.
func runWrk(ctx context.Context, l Load, dir, url, script string) (wrkResult, error) {
	args := []string{"-t", strconv.Itoa(l.Threads), "-c", strconv.Itoa(l.Connections), "-d", l.Duration.String(), "--latency"}
	f := filepath.Join(dir, fmt.Sprintf("script-%d.lua", time.Now().UnixNano()))
	if err := os.WriteFile(f, []byte(script+luaLatencyDone), 0o644); err != nil {
		return wrkResult{}, err
	}
	defer os.Remove(f)
	args = append(args, "-s", f, url)
	out, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	r := wrkResult{Raw: string(out)}
	if err != nil {
		return r, fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	m := reRPS.FindStringSubmatch(r.Raw)
	if m == nil {
		return r, fmt.Errorf("wrk %s: no Requests/sec in output:\n%s", url, out)
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	var ok bool
	if r.Latency, ok = parseWrkLatency(r.Raw); !ok {
		return r, fmt.Errorf("wrk %s: no latency line in output:\n%s", url, out)
	}
	if m := reNon2xx.FindStringSubmatch(r.Raw); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.Errors += n
	}
	if m := reSocket.FindStringSubmatch(r.Raw); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.Errors += n
		}
	}
	return r, nil
}

// fetchAll requests every URL once with conc workers and returns the rate
// (requests per second), the p50 and p99 of the requests' latencies, the
// bytes read and the first error. Used where each request must be
// different (cold tiles).
func fetchAll(ctx context.Context, urls []string, conc int) (rate float64, lat Latency, bytes int64, err error) {
	var next atomic.Int64
	var total atomic.Int64
	var firstErr error
	var once sync.Once
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	took := make([]time.Duration, len(urls)) // each worker writes its own indexes
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(urls) || ctx.Err() != nil {
					return
				}
				// Identity encoding for ours and the baselines alike: this
				// compares producing tiles, not compressing them.
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, urls[i], nil)
				req.Header.Set("Accept-Encoding", "identity")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					n, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					total.Add(n)
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("%s: %s", urls[i], resp.Status)
					}
				}
				took[i] = time.Since(t0)
				if err != nil {
					once.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	rate = float64(len(urls)) / time.Since(start).Seconds()
	return rate, percentiles(took), total.Load(), firstErr
}
