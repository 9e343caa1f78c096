package zonegis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ImportProblem is one thing wrong with one feature of an import, in the
// words a planner acts on. Index is the feature's 0-based position in the
// source; FID the source's own feature id when the format has one. For an
// overlap or a duplicate, OtherIndex and OtherLotCode name the feature of
// the same file in the way, or OtherID and OtherLotCode an existing record
// (never an id of a record the import would have written). Location is a
// lon/lat point where the problem is (the fault of an invalid boundary, a
// point of the part outside the zone, of the overlap).
type ImportProblem struct {
	Index        int            `json:"index"`
	FID          *int64         `json:"fid,omitempty"`
	LotCode      string         `json:"lot_code,omitempty"`
	Code         string         `json:"code"`
	Problem      string         `json:"problem"`
	Reason       string         `json:"reason"`
	Location     *[2]float64    `json:"location,omitempty"`
	OtherIndex   *int           `json:"other_index,omitempty"`
	OtherLotCode string         `json:"other_lot_code,omitempty"`
	OtherID      *int64         `json:"other_id,omitempty"`
	AreaM2       *float64       `json:"area_m2,omitempty"`
	Details      map[string]any `json:"details,omitempty"`
}

// The kinds of import problem (ImportProblem.Problem): what the report's
// readers sort and filter by.
const (
	ProblemRead      = "read"      // the feature could not be read or mapped (JSON, properties, text)
	ProblemGeometry  = "geometry"  // empty, not polygonal, out of range, not valid
	ProblemZone      = "zone"      // no such zone
	ProblemOutside   = "outside"   // not within its zone
	ProblemOverlap   = "overlap"   // overlaps another parcel of the file or an existing one
	ProblemDuplicate = "duplicate" // lot code (zone code) already held
	ProblemReference = "reference" // board or parent zone that does not exist
)

// ImportRepair is a feature whose invalid boundary repair=make_valid
// fixed: its area before and after, m² (geodesic), and the change.
type ImportRepair struct {
	Index        int     `json:"index"`
	FID          *int64  `json:"fid,omitempty"`
	LotCode      string  `json:"lot_code,omitempty"`
	Reason       string  `json:"reason"`
	AreaBeforeM2 float64 `json:"area_before_m2"`
	AreaAfterM2  float64 `json:"area_after_m2"`
	AreaChangeM2 float64 `json:"area_change_m2"`
}

// MaxImportProblems bounds the problems an import report lists.
const MaxImportProblems = 1000

// Import options (ImportOptions).
const (
	RepairNone      = ""
	RepairMakeValid = "make_valid"
	OnConflictFail  = "fail" // all or nothing (the default)
	OnConflictSkip  = "skip" // import the good features, report the rest

	// DefaultOverlapToleranceM2 is the overlap below which two parcels
	// are not said to overlap (floating-point slivers at shared edges):
	// the schema's own tolerance (migrations/0001, zg_part_guard).
	DefaultOverlapToleranceM2 = 0.5
	// MaxOverlapToleranceM2 bounds overlap_tolerance_m2.
	MaxOverlapToleranceM2 = 10000
)

// ImportOptions say how an import runs.
type ImportOptions struct {
	// DryRun runs every check and writes nothing.
	DryRun bool
	// Repair is RepairNone or RepairMakeValid (fix invalid boundaries with
	// ST_MakeValid, keeping the polygons, and report the area change).
	Repair string
	// OverlapToleranceM2 is the overlap (m², geodesic) two parcels may
	// share; 0 means DefaultOverlapToleranceM2 unless ToleranceSet.
	OverlapToleranceM2 float64
	ToleranceSet       bool
	// OnConflict is OnConflictFail (nothing is written if any feature
	// has a problem) or OnConflictSkip.
	OnConflict string
}

// Tolerance is the overlap tolerance in m² the options mean.
func (o ImportOptions) Tolerance() float64 {
	if !o.ToleranceSet {
		return DefaultOverlapToleranceM2
	}
	return o.OverlapToleranceM2
}

// ParseImportOptions reads the options from their text form (HTTP query
// parameters, CLI flags): get returns a parameter's value and whether it
// was given. Errors: EINVALID naming the parameter.
func ParseImportOptions(get func(name string) (string, bool)) (ImportOptions, error) {
	var o ImportOptions
	if v, ok := get("dry_run"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, Errorf(EINVALID, "dry_run: want true or false, got %q", v)
		}
		o.DryRun = b
	}
	if v, ok := get("repair"); ok {
		switch v {
		case "none", "":
		case RepairMakeValid:
			o.Repair = RepairMakeValid
		default:
			return o, Errorf(EINVALID, "repair: want make_valid or none, got %q", v)
		}
	}
	if v, ok := get("overlap_tolerance_m2"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > MaxOverlapToleranceM2 {
			return o, Errorf(EINVALID, "overlap_tolerance_m2: want a number of m² from 0 to %d, got %q", MaxOverlapToleranceM2, v)
		}
		o.OverlapToleranceM2, o.ToleranceSet = f, true
	}
	if v, ok := get("on_conflict"); ok {
		switch v {
		case OnConflictFail, OnConflictSkip:
			o.OnConflict = v
		default:
			return o, Errorf(EINVALID, "on_conflict: want fail (all or nothing) or skip (import the good features), got %q", v)
		}
	}
	return o, nil
}

// ImportReport is what an import did or, on a dry run, would do: every
// problem found in one pass, by the feature's index.
type ImportReport struct {
	Collection string          `json:"collection"`
	DryRun     bool            `json:"dry_run"`
	Features   int             `json:"features"` // read from the source
	Imported   int             `json:"imported"` // written (0 on a dry run or a refusal)
	Skipped    int             `json:"skipped"`  // features with problems (not written)
	Refused    bool            `json:"refused"`  // all or nothing, and some feature had a problem
	Truncated  bool            `json:"truncated,omitempty"`
	Problems   []ImportProblem `json:"problems"`
	Repairs    []ImportRepair  `json:"repairs,omitempty"`
	// Seq is the change-log seq of the write (0 when nothing was written).
	Seq int64 `json:"-"`
	// SourceRead is what GDAL read, for a file of another format than a
	// GeoJSON FeatureCollection; nil (no members) otherwise.
	*SourceRead
}

// SourceRead is what reading a file through GDAL found: the format it
// was read as, the layer, the source CRS, the features read and those
// whose Z or M coordinates were dropped.
type SourceRead struct {
	Format    string `json:"format"`
	Layer     string `json:"layer"`
	CRS       string `json:"crs"`
	Read      int    `json:"read"`
	DroppedZM int    `json:"dropped_zm"`
}

// Summary is one sentence saying what the import did.
func (r *ImportReport) Summary() string {
	bad := r.Skipped
	switch {
	case r.Refused:
		if bad == 1 {
			return "import refused: 1 feature has a problem; nothing was written"
		}
		return fmt.Sprintf("import refused: %d features have problems; nothing was written", bad)
	case r.DryRun:
		return fmt.Sprintf("dry run: %d of %d features would be imported, %d have problems; nothing was written", r.Features-bad, r.Features, bad)
	}
	if bad == 0 {
		return fmt.Sprintf("imported %d %s", r.Imported, r.Collection)
	}
	return fmt.Sprintf("imported %d of %d %s; %d features with problems were skipped", r.Imported, r.Features, r.Collection, bad)
}
