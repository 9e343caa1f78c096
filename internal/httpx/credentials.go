package httpx

import (
	"net/http"
	"strings"
)

// PresentedKey reads an API key from "Authorization: Bearer <key>" or
// "X-API-Key: <key>" (the latter first); "" when neither is there.
func PresentedKey(r *http.Request) string {
	if k := r.Header.Get("X-API-Key"); k != "" {
		return strings.TrimSpace(k)
	}
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// HasKeyHeader reports, without allocating, whether r carries either
// header PresentedKey reads (even an empty or malformed one, which the
// caller then refuses).
func HasKeyHeader(r *http.Request) bool {
	return len(r.Header["X-Api-Key"]) != 0 || len(r.Header["Authorization"]) != 0
}
