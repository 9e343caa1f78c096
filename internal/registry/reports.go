package registry

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/zonegis/zonegis/internal/reports"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The yearly enterprise reports (issue 18, point 3): read page by page
// from the store as the caller may see them, written through the same use
// case as every record (Features.Create, Update, Delete: the generic Part
// 4 routes) and imported from a table (ImportPath: CSV or XLSX, one report
// a row, all or nothing). Their figures are confidential by the
// enterprise's board exactly as lease capital is (SeesConfidential): to
// anyone else they are null, in every answer, and the filters and sorting
// treat them as null (zonegis.ReportFilter), so no two answers differ by a
// figure the caller may not see. Writes need WriteRecords on the
// enterprise's board, checked under the row lock.

// ReportStoreOf is the store's enterprise reports, when it keeps them
// (*postgis.DB does; a store that does not serves no such collection).
func ReportStoreOf(st any) (zonegis.EnterpriseReportStore, bool) {
	rs, ok := st.(zonegis.EnterpriseReportStore)
	return rs, ok
}

// reportWritten is a report as a write left it, shown whole (the writer
// may write its board, so sees its figures).
func reportWritten(r *zonegis.EnterpriseReport) Written {
	return Written{ID: r.ID, Version: r.Version, Record: r, encode: func(b []byte) []byte { return reports.AppendFeature(b, r, true) }}
}

// SeesAllConfidential reports whether p sees the confidential figures of
// every board (the ministry reader, admins).
func SeesAllConfidential(p zonegis.Principal) bool { return MayEverywhere(p, SeeConfidential) }

// mayWriteReport checks the caller may write board's records (a report's
// board is its enterprise's).
func mayWriteReport(a zonegis.Actor, board string) error {
	return Authorize(callerOf(a), WriteRecords, board)
}

// firstProblem is the error of a one-report create that had problems.
func firstProblem(probs []zonegis.ImportProblem) error {
	p := probs[0]
	return &zonegis.Error{Code: p.Code, Message: p.Reason}
}

// reportWrite creates (id 0), replaces or patches a report from body.
func (f Features) reportWrite(ctx context.Context, a zonegis.Actor, id, ifVersion int64, body []byte, patch bool) (Written, error) {
	rs, ok := ReportStoreOf(f.Store)
	if !ok {
		return Written{}, ErrNoSuchCollection
	}
	if id == 0 {
		r, _, err := reports.Decode(body, nil)
		if err != nil {
			return Written{}, err
		}
		probs, err := rs.CreateEnterpriseReports(ctx, a, []*zonegis.EnterpriseReport{r}, false, func(r *zonegis.EnterpriseReport) error {
			return mayWriteReport(a, r.BoardID)
		})
		if err != nil {
			return Written{}, err
		} else if len(probs) > 0 {
			return Written{}, firstProblem(probs)
		}
		return reportWritten(r), nil
	}
	r, err := rs.UpdateEnterpriseReport(ctx, a, id, ifVersion, func(cur *zonegis.EnterpriseReport) error {
		if err := mayWriteReport(a, cur.BoardID); err != nil {
			return err
		}
		var base *zonegis.EnterpriseReport
		if patch {
			base = cur
		}
		next, bodyID, err := reports.Decode(body, base)
		if err != nil {
			return err
		}
		if err := checkBodyID(bodyID, id); err != nil {
			return err
		}
		if next.EnterpriseID != cur.EnterpriseID {
			return invalid("properties.enterprise_id: a report stays with its enterprise (%d); delete it and create one for the other", cur.EnterpriseID)
		}
		next.ID, next.BoardID, next.Version, next.UpdatedAt = id, cur.BoardID, cur.Version, cur.UpdatedAt
		*cur = *next
		return nil
	})
	if err != nil {
		return Written{}, err
	}
	return reportWritten(r), nil
}

// reportDelete deletes report id.
func (f Features) reportDelete(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	rs, ok := ReportStoreOf(f.Store)
	if !ok {
		return 0, ErrNoSuchCollection
	}
	return 0, rs.DeleteEnterpriseReport(ctx, a, id, ifVersion, func(r *zonegis.EnterpriseReport) error { return mayWriteReport(a, r.BoardID) })
}

