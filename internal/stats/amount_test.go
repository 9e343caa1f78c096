package stats

import "testing"

func TestDiscloseAmountRule(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		name  string
		in    amountSum
		exact bool
		want  Amount
	}{
		{"exact, one enterprise", amountSum{"146000000000000.37", "146000000000000.37", 1, nil}, true, Amount{s("146000000000000.37"), nil, DisclosureExact}},
		{"nothing", amountSum{}, false, Amount{s("0"), nil, DisclosureExact}},
		{"one enterprise", amountSum{"1234567.89", "1234567.89", 1, nil}, false, Amount{nil, nil, DisclosureFewEnterprises}},
		{"two enterprises", amountSum{"30000000", "20000000", 2, nil}, false, Amount{nil, nil, DisclosureFewEnterprises}},
		{"three, rounded down", amountSum{"5432100.50", "900000.00", 3, nil}, false, Amount{s("5000000"), s("1000000"), DisclosureRounded}},
		{"half rounds up", amountSum{"1500000.00", "500000.00", 3, nil}, false, Amount{s("2000000"), s("1000000"), DisclosureRounded}},
		{"just under half", amountSum{"1499999.99", "500000.00", 3, nil}, false, Amount{s("1000000"), s("1000000"), DisclosureRounded}},
		{"an enterprise at the unit", amountSum{"2500000", "1000000", 3, nil}, false, Amount{s("3000000"), s("1000000"), DisclosureRounded}},
		{"an enterprise above the unit", amountSum{"5400000", "1000000.01", 9, nil}, false, Amount{nil, nil, DisclosureDominantEnt}},
		{"đồng beyond float64's exact integers", amountSum{"146123456789012345.67", "9000000000000000", 400, nil}, false,
			Amount{s("100000000000000000"), s("100000000000000000"), DisclosureRounded}},
		{"nothing net", amountSum{"0.00", "10.00", 4, nil}, false, Amount{nil, nil, DisclosureDominantEnt}},
		{"under a dollar", amountSum{"0.60", "0.30", 3, nil}, false, Amount{s("1"), s("1"), DisclosureRounded}},
	} {
		got := c.in.disclose(c.exact)
		if !sameText(got.Value, c.want.Value) || !sameText(got.Rounding, c.want.Rounding) || got.Disclosure != c.want.Disclosure {
			t.Errorf("%s: %+v → %s; want %s", c.name, c.in, showAmount(got), showAmount(c.want))
		}
	}
	// A figure is exact to an audience of every board contributing.
	a := amountSum{"1234567.89", "1234567.89", 1, []string{"hepza", "deza"}}
	for _, c := range []struct {
		au    Audience
		exact bool
	}{{Public, false}, {BoardsAudience("hepza"), false}, {BoardsAudience("hepza", "deza"), true}, {Confidential, true}} {
		if got := a.discloseTo(c.au); (got.Disclosure == DisclosureExact) != c.exact {
			t.Errorf("%+v: %s", c.au, showAmount(got))
		}
	}
}

func sameText(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func showAmount(a Amount) string {
	v, u := "null", "null"
	if a.Value != nil {
		v = *a.Value
	}
	if a.Rounding != nil {
		u = *a.Rounding
	}
	return v + " ±" + u + " (" + a.Disclosure + ")"
}
