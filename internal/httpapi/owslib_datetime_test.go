package httpapi_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestOWSLibDatetime: OWSLib 0.27 (Debian's python3-owslib, under
// /usr/bin/python3) reads items with datetime, alone and with bbox, and a
// collection's temporal extent; its numbers are the API's (which
// TestItemsDatetimeZonesAndGreenAreas checks against the rows).
func TestOWSLibDatetime(t *testing.T) {
	f := seeded(t)
	script := `
import json, sys
from owslib.ogcapi.features import Features
w = Features(sys.argv[1])
out = {}
for name, kw in [("zones_old", dict(datetime="../1995-12-31", limit=1000)),
                 ("zones_bbox", dict(datetime="../2010-12-31", bbox=[106.5, 10.5, 107.0, 11.0], limit=1000)),
                 ("parcels_now", dict(datetime="2000-01-01/..", limit=5))]:
    coll = "zones" if name.startswith("zones") else "parcels"
    r = w.collection_items(coll, **kw)
    out[name] = [r["numberMatched"], [ft["id"] for ft in r["features"]]]
out["extent"] = w.collection("zones")["extent"]["temporal"]["interval"]
print(json.dumps(out))
`
	cmd := exec.Command("/usr/bin/python3", "-c", script, f.url+"/")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("owslib: %v: %s", err, b)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("owslib printed %s", b)
	}
	for name, query := range map[string]string{
		"zones_old":   "/collections/zones/items?datetime=../1995-12-31&limit=1000",
		"zones_bbox":  "/collections/zones/items?datetime=../2010-12-31&bbox=106.5,10.5,107.0,11.0&limit=1000",
		"parcels_now": "/collections/parcels/items?datetime=2000-01-01/..&limit=5",
	} {
		var fc featureCollection
		f.getJSON(t, query, &fc)
		want, _ := json.Marshal([]any{*fc.NumberMatched, fc.ids()})
		if strings.ReplaceAll(string(got[name]), " ", "") != string(want) {
			t.Errorf("%s: OWSLib read %s, the API answers %s", name, got[name], want)
		}
		if *fc.NumberMatched == 0 {
			t.Errorf("%s: nothing matched; the check would be empty", name)
		}
	}
	if !strings.HasPrefix(string(got["extent"]), "[[") {
		t.Errorf("zones' temporal extent as OWSLib reads it: %s", got["extent"])
	}
}
