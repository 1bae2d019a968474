package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// The catalog's queries load the whole store in a constant number of
// queries, or one application (catalog.go in the root package).
func catalogSpecs() []spec {
	return []spec{
		{"CatalogEnvironmentsOfAllOrOneApplication", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0002", "env003", "env001")
			seedEnvironment(t, s, "app0001", "env002")
			seedEnvironment(t, s, "app0003")
			all := []appconfigd.CatalogEntry{
				{ApplicationID: "app0001", ID: "env002", Name: "env env002"},
				{ApplicationID: "app0002", ID: "env003", Name: "env env003"},
				{ApplicationID: "app0002", ID: "env001", Name: "env env001"},
			}
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.ListCatalogEnvironments(ctx, "")
				wantEqual(t, "ListCatalogEnvironments of all", got, all)
				if err != nil {
					return err
				}
				got, err = tx.ListCatalogEnvironments(ctx, "app0002")
				wantEqual(t, "ListCatalogEnvironments of app0002", got, all[1:])
				if err != nil {
					return err
				}
				got, err = tx.ListCatalogEnvironments(ctx, "app0003")
				wantEqual(t, "ListCatalogEnvironments of an application without any", len(got), 0)
				return err
			})
		}},
		{"CatalogProfilesOfAllOrOneApplication", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0002", "prof002")
			seedProfile(t, s, "app0001", "prof001")
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				p := newProfile("app0002", "prof001", "plain")
				p.Type = ""
				return tx.CreateConfigurationProfile(ctx, p)
			})
			all := []appconfigd.CatalogEntry{
				{ApplicationID: "app0001", ID: "prof001", Name: "profile prof001", Type: appconfigd.ProfileTypeFeatureFlags},
				{ApplicationID: "app0002", ID: "prof002", Name: "profile prof002", Type: appconfigd.ProfileTypeFeatureFlags},
				{ApplicationID: "app0002", ID: "prof001", Name: "plain"},
			}
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.ListCatalogProfiles(ctx, "")
				wantEqual(t, "ListCatalogProfiles of all", got, all)
				if err != nil {
					return err
				}
				got, err = tx.ListCatalogProfiles(ctx, "app0002")
				wantEqual(t, "ListCatalogProfiles of app0002", got, all[1:])
				return err
			})
		}},
		{"ApplicationServingDeploymentsAreThoseOfServingDeploymentsOfOneApplication", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "envB", "envA")
			seedEnvironment(t, s, "app0002", "envA")
			createDeployments(t, s,
				newDeployment("app0001", "envB", 1, appconfigd.DeploymentComplete),
				newDeployment("app0002", "envA", 1, appconfigd.DeploymentComplete),
				newDeployment("app0001", "envA", 2, appconfigd.DeploymentDeploying),
				newDeployment("app0001", "envA", 1, appconfigd.DeploymentComplete))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				all, err := tx.ListServingDeployments(ctx)
				if err != nil {
					return err
				}
				got, err := tx.ListApplicationServingDeployments(ctx, "app0001")
				want := slices.DeleteFunc(all, func(d *appconfigd.Deployment) bool { return d.ApplicationID != "app0001" })
				wantEqual(t, "ListApplicationServingDeployments of app0001", keysOf(got, deploymentKey), keysOf(want, deploymentKey))
				wantEqual(t, "ListApplicationServingDeployments of app0001", got, want)
				return err
			})
		}},
		{"ServedVersionsInOneQueryIncludeDeletedOnes", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			seedProfile(t, s, "app0002", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, "a"), newVersion("app0001", "prof001", 2, "b"),
				newVersion("app0001", "prof002", 1, "c"), newVersion("app0002", "prof001", 1, "d"))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.MarkHostedConfigurationVersionDeleted(ctx, "app0001", "prof001", 2, time.Unix(1, 0))
			})
			keys := []appconfigd.HostedVersionKey{
				{ApplicationID: "app0001", ConfigurationProfileID: "prof001", VersionNumber: 2},
				{ApplicationID: "app0002", ConfigurationProfileID: "prof001", VersionNumber: 1},
				{ApplicationID: "app0001", ConfigurationProfileID: "prof002", VersionNumber: 1},
				{ApplicationID: "app0001", ConfigurationProfileID: "prof002", VersionNumber: 9},
			}
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindServedHostedConfigurationVersions(ctx, keys)
				if err != nil {
					return err
				}
				slices.SortFunc(got, func(a, b *appconfigd.HostedConfigurationVersion) int {
					return cmpKey(a) - cmpKey(b)
				})
				var want []*appconfigd.HostedConfigurationVersion
				for _, k := range keys[:3] {
					v, err := tx.FindServedHostedConfigurationVersion(ctx, k.ApplicationID, k.ConfigurationProfileID, k.VersionNumber)
					if err != nil {
						return err
					}
					want = append(want, v)
				}
				slices.SortFunc(want, func(a, b *appconfigd.HostedConfigurationVersion) int {
					return cmpKey(a) - cmpKey(b)
				})
				wantEqual(t, "FindServedHostedConfigurationVersions", got, want)
				none, err := tx.FindServedHostedConfigurationVersions(ctx, nil)
				wantEqual(t, "FindServedHostedConfigurationVersions of no key", len(none), 0)
				return err
			})
		}},
	}
}

// cmpKey orders the versions of the catalog specs.
func cmpKey(v *appconfigd.HostedConfigurationVersion) int {
	n := v.VersionNumber
	if v.ConfigurationProfileID == "prof002" {
		n += 100
	}
	if v.ApplicationID == "app0002" {
		n += 1000
	}
	return n
}
