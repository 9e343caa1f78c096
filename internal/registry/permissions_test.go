package registry

import (
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestMay holds the rule table by board: reads are everyone's; writes
// are the board's planners' and board admins' and a system admin's; the
// ministry reader sees every board's confidential figures and writes
// nothing; a viewer sees their board's figures only; unknown actions,
// roles and boards may do nothing (fail closed).
func TestMay(t *testing.T) {
	grant := func(role string) zonegis.Principal {
		return zonegis.Principal{UserID: 1, Login: "u", Grants: map[string]string{"hepza": role}}
	}
	callers := map[string]zonegis.Principal{
		"public":   {},
		"viewer":   grant(zonegis.BoardViewer),
		"planner":  grant(zonegis.BoardPlanner),
		"badmin":   grant(zonegis.BoardAdmin),
		"admin":    {UserID: 2, Login: "a", SystemRole: zonegis.SystemAdmin},
		"ministry": {UserID: 3, Login: "m", SystemRole: zonegis.SystemMinistry},
		"bogus":    {UserID: 4, Login: "b", SystemRole: "root", Grants: map[string]string{"hepza": "owner"}},
	}
	// want[action][caller] = may on hepza (own board), may on haiphong (other).
	type own struct{ hepza, haiphong bool }
	want := map[Action]map[string]own{
		Read: {"public": {true, true}, "viewer": {true, true}, "planner": {true, true}, "badmin": {true, true},
			"admin": {true, true}, "ministry": {true, true}, "bogus": {true, true}},
		SeeConfidential: {"viewer": {true, false}, "planner": {true, false}, "badmin": {true, false},
			"admin": {true, true}, "ministry": {true, true}},
		WriteRecords: {"planner": {true, false}, "badmin": {true, false}, "admin": {true, true}},
		ReadAudit:    {"badmin": {true, false}, "admin": {true, true}},
		ManageGrants: {"badmin": {true, false}, "admin": {true, true}},
		ManageUsers:  {"admin": {true, true}},
		ManageBoards: {"admin": {true, true}},
		"sudo":       {},
	}
	for a, byCaller := range want {
		for name, p := range callers {
			w := byCaller[name]
			if got := May(p, a, "hepza"); got != w.hepza {
				t.Errorf("May(%s, %q, hepza) = %v, want %v", name, a, got, w.hepza)
			}
			if got := May(p, a, "haiphong"); got != w.haiphong {
				t.Errorf("May(%s, %q, haiphong) = %v, want %v", name, a, got, w.haiphong)
			}
			if got := MayOnSome(p, a); got != (w.hepza || w.haiphong) {
				t.Errorf("MayOnSome(%s, %q) = %v", name, a, got)
			}
		}
	}
	for a := range rules {
		if _, ok := want[a]; !ok {
			t.Errorf("action %q has a rule but no row in this test", a)
		}
	}
	if May(callers["planner"], WriteRecords, "") {
		t.Error("a board role may act on no board")
	}
	if err := Authorize(callers["planner"], WriteRecords, "hepza", "haiphong"); zonegis.ErrorCode(err) != zonegis.EFORBIDDEN {
		t.Errorf("a write touching another board: %v, want EFORBIDDEN", err)
	}
	if err := Authorize(callers["public"], WriteRecords, "hepza"); zonegis.ErrorCode(err) != zonegis.EUNAUTHORIZED {
		t.Errorf("the public: %v, want EUNAUTHORIZED", err)
	}
	if err := Authorize(callers["planner"], WriteRecords, "hepza", "hepza"); err != nil {
		t.Error(err)
	}
}
