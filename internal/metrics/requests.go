package metrics

import (
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Unmatched is the route label of requests that matched no route (404s,
// and methods a path does not have): the raw path is never a label, so the
// series stay as many as the routes.
const Unmatched = "unmatched"

// Requests times the requests of one echo server into the
// zonegis_http_request_duration_seconds histogram (Metrics.Wrap).
type Requests struct {
	vec *prometheus.HistogramVec
	// routes holds each route's label sets, written by Resolve (once,
	// before the first request is observed) and only read after.
	routes    map[routeKey]*classes
	unmatched *classes
}

type routeKey struct{ method, path string }

// classes are a route's observers by status class: [1] for 1xx ... [5]
// for 5xx, [0] for a status outside 100..599.
type classes [6]prometheus.Observer

var classLabels = [6]string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"}

// Requests returns a request timer over m's histogram.
func (m *Metrics) Requests() *Requests {
	r := &Requests{vec: m.requests, routes: map[routeKey]*classes{}}
	r.unmatched = r.resolve(Unmatched, "other")
	return r
}

func (r *Requests) resolve(path, method string) *classes {
	var c classes
	for i, class := range classLabels {
		c[i] = r.vec.WithLabelValues(path, method, class)
	}
	return &c
}

// Resolve makes the label sets of every route (its method and template,
// as echo.Echo.Routes lists them). Call it once, after the routes are
// registered and before serving.
func (r *Requests) Resolve(routes []*echo.Route) {
	for _, rt := range routes {
		k := routeKey{rt.Method, rt.Path}
		if _, ok := r.routes[k]; !ok {
			r.routes[k] = r.resolve(rt.Path, rt.Method)
		}
	}
}

// Wrap times the requests of server e that h serves: h is the handler
// its outermost middleware hands every request to (httpapi's front), and
// the result replaces it. Each request is timed from when it reaches h to
// when its answer (or problem) is written, and observed under its route's
// template, method and status class. The label sets of e's routes are
// resolved once, at the first request, when every route is registered. An
// error is handed to echo's error handler here, so that the status
// observed is the one sent. Nil m returns h.
//
// It wraps a handler built once rather than being an echo middleware:
// echo applies a middleware to the route's handler on every request, and
// that closure would be an allocation per request.
func (m *Metrics) Wrap(e *echo.Echo, h echo.HandlerFunc) echo.HandlerFunc {
	if m == nil {
		return h
	}
	r := m.Requests()
	var once sync.Once
	resolve := func() { r.Resolve(e.Routes()) }
	return func(c echo.Context) error {
		once.Do(resolve)
		return r.serve(c, h)
	}
}

// serve runs next and observes the request.
func (r *Requests) serve(c echo.Context, next echo.HandlerFunc) error {
	start := time.Now()
	if err := next(c); err != nil {
		c.Error(err)
	}
	cl, ok := r.routes[routeKey{c.Request().Method, c.Path()}]
	if !ok {
		cl = r.unmatched
	}
	cl[statusClass(c.Response().Status)].Observe(time.Since(start).Seconds())
	return nil
}

// Endpoint is the handler of GET /metrics on the API's router: check
// vets the request first (the API's rule for query parameters; nil for
// none), then the metrics are served when served is set, else (m nil, or
// served on an address of their own: ZONEGIS_METRICS_ADDR) a 404 problem.
func (m *Metrics) Endpoint(served bool, check func(echo.Context) error) echo.HandlerFunc {
	if check == nil {
		check = func(echo.Context) error { return nil }
	}
	if m == nil || !served {
		return func(c echo.Context) error {
			if err := check(c); err != nil {
				return err
			}
			return zonegis.Errorf(zonegis.ENOTFOUND, "no metrics are served on this address")
		}
	}
	// The API's front middleware gzips answers; the scrape's own gzip
	// would be compressed twice.
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{DisableCompression: true})
	return func(c echo.Context) error {
		if err := check(c); err != nil {
			return err
		}
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// statusClass is the index in classes of status.
func statusClass(status int) int {
	if status < 100 || status > 599 {
		return 0
	}
	return status / 100
}
