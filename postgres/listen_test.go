package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// TestListenHearsOtherHandlesCommits shows the change feed replicas use:
// a committed Update through one handle reaches a listener on another; a
// rolled-back one, and one in another schema, do not.
func TestListenHearsOtherHandlesCommits(t *testing.T) {
	_, dsn := newSchema(t)
	_, otherDSN := newSchema(t)
	writer, listener, other := mustOpen(t, dsn), mustOpen(t, dsn), mustOpen(t, otherDSN)

	changes := make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- listener.Listen(ctx, func() { changes <- struct{}{} }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Listen returned %v after cancel, want context.Canceled", err)
		}
	})

	create := func(db *DB, id string, fail bool) {
		t.Helper()
		err := db.Update(t.Context(), func(tx appconfigd.Tx) error {
			if err := tx.CreateApplication(t.Context(), &appconfigd.Application{ID: id, Name: id}); err != nil {
				return err
			}
			if fail {
				return appconfigd.Errorf(appconfigd.EBadRequest, "roll back")
			}
			return nil
		})
		if (err != nil) != fail {
			t.Fatalf("Update: %v", err)
		}
	}
	// The LISTEN may not be in place yet: write until the first change is
	// heard, then drain.
	deadline := time.After(10 * time.Second)
	for heard := false; !heard; {
		create(writer, "warm"+time.Now().Format("150405.000000"), false)
		select {
		case <-changes:
			heard = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no change heard within 10 s")
		}
	}
	// Warm-up writes may still be on their way: drain until none has
	// come for 500 ms.
	for quiet := false; !quiet; {
		select {
		case <-changes:
		case <-time.After(500 * time.Millisecond):
			quiet = true
		}
	}

	create(writer, "rolled", true)
	create(other, "elsewhere", false)
	select {
	case <-changes:
		t.Fatal("heard a rolled-back Update or one in another schema")
	case <-time.After(300 * time.Millisecond):
	}

	create(writer, "committed", false)
	select {
	case <-changes:
	case <-time.After(5 * time.Second):
		t.Fatal("a committed Update was not heard within 5 s")
	}
}

// TestListenReportsOnceListening: Listen calls changed as soon as it
// listens, without any commit, because a commit made after the caller
// last read the store and before the LISTEN took effect sent a
// notification nobody heard (a replica starting while another writes).
func TestListenReportsOnceListening(t *testing.T) {
	_, dsn := newSchema(t)
	listener := mustOpen(t, dsn)
	changes := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- listener.Listen(ctx, func() {
			select {
			case changes <- struct{}{}:
			default:
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case <-changes:
	case <-time.After(10 * time.Second):
		t.Fatal("Listen did not report within 10 s of starting")
	}
}
