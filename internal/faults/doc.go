// Package faults holds the service's fault tests and nothing else: the
// whole service (PostGIS, the in-memory index, the change-log follower of
// internal/indexsync and the HTTP API) is put through the failures it must
// survive. It has no code of its own, only tests.
//
//   - PostGIS stopped and started again under read load: reads keep
//     answering from the index, writes get 503 with Retry-After while it is
//     down and succeed after, and the follower listens again.
//   - A network partition between the service and PostGIS (a proxy that
//     drops every connection) and backends killed with pg_terminate_backend,
//     while another client writes: every change reaches the index.
//   - The zonegis binary killed with SIGKILL during a bulk import: nothing
//     of it is left in the tables, the change log or the audit trail.
//   - Two instances written to concurrently through their own APIs converge
//     on what the database holds.
//   - Bounds: body sizes, vertex counts, time limits, and a database wait
//     that is cancelled when its client goes away.
//
// The checks that read the source (no SQL built from input, SQL only in
// internal/postgis) are in internal/codecheck.
//
// Each test that stops PostGIS runs its own cluster; the others share the
// package's throwaway cluster (pgtest). Without PostgreSQL and PostGIS
// installed the tests skip, unless ZONEGIS_REQUIRE_POSTGIS=1.
package faults
