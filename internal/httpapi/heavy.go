package httpapi

import (
	"fmt"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// DefaultHeavyRequests is how many heavy requests run at once when
// Options.HeavyRequests is 0.
const DefaultHeavyRequests = 3

// Heavy requests are those whose cost grows with what the client sends or
// asks for, far past an ordinary read: imports (up to MaxImportBytes),
// exports and dossiers in a projected CRS (PostGIS transforms every
// geometry) and intersects queries (up to MaxQueryVertices vertices
// against the index). A few of them at once would take the memory and the
// cores from everything else, so only Options.HeavyRequests run at a time;
// one more is answered at once with 503 and Retry-After, not queued (a
// queue would hold connections and bodies while it waits).
type heavyLimit struct {
	slots chan struct{}
}

func newHeavyLimit(n int) *heavyLimit {
	if n <= 0 {
		n = DefaultHeavyRequests
	}
	return &heavyLimit{slots: make(chan struct{}, n)}
}

// wrap runs h under the limit; when is nil or says the request is heavy.
func (l *heavyLimit) wrap(h echo.HandlerFunc, when func(echo.Context) bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		if when != nil && !when(c) {
			return h(c)
		}
		release, err := l.acquire()
		if err != nil {
			return err
		}
		defer release()
		return h(c)
	}
}

// acquire takes a slot, or answers EUNAVAILABLE (503, Retry-After) when
// none is free. A public route with a body (intersects) takes its slot
// after reading the body, so that slow uploads cannot hold the slots.
func (l *heavyLimit) acquire() (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	default:
		return nil, &zonegis.Error{Code: zonegis.EUNAVAILABLE,
			Message: fmt.Sprintf("the server is busy with %d heavy requests (imports, projected exports, intersects queries); try again in a few seconds", cap(l.slots))}
	}
}

// projected says whether an export or dossier request asks for a CRS that
// PostGIS transforms to.
func projected(c echo.Context) bool {
	v := c.QueryParam("crs")
	if v == "" {
		return false
	}
	crs, err := export.ParseCRS(v)
	return err == nil && !crs.IsCRS84()
}
