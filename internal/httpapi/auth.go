package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// routeActions names the registry.Action of each non-read route, keyed by
// method and route path: the gate authorize checks (registry.MayOnSome)
// before the use case checks the boards the request touches (registry.May).
// Reads (GET, HEAD) not listed are registry.Read; any other route not
// listed is refused (fail closed), and a test walks every registered
// write route.
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
	"POST /auth/login":                          registry.Read, // anyone may try; session.Manager throttles
	"POST /auth/logout":                         registry.Read,
	"GET /jobs/:id":                             registry.WriteRecords, // the user who posted it, or an admin
}

// keyedRead says whether a GET path needs credentials: the audit trail
// and import jobs; every other read is public.
func keyedRead(path string) bool {
	return strings.HasPrefix(path, "/audit") || strings.HasPrefix(path, "/jobs/")
}

// routeAction is the action of a route and whether the table covers it.
func routeAction(method, path string) (registry.Action, bool) {
	if a, ok := routeActions[method+" "+path]; ok {
		return a, true
	}
	return registry.Read, method == http.MethodGet || method == http.MethodHead
}

// requiredRole is the least role a route needs (registry.LeastRole) and
// whether the table covers it.
func requiredRole(method, path string) (string, bool) {
	if a, ok := routeAction(method, path); ok {
		return registry.LeastRole(a)
	}
	return "", false
}

// Identifier finds the caller from one kind of credential. Presents says,
// cheaply, whether a request carries that kind (then Identify must accept
// it or fail with EUNAUTHORIZED: a credential given must be valid even on
// a public route). Server tries its identifiers in order; the first that
// a request presents decides.
type Identifier struct {
	Presents func(r *http.Request) bool
	Identify func(c echo.Context) (zonegis.Principal, error)
}

// keyIdentifier is the API key (httpx.PresentedKey) in the store.
func (s *Server) keyIdentifier() Identifier {
	return Identifier{Presents: httpx.HasKeyHeader, Identify: func(c echo.Context) (zonegis.Principal, error) {
		return s.store.Authenticate(c.Request().Context(), httpx.PresentedKey(c.Request()))
	}}
}

const principalKey = "zonegis.principal"

// principalOf returns the caller (the public when no credential was given).
func principalOf(c echo.Context) zonegis.Principal {
	if p, ok := c.Get(principalKey).(zonegis.Principal); ok {
		return p
	}
	return zonegis.Principal{RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
}

// actorOf is the caller as the audit trail records it.
func actorOf(c echo.Context) zonegis.Actor { return principalOf(c).Actor() }

// authorize identifies the caller (s.identifiers) and lets the request on
// when the caller may do the route's action on some board.
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		var id *Identifier
		for i := range s.identifiers {
			if s.identifiers[i].Presents(r) {
				id = &s.identifiers[i]
				break
			}
		}
		if id == nil && r.Method == http.MethodGet && !keyedRead(c.Path()) {
			return next(c) // the common case: a public read, nothing to look up
		}
		if !s.registered[route{r.Method, c.Path()}] {
			return next(c) // no such route or method: the router answers 404 or 405
		}
		action, ok := routeAction(r.Method, c.Path())
		if !ok {
			return zonegis.Errorf(zonegis.EFORBIDDEN, "this route has no rule in the role table")
		}
		p := principalOf(c)
		if id != nil {
			rid := p.RequestID
			var err error
			if p, err = id.Identify(c); err != nil {
				return err
			}
			p.RequestID = rid
			c.Set(principalKey, p) // only identified callers: c.Set allocates the context's map
		}
		if !registry.MayOnSome(p, action) {
			if !p.Authenticated() {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="zonegis"`)
			}
			return registry.Authorize(p, action, "")
		}
		return next(c)
	}
}

// route is a registered route: method and path template.
type route struct{ method, path string }
