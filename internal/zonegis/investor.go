package zonegis

import (
	"net/mail"
	"net/url"
	"regexp"
	"unicode/utf8"
)

// InvestorFacts are what investors compare between zones (issue 15): the
// zone's board keeps them, and each is unknown (nil, "" for text) until it
// says; nothing is ever filled in by guess. Money is US dollars, areas m².
type InvestorFacts struct {
	// Land rent for the whole lease term, USD per m², as zones quote it:
	// a range (min = max for a single price).
	RentMinUSDM2, RentMaxUSDM2 *float64
	// RentTermEnds are the years the quoted lease terms end (the zone's
	// land-use term; more than one where phases differ); nil when unknown.
	RentTermEnds []int32
	FeeUSDM2Year *float64 // management (service) fee, USD per m² a year
	PowerMVA     *float64 // power supply capacity of the zone's substations, MVA
	WaterM3Day   *float64 // clean water supply capacity, m³ a day
	// WastewaterM3Day is the zone's wastewater treatment capacity, m³ a day.
	WastewaterM3Day            *float64
	IncentivesVI, IncentivesEN string // investment incentives, in Vietnamese and English
	// The developer's or board's sales contact: public, unlike a
	// lessee's contact (which is confidential).
	ContactName, ContactPhone, ContactEmail, ContactWebsite string
}

// InvestorField is one of the investor facts as a property: its name in
// GeoJSON, queryables and the database, a title with its unit, and where
// it lives (Num for numbers, Text for text; RentTermEnds is the one list).
type InvestorField struct {
	Name, Title string
	Num         func(*InvestorFacts) **float64
	Text        func(*InvestorFacts) *string
	Max         float64 // a number's largest value; a text's most characters
}

// InvestorTermEnds is the name of the one list property, RentTermEnds.
const InvestorTermEnds = "rent_term_ends"

// InvestorFields lists the investor facts in the order features carry
// them (rent_term_ends after rent_max_usd_m2, see InvestorTermEnds).
var InvestorFields = []InvestorField{
	{Name: "rent_min_usd_m2", Title: "Land rent, lowest (USD per m² for the lease term)", Max: 100000, Num: func(f *InvestorFacts) **float64 { return &f.RentMinUSDM2 }},
	{Name: "rent_max_usd_m2", Title: "Land rent, highest (USD per m² for the lease term)", Max: 100000, Num: func(f *InvestorFacts) **float64 { return &f.RentMaxUSDM2 }},
	{Name: "fee_usd_m2_year", Title: "Management fee (USD per m² a year)", Max: 10000, Num: func(f *InvestorFacts) **float64 { return &f.FeeUSDM2Year }},
	{Name: "power_mva", Title: "Power supply capacity (MVA)", Max: 100000, Num: func(f *InvestorFacts) **float64 { return &f.PowerMVA }},
	{Name: "water_m3_day", Title: "Water supply capacity (m³ a day)", Max: 10000000, Num: func(f *InvestorFacts) **float64 { return &f.WaterM3Day }},
	{Name: "wastewater_m3_day", Title: "Wastewater treatment capacity (m³ a day)", Max: 10000000, Num: func(f *InvestorFacts) **float64 { return &f.WastewaterM3Day }},
	{Name: "incentives_vi", Title: "Investment incentives (Vietnamese)", Max: 4000, Text: func(f *InvestorFacts) *string { return &f.IncentivesVI }},
	{Name: "incentives_en", Title: "Investment incentives (English)", Max: 4000, Text: func(f *InvestorFacts) *string { return &f.IncentivesEN }},
	{Name: "contact_name", Title: "Developer or board contact: name", Max: 200, Text: func(f *InvestorFacts) *string { return &f.ContactName }},
	{Name: "contact_phone", Title: "Developer or board contact: phone", Max: 32, Text: func(f *InvestorFacts) *string { return &f.ContactPhone }},
	{Name: "contact_email", Title: "Developer or board contact: email", Max: 254, Text: func(f *InvestorFacts) *string { return &f.ContactEmail }},
	{Name: "contact_website", Title: "Developer or board contact: website", Max: 500, Text: func(f *InvestorFacts) *string { return &f.ContactWebsite }},
}

// Clear makes the field unknown in f.
func (fl InvestorField) Clear(f *InvestorFacts) {
	switch {
	case fl.Num != nil:
		*fl.Num(f) = nil
	case fl.Text != nil:
		*fl.Text(f) = ""
	}
}

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 ().-]{5,30}$`)

// validate records the facts' problems in p: numbers not negative nor
// above their field's Max, the rent range in order, term-end years from
// 1990 to 2200 (1 to 8 of them), text no longer than its Max, a phone of
// digits, spaces and + ( ) . -, an email address, an http(s) website.
func (f *InvestorFacts) validate(p *Problems) {
	for _, fl := range InvestorFields {
		switch {
		case fl.Num != nil:
			if v := *fl.Num(f); v != nil && (*v < 0 || *v > fl.Max || *v != *v) {
				p.Add("%s must be from 0 to %v (%s), or null when unknown", fl.Name, fl.Max, fl.Title)
			}
		case fl.Text != nil:
			if n := utf8.RuneCountInString(*fl.Text(f)); n > int(fl.Max) {
				p.Add("%s is %d characters, more than the %v allowed", fl.Name, n, fl.Max)
			}
		}
	}
	if f.RentMinUSDM2 != nil && f.RentMaxUSDM2 != nil && *f.RentMinUSDM2 > *f.RentMaxUSDM2 {
		p.Add("rent_min_usd_m2 (%v) is more than rent_max_usd_m2 (%v)", *f.RentMinUSDM2, *f.RentMaxUSDM2)
	}
	if f.RentTermEnds != nil {
		if len(f.RentTermEnds) < 1 || len(f.RentTermEnds) > 8 {
			p.Add("rent_term_ends: give 1 to 8 years, or null when unknown")
		}
		for _, y := range f.RentTermEnds {
			if y < 1990 || y > 2200 {
				p.Add("rent_term_ends: %d is not a year from 1990 to 2200", y)
			}
		}
	}
	if v := f.ContactPhone; v != "" && !phonePattern.MatchString(v) {
		p.Add("contact_phone %q must be 6 to 32 digits, spaces and + ( ) . - (such as +84 28 3770 1234)", v)
	}
	if v := f.ContactEmail; v != "" {
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			p.Add("contact_email %q is not an email address (such as sales@example.vn)", v)
		}
	}
	if w := f.ContactWebsite; w != "" {
		if u, err := url.Parse(w); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.Add("contact_website %q must be an http or https URL", w)
		}
	}
}
