package registry

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// FeatureStore writes zones, parcels and green areas. Each write returns
// the change-log seq it was recorded at. An UpdateX reads record id under
// its row lock, checks its version against ifVersion (unless 0), calls
// change on it as it is now and writes the result; it returns the record
// as written.
type FeatureStore interface {
	// CreateZone inserts z, filling in its ID and Version. Errors:
	// EINVALID, ECONFLICT (code taken).
	CreateZone(ctx context.Context, a zonegis.Actor, z *zonegis.Zone) (int64, error)
	// UpdateZone changes zone id. Errors: ENOTFOUND, EPRECONDITION,
	// EINVALID (a zone may not shrink off its parcels), change's.
	UpdateZone(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Zone) error) (*zonegis.Zone, int64, error)
	// CreateParcel inserts p, filling in its ID and Version. Errors:
	// EINVALID (outside its zone, overlapping), ECONFLICT.
	CreateParcel(ctx context.Context, a zonegis.Actor, p *zonegis.Parcel) (int64, error)
	// UpdateParcel changes parcel id. Errors: ENOTFOUND, EPRECONDITION,
	// EINVALID, change's.
	UpdateParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Parcel) error) (*zonegis.Parcel, int64, error)
	// CreateGreenArea inserts g, filling in its ID and Version. Errors:
	// EINVALID (outside its zone).
	CreateGreenArea(ctx context.Context, a zonegis.Actor, g *zonegis.GreenArea) (int64, error)
	// UpdateGreenArea changes green area id. Errors: ENOTFOUND,
	// EPRECONDITION, EINVALID, change's.
	UpdateGreenArea(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.GreenArea) error) (*zonegis.GreenArea, int64, error)
	// Delete removes record id of collection. Errors: ENOTFOUND,
	// EPRECONDITION, ECONFLICT (a parcel with leases is history).
	Delete(ctx context.Context, a zonegis.Actor, collection string, id, ifVersion int64) (int64, error)
}

var _ FeatureStore = (*postgis.DB)(nil)

// Features writes the land records (zones, parcels, green areas) from
// posted GeoJSON Features: it decodes them strictly (featurejson), checks
// what a body may say (its id, which properties a PATCH may null, the
// parcel status rule) and has the store apply the change to the record as
// it is under the row lock.
type Features struct {
	Store FeatureStore
	// Boards finds the board of each record a write touches (IndexBoards);
	// without it only callers who may write every board may write.
	Boards BoardFinder
	// Invest keeps the enterprises and projects (invest.go); nil serves
	// none.
	Invest zonegis.InvestmentStore
}

// Written is a record as a write left it.
type Written struct {
	Seq     int64 // the change-log seq of the write
	ID      int64 // the record's id
	Version int64 // the record's version after the write
	Record  any   // *zonegis.Zone, *zonegis.Parcel or *zonegis.GreenArea
	encode  func([]byte) []byte
}

// AppendGeoJSON appends the record as a GeoJSON Feature to dst.
func (w Written) AppendGeoJSON(dst []byte) []byte { return w.encode(dst) }

// Create creates a record of collection from body, a GeoJSON Feature
// (geometry required). Errors: ENOTFOUND (ErrNoSuchCollection), EINVALID
// naming the field, then the store's.
func (f Features) Create(ctx context.Context, a zonegis.Actor, collection string, body []byte) (Written, error) {
	return f.Update(ctx, a, collection, 0, 0, body, false)
}

