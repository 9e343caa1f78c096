// Package httpapi is the REST API of zonegis: OGC API - Features Part 1
// (Core, GeoJSON, OpenAPI 3.0) over the in-memory index, spatial queries for
// planners and investors, and health. Every route is listed in routes.go;
// every error is application/problem+json.
package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/tiles"
	"github.com/zonegis/zonegis/internal/zonegis"
	"github.com/zonegis/zonegis/web"
)

// MaxBodyBytes bounds request bodies (posted geometries).
const MaxBodyBytes = 8 << 20

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
	// MinGreenShare is the minimum green share of a zone's area, as a
	// fraction, for the statistics' compliance figures; 0 means 0.10.
	MinGreenShare float64
	// HeavyRequests is how many heavy requests (imports, projected
	// exports, intersects queries) run at once; 0 means
	// DefaultHeavyRequests. See heavy.go.
	HeavyRequests int
	// Jobs runs imports, in the background for those that would take
	// long (see import.go); nil gets a runner with jobs' defaults over
	// Store, which nothing closes (the server's caller closes its own).
	Jobs *jobs.Runner
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
	// registered holds "METHOD path" of every route, for authorize.
	registered map[route]bool
	// fast and slow are what front hands a request on to (see New).
	fast, slow echo.HandlerFunc
	nextID     func() string

	tiles      *tiles.Service
	app        fs.FS
	basemapURL string
	pageCSP    []string // the web map's Content-Security-Policy (see security.go)
	stats      *stats.Service
	heavy      *heavyLimit
	jobs       *jobs.Runner
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
	e.HTTPErrorHandler = errorHandler(o.Logger)
	s := &Server{echo: e, ix: o.Index, store: o.Store, follower: o.Follower, logger: o.Logger, version: o.Version, started: time.Now()}
	s.tiles, s.app, s.basemapURL = o.Tiles, o.App, o.BasemapURL
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
	s.stats = stats.New(o.Store, stats.Options{MinGreenShare: o.MinGreenShare})
	s.heavy = newHeavyLimit(o.HeavyRequests)
	if s.jobs = o.Jobs; s.jobs == nil {
		s.jobs = jobs.New(jobs.Options{Store: o.Store, Logger: o.Logger})
	}
	// The middleware is built once, here: echo applies e.Use middleware
	// per request (a closure each), so the one
	// middleware given to e.Use returns the prebuilt s.front, whose
	// innermost handler is the route's own (c.Handler(), what echo passes
	// as next). HEAD is turned into GET in ServeHTTP, before routing.
	s.nextID = newRequestIDs()
	s.slow = middleware.GzipWithConfig(middleware.GzipConfig{Level: 1, MinLength: 2048,
		// Tiles come compressed from their cache (handleTile).
		Skipper: func(c echo.Context) bool { return isTilePath(c.Request().URL.Path) }})(
		middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  []string{"*"},
			ExposeHeaders: []string{"ETag", "Location", "Link", "Content-Crs"},
		})(
			s.authorize(routeHandler)))
	s.fast = s.authorize(routeHandler)
	front := echo.HandlerFunc(s.front)
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

// routeHandler runs the handler the router chose for c (the route's, or
// the not-found or method-not-allowed handler).
func routeHandler(c echo.Context) error { return c.Handler()(c) }

// Routes lists the registered routes (method and path), for tests that
// check them against the OpenAPI document and the role table.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeJSON sends v as JSON with the given content type.
func writeJSON(c echo.Context, status int, contentType string, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, contentType)
	c.Response().WriteHeader(status)
	return jsonEncode(c.Response(), v)
}

// writeBytes sends a prepared body.
// The length is sent, so the body goes out in one piece rather than in
// chunks (the gzip middleware drops it when it compresses).
func writeBytes(c echo.Context, status int, contentType string, b []byte) error {
	res := c.Response()
	h := res.Header()
	h[echo.HeaderContentType] = headerValue(contentType)
	if len(b) >= smallBody {
		h[echo.HeaderContentLength] = []string{strconv.Itoa(len(b))}
	}
	res.WriteHeader(status)
	_, err := res.Write(b)
	return err
}

