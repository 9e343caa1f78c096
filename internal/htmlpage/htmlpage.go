// Package htmlpage is the HTML encoding of the OGC API read routes (OGC API
// - Features Part 1, /conf/html): the landing page, the conformance
// classes, the collections, a collection, a page of items (a table, its
// paging links and a small map drawn as inline SVG) and one item.
//
// Negotiate wraps a route's JSON handler: a request that asks for HTML
// (f=html, or an Accept header that prefers text/html, as a browser's does)
// is answered by that handler as if it had asked for JSON, and the JSON
// answer is rendered into a page with html/template, so the HTML shows the
// same data as the JSON by construction and every value (zone names come
// from users) is escaped. The page fetches nothing: no script, no external
// style, image or font; its Content-Security-Policy allows only its own
// inline style, by hash.
package htmlpage

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
)

// MIME is the media type of the pages.
const MIME = "text/html; charset=utf-8"

//go:embed page.html style.css
var files embed.FS

var (
	style = mustRead("style.css")
	pages = template.Must(template.New("page.html").Funcs(template.FuncMap{
		"cell": cell,
	}).ParseFS(files, "page.html"))
	csp = []string{"default-src 'none'; style-src 'sha256-" + hash(style) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"}
)

func mustRead(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(h[:])
}

// varyFront is the Vary the front middleware (httpx.NewFront) sets on
// most answers, and Accept after it: shared, like varyAccept.
var varyFront = []string{"Accept-Encoding", "Origin", "Accept"}

var varyAccept = []string{"Accept"}

// kinds are the routes Negotiate renders, by echo path.
var kinds = map[string]string{
	"/":                                  "landing",
	"/conformance":                       "conformance",
	"/collections":                       "collections",
	"/collections/:collection":           "collection",
	"/collections/:collection/items":     "items",
	"/collections/:collection/items/:id": "item",
}

// Wants reports whether a request asks for HTML: f=html, or no f and an
// Accept header that lists text/html with a higher quality than any JSON
// type it lists (a browser's: text/html first, JSON only through */*).
func Wants(r *http.Request) bool { return wants(r.URL.Query().Get("f"), r.Header.Get("Accept")) }

// wants is Wants of a request's f and Accept. It costs nothing on the hot
// path: an Accept without text/html (GDAL's, QGIS's) is not parsed.
func wants(f, accept string) bool {
	switch f {
	case "html":
		return true
	case "":
	default:
		return false
	}
	if !strings.Contains(accept, "text/html") {
		return false
	}
	html, js := 0.0, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		switch {
		case mt == "text/html":
			html = max(html, q)
		case strings.HasSuffix(mt, "json"):
			js = max(js, q)
		}
	}
	return html > 0 && html > js
}

// Negotiate is the route middleware that answers HTML where a request
// wants it (Wants) and passes every other request to next unchanged.
// Answers other than 200 (problems, 304) are sent as next wrote them.
func Negotiate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		kind, ok := kinds[c.Path()]
		res := c.Response()
		f := c.QueryParam("f")
		if h := res.Header(); f == "" {
			switch v := h["Vary"]; {
			case len(v) == 0:
				h["Vary"] = varyAccept[:1:1] // shared, never changed in place (an Add copies it)
			case len(v) == 2 && v[0] == varyFront[0] && v[1] == varyFront[1]: // the front's, most requests
				h["Vary"] = varyFront[:3:3]
			default:
				h.Add("Vary", "Accept")
			}
		}
		if !ok || !wants(f, c.Request().Header.Get("Accept")) {
			return next(c)
		}
		r := c.Request().Clone(c.Request().Context())
		q := r.URL.Query()
		q.Del("f")
		r.URL.RawQuery = q.Encode()
		r.Header.Set("Accept", "application/json")
		c.SetRequest(r)
		delete(c.QueryParams(), "f") // echo keeps the query it parsed (by QueryParam above)

		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		w := res.Writer
		res.Writer = rec
		err := next(c)
		res.Writer, res.Committed, res.Status, res.Size = w, false, http.StatusOK, 0
		if err != nil {
			return err
		}
		if rec.status != http.StatusOK {
			for k, v := range rec.header {
				res.Header()[k] = v
			}
			res.WriteHeader(rec.status)
			_, err := res.Write(rec.body.Bytes())
			return err
		}
		var doc map[string]any
		if err := json.Unmarshal(rec.body.Bytes(), &doc); err != nil {
			return err
		}
		var out bytes.Buffer
		if err := pages.Execute(&out, view(kind, c.Request(), doc)); err != nil {
			return err
		}
		httpx.PageHeaders(res.Header(), csp)
		return httpx.WriteBytes(c, http.StatusOK, MIME, out.Bytes())
	}
}

// recorder keeps what the JSON handler wrote.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
