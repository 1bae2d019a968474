package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/appconfigd/appconfigd/internal/sqlstore"
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what SQLite does its own way; the store itself is
// package sqlstore.
var dialect = &sqlstore.Dialect{
	Name:         "sqlite",
	IsDuplicate:  isDuplicate,
	IsForeignKey: isForeignKey,
	Problem:      problem,
	HasPrefix: func(a *sqlstore.Args, column, prefix string) string {
		// substr counts characters in text, bytes in a blob.
		return `substr(CAST(` + column + ` AS BLOB), 1, ` + a.Add(len(prefix)) + `) = ` + a.Add([]byte(prefix))
	},
}

// isDuplicate reports whether err is a primary key or unique constraint
// violation, judged by SQLite's extended result code.
func isDuplicate(err error) bool {
	var e *sqlitedriver.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return true
	}
	return false
}

// isForeignKey reports whether err is a foreign key constraint violation:
// a row names a parent that does not exist.
func isForeignKey(err error) bool {
	var e *sqlitedriver.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// txn is a database/sql transaction as package sqlstore runs it. A failed
// statement undoes only itself in SQLite, so an insert needs no savepoint,
// and a batch is its statements one after the other (there are no round
// trips to save).
type txn struct{ tx *sql.Tx }

// Exec implements sqlstore.Conn.
func (t txn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Insert implements sqlstore.Conn.
func (t txn) Insert(ctx context.Context, query string, args ...any) error {
	_, err := t.tx.ExecContext(ctx, query, args...)
	return err
}

// ExecBatch implements sqlstore.Conn.
func (t txn) ExecBatch(ctx context.Context, batch []sqlstore.Statement) error {
	for _, s := range batch {
		if _, err := t.tx.ExecContext(ctx, s.Query, s.Args...); err != nil {
			return err
		}
	}
	return nil
}

// Query implements sqlstore.Conn.
func (t txn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// QueryRow implements sqlstore.Conn.
func (t txn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return t.tx.QueryRowContext(ctx, query, args...)
}

// Commit implements sqlstore.Txn. One process has nobody to tell about
// changes: a second process sharing the file (appconfigd serve refuses
// one) would not hear them.
func (t txn) Commit(context.Context, sqlstore.Changes) error {
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// Rollback implements sqlstore.Txn.
func (t txn) Rollback(context.Context) { _ = t.tx.Rollback() }

// begin starts a transaction of pool with opts.
func begin(ctx context.Context, pool *sql.DB, opts *sql.TxOptions) (sqlstore.Txn, error) {
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("sqlite: begin: %w", err)
	}
	return txn{tx: tx}, nil
}
