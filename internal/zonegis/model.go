package zonegis

import (
	"time"

	"github.com/paulmach/orb"
)

// Zone kinds.
const (
	KindIndustrialPark       = "industrial_park"
	KindExportProcessingZone = "export_processing_zone"
	KindHighTechPark         = "high_tech_park"
	KindEconomicZone         = "economic_zone"
)

// Zone statuses.
const (
	ZonePlanned           = "planned"
	ZoneUnderConstruction = "under_construction"
	ZoneOperating         = "operating"
)

// Zone development models.
const (
	ModelConventional = "conventional"
	ModelEco          = "eco"
	ModelHighTech     = "high_tech"
)

// Parcel statuses.
const (
	ParcelAvailable = "available"
	ParcelReserved  = "reserved"
	ParcelLeased    = "leased"
)

// Vietnam keeps one time zone, UTC+7, without daylight saving: the land
// records' calendar. A lease that ends on a date ends at midnight in Hà Nội.
var vietnam = time.FixedZone("ICT", 7*60*60)

// Today is the calendar day (Vietnam's) at instant now, as a date: UTC
// midnight of that day, the way dates are held throughout. The database
// computes the same day (zg_today() in migrations/0005); the index takes its
// day from there, so that one clock decides what is in force.
func Today(now time.Time) time.Time {
	y, m, d := now.In(vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Green area kinds.
const (
	GreenPark         = "park"
	GreenBufferStrip  = "buffer_strip"
	GreenTreeBelt     = "tree_belt"
	GreenWaterSurface = "water_surface"
)

// Land uses a parcel may have.
var LandUses = []string{"industrial", "logistics", "warehouse", "commercial", "utilities", "administrative", "residential_services", "research"}

// ZoneKinds, ZoneStatuses, ZoneModels, ParcelStatuses and GreenKinds list
// the allowed values, in the order the schema declares them.
var (
	ZoneKinds      = []string{KindIndustrialPark, KindExportProcessingZone, KindHighTechPark, KindEconomicZone}
	ZoneStatuses   = []string{ZonePlanned, ZoneUnderConstruction, ZoneOperating}
	ZoneModels     = []string{ModelConventional, ModelEco, ModelHighTech}
	ParcelStatuses = []string{ParcelAvailable, ParcelReserved, ParcelLeased}
	GreenKinds     = []string{GreenPark, GreenBufferStrip, GreenTreeBelt, GreenWaterSurface}
)

// Board is an industrial-zone management board (ban quản lý), such as HEPZA.
type Board struct {
	ID       string // short stable slug, e.g. "hepza"
	NameVI   string
	NameEN   string
	Province string // province (2025, 34-unit) the board works in
	Website  string // "" or an http(s) URL
	// Version counts the board's writes (1 when created); its ETag.
	Version   int64
	UpdatedAt time.Time
}

// BoardPatch is an edit of a board: nil fields keep the board's values
// (the id never changes).
type BoardPatch struct {
	NameVI, NameEN, Province, Website *string
}

// Apply merges p into b; Validate checks the result.
func (b *Board) Apply(p BoardPatch) {
	for _, f := range []struct {
		dst *string
		v   *string
	}{{&b.NameVI, p.NameVI}, {&b.NameEN, p.NameEN}, {&b.Province, p.Province}, {&b.Website, p.Website}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
}

// Zone is an industrial park, export processing zone, high-tech park or
// economic zone. Areas are geodesic, in square metres, computed by PostGIS.
type Zone struct {
	ID          int64
	Code        string
	NameVI      string // Vietnamese name with diacritics
	NameEN      string
	Kind        string
	ParentID    *int64 // the economic zone this zone lies in, if any
	BoardID     string // the management board; required of every write (Validate), "" only in older rows
	Province    string
	Status      string
	Model       string
	Established *time.Time // date only (UTC midnight)
	Enterprises *int32     // nil when the figure is not known
	Workers     *int32
	Sectors     []string
	Source      string     // provenance: "osm:way/123" (© OpenStreetMap contributors), "derived", "manual"
	Attributes  Attributes // source attributes no field holds; nil when none
	AreaM2      float64
	Boundary    orb.MultiPolygon // EPSG:4326, lon/lat
	Version     int64
	UpdatedAt   time.Time
}

// Parcel is a lot inside a zone, the unit that is leased.
type Parcel struct {
	ID      int64
	ZoneID  int64
	LotCode string
	LandUse string
	// Status is derived, never written: leased while a lease is in force,
	// reserved while a lease is yet to start or the parcel is held,
	// available otherwise; as of the day the record was read (the
	// database's day, see Today).
	Status string
	// StatusUntil is the first day after that on which Status changes by
	// the calendar alone (a lease starts or ends); zero when none will.
	StatusUntil time.Time
	Synthetic   bool       // generated seed data, not a real lot
	Attributes  Attributes // source attributes no field holds; nil when none
	AreaM2      float64
	Boundary    orb.MultiPolygon
	Version     int64
	UpdatedAt   time.Time
	// ValidFrom and RetiredAt are the parcel's valid time, from the
	// lineage: ValidFrom when the split or merge that made it happened (nil
	// for a parcel no split or merge made: it has always been), RetiredAt
	// when a split or merge retired it (parcels_retired; nil while live).
	ValidFrom, RetiredAt *time.Time
}

// GreenArea is a park, buffer strip, tree belt or water surface in a zone.
type GreenArea struct {
	ID         int64
	ZoneID     int64
	Kind       string
	Name       string
	Synthetic  bool
	Attributes Attributes // source attributes no field holds; nil when none
	AreaM2     float64
	Boundary   orb.MultiPolygon
	Version    int64
	UpdatedAt  time.Time
}

// Lease is a land lease on a parcel. A lease runs from Start to End (dates,
// End exclusive); EndedOn, when set, records an early termination. At most one
// lease per parcel is in force on any date: the database enforces it.
type Lease struct {
	ID       int64
	ParcelID int64
	// EnterpriseID is the lessee's enterprise (migrations/0015): given,
	// the lease may leave Lessee and Country empty and takes the
	// enterprise's; 0, the store finds or makes the enterprise of Lessee
	// and Country in the parcel's board.
	EnterpriseID int64
	Lessee       string
	Country      string // ISO 3166-1 alpha-2 of the investor
	Sector       string
	Start        time.Time
	End          time.Time
	EndedOn      *time.Time
	CapitalUSD   float64 // registered investment capital, US dollars (confidential)
	Workers      int32
	Contact      string // confidential
	Synthetic    bool
	Version      int64
	CreatedAt    time.Time
}

// Collections that carry geometry, as named in URLs and in the change log.
const (
	CollectionZones      = "zones"
	CollectionParcels    = "parcels"
	CollectionGreenAreas = "green-areas"
	CollectionLeases     = "leases"
	CollectionBoards     = "boards"
	CollectionUsers      = "users" // accounts and grants: audit entries only
)

// Change is one row of the change log: an entity was inserted, updated or
// deleted. Seq increases in commit order.
type Change struct {
	Seq        int64
	Collection string
	ItemID     int64
	Op         string // "insert", "update", "delete"
	At         time.Time
}

// Roles of API callers.
const (
	RolePublic  = "public"
	RolePlanner = "planner"
	RoleAdmin   = "admin"
)

// Actor is who makes a change; the audit trail records it.
type Actor struct {
	KeyID     int64  // 0 for the system (seed, CLI import without a key)
	KeyName   string // the key's name, or "system"
	Role      string
	RequestID string
	UserID    int64  // the person (issue 14); 0 for the system
	UserLogin string // their login, kept in the audit row as it was
	// Caller is the principal acting, whose rights the use cases check
	// on every board a write touches (registry.Authorize); nil may do
	// nothing (fails closed).
	Caller *Principal
}

// System is the actor of changes made by zonegis itself (seed, CLI): a
// system admin.
var System = Actor{KeyName: "system", Role: RoleAdmin, Caller: &Principal{Login: "system", SystemRole: SystemAdmin, KeyName: "system"}}

// AuditEntry is one recorded write.
type AuditEntry struct {
	ID         int64
	At         time.Time
	KeyID      *int64
	KeyName    string
	Role       string
	Action     string
	Collection string
	ItemID     *int64
	UserID     *int64 // the person who wrote it; nil for the system
	UserLogin  string
	BoardID    *string // the board of the record written; nil when none
	Before     []byte  // JSON, nil when the item did not exist before
	After      []byte  // JSON, nil when the item no longer exists
	RequestID  string
}
