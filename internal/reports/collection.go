package reports

import (
	"context"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Collection serves the reports' items and item (GET) from the store, each
// request one page (at most zonegis.MaxInvestmentPage rows) and one count,
// as the caller may see them: Sees is registry.SeesConfidential, the rule
// lease capital follows, and SeesAll registry.SeesAllConfidential (every
// board's). The writes are registry's (Features).
type Collection struct {
	Sees    func(p zonegis.Principal, board string) bool
	SeesAll func(p zonegis.Principal) bool
}

// seesOf is whom p sees the figures of: every board, or those listed.
func (l *Collection) seesOf(p zonegis.Principal) (all bool, boards []string) {
	if p.SystemRole != "" && l.Sees(p, "\x00any board") {
		return true, nil
	}
	for b := range p.Grants {
		if l.Sees(p, b) {
			boards = append(boards, b)
		}
	}
	return false, boards
}

// Tag is the ETag of a report (a *zonegis.EnterpriseReport): its version.
func (l *Collection) Tag(record any) string {
	if r, ok := record.(*zonegis.EnterpriseReport); ok {
		return encode.VersionTag(r.Version)
	}
	return ""
}

// store is st's enterprise reports; ENOTFOUND when it keeps none.
func store(st any) (zonegis.EnterpriseReportStore, error) {
	if rs, ok := st.(zonegis.EnterpriseReportStore); ok {
		return rs, nil
	}
	return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no collection %q on this server", Name)
}

// Name is the collection's id.
func (l *Collection) Name() string { return Name }

// Title is its title.
func (l *Collection) Title() string { return Title }

// Info is its description at /collections (the function Info).
func (l *Collection) Info(base string) map[string]any { return Info(base) }

// Page is GET /collections/enterprise-reports/items for caller p
// (ParseQuery's parameters); self is the page's URL, for its links.
// Errors: EINVALID naming the parameter.
func (l *Collection) Page(ctx context.Context, st any, p zonegis.Principal, q url.Values, self string) ([]byte, error) {
	rs, err := store(st)
	if err != nil {
		return nil, err
	}
	f, err := ParseQuery(q)
	if err != nil {
		return nil, err
	}
	f.SeesAll, f.Seen = l.seesOf(p)
	var items []*zonegis.EnterpriseReport
	var matched int64
	if !q.Has("bbox") { // no geometry: none of them is in any box
		if items, matched, err = rs.EnterpriseReports(ctx, f); err != nil {
			return nil, err
		}
	}
	features := func(b []byte) []byte {
		for i, r := range items {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendFeature(b, r, l.Sees(p, r.BoardID))
		}
		return b
	}
	return AppendPage(nil, self, q, f, matched, len(items), features), nil
}

// Feature is GET /collections/enterprise-reports/items/{id} for caller p:
// the report and its ETag. Errors: EINVALID, ENOTFOUND.
func (l *Collection) Feature(ctx context.Context, st any, p zonegis.Principal, ref string, q url.Values) ([]byte, string, error) {
	rs, err := store(st)
	if err != nil {
		return nil, "", err
	}
	for k := range q {
		if k != "f" {
			return nil, "", invalid("%s: an enterprise report takes no parameter but f", k)
		}
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return nil, "", zonegis.Errorf(zonegis.ENOTFOUND, "no enterprise report with id %q", ref)
	}
	r, err := rs.EnterpriseReport(ctx, id)
	if err != nil {
		return nil, "", err
	}
	return AppendFeature(nil, r, l.Sees(p, r.BoardID)), encode.VersionTag(r.Version), nil
}

// Queryables is GET /collections/enterprise-reports/queryables (the
// function Queryables).
func (l *Collection) Queryables(base string, q url.Values) (any, error) {
	for k := range q {
		if k != "f" {
			return nil, invalid("%s: queryables take no parameter but f", k)
		}
	}
	return Queryables(base), nil
}

// Export answers an export of the reports: they are not exported.
func (l *Collection) Export(context.Context, any, zonegis.Principal, url.Values) (string, func(io.Writer) error, error) {
	return "", nil, ErrNoExport
}

// ErrNoExport answers an export of the reports.
var ErrNoExport = zonegis.Errorf(zonegis.ENOTFOUND, "enterprise reports are not exported: page through their items")

// Info is the collection's description at /collections: no spatial
// extent, no tiles (it has no geometry).
func Info(base string) map[string]any {
	m := encode.Collection(base, Name, Title, Description, catalog.CRS84, encode.Extent{})
	links := m["links"].([]map[string]string)
	m["links"] = slices.DeleteFunc(links, func(k map[string]string) bool { return strings.HasSuffix(k["href"], "/tiles") })
	return m
}

// Queryables is what the collection's filters name, as JSON Schema
// (2020-12): the report's properties with their types. The figures may be
// bounded (min_F, max_F) and sorted by; hidden ones count as null.
func Queryables(base string) map[string]any {
	num := func(title string) map[string]any {
		return map[string]any{"type": []string{"number", "null"}, "title": title}
	}
	whole := func(title string) map[string]any {
		return map[string]any{"type": []string{"integer", "null"}, "title": title}
	}
	return map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     base + "/collections/" + Name + "/queryables",
		"type":    "object", "title": Title,
		"properties": map[string]any{
			"enterprise_id":   map[string]any{"type": "integer", "title": "Enterprise (its id in /collections/enterprises)"},
			"board_id":        map[string]any{"type": "string", "title": "The enterprise's management board"},
			"year":            map[string]any{"type": "integer", "minimum": 1986, "maximum": 2100, "title": "Year reported"},
			"revenue_vnd":     num("Revenue, VND (confidential)"),
			"export_usd":      num("Export value, USD (confidential)"),
			"import_usd":      num("Import value, USD (confidential)"),
			"budget_vnd":      num("State-budget contribution, VND (confidential)"),
			"workers_vn":      whole("Vietnamese workers at the year's end (confidential)"),
			"workers_foreign": whole("Foreign workers at the year's end (confidential)"),
		},
		"additionalProperties": false,
	}
}

// AppendPage appends a page of reports as a GeoJSON FeatureCollection:
// features (appended by features), numberMatched, numberReturned, and the
// self, next and prev links over base with the query q.
func AppendPage(b []byte, base string, q url.Values, f zonegis.ReportFilter, matched int64, returned int, features func([]byte) []byte) []byte {
	b = encode.PageHead(b, int(matched), returned, time.Now())
	b = features(b)
	b = encode.PageLinksHead(b)
	b = encode.PageLink(b, base, q, "self", -1, 0)
	if next := f.Offset + returned; int64(next) < matched && returned > 0 {
		b = append(b, ',')
		b = encode.PageLink(b, base, q, "next", next, f.Limit)
	}
	if f.Offset > 0 {
		b = append(b, ',')
		b = encode.PageLink(b, base, q, "prev", max(f.Offset-f.Limit, 0), f.Limit)
	}
	return append(b, "]}"...)
}

var _ catalog.Table = (*Collection)(nil)
