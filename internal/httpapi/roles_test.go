package httpapi

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestRoleTableCoversEveryWriteRoute walks every registered route: a route
// whose method is not GET or HEAD must be in routeActions (else the middleware
// refuses it, and a new write route would ship unusable or, worse, someone
// would "fix" that by making the default open), and every routeActions entry
// must be a registered route (no stale or misspelled entries).
func TestRoleTableCoversEveryWriteRoute(t *testing.T) {
	s := New(withMemStore(Options{}))
	registered := map[string]bool{}
	for _, r := range s.Routes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			continue
		}
		a, ok := routeActions[key]
		if !ok {
			t.Errorf("route %s is not in routeActions (auth.go): say which action it is", key)
			continue
		}
		if _, known := registry.LeastRole(a); !known {
			t.Errorf("route %s is unknown action %q", key, a)
		}
	}
	for key := range routeActions {
		if !registered[key] {
			t.Errorf("routeActions entry %q is not a registered route (routes.go)", key)
		}
	}
	// The writes of the issue are all at least planner; the audit trail is admin.
	roleOf := func(key string) string { r, _ := registry.LeastRole(routeActions[key]); return r }
	for key, a := range routeActions {
		method := strings.SplitN(key, " ", 2)[0]
		// A read with a body, and signing in and out (session.Manager
		// checks its own: throttling, Origin, the CSRF token).
		open := key == "POST /query/intersects" || key == "POST /auth/login" || key == "POST /auth/logout"
		if method != http.MethodGet && !open && registry.May(zonegis.Principal{}, a, "") {
			t.Errorf("%s is a write open to role %s", key, roleOf(key))
		}
	}
	if roleOf("GET /audit") != zonegis.BoardAdmin {
		t.Errorf("GET /audit needs %q, want board_admin", roleOf("GET /audit"))
	}
	for _, key := range []string{"POST /parcels/:id/split", "POST /parcels/merge"} {
		if roleOf(key) != zonegis.RolePlanner {
			t.Errorf("%s needs %q, want planner", key, roleOf(key))
		}
	}
}

// TestRoleTableFailsClosed checks that a write route missing from the table
// is refused (403) before its handler runs, even for an admin would-be
// caller, and that reads not listed are public.
func TestRoleTableFailsClosed(t *testing.T) {
	s := New(withMemStore(Options{}))
	ran := false
	s.echo.POST("/unlisted", func(c echo.Context) error { ran = true; return c.NoContent(http.StatusNoContent) })
	s.echo.GET("/unlisted", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	// New records the routes routes() registered; these come later.
	s.registered[route{"POST", "/unlisted"}], s.registered[route{"GET", "/unlisted"}] = true, true
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/unlisted", nil))
	if rec.Code != http.StatusForbidden || ran || !strings.Contains(rec.Body.String(), "no rule in the role table") {
		t.Fatalf("unlisted POST: %d %s (handler ran: %v), want 403", rec.Code, rec.Body, ran)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/unlisted", nil))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("unlisted GET: %d, want the public read to run", rec.Code)
	}
	if _, ok := requiredRole(http.MethodDelete, "/unlisted"); ok {
		t.Fatal("requiredRole covers an unlisted DELETE")
	}
	if r, ok := requiredRole(http.MethodHead, "/collections"); !ok || r != zonegis.RolePublic {
		t.Fatalf("HEAD read: %q %v", r, ok)
	}
	if r, _ := requiredRole(http.MethodPost, "/query/intersects"); !slices.Contains([]string{zonegis.RolePublic, zonegis.RolePlanner, zonegis.RoleAdmin}, r) {
		t.Fatal("POST /query/intersects has no role")
	}
}
