package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// roleTable says which role each non-read route needs, keyed by method and
// route path. Reads (GET, HEAD) not listed are public; any other route not
// listed is refused (fail closed), and a test checks that every registered
// write route is here.
var roleTable = map[string]string{
	"POST /query/intersects":                    zonegis.RolePublic, // a read with a body
	"POST /collections/:collection/items":       zonegis.RolePlanner,
	"PUT /collections/:collection/items/:id":    zonegis.RolePlanner,
	"PATCH /collections/:collection/items/:id":  zonegis.RolePlanner,
	"DELETE /collections/:collection/items/:id": zonegis.RolePlanner,
	"POST /collections/:collection/import":      zonegis.RolePlanner,
	"POST /parcels/:id/leases":                  zonegis.RolePlanner,
	"POST /parcels/:id/reserve":                 zonegis.RolePlanner,
	"POST /parcels/:id/release":                 zonegis.RolePlanner,
	"POST /leases/:id/end":                      zonegis.RolePlanner,
	"POST /parcels/:id/split":                   zonegis.RolePlanner,
	"POST /parcels/merge":                       zonegis.RolePlanner,
	"POST /boards":                              zonegis.RoleAdmin,
	"PATCH /boards/:id":                         zonegis.RoleAdmin,
	"DELETE /boards/:id":                        zonegis.RoleAdmin,
	"GET /audit":                                zonegis.RoleAdmin,
}

var roleRank = map[string]int{zonegis.RolePublic: 0, zonegis.RolePlanner: 1, zonegis.RoleAdmin: 2}

// requiredRole is the role a route needs and whether the table covers it.
func requiredRole(method, path string) (string, bool) {
	if method == http.MethodGet && !strings.HasPrefix(path, "/audit") {
		return zonegis.RolePublic, true // the common case, without building a key
	}
	if r, ok := roleTable[method+" "+path]; ok {
		return r, true
	}
	if method == http.MethodGet || method == http.MethodHead {
		return zonegis.RolePublic, true
	}
	return "", false
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
			len(r.Header["Authorization"]) == 0 && !strings.HasPrefix(c.Path(), "/audit") {
			return next(c)
		}
		if !s.registered[route{c.Request().Method, c.Path()}] {
			return next(c) // no such route or method: the router answers 404 or 405
		}
		need, ok := requiredRole(c.Request().Method, c.Path())
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
		if roleRank[actor.Role] < roleRank[need] {
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
