// Package httpapitest is an in-memory fake of httpapi.Store, for handler
// tests that need no PostGIS. It holds records in maps and keeps an
// index.Index in step with them, applying an index.Batch after each write
// as the follower does after each change-log batch; so a write is visible
// to the next read at once.
//
// What it checks is what the store's documentation promises: ids that do
// not exist (ENOTFOUND), If-Match versions (EPRECONDITION, with
// current_version in the details), codes and lot codes taken, leases
// that overlap, holds on parcels that are not available (ECONFLICT),
// records still referred to (EINVALID). What the database alone knows
// is not imitated: geometry rules (validity, inside the zone, overlaps),
// areas are measure.AreaM2's (geodesic, m²), leases of ancestors
// (lineage) do not exist, a parcel's StatusUntil stays zero, splits and
// merges are straight cuts and polygons side by side (lineage.go), the
// statistics sum where PostGIS takes unions (stats.go), and CRS
// transforms answer EUNAVAILABLE, as the real store does when the
// database is down. Tests of the geometry use PostGIS.
package httpapitest

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Store is the fake. The zero value is not usable; call New.
type Store struct {
	// PingErr is what Ping returns (nil: the store answers).
	PingErr error

	mu    sync.Mutex
	ix    *index.Index
	today time.Time
	st    state
	keys  map[string]*fakeKey // by the key itself
	nkeys int
	inv   investState // enterprises and projects (invest.go)
}

// state is what a write changes; records in it are never modified in
// place (the index holds the same pointers), only replaced.
type state struct {
	seq     int64
	nextID  int64
	boards  map[string]*zonegis.Board
	zones   map[int64]*zonegis.Zone
	parcels map[int64]*zonegis.Parcel
	held    map[int64]bool
	greens  map[int64]*zonegis.GreenArea
	leases  map[int64]*zonegis.Lease
	audit   []*zonegis.AuditEntry
	links   []link // splits and merges, in order
}

func (st state) clone() state {
	st.boards, st.zones, st.parcels = maps.Clone(st.boards), maps.Clone(st.zones), maps.Clone(st.parcels)
	st.held, st.greens, st.leases = maps.Clone(st.held), maps.Clone(st.greens), maps.Clone(st.leases)
	st.audit, st.links = slices.Clone(st.audit), slices.Clone(st.links)
	return st
}

// New returns an empty store that keeps ix in step from here on; today
// is the day (the database's zg_today()) that decides which leases are in
// force, and becomes the index's day. What ix already holds is left as it
// is: tests of reads may load it themselves, but the store knows nothing
// of those records, so they are not to be written through it. Ids the
// store gives start above 1000000.
func New(ix *index.Index, today time.Time) *Store {
	seq := ix.Snapshot().Seq()
	s := &Store{ix: ix, today: today, keys: map[string]*fakeKey{}, st: state{seq: seq, nextID: 1000000,
		boards: map[string]*zonegis.Board{}, zones: map[int64]*zonegis.Zone{}, parcels: map[int64]*zonegis.Parcel{},
		held: map[int64]bool{}, greens: map[int64]*zonegis.GreenArea{}, leases: map[int64]*zonegis.Lease{}}}
	ix.Apply(index.Batch{Seq: seq, Today: today})
	return s
}

// fakeKey is a key and the caller it is: a system admin, a planner on
// every board (everyBoard), or the principal given to AddUserKey.
type fakeKey struct {
	zonegis.Key
	p          zonegis.Principal
	everyBoard string // a board role granted on every board there is when the key is used
}

// AddKey makes an API key for role and returns it in clear, in the
// real store's format (zg_<8>_<32>), as postgis.CreateKey does: an admin
// key acts as a system admin, a planner key as a planner on every board.
func (s *Store) AddKey(name, role string) string {
	p := zonegis.Principal{Login: "key-" + name, DisplayName: name}
	every := ""
	switch role {
	case zonegis.RoleAdmin:
		p.SystemRole = zonegis.SystemAdmin
	case zonegis.RolePlanner:
		every = zonegis.BoardPlanner
	}
	return s.addKey(name, p, every)
}

