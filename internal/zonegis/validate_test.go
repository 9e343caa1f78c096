package zonegis_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// problemsOf returns the problems listed by a Validate error.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	if zonegis.ErrorCode(err) != zonegis.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	return err.(*zonegis.Error).Details["problems"].([]string)
}

func TestZoneValidate(t *testing.T) {
	z := &zonegis.Zone{Code: "vsip-1", NameVI: "VSIP", NameEN: "VSIP", Kind: zonegis.KindIndustrialPark, BoardID: "bql-binh-duong", Province: "Bình Dương"}
	if err := z.Validate(); err != nil {
		t.Fatal(err)
	}
	if z.Code != "VSIP-1" || z.Status != zonegis.ZoneOperating || z.Model != zonegis.ModelConventional || z.Source != "manual" {
		t.Errorf("defaults: %+v", z)
	}
	neg := int32(-1)
	id := int64(4)
	bad := &zonegis.Zone{ID: 4, Code: "-X", Kind: "mall", Workers: &neg, ParentID: &id}
	got := problemsOf(t, bad.Validate())
	want := []string{"name_vi is required", "name_en is required",
		"board_id is required: the id of the zone's management board (GET /boards lists them)", "province is required",
		`kind "mall" is not one of industrial_park, export_processing_zone, high_tech_park, economic_zone`,
		`code "-X" must be 2 to 63 characters of A-Z, 0-9 and -, starting with a letter or digit`,
		"workers must not be negative", "parent_id cannot be the zone itself"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}
}

func TestParcelAndGreenValidate(t *testing.T) {
	pc := &zonegis.Parcel{ZoneID: 1, LotCode: "A1", LandUse: "industrial"}
	if err := pc.Validate(); err != nil || pc.Status != zonegis.ParcelAvailable {
		t.Fatalf("err %v, status %q", err, pc.Status)
	}
	got := problemsOf(t, (&zonegis.Parcel{LandUse: "farm"}).Validate())
	if len(got) != 3 || got[0] != "zone_id is required" || got[1] != "lot_code is required" {
		t.Errorf("parcel problems %q", got)
	}
	got = problemsOf(t, (&zonegis.GreenArea{Kind: "lawn"}).Validate())
	if len(got) != 2 || got[0] != "zone_id is required" {
		t.Errorf("green problems %q", got)
	}
}

func TestLeaseValidate(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	l := &zonegis.Lease{Lessee: " Acme ", Country: " jp", Start: d("2026-01-01"), End: d("2076-01-01")}
	if err := l.Validate(); err != nil || l.Lessee != "Acme" || l.Country != "JP" {
		t.Fatalf("err %v, lease %+v", err, l)
	}
	got := problemsOf(t, (&zonegis.Lease{Country: "JPN", Start: d("2026-01-01"), End: d("2025-01-01"), CapitalUSD: -1, Workers: -1}).Validate())
	want := []string{"lessee is required", "country must be an ISO 3166-1 alpha-2 code such as VN, JP, KR",
		"end must be after start", "capital_usd must not be negative", "workers must not be negative"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}
	got = problemsOf(t, (&zonegis.Lease{Lessee: "A", Country: "VN"}).Validate())
	if !reflect.DeepEqual(got, []string{"start is required (YYYY-MM-DD)", "end is required (YYYY-MM-DD)"}) {
		t.Errorf("dates missing: %q", got)
	}
}

// A board is checked whole: id, names, province, website; normalized first.
func TestBoardValidate(t *testing.T) {
	b := &zonegis.Board{ID: " BQL-Dong-Nai ", NameVI: " Ban Quản lý ", NameEN: "DIZA", Province: "Đồng Nai", Website: "https://diza.vn"}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if b.ID != "bql-dong-nai" || b.NameVI != "Ban Quản lý" {
		t.Errorf("normalized: %+v", b)
	}
	bad := &zonegis.Board{ID: "x", NameEN: strings.Repeat("é", 201), Website: "javascript:alert(1)"}
	got := problemsOf(t, bad.Validate())
	want := []string{`id "x" must be 2 to 63 characters of a-z, 0-9 and -, starting with a letter or digit`,
		"name_vi is required", "province is required", "name_en is longer than 200 characters",
		`website "javascript:alert(1)" must be an http or https URL (at most 500 characters), or empty`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}
	// A patch keeps what it does not name.
	name := "Ban mới"
	b.Apply(zonegis.BoardPatch{NameVI: &name})
	if b.NameVI != name || b.NameEN != "DIZA" || b.Website != "https://diza.vn" {
		t.Errorf("applied: %+v", b)
	}
}
