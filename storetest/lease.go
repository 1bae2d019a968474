package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

func leaseSpecs() []spec {
	// try runs TryLease at instant now for ttl seconds.
	try := func(t *testing.T, s appconfigd.Store, name, holder string, now, ttl int) bool {
		t.Helper()
		var got bool
		update(t, s, func(ctx context.Context, tx appconfigd.Tx) (err error) {
			got, err = tx.TryLease(ctx, name, holder, instant(now), instant(now).Add(time.Duration(ttl)*time.Second))
			return err
		})
		return got
	}
	return []spec{
		{"FreeLeaseIsAcquired", func(t *testing.T, s appconfigd.Store) {
			if !try(t, s, "engine", "a", 0, 10) {
				t.Error("TryLease of a free lease = false, want true")
			}
		}},
		{"HeldLeaseIsRefusedToOthers", func(t *testing.T, s appconfigd.Store) {
			try(t, s, "engine", "a", 0, 10)
			if try(t, s, "engine", "b", 5, 10) {
				t.Error("b acquired a lease a holds until 10s")
			}
		}},
		{"HolderRenews", func(t *testing.T, s appconfigd.Store) {
			try(t, s, "engine", "a", 0, 10)
			if !try(t, s, "engine", "a", 5, 10) {
				t.Fatal("a could not renew its own lease")
			}
			// Renewed until 15s: b is still refused at 12s.
			if try(t, s, "engine", "b", 12, 10) {
				t.Error("b acquired a lease a renewed until 15s")
			}
		}},
		{"ExpiredLeaseIsTakenOver", func(t *testing.T, s appconfigd.Store) {
			try(t, s, "engine", "a", 0, 10)
			if !try(t, s, "engine", "b", 11, 10) {
				t.Fatal("b could not take over a lease that ended at 10s")
			}
			if try(t, s, "engine", "a", 12, 10) {
				t.Error("a took the lease back from b")
			}
		}},
		{"HolderReleasesByEndingItsLease", func(t *testing.T, s appconfigd.Store) {
			try(t, s, "engine", "a", 0, 10)
			// Releasing is renewing to a moment already past.
			if !try(t, s, "engine", "a", 1, -1) {
				t.Fatal("a could not end its own lease")
			}
			if !try(t, s, "engine", "b", 2, 10) {
				t.Error("b could not take a lease a gave up")
			}
		}},
		{"OthersCannotEndALease", func(t *testing.T, s appconfigd.Store) {
			try(t, s, "engine", "a", 0, 10)
			if try(t, s, "engine", "b", 1, -1) {
				t.Error("b ended a lease a holds")
			}
			if try(t, s, "engine", "c", 2, 10) {
				t.Error("c acquired a lease a holds until 10s after b tried to end it")
			}
		}},
		{"LeasesAreIndependent", func(t *testing.T, s appconfigd.Store) {
			try(t, s, "engine", "a", 0, 10)
			if !try(t, s, "other", "b", 1, 10) {
				t.Error("a lease on engine blocked a lease on other")
			}
		}},
	}
}