// AddUserKey makes an API key that acts as p (its UserID, when 0, is
// made up) and returns it in clear.
func (s *Store) AddUserKey(name string, p zonegis.Principal) string { return s.addKey(name, p, "") }

func (s *Store) addKey(name string, p zonegis.Principal, every string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nkeys++
	prefix := fmt.Sprintf("k%07d", s.nkeys)
	key := "zg_" + prefix + "_" + fmt.Sprintf("%032d", s.nkeys)
	if p.UserID == 0 {
		p.UserID = int64(s.nkeys)
	}
	p.Via, p.KeyID, p.KeyName = zonegis.ViaKey, int64(s.nkeys), name
	s.keys[key] = &fakeKey{Key: zonegis.Key{ID: int64(s.nkeys), Prefix: prefix, Name: name, UserID: p.UserID,
		UserLogin: p.Login, CreatedAt: s.today}, p: p, everyBoard: every}
	return key
}

// RevokeKey revokes key (as given by AddKey).
func (s *Store) RevokeKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := s.keys[key]; k != nil {
		r := *k
		at := s.today
		r.RevokedAt = &at
		s.keys[key] = &r
	}
}

// AddBoard records a management board.
func (s *Store) AddBoard(b zonegis.Board) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.boards[b.ID] = &b
}

// Authenticate implements zonegis.KeyService.
func (s *Store) Authenticate(_ context.Context, key string) (zonegis.Principal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[key]
	if k == nil {
		return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAUTHORIZED, "invalid API key")
	}
	if k.RevokedAt != nil {
		return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAUTHORIZED, "API key %s was revoked", k.Prefix)
	}
	p := k.p
	p.Grants = map[string]string{}
	for b, r := range k.p.Grants {
		p.Grants[b] = r
	}
	if k.everyBoard != "" {
		for b := range s.st.boards {
			p.Grants[b] = k.everyBoard
		}
	}
	return p, nil
}

