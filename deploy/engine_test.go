package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/appconfigd/appconfigd/deploy"
)

// fakeLeader records when the engine advanced deployments and answers with
// scripted next times and lease outcomes.
type fakeLeader struct {
	mu       sync.Mutex
	advances []time.Time
	leases   int
	rotates  int
	releases int
	next     func(call int, now time.Time) (time.Time, error)
	// held decides the outcome of each lease attempt; nil means always.
	held func(attempt int) bool
	// leaseErr, when set, fails the lease attempts it returns an error
	// for, as a store out of reach does.
	leaseErr func(attempt int) error
}

func (f *fakeLeader) TryEngineLease(ctx context.Context, ttl time.Duration) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.leases++
	if f.leaseErr != nil {
		if err := f.leaseErr(f.leases); err != nil {
			return false, err
		}
	}
	return f.held == nil || f.held(f.leases), nil
}

func (f *fakeLeader) AdvanceDeployments(ctx context.Context) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	f.advances = append(f.advances, now)
	if f.next == nil {
		return time.Time{}, nil
	}
	return f.next(len(f.advances), now)
}

func (f *fakeLeader) RotateSealingKeys(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rotates++
	return nil
}

func (f *fakeLeader) ReleaseEngineLease(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.releases++
	return nil
}

func (f *fakeLeader) advanceTimes(start time.Time) []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []time.Duration
	for _, c := range f.advances {
		out = append(out, c.Sub(start).Round(time.Millisecond))
	}
	return out
}

func openEngine(t *testing.T, l deploy.Leader) *deploy.Engine {
	t.Helper()
	e := deploy.NewEngine(l)
	if err := e.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestEngine(t *testing.T) {
	t.Run("WakesWhenNextStepIsDue", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			// Steps are due at 2.5 s and 5 s.
			l := &fakeLeader{next: func(call int, now time.Time) (time.Time, error) {
				for _, at := range []time.Duration{2500 * time.Millisecond, 5 * time.Second} {
					if due := start.Add(at); due.After(now) {
						return due, nil
					}
				}
				return time.Time{}, nil
			}}
			e := openEngine(t, l)
			time.Sleep(5100 * time.Millisecond)
			synctest.Wait()
			e.Close()
			// The lease renewal at 3 s also advances.
			want := []time.Duration{0, 2501 * time.Millisecond, 3 * time.Second, 5001 * time.Millisecond}
			got := l.advanceTimes(start)
			if len(got) != len(want) {
				t.Fatalf("advanced at %v, want %v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("advance %d at +%v, want +%v", i, got[i], want[i])
				}
			}
		})
	})

	t.Run("StoreOutageIsLoggedOnce", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			// The store fails the first ten lease attempts, one a
			// second (RetryDelay), then works again.
			l := &fakeLeader{leaseErr: func(attempt int) error {
				if attempt <= 10 {
					return errors.New("connection refused")
				}
				return nil
			}}
			var log bytes.Buffer
			e := deploy.NewEngine(l)
			e.Logger = slog.New(slog.NewTextHandler(&log, nil))
			if err := e.Open(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(12 * time.Second)
			synctest.Wait()
			e.Close()
			if got := strings.Count(log.String(), "level=ERROR"); got != 1 {
				t.Errorf("%d ERROR lines for ten failed attempts in a row, want 1:\n%s", got, &log)
			}
			if !strings.Contains(log.String(), "works again") {
				t.Errorf("no line says the lease works again:\n%s", &log)
			}
		})
	})

	t.Run("IdleLeaderRenewsEveryThreeSeconds", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := &fakeLeader{}
			openEngine(t, l)
			time.Sleep(10 * time.Second)
			synctest.Wait()
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.leases != 4 {
				t.Errorf("lease attempts in 10 s = %d, want 4 (at 0, 3, 6, 9 s)", l.leases)
			}
			if l.rotates != 1 {
				t.Errorf("key rotations in 10 s = %d, want 1", l.rotates)
			}
		})
	})

	t.Run("CloseReleasesTheLeaseItHolds", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := &fakeLeader{}
			e := openEngine(t, l)
			synctest.Wait()
			if err := e.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if err := e.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.releases != 1 {
				t.Errorf("lease releases = %d, want 1", l.releases)
			}
		})
	})

	t.Run("CloseOfAFollowerReleasesNothing", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := &fakeLeader{held: func(int) bool { return false }}
			e := openEngine(t, l)
			synctest.Wait()
			e.Close()
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.releases != 0 {
				t.Errorf("a follower released the lease %d times, want 0", l.releases)
			}
		})
	})

	t.Run("FollowerNeverAdvancesAndKeepsTrying", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := &fakeLeader{held: func(int) bool { return false }}
			e := openEngine(t, l)
			time.Sleep(7 * time.Second)
			e.Wake()
			synctest.Wait()
			l.mu.Lock()
			defer l.mu.Unlock()
			if len(l.advances) != 0 || l.rotates != 0 {
				t.Errorf("a follower advanced %d times and rotated keys %d times, want never", len(l.advances), l.rotates)
			}
			if l.leases != 4 {
				t.Errorf("lease attempts = %d, want 4 (at 0, 3, 6 s and on wake)", l.leases)
			}
		})
	})

	t.Run("TakesOverWhenTheLeaseFrees", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			// The lease is someone else's for the first two attempts.
			l := &fakeLeader{held: func(attempt int) bool { return attempt > 2 }}
			openEngine(t, l)
			time.Sleep(7 * time.Second)
			synctest.Wait()
			got := l.advanceTimes(start)
			if len(got) == 0 || got[0] != 6*time.Second {
				t.Errorf("advanced at %v, want first at 6s (third lease attempt)", got)
			}
		})
	})

	t.Run("WakeAdvancesAtOnce", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			l := &fakeLeader{}
			e := openEngine(t, l)
			time.Sleep(1500 * time.Millisecond)
			e.Wake()
			synctest.Wait()
			got := l.advanceTimes(start)
			if len(got) != 2 || got[1] != 1500*time.Millisecond {
				t.Errorf("advanced at %v, want [0s 1.5s]", got)
			}
		})
	})

	t.Run("FailureRetriesAfterDelay", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			l := &fakeLeader{next: func(call int, now time.Time) (time.Time, error) {
				if call == 1 {
					return time.Time{}, errors.New("database is locked")
				}
				return time.Time{}, nil
			}}
			openEngine(t, l)
			time.Sleep(1500 * time.Millisecond)
			synctest.Wait()
			got := l.advanceTimes(start)
			if len(got) != 2 || got[1] != time.Second {
				t.Errorf("advanced at %v, want [0s 1s]", got)
			}
		})
	})
}
