package session

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// blockingAccounts holds every password check until release closes, and
// counts how many run at once.
type blockingAccounts struct {
	release chan struct{}
	mu      sync.Mutex
	running int
	most    int
}

func (a *blockingAccounts) SignIn(ctx context.Context, login, password string) (zonegis.Principal, error) {
	a.mu.Lock()
	a.running++
	a.most = max(a.most, a.running)
	a.mu.Unlock()
	<-a.release
	a.mu.Lock()
	a.running--
	a.mu.Unlock()
	return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAUTHORIZED, "wrong login or password")
}

// TestSignInChecksBounded: however many sign-ins arrive at once, at most
// Checks passwords are checked together; those that cannot start within
// the wait are 503, not queued without end.
func TestSignInChecksBounded(t *testing.T) {
	a := &blockingAccounts{release: make(chan struct{})}
	m := New(Config{Accounts: a, AddressThrottle: NewThrottle(1000, time.Minute, 1000), AccountThrottle: NewThrottle(1000, time.Minute, 1000)})
	const n = 3 * Checks
	codes := make(chan string, n)
	for i := 0; i < n; i++ {
		go func() {
			r := httptest.NewRequest(http.MethodPost, "/auth/login", nil)
			_, _, err := m.Login(context.Background(), httptest.NewRecorder(), r, "someone", "x")
			codes <- zonegis.ErrorCode(err)
		}()
	}
	busy := 0
	for i := 0; i < n-Checks; i++ { // the ones that never got a turn, after checkWait
		if c := <-codes; c == zonegis.EUNAVAILABLE {
			busy++
		} else {
			t.Fatalf("a sign-in beyond the bound answered %q before any check finished", c)
		}
	}
	close(a.release)
	for i := 0; i < Checks; i++ {
		if c := <-codes; c != zonegis.EUNAUTHORIZED {
			t.Fatalf("a checked sign-in: %q", c)
		}
	}
	if a.most != Checks || busy != n-Checks {
		t.Fatalf("%d checks at once (bound %d), %d answered busy", a.most, Checks, busy)
	}
}
