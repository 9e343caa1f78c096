// Package codecheck holds checks that read the module's own Go source and
// fail the build's tests when the code breaks a rule of its layout. It has
// no code of its own: the checks are its tests, and they need no database.
//
//   - TestNoSQLFromInput (sqlsafety_test.go): no SQL text is assembled from
//     input; every SQL argument of a database call is built from literals,
//     constants, constant-only package variables, identifiers quoted by
//     pgx.Identifier.Sanitize, or parameters whose every caller passes such.
//   - TestSQLStaysInPostGIS (sqlplace_test.go): outside internal/postgis
//     (and the reviewed exemptions) no non-test Go file holds SQL statement
//     text or calls Pool(), and no .sql file lies outside internal/postgis
//     and migrations/.
//
// TestSQLCheckCatchesAssembly and TestSQLPlaceCheckCatches feed each check
// code it must flag and code it must not, so that neither passes by looking
// at nothing.
package codecheck
