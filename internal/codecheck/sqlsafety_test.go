package codecheck

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A static check that no SQL text is assembled from input: every SQL
// argument of a database call (Exec, Query, QueryRow and their Context
// forms, Batch.Queue) in the non-test Go source must be built only from
// string literals and constants, from package variables that hold only
// such (the per-collection statement maps, go:embed files), from
// identifiers quoted by pgx.Identifier.Sanitize, or from a parameter whose
// every caller passes such a value. Values go in as $n arguments.

// sqlCalls maps the method names of database calls to the position of
// their SQL argument.
var sqlCalls = map[string]int{
	"Exec": 1, "Query": 1, "QueryRow": 1,
	"ExecContext": 1, "QueryContext": 1, "QueryRowContext": 1,
	"Queue": 0,
}

// sqlExceptions are the reviewed places where SQL text is not constant,
// by file (slash path from the module root) and expression.
var sqlExceptions = map[string]string{
	// SET TRANSACTION SNAPSHOT takes no $n parameter; the id comes from
	// pg_export_snapshot() and is filtered to hex digits and dashes.
	"internal/postgis/read.go": `"SET TRANSACTION SNAPSHOT '" + snapshotIDLiteral(snapshotID) + "'"`,
	// The migration files, read from the embedded migrations FS.
	"internal/postgis/migrate.go": `string(body)`,
}

// srcPackage is the parsed non-test source of one directory.
type srcPackage struct {
	name  string
	files map[string]*ast.File // by slash path from the module root
}

// sqlChecker holds what the check knows about the module.
type sqlChecker struct {
	fset     *token.FileSet
	pkgs     map[string]*srcPackage     // by directory
	consts   map[string]map[string]bool // package name → its constants
	safeVars map[string]map[string]bool // package name → variables holding only constant text
	// vars are the package variables with a value, judged once every
	// constant is known.
	vars []pkgVar
}

type pkgVar struct {
	pkg, name string
	value     ast.Expr
}

func newSQLChecker() *sqlChecker {
	return &sqlChecker{fset: token.NewFileSet(), pkgs: map[string]*srcPackage{},
		consts: map[string]map[string]bool{}, safeVars: map[string]map[string]bool{}}
}

// loadSource parses every non-test .go file under the given directories
// of root.
func loadSource(root string, dirs ...string) (*sqlChecker, error) {
	c := newSQLChecker()
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && (e.Name() == "testdata" || e.Name() == "vendor") {
				return filepath.SkipDir
			}
			if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			return c.addFile(filepath.ToSlash(rel), src)
		})
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// addFile parses one file (path is its slash path from the module root).
func (c *sqlChecker) addFile(path string, src []byte) error {
	f, err := parser.ParseFile(c.fset, path, src, parser.ParseComments)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	p := c.pkgs[dir]
	if p == nil {
		p = &srcPackage{name: f.Name.Name, files: map[string]*ast.File{}}
		c.pkgs[dir] = p
	}
	p.files[path] = f
	name := f.Name.Name
	if c.consts[name] == nil {
		c.consts[name], c.safeVars[name] = map[string]bool{}, map[string]bool{}
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range gd.Specs {
			vs, ok := s.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, n := range vs.Names {
				switch {
				case gd.Tok == token.CONST:
					c.consts[name][n.Name] = true
				case embedded(gd, vs):
					c.safeVars[name][n.Name] = true
				case i < len(vs.Values):
					c.vars = append(c.vars, pkgVar{name, n.Name, vs.Values[i]})
				}
			}
		}
	}
	return nil
}

// embedded reports whether a variable is filled by a //go:embed directive.
func embedded(gd *ast.GenDecl, vs *ast.ValueSpec) bool {
	for _, doc := range []*ast.CommentGroup{gd.Doc, vs.Doc} {
		if doc == nil {
			continue
		}
		for _, cm := range doc.List {
			if strings.HasPrefix(cm.Text, "//go:embed") {
				return true
			}
		}
	}
	return false
}

// judgeVars marks the package variables whose value is a composite
// literal (a map or slice of statements) holding only constant text.
func (c *sqlChecker) judgeVars() {
	for _, v := range c.vars {
		if c.constantData(v.pkg, v.value) {
			c.safeVars[v.pkg][v.name] = true
		}
	}
}

// constantData reports whether e is a composite literal whose values are
// all constant text: literals, constants and sums of them.
func (c *sqlChecker) constantData(pkg string, e ast.Expr) bool {
	cl, ok := e.(*ast.CompositeLit)
	if !ok || len(cl.Elts) == 0 {
		return false
	}
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			el = kv.Value
		}
		if sub, ok := el.(*ast.CompositeLit); ok {
			if !c.constantData(pkg, sub) {
				return false
			}
		} else if !c.constantText(pkg, el) {
			return false
		}
	}
	return true
}

