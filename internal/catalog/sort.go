package catalog

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Sorting (sortby) and field selection (properties) of an items page.
//
// sortby is a comma-separated list of sortables, each ascending or, with
// a leading "-", descending ("+" is ascending; a "+" left unencoded in a
// query string arrives as a space and means the same): sortby=-area_m2,lot_code.
// Features that tie on every key keep id order, so a page is the same
// slice of one total order however it is reached, and paging by offset
// neither skips nor repeats a feature. A null sorts after every value
// ascending and before every value descending, as PostgreSQL orders
// NULLs by default.
//
// Find sorts without sorting every match: it keeps the offset+limit first
// matches in a bounded heap (O(n log k) for n matches, memory O(k)), so a
// first page of 100 of a million parcels holds 100, not a million.

// sortKey is one key of a sortby: the sortable and its direction.
type sortKey struct {
	name string
	desc bool
}

// compare is a sortable's order on the records of one collection.
type compare[T any] func(a, b *T) int

func optInt[N cmp.Ordered](a, b *N) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

func optTime(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

func optString(a, b string) int { // "" is a null board_id
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

var (
	zoneSortables = map[string]compare[zonegis.Zone]{
		"id":          func(a, b *zonegis.Zone) int { return cmp.Compare(a.ID, b.ID) },
		"code":        func(a, b *zonegis.Zone) int { return strings.Compare(a.Code, b.Code) },
		"name_vi":     func(a, b *zonegis.Zone) int { return strings.Compare(a.NameVI, b.NameVI) },
		"name_en":     func(a, b *zonegis.Zone) int { return strings.Compare(a.NameEN, b.NameEN) },
		"kind":        func(a, b *zonegis.Zone) int { return strings.Compare(a.Kind, b.Kind) },
		"parent_id":   func(a, b *zonegis.Zone) int { return optInt(a.ParentID, b.ParentID) },
		"board_id":    func(a, b *zonegis.Zone) int { return optString(a.BoardID, b.BoardID) },
		"province":    func(a, b *zonegis.Zone) int { return strings.Compare(a.Province, b.Province) },
		"status":      func(a, b *zonegis.Zone) int { return strings.Compare(a.Status, b.Status) },
		"model":       func(a, b *zonegis.Zone) int { return strings.Compare(a.Model, b.Model) },
		"established": func(a, b *zonegis.Zone) int { return optTime(a.Established, b.Established) },
		"enterprises": func(a, b *zonegis.Zone) int { return optInt(a.Enterprises, b.Enterprises) },
		"workers":     func(a, b *zonegis.Zone) int { return optInt(a.Workers, b.Workers) },
		"area_m2":     func(a, b *zonegis.Zone) int { return cmp.Compare(a.AreaM2, b.AreaM2) },
		"area_ha":     func(a, b *zonegis.Zone) int { return cmp.Compare(a.AreaM2, b.AreaM2) },
		"version":     func(a, b *zonegis.Zone) int { return cmp.Compare(a.Version, b.Version) },
		"updated_at":  func(a, b *zonegis.Zone) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
	}
	parcelSortables = map[string]compare[zonegis.Parcel]{
		"id":         func(a, b *zonegis.Parcel) int { return cmp.Compare(a.ID, b.ID) },
		"zone_id":    func(a, b *zonegis.Parcel) int { return cmp.Compare(a.ZoneID, b.ZoneID) },
		"lot_code":   func(a, b *zonegis.Parcel) int { return strings.Compare(a.LotCode, b.LotCode) },
		"land_use":   func(a, b *zonegis.Parcel) int { return strings.Compare(a.LandUse, b.LandUse) },
		"status":     func(a, b *zonegis.Parcel) int { return strings.Compare(a.Status, b.Status) },
		"area_m2":    func(a, b *zonegis.Parcel) int { return cmp.Compare(a.AreaM2, b.AreaM2) },
		"area_ha":    func(a, b *zonegis.Parcel) int { return cmp.Compare(a.AreaM2, b.AreaM2) },
		"version":    func(a, b *zonegis.Parcel) int { return cmp.Compare(a.Version, b.Version) },
		"updated_at": func(a, b *zonegis.Parcel) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
	}
	greenSortables = map[string]compare[zonegis.GreenArea]{
		"id":         func(a, b *zonegis.GreenArea) int { return cmp.Compare(a.ID, b.ID) },
		"zone_id":    func(a, b *zonegis.GreenArea) int { return cmp.Compare(a.ZoneID, b.ZoneID) },
		"kind":       func(a, b *zonegis.GreenArea) int { return strings.Compare(a.Kind, b.Kind) },
		"name":       func(a, b *zonegis.GreenArea) int { return strings.Compare(a.Name, b.Name) },
		"area_m2":    func(a, b *zonegis.GreenArea) int { return cmp.Compare(a.AreaM2, b.AreaM2) },
		"area_ha":    func(a, b *zonegis.GreenArea) int { return cmp.Compare(a.AreaM2, b.AreaM2) },
		"version":    func(a, b *zonegis.GreenArea) int { return cmp.Compare(a.Version, b.Version) },
		"updated_at": func(a, b *zonegis.GreenArea) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
	}
)

// Sortables are the names sortby takes for the collection, sorted.
func (c *Collection[T]) Sortables() []string {
	var names []string
	for name := range c.sortables {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// parseSortBy reads a sortby value.
func (c *Collection[T]) parseSortBy(v string) ([]sortKey, error) {
	var keys []sortKey
	for _, part := range strings.Split(v, ",") {
		k := sortKey{name: part}
		switch {
		case strings.HasPrefix(part, "-"):
			k = sortKey{name: part[1:], desc: true}
		case strings.HasPrefix(part, "+"), strings.HasPrefix(part, " "):
			k.name = part[1:]
		}
		if _, ok := c.sortables[k.name]; !ok {
			return nil, invalid("sortby: %s is not a sortable of %s; sortables: %s", zonegis.Quoted(k.name), c.name, strings.Join(c.Sortables(), ", "))
		}
		if slices.ContainsFunc(keys, func(o sortKey) bool { return o.name == k.name }) {
			return nil, invalid("sortby: %s is given twice", zonegis.Quoted(k.name))
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// parseProperties reads a properties value: the names of the properties
// the features keep (id and geometry are always there).
func (c *Collection[T]) parseProperties(v string) ([]string, error) {
	names := []string{}
	for _, name := range strings.Split(v, ",") {
		if !slices.ContainsFunc(encode.Fields(c.name), func(f encode.Field) bool { return f.Name == name }) {
			var all []string
			for _, f := range encode.Fields(c.name) {
				all = append(all, f.Name)
			}
			return nil, invalid("properties: %s is not a property of %s; properties: %s", zonegis.Quoted(name), c.name, strings.Join(all, ", "))
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names, nil
}

// order is the total order q's sortby puts on c's records, ids last.
func (c *Collection[T]) order(keys []sortKey) func(a, b *index.Entry[T]) int {
	cmps := make([]compare[T], len(keys))
	for i, k := range keys {
		cmps[i] = c.sortables[k.name]
	}
	return func(a, b *index.Entry[T]) int {
		x, y := a.Record(), b.Record()
		for i, f := range cmps {
			if n := f(x, y); n != 0 {
				if keys[i].desc {
					return -n
				}
				return n
			}
		}
		return cmp.Compare(c.k.id(x), c.k.id(y))
	}
}

// topK keeps the k first entries of an order seen one at a time: a max-heap
// of them, whose root is the last kept.
type topK[T any] struct {
	k    int
	less func(a, b *index.Entry[T]) int
	heap []*index.Entry[T]
}

func (h *topK[T]) add(e *index.Entry[T]) {
	if h.k == 0 {
		return
	}
	if len(h.heap) < h.k {
		h.heap = append(h.heap, e)
		for i := len(h.heap) - 1; i > 0; {
			p := (i - 1) / 2
			if h.less(h.heap[p], h.heap[i]) >= 0 {
				break
			}
			h.heap[p], h.heap[i] = h.heap[i], h.heap[p]
			i = p
		}
		return
	}
	if h.less(e, h.heap[0]) >= 0 {
		return
	}
	h.heap[0] = e
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h.heap) && h.less(h.heap[l], h.heap[m]) > 0 {
			m = l
		}
		if r < len(h.heap) && h.less(h.heap[r], h.heap[m]) > 0 {
			m = r
		}
		if m == i {
			return
		}
		h.heap[i], h.heap[m] = h.heap[m], h.heap[i]
		i = m
	}
}

// sorted are the kept entries in order.
func (h *topK[T]) sorted() []*index.Entry[T] {
	slices.SortFunc(h.heap, h.less)
	return h.heap
}

// SortablesSchema is the answer of /collections/{collection}/sortables
// under base: a JSON Schema object whose properties are the sortables
// sortby takes, with their types.
func SortablesSchema(base, collection, title string) map[string]any {
	var names []string
	switch collection {
	case Zones.name:
		names = Zones.Sortables()
	case Parcels.name:
		names = Parcels.Sortables()
	case GreenAreas.name:
		names = GreenAreas.Sortables()
	}
	props := map[string]any{"id": map[string]any{"title": "Feature id", "type": "integer"}}
	for _, f := range encode.Fields(collection) {
		if slices.Contains(names, f.Name) {
			props[f.Name] = f.JSONSchema()
		}
	}
	return map[string]any{
		"$schema":    "https://json-schema.org/draft/2020-12/schema",
		"$id":        base + "/collections/" + collection + "/sortables",
		"title":      title + ": sortables",
		"type":       "object",
		"properties": props,
	}
}
