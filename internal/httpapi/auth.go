package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// routeActions names the registry.Action of each non-read route, keyed by
// method and route path; registry.Can says which roles may do it. Reads
// (GET, HEAD) not listed are registry.Read; any other route not listed is
// refused (fail closed), and a test checks that every registered write
// route is here.
var routeActions = map[string]registry.Action{
	"POST /query/intersects":                    registry.Read, // a read with a body
	"POST /collections/:collection/items":       registry.WriteRecords,
	"PUT /collections/:collection/items/:id":    registry.WriteRecords,
	"PATCH /collections/:collection/items/:id":  registry.WriteRecords,
	"DELETE /collections/:collection/items/:id": registry.WriteRecords,
	"POST /collections/:collection/import":      registry.WriteRecords,
	"POST /parcels/:id/leases":                  registry.WriteRecords,
	"POST /parcels/:id/reserve":                 registry.WriteRecords,
	"POST /parcels/:id/release":                 registry.WriteRecords,
	"POST /leases/:id/end":                      registry.WriteRecords,
	"POST /parcels/:id/split":                   registry.WriteRecords,
	"POST /parcels/merge":                       registry.WriteRecords,
	"POST /boards":                              registry.ManageBoards,
	"PATCH /boards/:id":                         registry.ManageBoards,
	"DELETE /boards/:id":                        registry.ManageBoards,
	"GET /audit":                                registry.ReadAudit,
	"GET /jobs/:id":                             registry.WriteRecords, // the key that posted it, or an admin
}

// keyedRead says whether a GET path needs a key: the audit trail and
// import jobs; every other read is public.
func keyedRead(path string) bool {
	return strings.HasPrefix(path, "/audit") || strings.HasPrefix(path, "/jobs/")
}

// routeAction is the action of a route and whether the table covers it.
func routeAction(method, path string) (registry.Action, bool) {
	if method == http.MethodGet && !keyedRead(path) {
		return registry.Read, true // the common case, without building a key
	}
	if a, ok := routeActions[method+" "+path]; ok {
		return a, true
	}
	return registry.Read, method == http.MethodGet || method == http.MethodHead
}

// requiredRole is the least role a route needs and whether the table
// covers it.
func requiredRole(method, path string) (string, bool) {
	a, ok := routeAction(method, path)
	if !ok {
		return "", false
	}
	return registry.Needs(a)
}

const actorKey = "zonegis.actor"

// actorOf returns the caller (public when no key was given).
func actorOf(c echo.Context) zonegis.Actor {
	if a, ok := c.Get(actorKey).(zonegis.Actor); ok {
		return a
	}
	return zonegis.Actor{Role: zonegis.RolePublic, RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
}

// presentedKey reads the API key from "Authorization: Bearer <key>" or
// "X-API-Key: <key>".
func presentedKey(r *http.Request) string {
	if k := r.Header.Get("X-API-Key"); k != "" {
		return strings.TrimSpace(k)
	}
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authorize identifies the caller and enforces the role table. A key that
// is given must be valid (401) even on public routes.
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// The common case first: a public read without a key.
		if r := c.Request(); r.Method == http.MethodGet && len(r.Header["X-Api-Key"]) == 0 &&
			len(r.Header["Authorization"]) == 0 && !keyedRead(c.Path()) {
			return next(c)
		}
		if !s.registered[route{c.Request().Method, c.Path()}] {
			return next(c) // no such route or method: the router answers 404 or 405
		}
		action, ok := routeAction(c.Request().Method, c.Path())
		if !ok {
			return zonegis.Errorf(zonegis.EFORBIDDEN, "this route has no role assigned")
		}
		actor := zonegis.Actor{Role: zonegis.RolePublic, RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
		if key := presentedKey(c.Request()); key != "" {
			k, err := s.store.Authenticate(c.Request().Context(), key)
			if err != nil {
				return err
			}
			actor.KeyID, actor.KeyName, actor.Role = k.ID, k.Name, k.Role
			// Only keyed callers are stored: c.Set allocates the context's
			// map, and the public caller is actorOf's default.
			c.Set(actorKey, actor)
		}
		if !registry.Can(actor.Role, action) {
			need, _ := registry.Needs(action)
			if actor.Role == zonegis.RolePublic {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="zonegis"`)
				return zonegis.Errorf(zonegis.EUNAUTHORIZED, "this needs an API key with role %s (Authorization: Bearer <key>)", need)
			}
			return zonegis.Errorf(zonegis.EFORBIDDEN, "this needs role %s; your key %q has role %s", need, actor.KeyName, actor.Role)
		}
		return next(c)
	}
}

// route is a registered route: method and path template.
type route struct{ method, path string }
