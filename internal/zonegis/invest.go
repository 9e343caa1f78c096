package zonegis

import (
	"context"
	"strings"
	"time"
)

// Enterprises and investment projects (issue 18; migrations/0015): the
// investors the boards register, their projects in the zones, the capital
// added and disbursed over time, and each enterprise's yearly figures.
//
// Money is exact (Decimal, numeric in PostgreSQL). A project's amounts are
// in its own currency (VND or USD) with the exchange rate recorded beside
// each amount, in VND per 1 USD, and its date; the USD and VND equivalents
// are the database's generated columns (zg_usd, zg_vnd), which Equivalents
// mirrors. Confidential to callers who do not see the board's confidential
// figures (registry.SeesConfidential): an enterprise's Contact, a project's
// amounts (capital, adjustments, disbursements) and an enterprise report's
// figures.

// Collections of the investment records, as named in URLs and audit rows.
const (
	CollectionEnterprises       = "enterprises"
	CollectionProjects          = "projects"
	CollectionEnterpriseReports = "enterprise-reports"
)

// Currencies of a project's amounts (ISO 4217).
const (
	CurrencyVND = "VND"
	CurrencyUSD = "USD"
)

// Currencies are the currencies a project may be registered in.
var Currencies = []string{CurrencyVND, CurrencyUSD}

// Project origins: foreign direct investment or domestic.
const (
	OriginFDI      = "fdi"
	OriginDomestic = "domestic"
)

// Origins are a project's possible origins.
var Origins = []string{OriginFDI, OriginDomestic}

// Project statuses.
const (
	ProjectLicensed   = "licensed"   // IRC issued, not yet operating
	ProjectOperating  = "operating"  // in production or service
	ProjectSuspended  = "suspended"  // stopped for a time (tạm ngừng)
	ProjectTerminated = "terminated" // ended (chấm dứt hoạt động)
)

// ProjectStatuses are a project's possible statuses.
var ProjectStatuses = []string{ProjectLicensed, ProjectOperating, ProjectSuspended, ProjectTerminated}

// Enterprise sources: how an enterprise came to be in the register.
const (
	SourceManual        = "manual"         // entered by the board
	SourceMigratedLease = "migrated_lease" // made by migration 0015 from an existing lease's lessee
	SourceLease         = "lease"          // made when a lease named a lessee the board had no enterprise for
)

// EnterpriseSources are the possible values of Enterprise.Source.
var EnterpriseSources = []string{SourceManual, SourceMigratedLease, SourceLease}

// Enterprise is an investor as the board that registered it keeps it.
type Enterprise struct {
	ID      int64
	BoardID string // the board keeping the record; "" for an enterprise migrated from a lease on a zone without one
	// MST is the tax code (mã số thuế) as printed: 10 digits, or a
	// branch's 13 as "NNNNNNNNNN-BBB" (stored with the dash). "" is
	// unknown (null), as for the enterprises migrated from leases.
	MST                string
	NameVI, NameEN     string
	Country            string // ISO 3166-1 alpha-2 of the investor
	VSIC               string // VSIC 2018 code, 2 (division) to 5 (subclass) digits; "" unknown
	HighTech           bool   // high-tech enterprise (doanh nghiệp công nghệ cao)
	SupportingIndustry bool   // supporting-industry enterprise (công nghiệp hỗ trợ)
	Contact            string // confidential
	Source             string // SourceManual, SourceMigratedLease, SourceLease
	Synthetic          bool
	Version            int64
	UpdatedAt          time.Time
}

// VSICDivision returns the enterprise's VSIC division (the code's first
// two digits), "" when its code is unknown.
func (e *Enterprise) VSICDivision() string {
	if len(e.VSIC) < 2 {
		return ""
	}
	return e.VSIC[:2]
}

