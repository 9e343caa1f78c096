package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The enterprises and investment projects (migrations/0015). They are not
// in the change log: the API reads them here, a keyset page at a time.

var _ zonegis.InvestmentStore = (*DB)(nil)

func scanEnterprise(r pgx.Row) (*zonegis.Enterprise, error) {
	var e zonegis.Enterprise
	return &e, r.Scan(&e.ID, &e.BoardID, &e.MST, &e.NameVI, &e.NameEN, &e.Country, &e.VSIC,
		&e.HighTech, &e.SupportingIndustry, &e.Contact, &e.Source, &e.Synthetic, &e.Version, &e.UpdatedAt)
}

func pageLimit(n int) int {
	if n <= 0 || n > zonegis.MaxInvestmentPage {
		return zonegis.MaxInvestmentPage
	}
	return n
}

// Enterprises returns the enterprises f selects, in id order, and how
// many match f in all.
func (db *DB) Enterprises(ctx context.Context, f zonegis.InvestmentFilter) ([]*zonegis.Enterprise, int64, error) {
	args := []any{f.AfterID, f.Boards, f.Country, f.VSICSection, instant(f.UpdatedFrom), instant(f.UpdatedUntil)}
	out, err := collect(ctx, db.pool, sqlEnterprises, scanEnterprise, append(args, pageLimit(f.Limit))...)
	if err != nil {
		return nil, 0, err
	}
	var n int64
	args[0] = int64(0)
	return out, n, mapError(db.pool.QueryRow(ctx, sqlEnterpriseCount, args...).Scan(&n))
}

func noEnterprise(id int64) error {
	return zonegis.Errorf(zonegis.ENOTFOUND, "no enterprise with id %d", id)
}

func noProject(id int64) error {
	return zonegis.Errorf(zonegis.ENOTFOUND, "no project with id %d", id)
}

// Enterprise returns enterprise id. Errors: ENOTFOUND.
func (db *DB) Enterprise(ctx context.Context, id int64) (*zonegis.Enterprise, error) {
	e, err := scanEnterprise(db.pool.QueryRow(ctx, sqlEnterpriseByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, noEnterprise(id)
	}
	return e, mapError(err)
}

// CreateEnterprise validates e, inserts it and fills in ID, Version and
// UpdatedAt. Errors: EINVALID, ECONFLICT (the board has that MST).
func (db *DB) CreateEnterprise(ctx context.Context, a zonegis.Actor, e *zonegis.Enterprise) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.writeInvest(ctx, a, "create", zonegis.CollectionEnterprises, 0, func(tx pgx.Tx) (int64, string, error) {
		err := tx.QueryRow(ctx, sqlCreateEnterprise, e.BoardID, e.MST, e.NameVI, e.NameEN, e.Country, e.VSIC,
			e.HighTech, e.SupportingIndustry, e.Contact, e.Source, e.Synthetic).Scan(&e.ID, &e.Version, &e.UpdatedAt)
		return e.ID, e.BoardID, err
	})
}

// UpdateEnterprise locks enterprise id, checks ifVersion (0: any), lets
// change edit it, validates and writes it. Errors: ENOTFOUND,
// EPRECONDITION, EINVALID, ECONFLICT, change's.
func (db *DB) UpdateEnterprise(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Enterprise) error) (*zonegis.Enterprise, error) {
	var e *zonegis.Enterprise
	err := db.writeInvest(ctx, a, "replace", zonegis.CollectionEnterprises, id, func(tx pgx.Tx) (int64, string, error) {
		cur, err := lockEnterprise(ctx, tx, id, ifVersion)
		if err != nil {
			return 0, "", err
		}
		if err := change(cur); err != nil {
			return 0, "", err
		}
		cur.ID = id
		if err := cur.Validate(); err != nil {
			return 0, "", err
		}
		e = cur
		return id, e.BoardID, tx.QueryRow(ctx, sqlUpdateEnterprise, id, e.BoardID, e.MST, e.NameVI, e.NameEN, e.Country, e.VSIC,
			e.HighTech, e.SupportingIndustry, e.Contact, e.Source, e.Synthetic).Scan(&e.Version, &e.UpdatedAt)
	})
	return e, err
}

