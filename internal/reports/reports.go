// Package reports is the enterprises' yearly reports (issue 18, point 3)
// as an OGC API collection without geometry: a report's feature in and out
// (Props; what a caller who does not see the enterprise's board's
// confidential figures is shown: every figure null and withheld true), the
// collection's query parameters (ParseQuery, into a zonegis.ReportFilter
// whose bounds and sort treat hidden figures as null), and the rows of an
// imported table (FromRecord: a CSV or XLSX row, each problem naming its
// row and field). Who sees and who writes are registry's rules; the store
// is zonegis.EnterpriseReportStore.
package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Name, title and description of the collection.
const (
	Name        = zonegis.CollectionEnterpriseReports
	Title       = "Enterprise reports"
	Description = "Yearly figures of each enterprise, entered by its management board: revenue and state-budget " +
		"contribution in VND, export and import value in USD, workers Vietnamese and foreign at the year's end. " +
		"No geometry (geometry is null): a report is an enterprise's, located by its projects' parcels. Every figure is " +
		"confidential: shown to the board's own people, the ministry and admins; to anyone else each is null and " +
		"withheld is true, and filters and sorting treat them as null."
)

// Props are a report's properties as its feature carries them; board_id,
// withheld, version and updated_at are read only. A nil figure was not
// reported (or is withheld).
type Props struct {
	EnterpriseID   int64            `json:"enterprise_id"`
	BoardID        string           `json:"board_id"`
	Year           int              `json:"year"`
	RevenueVND     *zonegis.Decimal `json:"revenue_vnd"`
	ExportUSD      *zonegis.Decimal `json:"export_usd"`
	ImportUSD      *zonegis.Decimal `json:"import_usd"`
	BudgetVND      *zonegis.Decimal `json:"budget_vnd"`
	WorkersVN      *int32           `json:"workers_vn"`
	WorkersForeign *int32           `json:"workers_foreign"`
	Withheld       bool             `json:"withheld"`
	Synthetic      bool             `json:"synthetic"`
	Version        int64            `json:"version"`
	UpdatedAt      string           `json:"updated_at"`
}

// PropsOf is r as a caller sees it: every figure when sees, none otherwise.
func PropsOf(r *zonegis.EnterpriseReport, sees bool) Props {
	p := Props{EnterpriseID: r.EnterpriseID, BoardID: r.BoardID, Year: r.Year, Synthetic: r.Synthetic, Version: r.Version,
		UpdatedAt: r.UpdatedAt.UTC().Format(time.RFC3339)}
	if sees {
		p.RevenueVND, p.ExportUSD, p.ImportUSD, p.BudgetVND = r.RevenueVND, r.ExportUSD, r.ImportUSD, r.BudgetVND
		p.WorkersVN, p.WorkersForeign = r.WorkersVN, r.WorkersForeign
	} else {
		p.Withheld = true
	}
	return p
}

