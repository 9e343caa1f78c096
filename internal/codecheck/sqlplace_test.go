package codecheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A static check that SQL stays in the store: outside internal/postgis no
// non-test Go file holds SQL statement text or calls Pool() (which hands
// out the store's connections to run SQL of one's own), and no .sql file
// lies outside internal/postgis and migrations/. Beside TestNoSQLFromInput,
// which checks how SQL is built wherever it is; this checks where it is.

// sqlPlaceExempt are the directories (slash paths from the module root,
// with everything under them) that may hold SQL, and why.
var sqlPlaceExempt = map[string]string{
	"internal/postgis": "the store: every SQL statement of the registry",
	"internal/bench":   "the benchmark harness, which generates its data sets and runs its baselines in SQL of its own",
	// The private PostgreSQL manager creates and drops whole databases on
	// the maintenance database before any registry exists; that is
	// administration of the cluster, not the land records.
	"internal/pgcluster": "cluster administration (CREATE/DROP DATABASE), below the store",
	"migrations":         "the schema, embedded and applied by postgis.Migrate",
}

// sqlStatement matches string literals that begin as an SQL statement
// does. Keywords match in any case, except LISTEN and NOTIFY (upper case
// only: "listen address" is a flag's help); a SELECT needs what makes it
// one (FROM, a call, a $n, *, or nothing after it: a head to complete),
// so that "select a zone" in a message is not taken for SQL.
var sqlStatement = regexp.MustCompile(`(?is)^\s*(` +
	`select\s*$|select\s+(distinct\s|exists\s*\(|\*|\$\d|\d|[\w.]+\s*\()|select\s.*\bfrom\s|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s|merge\s+into\s|` +
	`with\s+(recursive\s+)?\w+(\s*\([^)]*\))?\s+as\s*(not\s+)?(materialized\s+)?\(|` +
	`(create|alter|drop)\s+(or\s+replace\s+)?((temp|temporary|unique|unlogged)\s+)?` +
	`(table|index|view|materialized|function|procedure|extension|database|trigger|schema|role|sequence|type|policy)\b|` +
	`truncate\s|grant\s|revoke\s|copy\s+\w+|do\s+\$|vacuum\b|analyze\s+\w|` +
	`set\s+(local\s+|session\s+)?(transaction|search_path|statement_timeout|role|timezone)\b|` +
	`(?-i:LISTEN|UNLISTEN|NOTIFY)\b)`)

// sqlPlaceFindings returns what file (slash path, source src) holds that
// belongs in internal/postgis: SQL statement text and calls of Pool().
func sqlPlaceFindings(fset *token.FileSet, path string, src []byte) ([]string, error) {
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch v := n.(type) {
		case *ast.BasicLit:
			if v.Kind != token.STRING {
				break
			}
			s, err := strconv.Unquote(v.Value)
			if err == nil && sqlStatement.MatchString(s) {
				out = append(out, fmt.Sprintf("%s: SQL text outside internal/postgis: %.60q", fset.Position(v.Pos()), s))
			}
		case *ast.CallExpr:
			if sel, ok := v.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Pool" && len(v.Args) == 0 {
				out = append(out, fmt.Sprintf("%s: calls Pool() outside internal/postgis: use or add a store method", fset.Position(v.Pos())))
			}
		}
		return true
	})
	return out, nil
}

// exemptDir reports whether rel (a slash path) lies in an exempt directory.
func exemptDir(rel string) bool {
	for d := range sqlPlaceExempt {
		if rel == d || strings.HasPrefix(rel, d+"/") {
			return true
		}
	}
	return false
}

// TestSQLStaysInPostGIS walks every non-test Go file of the module outside
// the exempt directories.
func TestSQLStaysInPostGIS(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			switch e.Name() {
			case "testdata", "vendor", "node_modules", ".git":
				return filepath.SkipDir
			}
			if exemptDir(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".sql") {
			t.Errorf("%s: an SQL file outside internal/postgis and migrations/", rel)
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		found, err := sqlPlaceFindings(fset, rel, src)
		for _, f := range found {
			t.Error(f)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Errorf("only %d Go files checked; is the walk still looking at the module?", files)
	}
	t.Logf("%d Go files checked", files)
}

// TestSQLPlaceCheckCatches feeds the check code that runs SQL of its own
// or reaches for the pool, and code that only mentions SQL words, and
// wants exactly the first flagged.
func TestSQLPlaceCheckCatches(t *testing.T) {
	const src = `package stats

const q1 = "SELECT count(*) FROM zones"
const q2 = ` + "`\n\tWITH p AS (SELECT 1) SELECT * FROM p`" + `
const q3 = "insert into boards (id) values ($1)"
const q4 = "UPDATE zones SET name_en = $1"
const q5 = "delete from parcels where id = $1"
const q6 = "LISTEN "
const q7 = "CREATE TEMP TABLE t (a int)"
const q8 = "SELECT "

func f(db interface{ Pool() any }) { _ = db.Pool() }

const ok1 = "listen address"
const ok2 = "select a zone by code or id"
const ok3 = "DELETE /collections/:collection/items/:id"
const ok4 = "update the parcel's status"
const ok5 = "created database"
const ok6 = "with the pool's settings"
`
	found, err := sqlPlaceFindings(token.NewFileSet(), "x.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"x.go:3:", "x.go:4:", "x.go:6:", "x.go:7:", "x.go:8:", "x.go:9:", "x.go:10:", "x.go:11:", "x.go:13:"}
	if len(found) != len(want) {
		t.Fatalf("%d findings, want %d:\n%s", len(found), len(want), strings.Join(found, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(found[i], w) {
			t.Errorf("finding %d: %s, want one at %s", i, found[i], w)
		}
	}
}