// DeleteEnterprise locks enterprise id, checks ifVersion and check, and
// deletes it. Errors: ENOTFOUND, EPRECONDITION, ECONFLICT (leases,
// projects or reports refer to it), check's.
func (db *DB) DeleteEnterprise(ctx context.Context, a zonegis.Actor, id, ifVersion int64, check func(*zonegis.Enterprise) error) error {
	return db.writeInvest(ctx, a, "delete", zonegis.CollectionEnterprises, id, func(tx pgx.Tx) (int64, string, error) {
		cur, err := lockEnterprise(ctx, tx, id, ifVersion)
		if err != nil {
			return 0, "", err
		}
		if err := check(cur); err != nil {
			return 0, "", err
		}
		// The row lock keeps new leases, projects and reports from naming
		// it (their foreign keys' checks take a share lock on it).
		var leases, projects, reports int64
		if err := tx.QueryRow(ctx, sqlEnterpriseRefs, id).Scan(&leases, &projects, &reports); err != nil {
			return 0, "", err
		}
		if leases+projects+reports > 0 {
			return 0, "", &zonegis.Error{Code: zonegis.ECONFLICT,
				Message: fmt.Sprintf("the enterprise still has %d leases, %d projects and %d yearly reports referring to it; it cannot be deleted", leases, projects, reports),
				Details: map[string]any{"leases": leases, "projects": projects, "reports": reports}}
		}
		_, err = tx.Exec(ctx, sqlDeleteEnterprise, id)
		return id, cur.BoardID, err
	})
}

