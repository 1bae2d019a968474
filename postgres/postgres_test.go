package postgres

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/storetest"
	"github.com/jackc/pgx/v5"
)

// maxOpenStores bounds the stores TestStore keeps open at once, whatever
// -parallel and GOMAXPROCS are, so the suite stays far below the server's
// max_connections (100 by default): each store has at most
// testPoolMaxConns connections, and creating or dropping its schema one
// more. The handles of storetest.RunHandles count one each.
const maxOpenStores = 8

// testPoolMaxConns is each test store's pool size: enough for a View and an
// Update at once, which storetest's snapshot test needs.
const testPoolMaxConns = 4

// newSchema creates an empty schema of the test database (see
// apptest.NewSchema), dropped when the test ends, and returns its name and
// a DSN whose search_path selects it and whose pool has testPoolMaxConns
// connections.
func newSchema(t *testing.T) (schema, dsn string) {
	t.Helper()
	s := apptest.NewSchema(t, map[string]string{"pool_max_conns": strconv.Itoa(testPoolMaxConns)})
	return s.Name, s.DSN
}

// withParams returns dsn with extra connection parameters.
func withParams(t *testing.T, dsn string, params map[string]string) string {
	t.Helper()
	dsn, err := apptest.WithParams(dsn, params)
	if err != nil {
		t.Fatalf("%s: %v", apptest.DatabaseEnv, err)
	}
	return dsn
}

// mustOpen opens the store dsn names and closes it when the test ends.
// Cleanups run last first, so it closes before newSchema drops the schema.
func mustOpen(t *testing.T, dsn string) *DB {
	t.Helper()
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// schemaConn returns a connection whose search_path selects the test's
// schema, closed when the test ends, to look at tables directly.
func schemaConn(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	delete(cfg.RuntimeParams, "pool_max_conns") // pgxpool's, unknown to the server
	conn, err := pgx.ConnectConfig(t.Context(), cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestStore(t *testing.T) {
	apptest.DatabaseURL(t) // one skip rather than one per subtest
	var (
		slots = make(chan struct{}, maxOpenStores)
		// taking serializes takers, so that two tests that want two
		// slots cannot each hold one and wait for the other.
		taking sync.Mutex
	)
	// slot holds n slots until the test ends, after its stores closed and
	// its schema was dropped.
	slot := func(t *testing.T, n int) {
		taking.Lock()
		for range n {
			slots <- struct{}{}
		}
		taking.Unlock()
		t.Cleanup(func() {
			for range n {
				<-slots
			}
		})
	}
	storetest.Run(t, func(t *testing.T) appconfigd.Store {
		slot(t, 1)
		_, dsn := newSchema(t)
		db, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db // storetest closes it
	})
	storetest.RunHandles(t, func(t *testing.T) func(t *testing.T) appconfigd.Store {
		slot(t, 2) // two handles at once
		_, dsn := newSchema(t)
		return func(t *testing.T) appconfigd.Store {
			db, err := Open(t.Context(), dsn)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			return db // storetest closes it
		}
	})
}
