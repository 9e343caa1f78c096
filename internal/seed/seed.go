// Package seed loads the embedded geodata into an empty registry: the
// management boards, all 289 OpenStreetMap zone boundaries with their curated
// attributes, the Đình Vũ – Cát Hải economic zone, and deterministic synthetic
// parcels, green areas and leases inside the zones.
package seed

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/geodata"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/vntext"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Options choose what to seed.
type Options struct {
	// Parcels limits synthetic parcels, green areas and leases to the zones
	// with these codes; nil means every zone.
	Parcels []string
}

// Report counts what was seeded.
type Report struct {
	Skipped                                    bool // the registry already had zones
	Boards, Zones, Parcels, GreenAreas, Leases int
	Enterprises, Projects, Reports             int // synthetic, one enterprise per lessee and one project per lease
	Took                                       time.Duration
}

// Store writes the seed. *postgis.DB implements it.
type Store interface {
	Seed(ctx context.Context, d postgis.SeedData) (postgis.SeedCounts, error)
}

var _ Store = (*postgis.DB)(nil)

// Seed loads the geodata into the database if it has no zones yet, with
// synthetic parcels, green areas and leases in the zones opts.Parcels
// names. It runs in one transaction (Store.Seed): a failure or a crash
// leaves nothing partial.
func Seed(ctx context.Context, st Store, opts Options) (Report, error) {
	start := time.Now()
	var r Report
	boards, err := readBoards()
	if err != nil {
		return r, err
	}
	zones, members, err := Zones()
	if err != nil {
		return r, err
	}
	boards = append(boards, provincialBoards(boards, zones)...)
	c, err := st.Seed(ctx, postgis.SeedData{Boards: boards, Zones: zones, Derived: economicZones(members), SyntheticIn: opts.Parcels})
	r = Report{Skipped: c.Skipped, Boards: c.Boards, Zones: c.Zones, Parcels: c.Parcels, GreenAreas: c.GreenAreas, Leases: c.Leases,
		Enterprises: c.Enterprises, Projects: c.Projects, Reports: c.Reports, Took: time.Since(start)}
	if err != nil {
		return r, fmt.Errorf("seed: %w", err)
	}
	return r, nil
}

// economicZones returns the Đình Vũ – Cát Hải economic zone, whose boundary
// is not mapped: it is derived as the convex hull of its member zones plus
// 300 m, and its source says so.
func economicZones(members map[string][]string) []postgis.DerivedZone {
	const code = "KKT-DINH-VU-CAT-HAI"
	return []postgis.DerivedZone{{
		Zone: &zonegis.Zone{Code: code, NameVI: "Khu kinh tế Đình Vũ - Cát Hải", NameEN: "Dinh Vu - Cat Hai Economic Zone",
			Kind: zonegis.KindEconomicZone, BoardID: "deza", Province: "Hải Phòng", Status: zonegis.ZoneOperating,
			Model: zonegis.ModelConventional, Source: "derived: convex hull of member zones + 300 m (no mapped boundary)"},
		Members: members[code],
		BufferM: 300,
	}}
}

func readCSV(b []byte) ([]map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for i, h := range head {
			if i < len(rec) {
				m[h] = strings.TrimSpace(rec[i])
			}
		}
		out = append(out, m)
	}
}

func readBoards() ([]*zonegis.Board, error) {
	rows, err := readCSV(geodata.Boards)
	if err != nil {
		return nil, fmt.Errorf("boards.csv: %w", err)
	}
	var out []*zonegis.Board
	for _, m := range rows {
		out = append(out, &zonegis.Board{ID: m["id"], NameVI: m["name_vi"], NameEN: m["name_en"], Province: m["province"], Website: m["website"]})
	}
	return out, nil
}

// provincialBoards returns a generic board for each province whose zones have
// none, and assigns it to those zones.
func provincialBoards(have []*zonegis.Board, zones []*zonegis.Zone) []*zonegis.Board {
	byProvince := map[string]string{}
	for _, b := range have {
		if _, ok := byProvince[b.Province]; !ok {
			byProvince[b.Province] = b.ID
		}
	}
	// Hà Nội's default board is the IZ authority, not the Hoa Lac board.
	byProvince["Hà Nội"] = "hiza"
	var out []*zonegis.Board
	for _, z := range zones {
		if z.BoardID != "" {
			continue
		}
		id, ok := byProvince[z.Province]
		if !ok {
			id = "bql-" + strings.ToLower(vntext.Slug(z.Province))
			byProvince[z.Province] = id
			out = append(out, &zonegis.Board{
				ID:       id,
				NameVI:   "Ban Quản lý các khu công nghiệp " + z.Province,
				NameEN:   vntext.Strip(z.Province) + " Industrial Zones Management Board",
				Province: z.Province,
			})
		}
		z.BoardID = id
	}
	return out
}

