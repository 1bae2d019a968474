// Package sqlite implements [appconfigd.Store] on SQLite through the pure-Go
// driver modernc.org/sqlite, so the binary needs no cgo. The store itself,
// every query included, is package internal/sqlstore; this package opens
// the database, runs its transactions, and says how SQLite's errors read.
//
// A database file is opened in WAL mode with foreign keys on, a busy timeout
// and synchronous=NORMAL. Writes go through a pool of exactly one connection
// whose transactions begin with BEGIN IMMEDIATE: [DB.Update] calls are
// serialized in the process, and the write lock is taken up front, so two
// processes sharing the file wait for each other (up to the busy timeout)
// instead of failing with SQLITE_BUSY when a reader upgrades to a writer.
// Reads go through a separate pool of read-only connections, each
// [DB.View] reading one WAL snapshot while writes go on.
//
// The path ":memory:" opens a private in-memory database on a single
// connection shared by reads and writes; there, a View waits for a running
// Update and the other way round. In both modes, calling Update from inside
// Update (or, in memory, View from inside Update) deadlocks.
//
// Times are stored as integer nanoseconds since the Unix epoch, which covers
// the years 1678 to 2262, and come back in UTC; the zero time is stored as
// NULL.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/sqlstore"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeoutMillis is how long a connection waits for a lock held by
// another connection or process before failing with SQLITE_BUSY.
const busyTimeoutMillis = 5000

// readConnections is the size of the read pool of a database file.
const readConnections = 4

// DB is an appconfigd.Store on one SQLite database.
type DB struct {
	path   string
	writer *sql.DB // exactly one connection; BEGIN IMMEDIATE
	reader *sql.DB // read-only connections; the writer itself in memory
	store  *sqlstore.Store
}

var _ appconfigd.Store = (*DB)(nil)

// Open opens the SQLite database at path, creating the file if needed, and
// applies the migrations it lacks. The path ":memory:" opens a private
// in-memory database.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty path")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite: open %s: path must not contain '?'", path)
	}
	db := &DB{path: path}
	db.store = sqlstore.New(dialect, func(ctx context.Context, write bool) (sqlstore.Txn, error) {
		if write {
			return begin(ctx, db.writer, &sql.TxOptions{})
		}
		return begin(ctx, db.reader, &sql.TxOptions{ReadOnly: true})
	})
	memory := path == ":memory:"
	if !memory {
		// A new database is its owner's alone: it holds the token
		// sealing keys. SQLite gives its -wal and -shm files the same
		// mode. An existing file keeps the mode it has.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		switch {
		case err == nil:
			f.Close()
		case !errors.Is(err, fs.ErrExist):
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
	}

	writer, err := sql.Open("sqlite", dsn(path, memory, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One connection serializes writers; it must also never be recycled,
	// since closing the last connection of a :memory: database loses it.
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	db.writer = writer

	if err := db.migrate(ctx); err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	if memory {
		db.reader = writer
		return db, nil
	}
	reader, err := sql.Open("sqlite", dsn(path, memory, true))
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	reader.SetMaxOpenConns(readConnections)
	if err := reader.PingContext(ctx); err != nil {
		_ = reader.Close()
		_ = writer.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	db.reader = reader
	return db, nil
}

// dsn returns the driver's data source name for path. The writer sets WAL
// mode, which is a property of the file and so holds for the readers too.
func dsn(path string, memory, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMillis))
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	switch {
	case readOnly:
		q.Set("_query_only", "on")
	case memory:
		q.Set("_txlock", "immediate")
	default:
		q.Set("_journal_mode", "WAL")
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// Close closes the database. It must not be called while transactions run.
func (db *DB) Close() error {
	var errs []error
	if db.reader != nil && db.reader != db.writer {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close %s: %w", db.path, err)
	}
	return nil
}

// Update runs fn in a read-write transaction, committing when fn returns nil
// and rolling back when it returns an error or panics. Update calls are
// serialized. The error fn returns is returned as it is; a failure that
// means the database cannot be used (a full disk, an I/O error; see
// problem) becomes an EUnavailable error that says so, whether begin, fn
// or commit met it.
func (db *DB) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return db.store.Update(ctx, fn)
}

// View runs fn in a read-only transaction that sees one consistent snapshot
// of the database. Writes inside it fail.
func (db *DB) View(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return db.store.View(ctx, fn)
}
