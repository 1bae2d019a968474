package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func profileID(p *appconfigd.ConfigurationProfile) string { return p.ID }

// findProfile returns a profile read in its own View.
func findProfile(t *testing.T, s appconfigd.Store, appID, id string) *appconfigd.ConfigurationProfile {
	t.Helper()
	var p *appconfigd.ConfigurationProfile
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		p, err = tx.FindConfigurationProfile(ctx, appID, id)
		return err
	})
	return p
}

// createProfiles stores ps in one transaction.
func createProfiles(t *testing.T, s appconfigd.Store, ps ...*appconfigd.ConfigurationProfile) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		for _, p := range ps {
			if err := tx.CreateConfigurationProfile(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

func profileSpecs() []spec {
	return []spec{
		{"CreateThenFindReturnsEveryField", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			wantEqual(t, "FindConfigurationProfile", findProfile(t, s, "app0001", "prof001"), newProfile("app0001", "prof001", "profile prof001"))
		}},
		{"EmptyTypeAndValidatorsRoundTrip", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001")
			want := newProfile("app0001", "prof001", "plain")
			want.Type, want.Validators, want.KMSKeyIdentifier, want.RetrievalRoleARN = "", nil, "", ""
			createProfiles(t, s, want)
			wantEqual(t, "FindConfigurationProfile", findProfile(t, s, "app0001", "prof001"), want)
		}},
		{"FindMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			seedProfile(t, s, "app0002")
			for _, key := range [][2]string{{"app0001", "prof999"}, {"app0002", "prof001"}} {
				err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					_, err := tx.FindConfigurationProfile(ctx, key[0], key[1])
					return err
				})
				wantNotFound(t, err, appconfigd.ResourceConfigurationProfile, key[1])
			}
		}},
		{"CreateDuplicateIDReturnsConflict", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateConfigurationProfile(ctx, newProfile("app0001", "prof001", "again"))
			})
			wantCode(t, err, appconfigd.EConflict)
		}},
		{"FindByNameReturnsEveryMatchInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001")
			seedProfile(t, s, "app0002")
			createProfiles(t, s,
				newProfile("app0001", "zzz0001", "flags"),
				newProfile("app0002", "aaa0002", "flags"),
				newProfile("app0001", "bbb0003", "other"),
				newProfile("app0001", "ccc0004", "flags"))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindConfigurationProfilesByName(ctx, "app0001", "flags")
				if err != nil {
					return err
				}
				wantEqual(t, "FindConfigurationProfilesByName", got, []*appconfigd.ConfigurationProfile{
					newProfile("app0001", "zzz0001", "flags"), newProfile("app0001", "ccc0004", "flags"),
				})
				return nil
			})
		}},
		{"FindByNameWithoutMatchReturnsNoneAndNoError", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			wantNoMatch(t, s, `FindConfigurationProfilesByName("app0001", "missing")`, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				found, err := tx.FindConfigurationProfilesByName(ctx, "app0001", "missing")
				return len(found), err
			})
		}},
		{"ListPagesInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "e000005", "d000004", "c000003", "b000002", "a000001")
			seedProfile(t, s, "app0002", "x000001")
			pages := collectPages(t, s, 2, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.ConfigurationProfile, int64, error) {
				return tx.ListConfigurationProfiles(ctx, "app0001", appconfigd.ConfigurationProfileFilter{}, p)
			})
			wantEqual(t, "pages of ListConfigurationProfiles", pageKeys(pages, profileID), [][]string{
				{"e000005", "d000004"}, {"c000003", "b000002"}, {"a000001"},
			})
			wantEqual(t, "first profile listed", pages[0][0], newProfile("app0001", "e000005", "profile e000005"))
		}},
		{"ListFiltersByEffectiveType", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001")
			untyped := newProfile("app0001", "untyped", "u")
			untyped.Type = ""
			freeform := newProfile("app0001", "freefrm", "f")
			freeform.Type = appconfigd.ProfileTypeFreeform
			createProfiles(t, s,
				newProfile("app0001", "flags01", "a"), untyped, freeform, newProfile("app0001", "flags02", "b"))
			for _, tc := range []struct {
				filter string
				limit  int
				want   [][]string
			}{
				{"", 0, [][]string{{"flags01", "untyped", "freefrm", "flags02"}}},
				{appconfigd.ProfileTypeFeatureFlags, 0, [][]string{{"flags01", "flags02"}}},
				{appconfigd.ProfileTypeFeatureFlags, 1, [][]string{{"flags01"}, {"flags02"}}},
				// An empty Type means AWS.Freeform.
				{appconfigd.ProfileTypeFreeform, 0, [][]string{{"untyped", "freefrm"}}},
				{"AWS.Other", 0, [][]string{nil}},
			} {
				pages := collectPages(t, s, tc.limit, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.ConfigurationProfile, int64, error) {
					return tx.ListConfigurationProfiles(ctx, "app0001", appconfigd.ConfigurationProfileFilter{Type: tc.filter}, p)
				})
				wantEqual(t, "profiles of type "+tc.filter, pageKeys(pages, profileID), tc.want)
			}
		}},
		{"CountCountsOnlyTheApplication", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002", "prof003")
			seedProfile(t, s, "app0002", "prof004")
			wantCount(t, s, "CountConfigurationProfiles", 3, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountConfigurationProfiles(ctx, "app0001")
			})
		}},
		{"UpdateSavesChanges", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			want := newProfile("app0001", "prof001", "renamed")
			want.Description = "changed"
			want.RetrievalRoleARN = ""
			want.KMSKeyIdentifier = "alias/other"
			want.Validators = []appconfigd.Validator{{Type: appconfigd.ValidatorJSONSchema, Content: `{}`}}
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateConfigurationProfile(ctx, want) })
			wantEqual(t, "updated profile", findProfile(t, s, "app0001", "prof001"), want)
			wantEqual(t, "other profile", findProfile(t, s, "app0001", "prof002"), newProfile("app0001", "prof002", "profile prof002"))
		}},
		{"UpdateKeepsTheVersionCounter", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""), newVersion("app0001", "prof001", 2, ""))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateConfigurationProfile(ctx, newProfile("app0001", "prof001", "renamed"))
			})
			wantCount(t, s, "LatestHostedConfigurationVersionNumber", 2, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.LatestHostedConfigurationVersionNumber(ctx, "app0001", "prof001")
			})
		}},
		{"UpdateMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateConfigurationProfile(ctx, newProfile("app0001", "prof001", "nope"))
			})
			wantNotFound(t, err, appconfigd.ResourceConfigurationProfile, "prof001")
		}},
		{"DeleteRemovesOnlyThatProfile", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteConfigurationProfile(ctx, "app0001", "prof001")
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindConfigurationProfile(ctx, "app0001", "prof001")
				wantNotFound(t, err, appconfigd.ResourceConfigurationProfile, "prof001")
				got, _, err := tx.ListConfigurationProfiles(ctx, "app0001", appconfigd.ConfigurationProfileFilter{}, appconfigd.Page{})
				if err != nil {
					return err
				}
				wantEqual(t, "profiles left", keysOf(got, profileID), []string{"prof002"})
				return nil
			})
		}},
		{"DeleteMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteConfigurationProfile(ctx, "app0001", "prof001")
			})
			wantNotFound(t, err, appconfigd.ResourceConfigurationProfile, "prof001")
		}},
	}
}
