package agent

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// backupModTime returns the modification time of the only backup in dir.
func backupModTime(t *testing.T, dir string) time.Time {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"+backupSuffix))
	if err != nil || len(files) != 1 {
		t.Fatalf("backups in %s = %v (%v); want one", dir, files, err)
	}
	fi, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}

func TestBackupName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 128)
	tests := []struct {
		name string
		key  Key
		want string
	}{
		{"Plain", Key{"app", "env", "profile"}, "app:env:profile.backup"},
		{"Slash", Key{"test-backend/test-service", "prod", "flags"}, "test-backend%2Ftest-service:prod:flags.backup"},
		{"Colon", Key{"a:b", "env", "p"}, "a%3Ab:env:p.backup"},
		{"Percent", Key{"a%2F", "env", "p"}, "a%252F:env:p.backup"},
		{"Dots", Key{"..", ".", "p.json"}, "..:.:p.json.backup"},
		{"Unicode", Key{"café", "env", "p"}, "caf%C3%A9:env:p.backup"},
		{"Long", Key{long, long, long}, ""},
	}
	seen := make(map[string]string)
	for _, tt := range tests {
		got := backupName(tt.key)
		if tt.want != "" && got != tt.want {
			t.Errorf("%s: backupName(%q) = %q; want %q", tt.name, tt.key.String(), got, tt.want)
		}
		if len(got) > 255 || strings.ContainsAny(got, "/\x00") || got == "."+backupSuffix {
			t.Errorf("%s: backupName(%q) = %q is not a safe file name", tt.name, tt.key.String(), got)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("%s and %s share backup name %q", tt.name, other, got)
		}
		seen[got] = tt.name
	}
}

// TestBackupRoundTrip: a backup is written atomically with mode 0600 and
// reads back as the same configuration.
func TestBackupRoundTrip(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "backups")
	b := &backupStore{dir: dir}
	k := Key{"a/b", "env", "p"}
	want := newSnapshot([]byte("hello"), "text/plain", "label", "7")
	if err := b.save(k, want); err != nil {
		t.Fatalf("save: %v", err)
	}
	if err := b.save(k, want); err != nil {
		t.Fatalf("save again: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("backup directory holds %v (%v); want only the backup", entries, err)
	}
	fi, err := entries[0].Info()
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("backup mode = %v; want 0600", mode)
	}
	got, err := b.load(k)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if string(got.content) != "hello" || got.contentType != "text/plain" || got.versionLabel != "label" || got.serverVersion != "7" {
		t.Errorf("load = %+v; want %+v", got, want)
	}
	all, errs := b.loadAll()
	if len(errs) != 0 || len(all) != 1 || all[k] == nil {
		t.Errorf("loadAll = %v, %v; want the one backup", all, errs)
	}
	if _, err := b.load(Key{"x", "y", "z"}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("load of a missing backup = %v; want os.ErrNotExist", err)
	}
}

// TestPreloadBackups: a new agent with the same BACKUP_DIRECTORY serves
// the backup while the service does not answer: at once when
// PRELOAD_BACKUPS is true, once the first call has failed when false.
func TestPreloadBackups(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		preload  bool
		wantWait time.Duration
	}{
		{"Preload", true, 0},
		{"OnFailure", false, DefaultRequestTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			cfg.BackupDirectory = t.TempDir()
			cfg.PreloadBackups = tt.preload
			synctest.Test(t, func(t *testing.T) {
				svc := deployedService(v1)
				first := startAgent(t, cfg, svc)
				checkBody(t, first.get(t, testPath), v1.content)
			})
			synctest.Test(t, func(t *testing.T) {
				svc := newFakeService(testKey)
				svc.setHang(true)
				second := startAgent(t, cfg, svc)
				start := time.Now()
				w := second.get(t, testPath)
				if took := time.Since(start); took != tt.wantWait {
					t.Errorf("answered after %v; want %v", took, tt.wantWait)
				}
				checkBody(t, w, v1.content)
				for h, want := range map[string]string{"Content-Type": "application/json", "Configuration-Version": "1", "Version-Label": "one"} {
					if got := w.Header().Get(h); got != want {
						t.Errorf("%s = %q; want %q", h, got, want)
					}
				}
			})
		})
	}
}

// TestPreloadThenService: a preloaded backup is replaced by what the
// service serves once it answers.
func TestPreloadThenService(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := (&backupStore{dir: dir}).save(testKey, newSnapshot([]byte(v1.content), v1.contentType, v1.label, v1.version)); err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		svc := deployedService(v2)
		svc.setHang(true)
		cfg := DefaultConfig()
		cfg.BackupDirectory = dir
		a := startAgent(t, cfg, svc)
		checkBody(t, a.get(t, testPath), v1.content)
		svc.setHang(false)
		time.Sleep(cfg.RequestTimeout + firstRetry)
		synctest.Wait()
		checkBody(t, a.get(t, testPath), v2.content)
	})
	got, err := (&backupStore{dir: dir}).load(testKey)
	if err != nil || string(got.content) != v2.content {
		t.Errorf("backup after the service answered = %v, %v; want %s", got, err, v2.content)
	}
}

// TestBackupBroken: a backup file that cannot be read is skipped.
func TestBackupBroken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x:y:z"+backupSuffix), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		svc := newFakeService()
		cfg := DefaultConfig()
		cfg.BackupDirectory = dir
		a := startAgent(t, cfg, svc)
		checkStatus(t, a.get(t, "/applications/x/environments/y/configurations/z"), http.StatusNotFound)
	})
}
