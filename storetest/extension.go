package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// newExtension returns a version of an extension with every field set.
func newExtension(id, name string, version int) *appconfigd.Extension {
	return &appconfigd.Extension{
		ID:            id,
		Name:          name,
		VersionNumber: version,
		Description:   "Extension " + id + " v" + itoa(version),
		Actions: map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
			appconfigd.ActionPreStartDeployment:   {{Name: "check", Description: "checks", URI: "https://hooks.example.com/" + id, RoleARN: "arn:aws:iam::111122223333:role/Ext"}},
			appconfigd.ActionOnDeploymentComplete: {{Name: "notify", URI: "arn:aws:lambda:us-east-1:111122223333:function:notify"}},
		},
		Parameters: map[string]appconfigd.ExtensionParameter{
			"bucket": {Description: "where", Required: true},
			"ticket": {Dynamic: true},
		},
		CreatedAt: instant(version),
	}
}

func extensionKey(e *appconfigd.Extension) string { return e.ID + "/" + itoa(e.VersionNumber) }

// createExtensions stores es in one transaction.
func createExtensions(t *testing.T, s appconfigd.Store, es ...*appconfigd.Extension) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		for _, e := range es {
			if err := tx.CreateExtension(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// findExtension returns a version read in its own View.
func findExtension(t *testing.T, s appconfigd.Store, id string, version int) *appconfigd.Extension {
	t.Helper()
	var e *appconfigd.Extension
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		e, err = tx.FindExtension(ctx, id, version)
		return err
	})
	return e
}

func extensionSpecs() []spec {
	return []spec{
		{"CreateThenFindReturnsEveryField", func(t *testing.T, s appconfigd.Store) {
			want := newExtension("ext0001", "backup", 1)
			createExtensions(t, s, want)
			wantEqual(t, "FindExtension", findExtension(t, s, "ext0001", 1), want)
		}},
		{"VersionZeroFindsTheLatest", func(t *testing.T, s appconfigd.Store) {
			createExtensions(t, s, newExtension("ext0001", "backup", 1), newExtension("ext0001", "backup", 2))
			wantEqual(t, "FindExtension(version 0)", findExtension(t, s, "ext0001", 0), newExtension("ext0001", "backup", 2))
			wantEqual(t, "FindExtension(version 1)", findExtension(t, s, "ext0001", 1), newExtension("ext0001", "backup", 1))
		}},
		{"FindMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			createExtensions(t, s, newExtension("ext0001", "backup", 1))
			for _, version := range []int{0, 2} {
				err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					_, err := tx.FindExtension(ctx, "ext0099", version)
					return err
				})
				wantNotFound(t, err, appconfigd.ResourceExtension, "ext0099")
			}
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindExtension(ctx, "ext0001", 2)
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceExtension, "ext0001")
		}},
		{"CreateExistingVersionReturnsConflict", func(t *testing.T, s appconfigd.Store) {
			createExtensions(t, s, newExtension("ext0001", "backup", 1))
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateExtension(ctx, newExtension("ext0001", "backup", 1))
			})
			wantCode(t, err, appconfigd.EConflict)
		}},
		{"FindByNameReturnsTheLatestVersion", func(t *testing.T, s appconfigd.Store) {
			createExtensions(t, s, newExtension("ext0001", "backup", 1), newExtension("ext0002", "audit", 1), newExtension("ext0001", "backup", 2))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindExtensionsByName(ctx, "backup")
				wantEqual(t, "FindExtensionsByName", got, []*appconfigd.Extension{newExtension("ext0001", "backup", 2)})
				return err
			})
			wantNoMatch(t, s, `FindExtensionsByName("none")`, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				found, err := tx.FindExtensionsByName(ctx, "none")
				return len(found), err
			})
		}},
		{"ListShowsTheLatestVersionsInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			createExtensions(t, s, newExtension("zzz0001", "z", 1), newExtension("aaa0002", "a", 1), newExtension("zzz0001", "z", 2))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				all, err := tx.ListExtensions(ctx, "")
				if err != nil {
					return err
				}
				wantEqual(t, "ListExtensions", keysOf(all, extensionKey), []string{"zzz0001/2", "aaa0002/1"})
				named, err := tx.ListExtensions(ctx, "a")
				wantEqual(t, `ListExtensions("a")`, keysOf(named, extensionKey), []string{"aaa0002/1"})
				return err
			})
		}},
		{"UpdateSavesOneVersion", func(t *testing.T, s appconfigd.Store) {
			createExtensions(t, s, newExtension("ext0001", "backup", 1), newExtension("ext0001", "backup", 2))
			want := newExtension("ext0001", "backup", 1)
			want.Description = "changed"
			want.Actions = map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
				appconfigd.ActionAtDeploymentTick: {{Name: "tick", URI: "http://127.0.0.1:9/tick"}},
			}
			want.Parameters = nil
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateExtension(ctx, want) })
			wantEqual(t, "updated version", findExtension(t, s, "ext0001", 1), want)
			wantEqual(t, "other version", findExtension(t, s, "ext0001", 2), newExtension("ext0001", "backup", 2))
		}},
		{"UpdateAndDeleteMissingReturnNotFound", func(t *testing.T, s appconfigd.Store) {
			createExtensions(t, s, newExtension("ext0001", "backup", 1))
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateExtension(ctx, newExtension("ext0001", "backup", 2))
			})
			wantNotFound(t, err, appconfigd.ResourceExtension, "ext0001")
			err = updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteExtension(ctx, "ext0099", 1) })
			wantNotFound(t, err, appconfigd.ResourceExtension, "ext0099")
		}},
		{"DeleteRemovesOneVersion", func(t *testing.T, s appconfigd.Store) {
			createExtensions(t, s, newExtension("ext0001", "backup", 1), newExtension("ext0001", "backup", 2))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteExtension(ctx, "ext0001", 2) })
			wantEqual(t, "latest after deleting version 2", findExtension(t, s, "ext0001", 0), newExtension("ext0001", "backup", 1))
		}},
	}
}
