package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL error codes this package tells apart; errors are judged by code,
// never by message, which depends on the server's language.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// tx is one transaction; it implements appconfigd.Tx. The methods live in
// one file per resource.
type tx struct {
	pgTx     pgx.Tx
	readOnly bool
	// wrote is set by every write but a lease renewal: only then does
	// the transaction notify the other replicas.
	wrote bool
}

var _ appconfigd.Tx = (*tx)(nil)

// scanner is a pgx.Row or pgx.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// storable reports whether PostgreSQL text can hold every string in args:
// it rejects NUL characters and invalid UTF-8, which SQLite keeps.
func storable(args []any) bool {
	for _, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case []byte, nil:
			continue
		default:
			// Named string types: appconfigd.DeploymentState and the like.
			rv := reflect.ValueOf(a)
			if rv.Kind() != reflect.String {
				continue
			}
			s = rv.String()
		}
		if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// errUnstorable is the error of a write that PostgreSQL text cannot hold.
func errUnstorable() error {
	return appconfigd.Errorf(appconfigd.EBadRequest, "text must be valid UTF-8 without NUL characters")
}

// checkWrite returns an error unless a write with args may run.
func (t *tx) checkWrite(args []any) error {
	if t.readOnly {
		// PostgreSQL would refuse too, but abort the transaction doing so.
		return errors.New("write in a read-only transaction")
	}
	t.wrote = true
	if !storable(args) {
		return errUnstorable()
	}
	return nil
}

// exec runs a statement that writes.
func (t *tx) exec(ctx context.Context, query string, args ...any) (pgconn.CommandTag, error) {
	if err := t.checkWrite(args); err != nil {
		return pgconn.CommandTag{}, err
	}
	return t.pgTx.Exec(ctx, query, args...)
}

// execOne runs a statement that writes and returns missing() when it
// touched no row.
func (t *tx) execOne(ctx context.Context, missing func() error, query string, args ...any) error {
	tag, err := t.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return missing()
	}
	return nil
}

// insertSavepoint names the savepoint insert sets.
const insertSavepoint = "appconfigd_insert"

// insert runs an INSERT that may violate a constraint inside a savepoint.
// A failed statement aborts a whole PostgreSQL transaction, while in SQLite
// it undoes only itself; rolling back to the savepoint keeps that behaviour,
// so a caller may go on after EConflict. SAVEPOINT, INSERT and RELEASE
// travel in one round trip.
func (t *tx) insert(ctx context.Context, query string, args ...any) error {
	if err := t.checkWrite(args); err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`SAVEPOINT ` + insertSavepoint)
	b.Queue(query, args...)
	b.Queue(`RELEASE SAVEPOINT ` + insertSavepoint)
	results := t.pgTx.SendBatch(ctx, b)
	_, errSave := results.Exec()
	_, errInsert := results.Exec()
	_, errRelease := results.Exec()
	errClose := results.Close()
	switch {
	case errSave != nil:
		return errSave
	case errInsert == nil:
		return errors.Join(errRelease, errClose)
	}
	// The server skipped RELEASE after the failed INSERT.
	const undo = `ROLLBACK TO SAVEPOINT ` + insertSavepoint + `; RELEASE SAVEPOINT ` + insertSavepoint
	if _, err := t.pgTx.Exec(ctx, undo); err != nil {
		return errors.Join(errInsert, fmt.Errorf("roll back to savepoint: %w", err))
	}
	return errInsert
}

// execBatch runs the write statements of b in one round trip.
func (t *tx) execBatch(ctx context.Context, b *pgx.Batch) error {
	for _, q := range b.QueuedQueries {
		if err := t.checkWrite(q.Arguments); err != nil {
			return err
		}
	}
	return t.pgTx.SendBatch(ctx, b).Close()
}

// noRow is the row of a lookup that cannot match: its Scan reports no rows.
type noRow struct{}

// Scan implements pgx.Row.
func (noRow) Scan(...any) error { return pgx.ErrNoRows }

// queryRow runs a query that returns at most one row. A string argument
// that PostgreSQL cannot store matches nothing, so it is not sent.
func (t *tx) queryRow(ctx context.Context, query string, args ...any) pgx.Row {
	if !storable(args) {
		return noRow{}
	}
	return t.pgTx.QueryRow(ctx, query, args...)
}

// count runs a SELECT COUNT(*) query.
func (t *tx) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := t.queryRow(ctx, query, args...).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil // an argument that cannot match
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// queryRows runs query and scans every row with scan, which also returns
// the row's paging key. A string argument that PostgreSQL cannot store
// matches nothing.
func queryRows[T any](ctx context.Context, t *tx, query string, args []any, scan func(scanner) (T, int64, error)) ([]T, []int64, error) {
	if !storable(args) {
		return nil, nil, nil
	}
	rows, err := t.pgTx.Query(ctx, query, args...)
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
func findOne[T any](row pgx.Row, scan func(scanner) (T, int64, error), missing func() error, op string) (T, error) {
	item, _, err := scan(row)
	if err != nil {
		var zero T
		if errors.Is(err, pgx.ErrNoRows) {
			return zero, missing()
		}
		return zero, fmt.Errorf("postgres: %s: %w", op, err)
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
	var limit any // LIMIT NULL: no limit
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

// argList collects the arguments of a query built piece by piece.
type argList []any

// add appends v and returns its placeholder.
func (a *argList) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// pgCode returns the PostgreSQL error code of err, "" if it has none.
func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// isDuplicate reports whether err is a primary key or unique constraint
// violation.
func isDuplicate(err error) bool { return pgCode(err) == codeUniqueViolation }

// isForeignKey reports whether err is a foreign key constraint violation:
// a row names a parent that does not exist.
func isForeignKey(err error) bool { return pgCode(err) == codeForeignKeyViolation }

// createError maps the error of an INSERT: a duplicate key becomes
// conflict(), a missing parent becomes parent(), an *appconfigd.Error
// passes as it is, anything else is wrapped with op.
func createError(err error, op string, conflict, parent func() error) error {
	switch {
	case isDuplicate(err):
		return conflict()
	case parent != nil && isForeignKey(err):
		return parent()
	}
	return wrap(err, op)
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
	return fmt.Errorf("postgres: %s: %w", op, err)
}
