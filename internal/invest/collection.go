// Package invest serves the enterprises and investment projects as OGC
// API collections without geometry of their own (a project is located by
// its parcels): their filters and keyset pages over the store
// (zonegis.InvestmentStore, read from PostgreSQL, never the index), each
// feature as encode writes it with the confidential figures only to who
// sees them (registry.SeesConfidential), and their CSV export. The writes
// are registry's (Features, as for the land records).
package invest

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Collection is the enterprises or the projects as an OGC API collection
// read from the store: each request one keyset page (at most
// catalog.MaxLimit rows, then the members of those rows) and one count,
// so its cost is bounded by the page, not by the table.
type Collection[T any] struct {
	name, title, description string
	filters                  []string // the query parameters that filter
	find                     func(ctx context.Context, st zonegis.InvestmentStore, f zonegis.InvestmentFilter) ([]*T, int64, error)
	get                      func(ctx context.Context, st zonegis.InvestmentStore, id int64) (*T, error)
	id, version              func(*T) int64
	board                    func(*T) string
	props                    func(*T, bool) any
}

// Enterprises is the collection of enterprises.
func Enterprises() *Collection[zonegis.Enterprise] {
	return &Collection[zonegis.Enterprise]{name: zonegis.CollectionEnterprises, title: "Enterprises",
		description: "Enterprises (investors, lessees) registered by the management boards: tax code (MST), names, investor country, VSIC 2018 sector, high-tech and supporting-industry flags. No geometry of their own (geometry is null): an enterprise is located by its projects' parcels. The contact is shown to the board's own people, the ministry and admins only.",
		filters:     []string{"board_id", "country", "vsic_section"},
		find: func(ctx context.Context, st zonegis.InvestmentStore, f zonegis.InvestmentFilter) ([]*zonegis.Enterprise, int64, error) {
			return st.Enterprises(ctx, f)
		},
		get: func(ctx context.Context, st zonegis.InvestmentStore, id int64) (*zonegis.Enterprise, error) {
			return st.Enterprise(ctx, id)
		},
		id: func(e *zonegis.Enterprise) int64 { return e.ID }, version: func(e *zonegis.Enterprise) int64 { return e.Version },
		board: func(e *zonegis.Enterprise) string { return e.BoardID },
		props: func(e *zonegis.Enterprise, sees bool) any { return encode.EnterpriseOf(e, sees) }}
}

// Projects is the collection of investment projects.
func Projects() *Collection[zonegis.Project] {
	return &Collection[zonegis.Project]{name: zonegis.CollectionProjects, title: "Investment projects",
		description: "Investment projects by their investment registration certificate (IRC): enterprise, zone, FDI or domestic, registered capital in its own currency (VND or USD, exact) with its USD and VND equivalents at the recorded exchange rate, capital adjustments and yearly disbursements, status, workers. No geometry of their own (geometry is null): a project is located by its parcels (parcel_ids, in /collections/parcels). The amounts are shown to the board's own people, the ministry and admins only.",
		filters:     []string{"board_id", "country", "vsic_section", "zone_id", "enterprise_id", "origin", "status"},
		find: func(ctx context.Context, st zonegis.InvestmentStore, f zonegis.InvestmentFilter) ([]*zonegis.Project, int64, error) {
			return st.Projects(ctx, f)
		},
		get: func(ctx context.Context, st zonegis.InvestmentStore, id int64) (*zonegis.Project, error) {
			return st.Project(ctx, id)
		},
		id: func(p *zonegis.Project) int64 { return p.ID }, version: func(p *zonegis.Project) int64 { return p.Version },
		board: func(p *zonegis.Project) string { return p.BoardID },
		props: func(p *zonegis.Project, sees bool) any { return encode.ProjectOf(p, sees) }}
}

// Name is the collection's id.
func (l *Collection[T]) Name() string { return l.name }

// Title is its title.
func (l *Collection[T]) Title() string { return l.title }

// Tag is the ETag of record (a *T): its version.
func (l *Collection[T]) Tag(record any) string {
	if r, ok := record.(*T); ok {
		return encode.VersionTag(l.version(r))
	}
	return ""
}

// Info is the collection's description at /collections: no spatial
// extent and no tiles (it has no geometry).
func (l *Collection[T]) Info(base string) map[string]any {
	m := encode.Collection(base, l.name, l.title, l.description, catalog.CRS84, encode.Extent{})
	links := m["links"].([]map[string]string)
	m["links"] = slices.DeleteFunc(links, func(k map[string]string) bool { return strings.HasSuffix(k["href"], "/tiles") })
	return m
}

func invalidParam(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}

