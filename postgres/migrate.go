package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/appconfigd/appconfigd/internal/sqlstore"
)

// migrations holds the schema migrations, applied in the order of their
// numeric prefix: migration/0001_init.sql, migration/0002_….sql, …
//
//go:embed migration/*.sql
var migrations embed.FS

// migrate applies, in order, every migration the schema lacks. Each runs in
// a transaction that first takes the migration lock, so that of several
// processes opening the store at once one applies each migration and the
// others then find it applied.
func (db *DB) migrate(ctx context.Context) error {
	return sqlstore.Migrate(ctx, sqlstore.Migrations{
		FS: migrations,
		Table: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT   NOT NULL,
		applied_at BIGINT NOT NULL
	)`,
		Begin: db.beginMigration,
	})
}

// beginMigration starts a transaction holding the migration lock.
func (db *DB) beginMigration(ctx context.Context) (sqlstore.Txn, error) {
	pgTx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	t := &txn{tx: pgTx, channel: db.channel()}
	if _, err := pgTx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockMigrate, db.lockKey); err != nil {
		t.Rollback(ctx)
		return nil, fmt.Errorf("take the migration lock: %w", err)
	}
	return t, nil
}
