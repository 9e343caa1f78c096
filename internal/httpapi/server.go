// Package httpapi is the REST API of zonegis: OGC API - Features Part 1
// (Core, GeoJSON, OpenAPI 3.0) over the in-memory index, spatial queries for
// planners and investors, and health. Every route is listed in routes.go;
// every error is application/problem+json.
package httpapi

import (
	"cmp"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/download"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/metrics"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/session"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/tiles"
	"github.com/zonegis/zonegis/web"
)

// MaxBodyBytes bounds request bodies (posted geometries).
const MaxBodyBytes = 8 << 20

// DefaultHeavyRequests is how many heavy requests run at once when
// Options.HeavyRequests is 0.
const DefaultHeavyRequests = 3

// Options are the dependencies of the API.
type Options struct {
	Index *index.Index
	// Store is the system of record (*postgis.DB in the service, an
	// httpapitest.Store in handler tests); it is required.
	Store    Store
	Follower *indexsync.Follower // may be nil in tests: writes then do not wait for the index
	Logger   *slog.Logger
	Version  string
	// Tiles renders the vector tiles; nil gets an uncached service over
	// Index (nothing invalidates a cache without the follower's hook).
	Tiles *tiles.Service
	// App is the built web map served at /app/; nil serves web.Dist().
	App fs.FS
	// BasemapURL is an optional raster tile URL template ({z}/{x}/{y})
	// the web map draws under the data; "" draws a plain background.
	BasemapURL string
	// Stats computes the statistics (its caches' counts go to the
	// metrics); nil gets a stats.Service over Store with stats' defaults.
	Stats *stats.Service
	// HeavyRequests is how many heavy requests run at once (httpx.Limit):
	// imports (up to MaxImportBytes), exports and dossiers in a projected
	// CRS (PostGIS transforms every geometry) and intersects queries (up
	// to catalog.MaxQueryVertices vertices), investment statistics; 0 means
	// DefaultHeavyRequests. Heavy, if set, is the limit (tests hold its slots).
	HeavyRequests int
	Heavy         *httpx.Limit
	// Jobs runs imports, in the background for those that would take
	// long (see import.go); nil gets a runner with jobs' defaults over
	// Store, which nothing closes (the server's caller closes its own).
	Jobs *jobs.Runner
	// Exports keeps the FlatGeobuf exports' files (its caller closes it);
	// nil gets one in a temporary directory, which Server.Close removes.
	Exports *export.Files
	// Identifiers find the caller from credentials other than an API key
	// (a web session's cookie), tried in order after the key's.
	Identifiers []Identifier
	// Metrics times every request (metrics.Wrap) and, unless
	// MetricsApart (they have an address of their own), GET /metrics serves it.
	Metrics      *metrics.Metrics
	MetricsApart bool
	// Sessions serves /auth (nil: 404) and, after keys, finds callers by
	// their cookie (not on tiles: the same for all).
	Sessions *session.Manager
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	echo     *echo.Echo
	ix       *index.Index
	store    Store
	follower *indexsync.Follower
	logger   *slog.Logger
	version  string
	started  time.Time
	// identifiers find the caller: the API key's, then Options'.
	identifiers []Identifier
	sessions    *session.Manager
	// registered holds "METHOD path" of every route, for authorize.
	registered map[route]bool
	// front is the middleware around every route (httpx.NewFront).
	front echo.HandlerFunc

	tiles      *tiles.Service
	downloads  *download.Sender
	exports    *export.Files // New's own when Options.Exports is nil (Close removes it)
	app        fs.FS
	basemapURL string
	pageCSP    []string // the web map's Content-Security-Policy (httpx.PageHeaders)
	stats      *stats.Service
	heavy      *httpx.Limit
	jobs       *jobs.Runner
	metrics    echo.HandlerFunc // GET /metrics (metrics.Endpoint)
}

