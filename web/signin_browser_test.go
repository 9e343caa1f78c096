package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestBrowserSignIn drives the sign-in form in headless Chromium: a wrong
// password is refused in Vietnamese, the board's planner signs in (the
// session cookie invisible to the page's script, nothing kept in
// storage), edits a parcel of their board through the details panel (a
// PATCH with the session's CSRF token, recorded in the audit trail under
// their login), signs out; a planner of another board signs in and gets
// 403 on the same parcel, said in Vietnamese.
func TestBrowserSignIn(t *testing.T) {
	chromium(t) // skip or fail before starting PostGIS
	s := startServer(t)
	bg := context.Background()
	var board string
	if err := s.db.Pool().QueryRow(bg, `SELECT board_id FROM zones WHERE code = 'KCX-TAN-THUAN'`).Scan(&board); err != nil {
		t.Fatal(err)
	}
	var other string
	if err := s.db.Pool().QueryRow(bg, `SELECT id FROM boards WHERE id <> $1 ORDER BY id LIMIT 1`, board).Scan(&other); err != nil {
		t.Fatal(err)
	}
	mkUser := func(login, password, board string) {
		u := &zonegis.User{Login: login, DisplayName: "Nguyễn Thị " + login, PasswordHash: registry.HashPassword(password, registry.TestPasswordParams)}
		if err := s.db.CreateUser(bg, zonegis.System, u); err != nil {
			t.Fatal(err)
		}
		if err := s.db.GrantRole(bg, zonegis.System, u.ID, board, zonegis.BoardPlanner); err != nil {
			t.Fatal(err)
		}
	}
	mkUser("hoa", "mật khẩu của Hoa", board)
	mkUser("binh", "mật khẩu của Bình", other)

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
	signIn := func(login, password string) {
		t.Helper()
		if err := chromedp.Run(ctx,
			chromedp.Evaluate(`document.querySelector('#account-box').open = true;
				document.querySelector('#login-name').value = ''; document.querySelector('#login-password').value = ''; true`, nil),
			chromedp.SendKeys("#login-name", login, chromedp.ByQuery),
			chromedp.SendKeys("#login-password", password, chromedp.ByQuery),
			chromedp.Click("#login-submit", chromedp.ByQuery),
		); err != nil {
			t.Fatal(err)
		}
	}

	// A wrong password: the generic message, in Vietnamese.
	signIn("hoa", "sai mật khẩu")
	if _, err := waitText(ctx, "#login-msg", "Tên đăng nhập hoặc mật khẩu không đúng"); err != nil {
		t.Fatal(err)
	}

	// The board's planner signs in.
	signIn("hoa", "mật khẩu của Hoa")
	if _, err := waitText(ctx, "#role", "Nguyễn Thị hoa"); err != nil {
		t.Fatal(err)
	}
	var cookieSeen, stored string
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.cookie`, &cookieSeen),
		chromedp.Evaluate(`JSON.stringify([Object.keys(localStorage).filter(k => k !== 'zonegis.lang'), Object.keys(sessionStorage)])`, &stored),
	); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cookieSeen, "zonegis_session") {
		t.Errorf("the page's script reads the session cookie: %q", cookieSeen)
	}
	if stored != "[[],[]]" {
		t.Errorf("signing in stored %s in the browser's storage", stored)
	}

	// Edit a parcel of the board: its land use, through the details panel.
	p := parcelTarget(t, s.db, zonegis.ParcelAvailable)
	var before string
	if err := s.db.Pool().QueryRow(bg, `SELECT land_use FROM parcels WHERE id = $1`, p.id).Scan(&before); err != nil {
		t.Fatal(err)
	}
	after := "logistics"
	if before == after {
		after = "warehouse"
	}
	openParcel := func() {
		t.Helper()
		if err := chromedp.Run(ctx, jumpTo(p.lon, p.lat, 17), chromedp.ActionFunc(settle)); err != nil {
			t.Fatal(err)
		}
		var v view
		if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) (err error) { v, err = mapView(ctx); return err })); err != nil {
			t.Fatal(err)
		}
		x, y := v.pixel(p.lon, p.lat)
		if err := chromedp.Run(ctx, chromedp.MouseClickXY(x, y)); err != nil {
			t.Fatal(err)
		}
		if _, err := waitText(ctx, "#edit-parcel", "Sửa lô đất"); err != nil {
			screenshot(t, ctx, "browser-signin-details-failed.png")
			t.Fatalf("parcel %s: no edit form: %v", p.lotCode, err)
		}
	}
	openParcel()
	if err := chromedp.Run(ctx,
		chromedp.SetValue("#edit-land-use", after, chromedp.ByQuery),
		chromedp.Click("#edit-parcel button[type=submit]", chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	var saved string
	if err := chromedp.Run(ctx, chromedp.Poll(`document.body.dataset.saved || ''`, &saved, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		var msg string
		_ = chromedp.Run(ctx, chromedp.Text("#details", &msg, chromedp.ByQuery))
		t.Fatalf("the edit was not saved: %v; panel %q", err, msg)
	}
	var got, who string
	if err := s.db.Pool().QueryRow(bg, `SELECT land_use FROM parcels WHERE id = $1`, p.id).Scan(&got); err != nil || got != after {
		t.Fatalf("land use %q after the edit, want %q (%v)", got, after, err)
	}
	if err := s.db.Pool().QueryRow(bg, `SELECT u.login FROM audit_log a JOIN users u ON u.id = a.user_id
		WHERE a.collection = 'parcels' AND a.item_id = $1 ORDER BY a.id DESC LIMIT 1`, p.id).Scan(&who); err != nil || who != "hoa" {
		t.Errorf("the audit trail names %q for the edit (%v)", who, err)
	}
	screenshot(t, ctx, "browser-signin-edited.png")

	// Sign out; a planner of another board may not edit it.
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector('#account-box').open = true; true`, nil),
		chromedp.Click("#logout", chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#role", "Công chúng"); err != nil {
		t.Fatal(err)
	}
	signIn("binh", "mật khẩu của Bình")
	if _, err := waitText(ctx, "#role", "Nguyễn Thị binh"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Click("#details .close", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	openParcel()
	if err := chromedp.Run(ctx,
		chromedp.SetValue("#edit-land-use", before, chromedp.ByQuery),
		chromedp.Click("#edit-parcel button[type=submit]", chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#edit-msg", "Bạn không có quyền"); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Pool().QueryRow(bg, `SELECT land_use FROM parcels WHERE id = $1`, p.id).Scan(&got); err != nil || got != after {
		t.Fatalf("another board's planner changed the land use to %q (%v)", got, err)
	}
	screenshot(t, ctx, "browser-signin-forbidden.png")
	if events, logged := csp.violations(t, ctx); len(events)+len(logged) > 0 {
		t.Errorf("CSP violations: %v %v", events, logged)
	}
}
