package registry

import (
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestCan holds the role table: reads are everyone's, writes planners'
// and admins', the audit trail admins' only; unknown roles and actions
// may do nothing (fail closed).
func TestCan(t *testing.T) {
	roles := []string{zonegis.RolePublic, zonegis.RolePlanner, zonegis.RoleAdmin, "", "root"}
	want := map[Action][]bool{
		Read:           {true, true, true, false, false},
		WriteRecords:   {false, true, true, false, false},
		ReadAudit:      {false, false, true, false, false},
		Action("sudo"): {false, false, false, false, false},
	}
	for a, ws := range want {
		for i, role := range roles {
			if got := Can(role, a); got != ws[i] {
				t.Errorf("Can(%q, %q) = %v, want %v", role, a, got, ws[i])
			}
		}
	}
	for a, role := range needs {
		if _, known := roleRank[role]; !known {
			t.Errorf("action %q needs unknown role %q", a, role)
		}
	}
	if _, ok := Needs("sudo"); ok {
		t.Error("Needs knows an action that is not one")
	}
}
