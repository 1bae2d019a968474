package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// newAssociation returns an association with every field set; envID and
// profileID may be empty.
func newAssociation(id, appID, envID, profileID string) *appconfigd.ExtensionAssociation {
	return &appconfigd.ExtensionAssociation{
		ID:                     id,
		ExtensionID:            "ext0001",
		ExtensionVersionNumber: 2,
		Resource:               appconfigd.AssociatedResource{ApplicationID: appID, EnvironmentID: envID, ConfigurationProfileID: profileID},
		ResourceARN:            "arn:aws:appconfig:us-east-1::application/" + appID + "/" + envID + profileID,
		Parameters:             map[string]string{"bucket": "b-" + id},
		CreatedAt:              instant(4),
	}
}

func associationID(a *appconfigd.ExtensionAssociation) string { return a.ID }

// createAssociations stores as in one transaction.
func createAssociations(t *testing.T, s appconfigd.Store, as ...*appconfigd.ExtensionAssociation) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		for _, a := range as {
			if err := tx.CreateExtensionAssociation(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// listAssociations returns the IDs of the associations that match filter.
func listAssociations(t *testing.T, s appconfigd.Store, filter appconfigd.ExtensionAssociationFilter) []string {
	t.Helper()
	var ids []string
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		as, _, err := tx.ListExtensionAssociations(ctx, filter, appconfigd.Page{})
		ids = keysOf(as, associationID)
		return err
	})
	return ids
}

// seedAssociationTree creates application app1 with environment env1 and
// profile prof1, and an association with each.
func seedAssociationTree(t *testing.T, s appconfigd.Store) {
	t.Helper()
	seedEnvironment(t, s, "app1", "env1")
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		return tx.CreateConfigurationProfile(ctx, newProfile("app1", "prof1", "profile"))
	})
	createAssociations(t, s, newAssociation("asc0001", "app1", "", ""),
		newAssociation("asc0002", "app1", "env1", ""), newAssociation("asc0003", "app1", "", "prof1"))
}

