package postgis_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/postgis/postgistest"
)

// TestPublishedFigures reads the boards' published figures that migration
// 0016 loads: every one has a source (a page, or the text with a
// note saying no page was found), and the figures the issue quotes are
// there as published, exactly (numeric, not float).
func TestPublishedFigures(t *testing.T) {
	db := postgistest.Open(t)
	figs, err := db.PublishedFigures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) < 40 {
		t.Fatalf("%d published figures", len(figs))
	}
	got := map[string]string{}
	for _, f := range figs {
		if f.SourceTitle == "" {
			t.Errorf("figure %d has no source", f.ID)
		}
		if f.SourceURL == "" && !strings.Contains(f.Note+f.SourceTitle, "issue") {
			t.Errorf("figure %d: no page and no word of where it comes from: %+v", f.ID, f)
		}
		if f.Year != nil && f.YearFrom == nil {
			got[f.BoardID+"/"+f.Investor+"/"+f.Metric+"/"+strconv.Itoa(*f.Year)+"/"+f.Basis] = f.Value + " " + f.Unit
		}
	}
	// The HEPZA figure over 2020-2025 keeps its span.
	for _, f := range figs {
		if f.Metric == "high_tech_share_new_capital_pct" && (f.YearFrom == nil || *f.YearFrom != 2020 || *f.Year != 2025 || f.Value != "44.17") {
			t.Errorf("high-tech share: %+v", f)
		}
	}
	for key, want := range map[string]string{
		"deza/all/projects/2020/cumulative":           "567 projects",
		"deza/fdi/projects/2020/cumulative":           "400 projects",
		"deza/fdi/capital/2020/cumulative":            "16000000000 USD",
		"deza/domestic/projects/2020/cumulative":      "167 projects",
		"deza/domestic/capital/2020/cumulative":       "146000000000000 VND",
		"deza/all/workers/2020/cumulative":            "160000 workers",
		"deza/all/workers_foreign/2020/cumulative":    "4500 workers",
		"hepza/all/capital_new_and_added/2025/period": "5400000000 USD",
		"hepza/all/plan_pct/2025/period":              "119.4 percent",
		"deza/fdi/capital/2023/cumulative":            "24853210000 USD",
	} {
		if got[key] != want {
			t.Errorf("%s: %q, want %q", key, got[key], want)
		}
	}
}
