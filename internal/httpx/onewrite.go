package httpx

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// OneWrite makes srv send each prepared answer (WriteBytes) of HTTP/1.x in
// one write to the socket, headers and body together, and returns ln
// wrapped for srv.Serve. Without it net/http splits every answer over its
// 4 KB connection buffer (net/http server.go: conn.bufw, 4<<10): the
// buffer's first 4,096 bytes (headers and the start of the body) in one
// write, the rest in another, two syscalls and two TCP segments for a tile
// of 9 KB, where the write syscalls were most of the HTTP side of the
// cold-tile profile (issue 17).
//
// WriteBytes marks the answer's connection (found through
// srv.ConnContext, which OneWrite sets, keeping one srv had) when the body
// is SmallBody or longer (a shorter one and its headers fit the buffer:
// one write already); the connection then holds
// what net/http writes, up to oneWriteMax bytes, and sends it when
// net/http clears the write deadline after finishing the answer
// (server.go: c.rwc.SetWriteDeadline(time.Time{}) after finishRequest,
// for every answer, so the bytes go out under the answer's WriteTimeout).
// Anything else that ends the answer sends them first: a deadline set,
// ReadFrom (a file sent with sendfile), CloseWrite. Answers not marked
// (streams, exports, HTTP/2) pass through untouched, and so does an
// answer that outgrows oneWriteMax, from there on.
func OneWrite(srv *http.Server, ln net.Listener) net.Listener {
	prev := srv.ConnContext
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if prev != nil {
			ctx = prev(ctx, c)
		}
		if oc, ok := c.(*oneWriteConn); ok {
			ctx = context.WithValue(ctx, oneWriteKey{}, oc)
		}
		return ctx
	}
	return oneWriteListener{ln}
}

// oneWriteMax bounds what a connection holds of one answer, bytes: a
// larger answer goes out as net/http writes it once past this.
const oneWriteMax = 64 << 10

type oneWriteKey struct{}

// holdAnswer marks r's connection to send the answer in one write, when
// it is an HTTP/1.x connection that OneWrite made.
func holdAnswer(r *http.Request) {
	if r.ProtoMajor != 1 {
		return
	}
	if c, ok := r.Context().Value(oneWriteKey{}).(*oneWriteConn); ok {
		c.holding = true
	}
}

type oneWriteListener struct{ net.Listener }

func (l oneWriteListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &oneWriteConn{Conn: c}, nil
}

// oneWriteConn holds the writes of a marked answer. Its state is used
// only by the connection's serving goroutine (net/http serves an HTTP/1
// connection's answers, handler included, on one goroutine); Close, which
// another may call, does not touch it.
type oneWriteConn struct {
	net.Conn
	holding bool
	pending *[]byte // what is held, from holdBuffers
}

var holdBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func (c *oneWriteConn) Write(p []byte) (int, error) {
	if !c.holding {
		return c.Conn.Write(p)
	}
	if c.pending == nil {
		c.pending = holdBuffers.Get().(*[]byte)
	}
	if len(*c.pending)+len(p) <= oneWriteMax {
		*c.pending = append(*c.pending, p...)
		return len(p), nil
	}
	// Too large to hold: what is held, and p, go out now (two writes);
	// the rest of the answer passes through.
	if err := c.flush(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// flush sends what is held and stops holding. A failed write closes the
// connection: net/http, which was told its writes succeeded, would
// otherwise keep it for the next request.
func (c *oneWriteConn) flush() error {
	c.holding = false
	if c.pending == nil {
		return nil
	}
	b := c.pending
	c.pending = nil
	var err error
	if len(*b) > 0 {
		if _, err = c.Conn.Write(*b); err != nil {
			c.Conn.Close()
		}
	}
	*b = (*b)[:0]
	holdBuffers.Put(b)
	return err
}

func (c *oneWriteConn) SetWriteDeadline(t time.Time) error {
	if err := c.flush(); err != nil {
		return err
	}
	return c.Conn.SetWriteDeadline(t)
}

func (c *oneWriteConn) SetDeadline(t time.Time) error {
	if err := c.flush(); err != nil {
		return err
	}
	return c.Conn.SetDeadline(t)
}

// ReadFrom keeps the socket's own ReadFrom (sendfile for files) that
// net/http uses when it finds one.
func (c *oneWriteConn) ReadFrom(r io.Reader) (int64, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// CloseWrite keeps the socket's half-close, which net/http uses when it
// finds one.
func (c *oneWriteConn) CloseWrite() error {
	if err := c.flush(); err != nil {
		return err
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
