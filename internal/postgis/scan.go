package postgis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// multiPolygon decodes a WKB (Multi)Polygon as stored by the schema.
func multiPolygon(b []byte) (orb.MultiPolygon, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode boundary: %w", err)
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("decode boundary: unexpected %s", g.GeoJSONType())
}

func scanZone(row pgx.Row) (*zonegis.Zone, error) {
	var (
		z           zonegis.Zone
		geom        []byte
		established pgtype.Date
		ent, wrk    pgtype.Int4
		attrs       []byte
	)
	err := row.Scan(append([]any{&z.ID, &z.Code, &z.NameVI, &z.NameEN, &z.Kind, &z.ParentID, &z.BoardID,
		&z.Province, &z.Status, &z.Model, &established, &ent, &wrk, &z.Sectors, &z.Source,
		&z.AreaM2, &geom, &z.Version, &z.UpdatedAt, &attrs}, investorTargets(&z.Investor)...)...)
	if err != nil {
		return nil, err
	}
	z.Attributes = attributes(attrs)
	if established.Valid {
		t := established.Time.UTC()
		z.Established = &t
	}
	if ent.Valid {
		z.Enterprises = &ent.Int32
	}
	if wrk.Valid {
		z.Workers = &wrk.Int32
	}
	if z.Sectors == nil {
		z.Sectors = []string{}
	}
	if z.Boundary, err = multiPolygon(geom); err != nil {
		return nil, fmt.Errorf("zone %d: %w", z.ID, err)
	}
	return &z, nil
}

// investorTargets are the scan targets of zoneInvestorRead's columns, in
// its order: zonegis.InvestorFields', then rent_term_ends.
func investorTargets(f *zonegis.InvestorFacts) []any {
	out := make([]any, 0, len(zonegis.InvestorFields)+1)
	for _, fl := range zonegis.InvestorFields {
		if fl.Num != nil {
			out = append(out, fl.Num(f))
		} else {
			out = append(out, fl.Text(f))
		}
	}
	return append(out, &f.RentTermEnds)
}

// investorArgs are the values of zoneInvestorWrite's columns, in its order.
func investorArgs(f *zonegis.InvestorFacts) []any {
	out := make([]any, 0, len(zonegis.InvestorFields)+1)
	for _, fl := range zonegis.InvestorFields {
		if fl.Num != nil {
			out = append(out, *fl.Num(f))
		} else {
			out = append(out, *fl.Text(f))
		}
	}
	return append(out, f.RentTermEnds)
}

func scanParcel(row pgx.Row) (*zonegis.Parcel, error) {
	var p zonegis.Parcel
	if err := scanParcelInto(row, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// scanParcelInto scans row into p, which must be the zero Parcel.
func scanParcelInto(row pgx.Row, p *zonegis.Parcel) error {
	var (
		geom  []byte
		until pgtype.Date
		attrs []byte
	)
	err := row.Scan(&p.ID, &p.ZoneID, &p.LotCode, &p.LandUse, &p.Status, &p.Synthetic, &p.AreaM2,
		&geom, &p.Version, &p.UpdatedAt, &until, &attrs, &p.ValidFrom, &p.RetiredAt)
	if err != nil {
		return err
	}
	p.Attributes = attributes(attrs)
	if until.Valid {
		p.StatusUntil = until.Time.UTC()
	}
	if p.Boundary, err = multiPolygon(geom); err != nil {
		return fmt.Errorf("parcel %d: %w", p.ID, err)
	}
	p.LandUse, p.Status = intern(p.LandUse), intern(p.Status)
	return nil
}

func scanGreenArea(row pgx.Row) (*zonegis.GreenArea, error) {
	var (
		g     zonegis.GreenArea
		geom  []byte
		attrs []byte
	)
	err := row.Scan(&g.ID, &g.ZoneID, &g.Kind, &g.Name, &g.Synthetic, &g.AreaM2,
		&geom, &g.Version, &g.UpdatedAt, &attrs)
	if err != nil {
		return nil, err
	}
	g.Attributes = attributes(attrs)
	if g.Boundary, err = multiPolygon(geom); err != nil {
		return nil, fmt.Errorf("green area %d: %w", g.ID, err)
	}
	g.Kind = intern(g.Kind)
	return &g, nil
}

func scanLease(row pgx.Row) (*zonegis.Lease, error) {
	var (
		l       zonegis.Lease
		endedOn pgtype.Date
	)
	err := row.Scan(&l.ID, &l.ParcelID, &l.EnterpriseID, &l.Lessee, &l.Country, &l.Sector, &l.Start, &l.End, &endedOn,
		&l.CapitalUSD, &l.Workers, &l.Contact, &l.Synthetic, &l.Version, &l.CreatedAt)
	if err != nil {
		return nil, err
	}
	if endedOn.Valid {
		t := endedOn.Time.UTC()
		l.EndedOn = &t
	}
	l.Start, l.End = l.Start.UTC(), l.End.UTC()
	return &l, nil
}

// interned holds the few distinct values of enumerated columns, so that a
// million parcels share a handful of strings instead of holding two copies
// each (less memory, and fewer objects for the garbage collector to scan).
var interned = func() map[string]string {
	m := map[string]string{}
	for _, vs := range [][]string{zonegis.LandUses, zonegis.ParcelStatuses, zonegis.GreenKinds, zonegis.ZoneKinds, zonegis.ZoneStatuses, zonegis.ZoneModels} {
		for _, v := range vs {
			m[v] = v
		}
	}
	return m
}()

func intern(s string) string {
	if v, ok := interned[s]; ok {
		return v
	}
	return s
}

// attributes turns a jsonb attributes column as read (NULL: nil) into a
// record's Attributes: compacted (jsonb prints a space after each ':' and
// ','), exactly sized, nil for none or an empty object.
func attributes(b []byte) zonegis.Attributes {
	if len(b) == 0 {
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(len(b))
	if json.Compact(&buf, b) != nil {
		return zonegis.Attributes(bytes.Clone(b)) // the database gave it; keep it as it is
	}
	if buf.Len() <= 2 { // {}
		return nil
	}
	return zonegis.Attributes(bytes.Clone(buf.Bytes()))
}

// attributesArg is a record's attributes as a query argument: the JSON
// text, or NULL when there are none.
func attributesArg(a zonegis.Attributes) any {
	if len(a) == 0 {
		return nil
	}
	return string(a)
}

// dateArg turns an optional date into a query argument (NULL when nil).
func dateArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return pgtype.Date{Time: *t, Valid: true}
}

// attributesDest scans a jsonb attributes column straight into a record's
// Attributes (as attributes does), for the RETURNING of writes.
type attributesDest zonegis.Attributes

// Scan implements sql.Scanner, which pgx honours.
func (d *attributesDest) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = nil
	case []byte:
		*d = attributesDest(attributes(v))
	case string:
		*d = attributesDest(attributes([]byte(v)))
	default:
		return fmt.Errorf("attributes: cannot scan %T", src)
	}
	return nil
}