// AppendFeature appends r as a GeoJSON Feature (geometry null) as a caller
// who sees, or does not see, its figures is shown it.
func AppendFeature(b []byte, r *zonegis.EnterpriseReport, sees bool) []byte {
	props, _ := json.Marshal(PropsOf(r, sees)) // plain values: cannot fail
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"geometry":null,"properties":`...)
	b = append(b, props...)
	return append(b, '}')
}

// writable are the properties a write may give; the read-only ones may be
// given too (a feature read and sent back) and are ignored.
var (
	writable = append([]string{"enterprise_id", "year", "synthetic"}, zonegis.ReportFigures...)
	readOnly = []string{"board_id", "withheld", "version", "updated_at"}
)

// Decode reads a report from a GeoJSON Feature body (geometry absent or
// null): onto a copy of base for a patch (the properties given change,
// null clears a figure), else a new report. bodyID is the feature's id
// member, for the caller to hold to the URL's. Errors: EINVALID naming the
// member (properties.revenue_vnd ...).
func Decode(body []byte, base *zonegis.EnterpriseReport) (r *zonegis.EnterpriseReport, bodyID json.RawMessage, err error) {
	var doc struct {
		Type       string                     `json:"type"`
		ID         json.RawMessage            `json:"id"`
		Geometry   json.RawMessage            `json:"geometry"`
		Properties map[string]json.RawMessage `json:"properties"`
		BBox       json.RawMessage            `json:"bbox"`
		Links      json.RawMessage            `json:"links"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, invalid("body: want a GeoJSON Feature with geometry null and the report's properties: %v", err)
	}
	if doc.Type != "Feature" {
		return nil, nil, invalid("type: want \"Feature\", got %q", doc.Type)
	}
	if g := strings.TrimSpace(string(doc.Geometry)); g != "" && g != "null" {
		return nil, nil, invalid("geometry: an enterprise report has no geometry; send null")
	}
	r = &zonegis.EnterpriseReport{}
	if base != nil {
		c := *base
		r = &c
	}
	for name, raw := range doc.Properties {
		if err := set(r, name, raw); err != nil {
			return nil, nil, err
		}
	}
	if base == nil {
		for _, name := range []string{"enterprise_id", "year"} {
			if _, ok := doc.Properties[name]; !ok {
				return nil, nil, invalid("properties.%s is required", name)
			}
		}
	}
	return r, doc.ID, nil
}

// set sets property name of r from its JSON value.
func set(r *zonegis.EnterpriseReport, name string, raw json.RawMessage) error {
	at := "properties." + name
	null := strings.TrimSpace(string(raw)) == "null"
	var err error
	switch name {
	case "enterprise_id":
		err = json.Unmarshal(raw, &r.EnterpriseID)
	case "year":
		err = json.Unmarshal(raw, &r.Year)
	case "synthetic":
		err = json.Unmarshal(raw, &r.Synthetic)
	case "revenue_vnd", "export_usd", "import_usd", "budget_vnd":
		d := figure(r, name)
		if null {
			*d = nil
			return nil
		}
		var v zonegis.Decimal
		if err = json.Unmarshal(raw, &v); err == nil {
			*d = &v
		}
	case "workers_vn", "workers_foreign":
		w := &r.WorkersVN
		if name == "workers_foreign" {
			w = &r.WorkersForeign
		}
		if null {
			*w = nil
			return nil
		}
		var v int32
		if err = json.Unmarshal(raw, &v); err == nil {
			*w = &v
		}
	default:
		if slices.Contains(readOnly, name) {
			return nil
		}
		return invalid("%s: not a property of an enterprise report; properties: %s", at, strings.Join(writable, ", "))
	}
	if err != nil || null && (name == "enterprise_id" || name == "year") {
		return invalid("%s: %s", at, kindOf(name))
	}
	return nil
}

func figure(r *zonegis.EnterpriseReport, name string) **zonegis.Decimal {
	switch name {
	case "revenue_vnd":
		return &r.RevenueVND
	case "export_usd":
		return &r.ExportUSD
	case "import_usd":
		return &r.ImportUSD
	}
	return &r.BudgetVND
}

// kindOf says what a property's value must be.
func kindOf(name string) string {
	switch name {
	case "enterprise_id":
		return "want an enterprise's id (a whole number)"
	case "year":
		return "want a year (a whole number from 1986 to 2100)"
	case "synthetic":
		return "want true or false"
	case "workers_vn", "workers_foreign":
		return "want a whole number of workers, or null (not reported)"
	}
	return "want a decimal number (VND or USD as the name says), or null (not reported)"
}

func invalid(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}

// Filters are the collection's filter parameters; Params every parameter
// its items take.
var (
	Filters = func() []string {
		f := []string{"enterprise_id", "board_id", "year", "from", "to"}
		for _, name := range zonegis.ReportFigures {
			f = append(f, "min_"+name, "max_"+name)
		}
		return f
	}()
	Params = append([]string{"f", "limit", "offset", "sortby", "datetime", "bbox"}, Filters...)
	// Sortables are what sortby may name ("-" before one: descending).
	Sortables = append([]string{"id", "year", "enterprise_id"}, zonegis.ReportFigures...)
)