// Audit implements zonegis.AuditLog.
func (s *Store) Audit(_ context.Context, f zonegis.AuditFilter) ([]*zonegis.AuditEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var out []*zonegis.AuditEntry
	for _, e := range slices.Backward(s.st.audit) {
		if len(out) == f.Limit {
			break
		}
		// The fake records no board: a filter by board keeps nothing.
		if (f.Collection == "" || e.Collection == f.Collection) && (f.ItemID == 0 || e.ItemID != nil && *e.ItemID == f.ItemID) &&
			(f.BeforeID == 0 || e.ID < f.BeforeID) && f.Boards == nil &&
			(f.UserLogin == "" || strings.EqualFold(e.UserLogin, f.UserLogin)) &&
			(f.From == nil || !e.At.Before(*f.From)) && (f.To == nil || e.At.Before(*f.To)) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Boards implements zonegis.Boards.
func (s *Store) Boards(context.Context) ([]*zonegis.Board, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.SortedFunc(maps.Values(s.st.boards), func(a, b *zonegis.Board) int { return cmpString(a.ID, b.ID) }), nil
}

// Board implements zonegis.Boards.
func (s *Store) Board(_ context.Context, id string) (*zonegis.Board, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.st.boards[id]
	if b == nil {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no management board with id %q", id)
	}
	c := *b
	return &c, nil
}

// CreateBoard implements zonegis.BoardService.
func (s *Store) CreateBoard(_ context.Context, a zonegis.Actor, b *zonegis.Board) error {
	if err := b.Validate(); err != nil {
		return err
	}
	_, err := s.write(a, "create", zonegis.CollectionBoards, func(st *state, _ *index.Batch) (int64, error) {
		if st.boards[b.ID] != nil {
			return 0, zonegis.Errorf(zonegis.ECONFLICT, "id %q already exists: another board has it", b.ID)
		}
		b.Version, b.UpdatedAt = 1, s.today
		c := *b
		st.boards[b.ID] = &c
		return 0, nil
	})
	return err
}

// UpdateBoard implements zonegis.BoardService.
func (s *Store) UpdateBoard(_ context.Context, a zonegis.Actor, id string, ifVersion int64, change func(*zonegis.Board) error) (*zonegis.Board, error) {
	var out *zonegis.Board
	_, err := s.write(a, "replace", zonegis.CollectionBoards, func(st *state, _ *index.Batch) (int64, error) {
		cur := st.boards[id]
		if cur == nil {
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no management board with id %q", id)
		}
		if err := checkVersion(ifVersion, cur.Version); err != nil {
			return 0, err
		}
		b := *cur
		if err := change(&b); err != nil {
			return 0, err
		}
		b.ID = id
		if err := b.Validate(); err != nil {
			return 0, err
		}
		b.Version++
		st.boards[id] = &b
		c := b
		out = &c
		return 0, nil
	})
	return out, err
}

// DeleteBoard implements zonegis.BoardService.
func (s *Store) DeleteBoard(_ context.Context, a zonegis.Actor, id string, ifVersion int64) error {
	_, err := s.write(a, "delete", zonegis.CollectionBoards, func(st *state, _ *index.Batch) (int64, error) {
		cur := st.boards[id]
		if cur == nil {
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no management board with id %q", id)
		}
		if err := checkVersion(ifVersion, cur.Version); err != nil {
			return 0, err
		}
		n := 0
		for _, z := range st.zones {
			if z.BoardID == id {
				n++
			}
		}
		if n > 0 {
			return 0, &zonegis.Error{Code: zonegis.ECONFLICT, Message: fmt.Sprintf("board %q keeps %d zone(s)", id, n),
				Details: map[string]any{"zones": n}}
		}
		delete(st.boards, id)
		return 0, nil
	})
	return err
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Ping implements zonegis.Pinger.
func (s *Store) Ping(context.Context) error { return s.PingErr }

// LeaseHistory implements zonegis.LeaseHistory (no ancestors: the fake
// neither splits nor merges).
func (s *Store) LeaseHistory(_ context.Context, id int64) ([]*zonegis.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.leasesOf(id), nil
}

// ParcelAsOf implements zonegis.LeaseHistory.
func (s *Store) ParcelAsOf(_ context.Context, id int64, date time.Time) (*zonegis.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.parcels[id] == nil {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	}
	for _, l := range s.st.leasesOf(id) {
		if inForce(l, date) {
			return l, nil
		}
	}
	return nil, nil
}

func (st *state) leasesOf(parcel int64) []*zonegis.Lease {
	var out []*zonegis.Lease
	for _, l := range st.leases {
		if l.ParcelID == parcel {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b *zonegis.Lease) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out
}

// end is the day a lease stops being in force (exclusive).
func end(l *zonegis.Lease) time.Time {
	if l.EndedOn != nil {
		return *l.EndedOn
	}
	return l.End
}

func inForce(l *zonegis.Lease, on time.Time) bool { return !on.Before(l.Start) && on.Before(end(l)) }

// status derives parcel id's status as parcels_now does: leased while a
// lease is in force today, reserved while one is yet to start or the
// parcel is held, available otherwise.
func (s *Store) status(id int64) string { return s.statusOn(id, s.today) }

// statusOn is parcel id's status on day on (the hold as it is now).
func (s *Store) statusOn(id int64, on time.Time) string {
	st := zonegis.ParcelAvailable
	for _, l := range s.st.leasesOf(id) {
		switch {
		case inForce(l, on):
			return zonegis.ParcelLeased
		case l.Start.After(on):
			st = zonegis.ParcelReserved
		}
	}
	if s.st.held[id] {
		st = zonegis.ParcelReserved
	}
	return st
}

// write runs fn on a copy of the state as one transaction: on error
// nothing changes; on success the state is replaced, the seq advances,
// an audit entry is recorded and the index is given what fn changed.
func (s *Store) write(a zonegis.Actor, action, collection string, fn func(st *state, b *index.Batch) (id int64, err error)) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st.clone()
	var b index.Batch
	id, err := fn(&st, &b)
	if err != nil {
		return 0, err
	}
	st.seq++
	item := id
	after, _ := json.Marshal(map[string]any{"id": id})
	keyID := &a.KeyID
	if a.KeyID == 0 {
		keyID = nil
	}
	st.audit = append(st.audit, &zonegis.AuditEntry{ID: int64(len(st.audit) + 1), At: s.today, KeyID: keyID, KeyName: a.KeyName,
		Role: a.Role, Action: action, Collection: collection, ItemID: &item, After: after, RequestID: a.RequestID,
		UserLogin: a.UserLogin})
	s.st = st
	// Parcels whose status a lease or hold changed go to the index anew.
	for i, p := range b.Parcels {
		if c := s.status(p.ID); c != p.Status {
			q := *p
			q.Status = c
			b.Parcels[i] = &q
			st.parcels[p.ID] = &q
		}
	}
	b.Seq, b.Today = st.seq, s.today
	s.ix.Apply(b)
	return st.seq, nil
}

func (st *state) newID() int64 { st.nextID++; return st.nextID }

func notFound(collection string, id int64) error {
	return zonegis.Errorf(zonegis.ENOTFOUND, "no %s feature with id %d", collection, id)
}

func checkVersion(ifVersion, version int64) error {
	if ifVersion != 0 && ifVersion != version {
		return &zonegis.Error{Code: zonegis.EPRECONDITION,
			Message: fmt.Sprintf("the feature has changed since you read it (your version %d, current %d); read it again", ifVersion, version),
			Details: map[string]any{"current_version": version}}
	}
	return nil
}

func area(mp orb.MultiPolygon) float64 { return measure.AreaM2(mp) }

func (st *state) checkZone(z *zonegis.Zone) error {
	for _, o := range st.zones {
		if o.ID != z.ID && o.Code == z.Code {
			return zonegis.Errorf(zonegis.ECONFLICT, "zone code %s is taken", z.Code)
		}
	}
	return nil
}

func (st *state) checkParcel(p *zonegis.Parcel) error {
	if st.zones[p.ZoneID] == nil {
		return zonegis.Errorf(zonegis.EINVALID, "zone_id: no zone with id %d", p.ZoneID)
	}
	for _, o := range st.parcels {
		if o.ID != p.ID && o.ZoneID == p.ZoneID && o.LotCode == p.LotCode {
			return zonegis.Errorf(zonegis.ECONFLICT, "lot code %s is taken in zone %d", p.LotCode, p.ZoneID)
		}
	}
	return nil
}

func (st *state) checkGreen(g *zonegis.GreenArea) error {
	if st.zones[g.ZoneID] == nil {
		return zonegis.Errorf(zonegis.EINVALID, "zone_id: no zone with id %d", g.ZoneID)
	}
	return nil
}

// CreateZone implements registry.FeatureStore.
func (s *Store) CreateZone(_ context.Context, a zonegis.Actor, z *zonegis.Zone) (int64, error) {
	return s.write(a, "create", zonegis.CollectionZones, func(st *state, b *index.Batch) (int64, error) {
		if err := st.checkZone(z); err != nil {
			return 0, err
		}
		z.ID, z.Version, z.AreaM2, z.UpdatedAt = st.newID(), 1, area(z.Boundary), s.today
		c := *z
		st.zones[z.ID] = &c
		b.Zones = append(b.Zones, &c)
		return z.ID, nil
	})
}

// UpdateZone implements registry.FeatureStore.
func (s *Store) UpdateZone(_ context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Zone) error) (*zonegis.Zone, int64, error) {
	var out *zonegis.Zone
	seq, err := s.write(a, "update", zonegis.CollectionZones, func(st *state, b *index.Batch) (int64, error) {
		cur := st.zones[id]
		if cur == nil {
			return 0, notFound(zonegis.CollectionZones, id)
		}
		if err := checkVersion(ifVersion, cur.Version); err != nil {
			return 0, err
		}
		z := *cur
		if err := change(&z); err != nil {
			return 0, err
		}
		z.ID, z.Version, z.AreaM2, z.UpdatedAt = id, cur.Version+1, area(z.Boundary), s.today
		if err := st.checkZone(&z); err != nil {
			return 0, err
		}
		st.zones[id], out = &z, &z
		b.Zones = append(b.Zones, &z)
		return id, nil
	})
	return out, seq, err
}

// CreateParcel implements registry.FeatureStore.
func (s *Store) CreateParcel(_ context.Context, a zonegis.Actor, p *zonegis.Parcel) (int64, error) {
	return s.write(a, "create", zonegis.CollectionParcels, func(st *state, b *index.Batch) (int64, error) {
		if err := st.checkParcel(p); err != nil {
			return 0, err
		}
		p.ID, p.Version, p.AreaM2, p.UpdatedAt, p.Status = st.newID(), 1, area(p.Boundary), s.today, zonegis.ParcelAvailable
		c := *p
		st.parcels[p.ID] = &c
		b.Parcels = append(b.Parcels, &c)
		return p.ID, nil
	})
}

// UpdateParcel implements registry.FeatureStore; change sees the
// parcel's derived status.
func (s *Store) UpdateParcel(_ context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Parcel) error) (*zonegis.Parcel, int64, error) {
	var out *zonegis.Parcel
	seq, err := s.write(a, "update", zonegis.CollectionParcels, func(st *state, b *index.Batch) (int64, error) {
		cur := st.parcels[id]
		if cur == nil {
			return 0, notFound(zonegis.CollectionParcels, id)
		}
		if err := checkVersion(ifVersion, cur.Version); err != nil {
			return 0, err
		}
		p := *cur
		if err := change(&p); err != nil {
			return 0, err
		}
		p.ID, p.Version, p.AreaM2, p.UpdatedAt, p.Status = id, cur.Version+1, area(p.Boundary), s.today, cur.Status
		if err := st.checkParcel(&p); err != nil {
			return 0, err
		}
		st.parcels[id], out = &p, &p
		b.Parcels = append(b.Parcels, &p)
		return id, nil
	})
	return out, seq, err
}

// CreateGreenArea implements registry.FeatureStore.
func (s *Store) CreateGreenArea(_ context.Context, a zonegis.Actor, g *zonegis.GreenArea) (int64, error) {
	return s.write(a, "create", zonegis.CollectionGreenAreas, func(st *state, b *index.Batch) (int64, error) {
		if err := st.checkGreen(g); err != nil {
			return 0, err
		}
		g.ID, g.Version, g.AreaM2, g.UpdatedAt = st.newID(), 1, area(g.Boundary), s.today
		c := *g
		st.greens[g.ID] = &c
		b.GreenAreas = append(b.GreenAreas, &c)
		return g.ID, nil
	})
}

// UpdateGreenArea implements registry.FeatureStore.
func (s *Store) UpdateGreenArea(_ context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.GreenArea) error) (*zonegis.GreenArea, int64, error) {
	var out *zonegis.GreenArea
	seq, err := s.write(a, "update", zonegis.CollectionGreenAreas, func(st *state, b *index.Batch) (int64, error) {
		cur := st.greens[id]
		if cur == nil {
			return 0, notFound(zonegis.CollectionGreenAreas, id)
		}
		if err := checkVersion(ifVersion, cur.Version); err != nil {
			return 0, err
		}
		g := *cur
		if err := change(&g); err != nil {
			return 0, err
		}
		g.ID, g.Version, g.AreaM2, g.UpdatedAt = id, cur.Version+1, area(g.Boundary), s.today
		if err := st.checkGreen(&g); err != nil {
			return 0, err
		}
		st.greens[id], out = &g, &g
		b.GreenAreas = append(b.GreenAreas, &g)
		return id, nil
	})
	return out, seq, err
}

