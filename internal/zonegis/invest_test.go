package zonegis

import (
	"strings"
	"testing"
	"time"
)

// TestMSTProblem checks the tax-code rule on real codes (Viettel's
// 0100109106, the worked example 0100047516) and on codes one digit off.
func TestMSTProblem(t *testing.T) {
	for _, s := range []string{"0100109106", "0100047516", "0100109106-001"} {
		if m := MSTProblem(s); m != "" {
			t.Errorf("%s: %s", s, m)
		}
	}
	for s, want := range map[string]string{
		"0100109107": "check digit", "0100047515": "check digit", "010010910": "10 digits", "0100109106-01": "10 digits",
		"0100109106001": "10 digits", "0000000000": "not a tax code", "0100109106-000": "not a tax code", "01001O9106": "10 digits",
	} {
		if m := MSTProblem(s); !strings.Contains(m, want) {
			t.Errorf("%s: %q, want it to say %q", s, m, want)
		}
	}
	if got := NormalizeMST(" 0100109106001 "); got != "0100109106-001" {
		t.Errorf("NormalizeMST = %q", got)
	}
}

// TestInvestValidate names each bad field.
func TestInvestValidate(t *testing.T) {
	e := Enterprise{NameVI: " ", Country: "Japan", MST: "123", VSIC: "04"}
	err := e.Validate()
	for _, want := range []string{"name_vi is required", "country must be", "mst must be", `vsic "04" is in no division`} {
		if !strings.Contains(ErrorMessage(err), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
	d := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	p := Project{IRCNumber: "1", IRCDate: d, EnterpriseID: 1, ZoneID: 1, NameVI: "P", Origin: "fdi", Currency: "eur", Capital: "1e6", Rate: "-1", RateDate: d,
		Adjustments:   []CapitalAdjustment{{On: d, Amount: "0", Rate: "23000", RateDate: d}},
		Disbursements: []Disbursement{{Year: 2020, Amount: "1.234", Rate: "23000", RateDate: d}, {Year: 2020, Amount: "1", Rate: "1", RateDate: d}}}
	err = p.Validate()
	for _, want := range []string{`currency "EUR" is not one of`, "capital must be a decimal", "rate must be a positive", "adjustments[0].amount must not be zero",
		"disbursements[0].amount must have at most 22 digits before the point and 2 after", "disbursements[1].year 2020 is given twice"} {
		if !strings.Contains(ErrorMessage(err), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
	if u, v := Equivalents("1000000", CurrencyUSD, "23145.5"); u != "1000000.00" || v != "23145500000" {
		t.Errorf("Equivalents = %s, %s", u, v)
	}
}
