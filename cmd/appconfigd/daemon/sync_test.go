package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/appconfigd/appconfigd"
)

// The sync loop refreshes what the feed reported since its last refresh
// in one go: the union of the applications named, everything once any
// change asked for it, nothing for changes to what the catalog does not
// hold; and it measures from the oldest change not yet served.
func TestPendingChangesCoalesceABurst(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var p pendingChanges
	p.add(appconfigd.StoreChange{}, t0)
	if all, apps, heard := p.take(); all || apps != nil || !heard.IsZero() {
		t.Fatalf("after a change to nothing the catalog holds: take() = %v, %v, %v; want nothing", all, apps, heard)
	}
	p.add(appconfigd.StoreChange{Applications: []string{"b", "a"}}, t0)
	p.add(appconfigd.StoreChange{Applications: []string{"a", "c"}}, t0.Add(time.Second))
	all, apps, heard := p.take()
	if want := []string{"a", "b", "c"}; all || !slices.Equal(apps, want) || !heard.Equal(t0) {
		t.Fatalf("take() = %v, %v, %v; want false, %v, %v", all, apps, heard, want, t0)
	}
	if all, apps, _ := p.take(); all || apps != nil {
		t.Fatalf("a second take() = %v, %v; want nothing", all, apps)
	}

	// A refresh that fails keeps what it took, and the older time.
	p.add(appconfigd.StoreChange{Applications: []string{"d"}}, t0.Add(2*time.Second))
	p.putBack(false, []string{"a"}, t0.Add(time.Second))
	p.add(appconfigd.StoreChange{All: true}, t0.Add(3*time.Second))
	all, apps, heard = p.take()
	if want := []string{"a", "d"}; !all || !slices.Equal(apps, want) || !heard.Equal(t0.Add(time.Second)) {
		t.Errorf("take() after a failed refresh = %v, %v, %v; want true, %v, %v", all, apps, heard, want, t0.Add(time.Second))
	}
}

// fakeRefresher records the refreshes a sync loop runs, failing as many
// as it is told to, and the changes it reports served.
type fakeRefresher struct {
	mu     sync.Mutex
	fails  int
	calls  []string
	served []time.Time
}

// serve records that a change heard of at heard was served.
func (f *fakeRefresher) serve(heard time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.served = append(f.served, heard)
}

// refresh records a refresh of what ("all" or the applications) and
// fails it while fails is positive.
func (f *fakeRefresher) refresh(what string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, what)
	if f.fails > 0 {
		f.fails--
		return errors.New("store unavailable")
	}
	return nil
}

// take returns the refreshes recorded since the last take.
func (f *fakeRefresher) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// TestSyncLoopRetriesAFailedRefresh: a refresh that fails is retried
// after a back-off (1 s, then doubling) without waiting for another
// notification or the resync, with what it took; the change is measured
// once served; a failed full resync is retried as a full one.
func TestSyncLoopRetriesAFailedRefresh(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const resync = time.Hour
		f := &fakeRefresher{fails: 2}
		kick := make(chan struct{}, 1)
		var pending pendingChanges
		l := &syncLoop{
			pending: &pending, kick: kick, resync: resync,
			refresh: func(context.Context) error { return f.refresh("all") },
			refreshApplications: func(_ context.Context, apps []string) error {
				return f.refresh(fmt.Sprint(apps))
			},
			wake:   func() {},
			served: f.serve,
			logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			l.run(ctx)
		}()
		t.Cleanup(func() {
			cancel()
			<-done
		})
		wantCalls := func(when string, want ...string) {
			t.Helper()
			synctest.Wait()
			if got := f.take(); !slices.Equal(got, want) {
				t.Errorf("%s: refreshes %q, want %q", when, got, want)
			}
		}

		heard := time.Now()
		pending.add(appconfigd.StoreChange{Applications: []string{"a"}}, heard)
		kick <- struct{}{}
		wantCalls("on the notification", "[a]")
		time.Sleep(syncRetryMin - time.Millisecond)
		wantCalls("just before the first retry")
		time.Sleep(time.Millisecond)
		wantCalls("1 s after the failure", "[a]")
		time.Sleep(2*syncRetryMin - time.Millisecond)
		wantCalls("just before the second retry")
		time.Sleep(time.Millisecond)
		wantCalls("2 s after the second failure", "[a]")
		f.mu.Lock()
		if want := []time.Time{heard}; !slices.EqualFunc(f.served, want, time.Time.Equal) {
			t.Errorf("changes measured as heard at %v, want %v", f.served, want)
		}
		f.mu.Unlock()
		time.Sleep(time.Minute)
		wantCalls("once served")

		// The resync fails once: its retry is a full refresh again.
		f.mu.Lock()
		f.fails = 1
		f.mu.Unlock()
		time.Sleep(resync - time.Minute - 3*syncRetryMin)
		wantCalls("at the resync", "all")
		time.Sleep(syncRetryMin)
		wantCalls("1 s after the failed resync", "all")
	})
}
