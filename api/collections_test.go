package api

import (
	"bytes"
	"testing"
)

// TestServedOnceIsLazy: ServedOnce makes the document at its first call,
// not before (a collection added to features after ServedOnce returned is
// in it), the same bytes as Served, and keeps them for later calls.
func TestServedOnceIsLazy(t *testing.T) {
	features := map[string]map[string]any{}
	served := ServedOnce(features)
	features["parcels"] = map[string]any{"type": "object"}
	doc, yml, err := served()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, []byte(`"/collections/parcels/items"`)) {
		t.Fatal("the document was made before the first call: it lacks the parcels' paths")
	}
	wantDoc, wantYAML, err := Served(features)
	if err != nil || !bytes.Equal(doc, wantDoc) || !bytes.Equal(yml, wantYAML) {
		t.Fatalf("ServedOnce's document differs from Served's (%v)", err)
	}
	again, _, _ := served()
	if &again[0] != &doc[0] {
		t.Fatal("the second call made the document again")
	}
}
