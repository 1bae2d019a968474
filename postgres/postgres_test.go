package postgres

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/storetest"
	"github.com/jackc/pgx/v5"
)

// envDatabaseURL names the environment variable that points the tests at a
// PostgreSQL database, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Every test works
// in a schema of its own, which it drops when it ends.
const envDatabaseURL = "APPCONFIGD_TEST_DATABASE_URL"

// maxOpenStores bounds the stores TestStore keeps open at once, whatever
// -parallel and GOMAXPROCS are, so the suite stays far below the server's
// max_connections (100 by default): each store has at most
// testPoolMaxConns connections, and creating or dropping its schema one
// more.
const maxOpenStores = 8

// testPoolMaxConns is each test store's pool size: enough for a View and an
// Update at once, which storetest's snapshot test needs.
const testPoolMaxConns = 4

// testDatabase returns the URL of the test database. Without one the test
// is skipped, except in CI, which must never skip these tests silently.
func testDatabase(t *testing.T) string {
	t.Helper()
	if dsn := os.Getenv(envDatabaseURL); dsn != "" {
		return dsn
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("%s is not set, but CI is: the PostgreSQL tests must run in CI", envDatabaseURL)
	}
	t.Skipf("%s is not set; skipping PostgreSQL tests", envDatabaseURL)
	return ""
}

// withParams returns dsn with extra connection parameters, in URL or in
// keyword/value form like dsn. The values must need no quoting.
func withParams(t *testing.T, dsn string, params map[string]string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("parse %s: %v", envDatabaseURL, err)
		}
		q := u.Query()
		for k, v := range params {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	var b strings.Builder
	b.WriteString(dsn)
	for k, v := range params {
		fmt.Fprintf(&b, " %s=%s", k, v)
	}
	return b.String()
}

// adminExec runs one statement on a connection of its own to the test
// database.
func adminExec(ctx context.Context, dsn, statement string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, statement)
	return err
}

// newSchema creates an empty schema that is dropped when the test ends, and
// returns its name and a DSN whose search_path selects it.
func newSchema(t *testing.T) (schema, dsn string) {
	t.Helper()
	base := testDatabase(t)
	schema = "appconfigd_test_" + strings.ToLower(rand.Text())
	ident := pgx.Identifier{schema}.Sanitize()
	if err := adminExec(t.Context(), base, "CREATE SCHEMA "+ident); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		// t.Context is done by now.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := adminExec(ctx, base, "DROP SCHEMA "+ident+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema, withParams(t, base, map[string]string{
		"search_path":    schema,
		"pool_max_conns": strconv.Itoa(testPoolMaxConns),
	})
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
	testDatabase(t) // one skip rather than one per subtest
	slots := make(chan struct{}, maxOpenStores)
	storetest.Run(t, func(t *testing.T) appconfigd.Store {
		slots <- struct{}{}
		t.Cleanup(func() { <-slots }) // after the store closes and the schema is dropped
		_, dsn := newSchema(t)
		db, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db // storetest closes it
	})
}
