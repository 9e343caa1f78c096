// Package featurejson decodes land-record features as GeoJSON, strictly:
// a Feature with a Polygon or MultiPolygon read in one pass over its bytes,
// its properties matched to the record's fields by exact name (unknown
// members and wrong types are errors that name the field), text that the
// database can store, coordinates finite and in range. Every error is a
// zonegis EINVALID (or ETOOLARGE) whose message a client can act on.
//
// It knows nothing of HTTP or of the store: the HTTP API and the import
// pipeline (internal/registry) both decode with it.
package featurejson
