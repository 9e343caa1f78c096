package crs_test

import (
	"fmt"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func ExampleParse() {
	c, err := crs.Parse("urn:ogc:def:crs:EPSG::9210")
	fmt.Println(c.SRS(), c.Name, c.Kind, c.CentralMeridianDeg, err)
	_, err = crs.Parse("EPSG:3857")
	fmt.Println(zonegis.ErrorMessage(err))
	// Output:
	// EPSG:9210 VN-2000 / TM-3 105-45 TM-3 105.75 <nil>
	// crs: "EPSG:3857" is not supported; accepted: EPSG 4326, 4756, 3405–3406, 5896–5899, 9205–9218 (WGS 84, VN-2000, its UTM and TM-3 zones), as EPSG:NNNN, NNNN, http://www.opengis.net/def/crs/EPSG/0/NNNN or urn:ogc:def:crs:EPSG::NNNN, or CRS84 (OGC:CRS84, http://www.opengis.net/def/crs/OGC/1.3/CRS84)
}

func ExampleForProvince() {
	p, _ := crs.ForProvince("Đồng Nai")
	fmt.Println(p.Code, p.Name, p.CRS.SRS(), p.CRS.Name)
	for _, f := range p.Former {
		fmt.Println(" former", f.Name, f.CRS.SRS())
	}
	// Output:
	// 75 Đồng Nai EPSG:5899 VN-2000 / TM-3 107-45
	//  former Đồng Nai EPSG:5899
	//  former Bình Phước EPSG:9212
}
