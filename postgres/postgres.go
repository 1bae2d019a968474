// Package postgres implements [appconfigd.Store] on PostgreSQL through
// github.com/jackc/pgx/v5, so that several appconfigd processes can share
// one database. The store itself, every query included, is package
// internal/sqlstore, shared with package sqlite; this package opens the
// database, runs its transactions, takes its locks, says how PostgreSQL's
// errors read, and listens for changes. Both stores pass the storetest
// suite.
//
// [Open] takes a connection string that pgxpool understands, keyword/value
// or URL, including pgxpool's own settings such as pool_max_conns. The store
// lives in the schema the connection's search_path selects (the first one
// that exists), so one database can hold several stores: set search_path in
// the connection string, as a runtime parameter (search_path=appconfigd) or
// through options (options=-c%20search_path=appconfigd). The schema must
// exist; Open creates the tables in it.
//
// [DB.Update] transactions are serialized across every process sharing the
// store: each begins by taking a transaction-level advisory lock that is
// released when it commits or rolls back. They run at READ COMMITTED, where
// every statement sees everything committed before it, so once the lock is
// held an Update sees every earlier Update, exactly as SQLite's single
// writer does. (REPEATABLE READ would be wrong here: its snapshot would be
// taken by the statement that waits for the lock, before the previous
// holder committed.) The lock is keyed by the schema, so stores in different
// schemas do not wait for each other. [DB.View] transactions are REPEATABLE
// READ READ ONLY: one snapshot, never blocked by writers.
//
// Calling Update from inside Update deadlocks, as with SQLite; so does any
// nesting once the pool has no connection left to give.
//
// Two PostgreSQL habits are hidden so that the store behaves like SQLite's.
// A failed statement aborts a PostgreSQL transaction; each INSERT that may
// fail with EConflict or ENotFound therefore runs inside a savepoint, and
// the transaction stays usable after it. And text columns are COLLATE "C",
// so text compares and sorts by bytes whatever the database's locale.
//
// Times are stored as BIGINT nanoseconds since the Unix epoch, which covers
// the years 1678 to 2262, and come back in UTC; the zero time is stored as
// NULL. PostgreSQL's timestamptz keeps only microseconds.
//
// PostgreSQL text cannot hold NUL characters or invalid UTF-8, which SQLite
// stores. Writing such a string fails with EBadRequest; looking one up finds
// nothing, since nothing stored can equal it.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/sqlstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Advisory lock classes, the first key of the two-key advisory locks this
// package takes; the second key is the OID of the store's schema. The values
// spell "acmg" and "acup" in ASCII, to stand out in pg_locks.
const (
	// lockMigrate serializes migrators, so replicas starting together on an
	// empty schema apply each migration once.
	lockMigrate int32 = 0x61636d67
	// lockUpdate serializes Update transactions.
	lockUpdate int32 = 0x61637570
)

// rollbackTimeout bounds the rollback of a failed transaction, which runs
// even when the caller's context is already done.
const rollbackTimeout = 5 * time.Second

// DB is an appconfigd.Store on one schema of a PostgreSQL database.
type DB struct {
	pool   *pgxpool.Pool
	schema string // the schema search_path selects, for messages
	// lockKey is the second key of the advisory locks: the schema's OID,
	// the same in every process sharing the store.
	lockKey int32
	store   *sqlstore.Store

	// Logger receives the change feed's connection failures; nil
	// discards them.
	Logger *slog.Logger
}

var _ appconfigd.Store = (*DB)(nil)

// Open connects to the database dsn names and applies, in the schema its
// search_path selects, the migrations that schema lacks. Several processes
// may open the same store at once.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgconn redacts the password from the error.
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "appconfigd"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db := &DB{pool: pool}
	db.store = sqlstore.New(dialect, db.begin)
	if err := db.locate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open schema %s: %w", db.schema, err)
	}
	return db, nil
}

// locate finds the schema the store lives in and its OID.
func (db *DB) locate(ctx context.Context) error {
	const q = `SELECT current_setting('search_path'), current_schema(),
		(SELECT oid FROM pg_namespace WHERE nspname = current_schema())`
	var (
		searchPath string
		schema     *string
		oid        *uint32
	)
	if err := db.pool.QueryRow(ctx, q).Scan(&searchPath, &schema, &oid); err != nil {
		return fmt.Errorf("find schema: %w", err)
	}
	if schema == nil || oid == nil {
		return fmt.Errorf("search_path %q names no existing schema; create the schema first", searchPath)
	}
	db.schema = *schema
	db.lockKey = int32(*oid) // an OID is a uint32; the lock key is its bits
	return nil
}

// Close closes every connection. It must not be called while transactions
// run.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Update runs fn in a read-write transaction, committing when fn returns nil
// and rolling back when it returns an error or panics. Update transactions
// are serialized across every process sharing the store. The error fn
// returns is returned as it is; a failure that means the database cannot
// be used (out of reach, out of space; see problem) becomes an
// EUnavailable error that says so.
func (db *DB) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return db.store.Update(ctx, fn)
}

// View runs fn in a read-only transaction that sees one consistent snapshot
// of the store. Writes inside it fail.
func (db *DB) View(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return db.store.View(ctx, fn)
}

// Transaction modes: see the package comment.
var (
	updateMode = pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadWrite}
	viewMode   = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
)

// begin starts a transaction; one that may write first takes the Update
// lock.
func (db *DB) begin(ctx context.Context, write bool) (sqlstore.Txn, error) {
	mode := viewMode
	if write {
		mode = updateMode
	}
	pgTx, err := db.pool.BeginTx(ctx, mode)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin: %w", err)
	}
	t := &txn{tx: pgTx, channel: db.channel()}
	if write {
		if _, err := pgTx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockUpdate, db.lockKey); err != nil {
			t.Rollback(ctx)
			return nil, fmt.Errorf("postgres: take the update lock: %w", err)
		}
	}
	return t, nil
}