// ParseQuery reads the collection's parameters into a filter (without the
// caller's boards, which registry adds): limit (catalog.Limit), offset,
// enterprise_id, board_id, year or from/to, min_F and max_F of each figure
// F, sortby (one of Sortables, "-" for descending). Errors: EINVALID
// naming the parameter.
func ParseQuery(q url.Values) (zonegis.ReportFilter, error) {
	var f zonegis.ReportFilter
	for k, v := range q {
		if !slices.Contains(Params, k) {
			return f, invalid("%s: not a parameter of /collections/%s/items; parameters: %s", k, Name, strings.Join(Params, ", "))
		}
		if len(v) > 1 {
			return f, invalid("%s: given %d times", k, len(v))
		}
	}
	limit, err := catalog.Limit(q.Get("limit"))
	if err != nil {
		return f, err
	}
	f.Limit = min(limit, zonegis.MaxInvestmentPage)
	if f.Offset, err = catalog.Offset(q.Get("offset")); err != nil {
		return f, err
	}
	// datetime: the reports last changed then (updated_at, their primary
	// instant); bbox is checked, and selects none (Collection.Page): a
	// report has no geometry.
	when, err := catalog.ParseDatetime(q.Get("datetime"))
	if err != nil {
		return f, err
	}
	f.UpdatedFrom, f.UpdatedUntil = when.Start, when.End
	if b := q.Get("bbox"); b != "" {
		if _, err := catalog.ParseBBox(b); err != nil {
			return f, err
		}
	}
	whole := func(name string, lo, hi int64) (int64, error) {
		v := q.Get(name)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < lo || n > hi {
			return 0, invalid("%s: want a whole number from %d to %d, got %q", name, lo, hi, v)
		}
		return n, nil
	}
	if f.EnterpriseID, err = whole("enterprise_id", 1, 1<<62); err != nil {
		return f, err
	}
	f.Board = q.Get("board_id")
	var year, from, to int64
	if year, err = whole("year", 1986, 2100); err != nil {
		return f, err
	}
	if from, err = whole("from", 1986, 2100); err != nil {
		return f, err
	}
	if to, err = whole("to", 1986, 2100); err != nil {
		return f, err
	}
	if year != 0 && (from != 0 || to != 0) {
		return f, invalid("year: give year, or from and to, not both")
	}
	if year != 0 {
		from, to = year, year
	}
	if from != 0 && to != 0 && from > to {
		return f, invalid("from: %d is after to (%d)", from, to)
	}
	f.From, f.To = int(from), int(to)
	for _, name := range zonegis.ReportFigures {
		for _, b := range []struct {
			prefix string
			dst    *map[string]zonegis.Decimal
		}{{"min_", &f.Min}, {"max_", &f.Max}} {
			v := q.Get(b.prefix + name)
			if v == "" {
				continue
			}
			d := zonegis.Decimal(v)
			if _, ok := d.Rat(); !ok || !d.Fits(28, 2) {
				return f, invalid("%s%s: want a decimal number, got %q", b.prefix, name, v)
			}
			if *b.dst == nil {
				*b.dst = map[string]zonegis.Decimal{}
			}
			(*b.dst)[name] = d
		}
	}
	if s := q.Get("sortby"); s != "" {
		key := strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-")
		if strings.Contains(key, ",") || !slices.Contains(Sortables, key) {
			return f, invalid("sortby: %q is not one sortable of enterprise reports; sortables: %s", s, strings.Join(Sortables, ", "))
		}
		f.SortBy, f.Desc = key, strings.HasPrefix(s, "-")
		if key == "id" {
			f.SortBy = ""
		}
	}
	return f, nil
}

