package web

import (
	"fmt"
	"net/url"
	"strings"
)

// PageCSP is the web map's Content-Security-Policy. Scripts and style
// sheets only from the server's own bundle: no inline script, no inline
// <style>, no style attributes in markup (the page sets styles through
// the CSSOM, which CSP allows). MapLibre GL JS starts its workers from
// blob: URLs (worker-src; child-src for browsers without worker-src) and
// draws images from data: and blob: URLs; tiles and API calls go to the
// server itself ('self'), and base-map tiles to basemapOrigin, if not "".
// Nothing may frame the page, and it has no forms that submit anywhere.
func PageCSP(basemapOrigin string) string {
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
