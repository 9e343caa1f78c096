package zonegis

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Problems collects every validation problem of one record, so that a
// client learns all of them at once. Err turns them into one EINVALID
// error whose message joins them with "; " and whose
// Details["problems"] lists them.
type Problems []string

// Add records a problem.
func (p *Problems) Add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// Required records that field name is required when v is empty.
func (p *Problems) Required(name string, v string) {
	if v == "" {
		p.Add("%s is required", name)
	}
}

// Enum records that v is not one of allowed; an empty v is left to Required.
func (p *Problems) Enum(name, v string, allowed []string) {
	if v != "" && !slices.Contains(allowed, v) {
		p.Add("%s %q is not one of %s", name, v, strings.Join(allowed, ", "))
	}
}

// Err returns nil when there is no problem, else an EINVALID *Error
// listing them.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: strings.Join(p, "; "), Details: map[string]any{"problems": []string(p)}}
}

// attributes records that a is larger than MaxAttributesBytes (what is
// inside is featurejson.DecodeAttributes' to check, which builds them).
func (p *Problems) attributes(a Attributes) {
	if len(a) > MaxAttributesBytes {
		p.Add("attributes are %d bytes, more than the %d allowed", len(a), MaxAttributesBytes)
	}
}

// Validate fills in the defaults of a zone (code upper case, status
// operating, model conventional, source manual) and checks it: the
// required fields (a board among them: every zone is kept by one), the enums, the code's format, counts not negative, not
// its own parent. It returns EINVALID listing every problem.
func (z *Zone) Validate() error {
	z.Code = strings.ToUpper(z.Code)
	if z.Status == "" {
		z.Status = ZoneOperating
	}
	if z.Model == "" {
		z.Model = ModelConventional
	}
	if z.Source == "" {
		z.Source = "manual"
	}
	var p Problems
	p.Required("code", z.Code)
	p.Required("name_vi", z.NameVI)
	p.Required("name_en", z.NameEN)
	p.Required("kind", z.Kind)
	if z.BoardID == "" {
		p.Add("board_id is required: the id of the zone's management board (GET /boards lists them)")
	}
	p.Required("province", z.Province)
	p.Enum("kind", z.Kind, ZoneKinds)
	p.Enum("status", z.Status, ZoneStatuses)
	p.Enum("model", z.Model, ZoneModels)
	if z.Code != "" && !validCode(z.Code) {
		p.Add("code %q must be 2 to 63 characters of A-Z, 0-9 and -, starting with a letter or digit", z.Code)
	}
	if z.Enterprises != nil && *z.Enterprises < 0 {
		p.Add("enterprises must not be negative")
	}
	if z.Workers != nil && *z.Workers < 0 {
		p.Add("workers must not be negative")
	}
	if z.ParentID != nil && z.ID != 0 && *z.ParentID == z.ID {
		p.Add("parent_id cannot be the zone itself")
	}
	p.attributes(z.Attributes)
	return p.Err()
}

// validCode reports whether s is a zone code: 2 to 63 characters of A-Z,
// 0-9 and -, not starting with -.
func validCode(s string) bool {
	if len(s) < 2 || len(s) > 63 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// Validate fills in a parcel's default status (available) and checks it:
// a zone, a lot code of at most 64 characters, a known land use and
// status. It returns EINVALID listing every problem. (That a write may not
// set the status, which follows from the leases, is the write's rule, not
// the record's.)
func (pc *Parcel) Validate() error {
	if pc.Status == "" {
		pc.Status = ParcelAvailable
	}
	var p Problems
	if pc.ZoneID <= 0 {
		p.Add("zone_id is required")
	}
	p.Required("lot_code", pc.LotCode)
	p.Required("land_use", pc.LandUse)
	p.Enum("land_use", pc.LandUse, LandUses)
	p.Enum("status", pc.Status, ParcelStatuses)
	if len(pc.LotCode) > 64 {
		p.Add("lot_code is longer than 64 characters")
	}
	p.attributes(pc.Attributes)
	return p.Err()
}

// Validate checks a green area: a zone and a known kind. It returns
// EINVALID listing every problem.
func (g *GreenArea) Validate() error {
	var p Problems
	if g.ZoneID <= 0 {
		p.Add("zone_id is required")
	}
	p.Required("kind", g.Kind)
	p.Enum("kind", g.Kind, GreenKinds)
	p.attributes(g.Attributes)
	return p.Err()
}

// Validate normalizes a new lease (lessee and sector trimmed, country
// upper case) and checks it: a lessee and an ISO 3166-1 alpha-2 country
// (either may be left empty when it names its enterprise: EnterpriseID),
// start and end dates with end after start, capital and workers not
// negative. A zero Start or End is a missing one. It returns EINVALID
// listing every problem.
func (l *Lease) Validate() error {
	l.Lessee = strings.TrimSpace(l.Lessee)
	l.Sector = strings.TrimSpace(l.Sector)
	l.Country = strings.ToUpper(strings.TrimSpace(l.Country))
	var p Problems
	byEnterprise := l.EnterpriseID > 0 // the store fills in what is empty from the enterprise
	if !byEnterprise {
		p.Required("lessee", l.Lessee)
	}
	if c := l.Country; !(byEnterprise && c == "") && (len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z') {
		p.Add("country must be an ISO 3166-1 alpha-2 code such as VN, JP, KR")
	}
	if l.Start.IsZero() {
		p.Add("start is required (YYYY-MM-DD)")
	}
	if l.End.IsZero() {
		p.Add("end is required (YYYY-MM-DD)")
	}
	if !l.Start.IsZero() && !l.End.IsZero() && !l.End.After(l.Start) {
		p.Add("end must be after start")
	}
	if l.CapitalUSD < 0 {
		p.Add("capital_usd must not be negative")
	}
	if l.Workers < 0 {
		p.Add("workers must not be negative")
	}
	return p.Err()
}

// Validate normalizes a board (id lower case, text trimmed) and checks it:
// an id of 2 to 63 characters of a-z, 0-9 and - (the slug in URLs, such as
// hepza), Vietnamese and English names, a province, and a website that is
// empty or an http(s) URL. It returns EINVALID listing every problem.
func (b *Board) Validate() error {
	b.ID = strings.ToLower(strings.TrimSpace(b.ID))
	b.NameVI = strings.TrimSpace(b.NameVI)
	b.NameEN = strings.TrimSpace(b.NameEN)
	b.Province = strings.TrimSpace(b.Province)
	b.Website = strings.TrimSpace(b.Website)
	var p Problems
	p.Required("id", b.ID)
	if b.ID != "" && !ValidBoardID(b.ID) {
		p.Add("id %q must be 2 to 63 characters of a-z, 0-9 and -, starting with a letter or digit", b.ID)
	}
	p.Required("name_vi", b.NameVI)
	p.Required("name_en", b.NameEN)
	p.Required("province", b.Province)
	for _, f := range []struct{ name, v string }{{"name_vi", b.NameVI}, {"name_en", b.NameEN}, {"province", b.Province}} {
		if utf8.RuneCountInString(f.v) > 200 {
			p.Add("%s is longer than 200 characters", f.name)
		}
	}
	if w := b.Website; w != "" {
		if u, err := url.Parse(w); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(w) > 500 {
			p.Add("website %q must be an http or https URL (at most 500 characters), or empty", w)
		}
	}
	return p.Err()
}

// ValidBoardID reports whether s is a board id: 2 to 63 characters of
// a-z, 0-9 and -, not starting with - (the schema's CHECK).
func ValidBoardID(s string) bool {
	if len(s) < 2 || len(s) > 63 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
