package appconfigd_test

import (
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// wantBadRequestNaming fails unless err is an EBadRequest whose message
// names what.
func wantBadRequestNaming(t *testing.T, err error, what string) {
	t.Helper()
	if !appconfigd.IsCode(err, appconfigd.EBadRequest) || !strings.Contains(err.Error(), what) {
		t.Errorf("err = %v, want a bad request naming %s", err, what)
	}
}

func TestAccountSettings(t *testing.T) {
	t.Parallel()
	enable := func(b bool) *bool { return &b }
	period := func(n int) *int { return &n }

	t.Run("DefaultsUntilChanged", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t)
		got := must(svc.GetAccountSettings(t.Context()))
		want := appconfigd.AccountSettings{DeletionProtection: appconfigd.DeletionProtectionSettings{Enabled: false, ProtectionPeriodInMinutes: 60}}
		if got != want {
			t.Errorf("GetAccountSettings = %+v, want %+v", got, want)
		}
	})

	t.Run("UpdateKeepsAbsentMembers", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t)
		ctx := t.Context()
		must(svc.UpdateAccountSettings(ctx, appconfigd.AccountSettingsUpdate{ProtectionPeriodInMinutes: period(15)}))
		got := must(svc.UpdateAccountSettings(ctx, appconfigd.AccountSettingsUpdate{DeletionProtectionEnabled: enable(true)}))
		want := appconfigd.DeletionProtectionSettings{Enabled: true, ProtectionPeriodInMinutes: 15}
		if got.DeletionProtection != want {
			t.Errorf("UpdateAccountSettings = %+v, want %+v", got.DeletionProtection, want)
		}
		if got := must(svc.GetAccountSettings(ctx)); got.DeletionProtection != want {
			t.Errorf("GetAccountSettings = %+v, want %+v", got.DeletionProtection, want)
		}
	})

	t.Run("PeriodOutsideRangeIsRefused", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t)
		for _, n := range []int{0, 14, 1441} {
			_, err := svc.UpdateAccountSettings(t.Context(), appconfigd.AccountSettingsUpdate{ProtectionPeriodInMinutes: period(n)})
			wantBadRequestNaming(t, err, "ProtectionPeriodInMinutes")
		}
		for _, n := range []int{15, 1440} {
			if _, err := svc.UpdateAccountSettings(t.Context(), appconfigd.AccountSettingsUpdate{ProtectionPeriodInMinutes: period(n)}); err != nil {
				t.Errorf("ProtectionPeriodInMinutes %d: %v", n, err)
			}
		}
	})

	t.Run("VendedMetricsCannotBeEnabled", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t)
		_, err := svc.UpdateAccountSettings(t.Context(), appconfigd.AccountSettingsUpdate{VendedMetricsEnabled: enable(true)})
		wantBadRequestNaming(t, err, "VendedMetrics")
		if _, err := svc.UpdateAccountSettings(t.Context(), appconfigd.AccountSettingsUpdate{VendedMetricsEnabled: enable(false)}); err != nil {
			t.Errorf("VendedMetrics.Enabled false: %v", err)
		}
	})

	t.Run("SharedByServicesOnOneStore", func(t *testing.T) {
		t.Parallel()
		store := newSQLiteStore(t)
		clock := apptest.NewClock(apptest.Start)
		a := apptest.NewService(t, store, clock, nil, nil)
		b := apptest.NewService(t, store, clock, nil, nil)
		must(a.UpdateAccountSettings(t.Context(), appconfigd.AccountSettingsUpdate{DeletionProtectionEnabled: enable(true)}))
		if got := must(b.GetAccountSettings(t.Context())); !got.DeletionProtection.Enabled {
			t.Errorf("the other service reads %+v, want deletion protection on", got.DeletionProtection)
		}
	})
}
