package sqlstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// recordingTxn is a driver transaction that answers every statement
// without a database, each write changing one row and each row holding an
// empty JSON list, and records what Commit was told.
type recordingTxn struct {
	committed, changed bool
}

func (*recordingTxn) Exec(context.Context, string, ...any) (int64, error) { return 1, nil }
func (*recordingTxn) Insert(context.Context, string, ...any) error        { return nil }
func (*recordingTxn) ExecBatch(context.Context, []Statement) error        { return nil }
func (*recordingTxn) QueryRow(context.Context, string, ...any) Row        { return emptyListRow{} }
func (*recordingTxn) Rollback(context.Context)                            {}
func (*recordingTxn) Query(context.Context, string, ...any) (Rows, error) {
	return nil, errors.New("recordingTxn answers no query of several rows")
}

func (r *recordingTxn) Commit(_ context.Context, changed bool) error {
	r.committed, r.changed = true, changed
	return nil
}

// emptyListRow is a row of one text column holding "[]".
type emptyListRow struct{}

func (emptyListRow) Scan(dest ...any) error {
	p, ok := dest[0].(*string)
	if len(dest) != 1 || !ok {
		return errors.New("emptyListRow scans into one string")
	}
	*p = "[]"
	return nil
}

// TestWritesOtherProcessesNeedNotReload checks which writes make a
// transaction tell the other processes sharing the store to reload what
// they hold in memory (appconfigd.Tx): not the ones that change nothing
// they hold (leases, poll times, the action invocations recorded in
// event logs), unless the transaction also wrote something else.
func TestWritesOtherProcessesNeedNotReload(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	invocations := []appconfigd.ActionInvocation{{ExtensionIdentifier: "ext", ActionName: "notify", URI: "https://example.com/hook"}}
	addInvocations := func(ctx context.Context, tx appconfigd.Tx) error {
		return tx.AddActionInvocations(ctx, "app", "env", 1, 0, invocations)
	}
	updateApplication := func(ctx context.Context, tx appconfigd.Tx) error {
		return tx.UpdateApplication(ctx, &appconfigd.Application{ID: "app", Name: "app"})
	}
	for _, c := range []struct {
		name   string
		writes []func(context.Context, appconfigd.Tx) error
		want   bool
	}{
		{"AddActionInvocations", []func(context.Context, appconfigd.Tx) error{addInvocations}, false},
		{"RaiseLastPolled", []func(context.Context, appconfigd.Tx) error{func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.RaiseLastPolled(ctx, appconfigd.PolledResource{Type: appconfigd.ResourceEnvironment, ApplicationID: "app", ID: "env"}, now)
		}}, false},
		{"TryLease", []func(context.Context, appconfigd.Tx) error{func(ctx context.Context, tx appconfigd.Tx) error {
			_, err := tx.TryLease(ctx, "engine", "me", now, now.Add(time.Second))
			return err
		}}, false},
		{"UpdateApplication", []func(context.Context, appconfigd.Tx) error{updateApplication}, true},
		{"UpdateApplicationThenAddActionInvocations", []func(context.Context, appconfigd.Tx) error{updateApplication, addInvocations}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			txn := &recordingTxn{}
			store := New(&Dialect{Name: "recording"}, func(context.Context, bool) (Txn, error) { return txn, nil })
			err := store.Update(t.Context(), func(tx appconfigd.Tx) error {
				for _, write := range c.writes {
					if err := write(t.Context(), tx); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if !txn.committed {
				t.Fatal("Update did not commit")
			}
			if txn.changed != c.want {
				t.Errorf("Commit told that other processes must reload: %v, want %v", txn.changed, c.want)
			}
		})
	}
}
