package postgis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Lineage operations, as recorded in parcel_lineage and the audit trail.
const (
	OpSplit = "split"
	OpMerge = "merge"
)

// MinPieceM2 is the smallest area, in square metres, a parcel made by a
// split may have; a line that only shaves a sliver off is refused.
const MinPieceM2 = 1.0

// SplitParcel cuts parcel id along line (PostGIS ST_Split) into len(lots)
// new parcels, in one audited transaction: the parent moves to
// parcels_retired, the pieces, ordered west to east by their westernmost
// point (then south to north), become available parcels with the lots' codes
// and the parent's zone and land use (unless a lot gives one), and
// parcel_lineage records parent → child. ifVersion 0 accepts any version.
// It returns the new parcels and the change-log seq.
// Errors: ENOTFOUND, EPRECONDITION, EINVALID (the line does not cut the
// parcel into exactly len(lots) pieces, a piece under MinPieceM2, a lot code
// taken), ECONFLICT (the parcel is reserved or has a lease in force today or
// later).
func (db *DB) SplitParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64, line orb.LineString, lots []zonegis.SplitLot) ([]*zonegis.Parcel, int64, error) {
	if len(line) < 2 {
		return nil, 0, zonegis.Errorf(zonegis.EINVALID, "line: a LineString needs at least 2 positions")
	}
	if len(lots) < 2 {
		return nil, 0, zonegis.Errorf(zonegis.EINVALID, "lots: a split makes at least 2 lots, got %d", len(lots))
	}
	blade, err := wkb.Marshal(line)
	if err != nil {
		return nil, 0, zonegis.Errorf(zonegis.EINVALID, "line cannot be encoded: %v", err)
	}
	var children []*zonegis.Parcel
	seq, err := db.write(ctx, a, OpSplit, zonegis.CollectionParcels, func(tx pgx.Tx) (int64, []byte, error) {
		children = children[:0]
		parents, befores, err := lockForLineage(ctx, tx, []int64{id})
		if err != nil {
			return 0, nil, err
		}
		parent := parents[0]
		if ifVersion != 0 && ifVersion != parent.Version {
			return 0, nil, &zonegis.Error{Code: zonegis.EPRECONDITION,
				Message: fmt.Sprintf("the parcel has changed since you read it (your version %d, current %d); read it again", ifVersion, parent.Version),
				Details: map[string]any{"current_version": parent.Version}}
		}
		if err := checkRetirable(ctx, tx, parents); err != nil {
			return 0, nil, err
		}
		pieces, err := splitPieces(ctx, tx, id, blade)
		if err != nil {
			return 0, nil, err
		}
		if len(pieces) != len(lots) {
			return 0, nil, splitCountError(id, len(pieces), len(lots))
		}
		for i, p := range pieces {
			if p.areaM2 < MinPieceM2 {
				return 0, nil, &zonegis.Error{Code: zonegis.EINVALID,
					Message: fmt.Sprintf("piece %d of the split (lot %s) would be %.2f m², less than %v m²; move the line", i+1, lots[i].LotCode, p.areaM2, MinPieceM2),
					Details: map[string]any{"piece": i + 1, "area_m2": p.areaM2}}
			}
		}
		if err := retire(ctx, tx, parent.ID, OpSplit); err != nil {
			return 0, nil, err
		}
		for i, p := range pieces {
			use := lots[i].LandUse
			if use == "" {
				use = parent.LandUse
			}
			c, err := insertChild(ctx, tx, parent.ZoneID, lots[i].LotCode, use, parent.Synthetic, p.wkb)
			if err != nil {
				return 0, nil, err
			}
			if _, err := tx.Exec(ctx, sqlInsertLineage, parent.ID, c.ID, OpSplit); err != nil {
				return 0, nil, err
			}
			var ignored int64
			if err := audit(ctx, tx, a, OpSplit, zonegis.CollectionParcels, c.ID, nil, &ignored); err != nil {
				return 0, nil, err
			}
			children = append(children, c)
		}
		ids := make([]int64, len(children))
		for i, c := range children {
			ids[i] = c.ID
		}
		if err := moveProjectParcels(ctx, tx, a, OpSplit, []int64{parent.ID}, ids); err != nil {
			return 0, nil, err
		}
		// db.write records the parent's entry: before, and no after.
		return parent.ID, befores[0], nil
	})
	if err != nil {
		return nil, 0, err
	}
	return children, seq, nil
}

