package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Listener is a connection of its own, outside the pool, that LISTENs on
// one channel. It is not safe for concurrent use.
type Listener struct {
	conn *pgx.Conn
}

// Listen opens a dedicated connection with the pool's settings and LISTENs
// on channel (an identifier, quoted as such). ctx bounds the connect and
// the LISTEN. Errors are the driver's, for the caller's log: a listener is
// lost and opened again, never reported to a client.
func (db *DB) Listen(ctx context.Context, channel string) (*Listener, error) {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.WithoutCancel(ctx)) //nolint:errcheck // the LISTEN's error is the one to report
		return nil, err
	}
	return &Listener{conn: conn}, nil
}

// WaitForNotification blocks until a notification arrives on the channel
// (nil), ctx ends (its error) or the connection fails.
func (l *Listener) WaitForNotification(ctx context.Context) error {
	_, err := l.conn.WaitForNotification(ctx)
	return err
}

// Close closes the connection.
func (l *Listener) Close(ctx context.Context) error { return l.conn.Close(ctx) }
