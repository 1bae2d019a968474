package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// handleSpec is one rule of the contract between handles on one store.
// open opens a handle that the spec closes, handle one closed when the
// test ends.
type handleSpec struct {
	name string
	test func(t *testing.T, open, handle func() appconfigd.Store)
}

// RunHandles runs the part of the contract that takes several handles on
// one store, as processes sharing it have: what one handle committed
// outlives it and is seen by the others, and Updates of different handles
// are serialized as those of one handle are. Every subtest runs in
// parallel with the others and calls place once for an empty store of its
// own; place returns a function that opens one more handle on it, which
// RunHandles closes when the subtest ends. A store no two handles can
// share (SQLite in memory) does not run it.
func RunHandles(t *testing.T, place func(t *testing.T) (open func(t *testing.T) appconfigd.Store)) {
	specs := []handleSpec{
		{"ReopenKeepsData", reopenKeepsData},
		{"SameDeploymentNumberFromTwoHandlesLetsOneWin", sameDeploymentNumberFromTwoHandles},
		{"ReadCheckWritesFromTwoHandlesAreSerialized", readCheckWritesFromTwoHandles},
		{"UpdateWaitsForAnotherHandlesUpdate", updateWaitsForAnotherHandle},
	}
	for _, sp := range specs {
		t.Run("Handles/"+sp.name, func(t *testing.T) {
			t.Parallel()
			openOn := place(t)
			open := func() appconfigd.Store { return openOn(t) }
			sp.test(t, open, func() appconfigd.Store {
				s := open()
				t.Cleanup(func() {
					if err := s.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				})
				return s
			})
		})
	}
}

func reopenKeepsData(t *testing.T, open, handle func() appconfigd.Store) {
	first := open()
	createApplications(t, first, newApplication("app0001", "web"))
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	view(t, handle(), func(ctx context.Context, tx appconfigd.Tx) error {
		got, err := tx.FindApplication(ctx, "app0001")
		if err != nil {
			return err
		}
		wantEqual(t, "application after reopening", got, newApplication("app0001", "web"))
		return nil
	})
}

// sameDeploymentNumberFromTwoHandles: two processes sharing a store are
// two handles with connections of their own, so only the database can
// serialize them.
func sameDeploymentNumberFromTwoHandles(t *testing.T, _, handle func() appconfigd.Store) {
	a, b := handle(), handle()
	seedEnvironment(t, a, "app0001", "env0001")
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  [2]error
	)
	for i, s := range []appconfigd.Store{a, b} {
		wg.Go(func() {
			<-start
			errs[i] = updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateDeployment(ctx, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying))
			})
		})
	}
	close(start)
	wg.Wait()
	wantOneCreator(t, errs[:], "handle")
}

// deploymentNumbers lists env0001's deployment numbers, newest first.
func deploymentNumbers(t *testing.T, s appconfigd.Store) []int {
	t.Helper()
	pages := collectPages(t, s, 0, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.Deployment, int64, error) {
		return tx.ListDeployments(ctx, "app0001", "env0001", p)
	})
	return keysOf(pages[0], deploymentNumber)
}

func readCheckWritesFromTwoHandles(t *testing.T, _, handle func() appconfigd.Store) {
	a, b := handle(), handle()
	seedEnvironment(t, a, "app0001", "env0001")
	const writersPerHandle = 6
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  [2 * writersPerHandle]error
	)
	for i := range errs {
		s := []appconfigd.Store{a, b}[i%2]
		wg.Go(func() {
			<-start
			errs[i] = updateErr(t, s, createNextDeployment)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	want := make([]int, len(errs))
	for i := range want {
		want[i] = len(errs) - i
	}
	wantEqual(t, "deployment numbers", deploymentNumbers(t, a), want)
}

// updateWaitsForAnotherHandle: an Update of one handle waits for the
// Update another handle runs, and then sees what it wrote.
func updateWaitsForAnotherHandle(t *testing.T, _, handle func() appconfigd.Store) {
	a, b := handle(), handle()
	seedEnvironment(t, a, "app0001", "env0001")
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
	// A store that lets b in now is wrong however long one waits; one
	// that makes b wait passes whatever the machine's speed.
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
	wantEqual(t, "deployment numbers", deploymentNumbers(t, b), []int{2, 1})
}
