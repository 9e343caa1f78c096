// Package api embeds the OpenAPI 3.0 document of the zonegis API, the source
// of truth for its routes (a test checks the router against it).
package api

import _ "embed"

// OpenAPI is api/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
