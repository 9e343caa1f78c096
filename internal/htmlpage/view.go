package htmlpage

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// page is what page.html renders: the JSON answer (Doc) and what is read
// from it for the kind of page.
type page struct {
	Kind, Title, Description string
	Style                    template.CSS // the inline style, allowed by its hash
	JSON                     string       // the same resource as JSON
	Links                    []link
	Doc                      map[string]any
	Collections              []collection
	Columns                  []string
	Rows                     []row
	Props                    [][2]any // one item's properties, in order
	Map                      *svgMap
	Next, Prev               string
}

type link struct{ Href, HTML, Rel, Type, Title string }

type collection struct {
	ID, Title, Description, HTML string
}

type row struct {
	ID, HTML string
	Cells    []any
}

func view(kind string, r *http.Request, doc map[string]any) page {
	p := page{Kind: kind, Doc: doc, Style: template.CSS(style), JSON: withF(r.URL.Path+"?"+r.URL.RawQuery, "json")}
	p.Title, _ = doc["title"].(string)
	p.Description, _ = doc["description"].(string)
	p.Links = links(doc["links"])
	switch kind {
	case "landing":
		p.Title = "zonegis"
	case "conformance":
		p.Title = "Conformance classes"
	case "collections":
		p.Title = "Feature collections"
		for _, c := range list(doc["collections"]) {
			id := str(c["id"])
			p.Collections = append(p.Collections, collection{ID: id, Title: str(c["title"]), Description: str(c["description"]),
				HTML: "collections/" + url.PathEscape(id) + "?f=html"})
		}
	case "items":
		p.Title = "Features"
		features := list(doc["features"])
		if len(features) > 0 {
			props, _ := features[0]["properties"].(map[string]any)
			for k := range props {
				p.Columns = append(p.Columns, k)
			}
			slices.Sort(p.Columns)
		}
		for _, f := range features {
			props, _ := f["properties"].(map[string]any)
			rw := row{ID: cell(f["id"]), HTML: "items/" + url.PathEscape(cell(f["id"])) + "?f=html"}
			for _, k := range p.Columns {
				rw.Cells = append(rw.Cells, props[k])
			}
			p.Rows = append(p.Rows, rw)
		}
		p.Map = drawMap(features, "items/")
		for _, l := range p.Links {
			switch l.Rel {
			case "next":
				p.Next = l.HTML
			case "prev":
				p.Prev = l.HTML
			}
		}
	case "item":
		p.Title = "Feature " + cell(doc["id"])
		props, _ := doc["properties"].(map[string]any)
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p.Props = append(p.Props, [2]any{k, props[k]})
		}
		p.Map = drawMap([]map[string]any{doc}, "")
	}
	return p
}

// withF is href with its f parameter set to f.
func withF(href, f string) string {
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	q := u.Query()
	q.Set("f", f)
	u.RawQuery = q.Encode()
	return u.String()
}

func links(v any) []link {
	var out []link
	for _, l := range list(v) {
		k := link{Href: str(l["href"]), Rel: str(l["rel"]), Type: str(l["type"]), Title: str(l["title"])}
		if strings.Contains(k.Type, "json") && !strings.Contains(k.Type, "schema") && !strings.Contains(k.Type, "openapi") {
			k.HTML = withF(k.Href, "html")
		}
		out = append(out, k)
	}
	return out
}

func list(v any) []map[string]any {
	a, _ := v.([]any)
	out := make([]map[string]any, 0, len(a))
	for _, e := range a {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

// cell is a property value as the text of a table cell.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// svgMap is the features drawn as SVG paths, in a box of mapWidth by at
// most mapHeight units, north up, longitudes scaled by the cosine of the
// box's middle latitude.
type svgMap struct {
	ViewBox string
	Paths   []svgPath
}

type svgPath struct{ D, Href, Title string }

const mapWidth, mapHeight = 600.0, 400.0

func drawMap(features []map[string]any, hrefBase string) *svgMap {
	type ring [][2]float64
	var shapes [][]ring
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, f := range features {
		var rings []ring
		g, _ := f["geometry"].(map[string]any)
		var polys []any
		switch str(g["type"]) {
		case "Polygon":
			polys = []any{g["coordinates"]}
		case "MultiPolygon":
			polys, _ = g["coordinates"].([]any)
		}
		for _, poly := range polys {
			rs, _ := poly.([]any)
			for _, rv := range rs {
				pts, _ := rv.([]any)
				var rg ring
				for _, pv := range pts {
					pt, _ := pv.([]any)
					if len(pt) < 2 {
						continue
					}
					x, _ := pt[0].(float64)
					y, _ := pt[1].(float64)
					rg = append(rg, [2]float64{x, y})
					minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
				}
				rings = append(rings, rg)
			}
		}
		shapes = append(shapes, rings)
	}
	if math.IsInf(minX, 0) {
		return nil
	}
	kx := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	w, h := math.Max((maxX-minX)*kx, 1e-9), math.Max(maxY-minY, 1e-9)
	scale := math.Min(mapWidth/w, mapHeight/h)
	m := &svgMap{ViewBox: fmt.Sprintf("0 0 %.0f %.0f", math.Ceil(w*scale), math.Ceil(h*scale))}
	for i, rings := range shapes {
		var d strings.Builder
		for _, rg := range rings {
			for j, pt := range rg {
				op := 'L'
				if j == 0 {
					op = 'M'
				}
				fmt.Fprintf(&d, "%c%.1f %.1f", op, (pt[0]-minX)*kx*scale, (maxY-pt[1])*scale)
			}
			d.WriteByte('Z')
		}
		id := cell(features[i]["id"])
		p := svgPath{D: d.String(), Title: id}
		if hrefBase != "" {
			p.Href = hrefBase + url.PathEscape(id) + "?f=html"
		}
		m.Paths = append(m.Paths, p)
	}
	return m
}
