package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// importOpts are the import's options as flags, and where its report goes.
type importOpts struct {
	dryRun             *bool
	repair, onConflict *string
	tolerance, report  *string
	toleranceWasGiven  bool
	reportFormat       string
}

func importFlags(fs *flag.FlagSet) *importOpts {
	return &importOpts{
		dryRun:     fs.Bool("dry-run", false, "run every check and write nothing"),
		repair:     fs.String("repair", "none", "make_valid: fix invalid boundaries (ST_MakeValid, keeping polygons), reporting each area change"),
		onConflict: fs.String("on-conflict", zonegis.OnConflictFail, "fail: all or nothing; skip: import the good features and report the rest"),
		tolerance:  fs.String("overlap-tolerance-m2", strconv.FormatFloat(zonegis.DefaultOverlapToleranceM2, 'g', -1, 64), "overlap two parcels may share, m²"),
		report:     fs.String("report", "", "write the report to this file: .json, .csv or .geojson"),
	}
}

// options reads the flags as the HTTP parameters are read (the same
// names, with _ for -). Errors: naming the flag.
func (o *importOpts) options(fs *flag.FlagSet) (zonegis.ImportOptions, error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	vals := map[string]string{"dry_run": strconv.FormatBool(*o.dryRun), "repair": *o.repair,
		"on_conflict": *o.onConflict, "overlap_tolerance_m2": *o.tolerance}
	flags := map[string]string{"dry_run": "dry-run", "repair": "repair", "on_conflict": "on-conflict", "overlap_tolerance_m2": "overlap-tolerance-m2"}
	opts, err := zonegis.ParseImportOptions(func(name string) (string, bool) {
		return vals[name], given[flags[name]]
	})
	if err != nil {
		var de *zonegis.Error
		if errors.As(err, &de) {
			return opts, fmt.Errorf("--%s", replaceParam(de.Message, flags))
		}
		return opts, err
	}
	if *o.report != "" {
		if o.reportFormat = registry.ReportFormatOfPath(*o.report); o.reportFormat == "" {
			return opts, fmt.Errorf("--report %s: want a file ending in .json, .csv or .geojson", *o.report)
		}
	}
	return opts, nil
}

// replaceParam writes a message about a parameter with the flag's name.
func replaceParam(msg string, flags map[string]string) string {
	for p, f := range flags {
		if len(msg) > len(p) && msg[:len(p)+1] == p+":" {
			return f + msg[len(p):]
		}
	}
	return msg
}

// finish writes the report file when asked, the problems to stderr and
// the summary; a refused import is an error.
func (o *importOpts) finish(rep *zonegis.ImportReport, stdout, stderr io.Writer) error {
	if *o.report != "" {
		f, err := os.Create(*o.report)
		if err != nil {
			return err
		}
		if err := registry.WriteImportReport(f, rep, o.reportFormat); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if len(rep.Problems) > 0 {
		tw := tabwriter.NewWriter(stderr, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FEATURE\tLOT\tCODE\tREASON")
		for _, p := range rep.Problems {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", p.Index, p.LotCode, p.Code, p.Reason)
		}
		tw.Flush()
	}
	for _, r := range rep.Repairs {
		fmt.Fprintf(stderr, "repaired feature %d %s: %s\n", r.Index, r.LotCode, r.Reason)
	}
	if rep.Refused {
		fmt.Fprintln(stderr, rep.Summary())
		return errors.New("import refused")
	}
	fmt.Fprintln(stdout, rep.Summary())
	return nil
}
