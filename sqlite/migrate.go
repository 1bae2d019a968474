package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// migrations holds the schema migrations, applied in the order of their
// numeric prefix: migration/0001_init.sql, migration/0002_….sql, …
//
//go:embed migration/*.sql
var migrations embed.FS

// migration is one schema migration file.
type migration struct {
	version int
	name    string
}

// migrate applies, in order, every migration the database lacks, each in
// its own transaction, and records it in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	)`
	if _, err := db.writer.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	list, err := listMigrations()
	if err != nil {
		return err
	}
	var applied int
	if err := db.writer.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&applied); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if known := list[len(list)-1].version; applied > known {
		return fmt.Errorf("database schema version %d is newer than this program's %d", applied, known)
	}
	for _, m := range list {
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// apply applies m in one transaction unless it has been applied already.
func (db *DB) apply(ctx context.Context, m migration) error {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer func() { _ = sqlTx.Rollback() }()

	var n int
	if err := sqlTx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrations, "migration/"+m.name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := sqlTx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
	if _, err := sqlTx.ExecContext(ctx, record, m.version, m.name, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("migration %s: record: %w", m.name, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}

// listMigrations returns the embedded migrations by ascending version.
func listMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migration/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	list := make([]migration, 0, len(names))
	for _, name := range names {
		base := path.Base(name)
		digits, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(digits)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", base)
		}
		list = append(list, migration{version: version, name: base})
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("no migrations embedded")
	}
	slices.SortFunc(list, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(list); i++ {
		if list[i].version == list[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", list[i-1].name, list[i].name, list[i].version)
		}
	}
	return list, nil
}
