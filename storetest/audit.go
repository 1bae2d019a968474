package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

func auditSpecs() []spec {
	// entry returns the i-th entry of a trail: one second apart, sent by
	// key, calling op.
	entry := func(i int, key, op string) *appconfigd.AuditEntry {
		return &appconfigd.AuditEntry{
			Time:        instant(i),
			RequestID:   fmt.Sprintf("req-%d", i),
			AccessKeyID: key,
			KeyName:     "name of " + key,
			Operation:   op,
			Resource:    fmt.Sprintf("/applications/app%04d", i),
			Status:      201,
		}
	}
	appendAll := func(t *testing.T, s appconfigd.Store, entries ...*appconfigd.AuditEntry) {
		t.Helper()
		update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
			for _, e := range entries {
				if err := tx.AppendAudit(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
	}
	list := func(t *testing.T, s appconfigd.Store, f appconfigd.AuditFilter) []*appconfigd.AuditEntry {
		t.Helper()
		var got []*appconfigd.AuditEntry
		view(t, s, func(ctx context.Context, tx appconfigd.Tx) (err error) {
			var next int64
			got, next, err = tx.ListAudit(ctx, f, appconfigd.Page{})
			if next != 0 {
				t.Errorf("ListAudit without a limit returned cursor %d, want 0", next)
			}
			return err
		})
		return got
	}
	requestIDs := func(entries []*appconfigd.AuditEntry) []string {
		return keysOf(entries, func(e *appconfigd.AuditEntry) string { return e.RequestID })
	}
	// mixed is a trail of two keys and two operations, oldest first.
	mixed := func() []*appconfigd.AuditEntry {
		return []*appconfigd.AuditEntry{
			entry(0, "AKIDA", "CreateApplication"),
			entry(1, "AKIDB", "CreateApplication"),
			entry(2, "AKIDA", "DeleteApplication"),
			entry(3, "AKIDB", "DeleteApplication"),
			entry(4, "AKIDA", "CreateApplication"),
		}
	}
	return []spec{
		{"NoneAtFirst", func(t *testing.T, s appconfigd.Store) {
			wantEqual(t, "ListAudit", list(t, s, appconfigd.AuditFilter{}), []*appconfigd.AuditEntry(nil))
		}},
		{"AppendKeepsEveryField", func(t *testing.T, s appconfigd.Store) {
			e := &appconfigd.AuditEntry{
				Time:        instant(0),
				RequestID:   "0b1c2d3e-0000-4000-8000-000000000000",
				AccessKeyID: "AKIDEXAMPLE",
				KeyName:     "ci",
				Operation:   "DeleteApplication",
				Resource:    "/applications/abc1234",
				Status:      404,
				ErrorCode:   appconfigd.ENotFound,
				Message:     "Application abc1234 not found",
			}
			appendAll(t, s, e)
			got := list(t, s, appconfigd.AuditFilter{})
			wantEqual(t, "ListAudit", got, []*appconfigd.AuditEntry{e})
			if loc := got[0].Time.Location(); loc != time.UTC {
				t.Errorf("Time is in %v, want UTC", loc)
			}
		}},
		{"ListIsNewestFirst", func(t *testing.T, s appconfigd.Store) {
			// One transaction each, as the Service appends them.
			for _, e := range mixed() {
				appendAll(t, s, e)
			}
			wantEqual(t, "ListAudit", requestIDs(list(t, s, appconfigd.AuditFilter{})),
				[]string{"req-4", "req-3", "req-2", "req-1", "req-0"})
		}},
		{"SinceIsInclusiveAndUntilExclusive", func(t *testing.T, s appconfigd.Store) {
			appendAll(t, s, mixed()...)
			got := list(t, s, appconfigd.AuditFilter{Since: instant(1), Until: instant(3)})
			wantEqual(t, "ListAudit Since 1 Until 3", requestIDs(got), []string{"req-2", "req-1"})
			got = list(t, s, appconfigd.AuditFilter{Since: instant(3)})
			wantEqual(t, "ListAudit Since 3", requestIDs(got), []string{"req-4", "req-3"})
			got = list(t, s, appconfigd.AuditFilter{Until: instant(1)})
			wantEqual(t, "ListAudit Until 1", requestIDs(got), []string{"req-0"})
		}},
		{"FiltersByAccessKeyAndOperation", func(t *testing.T, s appconfigd.Store) {
			all := mixed()
			appendAll(t, s, all...)
			for _, f := range []appconfigd.AuditFilter{
				{AccessKeyID: "AKIDA"},
				{Operation: "CreateApplication"},
				{AccessKeyID: "AKIDA", Operation: "CreateApplication"},
				{AccessKeyID: "AKIDB", Operation: "DeleteApplication", Since: instant(2)},
				{AccessKeyID: "AKIDC"},
				{Operation: "createapplication"}, // exact, case and all
			} {
				var want []string
				for i := len(all) - 1; i >= 0; i-- {
					if f.Matches(all[i]) {
						want = append(want, all[i].RequestID)
					}
				}
				wantEqual(t, fmt.Sprintf("ListAudit %+v", f), requestIDs(list(t, s, f)), want)
			}
		}},
		{"Pages", func(t *testing.T, s appconfigd.Store) {
			all := mixed()
			appendAll(t, s, all...)
			pages := collectPages(t, s, 2, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.AuditEntry, int64, error) {
				return tx.ListAudit(ctx, appconfigd.AuditFilter{}, p)
			})
			wantEqual(t, "pages", pageKeys(pages, func(e *appconfigd.AuditEntry) string { return e.RequestID }),
				[][]string{{"req-4", "req-3"}, {"req-2", "req-1"}, {"req-0"}})
			filtered := collectPages(t, s, 1, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.AuditEntry, int64, error) {
				return tx.ListAudit(ctx, appconfigd.AuditFilter{AccessKeyID: "AKIDA"}, p)
			})
			wantEqual(t, "pages of AKIDA", pageKeys(filtered, func(e *appconfigd.AuditEntry) string { return e.RequestID }),
				[][]string{{"req-4"}, {"req-2"}, {"req-0"}})
		}},
		{"CursorSurvivesAppends", func(t *testing.T, s appconfigd.Store) {
			all := mixed()
			appendAll(t, s, all[:3]...)
			var first []*appconfigd.AuditEntry
			var next int64
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) (err error) {
				first, next, err = tx.ListAudit(ctx, appconfigd.AuditFilter{}, appconfigd.Page{Limit: 2})
				return err
			})
			wantEqual(t, "first page", requestIDs(first), []string{"req-2", "req-1"})
			// Entries appended meanwhile are newer: they belong before
			// the first page, not in the next one.
			appendAll(t, s, all[3:]...)
			var second []*appconfigd.AuditEntry
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) (err error) {
				second, _, err = tx.ListAudit(ctx, appconfigd.AuditFilter{}, appconfigd.Page{Cursor: next, Limit: 2})
				return err
			})
			wantEqual(t, "second page", requestIDs(second), []string{"req-0"})
		}},
		{"DeleteBeforeKeepsNewerEntries", func(t *testing.T, s appconfigd.Store) {
			appendAll(t, s, mixed()...)
			var n int64
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) (err error) {
				n, err = tx.DeleteAuditBefore(ctx, instant(2))
				return err
			})
			if n != 2 {
				t.Errorf("DeleteAuditBefore deleted %d, want 2", n)
			}
			// An entry exactly at the bound is not older than it.
			wantEqual(t, "ListAudit", requestIDs(list(t, s, appconfigd.AuditFilter{})), []string{"req-4", "req-3", "req-2"})
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) (err error) {
				n, err = tx.DeleteAuditBefore(ctx, instant(0))
				return err
			})
			if n != 0 {
				t.Errorf("DeleteAuditBefore with nothing older deleted %d, want 0", n)
			}
		}},
		{"ViewRejectsAppend", func(t *testing.T, s appconfigd.Store) {
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.AppendAudit(ctx, entry(0, "AKIDA", "CreateApplication"))
			})
			if err == nil {
				t.Error("AppendAudit in View succeeded, want an error")
			}
		}},
	}
}
