package httpx

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// NewRequestIDs returns a generator of request ids: a random prefix per
// process and a counter, unique across instances and much cheaper than 32
// random characters per request.
func NewRequestIDs() func() string {
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

// SetRequestID gives the answer its X-Request-Id: the caller's, when it is
// a sane one (SaneRequestID), else next's.
func SetRequestID(c echo.Context, next func() string) {
	id := ""
	if v := c.Request().Header[echo.HeaderXRequestID]; len(v) == 1 && SaneRequestID(v[0]) {
		id = v[0]
	} else {
		id = next()
	}
	c.Response().Header()[echo.HeaderXRequestID] = []string{id}
}

// SaneRequestID accepts a caller's request id of up to 128 letters,
// digits and ._:- (it goes into logs and the audit trail).
func SaneRequestID(v string) bool {
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

// Recover turns a panic of the handler into an EINTERNAL error in *err,
// logged with its stack; deferred directly (defer httpx.Recover(c, logger,
// &err)) by the outermost middleware. http.ErrAbortHandler, the way a
// handler aborts a response it has begun, passes on to net/http.
func Recover(c echo.Context, logger *slog.Logger, err *error) {
	if r := recover(); r != nil {
		if r == http.ErrAbortHandler {
			panic(r)
		}
		logger.Error("panic", "path", c.Request().URL.Path, "panic", r, "stack", string(debug.Stack()))
		*err = zonegis.Errorf(zonegis.EINTERNAL, "panic: %v", r)
	}
}
