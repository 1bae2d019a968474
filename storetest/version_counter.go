package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// raise runs RaiseHostedConfigurationVersionNumber in its own Update and
// fails the test if it returns an error.
func raise(t *testing.T, s appconfigd.Store, appID, profileID string, n int) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		return tx.RaiseHostedConfigurationVersionNumber(ctx, appID, profileID, n)
	})
}

// The version counter is what keeps hosted version numbers from being
// reused. RaiseHostedConfigurationVersionNumber lets a copy of a store carry
// it over, deleted versions' numbers included.
func versionCounterSpecs() []spec {
	return []spec{
		{"RaiseSetsTheLatestNumberOfAProfileWithoutVersions", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			raise(t, s, "app0001", "prof001", 7)
			wantCount(t, s, "LatestHostedConfigurationVersionNumber", 7, latestVersion)
			wantCount(t, s, "CountHostedConfigurationVersions", 0, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountHostedConfigurationVersions(ctx, "app0001", "prof001")
			})
		}},
		{"RaiseNeverLowers", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""), newVersion("app0001", "prof001", 2, ""),
				newVersion("app0001", "prof001", 3, ""))
			for _, n := range []int{2, 3, 0, -1} {
				raise(t, s, "app0001", "prof001", n)
				wantCount(t, s, "latest version after raising to "+itoa(n), 3, latestVersion)
			}
			raise(t, s, "app0001", "prof001", 9)
			raise(t, s, "app0001", "prof001", 5)
			wantCount(t, s, "latest version after raising to 9, then 5", 9, latestVersion)
		}},
		{"RaiseTouchesOnlyThatProfile", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			// The same profile ID in another application is another
			// profile.
			seedProfile(t, s, "app0002", "prof001")
			raise(t, s, "app0001", "prof001", 4)
			wantCount(t, s, "latest version of app0001/prof001", 4, latestVersion)
			for _, key := range [][2]string{{"app0001", "prof002"}, {"app0002", "prof001"}} {
				wantCount(t, s, "latest version of "+key[0]+"/"+key[1], 0, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
					return tx.LatestHostedConfigurationVersionNumber(ctx, key[0], key[1])
				})
			}
		}},
		{"NumbersContinueAfterTheRaisedNumber", func(t *testing.T, s appconfigd.Store) {
			// What a copy does: versions 1 and 3 survive, 4 and 5 were
			// deleted; the next version must be 6, never 4 again.
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""), newVersion("app0001", "prof001", 3, ""))
			raise(t, s, "app0001", "prof001", 5)
			wantCount(t, s, "latest version", 5, latestVersion)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				n, err := tx.LatestHostedConfigurationVersionNumber(ctx, "app0001", "prof001")
				if err != nil {
					return err
				}
				return tx.CreateHostedConfigurationVersion(ctx, newVersion("app0001", "prof001", n+1, ""))
			})
			wantEqual(t, "versions", listVersions(t, s, "", 0), [][]int{{6, 3, 1}})
			wantCount(t, s, "latest version", 6, latestVersion)
			// Deleting the newest version keeps the counter, as always.
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteHostedConfigurationVersion(ctx, "app0001", "prof001", 6)
			})
			wantCount(t, s, "latest version after deleting 6", 6, latestVersion)
		}},
		{"RaiseOnMissingProfileReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			for _, key := range [][2]string{{"app0001", "prof002"}, {"app0002", "prof001"}} {
				err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					return tx.RaiseHostedConfigurationVersionNumber(ctx, key[0], key[1], 3)
				})
				wantNotFound(t, err, appconfigd.ResourceConfigurationProfile, key[1])
			}
		}},
		{"RaiseAfterNotFoundLeavesTheTransactionUsable", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				err := tx.RaiseHostedConfigurationVersionNumber(ctx, "app0001", "missing", 3)
				if !appconfigd.IsCode(err, appconfigd.ENotFound) {
					t.Errorf("raise on a missing profile: %v, want %s", err, appconfigd.ENotFound)
				}
				return tx.RaiseHostedConfigurationVersionNumber(ctx, "app0001", "prof001", 3)
			})
			wantCount(t, s, "latest version", 3, latestVersion)
		}},
		{"RaiseIsRolledBackWithItsUpdate", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			errFn := errors.New("fn failed")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				if err := tx.RaiseHostedConfigurationVersionNumber(ctx, "app0001", "prof001", 8); err != nil {
					return err
				}
				return errFn
			})
			if !errors.Is(err, errFn) {
				t.Fatalf("Update returned %v, want the error of fn", err)
			}
			wantCount(t, s, "latest version after a rolled back raise", 0, latestVersion)
		}},
		{"RaiseInViewFails", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.RaiseHostedConfigurationVersionNumber(ctx, "app0001", "prof001", 8)
			})
			if err == nil {
				t.Errorf("RaiseHostedConfigurationVersionNumber in View succeeded, want an error")
			}
			wantCount(t, s, "latest version", 0, latestVersion)
		}},
		{"DeletingTheProfileForgetsTheCounter", func(t *testing.T, s appconfigd.Store) {
			// A profile created again with the same ID starts afresh, as
			// one that was never raised does; the counter is the profile's.
			seedProfile(t, s, "app0001", "prof001")
			raise(t, s, "app0001", "prof001", 5)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				if err := tx.DeleteConfigurationProfile(ctx, "app0001", "prof001"); err != nil {
					return err
				}
				return tx.CreateConfigurationProfile(ctx, newProfile("app0001", "prof001", "again"))
			})
			wantCount(t, s, "latest version of the new profile", 0, latestVersion)
		}},
	}
}