// Project is an investment project, registered by its investment
// registration certificate (IRC, Giấy chứng nhận đăng ký đầu tư). It has
// no geometry of its own: it is located by its parcels.
type Project struct {
	ID           int64
	IRCNumber    string
	IRCDate      time.Time
	EnterpriseID int64
	ZoneID       int64
	BoardID      string // the zone's board (read only: a project's board is its zone's)
	NameVI       string
	NameEN       string
	Origin       string // OriginFDI or OriginDomestic
	Currency     string // CurrencyVND or CurrencyUSD: the currency of every amount of the project
	Capital      Decimal
	Rate         Decimal   // VND per 1 USD, recorded on RateDate
	RateDate     time.Time // the date of Rate
	// CapitalUSD and CapitalVND are Capital's equivalents at Rate
	// (computed by the store, read only).
	CapitalUSD, CapitalVND Decimal
	Status                 string
	WorkersPlannedVN       int32
	WorkersPlannedForeign  int32
	WorkersVN              int32
	WorkersForeign         int32
	ParcelIDs              []int64 // the parcels the project uses, ascending; live parcels of its zone when written
	Adjustments            []CapitalAdjustment
	Disbursements          []Disbursement
	Synthetic              bool
	Version                int64
	UpdatedAt              time.Time
}

// CapitalAdjustment is a change of a project's registered capital by an
// amended IRC: Amount > 0 is capital added ("tăng vốn"), < 0 reduced; in
// the project's currency, at its own Rate.
type CapitalAdjustment struct {
	On                   time.Time // the date of the amendment
	IRCNumber            string    // the amended certificate's number; may be ""
	Amount               Decimal
	Rate                 Decimal // VND per 1 USD on RateDate
	RateDate             time.Time
	AmountUSD, AmountVND Decimal // read only
}

// Disbursement is the capital a project disbursed (giải ngân) in a
// calendar year, in the project's currency.
type Disbursement struct {
	Year                 int
	Amount               Decimal
	Rate                 Decimal // VND per 1 USD on RateDate
	RateDate             time.Time
	AmountUSD, AmountVND Decimal // read only
}

// EnterpriseReport is an enterprise's figures for a year, entered by its
// board. Currencies as Vietnam reports them: revenue and the state-budget
// contribution in VND, exports and imports in USD. A nil figure was not
// reported (never 0). All figures are confidential.
type EnterpriseReport struct {
	ID             int64
	EnterpriseID   int64
	BoardID        string // the enterprise's board (read only)
	Year           int
	RevenueVND     *Decimal
	ExportUSD      *Decimal
	ImportUSD      *Decimal
	BudgetVND      *Decimal
	WorkersVN      *int32
	WorkersForeign *int32
	Synthetic      bool
	Version        int64
	UpdatedAt      time.Time
}

// InvestmentFilter selects enterprises or projects page by page, in id
// order; zero fields select everything.
type InvestmentFilter struct {
	AfterID int64 // rows with id > AfterID (the keyset page)
	Limit   int   // at most this many; the store caps it at MaxInvestmentPage
	// Boards, when not nil, keeps the rows of these boards only.
	Boards       []string
	Country      string // enterprises' (for projects: their enterprise's)
	VSICSection  string // A to U
	ZoneID       int64  // projects only
	EnterpriseID int64  // projects only
	Origin       string // projects only
	Status       string // projects only
	// Updated keeps the rows last changed (updated_at) from UpdatedFrom
	// (inclusive) to UpdatedUntil (exclusive); a zero end is open (an
	// OGC API datetime).
	UpdatedFrom, UpdatedUntil time.Time
}

// MaxInvestmentPage is the most rows one page of enterprises or projects
// holds.
const MaxInvestmentPage = 1000

