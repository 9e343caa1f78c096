package ogcclients

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// OWSLib 0.27 (python3-owslib), owslib.ogcapi.features.Features, through
// testdata/owslib_check.py; each subtest is one of its calls, judged
// against the API's own answer to the same query.

type owslibCheck struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

type owslibItems struct {
	NumberMatched *int  `json:"numberMatched"`
	IDs           []any `json:"ids"`
	Statuses      []any `json:"statuses"`
}

func TestOWSLib(t *testing.T) {
	f := seeded(t)
	b := bboxes[0]
	cfg := map[string]any{
		"url":      f.url,
		"bbox":     b[:],
		"datetime": "2000-01-01T00:00:00Z/2010-12-31T23:59:59Z",
		"filter":   "status = 'leased'",
	}
	mark := f.log.mark()
	var got map[string]owslibCheck
	runPython(t, nil, "owslib_check.py", cfg, &got)
	reqs := f.log.since(mark)
	check := func(t *testing.T, name string, v any) {
		t.Helper()
		c, ok := got[name]
		if !ok {
			t.Fatalf("owslib_check.py did not run %s", name)
		}
		if !c.OK {
			t.Fatalf("OWSLib %s: %s", name, c.Error)
		}
		if err := json.Unmarshal(c.Result, v); err != nil {
			t.Fatalf("OWSLib %s: %v", name, err)
		}
	}
	apiIDs := func(t *testing.T, collection, query string) []string {
		t.Helper()
		p, _ := f.page(t, "/collections/"+collection+"/items?limit=10000&"+query)
		var ids []string
		for _, ft := range p.Features {
			ids = append(ids, fmt.Sprint(ft.ID))
		}
		slices.Sort(ids)
		return ids
	}
	strs := func(vs []any) []string {
		var out []string
		for _, v := range vs {
			out = append(out, fmt.Sprint(v))
		}
		slices.Sort(out)
		return out
	}

	t.Run("Collections", func(t *testing.T) {
		var ids []string
		check(t, "collections", &ids)
		if want := allIDs(); !slices.Equal(ids, want) {
			t.Errorf("OWSLib collections(): %v; want %v", ids, want)
		}
	})
	t.Run("Collection", func(t *testing.T) {
		var c collection
		check(t, "collection", &c)
		if c.ID != "parcels" {
			t.Errorf("OWSLib collection('parcels'): id %q", c.ID)
		}
	})
	t.Run("ItemsBBox", func(t *testing.T) {
		var items owslibItems
		check(t, "items_bbox", &items)
		want := apiIDs(t, "parcels", fmt.Sprintf("bbox=%v,%v,%v,%v", b[0], b[1], b[2], b[3]))
		if got := strs(items.IDs); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("OWSLib collection_items(bbox=%v): %d parcels; the API gives %d", b, len(got), len(want))
		}
	})
	t.Run("ItemsDatetime", func(t *testing.T) {
		var items owslibItems
		check(t, "items_datetime", &items)
		want := apiIDs(t, "zones", "datetime="+url.QueryEscape(cfg["datetime"].(string)))
		if got := strs(items.IDs); !slices.Equal(got, want) {
			t.Errorf("OWSLib collection_items(datetime=%s): %d zones; the API gives %d", cfg["datetime"], len(got), len(want))
		}
	})
	t.Run("ItemsFilter", func(t *testing.T) {
		var items owslibItems
		check(t, "items_filter", &items)
		want := apiIDs(t, "parcels", "status=leased")
		if got := strs(items.IDs); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("OWSLib collection_items(filter=%q): %d parcels (statuses %v); the API has %d leased", cfg["filter"], len(got), items.Statuses, len(want))
		}
		if len(withQuery(reqs, "/collections/parcels/items", "filter")) == 0 {
			t.Errorf("no request carried the filter; OWSLib asked:\n%s", strings.Join(reqs, "\n"))
		}
	})
	t.Run("Queryables", func(t *testing.T) {
		var q struct {
			Type       string                    `json:"type"`
			Properties map[string]map[string]any `json:"properties"`
		}
		check(t, "queryables", &q)
		if q.Type != "object" {
			t.Errorf("queryables: type %q; want object (a JSON Schema)", q.Type)
		}
		for name, want := range map[string]string{"enterprises": "integer", "workers": "integer", "parent_id": "integer", "established": "string", "status": "string"} {
			if q.Properties[name]["type"] != want {
				t.Errorf("queryables %s: %v; want type %s", name, q.Properties[name], want)
			}
		}
		if q.Properties["established"]["format"] != "date" {
			t.Errorf("queryables established: %v; want format date", q.Properties["established"])
		}
		if _, ok := q.Properties["status"]["enum"]; !ok {
			t.Errorf("queryables status: %v; want an enum", q.Properties["status"])
		}
	})
}
