package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// findAccountSettings returns FindAccountSettings read in its own View.
func findAccountSettings(t *testing.T, s appconfigd.Store) *appconfigd.AccountSettings {
	t.Helper()
	var got *appconfigd.AccountSettings
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		got, err = tx.FindAccountSettings(ctx)
		return err
	})
	return got
}

// putAccountSettings stores settings in its own Update.
func putAccountSettings(t *testing.T, s appconfigd.Store, settings appconfigd.AccountSettings) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.PutAccountSettings(ctx, &settings) })
}

func accountSettingsSpecs() []spec {
	return []spec{
		{"NoneAtFirst", func(t *testing.T, s appconfigd.Store) {
			if got := findAccountSettings(t, s); got != nil {
				t.Fatalf("FindAccountSettings of an empty store = %+v, want nil", *got)
			}
		}},
		{"PutThenFind", func(t *testing.T, s appconfigd.Store) {
			want := appconfigd.AccountSettings{DeletionProtection: appconfigd.DeletionProtectionSettings{Enabled: true, ProtectionPeriodInMinutes: 15}}
			putAccountSettings(t, s, want)
			wantEqual(t, "FindAccountSettings", findAccountSettings(t, s), &want)
		}},
		{"PutReplaces", func(t *testing.T, s appconfigd.Store) {
			putAccountSettings(t, s, appconfigd.AccountSettings{DeletionProtection: appconfigd.DeletionProtectionSettings{Enabled: true, ProtectionPeriodInMinutes: 15}})
			want := appconfigd.AccountSettings{DeletionProtection: appconfigd.DeletionProtectionSettings{Enabled: false, ProtectionPeriodInMinutes: 1440}}
			putAccountSettings(t, s, want)
			wantEqual(t, "FindAccountSettings", findAccountSettings(t, s), &want)
		}},
	}
}
