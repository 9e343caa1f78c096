package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/pgcluster"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/seed"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/web"
)

const usage = `zonegis — land records of industrial-zone management boards

Usage:
  zonegis serve     serve the API (default); starts a private PostGIS when DATABASE_URL is unset
  zonegis migrate   apply database migrations and exit
  zonegis seed      migrate, then load the seed data into an empty database
  zonegis users create --login NAME --role ROLE [--board BOARD_ID]   an account (one-time password printed once)
  zonegis users list | disable LOGIN | passwd LOGIN | grant LOGIN --board B --role R | revoke LOGIN --board B
  zonegis keys create --login NAME [--expires 90d]   an API key acting as that user (printed once)
  zonegis keys list [--login NAME] | keys revoke PREFIX
  zonegis boards list | create --id ID ... | edit ID ... | delete ID   management boards
  zonegis import --collection zones|parcels|green-areas [--crs EPSG:N] [--map SPEC] FILE   all or nothing (any format GDAL reads)
  zonegis export --collection zones|parcels|green-areas|dossier --format geojson|geojsonseq|csv|fgb
                 --out FILE|- [--crs EPSG:NNNN] [--zone CODE]            stream to a file
  zonegis help COMMAND, zonegis COMMAND --help   a command's usage (touches no database)

Every command works while "zonegis serve" runs on the same ZONEGIS_DATA_DIR: it
uses the private cluster already running there, and starts one only when none
runs (stopped again by the last zonegis command using it).

Configuration (environment):
  DATABASE_URL        PostgreSQL+PostGIS to use; unset: a private cluster in ZONEGIS_DATA_DIR
  DATABASE_WRITE_URL  the primary that takes the writes when DATABASE_URL is a read replica
                      (a hot standby); unset: DATABASE_URL takes both
  ZONEGIS_METRICS_ADDR serve /metrics (Prometheus) on this address instead of ZONEGIS_ADDR
  ZONEGIS_ADDR        listen address (default :8080)
  ZONEGIS_DATA_DIR    data directory of the private cluster (default ./var)
  ZONEGIS_SEED        what to seed into an empty database: all (default), none, or
                      comma-separated zone codes that get synthetic parcels
  ZONEGIS_LOG_LEVEL   debug, info (default), warn, error
  ZONEGIS_MIN_GREEN_SHARE  minimum green share of a zone's area for the statistics'
                      compliance figures, a fraction (default 0.10)
  ZONEGIS_BASEMAP_URL raster tile URL template ({z}/{x}/{y}) drawn under the web map at /app/;
                      unset: a plain background (the page fetches nothing else)
  GOMEMLIMIT          unset: zonegis sets a soft memory limit of its live heap + a third
                      (at least 192 MB) + 128 MB, moved as the data grows
  ZONEGIS_ADMIN_LOGIN, ZONEGIS_ADMIN_PASSWORD  the first admin, made on the first start with no
                      users; unset: login admin with a one-time password printed once to stderr
  ZONEGIS_PG_BINDIR   PostgreSQL binaries for the private cluster (default: pg_config --bindir,
                      else the newest /usr/lib/postgresql/*/bin)
` + sessionsUsage

// commandUsage is each command's help, printed by "zonegis help CMD" and
// "zonegis CMD --help" before anything else runs.
var commandUsage = map[string]string{
	"serve": `Usage: zonegis serve [--addr ADDR]

Migrates the database, seeds an empty one (ZONEGIS_SEED), loads the index and
serves the API on ADDR (default ZONEGIS_ADDR, :8080) until SIGINT or SIGTERM.
With DATABASE_URL unset it uses the private cluster in ZONEGIS_DATA_DIR/pgdata,
starting it if no zonegis command has.
`,
	"migrate": `Usage: zonegis migrate

Applies the embedded migrations that the database lacks, under an advisory
lock (safe beside a running server), and exits.
`,
	"seed": `Usage: zonegis seed

Migrates, then loads the seed data (ZONEGIS_SEED: all, none, or zone codes
that get synthetic parcels) when the database has no zones yet.
`,
	"keys": `Usage:
  zonegis keys create --login LOGIN [--expires 90d] [--name NAME]   prints the key once, on stdout
  zonegis keys list [--login LOGIN]
  zonegis keys revoke PREFIX

API keys: a key acts as its user, with at most their grants, and stops when
the user is disabled; it records when it was last used (at most once a
minute). The database keeps only their SHA-256. A key made here works at once
on every running server over the same database. (--role planner|admin makes
a key with a user of its own, as keys were before users.)
`,
	"users":  usersUsage,
	"boards": boardsUsage,
	"import": `Usage: zonegis import --collection zones|parcels|green-areas FILE.geojson

Imports a GeoJSON FeatureCollection all or nothing; every bad feature is
listed with its index and reason. Zones need a board_id (zonegis boards).
`,
	"export": "Usage: " + strings.TrimPrefix(exportUsage, "usage: ") + `

Streams a collection (or a zone's dossier) to FILE, or stdout with --out -.
`,
}

