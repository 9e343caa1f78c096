package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// JSONEncode writes v as JSON with a newline, HTML characters unescaped.
func JSONEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteJSON sends v as JSON with the given content type, encoded first so
// that a body of any size goes out with its length (WriteBytes).
func WriteJSON(c echo.Context, status int, contentType string, v any) error {
	var b bytes.Buffer
	if err := JSONEncode(&b, v); err != nil {
		return err
	}
	return WriteBytes(c, status, contentType, b.Bytes())
}

// WriteBytes sends a prepared body.
// The length is sent, so the body goes out in one piece rather than in
// chunks (the gzip middleware drops it when it compresses), and on a
// server with OneWrite in one write with its headers.
func WriteBytes(c echo.Context, status int, contentType string, b []byte) error {
	res := c.Response()
	h := res.Header()
	h[echo.HeaderContentType] = HeaderValue(contentType)
	if len(b) >= SmallBody {
		h[echo.HeaderContentLength] = []string{strconv.Itoa(len(b))}
		holdAnswer(c.Request()) // headers and body in one write (OneWrite)
	}
	res.WriteHeader(status)
	_, err := res.Write(b)
	return err
}

// SmallBody: net/http buffers a body this small and sends its length
// itself (it chunks only bodies larger than its 2048-byte buffer that come
// without a length), so WriteBytes sets Content-Length only from here on.
const SmallBody = 2048

// sharedValues are header values of the common content types, one slice
// each for every response: http.Header.Set would allocate one per call.
// They are only ever assigned whole (Header.Add appends to a full slice,
// which copies), never changed in place.
var sharedValues = map[string][]string{}

func init() {
	for _, v := range []string{MIMEJSON, MIMEGeoJSON, MIMEOpenAPI, MIMEMVT, MIMECSV, "no-cache", "gzip"} {
		sharedValues[v] = []string{v}
	}
}

// HeaderValue returns the header value slice for v, shared when v is common.
func HeaderValue(v string) []string {
	if s, ok := sharedValues[v]; ok {
		return s[:1:1]
	}
	return []string{v}
}

// Flusher returns a function that sends what c's response holds so far to
// the client, for a streamed body. Before the first byte it does nothing:
// echo's gzip writer, flushed before any body, sends a gzip header and
// then drops the stream's end, a truncated download.
func Flusher(c echo.Context) func() error {
	rc := http.NewResponseController(c.Response().Writer)
	return func() error {
		if c.Response().Size == 0 {
			return nil
		}
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	}
}
