package registry_test

import (
	"context"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// leaseStore records the calls the leasing workflow makes.
type leaseStore struct {
	calls   []string
	endedOn time.Time
}

func (s *leaseStore) LeaseParcel(_ context.Context, _ zonegis.Actor, _ int64, l *zonegis.Lease) (int64, error) {
	s.calls = append(s.calls, "lease")
	l.ID = 7
	return 1, nil
}

func (s *leaseStore) EndLease(_ context.Context, _ zonegis.Actor, id int64, on time.Time) (int64, error) {
	s.calls = append(s.calls, "end")
	s.endedOn = on
	return 2, nil
}

func (s *leaseStore) Lease(_ context.Context, id int64) (*zonegis.Lease, error) {
	s.calls = append(s.calls, "read")
	return &zonegis.Lease{ID: id, EndedOn: &s.endedOn}, nil
}

func (s *leaseStore) ReserveParcel(context.Context, zonegis.Actor, int64, int64) (int64, error) {
	s.calls = append(s.calls, "reserve")
	return 3, nil
}

func (s *leaseStore) ReleaseParcel(context.Context, zonegis.Actor, int64, int64) (int64, error) {
	s.calls = append(s.calls, "release")
	return 4, nil
}

func TestLeasing(t *testing.T) {
	ctx := context.Background()
	st := &leaseStore{}
	lw := registry.Leasing{Store: st}
	if _, err := lw.Lease(ctx, zonegis.System, 0, &zonegis.Lease{ParcelID: 1, Country: "Japan"}); zonegis.ErrorCode(err) != zonegis.EINVALID || len(st.calls) != 0 {
		t.Fatalf("an invalid lease: %v, store calls %v", err, st.calls)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &zonegis.Lease{ParcelID: 1, Lessee: " Acme ", Country: "jp", Start: start, End: start.AddDate(50, 0, 0)}
	if seq, err := lw.Lease(ctx, zonegis.System, 0, l); err != nil || seq != 1 || l.ID != 7 || l.Lessee != "Acme" || l.Country != "JP" {
		t.Fatalf("lease: seq %d, %v, %+v", seq, err, l)
	}
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	seq, ended, err := lw.End(ctx, zonegis.System, 7, time.Time{}, today)
	if err != nil || seq != 2 || !ended.EndedOn.Equal(today) {
		t.Fatalf("end without a day: seq %d, %v, %+v", seq, err, ended)
	}
	if _, _, err := lw.End(ctx, zonegis.System, 7, start.AddDate(1, 0, 0), today); err != nil || !st.endedOn.Equal(start.AddDate(1, 0, 0)) {
		t.Fatalf("end on a day: %v, ended on %v", err, st.endedOn)
	}
	if seq, _ := lw.Reserve(ctx, zonegis.System, 1, 0, true); seq != 3 {
		t.Errorf("reserve: seq %d", seq)
	}
	if seq, _ := lw.Reserve(ctx, zonegis.System, 1, 0, false); seq != 4 {
		t.Errorf("release: seq %d", seq)
	}
}
