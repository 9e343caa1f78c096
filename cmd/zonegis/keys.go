package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// keysCmd runs "zonegis keys create|list|revoke".
func keysCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: zonegis keys create --login LOGIN [--expires 90d] [--name NAME] | keys list [--login LOGIN] | keys revoke PREFIX")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	login := fs.String("login", "", "the user the key acts as (with at most their grants)")
	expires := fs.String("expires", "", "lifetime: Nd (days) or a Go duration (720h); empty: never")
	role := fs.String("role", "", "planner or admin: a key with a user of its own (scripts of before users)")
	name := fs.String("name", "", "who or what uses the key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var until *time.Time
	if *expires != "" {
		d, err := parseLifetime(*expires)
		if err != nil {
			return err
		}
		t := time.Now().Add(d)
		until = &t
	}
	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	switch sub {
	case "create":
		var key string
		var k *zonegis.Key
		switch {
		case *login != "":
			u, err := db.UserByLogin(ctx, *login)
			if err != nil {
				return errors.New(zonegis.ErrorMessage(err))
			}
			key, k, err = db.CreateUserKey(ctx, u.ID, or(*name, u.Login+" key "+time.Now().UTC().Format(time.DateOnly)), until)
			if err != nil {
				return errors.New(zonegis.ErrorMessage(err))
			}
		case *role != "":
			key, k, err = db.CreateKey(ctx, or(*name, *role+" key "+time.Now().UTC().Format(time.DateOnly)), *role)
			if err != nil {
				return errors.New(zonegis.ErrorMessage(err))
			}
		default:
			return errors.New("keys create: give --login LOGIN (the user the key acts as)")
		}
		fmt.Fprintf(stderr, "created key %q for %s (prefix %s); it is shown once, keep it safe:\n", k.Name, k.UserLogin, k.Prefix)
		fmt.Fprintln(stdout, key)
		return nil
	case "list":
		var id int64
		if *login != "" {
			u, err := db.UserByLogin(ctx, *login)
			if err != nil {
				return errors.New(zonegis.ErrorMessage(err))
			}
			id = u.ID
		}
		ks, err := db.Keys(ctx, id)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PREFIX\tLOGIN\tNAME\tCREATED\tEXPIRES\tLAST USED\tREVOKED")
		stamp := func(t *time.Time) string {
			if t == nil {
				return "-"
			}
			return t.UTC().Format(time.RFC3339)
		}
		for _, k := range ks {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.UserLogin, k.Name, k.CreatedAt.UTC().Format(time.RFC3339),
				stamp(k.ExpiresAt), stamp(k.LastUsedAt), stamp(k.RevokedAt))
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

// parseLifetime reads "90d" (days) or a Go duration ("720h"), positive.
func parseLifetime(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 || days > 3650 {
			return 0, fmt.Errorf("--expires: want Nd with N from 1 to 3650, got %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--expires: want Nd (days) or a duration such as 720h, got %q", s)
	}
	return d, nil
}
