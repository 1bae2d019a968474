package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// parentSpecs: a child created under a parent that does not exist is
// refused with the parent's ENotFound, whatever keeps the store from
// storing the orphan (a foreign key, in both SQL stores).
func parentSpecs() []spec {
	missingParent := []struct {
		name   string
		create func(ctx context.Context, tx appconfigd.Tx) error
		rt     appconfigd.ResourceType
		id     string
	}{
		{"Environment", func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.CreateEnvironment(ctx, newEnvironment("app0001", "env0001", "prod"))
		}, appconfigd.ResourceApplication, "app0001"},
		{"ConfigurationProfile", func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.CreateConfigurationProfile(ctx, newProfile("app0001", "prof001", "flags"))
		}, appconfigd.ResourceApplication, "app0001"},
		{"HostedConfigurationVersion", func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.CreateHostedConfigurationVersion(ctx, newVersion("app0001", "prof001", 1, ""))
		}, appconfigd.ResourceConfigurationProfile, "prof001"},
		{"Deployment", func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.CreateDeployment(ctx, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying))
		}, appconfigd.ResourceEnvironment, "env0001"},
	}
	var specs []spec
	for _, tc := range missingParent {
		specs = append(specs, spec{"Create" + tc.name + "UnderAMissingParentReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			err := updateErr(t, s, tc.create)
			wantNotFound(t, err, tc.rt, tc.id)
		}})
	}
	return specs
}
