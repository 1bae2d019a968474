package deploy_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/appconfigd/appconfigd/deploy"
)

// fakeAdvancer records when it was called and answers with scripted next
// times.
type fakeAdvancer struct {
	mu    sync.Mutex
	calls []time.Time
	next  func(call int, now time.Time) (time.Time, error)
}

func (f *fakeAdvancer) AdvanceDeployments(ctx context.Context) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	f.calls = append(f.calls, now)
	return f.next(len(f.calls), now)
}

func (f *fakeAdvancer) callTimes(start time.Time) []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []time.Duration
	for _, c := range f.calls {
		out = append(out, c.Sub(start).Round(time.Millisecond))
	}
	return out
}

func openEngine(t *testing.T, a deploy.Advancer) *deploy.Engine {
	t.Helper()
	e := deploy.NewEngine(a)
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
			a := &fakeAdvancer{next: func(call int, now time.Time) (time.Time, error) {
				if call < 3 {
					return start.Add(time.Duration(call) * 5 * time.Second), nil
				}
				return time.Time{}, nil
			}}
			e := openEngine(t, a)
			time.Sleep(12 * time.Second)
			synctest.Wait()
			got := a.callTimes(start)
			want := []time.Duration{0, 5*time.Second + time.Millisecond, 10*time.Second + time.Millisecond}
			if len(got) != len(want) {
				t.Fatalf("advanced at %v, want %v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("advance %d at +%v, want +%v", i, got[i], want[i])
				}
			}
			e.Close()
		})
	})

	t.Run("IdleEngineChecksEveryMaxSleep", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			a := &fakeAdvancer{next: func(int, time.Time) (time.Time, error) { return time.Time{}, nil }}
			openEngine(t, a)
			time.Sleep(61 * time.Second)
			synctest.Wait()
			if got := len(a.callTimes(start)); got != 3 {
				t.Errorf("idle engine advanced %d times in 61s, want 3 (at 0, 30s, 60s)", got)
			}
		})
	})

	t.Run("WakeAdvancesAtOnce", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			a := &fakeAdvancer{next: func(int, time.Time) (time.Time, error) { return time.Time{}, nil }}
			e := openEngine(t, a)
			time.Sleep(7 * time.Second)
			e.Wake()
			synctest.Wait()
			got := a.callTimes(start)
			if len(got) != 2 || got[1] != 7*time.Second {
				t.Errorf("advanced at %v, want [0s 7s]", got)
			}
		})
	})

	t.Run("FailureRetriesAfterDelay", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			a := &fakeAdvancer{next: func(call int, now time.Time) (time.Time, error) {
				if call == 1 {
					return time.Time{}, errors.New("database is locked")
				}
				return time.Time{}, nil
			}}
			openEngine(t, a)
			time.Sleep(1500 * time.Millisecond)
			synctest.Wait()
			got := a.callTimes(start)
			if len(got) != 2 || got[1] != time.Second {
				t.Errorf("advanced at %v, want [0s 1s]", got)
			}
		})
	})
}
