package registry

import (
	"reflect"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestParseAuditFilter: defaults, bounds and the parameter each error names.
func TestParseAuditFilter(t *testing.T) {
	get := func(q map[string]string) func(string) string { return func(k string) string { return q[k] } }
	f, err := ParseAuditFilter(get(map[string]string{"collection": "parcels", "item_id": "7", "before": "90", "limit": "1000"}))
	if err != nil || !reflect.DeepEqual(f, zonegis.AuditFilter{Collection: "parcels", ItemID: 7, BeforeID: 90, Limit: 1000}) {
		t.Fatalf("%+v %v", f, err)
	}
	if f, _ := ParseAuditFilter(get(nil)); f.Limit != 100 {
		t.Errorf("default limit %d, want 100", f.Limit)
	}
	for q, want := range map[string]string{"item_id=0": "item_id: want a positive whole number",
		"before=x": "before: want a positive whole number", "limit=1001": "limit: want a whole number from 1 to 1000"} {
		k, v, _ := strings.Cut(q, "=")
		_, err := ParseAuditFilter(get(map[string]string{k: v}))
		if zonegis.ErrorCode(err) != zonegis.EINVALID || zonegis.ErrorMessage(err) != want {
			t.Errorf("%s: %v, want %q", q, err, want)
		}
	}
}
