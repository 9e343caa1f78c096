package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// freeCorner finds, in SQL, a convex corner V of the zone's boundary with
// a triangle (V, A, B) inside the zone that no parcel comes within 5 m
// of (green areas, such as the buffer strip along the boundary, may be
// under a parcel): A and B 20 m from V along the corner's two edges.
func freeCorner(t *testing.T, s *server, code string) (zoneID int64, v, a, b [2]float64) {
	t.Helper()
	err := s.db.Pool().QueryRow(context.Background(), `
		WITH ring AS (SELECT z.id AS zid, z.boundary AS zb, ST_ExteriorRing(ST_GeometryN(z.boundary, 1)) AS r FROM zones z WHERE z.code = $1),
		pts AS (SELECT zid, zb, ST_PointN(r, n) AS v, ST_PointN(r, n + 1) AS nxt,
		               ST_PointN(r, CASE WHEN n = 1 THEN ST_NPoints(r) - 1 ELSE n - 1 END) AS prev
		        FROM ring, generate_series(1, ST_NPoints(ring.r) - 1) AS n),
		cand AS (SELECT zid, zb, v,
		           ST_LineInterpolatePoint(ST_MakeLine(v, nxt), 20 / ST_Distance(v::geography, nxt::geography)) AS a,
		           ST_LineInterpolatePoint(ST_MakeLine(v, prev), 20 / ST_Distance(v::geography, prev::geography)) AS b
		         FROM pts WHERE ST_Distance(v::geography, nxt::geography) > 40 AND ST_Distance(v::geography, prev::geography) > 40),
		tri AS (SELECT *, ST_MakePolygon(ST_MakeLine(ARRAY[v, a, b, v])) AS g FROM cand)
		SELECT zid, ST_X(v), ST_Y(v), ST_X(a), ST_Y(a), ST_X(b), ST_Y(b) FROM tri
		WHERE ST_Area(g::geography) > 100 AND ST_Area(ST_Difference(g, zb)::geography) < 0.01
		  AND NOT EXISTS (SELECT 1 FROM parcels p WHERE ST_DWithin(p.boundary::geography, g::geography, 5))
		ORDER BY ST_Area(g::geography) DESC LIMIT 1`, code).Scan(&zoneID, &v[0], &v[1], &a[0], &a[1], &b[0], &b[1])
	if err != nil {
		t.Fatalf("no free convex corner in zone %s: %v", code, err)
	}
	return zoneID, v, a, b
}

