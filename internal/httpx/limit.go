package httpx

import (
	"fmt"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Limit bounds how many heavy requests run at once: those whose cost grows
// with what the client sends or asks for, far past an ordinary read. A few
// of them at once would take the memory and the cores from everything
// else, so only n run at a time; one more is answered at once with
// EUNAVAILABLE (503 and Retry-After), not queued (a queue would hold
// connections and bodies while it waits).
type Limit struct {
	slots chan struct{}
	what  string
}

// NewLimit lets n requests run at once (at least 1). what names them in
// the busy message ("heavy requests (imports, ...)").
func NewLimit(n int, what string) *Limit {
	return &Limit{slots: make(chan struct{}, max(n, 1)), what: what}
}

// Wrap runs h under the limit when when is nil or says the request is
// heavy.
func (l *Limit) Wrap(h echo.HandlerFunc, when func(echo.Context) bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		if when != nil && !when(c) {
			return h(c)
		}
		release, err := l.Acquire()
		if err != nil {
			return err
		}
		defer release()
		return h(c)
	}
}

// Acquire takes a slot, or answers EUNAVAILABLE when none is free. A
// handler that reads a body first takes its slot after reading it, so that
// slow uploads cannot hold the slots.
func (l *Limit) Acquire() (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	default:
		return nil, &zonegis.Error{Code: zonegis.EUNAVAILABLE,
			Message: fmt.Sprintf("the server is busy with %d %s; try again in a few seconds", cap(l.slots), l.what)}
	}
}
