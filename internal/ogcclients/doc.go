// Package ogcclients is the real-client suite of the OGC API: tests only.
// Its tests start the API over a seeded PostGIS (OpenStreetMap zone
// boundaries, © OpenStreetMap contributors, ODbL; synthetic parcels) and
// speak to it with the clients GIS analysts use:
//
//   - ets_test.go: our own OGC API - Features conformance checks, each named
//     after the assertion of the OGC executable test suite
//     (opengeospatial/ets-ogcapi-features10) it mirrors, since that suite
//     needs Maven Central or Docker, which our machines lack;
//   - owslib_test.go: OWSLib (python3-owslib) through testdata/owslib_check.py;
//   - gdal_test.go: GDAL's ogrinfo and ogr2ogr (gdal-bin);
//   - qgis_test.go: headless PyQGIS (python3-qgis) through
//     testdata/qgis_check.py.
//
// The Python clients run under Debian's /usr/bin/python3, where the Debian
// packages install them. Every client run has a timeout, and the requests
// the server received are logged by the test harness (requestLog), so a
// test can tell whether a client sent a filter to the server or filtered
// pages itself.
package ogcclients