// Delete implements registry.FeatureStore.
func (s *Store) Delete(_ context.Context, a zonegis.Actor, collection string, id, ifVersion int64) (int64, error) {
	return s.write(a, "delete", collection, func(st *state, b *index.Batch) (int64, error) {
		var version int64
		switch collection {
		case zonegis.CollectionZones:
			if z := st.zones[id]; z != nil {
				version = z.Version
			}
		case zonegis.CollectionParcels:
			if p := st.parcels[id]; p != nil {
				version = p.Version
			}
		case zonegis.CollectionGreenAreas:
			if g := st.greens[id]; g != nil {
				version = g.Version
			}
		default:
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no collection %q", collection)
		}
		if version == 0 {
			return 0, notFound(collection, id)
		}
		if err := checkVersion(ifVersion, version); err != nil {
			return 0, err
		}
		switch collection {
		case zonegis.CollectionZones:
			for _, p := range st.parcels {
				if p.ZoneID == id {
					return 0, zonegis.Errorf(zonegis.EINVALID, "the zone still has parcels or green areas; delete them first")
				}
			}
			for _, g := range st.greens {
				if g.ZoneID == id {
					return 0, zonegis.Errorf(zonegis.EINVALID, "the zone still has parcels or green areas; delete them first")
				}
			}
			delete(st.zones, id)
			b.DeletedZones = append(b.DeletedZones, id)
		case zonegis.CollectionParcels:
			if len(st.leasesOf(id)) > 0 {
				return 0, zonegis.Errorf(zonegis.EINVALID, "other records still refer to it; it cannot be deleted")
			}
			delete(st.parcels, id)
			delete(st.held, id)
			b.DeletedParcels = append(b.DeletedParcels, id)
		case zonegis.CollectionGreenAreas:
			delete(st.greens, id)
			b.DeletedGreenAreas = append(b.DeletedGreenAreas, id)
		}
		return id, nil
	})
}

