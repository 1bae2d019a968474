package appconfigd_test

import (
	"testing"

	"github.com/appconfigd/appconfigd"
)

// deleteVersions deletes both of the fixture's versions.
func (f *rolloutFixture) deleteVersions(t *testing.T) {
	t.Helper()
	for _, v := range []*appconfigd.HostedConfigurationVersion{f.v1, f.v2} {
		if err := f.svc.DeleteHostedConfigurationVersion(t.Context(), f.app.ID, f.profile.ID, v.VersionNumber); err != nil {
			t.Fatalf("DeleteHostedConfigurationVersion %d: %v", v.VersionNumber, err)
		}
	}
}

// TestDeleteProfileWithDeploymentInProgress deletes every version of a
// profile while one of them rolls out, which deleted versions make
// possible, and then the profile: it is refused with EConflict until the
// deployment is no longer in progress, so no deployment outlives the
// profile it deploys (docs/COMPATIBILITY.md, "The control plane").
func TestDeleteProfileWithDeploymentInProgress(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	d := f.deploy(t, appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 10, GrowthType: appconfigd.GrowthLinear, GrowthFactor: 50}, f.v2)
	f.deleteVersions(t)

	err := f.svc.DeleteConfigurationProfile(ctx, f.app.ID, f.profile.ID, appconfigd.DeletionProtectionBypass)
	if got := appconfigd.ErrorCodeOf(err); got != appconfigd.EConflict {
		t.Fatalf("DeleteConfigurationProfile while deployment %d rolls it out: %v, want EConflict", d.DeploymentNumber, err)
	}
	if _, err := f.svc.GetConfigurationProfile(ctx, f.app.ID, f.profile.ID); err != nil {
		t.Fatalf("GetConfigurationProfile after the refused delete: %v", err)
	}

	must(f.svc.StopDeployment(ctx, f.app.ID, f.env.ID, d.DeploymentNumber, false))
	if err := f.svc.DeleteConfigurationProfile(ctx, f.app.ID, f.profile.ID, appconfigd.DeletionProtectionBypass); err != nil {
		t.Fatalf("DeleteConfigurationProfile once the deployment was rolled back: %v", err)
	}
	if got := deletedVersions(t, f.svc); len(got) != 0 {
		t.Errorf("versions kept marked deleted after their profile was deleted = %v, want none", got)
	}
}

// TestDeleteProfileDeployedElsewhere checks that the deployment in
// progress that keeps a profile from being deleted may be in any of the
// application's environments, not only the one it was first deployed to.
func TestDeleteProfileDeployedElsewhere(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	other := must(f.svc.CreateEnvironment(ctx, f.app.ID, &appconfigd.Environment{Name: "other"}, nil))
	linear := must(f.svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 10, GrowthType: appconfigd.GrowthLinear, GrowthFactor: 50}, nil))
	must(f.svc.StartDeployment(ctx, f.app.ID, other.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: linear.ID, ConfigurationProfileID: f.profile.ID, ConfigurationVersion: itoa(f.v2.VersionNumber),
	}))
	f.deleteVersions(t)
	err := f.svc.DeleteConfigurationProfile(ctx, f.app.ID, f.profile.ID, appconfigd.DeletionProtectionBypass)
	if got := appconfigd.ErrorCodeOf(err); got != appconfigd.EConflict {
		t.Errorf("DeleteConfigurationProfile while environment %s rolls it out: %v, want EConflict", other.ID, err)
	}
}
