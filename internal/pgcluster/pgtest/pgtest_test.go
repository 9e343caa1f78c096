package pgtest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func TestNewDB(t *testing.T) {
	var first string
	ok := t.Run("first", func(t *testing.T) {
		first = NewDB(t)
		conn, err := pgx.Connect(t.Context(), first)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var tables int
		if err := conn.QueryRow(t.Context(),
			"SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("new database has %d tables", tables)
		}
		if _, err := conn.Exec(t.Context(), "CREATE EXTENSION postgis; CREATE TABLE t (g geometry)"); err != nil {
			t.Fatal(err)
		}
		// Left open on purpose: the cleanup must drop a database in use.
		_, _ = pgx.Connect(t.Context(), first)
	})
	if !ok || first == "" {
		return
	}
	second := NewDB(t)
	if second == first {
		t.Fatalf("two tests got the same database %s", first)
	}
	cfg, err := pgx.ParseConfig(first)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(t.Context(),
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", cfg.Database).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s not dropped after its test", cfg.Database)
	}
	if n := Count(); n < 2 {
		t.Errorf("Count() = %d, want >= 2", n)
	}
}

func TestDBName(t *testing.T) {
	got := dbName("TestStore/Insert_Ärger#1", 7)
	if got != "t_teststore_insert__rger_1_7" {
		t.Errorf("dbName = %q", got)
	}
	long := dbName(strings.Repeat("x", 200), 123456)
	if len(long) > 63 {
		t.Errorf("dbName too long: %d bytes", len(long))
	}
}
