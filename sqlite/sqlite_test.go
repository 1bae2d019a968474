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

// Two handles on one file are what two processes sharing it have.
func TestStoreHandles(t *testing.T) {
	storetest.RunHandles(t, func(t *testing.T) func(t *testing.T) appconfigd.Store {
		path := filepath.Join(t.TempDir(), "appconfigd.db")
		return func(t *testing.T) appconfigd.Store {
			db, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			return db
		}
	})
}

func TestOpenRejectsABadPath(t *testing.T) {
	for _, path := range []string{"", "db?mode=ro", filepath.Join(t.TempDir(), "missing", "dir", "db")} {
		if db, err := sqlite.Open(context.Background(), path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}
