package registry

import (
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestViewLease: capital and contact only for planners and admins; in
// force from the start up to the day it ended (or its end); a lease of an
// ancestor named as such in a parcel's history only.
func TestViewLease(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	ended := day("2026-06-01")
	l := &zonegis.Lease{ID: 3, ParcelID: 7, Lessee: "Công ty A", Start: day("2026-01-01"), End: day("2030-01-01"),
		EndedOn: &ended, CapitalUSD: 1.5e6, Contact: "a@example.com"}
	for _, seer := range []bool{false, true} {
		v := ViewLease(l, seer, day("2026-05-31"), 0)
		if sees := v.CapitalUSD != nil && v.Contact != nil; sees != seer {
			t.Errorf("sees %v: capital and contact: %v", seer, sees)
		}
		if !v.InForce || v.EndedOn == nil || *v.EndedOn != "2026-06-01" || v.AncestorParcelID != nil {
			t.Errorf("%v: %+v", seer, v)
		}
	}
	if v := ViewLease(l, false, ended, 0); v.InForce {
		t.Error("in force on the day it ended")
	}
	if v := ViewLease(l, false, ended, 9); v.AncestorParcelID == nil || *v.AncestorParcelID != 7 {
		t.Errorf("in parcel 9's history: ancestor %v, want 7", v.AncestorParcelID)
	}
	if v := ViewLease(l, false, ended, 7); v.AncestorParcelID != nil {
		t.Error("its own parcel's lease marked as an ancestor's")
	}
}
