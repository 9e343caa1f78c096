package stats

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
)

// CSV: a header row, then one row per item, UTF-8 (Vietnamese names as
// they are), numbers unformatted (shortest form that reads back exactly,
// no thousands separators), booleans true/false, missing values empty
// (a withheld capital too: capital_disclosure says why, as in JSON).

// WriteZonesCSV writes zone figures as CSV.
func WriteZonesCSV(w io.Writer, zs []ZoneStats) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"zone_id", "code", "name_vi", "name_en", "kind", "board_id", "province", "status", //nolint:errcheck // reported by Flush/Error
		"area_ha", "parcels", "leasable_ha", "leased_ha", "reserved_ha", "available_ha", "occupancy_pct",
		"green_ha", "green_coverage_pct", "min_green_pct", "green_compliant", "leases_in_force",
		"enterprises", "enterprises_source", "workers", "workers_source", "capital_usd", "capital_rounding_usd", "capital_disclosure"})
	for _, z := range zs {
		cw.Write([]string{itoa(z.ZoneID), z.Code, z.NameVI, z.NameEN, z.Kind, z.BoardID, z.Province, z.Status, //nolint:errcheck // as above
			ftoa(z.AreaHa), itoa(z.Parcels), ftoa(z.LeasableHa), ftoa(z.LeasedHa), ftoa(z.ReservedHa), ftoa(z.AvailableHa),
			optf(z.OccupancyPct), ftoa(z.GreenHa), optf(z.GreenCoveragePct), ftoa(z.MinGreenPct),
			strconv.FormatBool(z.GreenCompliant), itoa(z.LeasesInForce),
			itoa(z.Enterprises), z.EnterprisesSource, itoa(z.Workers), z.WorkersSource, optf(z.CapitalUSD), optf(z.CapitalRoundingUSD), z.CapitalDisclosure})
	}
	cw.Flush()
	return cw.Error()
}

// WriteGroupsCSV writes aggregated figures as CSV.
func WriteGroupsCSV(w io.Writer, gs []GroupStats) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"by", "key", "name", "zones", "zones_green_compliant", //nolint:errcheck // reported by Flush/Error
		"area_ha", "parcels", "leasable_ha", "leased_ha", "reserved_ha", "available_ha", "occupancy_pct",
		"green_ha", "green_coverage_pct", "min_green_pct", "green_compliant", "leases_in_force",
		"enterprises", "enterprises_source", "workers", "workers_source", "capital_usd", "capital_rounding_usd", "capital_disclosure"})
	for _, g := range gs {
		cw.Write([]string{string(g.By), g.Key, g.Name, itoa(g.Zones), itoa(g.ZonesGreenCompliant), //nolint:errcheck // as above
			ftoa(g.AreaHa), itoa(g.Parcels), ftoa(g.LeasableHa), ftoa(g.LeasedHa), ftoa(g.ReservedHa), ftoa(g.AvailableHa),
			optf(g.OccupancyPct), ftoa(g.GreenHa), optf(g.GreenCoveragePct), ftoa(g.MinGreenPct),
			strconv.FormatBool(g.GreenCompliant), itoa(g.LeasesInForce),
			itoa(g.Enterprises), g.EnterprisesSource, itoa(g.Workers), g.WorkersSource, optf(g.CapitalUSD), optf(g.CapitalRoundingUSD), g.CapitalDisclosure})
	}
	cw.Flush()
	return cw.Error()
}

// WriteLeasingCSV writes a leasing series as CSV.
func WriteLeasingCSV(w io.Writer, l *Leasing) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"period", "year", "quarter", "leases", "leased_ha", "capital_usd", "capital_rounding_usd", "capital_disclosure", //nolint:errcheck // reported by Flush/Error
		"leased_ha_yoy_pct", "capital_yoy_pct", "plan_ha", "plan_capital_usd", "plan_ha_pct", "plan_capital_pct"})
	for _, p := range l.Periods {
		q := ""
		if p.Quarter != 0 {
			q = strconv.Itoa(p.Quarter)
		}
		cw.Write([]string{p.Period, strconv.Itoa(p.Year), q, itoa(p.Leases), ftoa(p.LeasedHa), //nolint:errcheck // as above
			optf(p.CapitalUSD), optf(p.CapitalRoundingUSD), p.CapitalDisclosure,
			optf(p.LeasedHaYoYPct), optf(p.CapitalYoYPct), optf(p.PlanHa), optf(p.PlanCapitalUSD),
			optf(p.PlanHaPct), optf(p.PlanCapitalPct)})
	}
	cw.Flush()
	return cw.Error()
}

func itoa(v int64) string   { return strconv.FormatInt(v, 10) }
func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func optf(v *float64) string {
	if v == nil {
		return ""
	}
	return ftoa(*v)
}

// WriteInvestmentCSV writes an investment series as CSV: the items, then
// the totals (period "total"). Each money figure takes three columns: its
// value (exact decimal, empty when withheld), _rounding and _disclosure;
// exports and budget are empty in a quarterly series.
func WriteInvestmentCSV(w io.Writer, inv *Investment) error {
	cw := csv.NewWriter(w)
	head := []string{"group", "key", "name", "period", "year", "quarter", "projects_new", "projects_new_fdi", "projects_new_domestic",
		"adjustments", "adjustments_fdi", "adjustments_domestic"}
	var it InvestmentItem
	for _, m := range it.amounts() {
		head = append(head, m.name, m.name+"_rounding", m.name+"_disclosure")
	}
	head = append(head, "high_tech_pct", "supporting_pct", "workers", "workers_foreign",
		"exports_usd", "exports_usd_rounding", "exports_usd_disclosure", "budget_vnd", "budget_vnd_rounding", "budget_vnd_disclosure",
		"plan_investment_usd", "plan_projects", "plan_investment_pct", "plan_projects_pct")
	cw.Write(head) //nolint:errcheck // reported by Flush/Error
	for _, it := range append(slices.Clip(inv.Items), inv.Totals...) {
		row := []string{it.Group, it.Key, it.Name, it.Period, nonZero(it.Year), nonZero(it.Quarter),
			itoa(it.ProjectsNew), itoa(it.ProjectsNewFDI), itoa(it.ProjectsNewDomestic),
			itoa(it.Adjustments), itoa(it.AdjustmentsFDI), itoa(it.AdjustmentsDomestic)}
		for _, m := range it.amounts() {
			row = append(row, amountCells(m.a)...)
		}
		row = append(row, optf(it.HighTechPct), optf(it.SupportingPct), itoa(it.Workers), itoa(it.WorkersForeign))
		row = append(row, amountCells(it.ExportsUSD)...)
		row = append(row, amountCells(it.BudgetVND)...)
		plan := ""
		if it.PlanProjects != nil {
			plan = itoa(*it.PlanProjects)
		}
		row = append(row, optf(it.PlanInvestmentUSD), plan, optf(it.PlanInvestmentPct), optf(it.PlanProjectsPct))
		cw.Write(row) //nolint:errcheck // as above
	}
	cw.Flush()
	return cw.Error()
}

// amountCells are an Amount's three columns (empty for nil).
func amountCells(a *Amount) []string {
	if a == nil {
		return []string{"", "", ""}
	}
	v, u := "", ""
	if a.Value != nil {
		v = *a.Value
	}
	if a.Rounding != nil {
		u = *a.Rounding
	}
	return []string{v, u, a.Disclosure}
}

// nonZero is v, empty for 0 (a yearly series' quarter, a total's year).
func nonZero(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}
