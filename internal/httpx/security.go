package httpx

import "net/http"

// Headers that tell browsers how to treat what the server sends.
//
// Every answer, API and page alike, says X-Content-Type-Options: nosniff
// (Nosniff): a JSON, CSV or problem body (which may echo what a caller
// sent, such as a lot code) is never taken for HTML or script, and
// cross-origin pages cannot load it as a script or style sheet. It costs
// one shared slice per answer.
//
// A page a browser renders (PageHeaders) also gets its
// Content-Security-Policy, X-Frame-Options: DENY (frame-ancestors 'none'
// for browsers that predate CSP 2) and Referrer-Policy:
// strict-origin-when-cross-origin. API answers do not: they are data, not
// documents a browser renders, links from or frames around, and the hot
// read path stays one header lighter. The referrer policy is
// strict-origin-when-cross-origin rather than no-referrer because a page's
// base map may be a public tile server whose usage policy asks for a
// Referer (tile.openstreetmap.org blocks requests without one): it gets the
// server's origin and nothing of the page's path.
var (
	nosniff        = []string{"nosniff"}
	frameDeny      = []string{"DENY"}
	referrerPolicy = []string{"strict-origin-when-cross-origin"}
)

const (
	headerNosniff        = "X-Content-Type-Options"
	headerCSP            = "Content-Security-Policy"
	headerFrameOptions   = "X-Frame-Options"
	headerReferrerPolicy = "Referrer-Policy"
)

// Nosniff sets X-Content-Type-Options: nosniff, without allocating.
func Nosniff(h http.Header) { h[headerNosniff] = nosniff[:1:1] }

// PageHeaders sets the headers of a page: csp (one value, shared, never
// changed in place) as its Content-Security-Policy, no framing and the
// referrer policy.
func PageHeaders(h http.Header, csp []string) {
	h[headerCSP] = csp[:1:1]
	h[headerFrameOptions] = frameDeny[:1:1]
	h[headerReferrerPolicy] = referrerPolicy[:1:1]
}
