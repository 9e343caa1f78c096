package stats

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The boards' published figures (GET /stats/published) are served as the
// boards published them, each with its source: never computed, never
// disclosed by the rule of the derived figures (they are public already),
// and never merged into them. The figures zonegis derives from its records
// are the other /stats routes'.

// PublishedStore reads the published figures. *postgis.DB implements it.
type PublishedStore interface {
	// PublishedFigures returns every published figure, in id order.
	PublishedFigures(ctx context.Context) ([]zonegis.PublishedFigure, error)
}

// PublishedParams are the filters of GET /stats/published.
var PublishedParams = []string{"board", "year", "metric", "investor"}

// PublishedNote says what the answer is, in every answer.
const PublishedNote = "published by the management boards (or as issue 18 quotes them), each with its source; " +
	"not derived from zonegis's records and never mixed with the figures it derives"

// Published is the answer of GET /stats/published.
type Published struct {
	Kind    string          `json:"kind"` // "published"
	Note    string          `json:"note"`
	Figures []PublishedItem `json:"figures"`
}

// PublishedItem is one published figure as the API writes it. Value is
// the exact decimal as published, a JSON number.
type PublishedItem struct {
	ID        int             `json:"id"`
	BoardID   *string         `json:"board_id"`
	Scope     string          `json:"scope"`
	ScopeName string          `json:"scope_name"`
	ZoneCodes []string        `json:"zone_codes"`
	Year      *int            `json:"year"`
	YearFrom  *int            `json:"year_from"`
	AsOf      *string         `json:"as_of"`
	Basis     string          `json:"basis"`
	Investor  string          `json:"investor"`
	Metric    string          `json:"metric"`
	Qualifier string          `json:"qualifier"`
	Value     json.Number     `json:"value"`
	Unit      string          `json:"unit"`
	Source    PublishedSource `json:"source"`
	Note      string          `json:"note"`
}

// PublishedSource is where a published figure comes from; URL is "" when
// no page was found (the figure's note says so).
type PublishedSource struct {
	Title string  `json:"title"`
	URL   string  `json:"url"`
	Date  *string `json:"date"`
}

// Published answers the published figures that the filters get reads
// keep: board (a board id), year (the figure's year), metric and investor
// (zonegis.PublishedMetrics, PublishedInvestors). Errors: EINVALID naming
// the filter.
func (s *Service) Published(ctx context.Context, get func(name string) string) (*Published, error) {
	board, year := get("board"), 0
	metric, err := catalog.Enum("metric", get("metric"), zonegis.PublishedMetrics)
	if err != nil {
		return nil, err
	}
	investor, err := catalog.Enum("investor", get("investor"), zonegis.PublishedInvestors)
	if err != nil {
		return nil, err
	}
	if v := get("year"); v != "" {
		if year, err = strconv.Atoi(v); err != nil || year < 1980 || year > 2200 {
			return nil, zonegis.Errorf(zonegis.EINVALID, "year: want a year from 1980 to 2200, got %q", v)
		}
	}
	if board != "" {
		if ok, err := s.store.BoardExists(ctx, board); err != nil {
			return nil, err
		} else if !ok {
			return nil, zonegis.Errorf(zonegis.EINVALID, "board: no management board has the id %q", board)
		}
	}
	figs, err := s.store.PublishedFigures(ctx)
	if err != nil {
		return nil, err
	}
	p := &Published{Kind: "published", Note: PublishedNote, Figures: []PublishedItem{}}
	for _, f := range figs {
		if board != "" && f.BoardID != board || metric != "" && f.Metric != metric || investor != "" && f.Investor != investor ||
			year != 0 && (f.Year == nil || year > *f.Year || year < *f.Year && (f.YearFrom == nil || year < *f.YearFrom)) {
			continue
		}
		p.Figures = append(p.Figures, publishedItem(f))
	}
	return p, nil
}

func publishedItem(f zonegis.PublishedFigure) PublishedItem {
	it := PublishedItem{ID: f.ID, Scope: f.Scope, ScopeName: f.ScopeName, ZoneCodes: slices.Clip(append([]string{}, f.ZoneCodes...)),
		Year: f.Year, YearFrom: f.YearFrom, AsOf: day(f.AsOf), Basis: f.Basis, Investor: f.Investor, Metric: f.Metric,
		Qualifier: f.Qualifier, Value: json.Number(f.Value), Unit: f.Unit,
		Source: PublishedSource{Title: f.SourceTitle, URL: f.SourceURL, Date: day(f.SourceDate)}, Note: f.Note}
	if f.BoardID != "" {
		it.BoardID = &f.BoardID
	}
	return it
}

func day(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// WriteCSV writes the published figures as CSV, one row a figure (zone
// codes joined by ";", a missing value empty).
func (p *Published) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "board_id", "scope", "scope_name", "zone_codes", "year", "year_from", "as_of", "basis", "investor", //nolint:errcheck // reported by Flush/Error
		"metric", "qualifier", "value", "unit", "source_title", "source_url", "source_date", "note"})
	for _, f := range p.Figures {
		cw.Write([]string{strconv.Itoa(f.ID), optText(f.BoardID), f.Scope, f.ScopeName, strings.Join(f.ZoneCodes, ";"), //nolint:errcheck // as above
			optInt(f.Year), optInt(f.YearFrom), optText(f.AsOf), f.Basis, f.Investor, f.Metric, f.Qualifier, string(f.Value), f.Unit,
			f.Source.Title, f.Source.URL, optText(f.Source.Date), f.Note})
	}
	cw.Flush()
	return cw.Error()
}

func optText(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func optInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}
