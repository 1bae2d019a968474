package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/appconfigd/appconfigd"
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// tx is one transaction; it implements appconfigd.Tx. The methods live in
// one file per resource.
type tx struct {
	sqlTx    *sql.Tx
	readOnly bool
}

var _ appconfigd.Tx = (*tx)(nil)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// exec runs a statement that writes.
func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.readOnly {
		return nil, errors.New("write in a read-only transaction")
	}
	return t.sqlTx.ExecContext(ctx, query, args...)
}

// execOne runs a statement that writes and returns missing() when it
// touched no row.
func (t *tx) execOne(ctx context.Context, missing func() error, query string, args ...any) error {
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return missing()
	}
	return nil
}

// count runs a SELECT COUNT(*) query.
func (t *tx) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	if err := t.sqlTx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// queryRows runs query and scans every row with scan, which also returns
// the row's paging key.
func queryRows[T any](ctx context.Context, t *tx, query string, args []any, scan func(scanner) (T, int64, error)) ([]T, []int64, error) {
	rows, err := t.sqlTx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var (
		items []T
		keys  []int64
	)
	for rows.Next() {
		item, key, err := scan(rows)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, item)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	return items, keys, nil
}

// findOne scans the single row of a lookup, returning missing() when there
// is none.
func findOne[T any](row *sql.Row, scan func(scanner) (T, int64, error), missing func() error, op string) (T, error) {
	item, _, err := scan(row)
	if err != nil {
		var zero T
		if errors.Is(err, sql.ErrNoRows) {
			return zero, missing()
		}
		return zero, fmt.Errorf("sqlite: %s: %w", op, err)
	}
	return item, nil
}

// queryAll runs query and returns every row scanned with scan.
func queryAll[T any](ctx context.Context, t *tx, query string, args []any, scan func(scanner) (T, int64, error)) ([]T, error) {
	items, _, err := queryRows(ctx, t, query, args, scan)
	return items, err
}

// queryPage runs query, whose last placeholder is its LIMIT, and returns one
// page of rows and the cursor of the next page: the key of the page's last
// row, or 0 when no row follows.
func queryPage[T any](ctx context.Context, t *tx, page appconfigd.Page, query string, args []any, scan func(scanner) (T, int64, error)) ([]T, int64, error) {
	limit := -1 // no limit
	if page.Limit > 0 {
		limit = page.Limit + 1 // one more row tells whether a next page exists
	}
	items, keys, err := queryRows(ctx, t, query, append(args, limit), scan)
	if err != nil {
		return nil, 0, err
	}
	if page.Limit > 0 && len(items) > page.Limit {
		return items[:page.Limit], keys[page.Limit-1], nil
	}
	return items, 0, nil
}

// before returns the bound of a descending listing: rows with keys below
// it follow cursor, and every row follows the cursor 0 of the first page.
func before(cursor int64) int64 {
	if cursor <= 0 {
		return math.MaxInt64
	}
	return cursor
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

// createError maps the error of an INSERT: a duplicate key becomes
// conflict(), a missing parent becomes parent(), anything else is wrapped
// with op.
func createError(err error, op string, conflict, parent func() error) error {
	switch {
	case isDuplicate(err):
		return conflict()
	case parent != nil && isForeignKey(err):
		return parent()
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// wrap adds op to a database error; *appconfigd.Error values pass as they
// are.
func wrap(err error, op string) error {
	if err == nil {
		return nil
	}
	var e *appconfigd.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}
