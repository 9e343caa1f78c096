package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// What a posted enterprise or project Feature says (the read side of
// encode.EnterpriseProps and encode.ProjectProps), each problem naming its
// field.

// feature is a posted Feature: what a write reads of it.
type feature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
	Links      json.RawMessage `json:"links"`
}

// readFeature reads body, a GeoJSON Feature whose geometry is null or
// absent, into into (over what it holds: a patch), naming the field of
// any error. It returns the body's id member (nil when absent).
func readFeature(body []byte, into any) (json.RawMessage, error) {
	var f feature
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return nil, fieldError("", err)
	}
	if f.Type != "Feature" {
		return nil, invalid("type: want \"Feature\", got %q", f.Type)
	}
	if g := bytes.TrimSpace(f.Geometry); len(g) > 0 && string(g) != "null" {
		return nil, invalid("geometry: must be null; enterprises and projects have no geometry of their own (a project is located by its parcel_ids)")
	}
	if len(f.Properties) == 0 || string(f.Properties) == "null" {
		return f.ID, nil
	}
	d = json.NewDecoder(bytes.NewReader(f.Properties))
	d.DisallowUnknownFields()
	if err := d.Decode(into); err != nil {
		return nil, fieldError("properties.", err)
	}
	return f.ID, nil
}

// fieldError names the field of a decoding error.
func fieldError(prefix string, err error) error {
	var te *json.UnmarshalTypeError
	var ze *zonegis.Error
	switch {
	case errors.As(err, &te):
		return invalid("%s%s: want a %s, not a %s", prefix, te.Field, te.Type, te.Value)
	case errors.As(err, &ze):
		return ze
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid("%s%s: no such property", prefix, strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	}
	return invalid("%sthe body is not valid JSON: %v", prefix, err)
}

// date parses a YYYY-MM-DD property; "" is the zero time.
func dateProp(name, s string, problems *zonegis.Problems) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		problems.Add("%s: want a date YYYY-MM-DD, not %q", name, s)
	}
	return t
}

// EnterpriseJSON is what body (a Feature) says of an enterprise, over cur (a
// patch) or over a new one; the read-only properties are ignored.
func EnterpriseJSON(body []byte, cur *zonegis.Enterprise) (*zonegis.Enterprise, json.RawMessage, error) {
	w := encode.EnterpriseProps{}
	if cur != nil {
		w = encode.EnterpriseOf(cur, true)
	}
	id, err := readFeature(body, &w)
	if err != nil {
		return nil, nil, err
	}
	e := &zonegis.Enterprise{Source: zonegis.SourceManual}
	if cur != nil {
		*e = *cur
	}
	e.MST, e.NameVI, e.NameEN, e.Country, e.VSIC = w.MST, w.NameVI, w.NameEN, w.Country, w.VSIC
	e.HighTech, e.SupportingIndustry, e.Synthetic = w.HighTech, w.SupportingIndustry, w.Synthetic
	e.Contact = ""
	if w.Contact != nil {
		e.Contact = *w.Contact
	}
	if cur == nil {
		e.BoardID = w.BoardID // a new enterprise names its board; an existing one keeps it
	}
	return e, id, nil
}

// ProjectJSON is what body (a Feature) says of a project, over cur (a patch)
// or over a new one; the read-only properties are ignored.
func ProjectJSON(body []byte, cur *zonegis.Project) (*zonegis.Project, json.RawMessage, error) {
	w := encode.ProjectProps{}
	if cur != nil {
		w = encode.ProjectOf(cur, true)
	}
	id, err := readFeature(body, &w)
	if err != nil {
		return nil, nil, err
	}
	p := &zonegis.Project{}
	if cur != nil {
		*p = *cur
	}
	var probs zonegis.Problems
	p.IRCNumber, p.IRCDate, p.EnterpriseID, p.ZoneID = w.IRCNumber, dateProp("irc_date", w.IRCDate, &probs), w.EnterpriseID, w.ZoneID
	p.NameVI, p.NameEN, p.Origin, p.Currency, p.Capital, p.Rate = w.NameVI, w.NameEN, w.Origin, w.Currency, w.Capital, w.Rate
	p.RateDate, p.Status = dateProp("rate_date", w.RateDate, &probs), w.Status
	p.WorkersPlannedVN, p.WorkersPlannedForeign, p.WorkersVN, p.WorkersForeign = w.WorkersPlannedVN, w.WorkersPlannedForeign, w.WorkersVN, w.WorkersForeign
	p.ParcelIDs, p.Synthetic = w.ParcelIDs, w.Synthetic
	p.Adjustments, p.Disbursements = nil, nil
	for i, a := range w.Adjustments {
		at := "adjustments[" + strconv.Itoa(i) + "]."
		p.Adjustments = append(p.Adjustments, zonegis.CapitalAdjustment{On: dateProp(at+"on", a.On, &probs), IRCNumber: a.IRCNumber,
			Amount: a.Amount, Rate: a.Rate, RateDate: dateProp(at+"rate_date", a.RateDate, &probs)})
	}
	for i, d := range w.Disbursements {
		at := "disbursements[" + strconv.Itoa(i) + "]."
		p.Disbursements = append(p.Disbursements, zonegis.Disbursement{Year: d.Year, Amount: d.Amount, Rate: d.Rate,
			RateDate: dateProp(at+"rate_date", d.RateDate, &probs)})
	}
	if len(probs) > 0 { // the record's own problems too, all at once
		var ze *zonegis.Error
		if err := p.Validate(); errors.As(err, &ze) {
			ps, _ := ze.Details["problems"].([]string)
			probs = append(probs, ps...)
		}
		return nil, nil, probs.Err()
	}
	return p, id, nil
}
