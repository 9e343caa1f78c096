package httpx

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// countingListener counts the writes to the sockets it accepts: what
// reaches the kernel, one write syscall each (a loopback socket takes a
// few kilobytes whole).
type countingListener struct {
	net.Listener
	writes atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, writes: &l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// oneWriteServer serves e on a loopback port, through OneWrite when
// oneWrite is set, and returns its address and the write counter.
func oneWriteServer(t *testing.T, e *echo.Echo, oneWrite bool) (string, *countingListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	srv := &http.Server{Handler: e, WriteTimeout: 5 * time.Second}
	var serve net.Listener = cl
	if oneWrite {
		serve = OneWrite(srv, cl)
	}
	go srv.Serve(serve) //nolint:errcheck // closed below
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), cl
}

// TestOneWrite: a prepared answer larger than net/http's 4 KB buffer goes
// out in two writes from a plain server (the control, which shows the
// count sees the split) and in one through OneWrite, byte for byte the
// same answer, over one kept-alive connection; HEAD, small answers, an
// answer past oneWriteMax and a streamed one (not held: its first part
// arrives before the handler ends) come out whole.
func TestOneWrite(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 9000/16) // a cold z15 tile's size
	big := bytes.Repeat([]byte("z"), oneWriteMax+5000)
	release := make(chan struct{})
	e := echo.New()
	tile := func(c echo.Context) error { return WriteBytes(c, 200, MIMEMVT, body) }
	e.GET("/tile", tile)
	e.HEAD("/tile", tile) // net/http drops the body written
	e.GET("/small", func(c echo.Context) error { return WriteBytes(c, 200, MIMEJSON, []byte(`{"a":1}`)) })
	e.GET("/big", func(c echo.Context) error { return WriteBytes(c, 200, MIMEMVT, big) })
	e.GET("/stream", func(c echo.Context) error {
		c.Response().WriteHeader(200)
		c.Response().Write(body) //nolint:errcheck // the client checks
		c.Response().Flush()
		<-release
		_, err := c.Response().Write([]byte("end"))
		return err
	})

	for _, tc := range []struct {
		oneWrite bool
		writes   int64
	}{{false, 2}, {true, 1}} {
		addr, cl := oneWriteServer(t, e, tc.oneWrite)
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		rd := bufio.NewReader(conn)
		get := func(method, path string) *http.Response {
			t.Helper()
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\n\r\n", method, path)
			req, _ := http.NewRequest(method, path, nil)
			resp, err := http.ReadResponse(rd, req)
			if err != nil {
				t.Fatalf("oneWrite %v: %s %s: %v", tc.oneWrite, method, path, err)
			}
			return resp
		}
		for i := range 3 {
			before := cl.writes.Load()
			resp := get("GET", "/tile")
			got, err := io.ReadAll(resp.Body)
			if err != nil || !bytes.Equal(got, body) || resp.ContentLength != int64(len(body)) {
				t.Fatalf("oneWrite %v: answer %d: %d bytes (length %d), %v", tc.oneWrite, i, len(got), resp.ContentLength, err)
			}
			// The server writes before the client reads all; the count is
			// final once the answer is read, but allow the last write to land.
			time.Sleep(10 * time.Millisecond)
			if n := cl.writes.Load() - before; n != tc.writes {
				t.Errorf("oneWrite %v: answer %d of %d bytes took %d writes, want %d", tc.oneWrite, i, len(body), n, tc.writes)
			}
		}
		if resp := get("HEAD", "/tile"); resp.ContentLength != int64(len(body)) {
			t.Errorf("oneWrite %v: HEAD: length %d", tc.oneWrite, resp.ContentLength)
		}
		for _, p := range []struct {
			path string
			want []byte
		}{{"/small", []byte(`{"a":1}`)}, {"/big", big}, {"/tile", body}} {
			got, err := io.ReadAll(get("GET", p.path).Body)
			if err != nil || !bytes.Equal(got, p.want) {
				t.Errorf("oneWrite %v: %s: %d bytes, want %d, %v", tc.oneWrite, p.path, len(got), len(p.want), err)
			}
		}
		// A stream's first part arrives while the handler still waits.
		resp := get("GET", "/stream")
		first := make([]byte, len(body))
		if _, err := io.ReadFull(resp.Body, first); err != nil || !bytes.Equal(first, body) {
			t.Errorf("oneWrite %v: stream: %v", tc.oneWrite, err)
		}
		release <- struct{}{}
		if rest, err := io.ReadAll(resp.Body); err != nil || string(rest) != "end" {
			t.Errorf("oneWrite %v: stream's end %q, %v", tc.oneWrite, rest, err)
		}
	}
}

// TestOneWriteConcurrent: many clients at once, each answer whole and
// its own (go test -race covers the held state).
func TestOneWriteConcurrent(t *testing.T) {
	e := echo.New()
	e.GET("/t/:n", func(c echo.Context) error {
		return WriteBytes(c, 200, MIMEMVT, []byte(strings.Repeat(c.Param("n"), 6000)))
	})
	addr, _ := oneWriteServer(t, e, true)
	client := &http.Client{Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				n := fmt.Sprint((g*20 + i) % 10)
				resp, err := client.Get("http://" + addr + "/t/" + n)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(got) != strings.Repeat(n, 6000) {
					t.Errorf("/t/%s: %d bytes, %v", n, len(got), err)
				}
			}
		}()
	}
	wg.Wait()
}