// constantText reports whether e is a string literal, a constant of pkg,
// or a sum of such.
func (c *sqlChecker) constantText(pkg string, e ast.Expr) bool {
	switch v := e.(type) {
	case *ast.BasicLit:
		return v.Kind == token.STRING
	case *ast.Ident:
		return c.consts[pkg][v.Name]
	case *ast.ParenExpr:
		return c.constantText(pkg, v.X)
	case *ast.BinaryExpr:
		return v.Op == token.ADD && c.constantText(pkg, v.X) && c.constantText(pkg, v.Y)
	}
	return false
}

// sqlSite is a place where SQL text is passed: the expression and where it is.
type sqlSite struct {
	path string
	fn   *ast.FuncDecl
	pkg  string
	expr ast.Expr
}

// paramRef names the SQL-carrying parameter of a function.
type paramRef struct {
	fn    string
	index int
}

// check returns a finding for every SQL argument not built from constants,
// and how many database calls it checked.
func (c *sqlChecker) check() (findings []string, calls int) {
	c.judgeVars()
	var sites []sqlSite
	c.eachCall(func(path, pkg string, fn *ast.FuncDecl, call *ast.CallExpr) {
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return
		}
		i, ok := sqlCalls[sel.Sel.Name]
		if !ok || len(call.Args) <= i {
			return
		}
		calls++
		sites = append(sites, sqlSite{path, fn, pkg, call.Args[i]})
	})
	done := map[paramRef]int{} // callers found
	for len(sites) > 0 {
		s := sites[0]
		sites = sites[1:]
		params, bad := c.safe(s, s.expr, map[string]bool{})
		if bad != "" {
			findings = append(findings, fmt.Sprintf("%s: SQL built from %s in %s",
				c.fset.Position(s.expr.Pos()), bad, c.text(s.expr)))
			continue
		}
		// The text comes from a parameter: check what every caller passes.
		// With no caller in the module to check, it is of unknown origin.
		for _, p := range params {
			callers, ok := done[p]
			if !ok {
				c.eachCall(func(path, pkg string, fn *ast.FuncDecl, call *ast.CallExpr) {
					if calleeName(call.Fun) == p.fn && p.index < len(call.Args) {
						sites = append(sites, sqlSite{path, fn, pkg, call.Args[p.index]})
						callers++
					}
				})
				done[p] = callers
			}
			if callers == 0 {
				findings = append(findings, fmt.Sprintf("%s: SQL built from parameter %d of %s, which has no caller to check, in %s",
					c.fset.Position(s.expr.Pos()), p.index, p.fn, c.text(s.expr)))
			}
		}
	}
	return findings, calls
}

// eachCall calls fn for every call inside a function declaration.
func (c *sqlChecker) eachCall(fn func(path, pkg string, decl *ast.FuncDecl, call *ast.CallExpr)) {
	for _, p := range c.pkgs {
		for path, f := range p.files {
			for _, d := range f.Decls {
				decl, ok := d.(*ast.FuncDecl)
				if !ok || decl.Body == nil {
					continue
				}
				ast.Inspect(decl.Body, func(n ast.Node) bool {
					if call, ok := n.(*ast.CallExpr); ok {
						fn(path, p.name, decl, call)
					}
					return true
				})
			}
		}
	}
}

// calleeName is the name of the called function or method, generic
// instantiations included.
func calleeName(e ast.Expr) string {
	switch f := e.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.IndexExpr:
		return calleeName(f.X)
	case *ast.IndexListExpr:
		return calleeName(f.X)
	}
	return ""
}

