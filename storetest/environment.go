package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func environmentID(e *appconfigd.Environment) string { return e.ID }

// findEnvironment returns an environment read in its own View.
func findEnvironment(t *testing.T, s appconfigd.Store, appID, id string) *appconfigd.Environment {
	t.Helper()
	var e *appconfigd.Environment
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		e, err = tx.FindEnvironment(ctx, appID, id)
		return err
	})
	return e
}

func environmentSpecs() []spec {
	return []spec{
		{"CreateThenFindReturnsEveryField", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			wantEqual(t, "FindEnvironment", findEnvironment(t, s, "app0001", "env0001"), newEnvironment("app0001", "env0001", "env env0001"))
		}},
		{"FindMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindEnvironment(ctx, "app0001", "env9999")
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceEnvironment, "env9999")
		}},
		{"FindInAnotherApplicationReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			seedEnvironment(t, s, "app0002")
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindEnvironment(ctx, "app0002", "env0001")
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceEnvironment, "env0001")
		}},
		{"CreateDuplicateIDReturnsConflict", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateEnvironment(ctx, newEnvironment("app0001", "env0001", "again"))
			})
			wantCode(t, err, appconfigd.EConflict)
		}},
		{"SameIDInAnotherApplicationIsAnotherEnvironment", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			seedEnvironment(t, s, "app0002", "env0001")
			got := findEnvironment(t, s, "app0002", "env0001")
			wantEqual(t, "FindEnvironment", got, newEnvironment("app0002", "env0001", "env env0001"))
		}},
		{"FindByNameReturnsEveryMatchInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001")
			seedEnvironment(t, s, "app0002")
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				for _, e := range []*appconfigd.Environment{
					newEnvironment("app0001", "zzz0001", "prod"),
					newEnvironment("app0001", "aaa0002", "beta"),
					newEnvironment("app0002", "bbb0003", "prod"),
					newEnvironment("app0001", "mmm0004", "prod"),
				} {
					if err := tx.CreateEnvironment(ctx, e); err != nil {
						return err
					}
				}
				return nil
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindEnvironmentsByName(ctx, "app0001", "prod")
				if err != nil {
					return err
				}
				wantEqual(t, "FindEnvironmentsByName", got, []*appconfigd.Environment{
					newEnvironment("app0001", "zzz0001", "prod"), newEnvironment("app0001", "mmm0004", "prod"),
				})
				return nil
			})
		}},
		{"FindByNameWithoutMatchReturnsNoneAndNoError", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			seedEnvironment(t, s, "app0002", "env0002")
			wantNoMatch(t, s, `FindEnvironmentsByName("app0001", "env env0002")`, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				found, err := tx.FindEnvironmentsByName(ctx, "app0001", "env env0002")
				return len(found), err
			})
		}},
		{"ListPagesInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "e000005", "d000004", "c000003")
			seedEnvironment(t, s, "app0002", "x000001")
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateEnvironment(ctx, newEnvironment("app0001", "b000002", "late"))
			})
			pages := collectPages(t, s, 3, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.Environment, int64, error) {
				return tx.ListEnvironments(ctx, "app0001", p)
			})
			wantEqual(t, "pages of ListEnvironments", pageKeys(pages, environmentID), [][]string{
				{"e000005", "d000004", "c000003"}, {"b000002"},
			})
			wantEqual(t, "first environment listed", pages[0][0], newEnvironment("app0001", "e000005", "env e000005"))
		}},
		{"CountCountsOnlyTheApplication", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			seedEnvironment(t, s, "app0002", "env0003")
			wantCount(t, s, "CountEnvironments", 2, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountEnvironments(ctx, "app0001")
			})
		}},
		{"UpdateSavesChanges", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			want := newEnvironment("app0001", "env0001", "renamed")
			want.Description = "changed"
			want.Monitors = []appconfigd.Monitor{{AlarmARN: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:new"}}
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateEnvironment(ctx, want) })
			wantEqual(t, "updated environment", findEnvironment(t, s, "app0001", "env0001"), want)
			wantEqual(t, "other environment", findEnvironment(t, s, "app0001", "env0002"), newEnvironment("app0001", "env0002", "env env0002"))

			want.Monitors = nil
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateEnvironment(ctx, want) })
			wantEqual(t, "environment without monitors", findEnvironment(t, s, "app0001", "env0001"), want)
		}},
		{"UpdateMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateEnvironment(ctx, newEnvironment("app0001", "env0001", "nope"))
			})
			wantNotFound(t, err, appconfigd.ResourceEnvironment, "env0001")
		}},
		{"LatestDeploymentStateFollowsTheHighestNumberedDeployment", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			if got := findEnvironment(t, s, "app0001", "env0001").LatestDeploymentState; got != "" {
				t.Fatalf("LatestDeploymentState without deployments = %q, want empty", got)
			}
			createDeployments(t, s,
				newDeployment("app0001", "env0001", 2, appconfigd.DeploymentBaking),
				newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete),
				newDeployment("app0001", "env0002", 3, appconfigd.DeploymentRolledBack))
			wantState := func(want appconfigd.DeploymentState) {
				t.Helper()
				view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					found, err := tx.FindEnvironment(ctx, "app0001", "env0001")
					if err != nil {
						return err
					}
					named, err := tx.FindEnvironmentsByName(ctx, "app0001", "env env0001")
					if err != nil {
						return err
					}
					listed, _, err := tx.ListEnvironments(ctx, "app0001", appconfigd.Page{})
					if err != nil {
						return err
					}
					for what, got := range map[string]*appconfigd.Environment{
						"FindEnvironment": found, "FindEnvironmentsByName": named[0], "ListEnvironments": listed[0],
					} {
						if got.LatestDeploymentState != want {
							t.Errorf("%s: LatestDeploymentState = %q, want %q", what, got.LatestDeploymentState, want)
						}
					}
					return nil
				})
			}
			wantState(appconfigd.DeploymentBaking)

			d := newDeployment("app0001", "env0001", 2, appconfigd.DeploymentComplete)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateDeployment(ctx, d) })
			wantState(appconfigd.DeploymentComplete)

			createDeployments(t, s, newDeployment("app0001", "env0001", 3, appconfigd.DeploymentDeploying))
			wantState(appconfigd.DeploymentDeploying)
		}},
		{"DeleteRemovesOnlyThatEnvironment", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteEnvironment(ctx, "app0001", "env0001")
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindEnvironment(ctx, "app0001", "env0001")
				wantNotFound(t, err, appconfigd.ResourceEnvironment, "env0001")
				got, _, err := tx.ListEnvironments(ctx, "app0001", appconfigd.Page{})
				if err != nil {
					return err
				}
				wantEqual(t, "environments left", keysOf(got, environmentID), []string{"env0002"})
				return nil
			})
		}},
		{"DeleteRemovesItsDeploymentsAndEvents", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			createDeployments(t, s,
				newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete),
				newDeployment("app0001", "env0001", 2, appconfigd.DeploymentDeploying),
				newDeployment("app0001", "env0002", 1, appconfigd.DeploymentDeploying))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteEnvironment(ctx, "app0001", "env0001")
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindDeployment(ctx, "app0001", "env0001", 1)
				wantNotFound(t, err, appconfigd.ResourceDeployment, "1")
				serving, err := tx.ListServingDeployments(ctx)
				if err != nil {
					return err
				}
				wantEqual(t, "deployments left", keysOf(serving, deploymentKey), []string{"app0001/env0002/1"})
				active, err := tx.ListActiveDeployments(ctx)
				if err != nil {
					return err
				}
				wantEqual(t, "active deployments left", keysOf(active, deploymentKey), []string{"app0001/env0002/1"})
				return nil
			})
			// An environment created again with the same ID starts afresh:
			// no deployment, and no stale event appended to a new one.
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateEnvironment(ctx, newEnvironment("app0001", "env0001", "again"))
			})
			d := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying)
			d.EventLog = d.EventLog[:1]
			createDeployments(t, s, d)
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, next, err := tx.ListDeployments(ctx, "app0001", "env0001", appconfigd.Page{})
				if err != nil {
					return err
				}
				wantEqual(t, "deployments of the new environment", got, []*appconfigd.Deployment{d})
				if next != 0 {
					t.Errorf("next cursor = %d, want 0", next)
				}
				return nil
			})
		}},
		{"DeleteMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteEnvironment(ctx, "app0001", "env0001")
			})
			wantNotFound(t, err, appconfigd.ResourceEnvironment, "env0001")
		}},
	}
}
