package reports

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestAppendFeatureWithholdsEveryFigure: to a caller who does not see the
// board's figures, every figure of zonegis.ReportFigures is null and
// withheld is true; to one who does, they are there.
func TestAppendFeatureWithholdsEveryFigure(t *testing.T) {
	d := zonegis.Decimal("12.50")
	w := int32(3)
	r := &zonegis.EnterpriseReport{ID: 9, EnterpriseID: 4, BoardID: "hepza", Year: 2024, RevenueVND: &d, ExportUSD: &d, ImportUSD: &d,
		BudgetVND: &d, WorkersVN: &w, WorkersForeign: &w}
	for _, sees := range []bool{false, true} {
		var f struct {
			ID         int64
			Geometry   json.RawMessage
			Properties map[string]any
		}
		if err := json.Unmarshal(AppendFeature(nil, r, sees), &f); err != nil {
			t.Fatal(err)
		}
		if f.ID != 9 || string(f.Geometry) != "null" || f.Properties["withheld"] != !sees || f.Properties["year"] != 2024.0 {
			t.Fatalf("sees %v: %+v", sees, f)
		}
		for _, name := range zonegis.ReportFigures {
			if (f.Properties[name] != nil) != sees {
				t.Errorf("sees %v: %s = %v", sees, name, f.Properties[name])
			}
		}
	}
}

// TestParseQuery reads the filters and refuses bad ones naming the
// parameter.
func TestParseQuery(t *testing.T) {
	f, err := ParseQuery(url.Values{"year": {"2024"}, "min_revenue_vnd": {"1000.5"}, "sortby": {"-export_usd"}, "limit": {"50000"}})
	if err != nil || f.From != 2024 || f.To != 2024 || f.Min["revenue_vnd"] != "1000.5" || f.SortBy != "export_usd" || !f.Desc || f.Limit != zonegis.MaxInvestmentPage {
		t.Fatalf("%+v %v", f, err)
	}
	for q, name := range map[string]string{"year=20x": "year", "from=2025&to=2024": "from", "year=2024&from=2020": "year",
		"min_export_usd=lots": "min_export_usd", "sortby=revenue": "sortby", "sortby=year,id": "sortby", "bbox=1,2,3": "bbox", "datetime=soon": "datetime",
		"enterprise_id=-1": "enterprise_id", "max_workers_vn=1e9999": "max_workers_vn"} {
		v, _ := url.ParseQuery(q)
		if _, err := ParseQuery(v); err == nil || !strings.HasPrefix(zonegis.ErrorMessage(err), name) {
			t.Errorf("%s: %v, want an error naming %s", q, err, name)
		}
	}
}