func associationSpecs() []spec {
	return []spec{
		{"CreateThenFindReturnsEveryField", func(t *testing.T, s appconfigd.Store) {
			seedAssociationTree(t, s)
			for _, want := range []*appconfigd.ExtensionAssociation{
				newAssociation("asc0001", "app1", "", ""), newAssociation("asc0002", "app1", "env1", ""), newAssociation("asc0003", "app1", "", "prof1"),
			} {
				view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					got, err := tx.FindExtensionAssociation(ctx, want.ID)
					wantEqual(t, "FindExtensionAssociation "+want.ID, got, want)
					return err
				})
			}
		}},
		{"FindMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindExtensionAssociation(ctx, "asc0099")
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceExtensionAssociation, "asc0099")
		}},
		{"CreateWithMissingResourceReturnsItsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app1", "env1")
			cases := []struct {
				a        *appconfigd.ExtensionAssociation
				rt       appconfigd.ResourceType
				resource string
			}{
				{newAssociation("asc0001", "app9", "", ""), appconfigd.ResourceApplication, "app9"},
				{newAssociation("asc0002", "app1", "env9", ""), appconfigd.ResourceEnvironment, "env9"},
				{newAssociation("asc0003", "app1", "", "prof9"), appconfigd.ResourceConfigurationProfile, "prof9"},
			}
			for _, c := range cases {
				err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.CreateExtensionAssociation(ctx, c.a) })
				wantNotFound(t, err, c.rt, c.resource)
			}
		}},
		{"ListFiltersByResourceAndExtension", func(t *testing.T, s appconfigd.Store) {
			seedAssociationTree(t, s)
			other := newAssociation("asc0004", "app1", "env1", "")
			other.ExtensionID, other.ExtensionVersionNumber = "ext0002", 1
			createAssociations(t, s, other)
			cases := []struct {
				name   string
				filter appconfigd.ExtensionAssociationFilter
				want   []string
			}{
				{"Everything", appconfigd.ExtensionAssociationFilter{}, []string{"asc0001", "asc0002", "asc0003", "asc0004"}},
				{"Application", appconfigd.ExtensionAssociationFilter{Resource: &appconfigd.AssociatedResource{ApplicationID: "app1"}}, []string{"asc0001"}},
				{"Environment", appconfigd.ExtensionAssociationFilter{Resource: &appconfigd.AssociatedResource{ApplicationID: "app1", EnvironmentID: "env1"}}, []string{"asc0002", "asc0004"}},
				{"Profile", appconfigd.ExtensionAssociationFilter{Resource: &appconfigd.AssociatedResource{ApplicationID: "app1", ConfigurationProfileID: "prof1"}}, []string{"asc0003"}},
				{"Extension", appconfigd.ExtensionAssociationFilter{ExtensionID: "ext0002"}, []string{"asc0004"}},
				{"ExtensionVersion", appconfigd.ExtensionAssociationFilter{ExtensionID: "ext0001", ExtensionVersionNumber: 1}, nil},
				{"ResourceAndExtension", appconfigd.ExtensionAssociationFilter{Resource: &appconfigd.AssociatedResource{ApplicationID: "app1", EnvironmentID: "env1"}, ExtensionID: "ext0001", ExtensionVersionNumber: 2}, []string{"asc0002"}},
			}
			for _, c := range cases {
				wantEqual(t, "ListExtensionAssociations "+c.name, listAssociations(t, s, c.filter), c.want)
			}
		}},
		{"ListPagesInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			seedAssociationTree(t, s)
			pages := collectPages(t, s, 2, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.ExtensionAssociation, int64, error) {
				return tx.ListExtensionAssociations(ctx, appconfigd.ExtensionAssociationFilter{}, p)
			})
			wantEqual(t, "pages of ListExtensionAssociations", pageKeys(pages, associationID), [][]string{{"asc0001", "asc0002"}, {"asc0003"}})
		}},
		{"UpdateSavesParameters", func(t *testing.T, s appconfigd.Store) {
			seedAssociationTree(t, s)
			want := newAssociation("asc0002", "app1", "env1", "")
			want.Parameters = map[string]string{"bucket": "changed", "other": "x"}
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateExtensionAssociation(ctx, want) })
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindExtensionAssociation(ctx, "asc0002")
				wantEqual(t, "updated association", got, want)
				return err
			})
		}},
		{"UpdateAndDeleteMissingReturnNotFound", func(t *testing.T, s appconfigd.Store) {
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateExtensionAssociation(ctx, newAssociation("asc0099", "app1", "", ""))
			})
			wantNotFound(t, err, appconfigd.ResourceExtensionAssociation, "asc0099")
			err = updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteExtensionAssociation(ctx, "asc0099")
			})
			wantNotFound(t, err, appconfigd.ResourceExtensionAssociation, "asc0099")
		}},
		{"DeleteRemovesIt", func(t *testing.T, s appconfigd.Store) {
			seedAssociationTree(t, s)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteExtensionAssociation(ctx, "asc0002")
			})
			wantEqual(t, "associations left", listAssociations(t, s, appconfigd.ExtensionAssociationFilter{}), []string{"asc0001", "asc0003"})
		}},
		{"DeletingTheResourceDeletesItsAssociations", func(t *testing.T, s appconfigd.Store) {
			seedAssociationTree(t, s)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteEnvironment(ctx, "app1", "env1") })
			wantEqual(t, "after DeleteEnvironment", listAssociations(t, s, appconfigd.ExtensionAssociationFilter{}), []string{"asc0001", "asc0003"})
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteConfigurationProfile(ctx, "app1", "prof1")
			})
			wantEqual(t, "after DeleteConfigurationProfile", listAssociations(t, s, appconfigd.ExtensionAssociationFilter{}), []string{"asc0001"})
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteApplication(ctx, "app1") })
			wantEqual(t, "after DeleteApplication", listAssociations(t, s, appconfigd.ExtensionAssociationFilter{}), []string(nil))
		}},
		{"DeploymentsKeepTheirAppliedExtensions", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app1", "env1")
			d := newDeployment("app1", "env1", 1, appconfigd.DeploymentDeploying)
			d.AppliedExtensions = []appconfigd.AppliedExtension{
				{ExtensionID: "ext0001", ExtensionAssociationID: "asc0001", VersionNumber: 2, Parameters: map[string]string{"bucket": "b"}},
				{ExtensionID: "ext0002", ExtensionAssociationID: "asc0002", VersionNumber: 1},
			}
			createDeployments(t, s, d)
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindDeployment(ctx, "app1", "env1", 1)
				if err == nil {
					wantEqual(t, "AppliedExtensions", got.AppliedExtensions, d.AppliedExtensions)
				}
				return err
			})
		}},
	}
}
