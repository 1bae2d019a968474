package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// seedEnvironment creates application app0001 with environment env0001.
func seedEnvironment(t *testing.T, db *DB) {
	t.Helper()
	ctx := t.Context()
	err := db.Update(ctx, func(tx appconfigd.Tx) error {
		if err := tx.CreateApplication(ctx, &appconfigd.Application{ID: "app0001", Name: "web"}); err != nil {
			return err
		}
		return tx.CreateEnvironment(ctx, &appconfigd.Environment{ApplicationID: "app0001", ID: "env0001", Name: "prod"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// deployment returns deployment number n of env0001.
func deployment(n int) *appconfigd.Deployment {
	return &appconfigd.Deployment{ApplicationID: "app0001", EnvironmentID: "env0001", DeploymentNumber: n,
		State: appconfigd.DeploymentDeploying}
}

// createNextDeployment is the read-check-write the Service does to start a
// deployment: it reads the latest number and creates the next.
func createNextDeployment(ctx context.Context, tx appconfigd.Tx) error {
	latest, err := tx.LatestDeployment(ctx, "app0001", "env0001")
	if err != nil {
		return err
	}
	next := 1
	if latest != nil {
		next = latest.DeploymentNumber + 1
	}
	return tx.CreateDeployment(ctx, deployment(next))
}

// deploymentNumbers lists env0001's deployment numbers, newest first.
func deploymentNumbers(t *testing.T, db *DB) []int {
	t.Helper()
	ctx := t.Context()
	var numbers []int
	err := db.View(ctx, func(tx appconfigd.Tx) error {
		ds, _, err := tx.ListDeployments(ctx, "app0001", "env0001", appconfigd.Page{})
		for _, d := range ds {
			numbers = append(numbers, d.DeploymentNumber)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return numbers
}

// Two processes sharing a schema are two *DB handles with pools of their
// own: only the database can serialize them.
func TestSameDeploymentNumberFromTwoHandlesLetsOneWin(t *testing.T) {
	_, dsn := newSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	seedEnvironment(t, a)
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  [2]error
	)
	for i, db := range []*DB{a, b} {
		wg.Go(func() {
			<-start
			errs[i] = db.Update(t.Context(), func(tx appconfigd.Tx) error {
				return tx.CreateDeployment(t.Context(), deployment(1))
			})
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !appconfigd.IsCode(err, appconfigd.EConflict):
			t.Errorf("handle %d: %v, want success or %s", i, err, appconfigd.EConflict)
		}
	}
	if won != 1 {
		t.Errorf("%d of 2 handles created deployment 1, want exactly 1", won)
	}
}

func TestReadCheckWritesFromTwoHandlesAreSerialized(t *testing.T) {
	_, dsn := newSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	seedEnvironment(t, a)
	const writersPerHandle = 6
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  [2 * writersPerHandle]error
	)
	for i := range errs {
		db := []*DB{a, b}[i%2]
		wg.Go(func() {
			<-start
			errs[i] = db.Update(t.Context(), func(tx appconfigd.Tx) error { return createNextDeployment(t.Context(), tx) })
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	got := deploymentNumbers(t, a)
	if len(got) != len(errs) || got[0] != len(errs) {
		t.Errorf("deployment numbers = %v, want %d down to 1", got, len(errs))
	}
}

// An Update of one handle waits for the Update another handle runs, and
// then sees what it wrote.
func TestUpdateWaitsForAnotherHandlesUpdate(t *testing.T) {
	_, dsn := newSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	seedEnvironment(t, a)
	ctx := t.Context()

	aInside, aRelease := make(chan struct{}), make(chan struct{})
	aDone := make(chan error, 1)
	go func() {
		aDone <- a.Update(ctx, func(tx appconfigd.Tx) error {
			if err := createNextDeployment(ctx, tx); err != nil {
				return err
			}
			close(aInside)
			<-aRelease
			return nil
		})
	}()
	<-aInside

	bInside := make(chan struct{})
	bDone := make(chan error, 1)
	go func() {
		bDone <- b.Update(ctx, func(tx appconfigd.Tx) error {
			close(bInside)
			return createNextDeployment(ctx, tx)
		})
	}()
	select {
	case <-bInside:
		close(aRelease)
		t.Fatal("an Update of handle b ran while handle a's Update was running")
	case err := <-bDone:
		close(aRelease)
		t.Fatalf("Update of handle b returned %v while handle a's Update was running", err)
	case <-time.After(500 * time.Millisecond):
	}
	close(aRelease)
	if err := <-aDone; err != nil {
		t.Fatalf("Update of handle a: %v", err)
	}
	if err := <-bDone; err != nil {
		t.Fatalf("Update of handle b: %v", err)
	}
	if got := deploymentNumbers(t, b); len(got) != 2 || got[0] != 2 {
		t.Errorf("deployment numbers = %v, want [2 1]", got)
	}
}

// The Update lock is per schema: stores sharing a database but not a
// schema do not wait for each other.
func TestUpdatesOfAnotherSchemaDoNotWait(t *testing.T) {
	_, dsn1 := newSchema(t)
	_, dsn2 := newSchema(t)
	a, b := mustOpen(t, dsn1), mustOpen(t, dsn2)
	ctx := t.Context()

	aInside, aRelease := make(chan struct{}), make(chan struct{})
	aDone := make(chan error, 1)
	go func() {
		aDone <- a.Update(ctx, func(tx appconfigd.Tx) error {
			close(aInside)
			<-aRelease
			return nil
		})
	}()
	<-aInside
	defer func() {
		if err := <-aDone; err != nil {
			t.Errorf("Update of schema 1: %v", err)
		}
	}()
	defer close(aRelease)

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

	aInside, aRelease := make(chan struct{}), make(chan struct{})
	aDone := make(chan error, 1)
	go func() {
		aDone <- a.Update(ctx, func(tx appconfigd.Tx) error {
			close(aInside)
			<-aRelease
			return nil
		})
	}()
	<-aInside
	defer func() {
		if err := <-aDone; err != nil {
			t.Errorf("Update of handle a: %v", err)
		}
	}()
	defer close(aRelease)

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

func TestUpdateHonoursACanceledContext(t *testing.T) {
	_, dsn := newSchema(t)
	db := mustOpen(t, dsn)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	err := db.Update(ctx, func(tx appconfigd.Tx) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update with a canceled context: %v, want context.Canceled", err)
	}
	if called {
		t.Errorf("Update with a canceled context ran fn")
	}
}
