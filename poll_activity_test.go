package appconfigd_test

import (
	"errors"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// protectionFixture is a rollout fixture whose environment and profile are
// older than the hour deletion protection spares, plus a second profile
// without hosted versions (a profile with versions cannot be deleted
// anyway), both polled in the fixture's environment.
type protectionFixture struct {
	*rolloutFixture
	bare *appconfigd.ConfigurationProfile
}

func newProtectionFixture(t *testing.T, store appconfigd.Store, enabled bool) *protectionFixture {
	t.Helper()
	ctx := t.Context()
	f := &protectionFixture{rolloutFixture: newRolloutFixtureOn(t, store)}
	f.bare = must(f.svc.CreateConfigurationProfile(ctx, f.app.ID, &appconfigd.ConfigurationProfile{Name: "bare", LocationURI: "hosted"}, nil))
	must(f.svc.UpdateAccountSettings(ctx, appconfigd.AccountSettingsUpdate{DeletionProtectionEnabled: &enabled}))
	f.clock.Advance(2 * time.Hour)
	return f
}

// poll starts a session on the fixture's environment and profile and polls
// it once.
func (f *protectionFixture) poll(t *testing.T, svc *appconfigd.Service, profile *appconfigd.ConfigurationProfile) {
	t.Helper()
	ctx := t.Context()
	tok := must(svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
		ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: profile.ID,
	}))
	must(svc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{}))
}

func (f *protectionFixture) deleteEnvironment(t *testing.T, check appconfigd.DeletionProtectionCheck) error {
	t.Helper()
	return f.svc.DeleteEnvironment(t.Context(), f.app.ID, f.env.ID, check)
}

func (f *protectionFixture) deleteBareProfile(t *testing.T, check appconfigd.DeletionProtectionCheck) error {
	t.Helper()
	return f.svc.DeleteConfigurationProfile(t.Context(), f.app.ID, f.bare.ID, check)
}

// wantProtected fails unless err is deletion protection's refusal.
func wantProtected(t *testing.T, err error) {
	t.Helper()
	wantBadRequestNaming(t, err, "Deletion protection")
	wantBadRequestNaming(t, err, "BYPASS")
}

func TestDeletionProtection(t *testing.T) {
	t.Parallel()

	t.Run("EnabledRefusesPolledEnvironmentAndProfile", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), true)
		f.poll(t, f.svc, f.bare)
		f.clock.Advance(59*time.Minute + 59*time.Second)
		for _, check := range []appconfigd.DeletionProtectionCheck{appconfigd.DeletionProtectionAccountDefault, appconfigd.DeletionProtectionApply} {
			wantProtected(t, f.deleteEnvironment(t, check))
			wantProtected(t, f.deleteBareProfile(t, check))
		}
		if _, err := f.svc.GetEnvironment(t.Context(), f.app.ID, f.env.ID); err != nil {
			t.Errorf("after the refused delete, GetEnvironment: %v", err)
		}
	})

	t.Run("ProtectionEndsWithThePeriod", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), true)
		period := 15
		must(f.svc.UpdateAccountSettings(t.Context(), appconfigd.AccountSettingsUpdate{ProtectionPeriodInMinutes: &period}))
		f.poll(t, f.svc, f.bare)
		f.clock.Advance(14 * time.Minute)
		wantProtected(t, f.deleteBareProfile(t, appconfigd.DeletionProtectionAccountDefault))
		f.clock.Advance(time.Minute)
		if err := f.deleteBareProfile(t, appconfigd.DeletionProtectionAccountDefault); err != nil {
			t.Errorf("15 minutes after the last poll, DeleteConfigurationProfile: %v", err)
		}
		if err := f.deleteEnvironment(t, appconfigd.DeletionProtectionAccountDefault); err != nil {
			t.Errorf("15 minutes after the last poll, DeleteEnvironment: %v", err)
		}
	})

	t.Run("DisabledDeletesPolledResources", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), false)
		f.poll(t, f.svc, f.bare)
		if err := f.deleteBareProfile(t, appconfigd.DeletionProtectionAccountDefault); err != nil {
			t.Errorf("DeleteConfigurationProfile: %v", err)
		}
		if err := f.deleteEnvironment(t, appconfigd.DeletionProtectionAccountDefault); err != nil {
			t.Errorf("DeleteEnvironment: %v", err)
		}
	})

	t.Run("ApplyChecksWhenDisabled", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), false)
		f.poll(t, f.svc, f.bare)
		wantProtected(t, f.deleteEnvironment(t, appconfigd.DeletionProtectionApply))
		wantProtected(t, f.deleteBareProfile(t, appconfigd.DeletionProtectionApply))
	})

	t.Run("BypassDeletes", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), true)
		f.poll(t, f.svc, f.bare)
		if err := f.deleteBareProfile(t, appconfigd.DeletionProtectionBypass); err != nil {
			t.Errorf("DeleteConfigurationProfile BYPASS: %v", err)
		}
		if err := f.deleteEnvironment(t, appconfigd.DeletionProtectionBypass); err != nil {
			t.Errorf("DeleteEnvironment BYPASS: %v", err)
		}
	})

	t.Run("NeverPolledDeletes", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), true)
		if err := f.deleteBareProfile(t, appconfigd.DeletionProtectionApply); err != nil {
			t.Errorf("DeleteConfigurationProfile: %v", err)
		}
	})

	t.Run("PollOfAnotherProfileProtectsOnlyTheEnvironment", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), true)
		f.poll(t, f.svc, f.profile)
		wantProtected(t, f.deleteEnvironment(t, appconfigd.DeletionProtectionAccountDefault))
		if err := f.deleteBareProfile(t, appconfigd.DeletionProtectionAccountDefault); err != nil {
			t.Errorf("DeleteConfigurationProfile of a profile nobody polled: %v", err)
		}
	})

	t.Run("ResourcesCreatedInTheLastHourAreSparedButByApply", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), true)
		ctx := t.Context()
		young := must(f.svc.CreateConfigurationProfile(ctx, f.app.ID, &appconfigd.ConfigurationProfile{Name: "young", LocationURI: "hosted"}, nil))
		f.poll(t, f.svc, young)
		f.clock.Advance(59 * time.Minute)
		wantProtected(t, f.svc.DeleteConfigurationProfile(ctx, f.app.ID, young.ID, appconfigd.DeletionProtectionApply))
		if err := f.svc.DeleteConfigurationProfile(ctx, f.app.ID, young.ID, appconfigd.DeletionProtectionAccountDefault); err != nil {
			t.Errorf("DeleteConfigurationProfile of a profile created 59 minutes ago: %v", err)
		}
	})

	t.Run("InvalidCheckIsRefused", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), false)
		wantBadRequestNaming(t, f.deleteEnvironment(t, "apply"), "DeletionProtectionCheck")
		wantBadRequestNaming(t, f.deleteEnvironment(t, ""), "DeletionProtectionCheck")
		wantBadRequestNaming(t, f.deleteBareProfile(t, "MAYBE"), "DeletionProtectionCheck")
	})

	t.Run("ProfileWithHostedVersionsGetsAWSMessage", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), false)
		err := f.svc.DeleteConfigurationProfile(t.Context(), f.app.ID, f.profile.ID, appconfigd.DeletionProtectionBypass)
		want := "Cannot delete configuration profile " + f.profile.ID + " because there are still hosted configuration versions existing under it."
		var e *appconfigd.Error
		if !errors.As(err, &e) || e.Code != appconfigd.EBadRequest || e.Message != want {
			t.Errorf("err = %v, want a bad request saying %q", err, want)
		}
	})
}

