package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/appconfigd/appconfigd/internal/sqlstore"
)

// backupFilesTable holds, in a backup only, the files of the data
// directory that live beside the database (the generated admin key), so
// that one file restores the whole directory. Restore takes them out.
const backupFilesTable = "appconfigd_backup_files"

// Backup writes a consistent copy of the database at path to dst while
// other processes may be reading and writing it: VACUUM INTO reads one
// snapshot in a read transaction, which in WAL mode neither waits for
// writers nor holds them up. files, by name, are stored in the copy for
// Restore to write back. The copy is written beside dst and renamed into
// place only when complete and checked, so dst is never half-written; dst
// must not exist. The copy is readable by its owner only: it holds the
// token sealing keys.
func Backup(ctx context.Context, path, dst string, files map[string][]byte) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("sqlite: backup: %s exists; name a new file", dst)
	}
	tmp, err := tempPath(dst)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer os.Remove(tmp)
	src, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_busy_timeout="+strconv.Itoa(busyTimeoutMillis))
	if err != nil {
		return fmt.Errorf("sqlite: backup %s: %w", path, err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("sqlite: backup %s: %w", path, err)
	}
	if err := storeFiles(ctx, tmp, files); err != nil {
		return fmt.Errorf("sqlite: backup %s: %w", path, err)
	}
	if _, err := checkDatabase(ctx, tmp); err != nil {
		return fmt.Errorf("sqlite: backup %s: the copy: %w", path, err)
	}
	return install(tmp, dst)
}

// Restore makes the backup at from the database at path, which must not
// be in use, replacing any database there, and returns the files the
// backup holds, by name. It checks the backup (an appconfigd database, not
// corrupt, of a schema this program can open) before it touches path, and
// installs it by a rename, so that a failure leaves path as it was. The
// restored database is migrated to this program's schema when it is next
// opened.
func Restore(ctx context.Context, from, path string) (map[string][]byte, error) {
	tmp, err := tempPath(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: restore: %w", err)
	}
	defer os.Remove(tmp)
	if err := copyFile(from, tmp); err != nil {
		return nil, fmt.Errorf("sqlite: restore: %w", err)
	}
	version, err := checkDatabase(ctx, tmp)
	if err != nil {
		return nil, fmt.Errorf("sqlite: restore %s: %w", from, err)
	}
	known, err := sqlstore.ListMigrations(migrations)
	if err != nil {
		return nil, fmt.Errorf("sqlite: restore: %w", err)
	}
	if latest := known[len(known)-1].Version; version > latest {
		return nil, fmt.Errorf("sqlite: restore %s: its schema version %d is newer than this program's %d; restore it with the appconfigd that made it", from, version, latest)
	}
	files, err := takeFiles(ctx, tmp)
	if err != nil {
		return nil, fmt.Errorf("sqlite: restore %s: %w", from, err)
	}
	// The old database's write-ahead log would be replayed into the new
	// file: remove it first.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("sqlite: restore: %w", err)
		}
	}
	if err := install(tmp, path); err != nil {
		return nil, err
	}
	return files, nil
}

// checkDatabase checks that the file at path is a sound appconfigd
// database and returns its schema version.
func checkDatabase(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return 0, fmt.Errorf("not a SQLite database: %w", err)
	}
	if result != "ok" {
		return 0, fmt.Errorf("the database is corrupt: %s", result)
	}
	var version sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil || !version.Valid {
		return 0, errors.New("not an appconfigd database: it has no schema version")
	}
	return int(version.Int64), nil
}

// storeFiles writes files into the table of backup files of the database
// at path.
func storeFiles(ctx context.Context, path string, files map[string][]byte) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+backupFilesTable+` (name TEXT PRIMARY KEY, content BLOB NOT NULL)`); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, err := db.ExecContext(ctx, `INSERT INTO `+backupFilesTable+` VALUES (?, ?)`, name, files[name]); err != nil {
			return err
		}
	}
	return db.Close()
}

// takeFiles reads and drops the table of backup files of the database at
// path, if it has one.
func takeFiles(ctx context.Context, path string) (map[string][]byte, error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	files := map[string][]byte{}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, backupFilesTable).Scan(&tables); err != nil {
		return nil, err
	}
	if tables == 0 {
		return files, db.Close() // a database copied by other means
	}
	rows, err := db.QueryContext(ctx, `SELECT name, content FROM `+backupFilesTable)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name string
		var content []byte
		if err := rows.Scan(&name, &content); err != nil {
			rows.Close()
			return nil, err
		}
		files[name] = content
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if _, err := db.ExecContext(ctx, `DROP TABLE `+backupFilesTable); err != nil {
		return nil, err
	}
	return files, db.Close()
}

// tempPath returns a new file name in dst's directory, for a file to be
// renamed to dst.
func tempPath(dst string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return "", err
	}
	name := f.Name()
	f.Close()
	// VACUUM INTO refuses a file that exists and is not empty; an empty
	// one is fine, and keeps the name ours.
	return name, nil
}

// copyFile copies the file from to the existing file to, streaming: a
// database may be larger than memory.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// install makes tmp the file dst: owner-only, synced, then renamed, with
// the directory synced so the rename survives a crash.
func install(tmp, dst string) error {
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	f.Close()
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	if dir, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return nil
}
