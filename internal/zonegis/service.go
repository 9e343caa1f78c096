package zonegis

import (
	"context"
	"time"
)

// The service interfaces below are what the transports (httpapi, the CLI)
// read from the system of record besides the registry's use cases.
// *postgis.DB implements them; tests use in-memory fakes. Each method's
// doc names the error codes it returns; any other failure (the database
// unreachable) comes as EUNAVAILABLE or an error without a code.

// Key is an API key as stored: never the key itself, only its prefix and
// hash. A key acts as its user (UserID), with at most the user's grants.
type Key struct {
	ID         int64
	Prefix     string
	Name       string
	UserID     int64
	UserLogin  string
	CreatedAt  time.Time
	ExpiresAt  *time.Time // nil: never
	LastUsedAt *time.Time // recorded at most once a minute
	RevokedAt  *time.Time
}

// KeyService checks the API keys callers present.
type KeyService interface {
	// Authenticate returns the caller that key is (as
	// "zg_<prefix>_<secret>"): its user with their grants, Via ViaKey,
	// KeyID and KeyName set, comparing hashes in constant time. Errors:
	// EUNAUTHORIZED (malformed, unknown, revoked or expired key; disabled
	// user).
	Authenticate(ctx context.Context, key string) (Principal, error)
}

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	Collection string
	ItemID     int64
	BeforeID   int64  // entries with id < BeforeID (paging backwards)
	Limit      int    // at most this many; 0 or over 1000 means 100
	UserLogin  string // entries written by this user (login, any case)
	// Boards, when not nil, keeps the entries of these boards only (an
	// empty, non-nil list keeps none): a board admin's view.
	Boards []string
	From   *time.Time // entries at or after From
	To     *time.Time // entries before To
}

// AuditLog is the record of every write.
type AuditLog interface {
	// Audit returns the entries f selects, newest first. An unknown
	// collection or item selects nothing; it is not an error.
	Audit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}

// Boards reads the management boards.
type Boards interface {
	// Boards returns every board, by id.
	Boards(ctx context.Context) ([]*Board, error)
	// Board returns board id. Errors: ENOTFOUND.
	Board(ctx context.Context, id string) (*Board, error)
}

// BoardService keeps the management boards (an admin's job). Each write
// is audited under collection "boards".
type BoardService interface {
	Boards
	// CreateBoard inserts b (validated first: b.Validate) and fills in its
	// Version and UpdatedAt. Errors: EINVALID, ECONFLICT (the id is taken).
	CreateBoard(ctx context.Context, a Actor, b *Board) error
	// UpdateBoard locks board id, checks ifVersion (0: any), lets change
	// edit it, validates and writes it, and returns it as written. Errors:
	// ENOTFOUND, EPRECONDITION, EINVALID (change's own or Validate's).
	UpdateBoard(ctx context.Context, a Actor, id string, ifVersion int64, change func(*Board) error) (*Board, error)
	// DeleteBoard deletes board id, which no zone may name. Errors:
	// ENOTFOUND, EPRECONDITION, ECONFLICT (zones name it; the message
	// says how many).
	DeleteBoard(ctx context.Context, a Actor, id string, ifVersion int64) error
}

// LeaseHistory answers questions about a parcel's leases over time.
type LeaseHistory interface {
	// LeaseHistory returns the leases of parcel id and of every parcel it
	// was split or merged from, oldest first; a lease's ParcelID says which
	// parcel it was on. It does not check that id exists (an unknown id
	// has no leases).
	LeaseHistory(ctx context.Context, id int64) ([]*Lease, error)
	// ParcelAsOf returns the lease in force on date on live parcel id or,
	// before the parcel was made by a split or merge, on the ancestor that
	// held its land; nil when none was. Errors: ENOTFOUND (no live parcel
	// with that id).
	ParcelAsOf(ctx context.Context, id int64, date time.Time) (*Lease, error)
}

// SplitLot is one parcel a split makes: its lot code and, when LandUse is
// not empty, a land use other than the parent's.
type SplitLot struct {
	LotCode string
	LandUse string
}

// Link is one edge of a parcel's lineage: the parcel on the other end, the
// operation (split or merge) and when it happened.
type Link struct {
	ParcelID int64     `json:"parcel_id"`
	Op       string    `json:"op"`
	At       time.Time `json:"at"`
}

// LineageReader reads the split and merge history.
type LineageReader interface {
	// Lineage returns the parcels that parcel id (live or retired) was
	// made from and the parcels made from it; both empty for a parcel
	// never split or merged, and for an unknown id (not an error).
	Lineage(ctx context.Context, id int64) (parents, children []Link, err error)
}

// Pinger says whether the system of record answers.
type Pinger interface {
	// Ping returns nil when the store answers; any error means it is
	// unavailable (health reports "degraded").
	Ping(ctx context.Context) error
}
