package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// holdUpdate runs an Update of db that holds the Update lock until the
// returned function is called, which waits for the Update to end.
func holdUpdate(t *testing.T, db *DB) (release func()) {
	t.Helper()
	inside, done := make(chan struct{}), make(chan error, 1)
	releaseCh := make(chan struct{})
	go func() {
		done <- db.Update(t.Context(), func(appconfigd.Tx) error {
			close(inside)
			<-releaseCh
			return nil
		})
	}()
	<-inside
	return func() {
		close(releaseCh)
		if err := <-done; err != nil {
			t.Errorf("the Update holding the lock: %v", err)
		}
	}
}

// The Update lock is per schema: stores sharing a database but not a
// schema do not wait for each other.
func TestUpdatesOfAnotherSchemaDoNotWait(t *testing.T) {
	_, dsn1 := newSchema(t)
	_, dsn2 := newSchema(t)
	a, b := mustOpen(t, dsn1), mustOpen(t, dsn2)
	ctx := t.Context()

	defer holdUpdate(t, a)()

	bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := b.Update(bctx, func(tx appconfigd.Tx) error {
		return tx.CreateApplication(bctx, &appconfigd.Application{ID: "app0001", Name: "web"})
	})
	if err != nil {
		t.Fatalf("Update of schema 2 while schema 1 has one running: %v", err)
	}
}

// An Update waiting for the lock gives up when its context is done, and the
// server stops waiting too instead of keeping a backend in the queue: pgx
// sends a cancel request as it drops the connection.
func TestUpdateWaitingForTheLockHonoursItsContext(t *testing.T) {
	_, dsn := newSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	ctx := t.Context()

	defer holdUpdate(t, a)()

	bctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	ran := false
	err := b.Update(bctx, func(tx appconfigd.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Update whose context ends while waiting for the lock: %v, want context.DeadlineExceeded", err)
	}
	if ran {
		t.Errorf("Update whose context ended while waiting for the lock ran fn")
	}
	if waited := time.Since(began); waited > 3*time.Second {
		t.Errorf("Update gave up %v after it began, want about 200ms", waited)
	}

	conn := schemaConn(t, dsn)
	const waiting = `SELECT COUNT(*) FROM pg_locks
		WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2 AND objsubid = 2`
	deadline := time.Now().Add(3 * time.Second)
	for {
		var n int
		if err := conn.QueryRow(ctx, waiting, uint32(lockUpdate), uint32(a.lockKey)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backends still wait for the Update lock after their Update gave up", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
