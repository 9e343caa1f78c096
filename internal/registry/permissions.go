package registry

import (
	"context"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Who may do what, on which board: the one rule table of zonegis. A caller
// is a zonegis.Principal: the public (no credentials), or a user with at
// most one system role (admin, ministry) and a role on each board granted
// to them (viewer, planner, board_admin). Each thing a caller may ask for
// is an Action; rules says, for each, which system roles may do it on every
// board and which board roles may do it on their own board. An action,
// role or board not in the table may be done by no one (fails closed).
// The transports name the action of each request (httpapi's routeActions)
// and ask MayOnSome before the work; the use cases (Features, Leasing,
// Lineage, imports, accounts) ask May for the board of every record a
// write touches, found in the store under the write's locks.

// Action is something a caller asks to do.
type Action string

// The actions.
const (
	// Read is every public read and query, including POST
	// /query/intersects (a read with a body): everyone.
	Read Action = "read"
	// SeeConfidential is reading a lease's confidential fields (capital,
	// contact, …) and the statistics' figures that sum them: the board's
	// viewers, planners and board admins; the ministry reader and admins
	// on every board.
	SeeConfidential Action = "see confidential figures"
	// WriteRecords is every change to the board's land records: create,
	// replace, patch and delete zones, parcels and green areas, imports,
	// leasing (lease, end, reserve, release), splits and merges, plan
	// targets: the board's planners and board admins; admins.
	WriteRecords Action = "write records"
	// ReadAudit is reading the audit trail of the board's records: the
	// board's admins; admins on every board.
	ReadAudit Action = "read audit"
	// ManageGrants is granting and revoking roles on the board, and
	// making keys for the board's people: the board's admins; admins.
	ManageGrants Action = "manage grants"
	// ManageUsers is creating, disabling and changing users and their
	// system roles: admins.
	ManageUsers Action = "manage users"
	// ManageBoards is creating, editing and deleting management boards:
	// admins.
	ManageBoards Action = "manage boards"
)

// rule is who may do an action: the public, system roles on every board,
// board roles on their board.
type rule struct {
	public bool
	system []string
	board  []string
}

// rules is the table. Add a row for each new action.
var rules = map[Action]rule{
	Read:            {public: true},
	SeeConfidential: {system: []string{zonegis.SystemAdmin, zonegis.SystemMinistry}, board: []string{zonegis.BoardViewer, zonegis.BoardPlanner, zonegis.BoardAdmin}},
	WriteRecords:    {system: []string{zonegis.SystemAdmin}, board: []string{zonegis.BoardPlanner, zonegis.BoardAdmin}},
	ReadAudit:       {system: []string{zonegis.SystemAdmin}, board: []string{zonegis.BoardAdmin}},
	ManageGrants:    {system: []string{zonegis.SystemAdmin}, board: []string{zonegis.BoardAdmin}},
	ManageUsers:     {system: []string{zonegis.SystemAdmin}},
	ManageBoards:    {system: []string{zonegis.SystemAdmin}},
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// May reports whether p may do a on board (a board id; "" for an action
// on no board, which only the public rule or a system role allows). False
// for an unknown action, role or board.
func May(p zonegis.Principal, a Action, board string) bool {
	r, ok := rules[a]
	switch {
	case !ok:
		return false
	case r.public:
		return true
	case !p.Authenticated():
		return false
	case p.SystemRole != zonegis.SystemNone && has(r.system, p.SystemRole):
		return true
	}
	role, granted := p.Grants[board]
	return board != "" && granted && has(r.board, role)
}

// MayOnSome reports whether p may do a on at least one board (or every
// board): the gate of a route before its records are known. A caller who
// passes it may still be refused a board the write touches.
func MayOnSome(p zonegis.Principal, a Action) bool {
	if May(p, a, "") {
		return true
	}
	for b := range p.Grants {
		if May(p, a, b) {
			return true
		}
	}
	return false
}

// MayEverywhere reports whether p may do a on every board, those to come
// included: a public action, or one p's system role allows.
func MayEverywhere(p zonegis.Principal, a Action) bool { return May(p, a, "") }

// Authorize returns nil when p may do a on every board in boards, else
// EFORBIDDEN naming the action, the first board refused and the roles
// that would do (EUNAUTHORIZED for the public). Each board is a board id;
// "" stands for "no board" and is refused unless p may do a everywhere.
func Authorize(p zonegis.Principal, a Action, boards ...string) error {
	for _, b := range boards {
		if May(p, a, b) {
			continue
		}
		need := RolesText(a)
		who := p.Login
		if p.DisplayName != "" {
			who = p.DisplayName + " (" + p.Login + ")"
		}
		switch {
		case !p.Authenticated():
			return zonegis.Errorf(zonegis.EUNAUTHORIZED, "this needs role %s: sign in, or send an API key in Authorization: Bearer <key>", need)
		case b == "":
			return zonegis.Errorf(zonegis.EFORBIDDEN, "this needs role %s; %s has no role that allows it", need, who)
		}
		return zonegis.Errorf(zonegis.EFORBIDDEN, "%s on board %s needs role %s; %s has no such role there", a, b, need, who)
	}
	return nil
}

// RolesText says who may do a, for messages: "planner or board_admin on
// the board, or admin".
func RolesText(a Action) string {
	r := rules[a]
	var parts []string
	if len(r.board) > 0 {
		parts = append(parts, strings.Join(r.board, " or ")+" on the board")
	}
	if len(r.system) > 0 {
		parts = append(parts, strings.Join(r.system, " or "))
	}
	if len(parts) == 0 {
		return "none (no one may)"
	}
	return strings.Join(parts, ", or ")
}

// SeesConfidential reports whether p sees the confidential lease figures
// of board.
func SeesConfidential(p zonegis.Principal, board string) bool { return May(p, SeeConfidential, board) }

// LeastRole names the least role that may do a, for documents (the
// OpenAPI file's x-role): zonegis.RolePublic for a public action, else
// its least board role, else its first system role; false for an action
// not in the table.
func LeastRole(a Action) (string, bool) {
	r, ok := rules[a]
	switch {
	case !ok:
		return "", false
	case r.public:
		return zonegis.RolePublic, true
	case len(r.board) > 0:
		return r.board[0], true
	case len(r.system) > 0:
		return r.system[0], true
	}
	return "", false
}

// BoardFinder says which board a record is on: a zone's own, a parcel's
// or green area's zone's, a lease's parcel's zone's. *postgis.DB
// implements it (reading the rows as they are now).
type BoardFinder interface {
	// ZoneBoard returns the board of zone id. Errors: ENOTFOUND.
	ZoneBoard(ctx context.Context, id int64) (string, error)
	// RecordBoard returns the board of record id of collection (zones,
	// parcels, green-areas, leases). Errors: ENOTFOUND.
	RecordBoard(ctx context.Context, collection string, id int64) (string, error)
}

// callerOf is the principal acting as a; the public (who may write
// nothing) when a names none.
func callerOf(a zonegis.Actor) zonegis.Principal {
	if a.Caller == nil {
		return zonegis.Principal{}
	}
	return *a.Caller
}

// authorizeRecords checks that a may do act on the board of each record
// (ids of collection), found by bf. A record that is not there is left
// to the write, which answers ENOTFOUND for it.
func authorizeRecords(ctx context.Context, bf BoardFinder, a zonegis.Actor, act Action, collection string, ids ...int64) error {
	p := callerOf(a)
	if MayEverywhere(p, act) {
		return nil
	}
	if bf == nil {
		return Authorize(p, act, "")
	}
	for _, id := range ids {
		b, err := bf.RecordBoard(ctx, collection, id)
		if zonegis.ErrorCode(err) == zonegis.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if err := Authorize(p, act, b); err != nil {
			return err
		}
	}
	return nil
}
