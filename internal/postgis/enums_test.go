package postgis_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

var (
	// checkIn is how PostgreSQL prints a CHECK (col IN ('a', 'b')).
	checkIn = regexp.MustCompile(`^CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\)$`)
	// textLiteral is one value of such a list or of a CASE.
	textLiteral = regexp.MustCompile(`'((?:[^']|'')*)'::text`)
	// statusCase is the CASE that derives a parcel's status in parcels_now.
	statusCase = regexp.MustCompile(`(?s)CASE\s+(WHEN.*?)\s+END\b`)
	statusThen = regexp.MustCompile(`(?:THEN|ELSE) '((?:[^']|'')*)'(?:::text)?`)
)

// TestSchemaEnums holds the migrated schema to the lists of package
// zonegis, which the API validates against and serves at GET /enums: each
// enumerated column's CHECK constraint allows exactly the Go list, in the
// same order, and the CASE of parcels_now (a parcel's status is derived,
// no longer a column: migrations/0005) yields exactly the parcel statuses.
func TestSchemaEnums(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	for _, c := range []struct {
		table, column string
		want          []string
	}{
		{"zones", "kind", zonegis.ZoneKinds},
		{"zones", "status", zonegis.ZoneStatuses},
		{"zones", "model", zonegis.ZoneModels},
		{"parcels", "land_use", zonegis.LandUses},
		{"green_areas", "kind", zonegis.GreenKinds},
		{"published_figures", "metric", zonegis.PublishedMetrics},
		{"published_figures", "investor", zonegis.PublishedInvestors},
	} {
		rows, err := db.Pool().Query(ctx, `
			SELECT pg_get_constraintdef(c.oid)
			  FROM pg_constraint c
			  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			 WHERE c.conrelid = $1::regclass AND c.contype = 'c'
			   AND cardinality(c.conkey) = 1 AND a.attname = $2`, c.table, c.column)
		if err != nil {
			t.Fatal(err)
		}
		var defs []string
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				t.Fatal(err)
			}
			defs = append(defs, d)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(defs) != 1 {
			t.Errorf("%s.%s: CHECK constraints %q; want one", c.table, c.column, defs)
			continue
		}
		m := checkIn.FindStringSubmatch(defs[0])
		if m == nil || m[1] != c.column {
			t.Errorf("%s.%s: %s is not a list of values of the column", c.table, c.column, defs[0])
			continue
		}
		if got := literals(textLiteral, m[2]); !slices.Equal(got, c.want) {
			t.Errorf("%s.%s: the schema allows %q, package zonegis lists %q", c.table, c.column, got, c.want)
		}
	}

	// The status is derived (migrations/0005): parcels_now takes it from
	// zg_status, whose CASE lists the values.
	var view, fn string
	if err := db.Pool().QueryRow(ctx, `SELECT pg_get_viewdef('parcels_now'::regclass),
		pg_get_functiondef('zg_status(datemultirange, date, date)'::regprocedure)`).Scan(&view, &fn); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(view, "zg_status(") {
		t.Fatalf("parcels_now does not take its status from zg_status:\n%s", view)
	}
	m := statusCase.FindStringSubmatch(fn)
	if m == nil {
		t.Fatalf("zg_status derives status by no CASE:\n%s", fn)
	}
	got := literals(statusThen, m[1])
	slices.Sort(got)
	want := slices.Sorted(slices.Values(zonegis.ParcelStatuses))
	if !slices.Equal(got, want) || len(got) != len(zonegis.ParcelStatuses) {
		t.Errorf("parcels_now.status is one of %q, package zonegis lists %q\n%s", got, zonegis.ParcelStatuses, m[0])
	}
}

// literals returns the string literals re finds in s, unquoted.
func literals(re *regexp.Regexp, s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, strings.ReplaceAll(m[1], "''", "'"))
	}
	return out
}
