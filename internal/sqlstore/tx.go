package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/appconfigd/appconfigd"
)

// tx is one transaction; it implements appconfigd.Tx. The methods live in
// one file per resource.
type tx struct {
	conn     Conn
	dialect  *Dialect
	readOnly bool
	// wrote is set by every write but those of leases, poll times and
	// action invocations: only then must other processes sharing the
	// store reload (see Txn.Commit).
	wrote bool
	// touched holds the applications whose catalog part the writes
	// changed, and all is set by a write that did not say what it
	// changed (see touching): together what Changes reports.
	touched map[string]struct{}
	all     bool
	// scoped is set while a write method that said what it changes runs.
	scoped bool
}

var _ appconfigd.Tx = (*tx)(nil)

// checkWrite returns an error unless a write may run, and notes that the
// transaction wrote.
func (t *tx) checkWrite() error {
	if t.readOnly {
		return errReadOnly
	}
	t.wrote = true
	if !t.scoped {
		t.all = true
	}
	return nil
}

// touching declares that the write method that calls it changes, of what
// other processes hold in memory, only the catalog part of application
// appID (see appconfigd.StoreChange), or with "" nothing of the catalog.
// A write method that does not call it counts as changing anything, so a
// new one is safe until it says more. Call it as defer t.touching(id)().
func (t *tx) touching(appID string) func() {
	if appID != "" {
		if t.touched == nil {
			t.touched = make(map[string]struct{})
		}
		t.touched[appID] = struct{}{}
	}
	was := t.scoped
	t.scoped = true
	return func() { t.scoped = was }
}

// changes returns what the transaction's writes changed.
func (t *tx) changes() Changes {
	c := Changes{Wrote: t.wrote, All: t.all}
	for id := range t.touched {
		c.Applications = append(c.Applications, id)
	}
	slices.Sort(c.Applications)
	return c
}

// exec runs a statement that writes and returns how many rows it changed.
func (t *tx) exec(ctx context.Context, query string, args ...any) (int64, error) {
	if err := t.checkWrite(); err != nil {
		return 0, err
	}
	return t.conn.Exec(ctx, query, args...)
}

// execOne runs a statement that writes and returns missing() when it
// touched no row.
func (t *tx) execOne(ctx context.Context, missing func() error, query string, args ...any) error {
	n, err := t.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return missing()
	}
	return nil
}

// insert runs an INSERT that may violate a constraint; the transaction
// stays usable when it does.
func (t *tx) insert(ctx context.Context, query string, args ...any) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	return t.conn.Insert(ctx, query, args...)
}

// execBatch runs the write statements of batch in order.
func (t *tx) execBatch(ctx context.Context, batch []Statement) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	return t.conn.ExecBatch(ctx, batch)
}

// queryRow runs a query that returns at most one row.
func (t *tx) queryRow(ctx context.Context, query string, args ...any) Row {
	return t.conn.QueryRow(ctx, query, args...)
}

// count runs a SELECT COUNT(*) query. No row counts as 0: a dialect
// answers no row for an argument that cannot match anything stored.
func (t *tx) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := t.queryRow(ctx, query, args...).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// queryRows runs query and scans every row with scan, which also returns
// the row's paging key.
func queryRows[T any](ctx context.Context, t *tx, query string, args []any, scan func(Row) (T, int64, error)) ([]T, []int64, error) {
	rows, err := t.conn.Query(ctx, query, args...)
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
func findOne[T any](t *tx, row Row, scan func(Row) (T, int64, error), missing func() error, op string) (T, error) {
	item, _, err := scan(row)
	if err != nil {
		var zero T
		if errors.Is(err, sql.ErrNoRows) {
			return zero, missing()
		}
		return zero, fmt.Errorf("%s: %s: %w", t.dialect.Name, op, err)
	}
	return item, nil
}

// queryAll runs query and returns every row scanned with scan.
func queryAll[T any](ctx context.Context, t *tx, query string, args []any, scan func(Row) (T, int64, error)) ([]T, error) {
	items, _, err := queryRows(ctx, t, query, args, scan)
	return items, err
}

// noLimit is the LIMIT of a listing without one: SQLite refuses LIMIT
// NULL and PostgreSQL a negative LIMIT, and both take the largest int64.
const noLimit = math.MaxInt64

// queryPage runs query, whose last placeholder is its LIMIT, and returns one
// page of rows and the cursor of the next page: the key of the page's last
// row, or 0 when no row follows.
func queryPage[T any](ctx context.Context, t *tx, page appconfigd.Page, query string, args []any, scan func(Row) (T, int64, error)) ([]T, int64, error) {
	limit := int64(noLimit)
	if page.Limit > 0 {
		limit = int64(page.Limit) + 1 // one more row tells whether a next page exists
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

// createError maps the error of an INSERT: a duplicate key becomes
// conflict(), a missing parent becomes parent() (when there is a parent),
// an *appconfigd.Error passes as it is, anything else is wrapped with op.
func (t *tx) createError(err error, op string, conflict, parent func() error) error {
	switch {
	case t.dialect.IsDuplicate(err):
		return conflict()
	case parent != nil && t.dialect.IsForeignKey(err):
		return parent()
	}
	return t.wrap(err, op)
}

// wrap adds the dialect's name and op to a database error;
// *appconfigd.Error values pass as they are.
func (t *tx) wrap(err error, op string) error {
	if err == nil {
		return nil
	}
	var e *appconfigd.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("%s: %s: %w", t.dialect.Name, op, err)
}
