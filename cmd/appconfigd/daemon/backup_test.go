package daemon

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/accesskey"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
)

// newDataDir makes a data directory holding a migrated database, with one
// application named name, and a generated admin key of content key.
func newDataDir(t *testing.T, name, key string) string {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, sqliteFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	execSQL(t, filepath.Join(dir, sqliteFile), `CREATE TABLE marker (name TEXT)`, `INSERT INTO marker VALUES ('`+name+`')`)
	if err := os.WriteFile(filepath.Join(dir, accesskey.GeneratedFileName), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// execSQL runs statements on the SQLite file path.
func execSQL(t *testing.T, path string, statements ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range statements {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// marker reads the name newDataDir stored in the data directory dir.
func marker(t *testing.T, dir string) string {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, sqliteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name string
	if err := db.QueryRow(`SELECT name FROM marker`).Scan(&name); err != nil {
		t.Fatalf("read marker: %v", err)
	}
	return name
}

func TestBackupAndRestore(t *testing.T) {
	t.Parallel()

	t.Run("CarriesTheGeneratedAdminKey", func(t *testing.T) {
		t.Parallel()
		src := newDataDir(t, "original", `{"accessKeyId":"AKIDORIGINAL"}`)
		backup := filepath.Join(t.TempDir(), "b.db")
		if code, _, stderr := runCommand(t, backupCommand, "--data", src, "--to", backup); code != 0 {
			t.Fatalf("backup: exit %d: %s", code, stderr)
		}
		if info, err := os.Stat(backup); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("backup file: %v, mode %v; want mode 0600", err, info.Mode().Perm())
		}
		dst := filepath.Join(t.TempDir(), "new")
		if code, _, stderr := runCommand(t, restoreCommand, "--from", backup, "--data", dst); code != 0 {
			t.Fatalf("restore: exit %d: %s", code, stderr)
		}
		if got := marker(t, dst); got != "original" {
			t.Errorf("restored marker = %q; want original", got)
		}
		key, err := os.ReadFile(filepath.Join(dst, accesskey.GeneratedFileName))
		if err != nil || string(key) != `{"accessKeyId":"AKIDORIGINAL"}` {
			t.Errorf("restored admin key = %q, %v; want the original's", key, err)
		}
	})

	t.Run("ReplacesADatabaseOnlyWithForce", func(t *testing.T) {
		t.Parallel()
		backup := filepath.Join(t.TempDir(), "b.db")
		if code, _, stderr := runCommand(t, backupCommand, "--data", newDataDir(t, "backed-up", "k1"), "--to", backup); code != 0 {
			t.Fatalf("backup: exit %d: %s", code, stderr)
		}
		dst := newDataDir(t, "in-place", "k2")
		code, _, stderr := runCommand(t, restoreCommand, "--from", backup, "--data", dst)
		if code != 1 || !strings.Contains(stderr, "--force") {
			t.Errorf("restore over a database: exit %d, stderr %q; want 1 and a word about --force", code, stderr)
		}
		if got := marker(t, dst); got != "in-place" {
			t.Errorf("after the refused restore the marker is %q; want in-place", got)
		}
		if code, _, stderr := runCommand(t, restoreCommand, "--from", backup, "--data", dst, "--force"); code != 0 {
			t.Fatalf("restore --force: exit %d: %s", code, stderr)
		}
		if got := marker(t, dst); got != "backed-up" {
			t.Errorf("after restore --force the marker is %q; want backed-up", got)
		}
	})

	t.Run("RestoresAPlainCopyOfADatabase", func(t *testing.T) {
		t.Parallel()
		src := newDataDir(t, "copied", "k")
		dst := filepath.Join(t.TempDir(), "new")
		if code, _, stderr := runCommand(t, restoreCommand, "--from", filepath.Join(src, sqliteFile), "--data", dst); code != 0 {
			t.Fatalf("restore of a database file: exit %d: %s", code, stderr)
		}
		if got := marker(t, dst); got != "copied" {
			t.Errorf("restored marker = %q; want copied", got)
		}
		if _, err := os.Stat(filepath.Join(dst, accesskey.GeneratedFileName)); err == nil {
			t.Error("a plain database copy carries no admin key, but one was written")
		}
	})

	refusals := []struct {
		name string
		args func(t *testing.T) []string
		want string
	}{
		{"BackupWithoutTo", func(t *testing.T) []string { return []string{backupCommand, "--data", t.TempDir()} }, "set --to"},
		{"BackupOfNoDatabase", func(t *testing.T) []string {
			return []string{backupCommand, "--data", t.TempDir(), "--to", filepath.Join(t.TempDir(), "b.db")}
		}, "no SQLite database at"},
		{"BackupOverAFile", func(t *testing.T) []string {
			existing := filepath.Join(t.TempDir(), "b.db")
			if err := os.WriteFile(existing, []byte("keep"), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{backupCommand, "--data", newDataDir(t, "x", "k"), "--to", existing}
		}, "exists; name a new file"},
		{"RestoreWithoutFrom", func(t *testing.T) []string { return []string{restoreCommand, "--data", t.TempDir()} }, "set --from"},
		{"RestoreOfNotADatabase", func(t *testing.T) []string {
			junk := filepath.Join(t.TempDir(), "junk")
			if err := os.WriteFile(junk, []byte("not a database at all, just words"), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{restoreCommand, "--from", junk, "--data", t.TempDir()}
		}, "not a SQLite database"},
		{"RestoreOfAnotherDatabase", func(t *testing.T) []string {
			other := filepath.Join(t.TempDir(), "other.db")
			execSQL(t, other, `CREATE TABLE t (x)`)
			return []string{restoreCommand, "--from", other, "--data", t.TempDir()}
		}, "not an appconfigd database"},
		{"RestoreOfANewerSchema", func(t *testing.T) []string {
			dir := newDataDir(t, "future", "k")
			execSQL(t, filepath.Join(dir, sqliteFile), `INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 0)`)
			return []string{restoreCommand, "--from", filepath.Join(dir, sqliteFile), "--data", t.TempDir()}
		}, "schema version 9999 is newer than this program's"},
	}
	for _, tt := range refusals {
		t.Run("Refuses"+tt.name, func(t *testing.T) {
			t.Parallel()
			args := tt.args(t)
			code, _, stderr := runCommand(t, args...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("%v: exit %d, stderr %q; want a failure saying %q", args, code, stderr, tt.want)
			}
			if args[0] == restoreCommand {
				dir := args[len(args)-1]
				if _, err := os.Stat(filepath.Join(dir, sqliteFile)); err == nil {
					t.Errorf("the refused restore left a database in %s", dir)
				}
			}
		})
	}
}

// TestBackupFindsServesDataDirectory checks that backup without --data
// backs up the directory serve would use: its configuration file's data
// setting, or $APPCONFIGD_DATA before it.
func TestBackupFindsServesDataDirectory(t *testing.T) {
	t.Parallel()
	fromFile := newDataDir(t, "from-file", "k")
	fromEnv := newDataDir(t, "from-env", "k")
	config := writeSettings(t, "data: "+fromFile+"\n")
	for _, tt := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"TheFilesData", map[string]string{"APPCONFIGD_CONFIG": config}, "from-file"},
		{"TheVariableBeforeTheFile", map[string]string{"APPCONFIGD_CONFIG": config, "APPCONFIGD_DATA": fromEnv}, "from-env"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			backup := filepath.Join(t.TempDir(), "b.db")
			var stdout, stderr apptest.Buffer
			if code := runBackup(t.Context(), []string{"--to", backup}, getenv(tt.vars), &stdout, &stderr); code != 0 {
				t.Fatalf("backup: exit %d: %s", code, stderr.String())
			}
			dst := filepath.Join(t.TempDir(), "dst")
			if code := runRestore(t.Context(), []string{"--from", backup, "--data", dst}, getenv(nil), &stdout, &stderr); code != 0 {
				t.Fatalf("restore: exit %d: %s", code, stderr.String())
			}
			if got := marker(t, dst); got != tt.want {
				t.Errorf("backed up %q; want %q", got, tt.want)
			}
		})
	}
	t.Run("ABadFileStopsIt", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr apptest.Buffer
		bad := writeSettings(t, "dta: x\n")
		if code := runBackup(t.Context(), []string{"--config", bad, "--to", filepath.Join(t.TempDir(), "b.db")}, getenv(nil), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), `unknown setting "dta"`) {
			t.Errorf("exit %d, stderr %q; want 2 naming the unknown setting", code, stderr.String())
		}
	})
}
