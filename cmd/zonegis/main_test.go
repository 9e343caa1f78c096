package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
)

// TestMain lets the end-to-end tests share one throwaway PostGIS cluster.
func TestMain(m *testing.M) { pgtest.Main(m) }

// cli runs zonegis commands through run against one new database.
type cli struct {
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return &cli{env: map[string]string{
		"DATABASE_URL":      pgtest.NewDB(t),
		"ZONEGIS_SEED":      "none",
		"ZONEGIS_DATA_DIR":  t.TempDir(),
		"ZONEGIS_LOG_LEVEL": "error",
	}}
}

// run runs one command and returns its stdout, stderr and error.
func (c *cli) run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return c.env[k] }, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func (c *cli) db(t *testing.T) *postgis.DB {
	t.Helper()
	db, err := postgis.Open(context.Background(), c.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}