// New builds the API with its routes.
// It panics when o.Store is nil, as http.Handle does on a nil handler: a
// server without its store is a mistake in the caller, not a state to
// serve in.
func New(o Options) *Server {
	if o.Store == nil {
		panic("httpapi: Options.Store is nil")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = httpx.ErrorHandler(o.Logger, postgis.MapError)
	s := &Server{echo: e, ix: o.Index, store: o.Store, follower: o.Follower, logger: o.Logger, version: o.Version, started: time.Now()}
	s.tiles, s.app, s.basemapURL = o.Tiles, o.App, o.BasemapURL
	if o.Exports == nil {
		s.exports = export.NewFiles("", 0)
	}
	s.downloads = &download.Sender{Transformer: o.Store, Logger: o.Logger, Files: cmp.Or(o.Exports, s.exports)}
	s.identifiers = append([]Identifier{s.keyIdentifier()}, o.Identifiers...)
	if s.sessions = o.Sessions; s.sessions != nil {
		present := func(r *http.Request) bool { return !isTilePath(r.URL.Path) && o.Sessions.Presents(r) }
		s.identifiers = append(s.identifiers, Identifier{Presents: present, Identify: o.Sessions.Identify})
	}
	if s.tiles == nil {
		s.tiles = tiles.New(o.Index, tiles.Options{})
	}
	if s.app == nil {
		s.app = web.Dist()
	}
	// A base-map URL the page cannot be allowed to load from (cmd/zonegis
	// refuses one at start) is left out of the CSP: the map draws without.
	origin, err := web.BasemapOrigin(o.BasemapURL)
	if err != nil {
		o.Logger.Warn("the web map's CSP leaves the base map out", "err", err)
	}
	s.pageCSP = []string{web.PageCSP(origin)}
	if s.stats = o.Stats; s.stats == nil {
		s.stats = stats.New(o.Store, stats.Options{})
	}
	if s.heavy = o.Heavy; s.heavy == nil {
		s.heavy = httpx.NewLimit(cmp.Or(max(o.HeavyRequests, 0), DefaultHeavyRequests), "heavy requests (imports, projected exports, intersects queries, investment statistics)")
	}
	if s.jobs = o.Jobs; s.jobs == nil {
		s.jobs = jobs.New(jobs.Options{Store: o.Store, Logger: o.Logger})
	}
	// The front middleware (httpx.NewFront) is built once, here; HEAD is
	// turned into GET in ServeHTTP, before routing.
	s.front = httpx.NewFront(httpx.FrontConfig{Logger: o.Logger, Next: s.authorize(routeHandler),
		Registered:    func(method, path string) bool { return s.registered[route{method, path}] },
		Precompressed: precompressed,
		ExposeHeaders: []string{"ETag", "Location", "Link", "Content-Crs", "Content-Range"}})
	front := o.Metrics.Wrap(e, s.front) // times every request (not without Metrics)
	s.metrics = o.Metrics.Endpoint(!o.MetricsApart, checkNoParams)
	e.Use(func(echo.HandlerFunc) echo.HandlerFunc { return front })
	s.routes()
	s.registered = map[route]bool{}
	for _, r := range e.Routes() {
		s.registered[route{r.Method, r.Path}] = true
	}
	return s
}

// ServeHTTP serves a request. HEAD is answered like GET without a body: the
// request is routed, authorised and handled as a GET, and what the handler
// writes is dropped.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		// Echo routes a copy as GET; net/http keeps the HEAD request, so it
		// eats the body and still sends the length a GET would have.
		get := new(http.Request)
		*get = *r
		get.Method = http.MethodGet
		r = get
	}
	s.echo.ServeHTTP(w, r)
}

// Close removes what New made for the server: the exports' temporary
// directory (not an Options.Exports, which its caller closes).
func (s *Server) Close() error { return s.exports.Close() }

// routeHandler runs the handler the router chose for c (the route's, or
// the not-found or method-not-allowed handler).
func routeHandler(c echo.Context) error { return c.Handler()(c) }

// Routes lists the registered routes (method and path), for tests that
// check them against the OpenAPI document and the role table.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

const (
	mimeJSON    = httpx.MIMEJSON
	mimeGeoJSON = httpx.MIMEGeoJSON
	mimeOpenAPI = httpx.MIMEOpenAPI
)

// precompressed: tiles come compressed from their cache (handleTile), and
// an export sent as a file (FlatGeobuf) has byte ranges that gzip breaks.
func precompressed(r *http.Request) bool {
	p := r.URL.Path
	return isTilePath(p) || (strings.HasSuffix(p, "/export") || strings.HasSuffix(p, "/dossier")) && download.AsFile(r.URL.Query().Get("f"))
}

// isTilePath says whether p is a tile's (of /tiles or OGC API - Tiles).
func isTilePath(p string) bool {
	return strings.HasPrefix(p, "/tiles/") || strings.Contains(p, "/tiles/"+tiles.WebMercatorQuad+"/")
}
