package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/zonegis/zonegis/internal/zonegis"
)

const boardsUsage = `Usage:
  zonegis boards list
  zonegis boards create --id ID --name-vi NAME --name-en NAME --province PROVINCE [--website URL]
  zonegis boards edit ID [--name-vi NAME] [--name-en NAME] [--province PROVINCE] [--website URL]
  zonegis boards delete ID

Management boards (ban quản lý): every zone names its board (board_id), so
make the board first. edit changes only the flags given (--website "" clears
it); delete refuses a board that still keeps zones. Each write is in the
audit trail, by "system".
`

// boardsCmd runs "zonegis boards list|create|edit|delete".
func boardsCmd(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(boardsUsage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("boards "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.String("id", "", "the board's id: 2 to 63 characters of a-z, 0-9 and - (create)")
	nameVI := fs.String("name-vi", "", "Vietnamese name")
	nameEN := fs.String("name-en", "", "English name")
	province := fs.String("province", "", "province the board works in")
	website := fs.String("website", "", "http(s) URL; \"\" for none")
	switch sub {
	case "list", "create", "edit", "delete":
	default:
		return fmt.Errorf("unknown boards command %q\n%s", sub, boardsUsage)
	}
	// edit and delete take the id first, then flags.
	var target string
	if sub == "edit" || sub == "delete" {
		if len(args) == 0 || len(args[0]) > 0 && args[0][0] == '-' {
			return fmt.Errorf("usage: zonegis boards %s ID ...", sub)
		}
		target, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), boardsUsage)
	}
	db, stop, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	switch sub {
	case "list":
		bs, err := db.Boards(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME_VI\tNAME_EN\tPROVINCE\tWEBSITE\tVERSION")
		for _, b := range bs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", b.ID, b.NameVI, b.NameEN, b.Province, or(b.Website, "-"), b.Version)
		}
		return tw.Flush()
	case "create":
		b := &zonegis.Board{ID: *id, NameVI: *nameVI, NameEN: *nameEN, Province: *province, Website: *website}
		if err := db.CreateBoard(ctx, zonegis.System, b); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "created board %s (%s, %s)\n", b.ID, b.NameVI, b.Province)
		return nil
	case "edit":
		var p zonegis.BoardPatch
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "name-vi":
				p.NameVI = nameVI
			case "name-en":
				p.NameEN = nameEN
			case "province":
				p.Province = province
			case "website":
				p.Website = website
			}
		})
		if p == (zonegis.BoardPatch{}) {
			return errors.New("boards edit: nothing to change: give --name-vi, --name-en, --province or --website")
		}
		b, err := db.UpdateBoard(ctx, zonegis.System, target, 0, func(b *zonegis.Board) error { b.Apply(p); return nil })
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "edited board %s (version %d): %s, %s, %s, %s\n", b.ID, b.Version, b.NameVI, b.NameEN, b.Province, or(b.Website, "no website"))
		return nil
	case "delete":
		if err := db.DeleteBoard(ctx, zonegis.System, target, 0); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "deleted board %s\n", target)
		return nil
	}
	return nil
}

// cliError is err as the command line shows it: a domain error's message
// (which names the field and the rule), anything else as it is.
func cliError(err error) error {
	var de *zonegis.Error
	if errors.As(err, &de) {
		return errors.New(de.Message)
	}
	return err
}
