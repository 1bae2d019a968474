package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Migrations is a dialect's schema history: its migration files, each
// applied once in the order of its numeric prefix (migration/0001_init.sql,
// migration/0002_….sql, …) and recorded in the table schema_migrations.
type Migrations struct {
	// FS holds the files, as migration/*.sql.
	FS fs.FS
	// Table is the dialect's CREATE TABLE IF NOT EXISTS statement of
	// schema_migrations (version, name, applied_at).
	Table string
	// Begin starts the transaction that applies one migration. It waits
	// for every other process migrating the same store (SQLite: the
	// write lock; PostgreSQL: an advisory lock), so that of several
	// processes opening an empty store at once one applies each
	// migration and the others find it applied. Its errors say what
	// failed ("begin: …").
	Begin func(ctx context.Context) (Txn, error)
}

// Migration is one migration file.
type Migration struct {
	Version int
	Name    string // the file's base name
}

// Migrate applies, in order, every migration the store lacks, each in its
// own transaction, and refuses a store that a newer program migrated.
func Migrate(ctx context.Context, m Migrations) error {
	list, err := ListMigrations(m.FS)
	if err != nil {
		return err
	}
	for _, mig := range list {
		if err := apply(ctx, m, mig, list[len(list)-1].Version); err != nil {
			return err
		}
	}
	return nil
}

// apply applies mig in one transaction unless it has been applied already.
// known is the newest version this program knows. Creating
// schema_migrations inside the transaction keeps two processes from racing
// to create it.
func apply(ctx context.Context, m Migrations, mig Migration, known int) error {
	txn, err := m.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migration %s: %w", mig.Name, err)
	}
	defer txn.Rollback(ctx) // a no-op after Commit

	if _, err := txn.Exec(ctx, m.Table); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied, done int
	const state = `SELECT COALESCE(MAX(version), 0), COUNT(CASE WHEN version = $1 THEN 1 END) FROM schema_migrations`
	if err := txn.QueryRow(ctx, state, mig.Version).Scan(&applied, &done); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if applied > known {
		return fmt.Errorf("database schema version %d is newer than this program's %d", applied, known)
	}
	if done > 0 {
		return nil
	}
	body, err := fs.ReadFile(m.FS, "migration/"+mig.Name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", mig.Name, err)
	}
	// Without arguments both drivers run the file's several statements
	// in one go (pgx through the simple protocol).
	if _, err := txn.Exec(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", mig.Name, err)
	}
	const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`
	if _, err := txn.Exec(ctx, record, mig.Version, mig.Name, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("migration %s: record: %w", mig.Name, err)
	}
	if err := txn.Commit(ctx, Changes{}); err != nil {
		return fmt.Errorf("migration %s: %w", mig.Name, err)
	}
	return nil
}

// ListMigrations returns the migrations in fsys by ascending version.
func ListMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migration/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	list := make([]Migration, 0, len(names))
	for _, name := range names {
		base := path.Base(name)
		digits, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(digits)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", base)
		}
		list = append(list, Migration{Version: version, Name: base})
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("no migrations embedded")
	}
	slices.SortFunc(list, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(list); i++ {
		if list[i].Version == list[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", list[i-1].Name, list[i].Name, list[i].Version)
		}
	}
	return list, nil
}
