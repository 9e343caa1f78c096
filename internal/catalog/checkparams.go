package catalog

import (
	"net/url"
	"slices"
	"strings"
)

// CheckParams rejects query parameters outside allowed (OGC API - Features
// /req/core/query-param-unknown) and repeated parameters.
func CheckParams(q url.Values, allowed ...string) error {
	for k, v := range q {
		if err := CheckParam(k, len(v), allowed); err != nil {
			return err
		}
	}
	return nil
}

// CheckParam is CheckParams for one parameter k given n times.
func CheckParam(k string, n int, allowed []string) error {
	if !slices.Contains(allowed, k) && !(IsAttributeFilter(k) && slices.Contains(allowed, AttributesFilter)) {
		return invalid("unknown query parameter %q; allowed: %s", k, strings.Join(allowed, ", "))
	}
	if n > 1 {
		return invalid("query parameter %q given %d times", k, n)
	}
	return nil
}