// InvestmentStore keeps the enterprises and projects. Every write is
// audited (collections "enterprises" and "projects"), takes the change-log
// lock first and locks the row; check and change run under that lock, so
// the caller's rights on the record's board are checked on the row as it
// is (registry's rule). A write whose check or change fails returns that
// error unchanged.
type InvestmentStore interface {
	// Enterprises returns the enterprises f selects in id order and how
	// many match f in all (ignoring AfterID and Limit).
	Enterprises(ctx context.Context, f InvestmentFilter) (items []*Enterprise, matched int64, err error)
	// Enterprise returns enterprise id. Errors: ENOTFOUND.
	Enterprise(ctx context.Context, id int64) (*Enterprise, error)
	// CreateEnterprise validates e, inserts it and fills in ID, Version
	// and UpdatedAt. Errors: EINVALID (Validate's, an unknown board or
	// VSIC division), ECONFLICT (the board has that MST already).
	CreateEnterprise(ctx context.Context, a Actor, e *Enterprise) error
	// UpdateEnterprise locks enterprise id, checks ifVersion (0: any),
	// lets change edit it, validates and writes it, and returns it as
	// written. Errors: ENOTFOUND, EPRECONDITION, EINVALID, ECONFLICT.
	UpdateEnterprise(ctx context.Context, a Actor, id, ifVersion int64, change func(*Enterprise) error) (*Enterprise, error)
	// DeleteEnterprise locks enterprise id, checks ifVersion and check,
	// and deletes it. Errors: ENOTFOUND, EPRECONDITION, ECONFLICT (leases,
	// projects or reports refer to it; the message says which).
	DeleteEnterprise(ctx context.Context, a Actor, id, ifVersion int64, check func(*Enterprise) error) error

	// Projects returns the projects f selects in id order, with their
	// parcels, adjustments and disbursements, and how many match in all.
	Projects(ctx context.Context, f InvestmentFilter) (items []*Project, matched int64, err error)
	// Project returns project id. Errors: ENOTFOUND.
	Project(ctx context.Context, id int64) (*Project, error)
	// CreateProject validates p, inserts it with its parcels, adjustments
	// and disbursements, and fills in ID, BoardID, the equivalents,
	// Version and UpdatedAt. check runs first with p's BoardID set to its
	// zone's. Errors: EINVALID (Validate's; unknown enterprise or zone; a
	// parcel not live or not in the zone), ECONFLICT (the IRC number is
	// taken).
	CreateProject(ctx context.Context, a Actor, p *Project, check func(*Project) error) error
	// UpdateProject locks project id, checks ifVersion, lets change edit
	// it (its members included: the lists it leaves are the project's
	// lists), validates and writes it, and returns it as written. Errors:
	// ENOTFOUND, EPRECONDITION, EINVALID, ECONFLICT.
	UpdateProject(ctx context.Context, a Actor, id, ifVersion int64, change func(*Project) error) (*Project, error)
	// DeleteProject locks project id, checks ifVersion and check, and
	// deletes it with its members. Errors: ENOTFOUND, EPRECONDITION.
	DeleteProject(ctx context.Context, a Actor, id, ifVersion int64, check func(*Project) error) error
}

// ReportFigures are the names of an enterprise report's figures, all
// confidential, as its columns, JSON members and import fields name them.
var ReportFigures = []string{"revenue_vnd", "export_usd", "import_usd", "budget_vnd", "workers_vn", "workers_foreign"}

// ReportFilter selects enterprise reports. A report's figures are seen by
// the callers who see its enterprise's board (SeesAll, or its board in
// Seen); to anyone else they are null, and every filter and sort treats
// them so: a bound on a figure keeps no report whose figure the caller does
// not see, and a sort by it puts those reports last, in id order, whatever
// their values. So no two answers differ by a hidden figure.
type ReportFilter struct {
	EnterpriseID int64  // 0: every enterprise
	Board        string // the enterprise's board; "": every board
	From, To     int    // years, inclusive; 0: open
	Seen         []string
	SeesAll      bool
	// Min and Max bound figures (ReportFigures names), inclusive.
	Min, Max map[string]Decimal
	// SortBy is "" (id), "year", "enterprise_id" or a ReportFigures name;
	// nulls last, ties in id order.
	SortBy string
	Desc   bool
	Offset int
	Limit  int // capped at MaxInvestmentPage
	// UpdatedFrom (inclusive) to UpdatedUntil (exclusive), zero ends
	// open: the reports last changed then (an OGC API datetime).
	UpdatedFrom, UpdatedUntil time.Time
}

