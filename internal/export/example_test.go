package export_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// A parcel as CSV with its geometry as WKT and its attributes as JSON text.
func ExampleNewWriter() {
	p := &zonegis.Parcel{ID: 7, ZoneID: 3, LotCode: "A-01", LandUse: "industrial", Status: "leased", Synthetic: true,
		Attributes: zonegis.Attributes(`{"MDSD":"SKC","DIA_CHI":"Đường số 3, P. Tân Thuận"}`),
		AreaM2:     10000, Version: 2, UpdatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Boundary: orb.MultiPolygon{{{{106.7, 10.7}, {106.701, 10.7}, {106.701, 10.701}, {106.7, 10.7}}}}}
	var out strings.Builder
	w, err := export.NewWriter(context.Background(), &out, export.Options{Format: export.CSV, Layers: []*export.Layer{export.Parcels}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var f export.Feature
	export.ParcelFeature(&f, p)
	if err := w.Write(&f); err != nil {
		fmt.Println(err)
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Fprint(os.Stdout, strings.ReplaceAll(out.String(), "\r\n", "\n"))
	// Output:
	// id,zone_id,lot_code,land_use,status,synthetic,attributes,area_m2,area_ha,version,updated_at,wkt
	// 7,3,A-01,industrial,leased,true,"{""MDSD"":""SKC"",""DIA_CHI"":""Đường số 3, P. Tân Thuận""}",10000,1,2,2025-01-02T03:04:05Z,"MULTIPOLYGON (((106.7 10.7, 106.701 10.7, 106.701 10.701, 106.7 10.7)))"
}