// filter reads the page and filter parameters of q.
func (l *Collection[T]) filter(q url.Values, extra ...string) (zonegis.InvestmentFilter, int, error) {
	var f zonegis.InvestmentFilter
	if err := catalog.CheckParams(q, append(append([]string{"f", "limit", "after", "datetime", "bbox"}, extra...), l.filters...)...); err != nil {
		return f, 0, err
	}
	when, err := catalog.ParseDatetime(q.Get("datetime"))
	if err != nil {
		return f, 0, err
	}
	f.UpdatedFrom, f.UpdatedUntil = when.Start, when.End
	if b := q.Get("bbox"); b != "" {
		if _, err := catalog.ParseBBox(b); err != nil {
			return f, 0, err
		}
	}
	limit, err := catalog.Limit(q.Get("limit"))
	if err != nil {
		return f, 0, err
	}
	limit = min(limit, zonegis.MaxInvestmentPage) // the store's page
	f.Limit = limit
	ids := map[string]*int64{"after": &f.AfterID, "zone_id": &f.ZoneID, "enterprise_id": &f.EnterpriseID}
	for name, into := range ids {
		if s := q.Get(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return f, 0, invalidParam("%s: want a whole number from 0, got %q", name, s)
			}
			*into = n
		}
	}
	if b := q.Get("board_id"); b != "" {
		f.Boards = []string{b}
	}
	f.Country = strings.ToUpper(q.Get("country"))
	if f.Country != "" && (len(f.Country) != 2 || f.Country[0] < 'A' || f.Country[0] > 'Z' || f.Country[1] < 'A' || f.Country[1] > 'Z') {
		return f, 0, invalidParam("country: want an ISO 3166-1 alpha-2 code such as JP, got %q", q.Get("country"))
	}
	f.VSICSection = strings.ToUpper(q.Get("vsic_section"))
	if s := f.VSICSection; s != "" && (len(s) != 1 || s[0] < 'A' || s[0] > 'U') {
		return f, 0, invalidParam("vsic_section: want a VSIC 2018 section letter A to U, got %q", q.Get("vsic_section"))
	}
	f.Origin, f.Status = q.Get("origin"), q.Get("status")
	if f.Origin != "" && !slices.Contains(zonegis.Origins, f.Origin) {
		return f, 0, invalidParam("origin: want one of %s, got %q", strings.Join(zonegis.Origins, ", "), f.Origin)
	}
	if f.Status != "" && !slices.Contains(zonegis.ProjectStatuses, f.Status) {
		return f, 0, invalidParam("status: want one of %s, got %q", strings.Join(zonegis.ProjectStatuses, ", "), f.Status)
	}
	return f, limit, nil
}

// investment is st's investment records; ENOTFOUND when it keeps none.
func investment(st any, name string) (zonegis.InvestmentStore, error) {
	if is, ok := st.(zonegis.InvestmentStore); ok {
		return is, nil
	}
	return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no collection %q on this server", name)
}

// Page is GET /collections/{c}/items for caller p: a page of features in
// id order after the cursor "after" (the next link, from self, carries
// it), with numberMatched. Errors: EINVALID naming the parameter.
func (l *Collection[T]) Page(ctx context.Context, st any, p zonegis.Principal, q url.Values, self string) ([]byte, error) {
	is, err := investment(st, l.name)
	if err != nil {
		return nil, err
	}
	if f := q.Get("f"); f != "" && f != "json" && f != "geojson" {
		return nil, invalidParam("f: only json (GeoJSON) is offered here, not %q", f)
	}
	f, limit, err := l.filter(q)
	if err != nil {
		return nil, err
	}
	var rows []*T
	var matched int64
	if !q.Has("bbox") { // no geometry: none of them is in any box
		if rows, matched, err = l.find(ctx, is, f); err != nil {
			return nil, err
		}
	}
	b := encode.PageHead(nil, int(matched), len(rows), time.Now())
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = encode.AppendFeature(b, l.id(r), l.props(r, registry.SeesConfidential(p, l.board(r))))
	}
	b = encode.PageLinksHead(b)
	b = encode.PageLink(b, self, q, "self", -1, limit)
	if len(rows) == limit {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("after", strconv.FormatInt(l.id(rows[len(rows)-1]), 10))
		b = append(b, ',')
		b = encode.PageLink(b, self, next, "next", -1, limit)
	}
	return append(b, `]}`...), nil
}

