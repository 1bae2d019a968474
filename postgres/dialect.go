package postgres

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/sqlstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL error codes this package tells apart; errors are judged by code,
// never by message, which depends on the server's language.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// dialect is what PostgreSQL does its own way; the store itself is
// package sqlstore.
var dialect = &sqlstore.Dialect{
	Name:         "postgres",
	IsDuplicate:  isDuplicate,
	IsForeignKey: isForeignKey,
	Problem:      problem,
	HasPrefix: func(a *sqlstore.Args, column, prefix string) string {
		// Stored text is valid UTF-8, so starts_with under the columns'
		// "C" collation is a byte prefix match, with no wildcards.
		return `starts_with(` + column + `, ` + a.Add(prefix) + `)`
	},
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

// txn is a pgx transaction as package sqlstore runs it. It hides two
// PostgreSQL habits so that the store behaves as on SQLite: a write of
// text PostgreSQL cannot hold fails with EBadRequest, and a lookup of such
// text matches nothing without being sent; a failed INSERT does not abort
// the transaction (see Insert).
type txn struct {
	tx pgx.Tx
	// channel is the store's NOTIFY channel.
	channel string
}

// Exec implements sqlstore.Conn.
func (t *txn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if !storable(args) {
		return 0, errUnstorable()
	}
	tag, err := t.tx.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

// insertSavepoint names the savepoint Insert sets.
const insertSavepoint = "appconfigd_insert"

// Insert implements sqlstore.Conn: it runs the INSERT inside a savepoint.
// A failed statement aborts a whole PostgreSQL transaction, while in SQLite
// it undoes only itself; rolling back to the savepoint keeps that behaviour,
// so a caller may go on after EConflict. SAVEPOINT, INSERT and RELEASE
// travel in one round trip.
func (t *txn) Insert(ctx context.Context, query string, args ...any) error {
	if !storable(args) {
		return errUnstorable()
	}
	b := &pgx.Batch{}
	b.Queue(`SAVEPOINT ` + insertSavepoint)
	b.Queue(query, args...)
	b.Queue(`RELEASE SAVEPOINT ` + insertSavepoint)
	results := t.tx.SendBatch(ctx, b)
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
	if _, err := t.tx.Exec(ctx, undo); err != nil {
		return errors.Join(errInsert, fmt.Errorf("roll back to savepoint: %w", err))
	}
	return errInsert
}

// ExecBatch implements sqlstore.Conn: the statements travel in one round
// trip.
func (t *txn) ExecBatch(ctx context.Context, batch []sqlstore.Statement) error {
	b := &pgx.Batch{}
	for _, s := range batch {
		if !storable(s.Args) {
			return errUnstorable()
		}
		b.Queue(s.Query, s.Args...)
	}
	return t.tx.SendBatch(ctx, b).Close()
}

// Query implements sqlstore.Conn. A string argument that PostgreSQL
// cannot store matches nothing, so it is not sent.
func (t *txn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	if !storable(args) {
		return noRows{}, nil
	}
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgRows{rows}, nil
}

// QueryRow implements sqlstore.Conn. A string argument that PostgreSQL
// cannot store matches nothing, so it is not sent.
func (t *txn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	if !storable(args) {
		return noRow{}
	}
	return t.tx.QueryRow(ctx, query, args...)
}

// Commit implements sqlstore.Txn. A transaction that changed something
// first sends a NOTIFY on the store's channel, which PostgreSQL delivers
// to the listeners (see DB.Listen) only if the transaction commits. Its
// payload says what changed (see notifyPayload).
func (t *txn) Commit(ctx context.Context, changes sqlstore.Changes) error {
	if changes.Wrote {
		if _, err := t.tx.Exec(ctx, `SELECT pg_notify($1, $2)`, t.channel, notifyPayload(changes)); err != nil {
			return fmt.Errorf("postgres: notify: %w", err)
		}
	}
	if err := t.tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// maxPayload bounds a NOTIFY payload, under PostgreSQL's 8000 bytes.
const maxPayload = 7000

// noCatalogChange is the payload of a change to nothing the catalog holds.
const noCatalogChange = "-"

// notifyPayload returns the NOTIFY payload that tells listeners what a
// transaction changed: the IDs of the applications whose catalog part it
// changed, comma-separated; noCatalogChange for none; empty for anything
// (a change it cannot describe, IDs longer than maxPayload, or an ID the
// payload cannot carry: empty, noCatalogChange, or holding a comma, which
// would read back as other IDs), which is also what a listener makes of a
// payload it does not understand (parsePayload).
func notifyPayload(c sqlstore.Changes) string {
	if c.All {
		return ""
	}
	if len(c.Applications) == 0 {
		return noCatalogChange
	}
	for _, id := range c.Applications {
		if id == "" || id == noCatalogChange || strings.Contains(id, ",") {
			return ""
		}
	}
	p := strings.Join(c.Applications, ",")
	if len(p) > maxPayload {
		return ""
	}
	return p
}

// parsePayload reads a payload of notifyPayload.
func parsePayload(p string) appconfigd.StoreChange {
	switch p {
	case "":
		return appconfigd.StoreChange{All: true}
	case noCatalogChange:
		return appconfigd.StoreChange{}
	}
	return appconfigd.StoreChange{Applications: strings.Split(p, ",")}
}

// Rollback implements sqlstore.Txn. It runs even if ctx is done, so the
// connection goes back to the pool clean instead of being closed.
func (t *txn) Rollback(ctx context.Context) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	_ = t.tx.Rollback(rctx)
}

// pgRows gives pgx.Rows the Close of *sql.Rows.
type pgRows struct{ pgx.Rows }

// Close implements sqlstore.Rows.
func (r pgRows) Close() error {
	r.Rows.Close()
	return nil
}

// noRows is the result of a query that cannot match.
type noRows struct{}

func (noRows) Next() bool        { return false }
func (noRows) Scan(...any) error { return pgx.ErrNoRows }
func (noRows) Err() error        { return nil }
func (noRows) Close() error      { return nil }

// noRow is the row of a lookup that cannot match: its Scan reports no rows.
type noRow struct{}

// Scan implements sqlstore.Row.
func (noRow) Scan(...any) error { return pgx.ErrNoRows }
