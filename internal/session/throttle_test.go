package session

import (
	"fmt"
	"testing"
	"time"
)

func TestThrottleWindow(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	th := NewThrottle(3, 15*time.Minute, 100)
	for i := range 3 {
		if w := th.Wait("a", t0.Add(time.Duration(i)*time.Minute)); w != 0 {
			t.Fatalf("attempt %d: wait %v before the limit", i+1, w)
		}
		th.Fail("a", t0.Add(time.Duration(i)*time.Minute))
	}
	if w := th.Wait("a", t0.Add(5*time.Minute)); w != 10*time.Minute {
		t.Fatalf("after 3 failures: wait %v, want the 10 min left of the window", w)
	}
	if w := th.Wait("b", t0.Add(5*time.Minute)); w != 0 {
		t.Fatalf("another key waits %v", w)
	}
	if w := th.Wait("a", t0.Add(15*time.Minute)); w != 0 {
		t.Fatalf("a new window: wait %v", w)
	}
	th.Fail("c", t0)
	th.Fail("c", t0)
	th.Fail("c", t0)
	th.Reset("c")
	if w := th.Wait("c", t0); w != 0 {
		t.Fatalf("after Reset: wait %v", w)
	}
}

// TestThrottleBounded: a flood of distinct keys (logins an attacker makes
// up) never holds more than Keys entries, and live windows outlast
// expired ones when room is made.
func TestThrottleBounded(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	th := NewThrottle(1, time.Minute, 50)
	th.Fail("victim", t0.Add(30*time.Second))
	for i := range 10000 {
		th.Fail(fmt.Sprint("k", i), t0) // all expire at t0+1m
	}
	if n := th.Len(); n > 50 {
		t.Fatalf("%d keys remembered, bound 50", n)
	}
	for i := range 40 {
		th.Fail(fmt.Sprint("late", i), t0.Add(61*time.Second))
	}
	if w := th.Wait("victim", t0.Add(61*time.Second)); w == 0 {
		t.Fatal("the live window of victim was evicted before expired ones")
	}
}
