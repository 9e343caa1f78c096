package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// keysCmd runs "zonegis keys create|list|revoke".
func keysCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: zonegis keys create --role planner|admin --name NAME | keys list | keys revoke PREFIX")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "planner or admin")
	name := fs.String("name", "", "who or what uses the key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	switch sub {
	case "create":
		if *name == "" {
			*name = *role + " key " + time.Now().UTC().Format(time.DateOnly)
		}
		key, k, err := db.CreateKey(ctx, *name, *role)
		if err != nil {
			return errors.New(zonegis.ErrorMessage(err))
		}
		fmt.Fprintf(stderr, "created %s key %q (prefix %s); it is shown once, keep it safe:\n", k.Role, k.Name, k.Prefix)
		fmt.Fprintln(stdout, key)
		return nil
	case "list":
		ks, err := db.Keys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PREFIX\tROLE\tNAME\tCREATED\tREVOKED")
		for _, k := range ks {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Role, k.Name, k.CreatedAt.UTC().Format(time.RFC3339), revoked)
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New("usage: zonegis keys revoke PREFIX")
		}
		if err := db.RevokeKey(ctx, fs.Arg(0)); err != nil {
			return errors.New(zonegis.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "revoked %s\n", fs.Arg(0))
		return nil
	}
	return fmt.Errorf("unknown keys command %q", sub)
}

// importCmd runs "zonegis import --collection C FILE": all or nothing.
func importCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	coll := fs.String("collection", "", "zones, parcels or green-areas")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *coll == "" {
		return errors.New("usage: zonegis import --collection zones|parcels|green-areas FILE.geojson")
	}
	body, err := os.Open(fs.Arg(0)) // read one feature at a time
	if err != nil {
		return err
	}
	defer body.Close()
	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	_, n, err := registry.ImportFile(ctx, db, zonegis.System, *coll, body)
	if err != nil {
		var de *zonegis.Error
		if errors.As(err, &de) {
			fmt.Fprintln(stderr, de.Message)
			if ps, ok := de.Details["problems"]; ok {
				tw := tabwriter.NewWriter(stderr, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "FEATURE\tCODE\tREASON")
				for _, p := range ps.([]postgis.ImportProblem) {
					fmt.Fprintf(tw, "%d\t%s\t%s\n", p.Index, p.Code, p.Reason)
				}
				tw.Flush()
			}
			return errors.New("import refused")
		}
		return err
	}
	fmt.Fprintf(stdout, "imported %d %s\n", n, *coll)
	return nil
}
