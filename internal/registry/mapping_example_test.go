package registry_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/source"
)

// An assessor's record mapped to a parcel: the tờ/thửa key composed, the
// land-use code translated, the zone given, the rest kept as attributes.
func ExampleMapping_Candidate() {
	m, err := registry.ParseMapSpec("parcels", `lot_code={SHBANDO}/{SO_THUA},land_use=MDSD,zone_id="3"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &source.Record{Index: 0, Fields: []source.Field{
		{Name: "SHBANDO", Value: int64(12)}, {Name: "SO_THUA", Value: "45"}, {Name: "MDSD", Value: "SKC"},
		{Name: "DIA_CHI", Value: "Đường số 3, KCX Tân Thuận"}, {Name: "GIA_TRI", Value: 12500000.5},
	}, Geometry: orb.Polygon{{{106.7, 10.7}, {106.701, 10.7}, {106.701, 10.701}, {106.7, 10.7}}}}
	if err := m.Check([]string{"SHBANDO", "SO_THUA", "MDSD", "DIA_CHI", "GIA_TRI"}); err != nil {
		fmt.Println(err)
		return
	}
	c := m.Candidate(r)
	fmt.Println(string(c.Feature), c.Problems)
	// Output:
	// {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.701,10.7],[106.701,10.701],[106.7,10.7]]]},"properties":{"lot_code":"12/45","land_use":"industrial","zone_id":3,"attributes":{"MDSD":"SKC","DIA_CHI":"Đường số 3, KCX Tân Thuận","GIA_TRI":12500000.5}}} []
}