// EnterpriseReportStore keeps the yearly enterprise reports. Writes are
// audited under "enterprise-reports" with the enterprise's board, take the
// change-log lock first and lock the row; check runs under that lock with
// BoardID set to the enterprise's board.
type EnterpriseReportStore interface {
	// EnterpriseReports returns the page of reports f selects and how
	// many match it in all. Errors: EINVALID for an unknown sort or
	// figure name.
	EnterpriseReports(ctx context.Context, f ReportFilter) (items []*EnterpriseReport, matched int64, err error)
	// EnterpriseReport returns report id. Errors: ENOTFOUND.
	EnterpriseReport(ctx context.Context, id int64) (*EnterpriseReport, error)
	// CreateEnterpriseReports validates and inserts the reports, all or
	// none, filling in ID, BoardID, Version and UpdatedAt. Problems of
	// the reports (Validate's, an unknown enterprise, a year the
	// enterprise has a report for already or twice in rs, check's) come
	// back as ImportProblems by position in rs, and then nothing is
	// written; err is for the store. dryRun checks everything and writes
	// nothing.
	CreateEnterpriseReports(ctx context.Context, a Actor, rs []*EnterpriseReport, dryRun bool, check func(*EnterpriseReport) error) (probs []ImportProblem, err error)
	// EnterprisesByMST returns the enterprises whose tax code is one of
	// msts (as NormalizeMST gives them), with only ID, BoardID and MST
	// set, by id: a code may be an enterprise's in several boards (it is
	// unique within one).
	EnterprisesByMST(ctx context.Context, msts []string) ([]*Enterprise, error)
	// UpdateEnterpriseReport locks report id, checks ifVersion (0: any),
	// lets change edit it, validates and writes it. Errors: ENOTFOUND,
	// EPRECONDITION, EINVALID, ECONFLICT (the enterprise has a report for
	// that year), change's.
	UpdateEnterpriseReport(ctx context.Context, a Actor, id, ifVersion int64, change func(*EnterpriseReport) error) (*EnterpriseReport, error)
	// DeleteEnterpriseReport locks report id, checks ifVersion and check,
	// and deletes it. Errors: ENOTFOUND, EPRECONDITION, check's.
	DeleteEnterpriseReport(ctx context.Context, a Actor, id, ifVersion int64, check func(*EnterpriseReport) error) error
}

// NormalizeMST returns s as stored: spaces and dots dropped, a 13-digit
// code given without its dash written with it ("0100109106001" →
// "0100109106-001").
func NormalizeMST(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) == 13 && allDigits(s) {
		s = s[:10] + "-" + s[10:]
	}
	return s
}

