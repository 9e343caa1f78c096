package web_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"github.com/zonegis/zonegis/internal/tiles"
)

// TestTileCacheFollowsDatabase: a status change committed to PostGIS
// reaches a cached tile through the change-log follower and the tile
// cache's invalidation, with a new ETag; an unrelated tile keeps its ETag
// and answers 304.
func TestTileCacheFollowsDatabase(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	var id int64
	var lon, lat float64
	err := s.db.Pool().QueryRow(ctx, `
		SELECT p.id, ST_X(ST_PointOnSurface(p.boundary)), ST_Y(ST_PointOnSurface(p.boundary))
		FROM parcels_now p JOIN zones z ON z.id = p.zone_id
		WHERE z.code = 'KCX-TAN-THUAN' AND p.status = 'available' ORDER BY p.id LIMIT 1`).Scan(&id, &lon, &lat)
	if err != nil {
		t.Fatal(err)
	}
	here := tiles.At(orb.Point{lon, lat}, 16)
	far := tiles.At(orb.Point{105.8, 21.0}, 16) // Hà Nội
	url := func(tl tiles.Tile) string {
		return s.url + "/tiles/all/" + strconv.Itoa(int(tl.Z)) + "/" + strconv.Itoa(int(tl.X)) + "/" + strconv.Itoa(int(tl.Y)) + ".mvt"
	}
	get := func(tl tiles.Tile, inm string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url(tl), nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	statusOf := func(body []byte) string {
		t.Helper()
		ls, err := mvt.Unmarshal(body)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			if l.Name != tiles.LayerParcels {
				continue
			}
			for _, f := range l.Features {
				if f.Properties["id"] == float64(id) {
					return f.Properties["status"].(string)
				}
			}
		}
		return ""
	}
	res, body := get(here, "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != tiles.ContentType || statusOf(body) != "available" {
		t.Fatalf("tile %v: %d %s, parcel %d status %q", here, res.StatusCode, res.Header.Get("Content-Type"), id, statusOf(body))
	}
	tag := res.Header.Get("ETag")
	farRes, _ := get(far, "")
	farTag := farRes.Header.Get("ETag")
	if res, _ := get(here, tag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag: %d, want 304", res.StatusCode)
	}

	if _, err := s.db.Pool().Exec(ctx, `UPDATE parcels SET reserved_on = zg_today() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, body = get(here, tag)
		if res.StatusCode == 200 && statusOf(body) == "reserved" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tile still shows the old status: %d %q", res.StatusCode, statusOf(body))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if res.Header.Get("ETag") == tag {
		t.Error("ETag unchanged after the change")
	}
	if res, _ := get(far, farTag); res.StatusCode != http.StatusNotModified {
		t.Errorf("a tile far from the change: %d, want 304", res.StatusCode)
	}
}