// smallBody: net/http buffers a body this small and sends its length
// itself (it chunks only bodies larger than its 2048-byte buffer that come
// without a length), so writeBytes sets Content-Length only from here on.
const smallBody = 2048

// sharedValues are header values of the common content types, one slice
// each for every response: http.Header.Set would allocate one per call.
// They are only ever assigned whole (Header.Add appends to a full slice,
// which copies), never changed in place.
var sharedValues = map[string][]string{}

func init() {
	for _, v := range []string{mimeJSON, mimeGeoJSON, mimeOpenAPI, "application/vnd.mapbox-vector-tile", "text/csv; charset=utf-8", "no-cache", "gzip"} {
		sharedValues[v] = []string{v}
	}
}

// headerValue returns the header value slice for v, shared when v is common.
func headerValue(v string) []string {
	if s, ok := sharedValues[v]; ok {
		return s[:1:1]
	}
	return []string{v}
}

// baseURL is the scheme and host the client used, so links work behind a
// proxy that sets X-Forwarded-Proto.
func baseURL(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host
}

const (
	mimeJSON    = "application/json"
	mimeGeoJSON = "application/geo+json"
	mimeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

func appendJSONString(b []byte, s string) []byte { return encode.AppendString(b, s) }

// newRequestIDs returns a generator of request ids: a random prefix per
// process and a counter, unique across instances and much cheaper than 32
// random characters per request.
func newRequestIDs() func() string {
	var prefix [6]byte
	_, _ = rand.Read(prefix[:]) // crypto/rand never fails on Linux
	p := hex.EncodeToString(prefix[:]) + "-"
	var n atomic.Uint64
	return func() string {
		var buf [40]byte
		b := append(buf[:0], p...)
		return string(strconv.AppendUint(b, n.Add(1), 10))
	}
}

// Shared header values, assigned whole and never changed in place (see
// sharedValues).
var (
	varyBoth   = []string{echo.HeaderAcceptEncoding, echo.HeaderOrigin}
	varyOrigin = []string{echo.HeaderOrigin}
)

// front is the middleware around every route. Every request gets a
// request id (X-Request-Id: the caller's, when it is a sane one) and
// X-Content-Type-Options: nosniff (security.go), and panics are turned
// into 500s. The query string of a route is checked (checkQuery) and a
// compressed body inflated as it is read (decompress). Requests from
// browsers of other origins (Origin) or that accept gzip go through echo's
// CORS and Gzip middleware (s.slow); the rest, API clients
// and scripts, skip straight to authorisation (s.fast) with the same Vary
// headers those would have set.
func (s *Server) front(c echo.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.logger.Error("panic", "path", c.Request().URL.Path, "panic", r, "stack", string(debug.Stack()))
			err = zonegis.Errorf(zonegis.EINTERNAL, "panic: %v", r)
		}
	}()
	req := c.Request()
	h := c.Response().Header()
	id := ""
	if v := req.Header[echo.HeaderXRequestID]; len(v) == 1 && saneRequestID(v[0]) {
		id = v[0]
	} else {
		id = s.nextID()
	}
	h[echo.HeaderXRequestID] = []string{id}
	h[headerNosniff] = nosniff[:1:1]
	if req.URL.RawQuery != "" {
		// Unknown routes and methods are left to the router's 404 and 405.
		if err := checkQuery(req.URL.RawQuery); err != nil && s.registered[route{req.Method, c.Path()}] {
			return err
		}
	}
	if len(req.Header[echo.HeaderContentEncoding]) > 0 {
		release, err := decompress(c)
		if err != nil {
			return err
		}
		defer release()
	}
	if len(req.Header[echo.HeaderOrigin]) > 0 || req.Method == http.MethodOptions ||
		strings.Contains(req.Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		return s.slow(c)
	}
	if isTilePath(req.URL.Path) {
		h[echo.HeaderVary] = varyOrigin[:1:1] // the tile handler adds Accept-Encoding
	} else {
		h[echo.HeaderVary] = varyBoth[:2:2]
	}
	return s.fast(c)
}

func isTilePath(p string) bool { return strings.HasPrefix(p, "/tiles/") }

// saneRequestID accepts a caller's request id of up to 128 letters,
// digits and ._:- (it goes into logs and the audit trail).
func saneRequestID(v string) bool {
	if v == "" || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}
