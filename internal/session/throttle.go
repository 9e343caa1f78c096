package session

import (
	"sync"
	"time"
)

// Throttle counts failed sign-ins per key (an account's login, a client's
// address) in fixed windows: after Max failures within Window of the first,
// the key is refused until that window ends. It is in memory, so each
// instance behind a load balancer counts on its own (an attacker spread
// over n instances gets n times the attempts); its memory is bounded by
// Keys entries (when full, expired entries go first, then the one whose
// window started earliest). The zero value is not usable: use NewThrottle.
type Throttle struct {
	Max    int           // failures allowed per window
	Window time.Duration // length of a window
	Keys   int           // most keys remembered

	mu  sync.Mutex
	hit map[string]*window
}

type window struct {
	start    time.Time
	failures int
}

// NewThrottle returns a throttle allowing max failures per window for at
// most keys keys.
func NewThrottle(max int, per time.Duration, keys int) *Throttle {
	return &Throttle{Max: max, Window: per, Keys: keys, hit: map[string]*window{}}
}

// Wait says how long key must wait before it may try again at now: 0
// when it may try now.
func (t *Throttle) Wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.hit[key]
	if w == nil {
		return 0
	}
	end := w.start.Add(t.Window)
	if !now.Before(end) {
		delete(t.hit, key)
		return 0
	}
	if w.failures < t.Max {
		return 0
	}
	return end.Sub(now)
}

// Fail counts a failure of key at now.
func (t *Throttle) Fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.hit[key]
	if w != nil && !now.Before(w.start.Add(t.Window)) {
		w = nil
	}
	if w == nil {
		if len(t.hit) >= t.Keys {
			t.evict(now)
		}
		w = &window{start: now}
		t.hit[key] = w
	}
	w.failures++
}

// Reset forgets key's failures (a successful sign-in of that account).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	delete(t.hit, key)
	t.mu.Unlock()
}

// Len is how many keys are remembered.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.hit)
}

// evict makes room for one key: it drops every expired window, and if
// none had expired, the oldest. It runs only when the map is full, so its
// linear scan is paid once per Keys new keys at most in a flood of
// expired ones, and per new key only while Keys keys are all live.
func (t *Throttle) evict(now time.Time) {
	var oldest string
	var first time.Time
	for k, w := range t.hit {
		if !now.Before(w.start.Add(t.Window)) {
			delete(t.hit, k)
			continue
		}
		if oldest == "" || w.start.Before(first) {
			oldest, first = k, w.start
		}
	}
	if len(t.hit) >= t.Keys && oldest != "" {
		delete(t.hit, oldest)
	}
}