// mstWeights are the weights of an MST's first nine digits in its check
// digit: the tenth is 10 - (Σ dᵢwᵢ mod 11), and a prefix whose sum is 0
// mod 11 is never issued. Source: python-stdnum's stdnum.vn.mst (its
// TypeScript port, stdnum on npm, src/vn/mst.ts), checked by hand on the
// worked example 0100047516 and on 0100109106.
var mstWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// MSTProblem returns what is wrong with tax code s (as NormalizeMST gives
// it), "" when it is valid: 10 digits or 10 + "-" + 3, province digits not
// 00, sequence not 0000000, branch not 000, and the check digit right.
func MSTProblem(s string) string {
	base, branch, dashed := strings.Cut(s, "-")
	if len(base) != 10 || !allDigits(base) || dashed && (len(branch) != 3 || !allDigits(branch)) {
		return "mst must be 10 digits, or 13 written as 10 digits, a dash and the 3-digit branch (0100109106-001)"
	}
	if base[:2] == "00" || base[2:9] == "0000000" || branch == "000" {
		return "mst " + s + " is not a tax code that is issued (province 00, sequence 0000000 or branch 000)"
	}
	sum := 0
	for i, w := range mstWeights {
		sum += int(base[i]-'0') * w
	}
	if c := 10 - sum%11; c == 10 || int(base[9]-'0') != c {
		return "mst " + s + " has a wrong check digit (the tenth digit)"
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func validCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// Validate normalizes an enterprise (text trimmed, MST as NormalizeMST
// gives it, country upper case, source manual by default) and checks it:
// a Vietnamese name, an ISO 3166-1 alpha-2 country, a valid MST when
// given, a VSIC code of 2 to 5 digits in a division of VSIC 2018 when
// given, a known source. It returns EINVALID listing every problem.
func (e *Enterprise) Validate() error {
	e.NameVI = strings.TrimSpace(e.NameVI)
	e.NameEN = strings.TrimSpace(e.NameEN)
	e.Contact = strings.TrimSpace(e.Contact)
	e.MST = NormalizeMST(e.MST)
	e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
	e.VSIC = strings.TrimSpace(e.VSIC)
	if e.Source == "" {
		e.Source = SourceManual
	}
	var p Problems
	p.Required("name_vi", e.NameVI)
	if !validCountry(e.Country) {
		p.Add("country must be an ISO 3166-1 alpha-2 code such as VN, JP, KR")
	}
	if e.MST != "" {
		if m := MSTProblem(e.MST); m != "" {
			p.Add("%s", m)
		}
	}
	if e.VSIC != "" {
		if len(e.VSIC) > 5 || !allDigits(e.VSIC) {
			p.Add("vsic must be a VSIC 2018 code of 2 to 5 digits (division to subclass)")
		} else if len(e.VSIC) < 2 || VSICSectionOf(e.VSIC[:2]) == "" {
			p.Add("vsic %q is in no division of VSIC 2018", e.VSIC)
		}
	}
	p.Enum("source", e.Source, EnterpriseSources)
	return p.Err()
}

// Validate normalizes a project (text trimmed, currency upper case, status
// licensed by default, parcel ids sorted and unique) and checks it: an IRC
// number and date, an enterprise, a zone, a Vietnamese name, a known
// origin, currency and status, capital not negative, a positive rate with
// its date, workers not negative, each adjustment with a date, a non-zero
// amount and a rate with its date, each disbursement in a year 1986-2100
// (once), its amount not negative, a rate with its date. It returns
// EINVALID listing every problem.
func (pr *Project) Validate() error {
	pr.IRCNumber = strings.TrimSpace(pr.IRCNumber)
	pr.NameVI = strings.TrimSpace(pr.NameVI)
	pr.NameEN = strings.TrimSpace(pr.NameEN)
	pr.Currency = strings.ToUpper(strings.TrimSpace(pr.Currency))
	if pr.Status == "" {
		pr.Status = ProjectLicensed
	}
	var p Problems
	p.Required("irc_number", pr.IRCNumber)
	if pr.IRCDate.IsZero() {
		p.Add("irc_date is required (YYYY-MM-DD)")
	}
	if pr.EnterpriseID <= 0 {
		p.Add("enterprise_id is required")
	}
	if pr.ZoneID <= 0 {
		p.Add("zone_id is required")
	}
	p.Required("name_vi", pr.NameVI)
	p.Required("origin", pr.Origin)
	p.Enum("origin", pr.Origin, Origins)
	p.Required("currency", pr.Currency)
	p.Enum("currency", pr.Currency, Currencies)
	p.Enum("status", pr.Status, ProjectStatuses)
	p.amount("capital", pr.Capital, false, true, 22, 2)
	p.rate("rate", "rate_date", pr.Rate, pr.RateDate)
	for name, w := range map[string]int32{"workers_planned_vn": pr.WorkersPlannedVN, "workers_planned_foreign": pr.WorkersPlannedForeign, "workers_vn": pr.WorkersVN, "workers_foreign": pr.WorkersForeign} {
		if w < 0 {
			p.Add("%s must not be negative", name)
		}
	}
	for i := range pr.Adjustments {
		a := &pr.Adjustments[i]
		a.IRCNumber = strings.TrimSpace(a.IRCNumber)
		at := "adjustments[" + itoa(i) + "]."
		if a.On.IsZero() {
			p.Add("%son is required (YYYY-MM-DD)", at)
		}
		p.amount(at+"amount", a.Amount, true, false, 22, 2)
		p.rate(at+"rate", at+"rate_date", a.Rate, a.RateDate)
	}
	years := map[int]bool{}
	for i := range pr.Disbursements {
		d := &pr.Disbursements[i]
		at := "disbursements[" + itoa(i) + "]."
		if d.Year < 1986 || d.Year > 2100 {
			p.Add("%syear must be a year from 1986 to 2100", at)
		} else if years[d.Year] {
			p.Add("%syear %d is given twice", at, d.Year)
		}
		years[d.Year] = true
		p.amount(at+"amount", d.Amount, false, true, 22, 2)
		p.rate(at+"rate", at+"rate_date", d.Rate, d.RateDate)
	}
	pr.ParcelIDs = sortedUnique(pr.ParcelIDs)
	for _, id := range pr.ParcelIDs {
		if id <= 0 {
			p.Add("parcel_ids must be parcel ids (positive integers)")
			break
		}
	}
	return p.Err()
}

// Validate checks an enterprise report: an enterprise, a year from 1986 to
// 2100, figures not negative. It returns EINVALID listing every problem.
func (r *EnterpriseReport) Validate() error {
	var p Problems
	if r.EnterpriseID <= 0 {
		p.Add("enterprise_id is required")
	}
	if r.Year < 1986 || r.Year > 2100 {
		p.Add("year must be a year from 1986 to 2100")
	}
	for name, d := range map[string]*Decimal{"revenue_vnd": r.RevenueVND, "budget_vnd": r.BudgetVND} {
		if d != nil {
			p.amount(name, *d, false, true, 28, 0)
		}
	}
	for name, d := range map[string]*Decimal{"export_usd": r.ExportUSD, "import_usd": r.ImportUSD} {
		if d != nil {
			p.amount(name, *d, false, true, 22, 2)
		}
	}
	for name, w := range map[string]*int32{"workers_vn": r.WorkersVN, "workers_foreign": r.WorkersForeign} {
		if w != nil && *w < 0 {
			p.Add("%s must not be negative", name)
		}
	}
	return p.Err()
}

// amount records that d is missing, not a decimal, longer than whole
// digits before the point or scale after it (its column), zero (when
// nonZero) or negative (when nonNegative).
func (p *Problems) amount(name string, d Decimal, nonZero, nonNegative bool, whole, scale int) {
	if d == "" {
		p.Add("%s is required (a decimal number)", name)
		return
	}
	r, ok := d.Rat()
	switch {
	case !ok:
		p.Add("%s must be a decimal number such as 1250000.50, not %q", name, string(d))
	case !d.Fits(whole, scale):
		p.Add("%s must have at most %d digits before the point and %d after it", name, whole, scale)
	case nonZero && r.Sign() == 0:
		p.Add("%s must not be zero", name)
	case nonNegative && r.Sign() < 0:
		p.Add("%s must not be negative", name)
	}
}

// rate records that a rate (VND per 1 USD) is missing, not positive or
// without its date.
func (p *Problems) rate(name, dateName string, d Decimal, on time.Time) {
	if d == "" {
		p.Add("%s is required (VND per 1 USD)", name)
	} else if r, ok := d.Rat(); !ok || r.Sign() <= 0 || !d.Fits(8, 4) {
		p.Add("%s must be a positive decimal number (VND per 1 USD, at most 8 digits before the point and 4 after), not %q", name, string(d))
	}
	if on.IsZero() {
		p.Add("%s is required (YYYY-MM-DD, the day of the rate)", dateName)
	}
}