// TestDeletionProtectionAcrossReplicas runs two services on one store, as
// replicas: the polls one serves protect against deletes through the other
// once it has flushed them, and not before.
func TestDeletionProtectionAcrossReplicas(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t)
	f := newProtectionFixture(t, store, true)
	other := apptest.NewService(t, store, f.clock, nil, nil)
	ctx := t.Context()
	f.poll(t, other, f.bare)
	bare := appconfigd.PolledResource{Type: appconfigd.ResourceConfigurationProfile, ApplicationID: f.app.ID, ID: f.bare.ID}
	lastPolled := func() (at time.Time) {
		t.Helper()
		if err := store.View(ctx, func(tx appconfigd.Tx) (err error) {
			at, err = tx.LastPolled(ctx, bare)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return at
	}
	if at := lastPolled(); !at.IsZero() {
		t.Fatalf("before the flush the store says the profile was polled at %v; polls must not write", at)
	}
	if err := other.FlushPolls(ctx); err != nil {
		t.Fatalf("FlushPolls: %v", err)
	}
	if at, want := lastPolled(), f.clock.Now().Truncate(time.Second); !at.Equal(want) {
		t.Errorf("after the flush the store says %v, want %v", at, want)
	}
	wantProtected(t, f.deleteBareProfile(t, appconfigd.DeletionProtectionAccountDefault))
	wantProtected(t, f.deleteEnvironment(t, appconfigd.DeletionProtectionAccountDefault))

	// A flush of an older poll does not move the time back.
	f.clock.Advance(time.Minute)
	f.poll(t, other, f.bare)
	f.clock.Advance(time.Minute)
	f.poll(t, f.svc, f.bare)
	latest := f.clock.Now().Truncate(time.Second)
	must(0, f.svc.FlushPolls(ctx))
	must(0, other.FlushPolls(ctx))
	if at := lastPolled(); !at.Equal(latest) {
		t.Errorf("after a replica flushed an older poll the store says %v, want %v", at, latest)
	}

	// A poll of a profile deleted before the flush is no error.
	f.clock.Advance(time.Second)
	f.poll(t, other, f.bare)
	must(0, f.deleteBareProfile(t, appconfigd.DeletionProtectionBypass))
	if err := other.FlushPolls(ctx); err != nil {
		t.Errorf("FlushPolls of a poll of a deleted profile: %v", err)
	}
}