// lockParcel is the parcel a lease write is on, its version checked.
func (st *state) lockParcel(id, ifVersion int64) (*zonegis.Parcel, error) {
	p := st.parcels[id]
	if p == nil {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	}
	return p, checkVersion(ifVersion, p.Version)
}

// LeaseParcel implements registry.LeaseStore.
func (s *Store) LeaseParcel(_ context.Context, a zonegis.Actor, ifVersion int64, l *zonegis.Lease) (int64, error) {
	return s.write(a, "lease", zonegis.CollectionLeases, func(st *state, b *index.Batch) (int64, error) {
		p, err := st.lockParcel(l.ParcelID, ifVersion)
		if err != nil {
			return 0, err
		}
		for _, o := range st.leasesOf(l.ParcelID) {
			if l.Start.Before(end(o)) && o.Start.Before(end(l)) {
				return 0, &zonegis.Error{Code: zonegis.ECONFLICT,
					Message: fmt.Sprintf("parcel %d already has lease %d from %s to %s", l.ParcelID, o.ID, o.Start.Format(time.DateOnly), end(o).Format(time.DateOnly)),
					Details: map[string]any{"conflicting_lease_ids": []int64{o.ID}}}
			}
		}
		l.ID, l.Version, l.CreatedAt = st.newID(), 1, s.today
		c := *l
		st.leases[l.ID] = &c
		delete(st.held, l.ParcelID) // a lease in force or to come uses the hold up
		b.Parcels = append(b.Parcels, p)
		return l.ID, nil
	})
}