// Update replaces (patch false) or patches record id of collection from
// body, a GeoJSON Feature, applied to the record as it is now inside the
// store's transaction: a patch merges the given properties (null clears a
// nullable one) and geometry (optional) into it, a replace overwrites it.
// The body's id, if any, must be id. Without ifVersion (0) the last writer
// wins; with it, a stale version is refused. Id 0 creates (as Create).
// Errors: ENOTFOUND (ErrNoSuchCollection, no such record), EINVALID naming
// the field, EPRECONDITION, then the store's.
func (f Features) Update(ctx context.Context, a zonegis.Actor, collection string, id, ifVersion int64, body []byte, patch bool) (Written, error) {
	if collection == zonegis.CollectionEnterpriseReports { // reports.go
		return f.reportWrite(ctx, a, id, ifVersion, body, patch)
	}
	if isInvestment(collection) {
		return f.investWrite(ctx, a, collection, id, ifVersion, body, patch)
	}
	k := kindOf(collection)
	if k == nil {
		return Written{}, ErrNoSuchCollection
	}
	doc, geom, err := featurejson.DecodeFeature(body, patch)
	if err != nil {
		return Written{}, err
	}
	if err := checkBodyID(doc.ID, id); err != nil {
		return Written{}, err
	}
	var nulls map[string]json.RawMessage
	if patch && len(doc.Properties) > 0 && string(doc.Properties) != "null" {
		if err := json.Unmarshal(doc.Properties, &nulls); err != nil {
			return Written{}, invalid("properties: want a JSON object")
		}
	}
	props := doc.Properties
	if len(props) == 0 || string(props) == "null" {
		props = []byte("{}")
	}
	return k.write(ctx, f.Store, f.Boards, a, change{id: id, ifVersion: ifVersion, props: props, geom: geom, patch: patch, nulls: nulls})
}

// Delete deletes record id of collection, whose version must be ifVersion
// unless that is 0, and returns the change-log seq. Errors: ENOTFOUND,
// EPRECONDITION, ECONFLICT.
func (f Features) Delete(ctx context.Context, a zonegis.Actor, collection string, id, ifVersion int64) (int64, error) {
	if collection == zonegis.CollectionEnterpriseReports { // reports.go
		return f.reportDelete(ctx, a, id, ifVersion)
	}
	if isInvestment(collection) {
		return f.investDelete(ctx, a, collection, id, ifVersion)
	}
	if kindOf(collection) == nil {
		return 0, ErrNoSuchCollection
	}
	if err := authorizeRecords(ctx, f.Boards, a, WriteRecords, collection, id); err != nil {
		return 0, err
	}
	return f.Store.Delete(ctx, a, collection, id, ifVersion)
}

// checkBodyID refuses a body whose "id" names another feature than the
// URL's id (0: a create, where the body's id is ignored).
func checkBodyID(raw json.RawMessage, id int64) error {
	if id == 0 || len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var n json.Number
	var str string
	got := ""
	if err := json.Unmarshal(raw, &n); err == nil {
		got = n.String()
	} else if err := json.Unmarshal(raw, &str); err == nil {
		got = str
	} else {
		return invalid("id: want the feature's id, a number or a string, got %s", raw)
	}
	if got != strconv.FormatInt(id, 10) {
		return invalid("id: the body is feature %s but the URL names feature %d; they must agree (or leave id out)", got, id)
	}
	return nil
}

// change is one write as the body asks it.
type change struct {
	id, ifVersion int64 // id 0: a create
	props         []byte
	geom          orb.MultiPolygon // nil: keep the record's (a patch)
	patch         bool
	nulls         map[string]json.RawMessage // a patch's properties, to find its nulls
}

func (c change) isNull(k string) bool { v, ok := c.nulls[k]; return ok && string(v) == "null" }

// patchAttributes merges a PATCH's attributes (*raw) into the record's
// (*dst) as JSON Merge Patch (featurejson.MergeAttributes: a null value
// deletes its attribute, "attributes": null deletes them all) and takes
// them out of the body, so that the Apply that follows keeps the merge.
// A create or replace leaves them to Apply, which replaces.
func patchAttributes(dst *zonegis.Attributes, raw *json.RawMessage, c change) error {
	if !c.patch || *raw == nil {
		return nil
	}
	merged, err := featurejson.MergeAttributes(*dst, *raw)
	if err != nil {
		return err
	}
	*dst, *raw = merged, nil
	return nil
}

// writer is one collection's write path (a *kind).
type writer interface {
	write(ctx context.Context, st FeatureStore, bf BoardFinder, a zonegis.Actor, c change) (Written, error)
}