// Zones returns the seed zones: every OSM feature, with curated attributes
// where zones.csv has them and derived ones elsewhere. Board ids are set for
// curated zones only; Seed assigns provincial boards to the rest. members
// maps each economic-zone code to the codes of the zones inside it.
func Zones() (zones []*zonegis.Zone, members map[string][]string, err error) {
	fc, err := geojson.UnmarshalFeatureCollection(geodata.IndustrialParks)
	if err != nil {
		return nil, nil, fmt.Errorf("industrial parks geojson: %w", err)
	}
	curated, err := readCSV(geodata.Zones)
	if err != nil {
		return nil, nil, fmt.Errorf("zones.csv: %w", err)
	}
	members = map[string][]string{}
	byOSM := map[string]map[string]string{}
	for _, m := range curated {
		byOSM[m["osm_id"]] = m
	}
	seen := map[string]bool{}
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			return nil, nil, fmt.Errorf("feature %v: unexpected %s", f.Properties["osm_id"], f.Geometry.GeoJSONType())
		}
		osmID := f.Properties.MustString("osm_id", "")
		z := &zonegis.Zone{
			NameVI:   f.Properties.MustString("name", ""),
			NameEN:   f.Properties.MustString("name_en", ""),
			Kind:     kindOf(f.Properties.MustString("category", "")),
			Province: f.Properties.MustString("province_2025", ""),
			Status:   zonegis.ZoneOperating,
			Model:    zonegis.ModelConventional,
			Sectors:  []string{},
			Source:   "osm:" + osmID,
			Boundary: mp,
		}
		if z.Kind == zonegis.KindHighTechPark {
			z.Model = zonegis.ModelHighTech
		}
		if strings.Contains(strings.ToLower(z.NameVI), "mở rộng") {
			z.Status = zonegis.ZoneUnderConstruction
		}
		if z.NameEN == "" {
			z.NameEN = englishName(z.NameVI)
		}
		z.Code = codeOf(z.Kind, z.NameVI)
		if m, ok := byOSM[osmID]; ok {
			if err := applyCurated(z, m, members); err != nil {
				return nil, nil, fmt.Errorf("zones.csv %s: %w", osmID, err)
			}
		}
		if seen[z.Code] {
			z.Code += "-" + osmID[strings.IndexByte(osmID, '/')+1:]
		}
		seen[z.Code] = true
		zones = append(zones, z)
	}
	return zones, members, nil
}

func applyCurated(z *zonegis.Zone, m map[string]string, members map[string][]string) error {
	set := func(dst *string, key string) {
		if v := m[key]; v != "" {
			*dst = v
		}
	}
	set(&z.Code, "code")
	set(&z.NameVI, "name_vi")
	set(&z.NameEN, "name_en")
	set(&z.Kind, "kind")
	set(&z.BoardID, "board")
	set(&z.Status, "status")
	set(&z.Model, "model")
	set(&z.Province, "province")
	if p := m["parent"]; p != "" {
		members[p] = appendOnce(members[p], z.Code)
	}
	if v := m["established"]; v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return err
		}
		z.Established = &t
	}
	for key, dst := range map[string]**int32{"enterprises": &z.Enterprises, "workers": &z.Workers} {
		if v := m[key]; v != "" {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			n32 := int32(n)
			*dst = &n32
		}
	}
	if v := m["sectors"]; v != "" {
		z.Sectors = strings.Split(v, ";")
	}
	return nil
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func kindOf(category string) string {
	switch category {
	case "export_processing_zone":
		return zonegis.KindExportProcessingZone
	case "hi_tech_park":
		return zonegis.KindHighTechPark
	default: // industrial_park, and the one industrial_cluster
		return zonegis.KindIndustrialPark
	}
}

var namePrefixes = []struct{ vi, en, code string }{
	{"cụm khu công nghiệp", "Industrial Cluster", "CCN"},
	{"khu công nghiệp", "Industrial Park", "KCN"},
	{"khu chế xuất", "Export Processing Zone", "KCX"},
	{"khu công nghệ cao", "Hi-Tech Park", "KCNC"},
}

// stripPrefix removes the kind words ("Khu công nghiệp", ...) from a name.
func stripPrefix(name string) (rest, en, code string) {
	lower := strings.ToLower(name)
	for _, p := range namePrefixes {
		if strings.HasPrefix(lower, p.vi) {
			return strings.TrimLeft(strings.TrimSpace(name[len(p.vi):]), "- "), p.en, p.code
		}
	}
	return name, "Industrial Park", "KCN"
}

func codeOf(kind, name string) string {
	rest, _, prefix := stripPrefix(name)
	if kind == zonegis.KindExportProcessingZone {
		prefix = "KCX"
	}
	s := prefix + "-" + vntext.Slug(rest)
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

func englishName(vi string) string {
	rest, en, _ := stripPrefix(vi)
	return strings.TrimSpace(vntext.Strip(rest) + " " + en)
}