// EndLease implements registry.LeaseStore.
func (s *Store) EndLease(_ context.Context, a zonegis.Actor, id int64, endedOn time.Time) (int64, error) {
	return s.write(a, "end", zonegis.CollectionLeases, func(st *state, b *index.Batch) (int64, error) {
		cur := st.leases[id]
		switch {
		case cur == nil:
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no lease with id %d", id)
		case cur.EndedOn != nil:
			return 0, zonegis.Errorf(zonegis.ECONFLICT, "lease %d already ended on %s", id, cur.EndedOn.Format(time.DateOnly))
		case !endedOn.After(cur.Start) || endedOn.After(cur.End):
			return 0, zonegis.Errorf(zonegis.EINVALID, "ended_on: want a day after the lease's start (%s) and at or before its end (%s)",
				cur.Start.Format(time.DateOnly), cur.End.Format(time.DateOnly))
		}
		l := *cur
		l.EndedOn, l.Version = &endedOn, cur.Version+1
		st.leases[id] = &l
		b.Parcels = append(b.Parcels, st.parcels[l.ParcelID])
		return id, nil
	})
}

// Lease implements registry.LeaseStore.
func (s *Store) Lease(_ context.Context, id int64) (*zonegis.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.st.leases[id]
	if l == nil {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no lease with id %d", id)
	}
	c := *l
	return &c, nil
}