func splitCountError(id int64, pieces, lots int) error {
	msg := fmt.Sprintf("the line cuts parcel %d into %d pieces, but %d lots were given; give one lot per piece", id, pieces, lots)
	if pieces == 1 {
		msg = fmt.Sprintf("the line does not cut parcel %d: it must cross the parcel from one edge to another (%d lots were given)", id, lots)
	}
	return &zonegis.Error{Code: zonegis.EINVALID, Message: msg, Details: map[string]any{"pieces": pieces, "lots": lots}}
}

type piece struct {
	wkb    []byte
	areaM2 float64
}

func splitPieces(ctx context.Context, tx pgx.Tx, id int64, blade []byte) ([]piece, error) {
	rows, err := tx.Query(ctx, sqlSplitPieces, id, blade)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []piece
	for rows.Next() {
		var p piece
		if err := rows.Scan(&p.wkb, &p.areaM2); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MergeParcels merges adjacent parcels of one zone (ST_Union; the union must
// be one polygon) into a new available parcel with lotCode and landUse (""
// keeps the parents' land use, which must then be the same), in one audited
// transaction: the parents move to parcels_retired and parcel_lineage
// records each parent → child. It returns the new parcel and the change-log
// seq. Errors: ENOTFOUND, EINVALID (fewer than 2 parcels, different zones
// or land uses, not adjacent, lot code taken), ECONFLICT (a parcel is
// reserved or has a lease in force today or later).
func (db *DB) MergeParcels(ctx context.Context, a zonegis.Actor, ids []int64, lotCode, landUse string) (*zonegis.Parcel, int64, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) < 2 {
		return nil, 0, zonegis.Errorf(zonegis.EINVALID, "ids: a merge needs at least 2 different parcels")
	}
	var child *zonegis.Parcel
	seq, err := db.write(ctx, a, OpMerge, zonegis.CollectionParcels, func(tx pgx.Tx) (int64, []byte, error) {
		parents, befores, err := lockForLineage(ctx, tx, ids)
		if err != nil {
			return 0, nil, err
		}
		zones := map[string]int64{}
		uses := map[string]string{}
		synthetic := true
		for _, p := range parents {
			zones[fmt.Sprint(p.ID)] = p.ZoneID
			uses[fmt.Sprint(p.ID)] = p.LandUse
			synthetic = synthetic && p.Synthetic
		}
		if distinct(zones) > 1 {
			return 0, nil, &zonegis.Error{Code: zonegis.EINVALID,
				Message: fmt.Sprintf("parcels %s are in different zones (%s); only parcels of one zone can be merged", joinIDs(ids), describe(parents, func(p *zonegis.Parcel) string { return fmt.Sprintf("zone %d", p.ZoneID) })),
				Details: map[string]any{"zones": zones}}
		}
		if landUse == "" {
			if distinct(uses) > 1 {
				return 0, nil, &zonegis.Error{Code: zonegis.EINVALID,
					Message: fmt.Sprintf("parcels %s have different land uses (%s); say which the merged parcel has with land_use", joinIDs(ids), describe(parents, func(p *zonegis.Parcel) string { return p.LandUse })),
					Details: map[string]any{"land_uses": uses}}
			}
			landUse = parents[0].LandUse
		}
		if err := checkRetirable(ctx, tx, parents); err != nil {
			return 0, nil, err
		}
		var union []byte
		var parts int
		if err := tx.QueryRow(ctx, sqlMergeUnion, ids).Scan(&union, &parts); err != nil {
			return 0, nil, err
		}
		if parts != 1 {
			return 0, nil, &zonegis.Error{Code: zonegis.EINVALID,
				Message: fmt.Sprintf("parcels %s are not adjacent: together they form %d separate areas, not one; only parcels that share an edge can be merged", joinIDs(ids), parts),
				Details: map[string]any{"areas": parts}}
		}
		for i, p := range parents {
			if err := retire(ctx, tx, p.ID, OpMerge); err != nil {
				return 0, nil, err
			}
			var ignored int64
			if err := audit(ctx, tx, a, OpMerge, zonegis.CollectionParcels, p.ID, befores[i], &ignored); err != nil {
				return 0, nil, err
			}
		}
		child, err = insertChild(ctx, tx, parents[0].ZoneID, lotCode, landUse, synthetic, union)
		if err != nil {
			return 0, nil, err
		}
		for _, p := range parents {
			if _, err := tx.Exec(ctx, sqlInsertLineage, p.ID, child.ID, OpMerge); err != nil {
				return 0, nil, err
			}
		}
		if err := moveProjectParcels(ctx, tx, a, OpMerge, ids, []int64{child.ID}); err != nil {
			return 0, nil, err
		}
		// db.write records the child's entry: no before, and its after.
		return child.ID, nil, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return child, seq, nil
}

// distinct counts the different values of m.
func distinct[V comparable](m map[string]V) int {
	seen := map[V]bool{}
	for _, v := range m {
		seen[v] = true
	}
	return len(seen)
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}

func describe(ps []*zonegis.Parcel, what func(*zonegis.Parcel) string) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%d: %s", p.ID, what(p))
	}
	return strings.Join(s, ", ")
}

// lockForLineage locks the parcels ids (sorted), returning them in id order
// with their JSON images for the audit trail. Errors: ENOTFOUND (naming
// every id that does not exist).
func lockForLineage(ctx context.Context, tx pgx.Tx, ids []int64) ([]*zonegis.Parcel, [][]byte, error) {
	if _, err := tx.Exec(ctx, sqlLockParcelIDs, ids); err != nil {
		return nil, nil, err
	}
	ps, err := collect(ctx, tx, sqlLockParcels, scanParcel, ids)
	if err != nil {
		return nil, nil, err
	}
	if len(ps) != len(ids) {
		found := map[int64]bool{}
		for _, p := range ps {
			found[p.ID] = true
		}
		var missing []int64
		for _, id := range ids {
			if !found[id] {
				missing = append(missing, id)
			}
		}
		return nil, nil, &zonegis.Error{Code: zonegis.ENOTFOUND,
			Message: fmt.Sprintf("no parcel with id %s", joinIDs(missing)), Details: map[string]any{"missing_ids": missing}}
	}
	befores := make([][]byte, len(ps))
	for i, p := range ps {
		if befores[i], err = rowJSON(ctx, tx, zonegis.CollectionParcels, p.ID); err != nil {
			return nil, nil, err
		}
	}
	return ps, befores, nil
}

// checkRetirable refuses parcels that are reserved or have a lease in force
// today or later: splitting or merging them would orphan the hold or the
// lease. Ended leases are fine; they stay in the history. Errors: ECONFLICT.
func checkRetirable(ctx context.Context, tx pgx.Tx, ps []*zonegis.Parcel) error {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	rows, err := tx.Query(ctx, sqlLeasesFrom, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	var parcels, leases []int64
	var reasons []string
	for rows.Next() {
		var pid, lid int64
		var until time.Time
		if err := rows.Scan(&pid, &lid, &until); err != nil {
			return err
		}
		if !slices.Contains(parcels, pid) {
			parcels = append(parcels, pid)
		}
		leases = append(leases, lid)
		reasons = append(reasons, fmt.Sprintf("parcel %d has lease %d until %s", pid, lid, until.Format(time.DateOnly)))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(leases) > 0 {
		return &zonegis.Error{Code: zonegis.ECONFLICT,
			Message: strings.Join(reasons, "; ") + "; a parcel with a lease in force today or later cannot be split or merged (end the lease first)",
			Details: map[string]any{"parcel_ids": parcels, "lease_ids": leases}}
	}
	// No lease in force or to come, so a reserved parcel is one on hold.
	for _, p := range ps {
		if p.Status == zonegis.ParcelReserved {
			return &zonegis.Error{Code: zonegis.ECONFLICT,
				Message: fmt.Sprintf("parcel %d is reserved; release it before splitting or merging it", p.ID),
				Details: map[string]any{"parcel_ids": []int64{p.ID}}}
		}
	}
	return nil
}

// retire copies parcel id to parcels_retired and deletes it (in that order:
// the delete guard lets a parcel with leases go only once it is retired).
// moveProjectParcels gives every project that lists one of parents (the
// parcels a split or merge retires) the successors in their place (a
// split's pieces, a merge's parcel: each in the parents' zone, which is the
// project's), and records each such project's change in its history (the
// audit log, action op, before and after images, the project's board), in
// the lineage write's transaction.
func moveProjectParcels(ctx context.Context, tx pgx.Tx, a zonegis.Actor, op string, parents, successors []int64) error {
	type project struct {
		id    int64
		board string
	}
	projects, err := collect(ctx, tx, sqlProjectsOfParcels, func(r pgx.Row) (*project, error) {
		var p project
		return &p, r.Scan(&p.id, &p.board)
	}, parents)
	if err != nil {
		return err
	}
	var keyID any
	if a.KeyID != 0 {
		keyID = a.KeyID
	}
	for _, p := range projects {
		var before, after []byte
		if err := tx.QueryRow(ctx, sqlProjectRowJSON, p.id).Scan(&before); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlMoveProjectParcels, p.id, parents, successors); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, sqlProjectRowJSON, p.id).Scan(&after); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInvestAudit, keyID, a.KeyName, a.Role, op, zonegis.CollectionProjects, p.id,
			before, after, a.RequestID, nullID(a.UserID), a.UserLogin, p.board); err != nil {
			return err
		}
	}
	return nil
}

func retire(ctx context.Context, tx pgx.Tx, id int64, op string) error {
	if _, err := tx.Exec(ctx, sqlRetireParcel, id, op); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, sqlDelete[zonegis.CollectionParcels], id)
	return err
}

