package zonegis

// The raw figures the store reads for the statistics (package stats turns
// them into the reported ones: hectares, shares, disclosure). Areas are
// geodesic, on the WGS 84 ellipsoid, in square metres (names end in M2);
// money is US dollars. A lease is in force on day D when start_date <= D <
// coalesce(ended_on, end_date).

// ZoneFigures are one zone's figures on one day.
type ZoneFigures struct {
	ZoneID                                 int64
	Code, NameVI, NameEN, Kind             string
	BoardID                                string // "" when no board is recorded
	Province, Status                       string
	AreaM2                                 float64 // the zone's own area
	Parcels                                int64
	LeasableM2                             float64 // sum of the parcel areas
	LeasedM2, ReservedM2, AvailableM2      float64 // split by parcel status on the day
	GreenM2                                float64 // union of the green areas, each clipped to the zone
	PublishedEnterprises, PublishedWorkers *int32  // the zone's published figures; nil when it has none
	LeasesInForce                          int64
	Lessees                                int64 // distinct lessees of the leases in force
	LeaseWorkers                           int64 // sum of their workers
	CapitalUSD                             float64
	CapitalMaxUSD                          float64 // the largest capital of one lessee (its leases in force, summed)
}

// GroupFigures are the figures of a group of zones (a board, a province,
// a kind) that are not the sum of its zones'.
type GroupFigures struct {
	AreaM2        float64 // union of the zone boundaries: nested zones count once
	GreenM2       float64 // union of the green areas, each clipped to its zone
	Lessees       int64   // distinct lessees of the leases in force
	CapitalMaxUSD float64 // the largest capital of one lessee (its leases in force in the group, summed)
}

// StatsSnapshot is every figure of the statistics on one day, read in one
// database snapshot so that the zones and the groups agree. The group maps
// are keyed by board id ("" for zones without a board), province and kind;
// a group absent from a map has zero figures there.
type StatsSnapshot struct {
	Zones                       []ZoneFigures // by zone id
	BoardNames                  map[string]string
	ByBoard, ByProvince, ByKind map[string]GroupFigures
}

// LeasingFigures are the leases whose start date falls in one year (and
// quarter, 1-4, or 0 in a yearly series).
type LeasingFigures struct {
	Year, Quarter int
	Leases        int64
	AreaM2        float64 // current area of the leased parcels
	CapitalUSD    float64
	Lessees       int64   // distinct lessees
	CapitalMaxUSD float64 // the largest capital of one lessee (its leases of the period, summed)
}

// PlanTarget is one year's target of a plan scope; nil where none is set.
type PlanTarget struct {
	Year       int
	Hectares   *float64
	CapitalUSD *float64
	// InvestmentUSD is the new and added capital of the investment
	// projects (US dollars), Projects the new projects (migration 0017).
	InvestmentUSD *float64
	Projects      *int64
}
