package bench

import (
	"fmt"
	"strconv"
)

// Label names the dataset as the rows do: "1M parcels" for a whole number
// of millions, otherwise the count with thousands separators ("100,000
// parcels").
func (d Dataset) Label() string { return countLabel(d.Parcels()) + " parcels" }

// countLabel is n as "1M", "3M", or "100,000".
func countLabel(n int) string {
	if n >= 1_000_000 && n%1_000_000 == 0 {
		return strconv.Itoa(n/1_000_000) + "M"
	}
	return thousands(n)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// boxCells is the side, in cells, of the bbox rows' boxes: 8 (about 64
// parcels), or the whole zone when a zone is smaller.
func (d Dataset) boxCells() int { return min(8, d.Grid) }

// rowLabels are the names of the rows of make bench and -versus measured
// over the generated dataset: every one names that dataset (Label), so a
// quick -zones 40 run says 100,000 parcels where a default run says 1M.
// The import rows are on zones and parcels of their own and name them
// (importResults).
type rowLabels struct {
	point, pointPG, bbox, bboxPG, cold, warm, export, exportRSS, intersects, startup, rss string
	mixedReads, mixedP99, visibleHere, visibleThere                                       string
	versusStartup, versusRSS, versusPeak                                                  string
}

// labelsFor is the rows' names over d.
func labelsFor(d Dataset) rowLabels {
	ds := d.Label()
	on := func(name string) string { return fmt.Sprintf("%s (%s)", name, ds) }
	box := d.boxCells() * d.boxCells()
	return rowLabels{
		point:         on("point lookup /query/at"),
		pointPG:       on("point lookup vs PostGIS"),
		bbox:          fmt.Sprintf("bbox items (~%d of %s)", box, ds),
		bboxPG:        fmt.Sprintf("bbox items vs PostGIS (~%d of %s)", box, ds),
		cold:          on("cold tiles z15"),
		warm:          on("warm tiles z15"),
		export:        "full GeoJSON export of " + ds,
		exportRSS:     "RSS growth during the export of " + ds,
		intersects:    fmt.Sprintf("intersects, worst input within the limits (100,000 vertices, 8 MB; %s)", ds),
		startup:       "start-up: " + ds + " loaded",
		rss:           on("RSS peak, whole run"),
		mixedReads:    on(fmt.Sprintf("mixed: bbox, point and tile reads while %d writes/s", mixedWritesPerSecond)),
		mixedP99:      on(fmt.Sprintf("mixed: read p99 while %d writes/s", mixedWritesPerSecond)),
		visibleHere:   on("mixed: write-to-visible, writing instance"),
		visibleThere:  on("mixed: write-to-visible, second instance"),
		versusStartup: "start-up: " + ds + " loaded (median of 3)",
		versusRSS:     "RSS after loading " + ds + " (median of 3)",
		versusPeak:    "RSS peak of the start-up, " + ds + " loaded (VmHWM, median of 3)",
	}
}