// Feature is GET /collections/{c}/items/{id} for caller p: the feature
// and its ETag. Errors: ENOTFOUND, EINVALID naming the parameter.
func (l *Collection[T]) Feature(ctx context.Context, st any, p zonegis.Principal, ref string, q url.Values) ([]byte, string, error) {
	is, err := investment(st, l.name)
	if err != nil {
		return nil, "", err
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id < 1 {
		return nil, "", zonegis.Errorf(zonegis.ENOTFOUND, "no %s feature with id %q", l.name, ref)
	}
	if err := catalog.CheckParams(q, "f"); err != nil {
		return nil, "", err
	}
	if f := q.Get("f"); f != "" && f != "json" && f != "geojson" {
		return nil, "", invalidParam("f: %q is not offered here; use json or geojson", f)
	}
	r, err := l.get(ctx, is, id)
	if err != nil {
		return nil, "", err
	}
	return encode.AppendFeature(nil, l.id(r), l.props(r, registry.SeesConfidential(p, l.board(r)))), encode.VersionTag(l.version(r)), nil
}

// Queryables is GET /collections/{c}/queryables: the filters the items
// take, as JSON Schema properties.
func (l *Collection[T]) Queryables(base string, q url.Values) (any, error) {
	if err := catalog.CheckParams(q, "f"); err != nil {
		return nil, err
	}
	props := map[string]any{}
	for _, name := range l.filters {
		switch name {
		case "zone_id", "enterprise_id":
			props[name] = map[string]any{"title": name, "type": "integer"}
		case "origin":
			props[name] = map[string]any{"title": "FDI or domestic", "type": "string", "enum": zonegis.Origins}
		case "status":
			props[name] = map[string]any{"title": "Project status", "type": "string", "enum": zonegis.ProjectStatuses}
		case "vsic_section":
			props[name] = map[string]any{"title": "VSIC 2018 section", "type": "string", "pattern": "^[A-U]$"}
		default:
			props[name] = map[string]any{"title": name, "type": "string"}
		}
	}
	return map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": base + "/collections/" + l.name + "/queryables",
		"type": "object", "title": l.title, "properties": props, "additionalProperties": false}, nil
}

// Export is GET /collections/{c}/export?f=csv for caller p: the file's
// name and what writes it, every record the filters select as CSV (UTF-8
// with a BOM, for spreadsheets), read page by page (at most
// zonegis.MaxInvestmentPage rows at a time), the confidential columns
// empty to who does not see them. Lists (parcel ids, adjustments,
// disbursements) are JSON text in their cells. Errors (before anything is
// written): EINVALID naming the parameter.
func (l *Collection[T]) Export(ctx context.Context, st any, p zonegis.Principal, q url.Values) (string, func(io.Writer) error, error) {
	is, err := investment(st, l.name)
	if err != nil {
		return "", nil, err
	}
	if f := q.Get("f"); f != "csv" {
		return "", nil, invalidParam("f: the %s export is offered as csv only (it has no geometry for GeoPackage or FlatGeobuf), not %q", l.name, f)
	}
	f, _, err := l.filter(q)
	if err != nil {
		return "", nil, err
	}
	f.Limit = zonegis.MaxInvestmentPage
	return l.name + ".csv", func(out io.Writer) error {
		_, _ = io.WriteString(out, "\uFEFF")
		w := csv.NewWriter(out)
		var header []string
		for {
			rows, _, err := l.find(ctx, is, f)
			if err != nil {
				return err // after the 200: the truncated body is all the client gets
			}
			for _, r := range rows {
				cols, vals := flatten(l.props(r, registry.SeesConfidential(p, l.board(r))))
				if header == nil {
					header = append([]string{"id"}, cols...)
					if err := w.Write(header); err != nil {
						return err
					}
				}
				if err := w.Write(append([]string{strconv.FormatInt(l.id(r), 10)}, vals...)); err != nil {
					return err
				}
			}
			if len(rows) < f.Limit {
				break
			}
			f.AfterID = l.id(rows[len(rows)-1])
		}
		if header == nil {
			cols, _ := flatten(l.props(new(T), false))
			_ = w.Write(append([]string{"id"}, cols...))
		}
		w.Flush()
		return w.Error()
	}, nil
}

// flatten is props' JSON members in order, as CSV cells: text as is,
// null empty, numbers and lists as their JSON.
func flatten(props any) (cols, vals []string) {
	b, _ := json.Marshal(props)
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	_, _ = d.Token() // {
	for d.More() {
		k, _ := d.Token()
		var raw json.RawMessage
		_ = d.Decode(&raw)
		cols = append(cols, k.(string))
		var s string
		switch {
		case string(raw) == "null":
			vals = append(vals, "")
		case json.Unmarshal(raw, &s) == nil:
			vals = append(vals, s)
		default:
			vals = append(vals, string(raw))
		}
	}
	return cols, vals
}

var _ catalog.Table = (*Collection[zonegis.Project])(nil)
