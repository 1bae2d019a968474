package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// txFunc is the body of a transaction.
type txFunc func(ctx context.Context, tx appconfigd.Tx) error

// update runs fn in s.Update and fails the test if it returns an error.
func update(t *testing.T, s appconfigd.Store, fn txFunc) {
	t.Helper()
	ctx := t.Context()
	if err := s.Update(ctx, func(tx appconfigd.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in s.View and fails the test if it returns an error.
func view(t *testing.T, s appconfigd.Store, fn txFunc) {
	t.Helper()
	ctx := t.Context()
	if err := s.View(ctx, func(tx appconfigd.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// updateErr runs fn in s.Update and returns its error.
func updateErr(t *testing.T, s appconfigd.Store, fn txFunc) error {
	t.Helper()
	ctx := t.Context()
	return s.Update(ctx, func(tx appconfigd.Tx) error { return fn(ctx, tx) })
}

// viewErr runs fn in s.View and returns its error.
func viewErr(t *testing.T, s appconfigd.Store, fn txFunc) error {
	t.Helper()
	ctx := t.Context()
	return s.View(ctx, func(tx appconfigd.Tx) error { return fn(ctx, tx) })
}

// wantCode fails the test unless err is an *appconfigd.Error with code.
func wantCode(t *testing.T, err error, code appconfigd.ErrorCode) {
	t.Helper()
	if !appconfigd.IsCode(err, code) {
		t.Fatalf("error = %v, want an *appconfigd.Error with code %s", err, code)
	}
}

// wantNotFound fails the test unless err is an ENotFound error about a
// resource of type rt named name.
func wantNotFound(t *testing.T, err error, rt appconfigd.ResourceType, name string) {
	t.Helper()
	var e *appconfigd.Error
	if !errors.As(err, &e) || e.Code != appconfigd.ENotFound {
		t.Fatalf("error = %v, want an *appconfigd.Error with code %s", err, appconfigd.ENotFound)
	}
	if got, want := e.ResourceType, rt; got != want {
		t.Errorf("ResourceType = %q, want %q", got, want)
	}
	if got, want := e.ResourceName, name; got != want {
		t.Errorf("ResourceName = %q, want %q", got, want)
	}
	if e.Message == "" {
		t.Errorf("Message is empty, want a description of what is missing")
	}
}

// wantEqual fails the test when got and want differ. Times are compared
// with time.Time.Equal, and nil and empty slices and maps are equal.
func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

// wantOneCreator checks the outcome of racers trying to create deployment
// 1 at once: exactly one succeeded and every other got EConflict. who
// names a racer in messages ("writer", "handle").
func wantOneCreator(t *testing.T, errs []error, who string) {
	t.Helper()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !appconfigd.IsCode(err, appconfigd.EConflict):
			t.Errorf("%s %d: %v, want success or %s", who, i, err, appconfigd.EConflict)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d %ss created deployment 1, want exactly 1", won, len(errs), who)
	}
}

// instant returns a time i seconds after a fixed instant that has
// nanoseconds and is not in UTC, so a round trip shows lost precision.
func instant(i int) time.Time {
	zone := time.FixedZone("UTC+9", 9*60*60)
	return time.Date(2025, time.March, 14, 15, 9, 26, 535897932, zone).Add(time.Duration(i) * time.Second)
}

// collectPages lists every page of size limit with list, starting at the
// zero cursor and following the returned cursors until it is 0.
func collectPages[T any](t *testing.T, s appconfigd.Store, limit int, list func(ctx context.Context, tx appconfigd.Tx, page appconfigd.Page) ([]T, int64, error)) [][]T {
	t.Helper()
	const maxPages = 100
	var pages [][]T
	page := appconfigd.Page{Limit: limit}
	for range maxPages {
		var (
			items []T
			next  int64
		)
		view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
			var err error
			items, next, err = list(ctx, tx, page)
			return err
		})
		pages = append(pages, items)
		if next == 0 {
			return pages
		}
		page.Cursor = next
	}
	t.Fatalf("listing did not end after %d pages", maxPages)
	return nil
}

// keysOf maps items to their keys, to compare orders briefly.
func keysOf[T, K any](items []T, key func(T) K) []K {
	out := make([]K, len(items))
	for i, item := range items {
		out[i] = key(item)
	}
	return out
}

// pageKeys maps pages of items to pages of keys.
func pageKeys[T, K any](pages [][]T, key func(T) K) [][]K {
	out := make([][]K, len(pages))
	for i, p := range pages {
		out[i] = keysOf(p, key)
	}
	return out
}

// wantCount fails the test unless count, run in a View, returns want.
func wantCount(t *testing.T, s appconfigd.Store, what string, want int, count func(ctx context.Context, tx appconfigd.Tx) (int, error)) {
	t.Helper()
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		got, err := count(ctx, tx)
		if err != nil {
			return err
		}
		if got != want {
			t.Errorf("%s = %d, want %d", what, got, want)
		}
		return nil
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// wantNoMatch fails the test unless find, run in a View, finds nothing and
// returns no error.
func wantNoMatch(t *testing.T, s appconfigd.Store, what string, find func(ctx context.Context, tx appconfigd.Tx) (int, error)) {
	t.Helper()
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		n, err := find(ctx, tx)
		if err != nil {
			return fmt.Errorf("%s: %w, want no error", what, err)
		}
		if n != 0 {
			t.Errorf("%s found %d, want none", what, n)
		}
		return nil
	})
}
