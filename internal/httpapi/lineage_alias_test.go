package httpapi

import "github.com/zonegis/zonegis/internal/registry"

// decodeLine is the split line's decoder, which moved to registry; the
// text tests here still check its messages.
var decodeLine = registry.DecodeLine
