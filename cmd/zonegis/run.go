package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/seed"
)

const usage = `zonegis — land records of industrial-zone management boards

Usage:
  zonegis serve     serve the API (default); starts a private PostGIS when DATABASE_URL is unset
  zonegis migrate   apply database migrations and exit
  zonegis seed      migrate, then load the seed data into an empty database

Configuration (environment):
  DATABASE_URL        PostgreSQL+PostGIS to use; unset: a private cluster in ZONEGIS_DATA_DIR
  ZONEGIS_ADDR        listen address (default :8080)
  ZONEGIS_DATA_DIR    data directory of the private cluster (default ./var)
  ZONEGIS_SEED        what to seed into an empty database: all (default), none, or
                      comma-separated zone codes that get synthetic parcels
  ZONEGIS_LOG_LEVEL   debug, info (default), warn, error
`

// run is the whole program, testable: arguments, environment and output are
// passed in; it returns when ctx is cancelled or the command ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel)
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, logger, args, stdout)
	case "migrate", "seed":
		fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
		fs.SetOutput(stderr)
		if err := fs.Parse(args); err != nil {
			return err
		}
		db, stopDB, err := openDatabase(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer stopDB()
		if err := migrateAndSeed(ctx, db, cfg, logger, cmd == "seed"); err != nil {
			return err
		}
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// config is read once from the environment; nothing reads it later.
type config struct {
	DatabaseURL string
	Addr        string
	DataDir     string
	Seed        string
	LogLevel    slog.Level
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL: getenv("DATABASE_URL"),
		Addr:        or(getenv("ZONEGIS_ADDR"), ":8080"),
		DataDir:     or(getenv("ZONEGIS_DATA_DIR"), "var"),
		Seed:        or(getenv("ZONEGIS_SEED"), "all"),
	}
	if err := c.LogLevel.UnmarshalText([]byte(or(getenv("ZONEGIS_LOG_LEVEL"), "info"))); err != nil {
		return c, fmt.Errorf("ZONEGIS_LOG_LEVEL: %w", err)
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// migrateAndSeed brings the schema up to date and, when asked and the
// database has no zones yet, loads the seed data.
func migrateAndSeed(ctx context.Context, db *postgis.DB, cfg config, logger *slog.Logger, doSeed bool) error {
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		logger.Info("migrated", "applied", strings.Join(applied, ","))
	}
	if !doSeed || cfg.Seed == "none" {
		return nil
	}
	var opts seed.Options
	if cfg.Seed != "all" {
		opts.Parcels = strings.Split(cfg.Seed, ",")
	}
	r, err := seed.Seed(ctx, db.Pool(), opts)
	if err != nil {
		return err
	}
	if r.Skipped {
		logger.Info("seed skipped: the database already has zones")
		return nil
	}
	logger.Info("seeded", "boards", r.Boards, "zones", r.Zones, "parcels", r.Parcels,
		"green_areas", r.GreenAreas, "leases", r.Leases, "took", r.Took.Round(1e6).String())
	return nil
}

// openDatabase connects to DATABASE_URL or, when it is unset, starts the
// private cluster; the returned function closes (and stops) it.
func openDatabase(ctx context.Context, cfg config, logger *slog.Logger) (*postgis.DB, func(), error) {
	if cfg.DatabaseURL == "" {
		return nil, nil, errors.New("TODO: private cluster")
	}
	db, err := postgis.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return db, db.Close, nil
}

func serve(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout io.Writer) error {
	return errors.New("TODO")
}