func lockEnterprise(ctx context.Context, tx pgx.Tx, id, ifVersion int64) (*zonegis.Enterprise, error) {
	cur, err := scanEnterprise(tx.QueryRow(ctx, sqlLockEnterprise, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, noEnterprise(id)
	}
	if err != nil {
		return nil, err
	}
	if ifVersion != 0 && cur.Version != ifVersion {
		return nil, stale(cur.Version)
	}
	return cur, nil
}

func stale(v int64) error {
	return zonegis.Errorf(zonegis.EPRECONDITION, "the record changed since you read it (now version %d); read it again", v)
}

func scanProject(r pgx.Row) (*zonegis.Project, error) {
	var p zonegis.Project
	return &p, r.Scan(&p.ID, &p.IRCNumber, &p.IRCDate, &p.EnterpriseID, &p.ZoneID, &p.BoardID, &p.NameVI, &p.NameEN,
		&p.Origin, &p.Currency, &p.Capital, &p.Rate, &p.RateDate, &p.CapitalUSD, &p.CapitalVND, &p.Status,
		&p.WorkersPlannedVN, &p.WorkersPlannedForeign, &p.WorkersVN, &p.WorkersForeign, &p.Synthetic, &p.Version, &p.UpdatedAt)
}

// projectMembers fills in the parcels, adjustments and disbursements of ps.
func projectMembers(ctx context.Context, q querier, ps []*zonegis.Project) error {
	if len(ps) == 0 {
		return nil
	}
	byID := make(map[int64]*zonegis.Project, len(ps))
	ids := make([]int64, len(ps))
	for i, p := range ps {
		byID[p.ID], ids[i] = p, p.ID
		p.ParcelIDs, p.Adjustments, p.Disbursements = []int64{}, []zonegis.CapitalAdjustment{}, []zonegis.Disbursement{}
	}
	var pid int64
	err := eachRow(ctx, q, sqlProjectParcels, ids, func(rows pgx.Rows) error {
		var parcel int64
		if err := rows.Scan(&pid, &parcel); err != nil {
			return err
		}
		byID[pid].ParcelIDs = append(byID[pid].ParcelIDs, parcel)
		return nil
	})
	if err == nil {
		err = eachRow(ctx, q, sqlAdjustments, ids, func(rows pgx.Rows) error {
			var a zonegis.CapitalAdjustment
			if err := rows.Scan(&pid, &a.On, &a.IRCNumber, &a.Amount, &a.Rate, &a.RateDate, &a.AmountUSD, &a.AmountVND); err != nil {
				return err
			}
			byID[pid].Adjustments = append(byID[pid].Adjustments, a)
			return nil
		})
	}
	if err == nil {
		err = eachRow(ctx, q, sqlDisbursements, ids, func(rows pgx.Rows) error {
			var d zonegis.Disbursement
			if err := rows.Scan(&pid, &d.Year, &d.Amount, &d.Rate, &d.RateDate, &d.AmountUSD, &d.AmountVND); err != nil {
				return err
			}
			byID[pid].Disbursements = append(byID[pid].Disbursements, d)
			return nil
		})
	}
	return err
}

// eachRow runs query (of the projects' ids) and calls scan on each row.
func eachRow(ctx context.Context, q querier, query string, ids []int64, scan func(pgx.Rows) error) error {
	rows, err := q.Query(ctx, query, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Projects returns the projects f selects, in id order, with their
// members, and how many match f in all.
func (db *DB) Projects(ctx context.Context, f zonegis.InvestmentFilter) ([]*zonegis.Project, int64, error) {
	args := []any{f.AfterID, f.Boards, f.Country, f.VSICSection, f.ZoneID, f.EnterpriseID, f.Origin, f.Status,
		instant(f.UpdatedFrom), instant(f.UpdatedUntil)}
	out, err := collect(ctx, db.pool, sqlProjects, scanProject, append(args, pageLimit(f.Limit))...)
	if err != nil {
		return nil, 0, err
	}
	if err := projectMembers(ctx, db.pool, out); err != nil {
		return nil, 0, mapError(err)
	}
	var n int64
	args[0] = int64(0)
	return out, n, mapError(db.pool.QueryRow(ctx, sqlProjectCount, args...).Scan(&n))
}

// Project returns project id with its members. Errors: ENOTFOUND.
func (db *DB) Project(ctx context.Context, id int64) (*zonegis.Project, error) {
	p, err := scanProject(db.pool.QueryRow(ctx, sqlProjectByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, noProject(id)
	}
	if err != nil {
		return nil, mapError(err)
	}
	return p, mapError(projectMembers(ctx, db.pool, []*zonegis.Project{p}))
}

// CreateProject validates p, finds its zone's board, runs check, inserts
// p with its members and reads it back as written. Errors: EINVALID,
// ECONFLICT (the IRC number is taken), check's.
func (db *DB) CreateProject(ctx context.Context, a zonegis.Actor, p *zonegis.Project, check func(*zonegis.Project) error) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.writeInvest(ctx, a, "create", zonegis.CollectionProjects, 0, func(tx pgx.Tx) (int64, string, error) {
		if err := tx.QueryRow(ctx, sqlZoneBoardOf, p.ZoneID).Scan(&p.BoardID); errors.Is(err, pgx.ErrNoRows) {
			return 0, "", zonegis.Errorf(zonegis.EINVALID, "zone_id: no zone has id %d", p.ZoneID)
		} else if err != nil {
			return 0, "", err
		}
		if err := check(p); err != nil {
			return 0, "", err
		}
		err := tx.QueryRow(ctx, sqlCreateProject, p.IRCNumber, p.IRCDate, p.EnterpriseID, p.ZoneID, p.NameVI, p.NameEN, p.Origin,
			p.Currency, string(p.Capital), string(p.Rate), p.RateDate, p.Status, p.WorkersPlannedVN, p.WorkersPlannedForeign,
			p.WorkersVN, p.WorkersForeign, p.Synthetic).Scan(&p.ID)
		if err != nil {
			return 0, "", err
		}
		if err := writeMembers(ctx, tx, p); err != nil {
			return 0, "", err
		}
		return p.ID, p.BoardID, reread(ctx, tx, p)
	})
}

// UpdateProject locks project id, checks ifVersion, lets change edit it
// (its members too), validates and writes it. Errors: ENOTFOUND,
// EPRECONDITION, EINVALID, ECONFLICT, change's.
func (db *DB) UpdateProject(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Project) error) (*zonegis.Project, error) {
	var p *zonegis.Project
	err := db.writeInvest(ctx, a, "replace", zonegis.CollectionProjects, id, func(tx pgx.Tx) (int64, string, error) {
		cur, err := lockProject(ctx, tx, id, ifVersion)
		if err != nil {
			return 0, "", err
		}
		if err := change(cur); err != nil {
			return 0, "", err
		}
		cur.ID = id
		if err := cur.Validate(); err != nil {
			return 0, "", err
		}
		p = cur
		_, err = tx.Exec(ctx, sqlUpdateProject, id, p.IRCNumber, p.IRCDate, p.EnterpriseID, p.ZoneID, p.NameVI, p.NameEN,
			p.Origin, p.Currency, string(p.Capital), string(p.Rate), p.RateDate, p.Status, p.WorkersPlannedVN,
			p.WorkersPlannedForeign, p.WorkersVN, p.WorkersForeign, p.Synthetic)
		if err != nil {
			return 0, "", err
		}
		if _, err := tx.Exec(ctx, sqlClearProjectMembers, id); err != nil {
			return 0, "", err
		}
		if err := writeMembers(ctx, tx, p); err != nil {
			return 0, "", err
		}
		return id, p.BoardID, reread(ctx, tx, p)
	})
	return p, err
}

// DeleteProject locks project id, checks ifVersion and check, and deletes
// it with its members. Errors: ENOTFOUND, EPRECONDITION, check's.
func (db *DB) DeleteProject(ctx context.Context, a zonegis.Actor, id, ifVersion int64, check func(*zonegis.Project) error) error {
	return db.writeInvest(ctx, a, "delete", zonegis.CollectionProjects, id, func(tx pgx.Tx) (int64, string, error) {
		cur, err := lockProject(ctx, tx, id, ifVersion)
		if err != nil {
			return 0, "", err
		}
		if err := check(cur); err != nil {
			return 0, "", err
		}
		_, err = tx.Exec(ctx, sqlDeleteProject, id)
		return id, cur.BoardID, err
	})
}

func lockProject(ctx context.Context, tx pgx.Tx, id, ifVersion int64) (*zonegis.Project, error) {
	cur, err := scanProject(tx.QueryRow(ctx, sqlLockProject, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, noProject(id)
	}
	if err != nil {
		return nil, err
	}
	if ifVersion != 0 && cur.Version != ifVersion {
		return nil, stale(cur.Version)
	}
	return cur, projectMembers(ctx, tx, []*zonegis.Project{cur})
}

func writeMembers(ctx context.Context, tx pgx.Tx, p *zonegis.Project) error {
	for _, id := range p.ParcelIDs {
		if _, err := tx.Exec(ctx, sqlInsertProjectParcel, p.ID, id); err != nil {
			return err
		}
	}
	for _, a := range p.Adjustments {
		if _, err := tx.Exec(ctx, sqlInsertAdjustment, p.ID, a.On, a.IRCNumber, string(a.Amount), string(a.Rate), a.RateDate); err != nil {
			return err
		}
	}
	for _, d := range p.Disbursements {
		if _, err := tx.Exec(ctx, sqlInsertDisbursement, p.ID, d.Year, string(d.Amount), string(d.Rate), d.RateDate); err != nil {
			return err
		}
	}
	return nil
}

// reread replaces *p with the project as the transaction now holds it
// (its equivalents, version and members as the database computed them).
func reread(ctx context.Context, tx pgx.Tx, p *zonegis.Project) error {
	cur, err := scanProject(tx.QueryRow(ctx, sqlProjectByID, p.ID))
	if err != nil {
		return err
	}
	if err := projectMembers(ctx, tx, []*zonegis.Project{cur}); err != nil {
		return err
	}
	*p = *cur
	return nil
}

// writeInvest runs fn in a transaction after the change-log lock and
// records the audit entry: the row's JSON image before (of record id; 0
// for a create) and after, and the board fn names. Every writer of these
// tables takes that lock first (migrations/0015's statement triggers), so
// the image read after it is the row fn then locks. These tables are not
// in the change log, so there is no seq to wait for.
func (db *DB) writeInvest(ctx context.Context, a zonegis.Actor, action, collection string, id int64, fn func(tx pgx.Tx) (id int64, board string, err error)) error {
	image := sqlEnterpriseRowJSON
	if collection == zonegis.CollectionProjects {
		image = sqlProjectRowJSON
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.Exec(ctx, sqlWriteLock); err != nil {
		return mapError(err)
	}
	row := func(id int64) ([]byte, error) {
		if id == 0 {
			return nil, nil
		}
		var b []byte
		err := tx.QueryRow(ctx, image, id).Scan(&b)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		}
		return b, err
	}
	before, err := row(id)
	if err != nil {
		return mapError(err)
	}
	id, board, err := fn(tx)
	if err != nil {
		return mapError(err)
	}
	after, err := row(id)
	if err != nil {
		return mapError(err)
	}
	var keyID any
	if a.KeyID != 0 {
		keyID = a.KeyID
	}
	if _, err := tx.Exec(ctx, sqlInvestAudit, keyID, a.KeyName, a.Role, action, collection, id,
		nullJSON(before), nullJSON(after), a.RequestID, nullID(a.UserID), a.UserLogin, board); err != nil {
		return mapError(err)
	}
	return mapError(tx.Commit(ctx))
}

// Equivalents returns amount in currency at rate (VND per 1 USD) in USD
// and VND as the database computes them (zg_usd, zg_vnd: the generated
// columns' rule), for checking zonegis.Equivalents against it.
func (db *DB) Equivalents(ctx context.Context, amount zonegis.Decimal, currency string, rate zonegis.Decimal) (usd, vnd zonegis.Decimal, err error) {
	err = db.pool.QueryRow(ctx, sqlEquivalents, string(amount), currency, string(rate)).Scan(&usd, &vnd)
	return usd, vnd, mapError(err)
}

// instant is t as an argument: NULL when zero (an open end).
func instant(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
