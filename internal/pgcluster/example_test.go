package pgcluster_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/zonegis/zonegis/internal/pgcluster"
)

// A command starts a persistent cluster, creates its database and stops
// the server when it is done.
func Example() {
	ctx := context.Background()
	c, err := pgcluster.Start(ctx, pgcluster.Options{
		DataDir: "/var/lib/zonegis/pg",
		BinDir:  os.Getenv(pgcluster.EnvBinDir),
	})
	if err != nil {
		log.Print(err) // says what to apt-get install when PostGIS is missing
		return
	}
	defer c.Stop(ctx)
	if _, err := c.EnsureDatabase(ctx, "zonegis"); err != nil {
		log.Print(err)
		return
	}
	fmt.Println(c.ConnString("zonegis"))
}
