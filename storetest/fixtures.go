package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// The fixtures set every field to a value other than its zero, so that a
// field a store forgets to save shows up in a comparison.

func newApplication(id, name string) *appconfigd.Application {
	return &appconfigd.Application{
		ID:          id,
		Name:        name,
		Description: "Application " + id,
		CreatedAt:   instant(1),
	}
}

func newEnvironment(appID, id, name string) *appconfigd.Environment {
	return &appconfigd.Environment{
		ApplicationID: appID,
		ID:            id,
		Name:          name,
		Description:   "Environment " + id,
		Monitors: []appconfigd.Monitor{
			{AlarmARN: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:" + id, AlarmRoleARN: "arn:aws:iam::111122223333:role/Alarms"},
			{AlarmARN: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:other"},
		},
		CreatedAt: instant(2),
	}
}

func newProfile(appID, id, name string) *appconfigd.ConfigurationProfile {
	return &appconfigd.ConfigurationProfile{
		ApplicationID:    appID,
		ID:               id,
		Name:             name,
		Description:      "Profile " + id,
		LocationURI:      appconfigd.LocationHosted,
		RetrievalRoleARN: "arn:aws:iam::111122223333:role/Retrieval",
		Type:             appconfigd.ProfileTypeFeatureFlags,
		KMSKeyIdentifier: "alias/appconfig",
		Validators: []appconfigd.Validator{
			{Type: appconfigd.ValidatorJSONSchema, Content: `{"type":"object"}`},
			{Type: appconfigd.ValidatorLambda, Content: "arn:aws:lambda:us-east-1:111122223333:function:check"},
		},
		CreatedAt: instant(3),
	}
}

// newVersion's Content ends in a NUL and invalid UTF-8: it is bytes, not
// text.
func newVersion(appID, profileID string, number int, label string) *appconfigd.HostedConfigurationVersion {
	return &appconfigd.HostedConfigurationVersion{
		ApplicationID:          appID,
		ConfigurationProfileID: profileID,
		VersionNumber:          number,
		Description:            fmt.Sprintf("Version %d", number),
		ContentType:            "application/json; charset=utf-8",
		VersionLabel:           label,
		Content:                append(fmt.Appendf(nil, `{"version":%d}`, number), 0x00, 0xff, 0xe9),
		CreatedAt:              instant(4 + number),
	}
}

func newStrategy(id, name string) *appconfigd.DeploymentStrategy {
	return &appconfigd.DeploymentStrategy{
		ID:                          id,
		Name:                        name,
		Description:                 "Strategy " + id,
		DeploymentDurationInMinutes: 15,
		GrowthType:                  appconfigd.GrowthExponential,
		GrowthFactor:                12.5,
		FinalBakeTimeInMinutes:      7,
		ReplicateTo:                 appconfigd.ReplicateSSMDocument,
		CreatedAt:                   instant(5),
	}
}

func newDeployment(appID, envID string, number int, state appconfigd.DeploymentState) *appconfigd.Deployment {
	return &appconfigd.Deployment{
		ApplicationID:               appID,
		EnvironmentID:               envID,
		DeploymentStrategyID:        "strat01",
		ConfigurationProfileID:      "prof001",
		DeploymentNumber:            number,
		ConfigurationName:           "features",
		ConfigurationLocationURI:    appconfigd.LocationHosted,
		VersionNumber:               number + 40,
		VersionLabel:                fmt.Sprintf("v%d", number),
		Description:                 fmt.Sprintf("Deployment %d", number),
		DeploymentDurationInMinutes: 15,
		GrowthType:                  appconfigd.GrowthLinear,
		GrowthFactor:                33.33,
		FinalBakeTimeInMinutes:      10,
		KMSKeyIdentifier:            "arn:aws:kms:us-east-1:111122223333:key/abc",
		State:                       state,
		PercentageComplete:          66.66,
		StartedAt:                   instant(100 * number),
		EventLog: []appconfigd.DeploymentEvent{
			{EventType: appconfigd.EventDeploymentStarted, TriggeredBy: appconfigd.TriggeredByUser, Description: "Deployment started", OccurredAt: instant(100 * number)},
			{EventType: appconfigd.EventPercentageUpdated, TriggeredBy: appconfigd.TriggeredByAppConfig, Description: "Configuration available to 33.33% of clients", OccurredAt: instant(100*number + 1)},
		},
		TimeScale: 60,
	}
}

func newSealingKey(id uint32, createdAt int) appconfigd.SealingKey {
	return appconfigd.SealingKey{
		ID:        id,
		Secret:    fmt.Appendf(nil, "secret-%d-\x00\xff", id),
		CreatedAt: instant(createdAt),
	}
}

// seedEnvironment creates an application and environments in it.
func seedEnvironment(t *testing.T, s appconfigd.Store, appID string, envIDs ...string) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		if err := tx.CreateApplication(ctx, newApplication(appID, "app "+appID)); err != nil {
			return err
		}
		for _, id := range envIDs {
			if err := tx.CreateEnvironment(ctx, newEnvironment(appID, id, "env "+id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// seedProfile creates an application and profiles in it.
func seedProfile(t *testing.T, s appconfigd.Store, appID string, profileIDs ...string) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		if err := tx.CreateApplication(ctx, newApplication(appID, "app "+appID)); err != nil {
			return err
		}
		for _, id := range profileIDs {
			if err := tx.CreateConfigurationProfile(ctx, newProfile(appID, id, "profile "+id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// createDeployments stores ds in one transaction.
func createDeployments(t *testing.T, s appconfigd.Store, ds ...*appconfigd.Deployment) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		for _, d := range ds {
			if err := tx.CreateDeployment(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// createVersions stores vs in one transaction.
func createVersions(t *testing.T, s appconfigd.Store, vs ...*appconfigd.HostedConfigurationVersion) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		for _, v := range vs {
			if err := tx.CreateHostedConfigurationVersion(ctx, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// createNextDeployment is the read-check-write the Service does to start a
// deployment: it reads the latest number and creates the next.
func createNextDeployment(ctx context.Context, tx appconfigd.Tx) error {
	latest, err := tx.LatestDeployment(ctx, "app0001", "env0001")
	if err != nil {
		return err
	}
	next := 1
	if latest != nil {
		next = latest.DeploymentNumber + 1
	}
	return tx.CreateDeployment(ctx, newDeployment("app0001", "env0001", next, appconfigd.DeploymentDeploying))
}