// kind is what differs between the collections' writes, T the record and
// P the properties a body may give; the path through them is one (write).
type kind[T, P any] struct {
	// required may not be nulled in a PATCH.
	required []string
	// nullable clears each optional property a PATCH may null.
	nullable map[string]func(*T)
	// blank is a new record before the body applies to it.
	blank func() *T
	// apply applies the body's properties p and geometry to t, the
	// record as it is now (under the row lock; blank for a create), and
	// validates the result.
	apply func(t *T, p P, c change) error
	// create and update are the store's.
	create func(context.Context, FeatureStore, zonegis.Actor, *T) (int64, error)
	update func(context.Context, FeatureStore, zonegis.Actor, int64, int64, func(*T) error) (*T, int64, error)
	// written says what the store left.
	written func(*T) Written
	// board is the board the record is on (a parcel's zone's).
	board func(context.Context, BoardFinder, *T) (string, error)
}

// kindOf is collection's write path; nil when it is not a land record's.
func kindOf(collection string) writer {
	switch collection {
	case zonegis.CollectionZones:
		return zones
	case zonegis.CollectionParcels:
		return parcels
	case zonegis.CollectionGreenAreas:
		return greenAreas
	}
	return nil
}

func (k *kind[T, P]) write(ctx context.Context, st FeatureStore, bf BoardFinder, a zonegis.Actor, c change) (Written, error) {
	for _, name := range k.required {
		if c.isNull(name) {
			return Written{}, invalid("properties: %s cannot be null; it is required", name)
		}
	}
	var p P
	if err := featurejson.DecodeStrict(c.props, &p, "properties"); err != nil {
		return Written{}, err
	}
	// The caller must hold WriteRecords on the record's board as it is
	// now (under the row lock) and as the body leaves it: moving a parcel
	// to another board's zone, or a zone to another board, needs both.
	caller := callerOf(a)
	everywhere := MayEverywhere(caller, WriteRecords)
	may := func(t *T) error {
		if everywhere {
			return nil
		}
		b, err := boardOf(ctx, bf, k.board, t)
		if zonegis.ErrorCode(err) == zonegis.ENOTFOUND {
			return nil // no such zone: the write refuses it, naming zone_id
		} else if err != nil {
			return err
		}
		return Authorize(caller, WriteRecords, b)
	}
	edit := func(t *T) error {
		if c.id != 0 {
			if err := may(t); err != nil {
				return err
			}
		}
		for name, clear := range k.nullable {
			if c.isNull(name) {
				clear(t)
			}
		}
		if err := k.apply(t, p, c); err != nil {
			return err
		}
		return may(t)
	}
	var (
		t   *T
		seq int64
		err error
	)
	if c.id == 0 {
		t = k.blank()
		if err := edit(t); err != nil {
			return Written{}, err
		}
		seq, err = k.create(ctx, st, a, t)
	} else {
		t, seq, err = k.update(ctx, st, a, c.id, c.ifVersion, edit)
	}
	if err != nil {
		return Written{}, err
	}
	w := k.written(t)
	w.Seq, w.Record = seq, t
	return w, nil
}

var zones = &kind[zonegis.Zone, featurejson.ZoneProps]{
	required: []string{"code", "name_vi", "name_en", "kind", "board_id", "province", "status", "model", "sectors", "source"},
	nullable: withInvestorNulls(map[string]func(*zonegis.Zone){
		"parent_id":   func(z *zonegis.Zone) { z.ParentID = nil },
		"established": func(z *zonegis.Zone) { z.Established = nil },
		"enterprises": func(z *zonegis.Zone) { z.Enterprises = nil },
		"workers":     func(z *zonegis.Zone) { z.Workers = nil },
	}),
	blank: func() *zonegis.Zone { return &zonegis.Zone{} },
	apply: func(z *zonegis.Zone, p featurejson.ZoneProps, c change) error {
		if !c.patch {
			*z = zonegis.Zone{}
		}
		z.ID = c.id
		if c.geom != nil {
			z.Boundary = c.geom
		}
		if err := patchAttributes(&z.Attributes, &p.Attributes, c); err != nil {
			return err
		}
		return featurejson.ApplyZone(z, p)
	},
	create: func(ctx context.Context, st FeatureStore, a zonegis.Actor, z *zonegis.Zone) (int64, error) {
		return st.CreateZone(ctx, a, z)
	},
	update: func(ctx context.Context, st FeatureStore, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Zone) error) (*zonegis.Zone, int64, error) {
		return st.UpdateZone(ctx, a, id, ifVersion, change)
	},
	written: func(z *zonegis.Zone) Written {
		return Written{ID: z.ID, Version: z.Version, encode: func(b []byte) []byte { return encode.Zone(b, z) }}
	},
	board: func(_ context.Context, _ BoardFinder, z *zonegis.Zone) (string, error) { return z.BoardID, nil },
}