// ReserveParcel implements registry.LeaseStore.
func (s *Store) ReserveParcel(_ context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	return s.write(a, "reserve", zonegis.CollectionParcels, func(st *state, b *index.Batch) (int64, error) {
		p, err := st.lockParcel(id, ifVersion)
		if err != nil {
			return 0, err
		}
		if p.Status != zonegis.ParcelAvailable {
			return 0, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is %s, not available", id, p.Status)
		}
		st.held[id] = true
		b.Parcels = append(b.Parcels, p)
		return id, nil
	})
}

// ReleaseParcel implements registry.LeaseStore.
func (s *Store) ReleaseParcel(_ context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	return s.write(a, "release", zonegis.CollectionParcels, func(st *state, b *index.Batch) (int64, error) {
		p, err := st.lockParcel(id, ifVersion)
		if err != nil {
			return 0, err
		}
		if !st.held[id] {
			return 0, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is not held", id)
		}
		delete(st.held, id)
		b.Parcels = append(b.Parcels, p)
		return id, nil
	})
}

// errImportRefused rolls back an in-memory import that writes nothing.
var errImportRefused = fmt.Errorf("import writes nothing")

// ImportChecked implements registry.ImportStore: each row is checked as a
// create is, in order (no pair checks between rows beyond what the state
// sees once a row is in), and the rows without problems are written
// unless o says not to.
func (s *Store) ImportChecked(ctx context.Context, a zonegis.Actor, collection string, rows iter.Seq2[postgis.ImportRow, error], o zonegis.ImportOptions) (*zonegis.ImportReport, *postgis.ImportStats, error) {
	rep := &zonegis.ImportReport{Collection: collection, DryRun: o.DryRun, Problems: []zonegis.ImportProblem{}}
	seq, err := s.write(a, "import", collection, func(st *state, b *index.Batch) (int64, error) {
		for r, err := range rows {
			if err != nil {
				return 0, err
			}
			rep.Features++
			if len(r.Problems) > 0 || r.Item == nil {
				rep.Problems = append(rep.Problems, r.Problems...)
				rep.Skipped++
				continue
			}
			var cerr error
			switch it := r.Item.(type) {
			case *zonegis.Zone:
				if cerr = st.checkZone(it); cerr == nil {
					c := *it
					c.ID, c.Version, c.AreaM2, c.UpdatedAt = st.newID(), 1, area(c.Boundary), s.today
					st.zones[c.ID] = &c
					b.Zones = append(b.Zones, &c)
				}
			case *zonegis.Parcel:
				if cerr = st.checkParcel(it); cerr == nil {
					c := *it
					c.ID, c.Version, c.AreaM2, c.UpdatedAt, c.Status = st.newID(), 1, area(c.Boundary), s.today, zonegis.ParcelAvailable
					st.parcels[c.ID] = &c
					b.Parcels = append(b.Parcels, &c)
				}
			case *zonegis.GreenArea:
				if cerr = st.checkGreen(it); cerr == nil {
					c := *it
					c.ID, c.Version, c.AreaM2, c.UpdatedAt = st.newID(), 1, area(c.Boundary), s.today
					st.greens[c.ID] = &c
					b.GreenAreas = append(b.GreenAreas, &c)
				}
			default:
				return 0, zonegis.Errorf(zonegis.EINTERNAL, "import of %T", it)
			}
			if cerr != nil {
				rep.Problems = append(rep.Problems, zonegis.ImportProblem{Index: r.Index, FID: r.FID, Code: zonegis.ErrorCode(cerr), Reason: zonegis.ErrorMessage(cerr)})
				rep.Skipped++
			}
		}
		if o.DryRun || rep.Skipped == rep.Features {
			return 0, errImportRefused
		}
		if rep.Skipped > 0 && o.OnConflict != zonegis.OnConflictSkip {
			rep.Refused = true
			return 0, errImportRefused
		}
		rep.Imported = rep.Features - rep.Skipped
		return 0, nil
	})
	if err != nil && err != errImportRefused {
		return nil, nil, err
	}
	rep.Seq = seq
	return rep, &postgis.ImportStats{}, nil
}

