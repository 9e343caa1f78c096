package zonegis

import "time"

// The raw figures of the investment statistics (GET /stats/investment;
// package stats defines, discloses and writes them). Money is exact: the
// decimal text PostgreSQL prints for a numeric sum, never a float.

// InvestmentSeriesFilter selects the projects, capital adjustments and
// enterprise reports an investment series sums, and how it groups them.
type InvestmentSeriesFilter struct {
	// Groups are the groupings, each summed on its own: "" (one group,
	// key ""), "country" (the investor's ISO 3166 alpha-2 code), "sector"
	// (the VSIC 2018 section letter of the enterprise's sector), "board",
	// "province" or "kind" (of the project's zone).
	Groups    []string
	Quarterly bool // periods are quarters, else years
	// Board (id), Province (as the zones spell it), Kind and ZoneID (0 for
	// any) keep the projects of the zones they match.
	Board, Province, Kind string
	ZoneID                int64
	// From is the first day counted, To the day after the last; the zero
	// time leaves an end open.
	From, To time.Time
}

// Investment figure names: what an InvestmentFigure sums. The capital
// figures are "<flow>_<origin>_<measure>": flow "new" (a project's
// registered capital, in the period of its registration date) or "added"
// (a capital adjustment, in the period of its date); origin "fdi" or
// "domestic"; measure "usd" or "vnd" (the capital registered in that
// currency, in it) or "in_usd" (all of it, in US dollars at the rate
// recorded with the project or the adjustment).
const (
	FigureCapitalInUSD    = "capital_in_usd"    // new and added, FDI and domestic, in USD
	FigureHighTechInUSD   = "high_tech_in_usd"  // of enterprises flagged high-tech
	FigureSupportingInUSD = "supporting_in_usd" // of enterprises flagged supporting industry
	FigureProjectsNew     = "projects_new"      // counts: the sum is a number of projects
	FigureAdjustments     = "adjustments"       // a number of capital adjustments
	FigureWorkers         = "workers"           // actual workers (Vietnamese and foreign) of projects not terminated
	FigureWorkersForeign  = "workers_foreign"
	FigureExportsUSD      = "exports_usd" // enterprise reports of the year
	FigureBudgetVND       = "budget_vnd"
)

// InvestmentFigure is one figure of one group and period: the sum of the
// contributions, the largest contribution of one enterprise (its
// contributions to the figure summed), the number of enterprises
// contributing and the boards they contribute through.
type InvestmentFigure struct {
	Group         string // one of InvestmentSeriesFilter.Groups
	Key           string // the group key ("" for an enterprise without a country or sector, or no group)
	Year, Quarter int    // Quarter 1-4, 0 in a yearly series; both 0 for the whole range (Total)
	Total         bool   // the figure over every period of the range
	Figure        string // a Figure name (or a capital figure's composed name)
	Sum           string // exact decimal
	Max           string // the largest absolute contribution of one enterprise, exact decimal
	Enterprises   int64
	Boards        []string // the boards whose zones contribute ("" for zones without a board): the figure is exact only to an audience of all of them
}

// InvestmentFigures are an investment series' figures, read in one
// snapshot.
type InvestmentFigures struct {
	Figures []InvestmentFigure
	// Names are the groups' names by grouping and key (joined by a NUL
	// byte): a board's name_vi, a VSIC section's name_vi; a key without
	// one is its own name.
	Names map[string]string
}
