package httpapi

import (
	"fmt"
	"net/url"
	"strings"
)

// Headers that tell browsers how to treat what the server sends.
//
// Every answer, API and page alike, says X-Content-Type-Options: nosniff:
// a JSON, CSV or problem body (which may echo what a caller sent, such as
// a lot code) is never taken for HTML or script, and cross-origin pages
// cannot load it as a script or style sheet. It costs one shared slice per
// answer (front sets it).
//
// The web map's page (GET /app/) also gets a Content-Security-Policy
// (pageCSP), X-Frame-Options: DENY (frame-ancestors 'none' for browsers
// that predate CSP 2) and Referrer-Policy: strict-origin-when-cross-origin.
// API answers do not: they are data, not documents a browser renders,
// links from or frames around, and the hot read path stays one header
// lighter. The referrer policy is strict-origin-when-cross-origin rather
// than no-referrer because the optional base map may be a public tile
// server whose usage policy asks for a Referer (tile.openstreetmap.org
// blocks requests without one): it gets the server's origin and nothing
// of the page's path, and never the map position, which is in the
// fragment.
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

// pageCSP is the web map's Content-Security-Policy. Scripts and style
// sheets only from the server's own bundle: no inline script, no inline
// <style>, no style attributes in markup (the page sets styles through
// the CSSOM, which CSP allows). MapLibre GL JS starts its workers from
// blob: URLs (worker-src; child-src for browsers without worker-src) and
// draws images from data: and blob: URLs; tiles and API calls go to the
// server itself ('self'), and base-map tiles to basemapOrigin, if not "".
// Nothing may frame the page, and it has no forms that submit anywhere.
func pageCSP(basemapOrigin string) string {
	img, connect := "'self' data: blob:", "'self'"
	if basemapOrigin != "" {
		img += " " + basemapOrigin
		connect += " " + basemapOrigin
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src " + img +
		"; connect-src " + connect + "; worker-src blob:; child-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// BasemapOrigin is the origin (scheme://host[:port]) of a base-map tile
// URL template, for the page's CSP: "" for no base map or one served by
// the server's own origin (a path such as /basemap/{z}/{x}/{y}.png). The
// host must be a plain one: a template in the host ({s}) or anything but
// http(s) is an error.
func BasemapOrigin(template string) (string, error) {
	if template == "" {
		return "", nil
	}
	if strings.HasPrefix(template, "/") && !strings.HasPrefix(template, "//") {
		return "", nil
	}
	u, err := url.Parse(template)
	if err != nil {
		return "", fmt.Errorf("base-map URL %q: %v", template, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("base-map URL %q: want an http or https URL (or a path on this server)", template)
	}
	host := strings.ToLower(u.Host)
	if host == "" {
		return "", fmt.Errorf("base-map URL %q: no host", template)
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == ':' || c == '[' || c == ']') {
			return "", fmt.Errorf("base-map URL %q: the host must be a plain host name (no {s} or other templates)", template)
		}
	}
	return scheme + "://" + host, nil
}
