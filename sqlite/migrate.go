package sqlite

import (
	"context"
	"embed"

	"github.com/appconfigd/appconfigd/internal/sqlstore"
)

// migrations holds the schema migrations, applied in the order of their
// numeric prefix: migration/0001_init.sql, migration/0002_….sql, …
//
//go:embed migration/*.sql
var migrations embed.FS

// migrate applies, in order, every migration the database lacks. Each runs
// in a transaction of the writer, whose BEGIN IMMEDIATE takes the write
// lock, so processes opening one file at once apply each migration once.
func (db *DB) migrate(ctx context.Context) error {
	return sqlstore.Migrate(ctx, sqlstore.Migrations{
		FS: migrations,
		Table: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	)`,
		Begin: func(ctx context.Context) (sqlstore.Txn, error) { return begin(ctx, db.writer, nil) },
	})
}
