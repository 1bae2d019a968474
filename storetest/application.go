package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func applicationID(a *appconfigd.Application) string { return a.ID }

// createApplications stores apps in one transaction, in order.
func createApplications(t *testing.T, s appconfigd.Store, apps ...*appconfigd.Application) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		for _, a := range apps {
			if err := tx.CreateApplication(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

func applicationSpecs() []spec {
	return []spec{
		{"CreateThenFindReturnsEveryField", func(t *testing.T, s appconfigd.Store) {
			want := newApplication("abc1234", "web")
			createApplications(t, s, want)
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindApplication(ctx, "abc1234")
				if err != nil {
					return err
				}
				wantEqual(t, "FindApplication", got, want)
				return nil
			})
		}},
		{"FindMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			createApplications(t, s, newApplication("abc1234", "web"))
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindApplication(ctx, "zzz9999")
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceApplication, "zzz9999")
		}},
		{"CreateDuplicateIDReturnsConflict", func(t *testing.T, s appconfigd.Store) {
			createApplications(t, s, newApplication("abc1234", "web"))
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateApplication(ctx, newApplication("abc1234", "other"))
			})
			wantCode(t, err, appconfigd.EConflict)
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindApplication(ctx, "abc1234")
				if err != nil {
					return err
				}
				if got.Name != "web" {
					t.Errorf("Name = %q after a conflicting create, want the original %q", got.Name, "web")
				}
				return nil
			})
		}},
		{"FindByNameReturnsEveryMatchInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			createApplications(t, s,
				newApplication("ccc0001", "shared"),
				newApplication("aaa0002", "alone"),
				newApplication("bbb0003", "shared"))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindApplicationsByName(ctx, "shared")
				if err != nil {
					return err
				}
				wantEqual(t, "FindApplicationsByName", got, []*appconfigd.Application{
					newApplication("ccc0001", "shared"), newApplication("bbb0003", "shared"),
				})
				return nil
			})
		}},
		{"FindByNameWithoutMatchReturnsNoneAndNoError", func(t *testing.T, s appconfigd.Store) {
			createApplications(t, s, newApplication("abc1234", "web"))
			wantNoMatch(t, s, `FindApplicationsByName("Web")`, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				found, err := tx.FindApplicationsByName(ctx, "Web")
				return len(found), err
			})
		}},
		{"ListReturnsCreationOrder", func(t *testing.T, s appconfigd.Store) {
			apps := []*appconfigd.Application{
				newApplication("zzz0001", "z"), newApplication("aaa0002", "a"), newApplication("mmm0003", "m"),
			}
			createApplications(t, s, apps...)
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, next, err := tx.ListApplications(ctx, appconfigd.Page{})
				if err != nil {
					return err
				}
				wantEqual(t, "ListApplications", got, apps)
				if next != 0 {
					t.Errorf("next cursor = %d with Limit 0, want 0", next)
				}
				return nil
			})
		}},
		{"ListPagesWithCursor", func(t *testing.T, s appconfigd.Store) {
			ids := []string{"e000005", "d000004", "c000003", "b000002", "a000001"}
			for _, id := range ids {
				createApplications(t, s, newApplication(id, "app"))
			}
			for _, tc := range []struct {
				limit int
				want  [][]string
			}{
				{1, [][]string{{ids[0]}, {ids[1]}, {ids[2]}, {ids[3]}, {ids[4]}}},
				{2, [][]string{ids[0:2], ids[2:4], ids[4:]}},
				{5, [][]string{ids}},
				{6, [][]string{ids}},
				{0, [][]string{ids}},
			} {
				pages := collectPages(t, s, tc.limit, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.Application, int64, error) {
					return tx.ListApplications(ctx, p)
				})
				wantEqual(t, "pages of ListApplications with Limit "+itoa(tc.limit), pageKeys(pages, applicationID), tc.want)
			}
		}},
		{"ListCursorSurvivesDeletes", func(t *testing.T, s appconfigd.Store) {
			createApplications(t, s,
				newApplication("a000001", "a"), newApplication("b000002", "b"),
				newApplication("c000003", "c"), newApplication("d000004", "d"))
			var cursor int64
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, next, err := tx.ListApplications(ctx, appconfigd.Page{Limit: 2})
				cursor = next
				return err
			})
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				if err := tx.DeleteApplication(ctx, "b000002"); err != nil {
					return err
				}
				return tx.DeleteApplication(ctx, "c000003")
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, next, err := tx.ListApplications(ctx, appconfigd.Page{Cursor: cursor, Limit: 2})
				if err != nil {
					return err
				}
				wantEqual(t, "page after deletes", keysOf(got, applicationID), []string{"d000004"})
				if next != 0 {
					t.Errorf("next cursor = %d on the last page, want 0", next)
				}
				return nil
			})
		}},
		{"CountCountsEveryApplication", func(t *testing.T, s appconfigd.Store) {
			count := func(ctx context.Context, tx appconfigd.Tx) (int, error) { return tx.CountApplications(ctx) }
			wantCount(t, s, "CountApplications on an empty store", 0, count)
			createApplications(t, s, newApplication("a000001", "a"), newApplication("b000002", "b"), newApplication("c000003", "a"))
			wantCount(t, s, "CountApplications", 3, count)
		}},
		{"UpdateSavesChanges", func(t *testing.T, s appconfigd.Store) {
			createApplications(t, s, newApplication("abc1234", "web"), newApplication("def5678", "untouched"))
			want := newApplication("abc1234", "renamed")
			want.Description = ""
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateApplication(ctx, want)
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindApplication(ctx, "abc1234")
				if err != nil {
					return err
				}
				wantEqual(t, "updated application", got, want)
				other, err := tx.FindApplication(ctx, "def5678")
				if err != nil {
					return err
				}
				wantEqual(t, "other application", other, newApplication("def5678", "untouched"))
				return nil
			})
		}},
		{"UpdateMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateApplication(ctx, newApplication("abc1234", "web"))
			})
			wantNotFound(t, err, appconfigd.ResourceApplication, "abc1234")
		}},
		{"DeleteRemovesOnlyThatApplication", func(t *testing.T, s appconfigd.Store) {
			createApplications(t, s, newApplication("abc1234", "web"), newApplication("def5678", "api"))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteApplication(ctx, "abc1234")
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindApplication(ctx, "abc1234")
				wantNotFound(t, err, appconfigd.ResourceApplication, "abc1234")
				got, _, err := tx.ListApplications(ctx, appconfigd.Page{})
				if err != nil {
					return err
				}
				wantEqual(t, "applications left", keysOf(got, applicationID), []string{"def5678"})
				return nil
			})
		}},
		{"DeleteMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteApplication(ctx, "abc1234")
			})
			wantNotFound(t, err, appconfigd.ResourceApplication, "abc1234")
		}},
	}
}
