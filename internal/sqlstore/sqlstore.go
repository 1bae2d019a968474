// Package sqlstore is appconfigd's one SQL store: every [appconfigd.Tx]
// method, the transaction runner of [appconfigd.Store] and the migration
// runner, written once for the packages sqlite and postgres, which supply
// what their database does its own way through a small seam:
//
//   - a [Dialect]: the name that prefixes errors, how to tell a duplicate
//     key and a missing parent from the driver's error, which driver errors
//     mean the database cannot be used ([Classify]), and the one condition
//     the two write differently (a byte-prefix match);
//   - a [Txn], the driver's transaction behind a few methods (Exec, Insert,
//     ExecBatch, Query, QueryRow, Commit, Rollback), begun by the dialect's
//     Begin function: that is where SQLite picks its single writer
//     connection or a reader, PostgreSQL takes its advisory lock, guards
//     against text it cannot hold, runs inserts in savepoints, batches
//     statements into one round trip and sends NOTIFY before committing;
//   - the dialect's migration files, applied by [Migrate].
//
// The SQL is written once, in the subset both databases understand, with
// PostgreSQL's $1, $2, … placeholders: modernc.org/sqlite binds a $N
// parameter to the N-th argument as PostgreSQL does (a placeholder may be
// used twice). Both schemas store the same values: times as integer
// nanoseconds since the Unix epoch (NULL for the zero time; both cover
// the years 1678 to 2262, where PostgreSQL's timestamptz would keep only
// microseconds), the monitors and validators of environments and
// profiles as JSON text, and text that compares by bytes (SQLite's
// default, "C" collation on PostgreSQL).
package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/appconfigd/appconfigd"
)

// Dialect is what a database does its own way above the driver.
type Dialect struct {
	// Name prefixes the store's errors: "sqlite", "postgres".
	Name string
	// IsDuplicate reports whether err is a primary key or unique
	// constraint violation, and IsForeignKey whether it is a foreign key
	// violation (a row names a parent that does not exist). Both judge
	// by the driver's error code, never by the message.
	IsDuplicate, IsForeignKey func(err error) bool
	// Problem reads a driver error as a reason the database cannot be
	// used, one of the Problem constants, or "" (see [Classify]).
	Problem func(err error) string
	// HasPrefix returns the condition that the text column starts with
	// prefix, byte for byte and without wildcards, adding its arguments
	// to a.
	HasPrefix func(a *Args, column, prefix string) string
}

// Row is one result row: a *sql.Row, a pgx.Row, or a row of [Rows]. Scan
// returns an error that is [database/sql.ErrNoRows] (errors.Is) when there
// is no row.
type Row interface {
	Scan(dest ...any) error
}

// Rows is the result of a query, read as *sql.Rows is.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Statement is one statement of a batch.
type Statement struct {
	Query string
	Args  []any
}

// Conn runs statements in one transaction of the driver. The store checks
// that a write is allowed (not in a read-only transaction) before it calls
// a method that writes.
type Conn interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Insert runs an INSERT that may violate a constraint. The
	// transaction must stay usable after the violation, as it does in
	// SQLite, so that a caller may go on after EConflict.
	Insert(ctx context.Context, query string, args ...any) error
	// ExecBatch runs statements in order, stopping at the first error.
	ExecBatch(ctx context.Context, batch []Statement) error
	// Query runs a query that returns rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// QueryRow runs a query that returns at most one row.
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Txn is a transaction of the driver.
type Txn interface {
	Conn
	// Commit commits. changes says what the transaction wrote that
	// other processes sharing the store must reload; the error says what
	// failed, with the dialect's name.
	Commit(ctx context.Context, changes Changes) error
	// Rollback ends the transaction without keeping what it wrote. It
	// must work even when ctx is done, so the connection goes back to
	// its pool clean.
	Rollback(ctx context.Context)
}

// Store runs the transactions of one database; the packages sqlite and
// postgres implement [appconfigd.Store] with it.
type Store struct {
	dialect *Dialect
	// begin starts a transaction: one that may write, serialized with
	// every other such transaction of the store, or a read-only one that
	// sees one snapshot. Its errors say what failed, with the dialect's
	// name.
	begin func(ctx context.Context, write bool) (Txn, error)
}

// New returns the Store of a database of dialect d whose transactions
// begin starts.
func New(d *Dialect, begin func(ctx context.Context, write bool) (Txn, error)) *Store {
	return &Store{dialect: d, begin: begin}
}

// Update runs fn in a read-write transaction, committing when fn returns
// nil and rolling back when it returns an error or panics. The error fn
// returns is returned as it is; a failure that means the database cannot
// be used becomes EUnavailable (see [Classify]).
func (s *Store) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return Classify(s.run(ctx, true, fn), true, s.dialect.Problem)
}

// View runs fn in a read-only transaction that sees one consistent
// snapshot. Writes inside it fail without reaching the database.
func (s *Store) View(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return Classify(s.run(ctx, false, fn), false, s.dialect.Problem)
}

// run runs fn in a transaction.
func (s *Store) run(ctx context.Context, write bool, fn func(tx appconfigd.Tx) error) error {
	// A done context must not run fn, even when a connection is idle.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: begin: %w", s.dialect.Name, err)
	}
	txn, err := s.begin(ctx, write)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		// Covers an error return and a panic alike; the panic goes on.
		if !committed {
			txn.Rollback(ctx)
		}
	}()
	t := &tx{conn: txn, dialect: s.dialect, readOnly: !write}
	if err := fn(t); err != nil {
		return err
	}
	if err := txn.Commit(ctx, t.changes()); err != nil {
		return err
	}
	committed = true
	return nil
}

// Changes is what a transaction wrote that other processes sharing the
// store must reload.
type Changes struct {
	// Wrote is set when the transaction wrote anything but leases, poll
	// times, action invocations and fleet sketches; without it the
	// others need not hear of the transaction at all.
	Wrote bool
	// All is set when it wrote something other than the catalog parts
	// of Applications and what the catalog does not hold (a sealing key,
	// or a write that does not say what it changes).
	All bool
	// Applications are the IDs, sorted, of the applications whose
	// catalog part it changed (see appconfigd.StoreChange).
	Applications []string
}

// Args collects the arguments of a query built piece by piece.
type Args []any

// Add appends v and returns its placeholder.
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// errReadOnly is the error of a write in a View. The store refuses it
// itself: PostgreSQL would refuse too, but abort the transaction doing so.
var errReadOnly = errors.New("write in a read-only transaction")
