package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// importSize is the number of parcels in the bulk import: enough that it
// runs for a couple of seconds, so that it can be killed in the middle.
const importSize = 3000

// buildZonegis builds the zonegis command into a temporary directory.
func buildZonegis(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build zonegis: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "zonegis")
	start := time.Now()
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/zonegis/zonegis/cmd/zonegis").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built zonegis in %v", time.Since(start).Round(time.Millisecond))
	return bin
}

// footprint is what a write leaves behind: rows, the change log and the
// audit trail.
type footprint struct {
	Parcels, InZone, Changes, Audit, Imports int
	MaxSeq                                   int64
}

func footprintOf(t *testing.T, pool *pgxpool.Pool, zoneID int64) footprint {
	t.Helper()
	var f footprint
	err := pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM parcels), (SELECT count(*) FROM parcels WHERE zone_id = $1),
		(SELECT count(*) FROM changes), (SELECT coalesce(max(seq), 0) FROM changes),
		(SELECT count(*) FROM audit_log), (SELECT count(*) FROM audit_log WHERE action = 'import')`, zoneID).
		Scan(&f.Parcels, &f.InZone, &f.Changes, &f.MaxSeq, &f.Audit, &f.Imports)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFaultKillDuringImport kills `zonegis import` with SIGKILL while it is
// inserting: the import is one transaction, so nothing of it may remain,
// not in the table, the change log or the audit trail. The same import run
// to the end then writes every parcel.
func TestFaultKillDuringImport(t *testing.T) {
	url := pgtest.NewDB(t)
	prepare(t, url)
	bin := buildZonegis(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url+" application_name=faults_observer")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	zoneID, cells := emptyZone(t, pool, importSize)
	var fc strings.Builder
	fc.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, c := range cells {
		if i > 0 {
			fc.WriteByte(',')
		}
		fc.WriteString(parcelFeature(zoneID, fmt.Sprintf("IMP-%05d", i), c))
	}
	fc.WriteString("]}")
	file := filepath.Join(t.TempDir(), "big.geojson")
	if err := os.WriteFile(file, []byte(fc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	importCmd := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, "import", "--collection", "parcels", file)
		cmd.Env = []string{"DATABASE_URL=" + url, "ZONEGIS_LOG_LEVEL=warn", "PATH=" + os.Getenv("PATH")}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		return cmd, &out
	}
	before := footprintOf(t, pool, zoneID)

	// Sequences are not transactional: the parcels' id sequence shows how
	// far an uncommitted import has got.
	const sqlIDSeq = `SELECT coalesce(last_value, 0) FROM pg_sequences WHERE sequencename = 'parcels_id_seq'`
	var seqBefore int64
	if err := pool.QueryRow(ctx, sqlIDSeq).Scan(&seqBefore); err != nil {
		t.Fatal(err)
	}

	// Killed a third of the way.
	cmd, out := importCmd()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var backend int32
	var inserting time.Duration
	var progress int64
	for {
		err := pool.QueryRow(ctx, `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'zonegis' AND query LIKE 'INSERT INTO parcels%'`).Scan(&backend)
		if err == nil {
			err = pool.QueryRow(ctx, sqlIDSeq).Scan(&progress)
			progress -= seqBefore
		}
		if err == nil && inserting == 0 {
			inserting = time.Since(start)
		}
		if err == nil && progress >= importSize/3 {
			break
		}
		if time.Since(start) > 30*time.Second {
			cmd.Process.Kill()
			t.Fatalf("the import never got a third of the way: %v\n%s", err, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill: %v (did the import end already?)\n%s", err, out)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the import was not killed by SIGKILL but ended with %v\n%s", err, out)
	}
	killedAt := time.Since(start)
	// The server ends the session (and rolls back) when it sees the client gone.
	gone := waitFor(t, "the killed import's session to end", 30*time.Second, func() bool {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE pid = $1`, backend).Scan(&n)
		return err == nil && n == 0
	})
	after := footprintOf(t, pool, zoneID)
	if after != before {
		t.Errorf("the killed import left a trace: before %+v, after %+v", before, after)
	}
	t.Logf("import inserting %v after start, killed at %v with %d of %d parcels inserted; its session gone %v later; footprint unchanged: %+v",
		inserting.Round(time.Millisecond), killedAt.Round(time.Millisecond), progress, importSize, gone.Round(time.Millisecond), after)

	// Run to the end.
	cmd, out = importCmd()
	start = time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	t.Logf("the whole import took %v: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(out.String()))
	if !strings.Contains(out.String(), fmt.Sprintf("imported %d parcels", importSize)) {
		t.Errorf("import output %q, want \"imported %d parcels\"", out, importSize)
	}
	done := footprintOf(t, pool, zoneID)
	want := before
	want.Parcels += importSize
	want.InZone += importSize
	want.Changes += importSize
	want.Audit++
	want.Imports++
	want.MaxSeq = done.MaxSeq
	if done != want || done.MaxSeq < before.MaxSeq+importSize {
		t.Errorf("after the whole import: %+v, want %+v (and max seq ≥ %d)", done, want, before.MaxSeq+importSize)
	}
}
