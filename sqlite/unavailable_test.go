package sqlite_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	sqlitedriver "modernc.org/sqlite"
)

// A database that cannot grow, as on a full disk, answers writes that need
// space with an EUnavailable error that says so and keeps SQLite's error
// for the log; raising the limit brings writes back without reopening.
func TestAFullDiskIsReportedAsUnavailable(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "appconfigd.db"))
	ctx := t.Context()
	// Longer than a page, so that it needs new pages whatever the free
	// space of the table's last page.
	big := &appconfigd.AuditEntry{Time: time.Unix(1, 0), Operation: "Op", Message: strings.Repeat("x", 64<<10)}
	write := func() error {
		return db.Update(ctx, func(tx appconfigd.Tx) error { return tx.AppendAudit(ctx, big) })
	}
	if err := db.CheckSpace(ctx); err != nil {
		t.Fatalf("CheckSpace with room: %v", err)
	}
	frozen, err := db.SetMaxPageCount(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}

	err = write()
	var e *appconfigd.Error
	if !errors.As(err, &e) || e.Code != appconfigd.EUnavailable || e.Message != "appconfigd cannot write to its database: the disk is full" {
		t.Errorf("write on a full database: %v, want %s saying the disk is full", err, appconfigd.EUnavailable)
	}
	var driverErr *sqlitedriver.Error
	if !errors.As(err, &driverErr) {
		t.Errorf("write on a full database: %v, want SQLite's error kept as the cause", err)
	}
	if err := db.CheckSpace(ctx); !appconfigd.IsCode(err, appconfigd.EUnavailable) {
		t.Errorf("CheckSpace at max_page_count %d: %v, want %s", frozen, err, appconfigd.EUnavailable)
	}
	err = db.View(ctx, func(tx appconfigd.Tx) error {
		_, err := tx.CountApplications(ctx)
		return err
	})
	if err != nil {
		t.Errorf("read on a full database: %v", err)
	}

	if _, err := db.SetMaxPageCount(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	if err := write(); err != nil {
		t.Errorf("write once the database may grow again: %v", err)
	}
	if err := db.CheckSpace(ctx); err != nil {
		t.Errorf("CheckSpace once the database may grow again: %v", err)
	}
}
