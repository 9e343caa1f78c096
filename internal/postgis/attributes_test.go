package postgis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestAttributesStored: attributes go into the jsonb column and come back
// compact, in jsonb's order, numbers as numeric prints them, nil for none
// or {}; the schema's CHECK refuses what the API would (nested values, an
// empty name, too much text) from a writer that skips the API, with a
// sentence naming attributes; a retired parcel keeps them.
func TestAttributesStored(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: "12/45", LandUse: "industrial", Boundary: rect(106.701, 10.751, 106.702, 10.752),
		Attributes: zonegis.Attributes(`{"DIA_CHI":"Đường số 3","MDSD":"SKC","GIA":1.50e1,"OK":true,"X":null}`)}
	if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	const want = `{"X":null,"OK":true,"GIA":15.0,"MDSD":"SKC","DIA_CHI":"Đường số 3"}`
	if string(p.Attributes) != want {
		t.Errorf("as written: %s; want %s (jsonb's order and numbers)", p.Attributes, want)
	}
	got, err := db.ParcelsByID(ctx, []int64{p.ID})
	if err != nil || len(got) != 1 || string(got[0].Attributes) != want {
		t.Fatalf("read back: %v %v", got, err)
	}
	none := &zonegis.Parcel{ZoneID: z.ID, LotCode: "12/46", LandUse: "industrial", Boundary: rect(106.703, 10.751, 106.704, 10.752)}
	if _, err := db.CreateParcel(ctx, zonegis.System, none); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `UPDATE parcels SET attributes = '{}' WHERE id = $1`, none.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ParcelsByID(ctx, []int64{none.ID}); err != nil || got[0].Attributes != nil {
		t.Errorf("{} read back as %q, %v; want nil", got[0].Attributes, err)
	}
	for _, bad := range []string{`{"a":{"b":1}}`, `{"a":[1]}`, `{"":1}`, `[1]`, `"x"`, `{"a":"` + strings.Repeat("x", 20480) + `"}`} {
		q := &zonegis.Parcel{ZoneID: z.ID, LotCode: "BAD", LandUse: "industrial", Boundary: rect(106.705, 10.751, 106.706, 10.752),
			Attributes: zonegis.Attributes(bad)}
		_, err := db.CreateParcel(ctx, zonegis.System, q)
		wantCode(t, err, zonegis.EINVALID, "attributes must be a flat JSON object")
	}
	// A split retires the parcel with its attributes; the pieces start
	// with none.
	pieces, _, err := db.SplitParcel(ctx, zonegis.System, p.ID, 0, orb.LineString{{106.7015, 10.7505}, {106.7015, 10.7525}},
		[]zonegis.SplitLot{{LotCode: "12/45a", LandUse: "industrial"}, {LotCode: "12/45b", LandUse: "industrial"}})
	if err != nil || len(pieces) != 2 {
		t.Fatalf("split: %v %v", pieces, err)
	}
	for _, c := range pieces {
		if c.Attributes != nil {
			t.Errorf("piece %d has attributes %s", c.ID, c.Attributes)
		}
	}
	var retired []byte
	if err := db.Pool().QueryRow(ctx, `SELECT attributes FROM parcels_retired WHERE id = $1`, p.ID).Scan(&retired); err != nil || !strings.Contains(string(retired), "Đường số 3") {
		t.Errorf("retired attributes %s, %v", retired, err)
	}
}
