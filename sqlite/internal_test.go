package sqlite

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/internal/sqlstore"
)

// openTemp opens a database in a temporary file and closes it when the
// test ends.
func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "appconfigd.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func pragma(t *testing.T, pool *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := pool.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestPragmasOfEveryConnection(t *testing.T) {
	db := openTemp(t)
	for pool, p := range map[string]*sql.DB{"writer": db.writer, "reader": db.reader} {
		for name, want := range map[string]string{
			"journal_mode": "wal",
			"foreign_keys": "1",
			"synchronous":  "1", // NORMAL
			"busy_timeout": "5000",
		} {
			if got := pragma(t, p, name); got != want {
				t.Errorf("%s: PRAGMA %s = %q, want %q", pool, name, got, want)
			}
		}
	}
	if got, want := pragma(t, db.reader, "query_only"), "1"; got != want {
		t.Errorf("reader: PRAGMA query_only = %q, want %q", got, want)
	}
}

func TestMigrationsAreAppliedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appconfigd.db")
	embedded, err := sqlstore.ListMigrations(migrations)
	if err != nil {
		t.Fatal(err)
	}
	if embedded[0].Name != "0001_init.sql" {
		t.Errorf("first migration = %s, want 0001_init.sql", embedded[0].Name)
	}
	for range 3 {
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		var n, maxVersion int
		err = db.writer.QueryRowContext(t.Context(), `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &maxVersion)
		_ = db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n != len(embedded) || maxVersion != embedded[len(embedded)-1].Version {
			t.Fatalf("schema_migrations has %d rows up to version %d, want %d up to %d",
				n, maxVersion, len(embedded), embedded[len(embedded)-1].Version)
		}
	}
}

func TestOpenRejectsANewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appconfigd.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(t.Context(), `INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	db, err = Open(t.Context(), path)
	if err == nil {
		_ = db.Close()
		t.Fatal("Open of a database migrated by a newer program succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open: %v, want an error saying the schema is newer", err)
	}
}

func TestConstraintViolationsAreToldApartByCode(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	insert := func(q string, args ...any) error {
		_, err := db.writer.ExecContext(ctx, q, args...)
		return err
	}
	if err := insert(`INSERT INTO applications (id, name, description) VALUES ('a', 'n', '')`); err != nil {
		t.Fatal(err)
	}
	unique := insert(`INSERT INTO applications (id, name, description) VALUES ('a', 'n', '')`)
	primary := insert(`INSERT INTO sealing_keys (id, secret) VALUES (1, x'00'), (1, x'01')`)
	foreign := insert(`INSERT INTO environments (application_id, id, name, description, monitors) VALUES ('none', 'e', 'n', '', 'null')`)
	notNull := insert(`INSERT INTO applications (id, name, description) VALUES ('b', NULL, '')`)
	for _, tc := range []struct {
		name               string
		err                error
		duplicate, foreign bool
	}{
		{"unique", unique, true, false},
		{"primary key", primary, true, false},
		{"foreign key", foreign, false, true},
		{"not null", notNull, false, false},
		{"no error", nil, false, false},
		{"other error", errors.New("UNIQUE constraint failed"), false, false},
	} {
		if got := isDuplicate(tc.err); got != tc.duplicate {
			t.Errorf("%s: isDuplicate(%v) = %v, want %v", tc.name, tc.err, got, tc.duplicate)
		}
		if got := isForeignKey(tc.err); got != tc.foreign {
			t.Errorf("%s: isForeignKey(%v) = %v, want %v", tc.name, tc.err, got, tc.foreign)
		}
	}
}

func TestANewDatabaseIsItsOwnersAlone(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "appconfigd.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range []string{path, path + "-wal"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %v; want 0600 (it holds the sealing keys)", filepath.Base(p), mode)
		}
	}
}
