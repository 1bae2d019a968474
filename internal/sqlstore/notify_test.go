package sqlstore

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// recordingTxn is a driver transaction that answers every statement
// without a database, each write changing one row and each row holding an
// empty JSON list, and records what Commit was told.
type recordingTxn struct {
	committed bool
	changes   Changes
}

func (*recordingTxn) Exec(context.Context, string, ...any) (int64, error) { return 1, nil }
func (*recordingTxn) Insert(context.Context, string, ...any) error        { return nil }
func (*recordingTxn) ExecBatch(context.Context, []Statement) error        { return nil }
func (*recordingTxn) QueryRow(context.Context, string, ...any) Row        { return emptyListRow{} }
func (*recordingTxn) Rollback(context.Context)                            {}
func (*recordingTxn) Query(context.Context, string, ...any) (Rows, error) {
	return nil, errors.New("recordingTxn answers no query of several rows")
}

func (r *recordingTxn) Commit(_ context.Context, changes Changes) error {
	r.committed, r.changes = true, changes
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
// they hold in memory (appconfigd.Tx), and what: not the ones that change
// nothing they hold (leases, poll times, the action invocations recorded
// in event logs), unless the transaction also wrote something else; the
// catalog part of the applications written to; everything for a write
// that does not say what it changes (a sealing key); nothing of the
// catalog for hosted versions marked deleted or removed, as the catalog
// serves a version marked deleted unchanged and holds none that could be
// removed.
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
	replaceTags := func(ctx context.Context, tx appconfigd.Tx) error {
		return tx.ReplaceTags(ctx, "arn:aws:appconfig:us-east-1:000000000000:application/other", map[string]string{"k": "v"})
	}
	deleteEnvironment := func(ctx context.Context, tx appconfigd.Tx) error {
		return tx.DeleteEnvironment(ctx, "another", "env")
	}
	type writes = []func(context.Context, appconfigd.Tx) error
	for _, c := range []struct {
		name   string
		writes writes
		want   Changes
	}{
		{"AddActionInvocations", writes{addInvocations}, Changes{}},
		{"RaiseLastPolled", writes{func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.RaiseLastPolled(ctx, appconfigd.PolledResource{Type: appconfigd.ResourceEnvironment, ApplicationID: "app", ID: "env"}, now)
		}}, Changes{}},
		{"TryLease", writes{func(ctx context.Context, tx appconfigd.Tx) error {
			_, err := tx.TryLease(ctx, "engine", "me", now, now.Add(time.Second))
			return err
		}}, Changes{}},
		{"UpdateApplication", writes{updateApplication}, Changes{Wrote: true, Applications: []string{"app"}}},
		{"UpdateApplicationThenAddActionInvocations", writes{updateApplication, addInvocations}, Changes{Wrote: true, Applications: []string{"app"}}},
		{"ReplaceTags", writes{replaceTags}, Changes{Wrote: true}},
		{"MarkHostedConfigurationVersionDeleted", writes{func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.MarkHostedConfigurationVersionDeleted(ctx, "app", "prof", 1, now)
		}}, Changes{Wrote: true}},
		{"DeleteHostedConfigurationVersion", writes{func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.DeleteHostedConfigurationVersion(ctx, "app", "prof", 1)
		}}, Changes{Wrote: true}},
		{"TwoApplications", writes{deleteEnvironment, replaceTags, updateApplication}, Changes{Wrote: true, Applications: []string{"another", "app"}}},
		{"CreateSealingKey", writes{func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.CreateSealingKey(ctx, appconfigd.SealingKey{ID: 2, Secret: make([]byte, 32), CreatedAt: now})
		}, updateApplication}, Changes{Wrote: true, All: true, Applications: []string{"app"}}},
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
			if !reflect.DeepEqual(txn.changes, c.want) {
				t.Errorf("Commit told that other processes must reload %+v, want %+v", txn.changes, c.want)
			}
		})
	}
}