// FromRecord makes a report of one row of an imported table: its
// enterprise by the column enterprise_id or mst (the enterprise's tax
// code, 10 digits or 10-3, checked: zonegis.MSTProblem; returned as
// zonegis.NormalizeMST gives it, "" when the row has none, for the caller
// to resolve within the caller's boards and hold to enterprise_id when the
// row gives both), year, and any of the figures (ReportFigures), by those
// names (case ignored); an empty cell is a figure not reported. problems
// name the row (the table's row: the header is row 1) and the column; a
// column that is none of these is refused, so that nothing the file says is
// dropped unread.
func FromRecord(rec source.Record) (r *zonegis.EnterpriseReport, mst string, problems []zonegis.ImportProblem) {
	r = &zonegis.EnterpriseReport{}
	row := rec.Index + 2
	bad := func(field, format string, args ...any) {
		problems = append(problems, zonegis.ImportProblem{Index: rec.Index, Code: zonegis.EINVALID, Problem: zonegis.ProblemRead,
			Reason: fmt.Sprintf("row %d, %s: ", row, field) + fmt.Sprintf(format, args...), Details: map[string]any{"row": row, "field": field}})
	}
	for _, p := range rec.Problems {
		bad(p.Field, "%s", p.Reason)
	}
	seen := map[string]bool{}
	for _, fl := range rec.Fields {
		name := strings.ToLower(strings.TrimSpace(fl.Name))
		if !slices.Contains(writable, name) && name != "mst" || name == "synthetic" {
			bad(fl.Name, "not a column of enterprise reports; columns: enterprise_id or mst, year, %s", strings.Join(zonegis.ReportFigures, ", "))
			continue
		}
		seen[name] = true
		text := strings.TrimSpace(valueText(fl.Value))
		if text == "" {
			continue
		}
		switch name {
		case "mst":
			if mst = zonegis.NormalizeMST(text); zonegis.MSTProblem(mst) != "" {
				bad(fl.Name, "%s, got %q", zonegis.MSTProblem(mst), text)
				mst = ""
			}
			seen["mst"] = mst != ""
		case "enterprise_id", "year", "workers_vn", "workers_foreign":
			n, err := strconv.ParseInt(strings.TrimSuffix(text, ".0"), 10, 32)
			if err != nil {
				bad(fl.Name, "%s, got %q", kindOf(name), text)
				continue
			}
			switch name {
			case "enterprise_id":
				r.EnterpriseID = n
			case "year":
				r.Year = int(n)
			case "workers_vn":
				w := int32(n)
				r.WorkersVN = &w
			default:
				w := int32(n)
				r.WorkersForeign = &w
			}
		default:
			d := zonegis.Decimal(text)
			if _, ok := d.Rat(); !ok {
				bad(fl.Name, "%s, got %q", kindOf(name), text)
				continue
			}
			*figure(r, name) = &d
		}
	}
	switch {
	case r.Year == 0:
		bad("year", "is required")
	case r.EnterpriseID == 0 && mst == "" && !hasProblem(problems, "mst"):
		bad("enterprise_id", "is required, or mst (the enterprise's tax code)")
	}
	if len(problems) == 0 && r.EnterpriseID != 0 {
		if err := r.Validate(); err != nil {
			bad(fieldOf(zonegis.ErrorMessage(err)), "%s", zonegis.ErrorMessage(err))
		}
	}
	return r, mst, problems
}

// hasProblem reports whether one of problems names field.
func hasProblem(problems []zonegis.ImportProblem, field string) bool {
	return slices.ContainsFunc(problems, func(p zonegis.ImportProblem) bool { return strings.EqualFold(fmt.Sprint(p.Details["field"]), field) })
}

// fieldOf is the column a Validate message names first.
func fieldOf(msg string) string {
	for _, name := range writable {
		if strings.HasPrefix(msg, name) {
			return name
		}
	}
	return ""
}

// valueText is a field's value as text: numbers in their shortest exact
// form (GDAL reads an XLSX number as float64; a CSV's cells as text).
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}