// wantsHelp reports whether args ask for help (-h, -help or --help before
// a "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// run is the whole program, testable: arguments, environment and output are
// passed in; it returns when ctx is cancelled or the command ends. Help is
// answered before the configuration is read or any file touched.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "-help", "--help":
		if len(args) == 0 {
			fmt.Fprint(stdout, usage)
			return nil
		}
		u, ok := commandUsage[args[0]]
		if !ok {
			fmt.Fprint(stderr, usage)
			return fmt.Errorf("no command %q", args[0])
		}
		fmt.Fprint(stdout, u)
		return nil
	}
	u, known := commandUsage[cmd]
	if !known {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	if wantsHelp(args) {
		fmt.Fprint(stdout, u)
		return nil
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, logger, args, stdout, stderr)
	case "migrate", "seed":
		if len(args) > 0 {
			return fmt.Errorf("%s takes no arguments\n%s", cmd, u)
		}
		_, stopDB, err := openDatabase(ctx, cfg, logger, cmd == "seed")
		if err != nil {
			return err
		}
		stopDB()
		return nil
	case "keys":
		return keysCmd(ctx, cfg, logger, args, stdout, stderr)
	case "users":
		return usersCmd(ctx, cfg, logger, args, stdout, stderr)
	case "boards":
		return boardsCmd(ctx, cfg, logger, args, stdout, stderr)
	case "import":
		return importCmd(ctx, cfg, logger, args, stdout, stderr)
	case "export":
		return exportCmd(ctx, cfg, logger, args, stdout, stderr)
	}
	return fmt.Errorf("unknown command %q", cmd)
}

