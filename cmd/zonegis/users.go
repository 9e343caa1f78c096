package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

const usersUsage = `Usage:
  zonegis users create --login NAME --role ROLE [--board BOARD_ID] [--name "Full Name"] [--email ADDR]
        ROLE: admin or ministry (system roles), or viewer, planner, board_admin with --board;
        prints a one-time password once, on stdout
  zonegis users list
  zonegis users disable LOGIN          (their keys and sessions stop at once)
  zonegis users passwd LOGIN           (prints a new one-time password)
  zonegis users grant LOGIN --board BOARD_ID --role viewer|planner|board_admin
  zonegis users revoke LOGIN --board BOARD_ID
`

// usersCmd runs "zonegis users create|list|disable|passwd|grant|revoke".
func usersCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usersUsage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("users "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	login := fs.String("login", "", "the user's login")
	role := fs.String("role", "", "admin, ministry, viewer, planner or board_admin")
	board := fs.String("board", "", "the board of a board role")
	name := fs.String("name", "", "display name")
	email := fs.String("email", "", "email address")
	var positional []string
	for len(args) > 0 { // LOGIN may come before the flags
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional, args = append(positional, fs.Arg(0)), fs.Args()[1:]
	}
	if *login == "" && len(positional) > 0 {
		*login = positional[0]
	}
	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	fail := func(err error) error { return errors.New(zonegis.ErrorMessage(err)) }
	user := func() (*zonegis.User, error) {
		if *login == "" {
			return nil, fmt.Errorf("users %s: which user? give LOGIN\n%s", sub, usersUsage)
		}
		u, err := db.UserByLogin(ctx, *login)
		if err != nil {
			return nil, fail(err)
		}
		return u, nil
	}
	switch sub {
	case "create":
		u := &zonegis.User{Login: *login, DisplayName: *name, Email: *email}
		switch {
		case zonegis.IsBoardRole(*role) && *board == "":
			return fmt.Errorf("users create: role %s is a board's: give --board BOARD_ID", *role)
		case zonegis.IsBoardRole(*role):
		case *role == zonegis.SystemAdmin || *role == zonegis.SystemMinistry:
			u.SystemRole = *role
		default:
			return fmt.Errorf("users create: --role must be admin, ministry, viewer, planner or board_admin, got %q", *role)
		}
		password := registry.OneTimePassword()
		u.PasswordHash = registry.HashPassword(password, registry.DefaultPasswordParams)
		if err := db.CreateUser(ctx, zonegis.System, u); err != nil {
			return fail(err)
		}
		if zonegis.IsBoardRole(*role) {
			if err := db.GrantRole(ctx, zonegis.System, u.ID, *board, *role); err != nil {
				return fail(err)
			}
		}
		fmt.Fprintf(stderr, "created user %s (%s); their one-time password is shown once:\n", u.Login, *role)
		fmt.Fprintln(stdout, password)
		return nil
	case "list":
		us, err := db.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LOGIN\tNAME\tSYSTEM ROLE\tGRANTS\tDISABLED")
		for _, u := range us {
			gs, err := db.Grants(ctx, u.ID)
			if err != nil {
				return err
			}
			var grants []string
			for _, g := range gs {
				grants = append(grants, g.BoardID+":"+g.Role)
			}
			disabled := "-"
			if u.DisabledAt != nil {
				disabled = u.DisabledAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Login, or(u.DisplayName, "-"), or(u.SystemRole, "-"), or(strings.Join(grants, ","), "-"), disabled)
		}
		return tw.Flush()
	case "disable", "passwd", "grant", "revoke":
		u, err := user()
		if err != nil {
			return err
		}
		switch sub {
		case "disable":
			err = db.DisableUser(ctx, zonegis.System, u.ID)
		case "passwd":
			password := registry.OneTimePassword()
			if err = db.SetPassword(ctx, zonegis.System, u.ID, registry.HashPassword(password, registry.DefaultPasswordParams)); err == nil {
				fmt.Fprintf(stderr, "new one-time password of %s, shown once:\n", u.Login)
				fmt.Fprintln(stdout, password)
			}
		case "grant":
			err = db.GrantRole(ctx, zonegis.System, u.ID, *board, *role)
		case "revoke":
			err = db.RevokeRole(ctx, zonegis.System, u.ID, *board)
		}
		if err != nil {
			return fail(err)
		}
		if sub != "passwd" {
			fmt.Fprintf(stdout, "%s %s\n", sub, u.Login)
		}
		return nil
	}
	return fmt.Errorf("unknown users command %q\n%s", sub, usersUsage)
}