// safe decides whether e, an SQL argument at site s, is built from
// constants. It returns the parameters of the enclosing function that e
// comes from (to be checked at the callers), or what makes it unsafe.
func (c *sqlChecker) safe(s sqlSite, e ast.Expr, seen map[string]bool) (params []paramRef, bad string) {
	if want, ok := sqlExceptions[s.path]; ok && c.text(e) == want {
		return nil, ""
	}
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind == token.STRING {
			return nil, ""
		}
	case *ast.ParenExpr:
		return c.safe(s, v.X, seen)
	case *ast.BinaryExpr:
		if v.Op != token.ADD {
			break
		}
		p1, bad := c.safe(s, v.X, seen)
		if bad != "" {
			return nil, bad
		}
		p2, bad := c.safe(s, v.Y, seen)
		return append(p1, p2...), bad
	case *ast.SelectorExpr:
		x, ok := v.X.(*ast.Ident)
		if !ok {
			break
		}
		// A constant of another package of the module.
		if c.consts[x.Name][v.Sel.Name] {
			return nil, ""
		}
		// A field of the elements of a literal table of statements that
		// the function ranges over: for _, st := range steps { st.sql }.
		if elts := c.rangedLiteral(s.fn, x.Name); elts != nil {
			for _, el := range elts {
				f := fieldOf(el, v.Sel.Name)
				if f == nil {
					return nil, c.text(v)
				}
				p, bad := c.safe(s, f, seen)
				if bad != "" {
					return nil, bad
				}
				params = append(params, p...)
			}
			return params, ""
		}
	case *ast.IndexExpr:
		// A statement picked from a map of constant statements.
		if x, ok := v.X.(*ast.Ident); ok && c.safeVars[s.pkg][x.Name] {
			return nil, ""
		}
	case *ast.CallExpr:
		if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "string" && len(v.Args) == 1 {
			return c.safe(s, v.Args[0], seen)
		}
		// pgx.Identifier{...}.Sanitize() quotes identifiers.
		if sel, ok := v.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sanitize" {
			if cl, ok := sel.X.(*ast.CompositeLit); ok && c.text(cl.Type) == "pgx.Identifier" {
				return nil, ""
			}
		}
	case *ast.Ident:
		if c.consts[s.pkg][v.Name] || c.safeVars[s.pkg][v.Name] {
			return nil, ""
		}
		if seen[v.Name] {
			return nil, "" // a cycle adds nothing
		}
		seen[v.Name] = true
		values, idx := c.assignments(s.fn, v.Name)
		if idx < 0 && len(values) == 0 {
			return nil, "variable " + v.Name + " of unknown origin"
		}
		if idx >= 0 {
			params = append(params, paramRef{s.fn.Name.Name, idx})
		}
		for _, val := range values {
			if val == nil {
				return nil, "variable " + v.Name + " set from a call"
			}
			p, bad := c.safe(s, val, seen)
			if bad != "" {
				return nil, bad
			}
			params = append(params, p...)
		}
		return params, ""
	}
	return nil, c.text(e)
}

// assignments finds what a name is set to in fn: every assigned value
// (nil where it comes from a call with several results or a range), and
// its parameter index (-1 if it is not a parameter).
func (c *sqlChecker) assignments(fn *ast.FuncDecl, name string) (values []ast.Expr, param int) {
	param = -1
	i := 0
	for _, f := range fn.Type.Params.List {
		if len(f.Names) == 0 {
			i++
		}
		for _, n := range f.Names {
			if n.Name == name {
				param = i
			}
			i++
		}
	}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch st := n.(type) {
		case *ast.AssignStmt:
			for j, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); !ok || id.Name != name {
					continue
				}
				switch {
				case len(st.Rhs) == len(st.Lhs):
					values = append(values, st.Rhs[j])
				case j == 0 && isCommaOK(st.Rhs[0]):
					values = append(values, st.Rhs[0].(*ast.IndexExpr))
				default:
					values = append(values, nil)
				}
			}
		case *ast.ValueSpec:
			for j, id := range st.Names {
				if id.Name == name && j < len(st.Values) {
					values = append(values, st.Values[j])
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{st.Key, st.Value} {
				if id, ok := e.(*ast.Ident); ok && id.Name == name {
					values = append(values, nil)
				}
			}
		}
		return true
	})
	return values, param
}

// rangedLiteral returns the elements of the slice literal that name is
// the value variable of a range over in fn (directly, or through a local
// variable set once to the literal), or nil.
func (c *sqlChecker) rangedLiteral(fn *ast.FuncDecl, name string) []*ast.CompositeLit {
	var lit *ast.CompositeLit
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok {
			return true
		}
		if id, ok := rs.Value.(*ast.Ident); !ok || id.Name != name {
			return true
		}
		x := rs.X
		if id, ok := x.(*ast.Ident); ok {
			if values, param := c.assignments(fn, id.Name); param < 0 && len(values) == 1 {
				x = values[0]
			}
		}
		lit, _ = x.(*ast.CompositeLit)
		return false
	})
	if lit == nil {
		return nil
	}
	at, ok := lit.Type.(*ast.ArrayType)
	if !ok {
		return nil
	}
	st, _ := at.Elt.(*ast.StructType)
	var out []*ast.CompositeLit
	for _, el := range lit.Elts {
		cl, ok := el.(*ast.CompositeLit)
		if !ok {
			return nil
		}
		if cl.Type == nil && st != nil {
			cl = &ast.CompositeLit{Type: st, Elts: cl.Elts}
		}
		out = append(out, cl)
	}
	return out
}