// TestBrowserEditParcel is a planner's day on the map, in Vietnamese: a
// viewer of the board sees no editing controls; the board's planner signs
// in, draws a new parcel whose first vertex, clicked 4 px off a corner of
// the zone boundary, snaps onto it, and the second, 4 px off an edge, onto
// the edge (PostGIS: both stored vertices are on the boundary), is told by the lot-code field that the code is taken,
// saves it under a free code, changes its land use, is told that the
// parcel changed meanwhile and reloads, is told by the end-date field
// that a lease must end after it starts, records a lease and ends it
// (the lease rows checked in SQL).
func TestBrowserEditParcel(t *testing.T) {
	chromium(t) // skip or fail before starting PostGIS
	s := startServer(t)
	bg := context.Background()
	const code = "KCX-TAN-THUAN"
	var board string
	if err := s.db.Pool().QueryRow(bg, `SELECT board_id FROM zones WHERE code = $1`, code).Scan(&board); err != nil {
		t.Fatal(err)
	}
	mkUser := func(login, password, role string) {
		u := &zonegis.User{Login: login, DisplayName: "Trần Văn " + login, PasswordHash: registry.HashPassword(password, registry.TestPasswordParams)}
		if err := s.db.CreateUser(bg, zonegis.System, u); err != nil {
			t.Fatal(err)
		}
		if err := s.db.GrantRole(bg, zonegis.System, u.ID, board, role); err != nil {
			t.Fatal(err)
		}
	}
	mkUser("vy", "mật khẩu của Vy", zonegis.BoardViewer)
	mkUser("hoa", "mật khẩu của Hoa", zonegis.BoardPlanner)
	zoneID, v, a, b := freeCorner(t, s, code)
	var takenLot string
	if err := s.db.Pool().QueryRow(bg, `SELECT lot_code FROM parcels WHERE zone_id = $1 ORDER BY id LIMIT 1`, zoneID).Scan(&takenLot); err != nil {
		t.Fatal(err)
	}

	began := time.Now()
	step := func(what string) { t.Logf("%5.1f s: %s", time.Since(began).Seconds(), what) }
	ctx := browser(t)
	csp := watchCSP(t, ctx)
	var ready bool
	if err := chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/app/"),
		chromedp.WaitVisible("#map canvas", chromedp.ByQuery),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
	); err != nil {
		t.Fatalf("map did not load: %v", err)
	}
	run := func(actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			screenshot(t, ctx, "browser-edit-failed.png")
			t.Fatal(err)
		}
	}
	signIn := func(login, password string) {
		t.Helper()
		run(chromedp.Evaluate(`document.querySelector('#account-box').open = true;
				document.querySelector('#login-name').value = ''; document.querySelector('#login-password').value = ''; true`, nil),
			chromedp.SendKeys("#login-name", login, chromedp.ByQuery),
			chromedp.SendKeys("#login-password", password, chromedp.ByQuery),
			chromedp.Click("#login-submit", chromedp.ByQuery))
		if _, err := waitText(ctx, "#role", "Trần Văn "+login); err != nil {
			t.Fatal(err)
		}
	}
	// wait polls a JavaScript expression until it is true.
	wait := func(what, js string) {
		t.Helper()
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Poll(js, &ok, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			var panel string
			_ = chromedp.Run(ctx, chromedp.Evaluate(`(document.querySelector('#details')||{}).innerText + ' | ' + (document.querySelector('#panel-draw')||{}).innerText`, &panel))
			screenshot(t, ctx, "browser-edit-failed.png")
			t.Fatalf("%s: %v; page: %q", what, err, panel)
		}
	}
	clickAt := func(lon, lat float64, dx, dy float64) {
		t.Helper()
		var vw view
		run(chromedp.ActionFunc(func(ctx context.Context) (err error) { vw, err = mapView(ctx); return err }))
		x, y := vw.pixel(lon, lat)
		run(chromedp.MouseClickXY(x+dx, y+dy))
	}

	step("map loaded")

	// A viewer of the board: no editing controls in a parcel's details nor
	// a new-parcel button.
	signIn("vy", "mật khẩu của Vy")
	p := parcelTarget(t, s.db, zonegis.ParcelAvailable)
	run(jumpTo(p.lon, p.lat, 17), chromedp.ActionFunc(settle))
	clickAt(p.lon, p.lat, 0, 0)
	if _, err := waitText(ctx, "#details", p.lotCode); err != nil {
		t.Fatal(err)
	}
	var viewerSees bool
	run(chromedp.Evaluate(`!!document.querySelector('#parcel-tools, #edit-parcel') || !document.querySelector('#new-parcel-box').hidden`, &viewerSees))
	if viewerSees {
		t.Error("a viewer sees editing controls")
	}
	run(chromedp.Click("#details .close", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#account-box').open = true; true`, nil),
		chromedp.Click("#logout", chromedp.ByQuery))
	if _, err := waitText(ctx, "#role", "Công chúng"); err != nil {
		t.Fatal(err)
	}

	step("viewer checked")

	// The planner draws a triangle in a free corner of the zone, the first
	// vertex clicked 4 px inside the corner.
	signIn("hoa", "mật khẩu của Hoa")
	c := [2]float64{(v[0] + a[0] + b[0]) / 3, (v[1] + a[1] + b[1]) / 3}
	run(jumpTo(c[0], c[1], 19),
		chromedp.Click("#tab-draw", chromedp.ByQuery),
		chromedp.Click("#new-start", chromedp.ByQuery))
	wait("snap targets", `/^[1-9][0-9]*$/.test(document.body.dataset.snapTargets || '')`)
	var vw view
	run(chromedp.ActionFunc(func(ctx context.Context) (err error) { vw, err = mapView(ctx); return err }))
	vx, vy := vw.pixel(v[0], v[1])
	cx, cy := vw.pixel(c[0], c[1])
	d := math.Hypot(cx-vx, cy-vy)
	clickAt(v[0], v[1], 4*(cx-vx)/d, 4*(cy-vy)/d)
	var snapped string
	run(chromedp.Evaluate(`document.body.dataset.snapped || ''`, &snapped))
	if snapped != "vertex" {
		t.Errorf("the first vertex, 4 px from the zone's corner, snapped to %q; want the vertex", snapped)
	}
	// The second 4 px off the corner's edge towards A, 20 m from the
	// corner: it snaps onto the edge.
	ax, ay := vw.pixel(a[0], a[1])
	da := math.Hypot(cx-ax, cy-ay)
	clickAt(a[0], a[1], 4*(cx-ax)/da, 4*(cy-ay)/da)
	run(chromedp.Evaluate(`document.body.dataset.snapped || ''`, &snapped))
	if snapped != "edge" {
		t.Errorf("the second vertex, 4 px from the zone's edge, snapped to %q; want the edge", snapped)
	}
	clickAt((b[0]+c[0])/2, (b[1]+c[1])/2, 0, 0) // halfway to the centre: away from every edge
	run(chromedp.Click("#new-finish", chromedp.ByQuery))
	wait("the zone of the drawing", fmt.Sprintf(`document.querySelector('#new-zone').textContent === %q`, code))

	step("triangle drawn")

	// A lot code the zone already has: said by the field, in Vietnamese.
	run(chromedp.SetValue("#new-lot-code", takenLot, chromedp.ByQuery), chromedp.Click("#new-save", chromedp.ByQuery))
	if _, err := waitText(ctx, "#new-parcel .field-problem[data-field=lot_code]", "Mã lô này đã có trong khu"); err != nil {
		t.Fatal(err)
	}
	const lot = "E2E-MOI-01"
	run(chromedp.SetValue("#new-lot-code", lot, chromedp.ByQuery), chromedp.Click("#new-save", chromedp.ByQuery))
	wait("the new parcel saved", `/^[0-9]+$/.test(document.body.dataset.created || '')`)
	var createdText string
	run(chromedp.Evaluate(`document.body.dataset.created`, &createdText))
	var id int64
	fmt.Sscan(createdText, &id)
	var gotLot string
	var fromCorner, fromA float64
	var onBoundary int
	if err := s.db.Pool().QueryRow(bg, `
		WITH v AS (SELECT DISTINCT (ST_DumpPoints(p.boundary)).geom AS g, z.boundary AS zb, p.lot_code
		           FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE p.id = $1 AND z.id = $2)
		SELECT min(lot_code), count(*) FILTER (WHERE ST_Distance(g, ST_Boundary(zb)) < 1e-9),
		       min(ST_Distance(g, ST_SetSRID(ST_MakePoint($3, $4), 4326))), min(ST_Distance(g, ST_SetSRID(ST_MakePoint($5, $6), 4326)))
		FROM v`, id, zoneID, v[0], v[1], a[0], a[1]).Scan(&gotLot, &onBoundary, &fromCorner, &fromA); err != nil {
		t.Fatalf("the new parcel %d in zone %d: %v", id, zoneID, err)
	}
	// On the boundary: within 1e-9° (0.1 mm), what is left of rounding.
	if gotLot != lot || onBoundary != 2 || fromCorner > 1e-9 || fromA > 2e-5 {
		t.Errorf("parcel %d: lot %q, %d vertices on the zone boundary, the nearest %g° from its corner and %g° from A; want %q, 2: one on the corner (< 1e-9°), one near A",
			id, gotLot, onBoundary, fromCorner, fromA, lot)
	}
	screenshot(t, ctx, "browser-edit-created.png")

	step("parcel created")

	// Its land use, from the details panel the save opened.
	wait("the new parcel's details", fmt.Sprintf(`(document.querySelector('#edit-lot-code')||{}).value === %q`, lot))
	run(chromedp.SetValue("#edit-land-use", "logistics", chromedp.ByQuery),
		chromedp.Evaluate(`delete document.body.dataset.saved; true`, nil),
		chromedp.Click("#edit-parcel button[type=submit]", chromedp.ByQuery))
	wait("the land use saved", fmt.Sprintf(`document.body.dataset.saved === '%d'`, id))
	var use string
	if err := s.db.Pool().QueryRow(bg, `SELECT land_use FROM parcels WHERE id = $1`, id).Scan(&use); err != nil || use != "logistics" {
		t.Errorf("land use %q after the edit (%v); want logistics", use, err)
	}

	step("land use edited")

	// Someone else changes it meanwhile: the next save is 412, said so,
	// and the reload shows their change.
	wait("the edited parcel's details", `(document.querySelector('#edit-land-use')||{}).value === 'logistics'`)
	if _, err := s.db.Pool().Exec(bg, `UPDATE parcels SET land_use = 'warehouse' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	run(chromedp.SetValue("#edit-lot-code", lot+"-X", chromedp.ByQuery), chromedp.Click("#edit-parcel button[type=submit]", chromedp.ByQuery))
	if _, err := waitText(ctx, "#edit-msg", "vừa được người khác sửa"); err != nil {
		t.Fatal(err)
	}
	run(chromedp.Click("#edit-msg button.reload", chromedp.ByQuery))
	wait("the reloaded parcel", `(document.querySelector('#edit-land-use')||{}).value === 'warehouse' && document.querySelector('#edit-lot-code').value === '`+lot+`'`)
	if err := s.db.Pool().QueryRow(bg, `SELECT lot_code FROM parcels WHERE id = $1`, id).Scan(&gotLot); err != nil || gotLot != lot {
		t.Errorf("a stale save changed the lot code to %q (%v)", gotLot, err)
	}

	step("stale version shown")

	// A lease that ends before it starts: said by the end date's field.
	day := func(offset int) string {
		return time.Now().UTC().Add(7*time.Hour).AddDate(0, 0, offset).Format(time.DateOnly)
	}
	const lessee = "Công ty TNHH Thử Nghiệm Bản Đồ"
	run(chromedp.SendKeys("#lease-lessee", lessee, chromedp.ByQuery),
		chromedp.SendKeys("#lease-country", "JP", chromedp.ByQuery),
		chromedp.SendKeys("#lease-sector", "electronics", chromedp.ByQuery),
		chromedp.SetValue("#lease-start", day(-30), chromedp.ByQuery),
		chromedp.SetValue("#lease-end", day(-60), chromedp.ByQuery),
		chromedp.Click("#lease-save", chromedp.ByQuery))
	if _, err := waitText(ctx, "#lease-form .field-problem[data-field=end]", "Ngày kết thúc phải sau ngày bắt đầu"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-edit-lease-problem.png")
	run(chromedp.SetValue("#lease-end", day(3650), chromedp.ByQuery), chromedp.Click("#lease-save", chromedp.ByQuery))
	wait("the lease recorded", `/^[0-9]+$/.test(document.body.dataset.leased || '')`)
	var leaseID int64
	var gotLessee, gotCountry, start string
	if err := s.db.Pool().QueryRow(bg, `SELECT id, lessee, country, start_date::text FROM leases WHERE parcel_id = $1`, id).Scan(&leaseID, &gotLessee, &gotCountry, &start); err != nil {
		t.Fatalf("the lease of parcel %d: %v", id, err)
	}
	if gotLessee != lessee || gotCountry != "JP" || start != day(-30) {
		t.Errorf("lease %d: %q, %q from %s; want %q, JP from %s", leaseID, gotLessee, gotCountry, start, lessee, day(-30))
	}

	step("lease recorded")

	// End it today.
	wait("the end-lease form", `!!document.querySelector('#end-save') && !document.querySelector('#end-save').disabled`)
	run(chromedp.Click("#end-save", chromedp.ByQuery))
	wait("the lease ended", fmt.Sprintf(`document.body.dataset.leaseEnded === '%d'`, leaseID))
	var ended, today string
	if err := s.db.Pool().QueryRow(bg, `SELECT coalesce(ended_on::text, ''), zg_today()::text FROM leases WHERE id = $1`, leaseID).Scan(&ended, &today); err != nil || ended != today {
		t.Errorf("lease %d ended on %q (%v); want today, %s", leaseID, ended, err, today)
	}
	step("lease ended")
	screenshot(t, ctx, "browser-edit-lease-ended.png")
	if events, logged := csp.violations(t, ctx); len(events)+len(logged) > 0 {
		t.Errorf("CSP violations: %v %v", events, logged)
	}
}

// TestBrowserEditLineage: the board's planner, on the map, reserves and
// releases a parcel, edits its boundary (a vertex dragged onto a
// neighbouring parcel's vertex by snapping, one added at an edge's middle
// and dragged inward, another removed by an Alt-click), splits it
// along a drawn line, merges the two pieces back by picking the second on
// the map (told in English that one parcel is not enough, by the picked
// parcels), and deletes the result; each step checked in SQL.
func TestBrowserEditLineage(t *testing.T) {
	chromium(t)
	s := startServer(t)
	bg := context.Background()
	var board string
	if err := s.db.Pool().QueryRow(bg, `SELECT board_id FROM zones WHERE code = 'KCX-TAN-THUAN'`).Scan(&board); err != nil {
		t.Fatal(err)
	}
	u := &zonegis.User{Login: "lan", DisplayName: "Lê Thị Lan", PasswordHash: registry.HashPassword("mật khẩu của Lan", registry.TestPasswordParams)}
	if err := s.db.CreateUser(bg, zonegis.System, u); err != nil {
		t.Fatal(err)
	}
	if err := s.db.GrantRole(bg, zonegis.System, u.ID, board, zonegis.BoardPlanner); err != nil {
		t.Fatal(err)
	}
	// An available parcel without leases, a simple polygon of 4 to 8
	// vertices, with its exterior ring.
	var id int64
	var lot, ringJSON string
	var lon, lat, areaM2 float64
	if err := s.db.Pool().QueryRow(bg, `
		SELECT p.id, p.lot_code, ST_X(ST_PointOnSurface(p.boundary)), ST_Y(ST_PointOnSurface(p.boundary)), ST_Area(p.boundary::geography),
		       ST_AsGeoJSON(ST_ExteriorRing(ST_GeometryN(p.boundary, 1)), 9)
		FROM parcels_now p JOIN zones z ON z.id = p.zone_id
		WHERE z.code = 'KCX-TAN-THUAN' AND p.status = 'available' AND ST_NumGeometries(p.boundary) = 1
		  AND ST_NPoints(p.boundary) BETWEEN 5 AND 9 AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.parcel_id = p.id)
		ORDER BY ST_Area(p.boundary::geography) DESC LIMIT 1`).Scan(&id, &lot, &lon, &lat, &areaM2, &ringJSON); err != nil {
		t.Fatal(err)
	}
	var ring struct{ Coordinates [][2]float64 }
	if err := json.Unmarshal([]byte(ringJSON), &ring); err != nil {
		t.Fatal(err)
	}
	n := len(ring.Coordinates) - 1 // vertices, the closing one left out

	ctx := browser(t)
	run := func(actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			screenshot(t, ctx, "browser-lineage-failed.png")
			t.Fatal(err)
		}
	}
	wait := func(what, js string) {
		t.Helper()
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Poll(js, &ok, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			var panel string
			_ = chromedp.Run(ctx, chromedp.Evaluate(`(document.querySelector('#details')||{}).innerText`, &panel))
			screenshot(t, ctx, "browser-lineage-failed.png")
			t.Fatalf("%s: %v; details: %q", what, err, panel)
		}
	}
	var vw view
	pixel := func(lon, lat float64) (x, y float64) {
		t.Helper()
		run(chromedp.ActionFunc(func(ctx context.Context) (err error) { vw, err = mapView(ctx); return err }))
		return vw.pixel(lon, lat)
	}
	status := func() string {
		t.Helper()
		var st string
		if err := s.db.Pool().QueryRow(bg, `SELECT status FROM parcels_now WHERE id = $1`, id).Scan(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	var ready bool
	run(chromedp.Navigate(s.url+"/app/"),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.Evaluate(`document.querySelector('#account-box').open = true; true`, nil),
		chromedp.SendKeys("#login-name", "lan", chromedp.ByQuery),
		chromedp.SendKeys("#login-password", "mật khẩu của Lan", chromedp.ByQuery),
		chromedp.Click("#login-submit", chromedp.ByQuery))
	if _, err := waitText(ctx, "#role", "Lê Thị Lan"); err != nil {
		t.Fatal(err)
	}
	run(chromedp.Click("#lang", chromedp.ByQuery)) // this one in English
	// The parcel left of the view's centre, clear of the details panel on
	// the right.
	const zoom = 17.5
	run(jumpTo(lon+150*360/(512*math.Exp2(zoom)), lat, zoom))
	x, y := pixel(lon, lat)
	run(chromedp.MouseClickXY(x, y))
	wait("the parcel's tools", fmt.Sprintf(`(document.querySelector('#edit-lot-code')||{}).value === %q`, lot))

	// Reserve, then release.
	run(chromedp.Click("#parcel-reserve", chromedp.ByQuery))
	wait("reserved", `!!document.querySelector('#parcel-release')`)
	if st := status(); st != zonegis.ParcelReserved {
		t.Errorf("after reserve: %s", st)
	}
	run(chromedp.Click("#parcel-release", chromedp.ByQuery))
	wait("released", `!!document.querySelector('#parcel-reserve')`)
	if st := status(); st != zonegis.ParcelAvailable {
		t.Errorf("after release: %s", st)
	}

	// The boundary: vertex 0 dragged to 4 px from the nearest vertex of
	// another parcel, onto which it snaps; a vertex added at the middle of
	// the next edge and dragged 12 px towards the parcel's inside point;
	// vertex 2 removed (Alt-click).
	var corner [2]float64
	if err := s.db.Pool().QueryRow(bg, `
		SELECT ST_X(g), ST_Y(g) FROM (SELECT (ST_DumpPoints(q.boundary)).geom AS g FROM parcels q, parcels p
		                             WHERE p.id = $1 AND q.zone_id = p.zone_id AND q.id <> p.id) v
		ORDER BY ST_Distance(g, ST_SetSRID(ST_MakePoint($2, $3), 4326)) LIMIT 1`, id, ring.Coordinates[0][0], ring.Coordinates[0][1]).Scan(&corner[0], &corner[1]); err != nil {
		t.Fatal(err)
	}
	run(chromedp.Click("#shape-edit", chromedp.ByQuery), chromedp.ActionFunc(settle))
	wait("snap targets", `/^[1-9][0-9]*$/.test(document.body.dataset.snapTargets || '')`)
	drag := func(fx, fy, tx, ty float64) {
		t.Helper()
		run(chromedp.MouseEvent(input.MousePressed, fx, fy, chromedp.ButtonType(input.Left), chromedp.ClickCount(1)))
		for i := 1; i <= 6; i++ {
			f := float64(i) / 6
			run(chromedp.MouseEvent(input.MouseMoved, fx+f*(tx-fx), fy+f*(ty-fy), chromedp.ButtonType(input.Left)))
		}
		run(chromedp.MouseEvent(input.MouseReleased, tx, ty, chromedp.ButtonType(input.Left), chromedp.ClickCount(1)))
	}
	a, b := ring.Coordinates[0], ring.Coordinates[1]
	ax, ay := pixel(a[0], a[1])
	kx, ky := pixel(corner[0], corner[1])
	dk := math.Hypot(ax-kx, ay-ky)
	if dk < 12 {
		t.Fatalf("the nearest vertex of another parcel is %.1f px from vertex 0: too near for a drag", dk)
	}
	drag(ax, ay, kx+4*(ax-kx)/dk, ky+4*(ay-ky)/dk)
	var snapped string
	run(chromedp.Evaluate(`document.body.dataset.snapped || ''`, &snapped))
	if snapped != "vertex" {
		t.Errorf("vertex 0, let go 4 px from another parcel's vertex, snapped to %q; want the vertex", snapped)
	}
	mx, my := pixel((corner[0]+b[0])/2, (corner[1]+b[1])/2)
	run(chromedp.MouseClickXY(mx, my))
	cx, cy := pixel(lon, lat)
	d := math.Hypot(cx-mx, cy-my)
	tx, ty := mx+12*(cx-mx)/d, my+12*(cy-my)/d
	drag(mx, my, tx, ty)
	removed := ring.Coordinates[2]
	rx, ry := pixel(removed[0], removed[1])
	run(chromedp.MouseClickXY(rx, ry, chromedp.ButtonModifiers(input.ModifierAlt)),
		chromedp.Evaluate(`delete document.body.dataset.saved; true`, nil),
		chromedp.Click("#shape-save", chromedp.ByQuery))
	wait("the boundary saved", fmt.Sprintf(`document.body.dataset.saved === '%d'`, id))
	// Where the dragged vertex went: the pixel it was let go at, within a
	// pixel and a half (a CSS pixel is 360/(512·2^zoom) degrees of longitude).
	px := 360 / (512 * math.Exp2(vw.Zoom))
	var points int
	var nearDragged, nearRemoved, nearCorner float64
	if err := s.db.Pool().QueryRow(bg, `
		WITH r AS (SELECT ST_ExteriorRing(ST_GeometryN(boundary, 1)) AS r FROM parcels WHERE id = $1),
		v AS (SELECT (ST_DumpPoints(r)).geom AS g FROM r)
		SELECT (SELECT ST_NPoints(r) - 1 FROM r),
		       (SELECT min(ST_Distance(g, ST_SetSRID(ST_MakePoint($2, $3), 4326))) FROM v),
		       (SELECT min(ST_Distance(g, ST_SetSRID(ST_MakePoint($4, $5), 4326))) FROM v),
		       (SELECT min(ST_Distance(g, ST_SetSRID(ST_MakePoint($6, $7), 4326))) FROM v)`,
		id, unproject(vw, tx, ty)[0], unproject(vw, tx, ty)[1], removed[0], removed[1], corner[0], corner[1]).Scan(&points, &nearDragged, &nearRemoved, &nearCorner); err != nil {
		t.Fatal(err)
	}
	if points != n || nearDragged > 1.5*px || nearRemoved < 1e-7 || nearCorner > 1e-9 {
		t.Errorf("boundary after the edit: %d vertices (want %d: one added, one removed), the dragged one %g° from where it was let go (want < %g), the removed one %g° from the nearest (want > 0), the snapped one %g° from the other parcel's vertex (want < 1e-9)",
			points, n, nearDragged, 1.5*px, nearRemoved, nearCorner)
	}

	// Split along a line across the parcel's inside point, south to north.
	var split []int64
	var south, north float64
	if err := s.db.Pool().QueryRow(bg, `SELECT ST_YMin(boundary), ST_YMax(boundary) FROM parcels WHERE id = $1`, id).Scan(&south, &north); err != nil {
		t.Fatal(err)
	}
	wait("the boundary's details", `!!document.querySelector('#split-start')`)
	run(chromedp.Click("#split-start", chromedp.ByQuery))
	for _, ylat := range []float64{south - (north-south)*0.1, north + (north-south)*0.1} {
		x, y := pixel(lon, ylat)
		run(chromedp.MouseClickXY(x, y))
	}
	run(chromedp.Click("#split-save", chromedp.ByQuery))
	wait("split", `/^[0-9]+,[0-9]+$/.test(document.body.dataset.split || '')`)
	rows, err := s.db.Pool().Query(bg, `SELECT p.id FROM parcel_lineage l JOIN parcels p ON p.id = l.child_id WHERE l.parent_id = $1 AND l.op = 'split'
		AND p.lot_code IN ($2 || '-1', $2 || '-2') ORDER BY p.lot_code`, id, lot)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		split = append(split, c)
	}
	rows.Close()
	if len(split) != 2 {
		t.Fatalf("split of parcel %d: pieces %v; want 2 live pieces %s-1 and %s-2 in its lineage", id, split, lot, lot)
	}

	// Merge them back: the panel shows the first piece; the second is
	// picked on the map.
	wait("the first piece's details", fmt.Sprintf(`(document.querySelector('#edit-lot-code')||{}).value === %q`, lot+"-1"))
	run(chromedp.ActionFunc(settle), chromedp.Click("#merge-start", chromedp.ByQuery))
	var plon, plat float64
	if err := s.db.Pool().QueryRow(bg, `SELECT ST_X(ST_PointOnSurface(boundary)), ST_Y(ST_PointOnSurface(boundary)) FROM parcels WHERE id = $1`, split[1]).Scan(&plon, &plat); err != nil {
		t.Fatal(err)
	}
	// Merging the one parcel picked so far: said by the picked parcels, in
	// English.
	run(chromedp.Click("#merge-save", chromedp.ByQuery))
	if _, err := waitText(ctx, "#merge-form .field-problem[data-field=ids]", "Pick 2 parcels at least to merge"); err != nil {
		t.Fatal(err)
	}
	x, y = pixel(plon, plat)
	run(chromedp.MouseClickXY(x, y))
	wait("two picked", `/: 2$/.test(document.querySelector('#merge-picked').textContent)`)
	run(chromedp.SetValue("#merge-lot-code", lot+"-M", chromedp.ByQuery), chromedp.Click("#merge-save", chromedp.ByQuery))
	wait("merged", `/^[0-9]+$/.test(document.body.dataset.merged || '')`)
	var merged int64
	var mergedArea float64
	if err := s.db.Pool().QueryRow(bg, `SELECT id, ST_Area(boundary::geography) FROM parcels WHERE lot_code = $1`, lot+"-M").Scan(&merged, &mergedArea); err != nil {
		t.Fatalf("the merged parcel: %v", err)
	}
	var live int
	if err := s.db.Pool().QueryRow(bg, `SELECT count(*) FROM parcels WHERE id = ANY($1)`, split).Scan(&live); err != nil || live != 0 {
		t.Errorf("%d of the pieces %v still live after the merge (%v)", live, split, err)
	}

	// Delete it (two steps: a second button confirms).
	wait("the merged parcel's details", fmt.Sprintf(`(document.querySelector('#edit-lot-code')||{}).value === %q`, lot+"-M"))
	run(chromedp.Click("#parcel-delete", chromedp.ByQuery), chromedp.Click("#parcel-delete-confirm", chromedp.ByQuery))
	wait("deleted", fmt.Sprintf(`document.body.dataset.deleted === '%d'`, merged))
	if err := s.db.Pool().QueryRow(bg, `SELECT count(*) FROM parcels WHERE id = $1`, merged).Scan(&live); err != nil || live != 0 {
		t.Errorf("parcel %d is still there after the delete (%v)", merged, err)
	}
	screenshot(t, ctx, "browser-lineage-done.png")
}

// unproject is the lon/lat at screen pixel (x, y) of view v (the inverse
// of view.pixel).
func unproject(v view, x, y float64) [2]float64 {
	world := 512 * math.Exp2(v.Zoom)
	cx, cy := mercator(v.Lon, v.Lat, v.Zoom)
	mx, my := cx+x-(v.X+v.W/2), cy+y-(v.Y+v.H/2)
	lon := mx/world*360 - 180
	lat := 360/math.Pi*math.Atan(math.Exp((180-my/world*360)*math.Pi/180)) - 90
	return [2]float64{lon, lat}
}
