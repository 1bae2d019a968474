package postgres

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/internal/sqlstore"
	"github.com/jackc/pgx/v5"
)

// wantMigrated fails the test unless schema_migrations records exactly the
// embedded migrations, and the tables are in the test's schema.
func wantMigrated(t *testing.T, dsn, schema string) {
	t.Helper()
	embedded, err := sqlstore.ListMigrations(migrations)
	if err != nil {
		t.Fatal(err)
	}
	conn := schemaConn(t, dsn)
	var n, maxVersion int
	err = conn.QueryRow(t.Context(), `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &maxVersion)
	if err != nil {
		t.Fatal(err)
	}
	if want := embedded[len(embedded)-1].Version; n != len(embedded) || maxVersion != want {
		t.Errorf("schema_migrations has %d rows up to version %d, want %d up to %d", n, maxVersion, len(embedded), want)
	}
	var tables int
	err = conn.QueryRow(t.Context(), `SELECT COUNT(*) FROM information_schema.tables
		WHERE table_schema = $1 AND table_name IN ('applications', 'alarms', 'schema_migrations')`, schema).Scan(&tables)
	if err != nil {
		t.Fatal(err)
	}
	if tables != 3 {
		t.Errorf("schema %s has %d of the tables applications, alarms and schema_migrations, want all 3", schema, tables)
	}
}

func TestMigrationsAreAppliedOnce(t *testing.T) {
	schema, dsn := newSchema(t)
	embedded, err := sqlstore.ListMigrations(migrations)
	if err != nil {
		t.Fatal(err)
	}
	if embedded[0].Name != "0001_init.sql" {
		t.Errorf("first migration = %s, want 0001_init.sql", embedded[0].Name)
	}
	for range 3 {
		db, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		_ = db.Close()
		wantMigrated(t, dsn, schema)
	}
}

func TestOpensRacingOnAnEmptySchemaAllSucceed(t *testing.T) {
	schema, dsn := newSchema(t)
	const replicas = 4
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		dbs   [replicas]*DB
		errs  [replicas]error
	)
	for i := range replicas {
		wg.Go(func() {
			<-start
			dbs[i], errs[i] = Open(t.Context(), dsn)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d of %d at once: %v", i+1, replicas, err)
			continue
		}
		_ = dbs[i].Close()
	}
	wantMigrated(t, dsn, schema)
}

func TestOpenRejectsANewerSchema(t *testing.T) {
	_, dsn := newSchema(t)
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	if _, err := schemaConn(t, dsn).Exec(t.Context(), `INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	db, err = Open(t.Context(), dsn)
	if err == nil {
		_ = db.Close()
		t.Fatal("Open of a schema migrated by a newer program succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open: %v, want an error saying the schema is newer", err)
	}
}

func TestOpenRejectsASearchPathWithoutSchema(t *testing.T) {
	dsn := withParams(t, apptest.DatabaseURL(t), map[string]string{"search_path": "appconfigd_test_missing"})
	db, err := Open(t.Context(), dsn)
	if err == nil {
		_ = db.Close()
		t.Fatal("Open with a search_path naming no existing schema succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "no existing schema") {
		t.Errorf("Open: %v, want an error saying the schema does not exist", err)
	}
}

func TestOpenRejectsABadDSN(t *testing.T) {
	apptest.DatabaseURL(t)
	db, err := Open(t.Context(), "postgres://user:secret@127.0.0.1:5432/test?pool_max_conns=zero")
	if err == nil {
		_ = db.Close()
		t.Fatal("Open with an invalid pool_max_conns succeeded, want an error")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("Open: %v, which shows the password", err)
	}
}

func TestStoresInTwoSchemasAreApart(t *testing.T) {
	_, dsn1 := newSchema(t)
	_, dsn2 := newSchema(t)
	a, b := mustOpen(t, dsn1), mustOpen(t, dsn2)
	ctx := t.Context()
	app := &appconfigd.Application{ID: "abc1234", Name: "web"}
	for _, db := range []*DB{a, b} {
		if err := db.Update(ctx, func(tx appconfigd.Tx) error { return tx.CreateApplication(ctx, app) }); err != nil {
			t.Fatalf("creating the same application in another schema: %v", err)
		}
	}
	if a.lockKey == b.lockKey {
		t.Errorf("two schemas share the lock key %d", a.lockKey)
	}
}

// Make sure a canceled context stops Open instead of leaving a half-open
// pool behind.
func TestOpenHonoursACanceledContext(t *testing.T) {
	_, dsn := newSchema(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if db, err := Open(ctx, dsn); err == nil {
		_ = db.Close()
		t.Fatal("Open with a canceled context succeeded, want an error")
	}
}

// Text compares and sorts by bytes, as in SQLite, only if every text column
// has the "C" collation: the database's own may be a locale's, where
// "HighErrorRate" sorts after "arn:…".
func TestTextColumnsCompareBytes(t *testing.T) {
	schema, dsn := newSchema(t)
	mustOpen(t, dsn)
	const q = `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = $1 AND table_name <> 'schema_migrations' AND data_type = 'text'
		AND collation_name IS DISTINCT FROM 'C' ORDER BY 1`
	rows, err := schemaConn(t, dsn).Query(t.Context(), q, schema)
	if err != nil {
		t.Fatal(err)
	}
	columns, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(columns) > 0 {
		t.Errorf("text columns without COLLATE \"C\": %v", columns)
	}
}
