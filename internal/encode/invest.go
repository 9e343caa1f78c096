package encode

// The enterprises' and projects' features (issue 18): geometry null (a
// project is located by its parcels), their properties as the API writes
// them, the confidential ones null to who does not see them.

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// EnterpriseProps are an enterprise's properties as its feature carries
// them; board_id, source, version and updated_at are read only.
type EnterpriseProps struct {
	BoardID            string  `json:"board_id"`
	MST                string  `json:"mst"`
	NameVI             string  `json:"name_vi"`
	NameEN             string  `json:"name_en"`
	Country            string  `json:"country"`
	VSIC               string  `json:"vsic"`
	VSICSection        string  `json:"vsic_section"` // read only
	HighTech           bool    `json:"high_tech"`
	SupportingIndustry bool    `json:"supporting_industry"`
	Contact            *string `json:"contact"` // null to who does not see it
	Source             string  `json:"source"`
	Synthetic          bool    `json:"synthetic"`
	Version            int64   `json:"version"`
	UpdatedAt          string  `json:"updated_at"`
}

// AdjustmentProps are a capital adjustment as a project carries it.
type AdjustmentProps struct {
	On        string          `json:"on"`
	IRCNumber string          `json:"irc_number"`
	Amount    zonegis.Decimal `json:"amount"`
	Rate      zonegis.Decimal `json:"rate"`
	RateDate  string          `json:"rate_date"`
	AmountUSD zonegis.Decimal `json:"amount_usd"`
	AmountVND zonegis.Decimal `json:"amount_vnd"`
}

// DisbursementProps are a year's disbursement as a project carries it.
type DisbursementProps struct {
	Year      int             `json:"year"`
	Amount    zonegis.Decimal `json:"amount"`
	Rate      zonegis.Decimal `json:"rate"`
	RateDate  string          `json:"rate_date"`
	AmountUSD zonegis.Decimal `json:"amount_usd"`
	AmountVND zonegis.Decimal `json:"amount_vnd"`
}

// ProjectProps are a project's properties as its feature carries them;
// board_id, the equivalents, version and updated_at are read only. The
// adjustments and disbursements are members of the project (written with
// it, under its ETag) rather than sub-resources: they are a few rows that
// mean nothing apart from it, and one version covers the whole record.
type ProjectProps struct {
	IRCNumber             string              `json:"irc_number"`
	IRCDate               string              `json:"irc_date"`
	EnterpriseID          int64               `json:"enterprise_id"`
	ZoneID                int64               `json:"zone_id"`
	BoardID               string              `json:"board_id"`
	NameVI                string              `json:"name_vi"`
	NameEN                string              `json:"name_en"`
	Origin                string              `json:"origin"`
	Currency              string              `json:"currency"`
	Capital               zonegis.Decimal     `json:"capital"`
	Rate                  zonegis.Decimal     `json:"rate"`
	RateDate              string              `json:"rate_date"`
	CapitalUSD            zonegis.Decimal     `json:"capital_usd"`
	CapitalVND            zonegis.Decimal     `json:"capital_vnd"`
	Status                string              `json:"status"`
	WorkersPlannedVN      int32               `json:"workers_planned_vn"`
	WorkersPlannedForeign int32               `json:"workers_planned_foreign"`
	WorkersVN             int32               `json:"workers_vn"`
	WorkersForeign        int32               `json:"workers_foreign"`
	ParcelIDs             []int64             `json:"parcel_ids"`
	Adjustments           []AdjustmentProps   `json:"adjustments"`
	Disbursements         []DisbursementProps `json:"disbursements"`
	Synthetic             bool                `json:"synthetic"`
	Version               int64               `json:"version"`
	UpdatedAt             string              `json:"updated_at"`
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// EnterpriseOf is e's properties; its contact only when sees.
func EnterpriseOf(e *zonegis.Enterprise, sees bool) EnterpriseProps {
	p := EnterpriseProps{BoardID: e.BoardID, MST: e.MST, NameVI: e.NameVI, NameEN: e.NameEN, Country: e.Country, VSIC: e.VSIC,
		VSICSection: zonegis.VSICSectionOf(e.VSICDivision()), HighTech: e.HighTech, SupportingIndustry: e.SupportingIndustry,
		Source: e.Source, Synthetic: e.Synthetic, Version: e.Version, UpdatedAt: e.UpdatedAt.UTC().Format(time.RFC3339)}
	if sees {
		c := e.Contact
		p.Contact = &c
	}
	return p
}

// ProjectOf is p's properties; its amounts (capital, adjustments',
// disbursements', their equivalents) only when sees, else null.
func ProjectOf(p *zonegis.Project, sees bool) ProjectProps {
	hide := func(d zonegis.Decimal) zonegis.Decimal {
		if sees {
			return d
		}
		return ""
	}
	w := ProjectProps{IRCNumber: p.IRCNumber, IRCDate: day(p.IRCDate), EnterpriseID: p.EnterpriseID, ZoneID: p.ZoneID, BoardID: p.BoardID,
		NameVI: p.NameVI, NameEN: p.NameEN, Origin: p.Origin, Currency: p.Currency, Capital: hide(p.Capital), Rate: p.Rate,
		RateDate: day(p.RateDate), CapitalUSD: hide(p.CapitalUSD), CapitalVND: hide(p.CapitalVND), Status: p.Status,
		WorkersPlannedVN: p.WorkersPlannedVN, WorkersPlannedForeign: p.WorkersPlannedForeign, WorkersVN: p.WorkersVN,
		WorkersForeign: p.WorkersForeign, ParcelIDs: p.ParcelIDs, Synthetic: p.Synthetic, Version: p.Version,
		UpdatedAt:   p.UpdatedAt.UTC().Format(time.RFC3339),
		Adjustments: []AdjustmentProps{}, Disbursements: []DisbursementProps{}}
	if w.ParcelIDs == nil {
		w.ParcelIDs = []int64{}
	}
	for _, a := range p.Adjustments {
		w.Adjustments = append(w.Adjustments, AdjustmentProps{On: day(a.On), IRCNumber: a.IRCNumber, Amount: hide(a.Amount), Rate: a.Rate,
			RateDate: day(a.RateDate), AmountUSD: hide(a.AmountUSD), AmountVND: hide(a.AmountVND)})
	}
	for _, d := range p.Disbursements {
		w.Disbursements = append(w.Disbursements, DisbursementProps{Year: d.Year, Amount: hide(d.Amount), Rate: d.Rate,
			RateDate: day(d.RateDate), AmountUSD: hide(d.AmountUSD), AmountVND: hide(d.AmountVND)})
	}
	return w
}

// AppendFeature appends a GeoJSON Feature of collection's record id with
// props and no geometry (null: located by its parcels).
func AppendFeature(b []byte, id int64, props any) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"geometry":null,"properties":`...)
	j, err := json.Marshal(props)
	if err != nil { // the props are this package's structs: cannot fail
		j = []byte("{}")
	}
	return append(append(b, j...), '}')
}
