package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// seedApplicationTree creates an application with an environment, a
// deployment, a profile and two hosted versions of it.
func seedApplicationTree(t *testing.T, s appconfigd.Store, appID string) {
	t.Helper()
	seedEnvironment(t, s, appID, "env0001")
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		if err := tx.CreateConfigurationProfile(ctx, newProfile(appID, "prof001", "profile")); err != nil {
			return err
		}
		for n := 1; n <= 2; n++ {
			if err := tx.CreateHostedConfigurationVersion(ctx, newVersion(appID, "prof001", n, "")); err != nil {
				return err
			}
		}
		return tx.CreateDeployment(ctx, newDeployment(appID, "env0001", 1, appconfigd.DeploymentDeploying))
	})
}

func cascadeSpecs() []spec {
	return []spec{
		{"DeleteApplicationRemovesEverythingInIt", func(t *testing.T, s appconfigd.Store) {
			seedApplicationTree(t, s, "app0001")
			seedApplicationTree(t, s, "app0002")
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteApplication(ctx, "app0001") })
			for app, want := range map[string]int{"app0001": 0, "app0002": 1} {
				wantCount(t, s, "CountEnvironments of "+app, want, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
					return tx.CountEnvironments(ctx, app)
				})
				wantCount(t, s, "CountConfigurationProfiles of "+app, want, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
					return tx.CountConfigurationProfiles(ctx, app)
				})
				wantCount(t, s, "CountHostedConfigurationVersions of "+app, 2*want, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
					return tx.CountHostedConfigurationVersions(ctx, app, "prof001")
				})
				wantCount(t, s, "CountProfileDeployments of "+app, want, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
					return tx.CountProfileDeployments(ctx, app, "prof001")
				})
			}
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				serving, err := tx.ListServingDeployments(ctx)
				if err != nil {
					return err
				}
				wantEqual(t, "deployments left", keysOf(serving, deploymentKey), []string{"app0002/env0001/1"})
				active, err := tx.ListActiveDeployments(ctx)
				if err != nil {
					return err
				}
				wantEqual(t, "active deployments left", keysOf(active, deploymentKey), []string{"app0002/env0001/1"})
				return nil
			})
		}},
		{"DeleteConfigurationProfileRemovesItsVersionsButNotItsDeployments", func(t *testing.T, s appconfigd.Store) {
			seedApplicationTree(t, s, "app0001")
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteConfigurationProfile(ctx, "app0001", "prof001")
			})
			wantCount(t, s, "CountHostedConfigurationVersions", 0, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountHostedConfigurationVersions(ctx, "app0001", "prof001")
			})
			wantCount(t, s, "CountProfileDeployments", 1, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountProfileDeployments(ctx, "app0001", "prof001")
			})
			wantEqual(t, "deployment of the deleted profile", findDeployment(t, s, "app0001", "env0001", 1),
				newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying))
		}},
		{"DeleteDeploymentStrategyKeepsDeploymentsThatUsedIt", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			createStrategies(t, s, newStrategy("strat01", "slow"))
			createDeployments(t, s, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteDeploymentStrategy(ctx, "strat01") })
			wantEqual(t, "deployment of the deleted strategy", findDeployment(t, s, "app0001", "env0001", 1),
				newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete))
		}},
	}
}