// withInvestorNulls adds the investor facts to a zone's nullable
// properties: each is unknown until the board says, and null makes it so.
func withInvestorNulls(m map[string]func(*zonegis.Zone)) map[string]func(*zonegis.Zone) {
	for _, fl := range zonegis.InvestorFields {
		m[fl.Name] = func(z *zonegis.Zone) { fl.Clear(&z.Investor) }
	}
	m[zonegis.InvestorTermEnds] = func(z *zonegis.Zone) { z.Investor.RentTermEnds = nil }
	return m
}

var parcels = &kind[zonegis.Parcel, featurejson.ParcelProps]{
	required: []string{"zone_id", "lot_code", "land_use", "status", "synthetic"},
	blank:    func() *zonegis.Parcel { return &zonegis.Parcel{Status: zonegis.ParcelAvailable} },
	apply: func(pc *zonegis.Parcel, p featurejson.ParcelProps, c change) error {
		// pc.Status is the status the leases make now (a new parcel's:
		// available); an edit may repeat it but never sets it.
		current := pc.Status
		if err := CheckParcelStatus(p.Status, c.id == 0, current); err != nil {
			return err
		}
		if !c.patch {
			*pc = zonegis.Parcel{}
		}
		if c.geom != nil {
			pc.Boundary = c.geom
		}
		if err := patchAttributes(&pc.Attributes, &p.Attributes, c); err != nil {
			return err
		}
		if err := featurejson.ApplyParcel(pc, p); err != nil {
			return err
		}
		pc.Status = current
		return nil
	},
	create: func(ctx context.Context, st FeatureStore, a zonegis.Actor, pc *zonegis.Parcel) (int64, error) {
		return st.CreateParcel(ctx, a, pc)
	},
	update: func(ctx context.Context, st FeatureStore, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Parcel) error) (*zonegis.Parcel, int64, error) {
		return st.UpdateParcel(ctx, a, id, ifVersion, change)
	},
	written: func(pc *zonegis.Parcel) Written {
		return Written{ID: pc.ID, Version: pc.Version, encode: func(b []byte) []byte { return encode.Parcel(b, pc) }}
	},
	board: func(ctx context.Context, bf BoardFinder, pc *zonegis.Parcel) (string, error) {
		return bf.ZoneBoard(ctx, pc.ZoneID)
	},
}

var greenAreas = &kind[zonegis.GreenArea, featurejson.GreenProps]{
	required: []string{"zone_id", "kind", "name", "synthetic"},
	blank:    func() *zonegis.GreenArea { return &zonegis.GreenArea{} },
	apply: func(g *zonegis.GreenArea, p featurejson.GreenProps, c change) error {
		if !c.patch {
			*g = zonegis.GreenArea{}
		}
		if c.geom != nil {
			g.Boundary = c.geom
		}
		if err := patchAttributes(&g.Attributes, &p.Attributes, c); err != nil {
			return err
		}
		return featurejson.ApplyGreen(g, p)
	},
	create: func(ctx context.Context, st FeatureStore, a zonegis.Actor, g *zonegis.GreenArea) (int64, error) {
		return st.CreateGreenArea(ctx, a, g)
	},
	update: func(ctx context.Context, st FeatureStore, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.GreenArea) error) (*zonegis.GreenArea, int64, error) {
		return st.UpdateGreenArea(ctx, a, id, ifVersion, change)
	},
	written: func(g *zonegis.GreenArea) Written {
		return Written{ID: g.ID, Version: g.Version, encode: func(b []byte) []byte { return encode.GreenArea(b, g) }}
	},
	board: func(ctx context.Context, bf BoardFinder, g *zonegis.GreenArea) (string, error) {
		return bf.ZoneBoard(ctx, g.ZoneID)
	},
}
