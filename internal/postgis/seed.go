package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// SeedData is what Seed loads into an empty registry (package seed reads
// it from geodata/).
type SeedData struct {
	Boards []*zonegis.Board
	// Zones are inserted in this order (their ids follow it); their
	// BoardID must name one of Boards or be "".
	Zones []*zonegis.Zone
	// Derived are zones without a mapped boundary, inserted after Zones.
	Derived []DerivedZone
	// SyntheticIn limits the synthetic parcels, green areas and leases to
	// the zones with these codes; nil means every zone but economic zones.
	SyntheticIn []string
}

// DerivedZone is a zone whose boundary is derived: the convex hull of its
// member zones plus BufferM metres (geodesic). It becomes their parent.
// Zone's boundary, parent, establishment date, figures and sectors are
// not used.
type DerivedZone struct {
	Zone    *zonegis.Zone
	Members []string // zone codes
	BufferM float64
}

// SeedCounts counts the registry after a seed.
type SeedCounts struct {
	Skipped                                    bool // the registry already had zones: nothing was written
	Boards, Zones, Parcels, GreenAreas, Leases int
	// The synthetic investment records: one enterprise per lessee, one
	// project per lease, yearly reports (seed_invest.sql).
	Enterprises, Projects, Reports int
}

// Seed loads d into the database if it has no zones yet, and generates the
// deterministic synthetic parcels, green areas and leases (seed.sql), and
// the enterprises, projects and reports of those leases (seed_invest.sql). It
// runs in one transaction: a failure or a crash leaves nothing partial,
// and two instances seeding at once seed once.
func (db *DB) Seed(ctx context.Context, d SeedData) (SeedCounts, error) {
	var r SeedCounts
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlSeedLock); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, sqlZoneCount).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			r.Skipped = true
			return nil
		}
		for _, b := range d.Boards {
			if _, err := tx.Exec(ctx, sqlInsertBoard, b.ID, b.NameVI, b.NameEN, b.Province, b.Website); err != nil {
				return fmt.Errorf("board %s: %w", b.ID, err)
			}
		}
		for _, z := range d.Zones {
			g, err := wkb.Marshal(z.Boundary)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, sqlSeedZone, z.Code, z.NameVI, z.NameEN, z.Kind, z.BoardID, z.Province, z.Status, z.Model,
				dateArg(z.Established), z.Enterprises, z.Workers, z.Sectors, z.Source, g); err != nil {
				return fmt.Errorf("zone %s: %w", z.Code, err)
			}
		}
		for _, dz := range d.Derived {
			z := dz.Zone
			if _, err := tx.Exec(ctx, sqlSeedDerivedZone, z.Code, z.NameVI, z.NameEN, z.Kind, z.BoardID, z.Province, z.Status, z.Model,
				z.Source, dz.BufferM, dz.Members); err != nil {
				return fmt.Errorf("derived zone %s: %w", z.Code, err)
			}
			if _, err := tx.Exec(ctx, sqlSeedParent, z.Code, dz.Members); err != nil {
				return fmt.Errorf("derived zone %s: %w", z.Code, err)
			}
		}
		if _, err := tx.Exec(ctx, sqlSeedCodes, strings.Join(d.SyntheticIn, ",")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlSeedGenerate); err != nil {
			return fmt.Errorf("generate synthetic parcels: %w", err)
		}
		if _, err := tx.Exec(ctx, sqlSeedInvest); err != nil {
			return fmt.Errorf("generate synthetic enterprises and projects: %w", err)
		}
		return tx.QueryRow(ctx, sqlSeedCounts).Scan(&r.Boards, &r.Zones, &r.Parcels, &r.GreenAreas, &r.Leases,
			&r.Enterprises, &r.Projects, &r.Reports)
	})
	return r, err
}