// importReports imports the rows of the table at path as enterprise
// reports (reports.FromRecord), all or nothing: every row is read and
// checked (its columns, Validate, its enterprise, its year not taken nor
// repeated, the caller's right on the enterprise's board) before any is
// written. Problems name the row and the column.
func importReports(ctx context.Context, st any, a zonegis.Actor, path string, o FileOptions, io zonegis.ImportOptions) (*zonegis.ImportReport, *FileRead, error) {
	rs, ok := ReportStoreOf(st)
	if !ok {
		return nil, nil, ErrNoSuchCollection
	}
	if o.Mapping != nil {
		return nil, nil, invalid("map: enterprise reports are read by their column names (enterprise_id or mst, year and the figures); no mapping")
	}
	if io.OnConflict == zonegis.OnConflictSkip {
		return nil, nil, invalid("on_conflict: enterprise reports import all or nothing")
	}
	r, err := source.Open(path, source.Options{Format: o.Format.Name, Layer: o.Layer, Table: true})
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	rep := &zonegis.ImportReport{Collection: reports.Name, DryRun: io.DryRun, Problems: []zonegis.ImportProblem{}}
	var rows []*zonegis.EnterpriseReport
	var index []int
	var msts []string // by row of rows: its mst column, "" for none
	bad, unknown := map[int]bool{}, map[string]bool{}
	for {
		rec, err := r.Next()
		if err == eof {
			break
		} else if err != nil {
			return nil, nil, err
		}
		rep.Features++
		x, mst, probs := reports.FromRecord(rec)
		if len(probs) > 0 {
			bad[rec.Index] = true
			// A column that is none of a report's is said once, at the
			// first row, not at every row.
			probs = slices.DeleteFunc(probs, func(p zonegis.ImportProblem) bool {
				f, _ := p.Details["field"].(string)
				return unknown[f] && rec.Index > 0
			})
			for _, p := range probs {
				if f, _ := p.Details["field"].(string); strings.Contains(p.Reason, "not a column") {
					unknown[f] = true
				}
			}
			rep.Problems = appendProblems(rep.Problems, probs)
			continue
		}
		x.Synthetic = false
		rows, index, msts = append(rows, x), append(index, rec.Index), append(msts, mst)
	}
	if rows, index, err = resolveMSTs(ctx, rs, a, rows, index, msts, rep, bad); err != nil {
		return nil, nil, err
	}
	read := &FileRead{Format: o.Format.Name, Layer: r.LayerName, Counts: r.Counts()}
	rep.SourceRead = &zonegis.SourceRead{Format: read.Format, Layer: read.Layer, Read: read.Read}
	if rep.Features == 0 {
		return nil, read, invalid("file: the table has no rows")
	}
	if len(rows) > 0 { // the rows read are checked even when others were not, so that one answer lists every problem
		probs, err := rs.CreateEnterpriseReports(ctx, a, rows, io.DryRun || len(rep.Problems) > 0, func(x *zonegis.EnterpriseReport) error {
			return mayWriteReport(a, x.BoardID)
		})
		if err != nil {
			return nil, read, err
		}
		for _, p := range probs { // by position in rows: back to the table's rows
			p.Index = index[p.Index]
			row := p.Index + 2
			field, _ := p.Details["field"].(string)
			p.Reason = "row " + strconv.Itoa(row) + ", " + field + ": " + p.Reason
			p.Details = map[string]any{"row": row, "field": field}
			rep.Problems = appendProblems(rep.Problems, []zonegis.ImportProblem{p})
			bad[p.Index] = true
		}
	}
	slices.SortStableFunc(rep.Problems, func(x, y zonegis.ImportProblem) int { return x.Index - y.Index })
	rep.Skipped = len(bad)
	if rep.Skipped > 0 {
		rep.Refused = true
		rep.Truncated = rep.Skipped >= zonegis.MaxImportProblems
		return rep, read, nil
	}
	if !io.DryRun {
		rep.Imported = len(rows)
	}
	return rep, read, nil
}

// resolveMSTs gives each row that names its enterprise by mst that
// enterprise's id: the one enterprise with that tax code in a board the
// caller may write. A code of none of them, of several (give enterprise_id),
// or of another enterprise than the row's enterprise_id is a problem of the
// row's mst column, and the row is left out (bad). It returns the rows left.
func resolveMSTs(ctx context.Context, rs zonegis.EnterpriseReportStore, a zonegis.Actor, rows []*zonegis.EnterpriseReport, index []int, msts []string,
	rep *zonegis.ImportReport, bad map[int]bool) ([]*zonegis.EnterpriseReport, []int, error) {
	var codes []string
	for _, m := range msts {
		if m != "" && !slices.Contains(codes, m) {
			codes = append(codes, m)
		}
	}
	if len(codes) == 0 {
		return rows, index, nil
	}
	found, err := rs.EnterprisesByMST(ctx, codes)
	if err != nil {
		return nil, nil, err
	}
	mine := map[string][]int64{} // by code: the enterprises of boards the caller may write
	for _, e := range found {
		if mayWriteReport(a, e.BoardID) == nil {
			mine[e.MST] = append(mine[e.MST], e.ID)
		}
	}
	keptRows, keptIndex := rows[:0:0], index[:0:0]
	for i, r := range rows {
		m := msts[i]
		problem := ""
		switch ids := mine[m]; {
		case m == "":
		case len(ids) == 0:
			problem = "no enterprise with tax code " + m + " in a board you may write"
		case len(ids) > 1:
			problem = "tax code " + m + " is an enterprise's in several boards you may write (ids " + joinInts(ids) + "); give enterprise_id"
		case r.EnterpriseID != 0 && r.EnterpriseID != ids[0]:
			problem = "tax code " + m + " is enterprise " + strconv.FormatInt(ids[0], 10) + ", not enterprise_id " + strconv.FormatInt(r.EnterpriseID, 10) + "; the two must agree"
		default:
			r.EnterpriseID = ids[0]
		}
		if problem == "" {
			keptRows, keptIndex = append(keptRows, r), append(keptIndex, index[i])
			continue
		}
		row := index[i] + 2
		rep.Problems = appendProblems(rep.Problems, []zonegis.ImportProblem{{Index: index[i], Code: zonegis.EINVALID, Problem: zonegis.ProblemRead,
			Reason: "row " + strconv.Itoa(row) + ", mst: " + problem, Details: map[string]any{"row": row, "field": "mst"}}})
		bad[index[i]] = true
	}
	return keptRows, keptIndex, nil
}

func joinInts(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// eof is io.EOF (the parameter io shadows the package in importReports).
var eof = io.EOF

func appendProblems(dst, probs []zonegis.ImportProblem) []zonegis.ImportProblem {
	for _, p := range probs {
		if len(dst) >= zonegis.MaxImportProblems {
			break
		}
		dst = append(dst, p)
	}
	return dst
}