func insertChild(ctx context.Context, tx pgx.Tx, zoneID int64, lotCode, landUse string, synthetic bool, boundary []byte) (*zonegis.Parcel, error) {
	return scanParcel(tx.QueryRow(ctx, sqlInsertChildParcel, zoneID, lotCode, landUse, synthetic, boundary))
}

// LeaseHistory returns the leases of parcel id and of every parcel it was
// split or merged from, oldest first; a lease's ParcelID says which parcel
// it was on. It does not check that id exists.
func (db *DB) LeaseHistory(ctx context.Context, id int64) ([]*zonegis.Lease, error) {
	return collect(ctx, db.read, sqlLeaseHistory, scanLease, id)
}

// Lineage returns the parcels that parcel id (live or retired) was made
// from and the parcels made from it.
func (db *DB) Lineage(ctx context.Context, id int64) (parents, children []zonegis.Link, err error) {
	scan := func(r pgx.Row) (*zonegis.Link, error) {
		var l zonegis.Link
		return &l, r.Scan(&l.ParcelID, &l.Op, &l.At)
	}
	ps, err := collect(ctx, db.read, sqlParentsOf, scan, id)
	if err != nil {
		return nil, nil, err
	}
	cs, err := collect(ctx, db.read, sqlChildrenOf, scan, id)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		parents = append(parents, *p)
	}
	for _, c := range cs {
		children = append(children, *c)
	}
	return parents, children, nil
}
