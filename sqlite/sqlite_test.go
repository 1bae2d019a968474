package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/storetest"
)

// mustOpen opens a database at path and closes it when the test ends.
func mustOpen(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) appconfigd.Store {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "appconfigd.db"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db
	})
}

func TestStoreInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) appconfigd.Store {
		db, err := sqlite.Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db
	})
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appconfigd.db")
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	want := &appconfigd.Application{ID: "abc1234", Name: "web"}
	if err := db.Update(ctx, func(tx appconfigd.Tx) error { return tx.CreateApplication(ctx, want) }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = mustOpen(t, path)
	err = db.View(ctx, func(tx appconfigd.Tx) error {
		got, err := tx.FindApplication(ctx, "abc1234")
		if err != nil {
			return err
		}
		if got.Name != want.Name {
			t.Errorf("Name = %q after reopening, want %q", got.Name, want.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenTwiceAtOnceSharesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appconfigd.db")
	ctx := t.Context()
	a, b := mustOpen(t, path), mustOpen(t, path)
	app := &appconfigd.Application{ID: "abc1234", Name: "web"}
	if err := a.Update(ctx, func(tx appconfigd.Tx) error { return tx.CreateApplication(ctx, app) }); err != nil {
		t.Fatal(err)
	}
	err := b.Update(ctx, func(tx appconfigd.Tx) error { return tx.CreateApplication(ctx, app) })
	if !appconfigd.IsCode(err, appconfigd.EConflict) {
		t.Fatalf("second process creating the same application: %v, want %s", err, appconfigd.EConflict)
	}
}

func TestOpenRejectsABadPath(t *testing.T) {
	for _, path := range []string{"", "db?mode=ro", filepath.Join(t.TempDir(), "missing", "dir", "db")} {
		if db, err := sqlite.Open(context.Background(), path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}
