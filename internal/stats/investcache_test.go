package stats_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// countingStore counts the series the store computes.
type countingStore struct {
	*postgis.DB
	figures atomic.Int64
}

func (s *countingStore) InvestmentFigures(ctx context.Context, f zonegis.InvestmentSeriesFilter) (*zonegis.InvestmentFigures, error) {
	s.figures.Add(1)
	return s.DB.InvestmentFigures(ctx, f)
}

// TestInvestmentCache: a second identical request is answered from the
// cache (the store computes nothing); a write to what the figures read
// (a project, a plan target, an enterprise) changes the next answer; an
// audience never gets the answer cached for another class (a public
// caller after an admin, a board's planner after the public), each
// answer equal to an uncached service's; the cache stays within its
// bytes.
func TestInvestmentCache(t *testing.T) {
	db := seeded(t)
	investFixture(t, db)
	ctx := context.Background()
	store := &countingStore{DB: db}
	const maxBytes = 1 << 20
	svc := stats.New(store, stats.Options{InvestmentCacheBytes: maxBytes})
	fresh := func(q stats.InvestmentQuery, a stats.Audience) string {
		t.Helper()
		inv, err := stats.New(db, stats.Options{}).Investment(ctx, q, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		return asJSON(t, inv)
	}
	ask := func(q stats.InvestmentQuery, a stats.Audience) (string, int64) {
		t.Helper()
		before := store.figures.Load()
		inv, err := svc.Investment(ctx, q, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		return asJSON(t, inv), store.figures.Load() - before
	}
	q := stats.InvestmentQuery{Groups: []string{"all", "board"}, From: "2019", To: "2025"}
	first, n := ask(q, stats.Confidential)
	if n != 1 {
		t.Fatalf("first request computed %d series, want 1", n)
	}
	again, n := ask(q, stats.Confidential)
	if n != 0 || again != first {
		t.Errorf("second identical request computed %d series (want 0: from the cache), same answer %v", n, again == first)
	}
	if st := svc.InvestmentCache(); st.Hits != 1 || st.Answers != 1 || st.Bytes <= 0 || st.Bytes > maxBytes {
		t.Errorf("cache after a hit: %+v", st)
	}

	// Other classes of audience: computed for them, never the admin's.
	public, n := ask(q, stats.Public)
	if n != 1 || public == first || public != fresh(q, stats.Public) {
		t.Errorf("public after admin: computed %d series, admin's answer %v, uncached answer %v", n, public == first, public == fresh(q, stats.Public))
	}
	hepza, n := ask(q, stats.BoardsAudience("hepza"))
	if n != 1 || hepza == public || hepza == first || hepza != fresh(q, stats.BoardsAudience("hepza")) {
		t.Errorf("hepza planner: computed %d series, public's %v, admin's %v", n, hepza == public, hepza == first)
	}
	if again, n := ask(q, stats.BoardsAudience("hepza")); n != 0 || again != hepza {
		t.Errorf("hepza again: computed %d series", n)
	}
	if again, n := ask(q, stats.BoardsAudience("hepza", "shtp")); n != 1 || again == hepza {
		t.Errorf("hepza and shtp planner: computed %d series, hepza's answer %v", n, again == hepza)
	}
	if again, n := ask(q, stats.Public); n != 0 || again != public {
		t.Errorf("public again: computed %d series", n)
	}
	// Another query is another entry.
	if _, n := ask(stats.InvestmentQuery{Groups: []string{"all", "board"}, From: "2019", To: "2024"}, stats.Public); n != 1 {
		t.Errorf("another range: computed %d series, want 1", n)
	}

	// Writes: each changes the answer that follows.
	for _, w := range []string{
		`INSERT INTO projects (irc_number, irc_date, enterprise_id, zone_id, name_vi, origin, currency, capital, rate, rate_date, workers_vn)
		 SELECT 'IRC-CACHE-1', date '2024-05-01', e.id, z.id, 'Dự án bộ đệm', 'fdi', 'USD', 123456789.12, 25000, date '2024-05-01', 77
		   FROM enterprises e, zones z WHERE e.name_en = 'Fixture enterprise 1' AND z.code = 'KCX-TAN-THUAN'`,
		`INSERT INTO plan_targets (scope, scope_id, year, investment_usd, projects) VALUES ('all', '', 2024, 5e8, 40)
		 ON CONFLICT (scope, scope_id, year) DO UPDATE SET investment_usd = 5e8, projects = 40`,
		`UPDATE enterprises SET country = 'DE' WHERE name_en = 'Fixture enterprise 2'`,
	} {
		before, _ := ask(q, stats.Confidential)
		if _, err := db.Pool().Exec(ctx, w); err != nil {
			t.Fatalf("%v\n%s", err, w)
		}
		after, n := ask(q, stats.Confidential)
		if n != 1 || after != fresh(q, stats.Confidential) {
			t.Errorf("after %.60s: computed %d series (want 1), uncached answer %v", w, n, after == fresh(q, stats.Confidential))
		}
		if w[:6] != "UPDATE" && after == before {
			t.Errorf("after %.60s: the same answer", w)
		}
		if again, n := ask(q, stats.Confidential); n != 0 || again != after {
			t.Errorf("after %.60s, again: computed %d series", w, n)
		}
	}
	if st := svc.InvestmentCache(); st.Bytes > maxBytes {
		t.Errorf("cache holds %d bytes, bound %d", st.Bytes, maxBytes)
	}
	// What the cache saves, medians of 7 (logged, not asserted: the machine is shared).
	median := func(f func()) time.Duration {
		var d []time.Duration
		for range 7 {
			start := time.Now()
			f()
			d = append(d, time.Since(start))
		}
		slices.Sort(d)
		return d[3]
	}
	computed := median(func() { _, _ = stats.New(db, stats.Options{}).Investment(ctx, q, stats.Confidential, nil) })
	cached := median(func() { _, _ = svc.Investment(ctx, q, stats.Confidential, nil) })
	t.Logf("series %+v: computed in %v, from the cache in %v (median of 7)", q, computed, cached)
}

// TestInvestmentCacheBound: a cache smaller than the answers keeps none and
// every request computes; one of a few answers drops the least recently
// used.
func TestInvestmentCacheBound(t *testing.T) {
	db := seeded(t)
	investFixture(t, db)
	ctx := context.Background()
	store := &countingStore{DB: db}
	one, err := stats.New(db, stats.Options{}).Investment(ctx, stats.InvestmentQuery{From: "2019", To: "2025"}, stats.Public, nil)
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(asJSON(t, one)))
	// Room for two answers of this size, not three.
	svc := stats.New(store, stats.Options{InvestmentCacheBytes: 2*size + 1200})
	for i, to := range []string{"2025", "2024", "2025", "2023", "2025", "2024"} {
		before := store.figures.Load()
		if _, err := svc.Investment(ctx, stats.InvestmentQuery{From: "2019", To: to}, stats.Public, nil); err != nil {
			t.Fatal(err)
		}
		computed := store.figures.Load() - before
		// 2025 is asked every other time: kept as the most recently used; 2024 then 2023 push each other out.
		want := int64(1)
		if to == "2025" && i > 0 {
			want = 0
		}
		if computed != want {
			t.Errorf("request %d (to %s): computed %d series, want %d", i, to, computed, want)
		}
		if st := svc.InvestmentCache(); st.Bytes > 2*size+1200 || st.Answers > 2 {
			t.Errorf("request %d: cache %+v over its bound", i, st)
		}
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
