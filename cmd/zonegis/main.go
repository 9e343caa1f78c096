// Command zonegis serves the land records of industrial-zone management
// boards: zones, parcels, green areas and leases, over an OGC API - Features
// REST API, with PostGIS as the system of record.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "zonegis:", err)
		os.Exit(1)
	}
}
