package postgres

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

// migrate applies, in order, every migration the schema lacks, each in its
// own transaction, and records it in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	list, err := listMigrations()
	if err != nil {
		return err
	}
	for _, m := range list {
		if err := db.apply(ctx, m, list[len(list)-1].version); err != nil {
			return err
		}
	}
	return nil
}

// apply applies m in one transaction unless it has been applied already.
// known is the newest version this program knows. The transaction first
// takes the migration lock, so that of several processes opening the store
// at once one applies m and the others then find it applied; creating
// schema_migrations under the lock too keeps two of them from racing to
// create it.
func (db *DB) apply(ctx context.Context, m migration, known int) error {
	pgTx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer func() {
		// A no-op after Commit.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		_ = pgTx.Rollback(rctx)
	}()

	if _, err := pgTx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockMigrate, db.lockKey); err != nil {
		return fmt.Errorf("migration %s: take the migration lock: %w", m.name, err)
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT   NOT NULL,
		applied_at BIGINT NOT NULL
	)`
	if _, err := pgTx.Exec(ctx, create); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied, done int
	const state = `SELECT COALESCE(MAX(version), 0), COUNT(*) FILTER (WHERE version = $1) FROM schema_migrations`
	if err := pgTx.QueryRow(ctx, state, m.version).Scan(&applied, &done); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if applied > known {
		return fmt.Errorf("database schema version %d is newer than this program's %d", applied, known)
	}
	if done > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrations, "migration/"+m.name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	// Without arguments pgx uses the simple protocol, which runs the
	// file's several statements in one go.
	if _, err := pgTx.Exec(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`
	if _, err := pgTx.Exec(ctx, record, m.version, m.name, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("migration %s: record: %w", m.name, err)
	}
	if err := pgTx.Commit(ctx); err != nil {
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
