package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func wkbOf(mp orb.MultiPolygon) ([]byte, error) {
	if len(mp) == 0 {
		return nil, zonegis.Errorf(zonegis.EINVALID, "boundary is empty")
	}
	b, err := wkb.Marshal(mp)
	if err != nil {
		return nil, zonegis.Errorf(zonegis.EINVALID, "boundary cannot be encoded: %v", err)
	}
	return b, nil
}

// CreateBoard inserts a management board.
func (db *DB) CreateBoard(ctx context.Context, b *zonegis.Board) error {
	_, err := db.pool.Exec(ctx, sqlInsertBoard, b.ID, b.NameVI, b.NameEN, b.Province, b.Website)
	return mapError(err)
}

// CreateZone inserts z and fills in its ID, AreaM2, Version and UpdatedAt.
// Errors: EINVALID (geometry, values), ECONFLICT (code taken).
func (db *DB) CreateZone(ctx context.Context, z *zonegis.Zone) error {
	return mapError(pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error { return createZone(ctx, tx, z) }))
}

func createZone(ctx context.Context, tx pgx.Tx, z *zonegis.Zone) error {
	g, err := wkbOf(z.Boundary)
	if err != nil {
		return err
	}
	sectors := z.Sectors
	if sectors == nil {
		sectors = []string{}
	}
	return tx.QueryRow(ctx, sqlInsertZone, z.Code, z.NameVI, z.NameEN, z.Kind, z.ParentID, z.BoardID,
		z.Province, z.Status, z.Model, dateArg(z.Established), z.Enterprises, z.Workers, sectors, z.Source, g,
	).Scan(&z.ID, &z.AreaM2, &z.Version, &z.UpdatedAt)
}

// CreateParcel inserts p and fills in its ID, AreaM2, Version and UpdatedAt.
// Errors: EINVALID (geometry, outside the zone, values), ECONFLICT (overlap
// with the conflicting ids in Details, lot code taken).
func (db *DB) CreateParcel(ctx context.Context, p *zonegis.Parcel) error {
	g, err := wkbOf(p.Boundary)
	if err != nil {
		return err
	}
	err = db.pool.QueryRow(ctx, sqlInsertParcel, p.ZoneID, p.LotCode, p.LandUse, p.Status, p.Synthetic, g).
		Scan(&p.ID, &p.AreaM2, &p.Version, &p.UpdatedAt)
	return mapError(err)
}

// CreateGreenArea inserts g and fills in its ID, AreaM2, Version and UpdatedAt.
// Errors: EINVALID (geometry, outside the zone, values).
func (db *DB) CreateGreenArea(ctx context.Context, ga *zonegis.GreenArea) error {
	g, err := wkbOf(ga.Boundary)
	if err != nil {
		return err
	}
	err = db.pool.QueryRow(ctx, sqlInsertGreenArea, ga.ZoneID, ga.Kind, ga.Name, ga.Synthetic, g).
		Scan(&ga.ID, &ga.AreaM2, &ga.Version, &ga.UpdatedAt)
	return mapError(err)
}

// CreateLease inserts l and fills in its ID, Version and CreatedAt.
// Errors: EINVALID (values, unknown parcel), ECONFLICT (a lease already in
// force on the parcel in that period).
func (db *DB) CreateLease(ctx context.Context, l *zonegis.Lease) error {
	err := db.pool.QueryRow(ctx, sqlInsertLease, l.ParcelID, l.Lessee, l.Country, l.Sector,
		dateArg(&l.Start), dateArg(&l.End), dateArg(l.EndedOn), l.CapitalUSD, l.Workers, l.Contact, l.Synthetic,
	).Scan(&l.ID, &l.Version, &l.CreatedAt)
	return mapError(err)
}
