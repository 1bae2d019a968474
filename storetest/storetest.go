// Package storetest is the contract suite every [appconfigd.Store] must
// pass. A store's own tests call [Run] with a function that opens an empty
// store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) appconfigd.Store {
//			db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			return db
//		})
//	}
//
// A store that several handles (processes) can share also calls
// [RunHandles], with a function that prepares an empty store and returns
// one that opens a handle on it.
//
// Each subtest is a sentence of the contract, named Resource/Behaviour, so
// one can be run alone: go test -run 'TestStore/Deployments/UpdateSaves'.
//
// Besides what the [appconfigd.Tx] comments say, the suite pins down:
//   - Find*ByName returns no items and no error when no name matches (the
//     Service then reports the ID lookup's ENotFound); FindTags returns an
//     empty map and no error.
//   - Update* and Delete* return ENotFound when the key matches nothing.
//   - Every ENotFound error carries ResourceType and ResourceName (the ID,
//     name, label or number looked up).
//   - Keys of child resources are scoped by their parents: the same
//     environment ID may exist in two applications.
//   - Times round-trip to the nanosecond and come back in UTC.
//   - A Type filter on profiles matches the effective type, so
//     AWS.Freeform also matches profiles stored without a Type.
//   - DeleteApplication removes everything in the application;
//     DeleteConfigurationProfile removes its hosted versions but not its
//     deployments, and deleting a strategy keeps deployments that used it.
//   - A child created under a missing parent gets the parent's ENotFound.
//   - Writes inside View fail, and the View goes on reading.
//   - A failed create (EConflict, ENotFound) leaves the transaction
//     usable, as a failed statement does in SQLite.
//   - Update returns fn's error as it is, and does not run fn once its
//     context is done.
//
// Comparisons treat nil and empty slices and maps alike.
package storetest

import (
	"testing"

	"github.com/appconfigd/appconfigd"
)

// spec is one rule of the contract, checked against a fresh store.
type spec struct {
	name string
	test func(t *testing.T, s appconfigd.Store)
}

// Run runs the contract suite. Every subtest runs in parallel with the
// others and calls open once for a store of its own, which must be empty;
// Run closes it when the subtest ends, so open must not.
func Run(t *testing.T, open func(t *testing.T) appconfigd.Store) {
	groups := []struct {
		name  string
		specs []spec
	}{
		{"Applications", applicationSpecs()},
		{"Environments", environmentSpecs()},
		{"ConfigurationProfiles", profileSpecs()},
		{"HostedConfigurationVersions", hostedVersionSpecs()},
		{"VersionCounter", versionCounterSpecs()},
		{"DeploymentStrategies", strategySpecs()},
		{"Deployments", deploymentSpecs()},
		{"Catalog", catalogSpecs()},
		{"ActionInvocations", actionInvocationSpecs()},
		{"Extensions", extensionSpecs()},
		{"ExtensionAssociations", associationSpecs()},
		{"Tags", tagSpecs()},
		{"SealingKeys", sealingKeySpecs()},
		{"Alarms", alarmSpecs()},
		{"Leases", leaseSpecs()},
		{"Audit", auditSpecs()},
		{"AccountSettings", accountSettingsSpecs()},
		{"PollActivity", pollActivitySpecs()},
		{"Fleet", fleetSpecs()},
		{"Parents", parentSpecs()},
		{"Cascades", cascadeSpecs()},
		{"Times", timeSpecs()},
		{"Transactions", transactionSpecs()},
	}
	for _, g := range groups {
		for _, sp := range g.specs {
			t.Run(g.name+"/"+sp.name, func(t *testing.T) {
				t.Parallel()
				s := open(t)
				t.Cleanup(func() {
					if err := s.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				})
				sp.test(t, s)
			})
		}
	}
}
