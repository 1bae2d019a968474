package main

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/sqlite"
)

// flakyViews is a Store whose reads fail while fails is positive; every
// read is announced on views.
type flakyViews struct {
	appconfigd.Store
	fails atomic.Int32
	views chan error
}

func (s *flakyViews) View(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	err := errors.New("store unavailable")
	if s.fails.Add(-1) < 0 {
		err = s.Store.View(ctx, fn)
	}
	s.views <- err
	return err
}

// oneChange is a ChangeFeed that reports one change, then waits for its
// context; returned is set when its Listen has returned.
type oneChange struct {
	change   appconfigd.StoreChange
	returned atomic.Bool
}

func (f *oneChange) Listen(ctx context.Context, fn func(appconfigd.StoreChange)) error {
	defer f.returned.Store(true)
	fn(f.change)
	<-ctx.Done()
	return ctx.Err()
}

// TestFollowRetriesAFailedRefresh: when the refresh of an application a
// notification names fails, follow keeps the application and refreshes it
// again, so that it is served without another notification; follow
// returns only after its Listen has, so the stores can be closed.
func TestFollowRetriesAFailedRefresh(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := &flakyViews{Store: db, views: make(chan error, 16)}
	svc := catalogService(store, "replica-A")
	if err := svc.Open(ctx); err != nil {
		t.Fatal(err)
	}
	for len(store.views) > 0 {
		<-store.views
	}
	if err := seedCatalog(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	store.fails.Store(1)
	feed := &oneChange{change: appconfigd.StoreChange{Applications: []string{"s000000"}}}
	fctx, stop := context.WithCancel(ctx)
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		follow(fctx, feed, svc)
	}()
	for _, want := range []string{"the failed refresh", "its retry"} {
		select {
		case <-store.views:
		case <-time.After(10 * time.Second):
			t.Fatalf("no read for %s within 10 s", want)
		}
	}
	stop()
	<-returned
	if !feed.returned.Load() {
		t.Error("follow returned before its Listen did")
	}
	if _, err := svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
		ApplicationIdentifier: "s000000", EnvironmentIdentifier: "e0", ConfigurationProfileIdentifier: "p0",
	}); err != nil {
		t.Errorf("after the retry, StartConfigurationSession of the notified application: %v", err)
	}
}
