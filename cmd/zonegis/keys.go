package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

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
		fmt.Fprintf(stderr, "created key %q for %s (prefix %s); it is shown once, keep it safe:\n", k.Name, k.UserLogin, k.Prefix)
		fmt.Fprintln(stdout, key)
		return nil
	case "list":
		ks, err := db.Keys(ctx, 0)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PREFIX\tLOGIN\tNAME\tCREATED\tREVOKED")
		for _, k := range ks {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.UserLogin, k.Name, k.CreatedAt.UTC().Format(time.RFC3339), revoked)
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
