package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/sqlstore"
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// problem reads err as a reason the database cannot be used, judged by
// SQLite's primary result code (the low byte of the extended code): a full
// disk or a file at its max_page_count, an I/O error, a read-only file, a
// file that cannot be opened, or another process that held the lock past
// the busy timeout. It returns "" for anything else: constraint
// violations are the request's fault, corruption is no passing trouble.
func problem(err error) string {
	var e *sqlitedriver.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return sqlstore.ProblemDiskFull
	case sqlite3.SQLITE_IOERR:
		return sqlstore.ProblemIO
	case sqlite3.SQLITE_READONLY:
		return sqlstore.ProblemReadOnly
	case sqlite3.SQLITE_CANTOPEN:
		return sqlstore.ProblemCannotOpen
	case sqlite3.SQLITE_BUSY:
		return sqlstore.ProblemLocked
	}
	return ""
}

// SetMaxPageCount sets the largest number of pages the database may grow
// to and returns the limit now in force. SQLite never lowers the limit
// below the file's current size, so SetMaxPageCount(ctx, 1) freezes the
// file as it is: the next write that needs a new page fails as on a full
// disk. It exists for tests of that case; the setting belongs to the one
// connection that writes, so it holds for every write until changed, and
// is lost when the database is closed.
func (db *DB) SetMaxPageCount(ctx context.Context, pages int64) (int64, error) {
	var limit int64
	q := fmt.Sprintf("PRAGMA max_page_count = %d", pages)
	if err := db.writer.QueryRowContext(ctx, q).Scan(&limit); err != nil {
		return 0, fmt.Errorf("sqlite: set max_page_count: %w", err)
	}
	return limit, nil
}

// spareBytes is how much room CheckSpace wants beside the database file:
// enough for the write-ahead log to take a write of a few dozen pages.
const spareBytes = 256 << 10

// CheckSpace reports, as an EUnavailable error, whether the database lacks
// room to grow: the file has reached its max_page_count, or the disk it
// lives on cannot take spareBytes more. A write that succeeds proves less:
// SQLite writes into free pages and a write-ahead log it reuses, so small
// writes go on for a while on a full disk while larger ones fail. It must
// not be called from inside Update, whose connection it needs.
func (db *DB) CheckSpace(ctx context.Context) error {
	var pages, limit int64
	err := db.writer.QueryRowContext(ctx, `SELECT page_count, max_page_count FROM pragma_page_count(), pragma_max_page_count()`).Scan(&pages, &limit)
	if err != nil {
		return sqlstore.Classify(fmt.Errorf("sqlite: check space: %w", err), true, problem)
	}
	if pages >= limit {
		return sqlstore.Unavailable(fmt.Errorf("sqlite: the database has %d pages, its max_page_count", pages), true, sqlstore.ProblemDiskFull)
	}
	if db.path == ":memory:" {
		return nil
	}
	return checkDisk(filepath.Dir(db.path))
}

// checkDisk writes, syncs and removes a file of spareBytes in dir: the
// one test of free space that holds on every file system, quotas included.
func checkDisk(dir string) error {
	f, err := os.CreateTemp(dir, ".appconfigd-space-*")
	if err == nil {
		_, err = f.Write(make([]byte, spareBytes))
		if err == nil {
			err = f.Sync()
		}
		err = errors.Join(err, f.Close(), os.Remove(f.Name()))
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return sqlstore.Unavailable(err, true, sqlstore.ProblemDiskFull)
	case errors.Is(err, syscall.EROFS), errors.Is(err, os.ErrPermission):
		return sqlstore.Unavailable(err, true, sqlstore.ProblemReadOnly)
	}
	return sqlstore.Unavailable(err, true, sqlstore.ProblemIO)
}

var _ appconfigd.SpaceChecker = (*DB)(nil)
