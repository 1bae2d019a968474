package sigv4

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/appconfigd/appconfigd"
)

// TestBodyBudgetKeepsRoomForSmallBodies: large bodies may fill only seven
// eighths of the budget, so a small body still finds room when they have
// taken all they may, and waits only when small bodies have taken the
// rest.
func TestBodyBudgetKeepsRoomForSmallBodies(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := NewBodyBudget(8 * SmallBody * 2)
		ctx := t.Context()
		large := int64(SmallBody + 1)
		var held int64
		for {
			start := time.Now()
			_, err := b.reserve(ctx, large)
			if err != nil {
				if waited := time.Since(start); waited != DefaultBodyWait {
					t.Errorf("large body refused after %s, want after %s", waited, DefaultBodyWait)
				}
				break
			}
			held += large
		}
		if max := b.Capacity() - b.Capacity()/8; held > max || held <= max-large {
			t.Errorf("large bodies hold %d bytes, want all they can of %d", held, max)
		}
		if _, err := b.reserve(ctx, SmallBody); err != nil {
			t.Errorf("small body when large ones hold all they may: %v", err)
		}
		for {
			if _, err := b.reserve(ctx, SmallBody); err != nil {
				if !appconfigd.IsCode(err, appconfigd.EThrottling) {
					t.Errorf("small body, budget full: err = %v, want EThrottling", err)
				}
				break
			}
		}
	})
}

// TestBodyBudgetWakesWaiters lets a waiting body in as soon as room is
// given back, and gives each reservation back once however often its
// release is called.
func TestBodyBudgetWakesWaiters(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := NewBodyBudget(100)
		release, err := b.reserve(t.Context(), 100)
		if err != nil {
			t.Fatal(err)
		}
		var admitted atomic.Bool
		go func() {
			if _, err := b.reserve(t.Context(), 60); err == nil {
				admitted.Store(true)
			}
		}()
		synctest.Wait()
		if admitted.Load() {
			t.Fatal("admitted while the budget was full")
		}
		time.Sleep(DefaultBodyWait / 2)
		release()
		release()
		synctest.Wait()
		if !admitted.Load() {
			t.Fatal("not admitted after room was given back")
		}
		if got := b.InUse(); got != 60 {
			t.Errorf("InUse = %d, want 60 (a release given twice counts once)", got)
		}
	})
}

// TestBodyBudgetRefusesWhenRequestEnds stops waiting when the request's
// context ends.
func TestBodyBudgetRefusesWhenRequestEnds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := NewBodyBudget(10)
		if _, err := b.reserve(t.Context(), 10); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), DefaultBodyWait/10)
		defer cancel()
		start := time.Now()
		_, err := b.reserve(ctx, 1)
		if !appconfigd.IsCode(err, appconfigd.EThrottling) {
			t.Errorf("err = %v, want EThrottling", err)
		}
		if waited := time.Since(start); waited != DefaultBodyWait/10 {
			t.Errorf("waited %s, want until the request ended after %s", waited, DefaultBodyWait/10)
		}
	})
}

// TestBodyBudgetDrained calls Drained once when a burst that reached half
// the budget has drained, and not for reservations that stay below half.
func TestBodyBudgetDrained(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var drained atomic.Int32
		b := NewBodyBudget(100)
		b.Drained = func() { drained.Add(1) }

		small, _ := b.reserve(t.Context(), 49)
		small()
		synctest.Wait()
		if got := drained.Load(); got != 0 {
			t.Errorf("Drained called %d times after a reservation below half, want 0", got)
		}

		var releases []func()
		for range 5 {
			release, err := b.reserve(t.Context(), 20)
			if err != nil {
				t.Fatal(err)
			}
			releases = append(releases, release)
		}
		for i, release := range releases {
			release()
			synctest.Wait()
			want := int32(0)
			if i == len(releases)-1 {
				want = 1
			}
			if got := drained.Load(); got != want {
				t.Errorf("after %d of %d releases: Drained called %d times, want %d", i+1, len(releases), got, want)
			}
		}
	})
}