// config is read once from the environment; nothing reads it later.
type config struct {
	DatabaseURL string
	// DatabaseWriteURL is the primary when DatabaseURL is a replica; ""
	// when DatabaseURL takes the writes too.
	DatabaseWriteURL string
	Addr             string
	// MetricsAddr serves /metrics apart from Addr; "" serves it on Addr.
	MetricsAddr string
	DataDir     string
	Seed        string
	PGBinDir    string
	LogLevel    slog.Level
	BasemapURL  string // raster tiles under the web map; "" for none
	GoMemLimit  string // GOMEMLIMIT as set; "" lets zonegis size the limit to its data
	DebugAddr   string // where /debug/pprof is served; "" for nowhere
	// AdminLogin and AdminPassword make the first admin (first start, no
	// users); "" for login admin with a one-time password.
	AdminLogin, AdminPassword string

	// MinGreenShare is the minimum green share of a zone (fraction).
	MinGreenShare float64
	// HeavyRequests is how many heavy requests run at once (0: the API's default).
	HeavyRequests int
	// ImportJobs is how many import jobs run at once on this instance (0:
	// jobs.DefaultConcurrency).
	ImportJobs int
	// Sessions configures the web sessions (sessions.go).
	Sessions sessionEnv
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL:      getenv("DATABASE_URL"),
		DatabaseWriteURL: getenv("DATABASE_WRITE_URL"),
		MetricsAddr:      getenv("ZONEGIS_METRICS_ADDR"),
		Addr:             or(getenv("ZONEGIS_ADDR"), ":8080"),
		DataDir:          or(getenv("ZONEGIS_DATA_DIR"), "var"),
		Seed:             or(getenv("ZONEGIS_SEED"), "all"),
		AdminLogin:       getenv("ZONEGIS_ADMIN_LOGIN"),
		AdminPassword:    getenv("ZONEGIS_ADMIN_PASSWORD"),
		PGBinDir:         getenv(pgcluster.EnvBinDir),
		BasemapURL:       getenv("ZONEGIS_BASEMAP_URL"),
		GoMemLimit:       getenv("GOMEMLIMIT"),
		DebugAddr:        getenv("ZONEGIS_DEBUG_ADDR"),
	}
	if c.DatabaseWriteURL != "" && c.DatabaseURL == "" {
		return c, fmt.Errorf("DATABASE_WRITE_URL is set but DATABASE_URL is not: set DATABASE_URL to the database to read from (a replica of DATABASE_WRITE_URL, or the same)")
	}
	if _, err := web.BasemapOrigin(c.BasemapURL); err != nil {
		// The web map's CSP allows the base map's origin only.
		return c, fmt.Errorf("ZONEGIS_BASEMAP_URL: %w", err)
	}
	c.MinGreenShare = stats.DefaultMinGreenShare
	if v := getenv("ZONEGIS_MIN_GREEN_SHARE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0 && f <= 1) {
			return c, fmt.Errorf("ZONEGIS_MIN_GREEN_SHARE: want a fraction in (0, 1], such as 0.10, got %q", v)
		}
		c.MinGreenShare = f
	}
	if v := getenv("ZONEGIS_HEAVY_REQUESTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("ZONEGIS_HEAVY_REQUESTS: want a whole number from 1 to 1000, got %q", v)
		}
		c.HeavyRequests = n
	}
	if v := getenv("ZONEGIS_IMPORT_JOBS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return c, fmt.Errorf("ZONEGIS_IMPORT_JOBS: want a whole number from 1 to 100, got %q", v)
		}
		c.ImportJobs = n
	}
	var err error
	if c.Sessions, err = loadSessionEnv(getenv); err != nil {
		return c, err
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
	r, err := seed.Seed(ctx, db, opts)
	if err != nil {
		return err
	}
	if r.Skipped {
		logger.Info("seed skipped: the database already has zones")
		return nil
	}
	logger.Info("seeded", "boards", r.Boards, "zones", r.Zones, "parcels", r.Parcels,
		"green_areas", r.GreenAreas, "leases", r.Leases, "enterprises", r.Enterprises, "projects", r.Projects,
		"enterprise_reports", r.Reports, "took", r.Took.Round(1e6).String())
	return nil
}

// openDatabase connects to DATABASE_URL or, when it is unset, to the
// private cluster in cfg.DataDir: the one already running there (a
// `zonegis serve`, or any other command, using the same directory), or one
// it starts (creating the database "zonegis" on first start). Then it
// migrates and, when doSeed, seeds an empty database. The returned
// function closes the pool and ends this command's use of the cluster,
// which stops it only if no other zonegis command still uses it.
func openDatabase(ctx context.Context, cfg config, logger *slog.Logger, doSeed bool) (*postgis.DB, func(), error) {
	url := cfg.DatabaseURL
	stop := func() {}
	if url == "" {
		dataDir, err := filepath.Abs(filepath.Join(cfg.DataDir, "pgdata"))
		if err != nil {
			return nil, nil, err
		}
		logger.Debug("DATABASE_URL is not set: using the private PostgreSQL+PostGIS cluster", "data_dir", dataDir)
		cl, err := pgcluster.Open(ctx, pgcluster.Options{DataDir: dataDir, BinDir: cfg.PGBinDir, Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		stop = func() {
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := cl.Close(sctx); err != nil {
				logger.Error("stop private cluster", "err", err)
			}
		}
		if _, err := cl.EnsureDatabase(ctx, "zonegis"); err != nil {
			stop()
			return nil, nil, err
		}
		url = cl.ConnString("zonegis")
	}
	db, err := postgis.OpenSplit(ctx, url, cfg.DatabaseWriteURL)
	if err != nil {
		stop()
		return nil, nil, err
	}
	closeAll := func() { db.Close(); stop() }
	if err := migrateAndSeed(ctx, db, cfg, logger, doSeed); err != nil {
		closeAll()
		return nil, nil, err
	}
	return db, closeAll, nil
}
