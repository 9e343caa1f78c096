package zonegis

import "time"

// PublishedFigure is one aggregate a management board published about its
// zones (investment, projects, workers, enterprises), kept as it was
// published with its source (migrations/0016_published_figures.sql, where
// each column is defined). zonegis derives none of these and mixes them
// with no figure it derives from its records: they are served on their
// own (GET /stats/published).
type PublishedFigure struct {
	ID        int
	BoardID   string // the publisher; "" when not known
	Scope     string // "board" (every zone of BoardID) or "zones" (ZoneCodes)
	ScopeName string
	ZoneCodes []string
	Year      *int // nil when the source gives none
	YearFrom  *int // the first year of a figure over several years
	AsOf      *time.Time
	Basis     string // "cumulative", "period" or "target"
	Investor  string // "all", "fdi" or "domestic"
	Metric    string // PublishedMetrics
	Qualifier string // "", "about" or "over"
	// Value is the number as published, an exact decimal ("14700000000",
	// "119.4"), in Unit.
	Value       string
	Unit        string // "projects", "enterprises", "workers", "USD", "VND" or "percent"
	SourceTitle string
	SourceURL   string // "" when no page was found (the note says so)
	SourceDate  *time.Time
	Note        string
}

// PublishedMetrics are the metrics a published figure may have (the
// migration's CHECK; a test holds the two together).
var PublishedMetrics = []string{"projects", "projects_new", "projects_adjusted", "projects_new_high_tech",
	"capital", "capital_new", "capital_added", "capital_new_and_added", "plan_pct",
	"high_tech_share_new_capital_pct", "workers", "workers_foreign", "enterprises"}

// PublishedInvestors are the investor kinds of a published figure.
var PublishedInvestors = []string{"all", "fdi", "domestic"}