// fieldOf returns the value of field name in a struct literal, keyed or
// positional (positional needs the literal's struct type), or nil.
func fieldOf(cl *ast.CompositeLit, name string) ast.Expr {
	pos := -1
	if st, ok := cl.Type.(*ast.StructType); ok {
		i := 0
		for _, f := range st.Fields.List {
			for _, n := range f.Names {
				if n.Name == name {
					pos = i
				}
				i++
			}
		}
	}
	for i, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
				return kv.Value
			}
			continue
		}
		if i == pos {
			return el
		}
	}
	return nil
}

// isCommaOK reports whether e is a map lookup (v, ok := m[k]).
func isCommaOK(e ast.Expr) bool {
	_, ok := e.(*ast.IndexExpr)
	return ok
}

func (c *sqlChecker) text(e ast.Node) string {
	var b bytes.Buffer
	printer.Fprint(&b, c.fset, e)
	return b.String()
}

// moduleRoot is the directory of go.mod, two levels up from this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	return root
}

// TestNoSQLFromInput runs the check over internal/ and cmd/.
func TestNoSQLFromInput(t *testing.T) {
	c, err := loadSource(moduleRoot(t), "internal", "cmd")
	if err != nil {
		t.Fatal(err)
	}
	findings, calls := c.check()
	for _, f := range findings {
		t.Error(f)
	}
	if calls < 40 {
		t.Errorf("only %d database calls found; is the check still looking at the right names?", calls)
	}
	t.Logf("%d database calls checked in %d packages", calls, len(c.pkgs))
}

// TestSQLCheckCatchesAssembly feeds the check code that builds SQL from
// input, and code that does not, and wants exactly the first flagged.
func TestSQLCheckCatchesAssembly(t *testing.T) {
	const src = `package store

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5"
)

const sqlByID = "SELECT * FROM parcels WHERE id = $1"

var sqlDelete = map[string]string{"parcels": "DELETE FROM parcels WHERE id = $1"}

func good(ctx context.Context, db *pgx.Conn, coll, name string, id int64) {
	db.QueryRow(ctx, sqlByID, id)
	db.Exec(ctx, "SELECT " + "1")
	q, ok := sqlDelete[coll]
	if ok {
		db.Exec(ctx, q, id)
	}
	db.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	run(ctx, db, sqlByID)
	db.Query(ctx, sqlGroup[coll])
	steps := []struct {
		sql  string
		args []any
	}{{"SELECT 1", nil}, {sql: "SELECT $1", args: []any{id}}}
	for _, st := range steps {
		db.Exec(ctx, st.sql, st.args...)
	}
}

var sqlGroup = map[string]string{"a": head + "x" + tail}

const (
	head = "SELECT "
	tail = " FROM t"
)

func run(ctx context.Context, db *pgx.Conn, query string) { db.Query(ctx, query) }

func exec(ctx context.Context, db *pgx.Conn, stmt string) { db.Exec(ctx, stmt) }

func bad(ctx context.Context, db *pgx.Conn, table, col string, b *pgx.Batch) {
	db.Query(ctx, fmt.Sprintf("SELECT * FROM %s", table))   // BAD 1
	db.Exec(ctx, "DELETE FROM parcels WHERE lot_code = '" + col + "'") // BAD 2
	q := "SELECT " + col
	db.QueryRow(ctx, q) // BAD 3
	exec(ctx, db, "DROP TABLE " + table) // BAD 4
	b.Queue("SELECT " + col) // BAD 5
	rows := []struct{ sql string }{{"SELECT " + col}}
	for _, r := range rows {
		db.Exec(ctx, r.sql) // BAD 6
	}
}
`
	c := newSQLChecker()
	if err := c.addFile("internal/store/store.go", []byte(src)); err != nil {
		t.Fatal(err)
	}
	findings, _ := c.check()
	var lines []int
	for _, f := range findings {
		var line int
		fmt.Sscanf(strings.TrimPrefix(f, "internal/store/store.go:"), "%d", &line)
		lines = append(lines, line)
	}
	slices.Sort(lines)
	var want []int
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, "// BAD") {
			want = append(want, i+1)
		}
	}
	if !slices.Equal(lines, want) {
		t.Errorf("flagged lines %v, want %v:\n%s", lines, want, strings.Join(findings, "\n"))
	}
}