// errNeedsPostGIS answers what only the database can.
func errNeedsPostGIS(what string) error {
	return zonegis.Errorf(zonegis.EUNAVAILABLE, "%s needs PostGIS, which the in-memory store has not got", what)
}

// SeqAndToday implements stats.Store.
func (s *Store) SeqAndToday(context.Context) (int64, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.seq, s.today, nil
}

// BoardExists implements stats.Store.
func (s *Store) BoardExists(_ context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.boards[id] != nil, nil
}

// Transform implements export.Transformer: EUNAVAILABLE.
func (s *Store) Transform(context.Context, int, []orb.MultiPolygon) ([]orb.MultiPolygon, error) {
	return nil, errNeedsPostGIS("a CRS transform")
}

// CreateImportJob implements jobs.Store: EUNAVAILABLE (a job's state is
// shared through the database).
func (s *Store) CreateImportJob(context.Context, zonegis.Actor, string, int64) (*postgis.ImportJob, error) {
	return nil, errNeedsPostGIS("an import job")
}

// StartImportJob implements jobs.Store: EUNAVAILABLE.
func (s *Store) StartImportJob(context.Context, string) error {
	return errNeedsPostGIS("an import job")
}

// BeatImportJob implements jobs.Store: EUNAVAILABLE.
func (s *Store) BeatImportJob(context.Context, string, postgis.ImportJobCounts) error {
	return errNeedsPostGIS("an import job")
}

// FinishImportJob implements jobs.Store: EUNAVAILABLE.
func (s *Store) FinishImportJob(context.Context, string, string, postgis.ImportJobCounts, *int64, *int64, []byte) error {
	return errNeedsPostGIS("an import job")
}

// ImportJob implements jobs.Store: EUNAVAILABLE.
func (s *Store) ImportJob(context.Context, string, time.Duration, []byte) (*postgis.ImportJob, error) {
	return nil, errNeedsPostGIS("an import job")
}

// SweepImportJobs implements jobs.Store: EUNAVAILABLE.
func (s *Store) SweepImportJobs(context.Context, time.Duration, time.Duration, []byte) (int64, int64, error) {
	return 0, 0, errNeedsPostGIS("import jobs")
}

// ZoneBoard implements registry.BoardFinder.
func (s *Store) ZoneBoard(ctx context.Context, id int64) (string, error) {
	return s.RecordBoard(ctx, zonegis.CollectionZones, id)
}

// RecordBoard implements registry.BoardFinder.
func (s *Store) RecordBoard(_ context.Context, collection string, id int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	zone := id
	switch collection {
	case zonegis.CollectionParcels:
		if p := s.st.parcels[id]; p != nil {
			zone = p.ZoneID
		}
	case zonegis.CollectionGreenAreas:
		if g := s.st.greens[id]; g != nil {
			zone = g.ZoneID
		}
	case zonegis.CollectionLeases:
		if l := s.st.leases[id]; l != nil && s.st.parcels[l.ParcelID] != nil {
			zone = s.st.parcels[l.ParcelID].ZoneID
		}
	}
	if z := s.st.zones[zone]; z != nil {
		return z.BoardID, nil
	}
	return "", zonegis.Errorf(zonegis.ENOTFOUND, "no %s %d", collection, id)
}
