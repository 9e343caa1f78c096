package registry

import "github.com/zonegis/zonegis/internal/zonegis"

// Who may do what. A caller has one role (zonegis.RolePublic without a
// key, else its key's); each thing a caller may ask for is an Action, and
// each Action needs a least role. Roles are ranked public < planner <
// admin: a role may do what the roles below it may. An action or role not
// listed here may not be done by anyone (fails closed). The transports
// name the action of each request (httpapi's routeActions) and ask Can;
// there is no authorization by board yet.

// Action is something a caller asks to do.
type Action string

// The actions.
const (
	// Read is every read and query, including POST /query/intersects (a
	// read with a body): everyone.
	Read Action = "read"
	// WriteRecords is every change to the land records: create, replace,
	// patch and delete features, imports, leasing (lease, end, reserve,
	// release), splits and merges: planners and admins.
	WriteRecords Action = "write records"
	// ReadAudit is reading the audit trail (who wrote what): admins.
	ReadAudit Action = "read audit"
	// ManageBoards is creating, editing and deleting management boards:
	// admins.
	ManageBoards Action = "manage boards"
)

// needs is the least role of each action.
var needs = map[Action]string{Read: zonegis.RolePublic, WriteRecords: zonegis.RolePlanner, ReadAudit: zonegis.RoleAdmin,
	ManageBoards: zonegis.RoleAdmin}

// roleRank orders the roles; a role not here ranks nowhere.
var roleRank = map[string]int{zonegis.RolePublic: 0, zonegis.RolePlanner: 1, zonegis.RoleAdmin: 2}

// Needs returns the least role that may do a, and false when a is not an
// action (then nobody may).
func Needs(a Action) (role string, ok bool) {
	role, ok = needs[a]
	return role, ok
}

// Can reports whether role may do a: false for an unknown role or action.
func Can(role string, a Action) bool {
	need, ok := needs[a]
	have, known := roleRank[role]
	return ok && known && have >= roleRank[need]
}
