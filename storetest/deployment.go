package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func deploymentNumber(d *appconfigd.Deployment) int { return d.DeploymentNumber }

func deploymentKey(d *appconfigd.Deployment) string {
	return fmt.Sprintf("%s/%s/%d", d.ApplicationID, d.EnvironmentID, d.DeploymentNumber)
}

// withoutEvents returns a copy of d as ListServingDeployments returns it.
func withoutEvents(d *appconfigd.Deployment) *appconfigd.Deployment {
	c := *d
	c.EventLog = nil
	return &c
}

// findDeployment returns a deployment read in its own View.
func findDeployment(t *testing.T, s appconfigd.Store, appID, envID string, number int) *appconfigd.Deployment {
	t.Helper()
	var d *appconfigd.Deployment
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		d, err = tx.FindDeployment(ctx, appID, envID, number)
		return err
	})
	return d
}

func deploymentSpecs() []spec {
	return []spec{
		{"CreateThenFindReturnsEveryFieldAndTheEventLog", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			want := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete)
			want.CompletedAt = instant(1000)
			createDeployments(t, s, want)
			wantEqual(t, "FindDeployment", findDeployment(t, s, "app0001", "env0001", 1), want)
		}},
		{"ZeroAndEmptyFieldsRoundTrip", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			want := &appconfigd.Deployment{ApplicationID: "app0001", EnvironmentID: "env0001", DeploymentNumber: 1}
			createDeployments(t, s, want)
			wantEqual(t, "FindDeployment", findDeployment(t, s, "app0001", "env0001", 1), want)
		}},
		{"FindMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			createDeployments(t, s, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete))
			for _, key := range []struct {
				env    string
				number int
			}{{"env0001", 2}, {"env0002", 1}} {
				err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					_, err := tx.FindDeployment(ctx, "app0001", key.env, key.number)
					return err
				})
				wantNotFound(t, err, appconfigd.ResourceDeployment, strconv.Itoa(key.number))
			}
		}},
		{"CreateDuplicateNumberReturnsConflict", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			createDeployments(t, s, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying))
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateDeployment(ctx, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete))
			})
			wantCode(t, err, appconfigd.EConflict)
			want := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying)
			wantEqual(t, "deployment after a conflicting create", findDeployment(t, s, "app0001", "env0001", 1), want)
		}},
		{"SameNumberInAnotherEnvironmentIsAnotherDeployment", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			d1 := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete)
			d2 := newDeployment("app0001", "env0002", 1, appconfigd.DeploymentDeploying)
			d2.Description = "the other one"
			createDeployments(t, s, d1, d2)
			wantEqual(t, "deployment 1 of env0001", findDeployment(t, s, "app0001", "env0001", 1), d1)
			wantEqual(t, "deployment 1 of env0002", findDeployment(t, s, "app0001", "env0002", 1), d2)
		}},
		{"LatestIsNilWithoutDeployments", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			createDeployments(t, s, newDeployment("app0001", "env0002", 1, appconfigd.DeploymentComplete))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				d, err := tx.LatestDeployment(ctx, "app0001", "env0001")
				if err != nil {
					return err
				}
				if d != nil {
					t.Errorf("LatestDeployment = %s, want nil", deploymentKey(d))
				}
				return nil
			})
		}},
		{"LatestIsTheHighestNumberWithItsEventLog", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			want := newDeployment("app0001", "env0001", 3, appconfigd.DeploymentDeploying)
			createDeployments(t, s,
				newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete),
				want,
				newDeployment("app0001", "env0001", 2, appconfigd.DeploymentComplete),
				newDeployment("app0001", "env0002", 4, appconfigd.DeploymentDeploying))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.LatestDeployment(ctx, "app0001", "env0001")
				if err != nil {
					return err
				}
				wantEqual(t, "LatestDeployment", got, want)
				return nil
			})
		}},
		{"ListIsDescendingWithEventLogs", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			d1 := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete)
			d2 := newDeployment("app0001", "env0001", 2, appconfigd.DeploymentRolledBack)
			d2.EventLog = append(d2.EventLog, appconfigd.DeploymentEvent{
				EventType: appconfigd.EventRollbackStarted, TriggeredBy: appconfigd.TriggeredByCloudWatchAlarm,
				Description: "Alarm", OccurredAt: instant(250),
			})
			d3 := newDeployment("app0001", "env0001", 3, appconfigd.DeploymentDeploying)
			createDeployments(t, s, d2, newDeployment("app0001", "env0002", 9, appconfigd.DeploymentComplete), d1, d3)
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, next, err := tx.ListDeployments(ctx, "app0001", "env0001", appconfigd.Page{})
				if err != nil {
					return err
				}
				wantEqual(t, "ListDeployments", got, []*appconfigd.Deployment{d3, d2, d1})
				if next != 0 {
					t.Errorf("next cursor = %d with Limit 0, want 0", next)
				}
				return nil
			})
		}},
		{"ListPagesDescendingWithEventLogs", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			var want []*appconfigd.Deployment
			for n := 5; n >= 1; n-- {
				d := newDeployment("app0001", "env0001", n, appconfigd.DeploymentComplete)
				d.EventLog = d.EventLog[:n%3] // 2, 1, 0, 2, 1 events
				want = append(want, d)
			}
			createDeployments(t, s, want...)
			pages := collectPages(t, s, 2, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.Deployment, int64, error) {
				return tx.ListDeployments(ctx, "app0001", "env0001", p)
			})
			wantEqual(t, "pages of ListDeployments", pages, [][]*appconfigd.Deployment{want[0:2], want[2:4], want[4:]})
		}},
		{"UpdateSavesProgressAndAppendsOnlyNewEvents", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			createDeployments(t, s,
				newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying),
				newDeployment("app0001", "env0001", 2, appconfigd.DeploymentDeploying))
			d := findDeployment(t, s, "app0001", "env0001", 1)
			d.State = appconfigd.DeploymentBaking
			d.PercentageComplete = 100
			d.EventLog = append(d.EventLog,
				appconfigd.DeploymentEvent{EventType: appconfigd.EventPercentageUpdated, TriggeredBy: appconfigd.TriggeredByAppConfig, Description: "100%", OccurredAt: instant(150)},
				appconfigd.DeploymentEvent{EventType: appconfigd.EventBakeTimeStarted, TriggeredBy: appconfigd.TriggeredByAppConfig, Description: "Bake", OccurredAt: instant(160)})
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateDeployment(ctx, d) })
			wantEqual(t, "deployment after the first update", findDeployment(t, s, "app0001", "env0001", 1), d)

			// Saving again with nothing appended stores no event twice.
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateDeployment(ctx, d) })
			wantEqual(t, "deployment saved twice", findDeployment(t, s, "app0001", "env0001", 1), d)

			d.State = appconfigd.DeploymentComplete
			d.CompletedAt = instant(170)
			d.EventLog = append(d.EventLog, appconfigd.DeploymentEvent{
				EventType: appconfigd.EventDeploymentCompleted, TriggeredBy: appconfigd.TriggeredByAppConfig, Description: "Done", OccurredAt: instant(170),
			})
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateDeployment(ctx, d) })
			wantEqual(t, "deployment after completing", findDeployment(t, s, "app0001", "env0001", 1), d)
			wantEqual(t, "the other deployment", findDeployment(t, s, "app0001", "env0001", 2),
				newDeployment("app0001", "env0001", 2, appconfigd.DeploymentDeploying))
		}},
		{"UpdateSavesOnlyProgress", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			want := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying)
			createDeployments(t, s, want)
			changed := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentRolledBack)
			changed.Description = "not saved"
			changed.VersionNumber = 99
			changed.TimeScale = 1
			changed.StartedAt = instant(9999)
			changed.PercentageComplete = 0
			changed.CompletedAt = instant(10000)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateDeployment(ctx, changed) })
			want.State, want.PercentageComplete, want.CompletedAt = changed.State, changed.PercentageComplete, changed.CompletedAt
			wantEqual(t, "deployment after UpdateDeployment", findDeployment(t, s, "app0001", "env0001", 1), want)
		}},
		{"UpdateMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateDeployment(ctx, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete))
			})
			wantNotFound(t, err, appconfigd.ResourceDeployment, "1")
		}},
		{"ListActiveReturnsActiveDeploymentsWithEventLogs", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			seedEnvironment(t, s, "app0002", "env0003")
			states := []appconfigd.DeploymentState{
				appconfigd.DeploymentValidating, appconfigd.DeploymentDeploying, appconfigd.DeploymentBaking,
				appconfigd.DeploymentComplete, appconfigd.DeploymentRollingBack, appconfigd.DeploymentRolledBack,
				appconfigd.DeploymentReverted,
			}
			envs := [][2]string{{"app0001", "env0001"}, {"app0001", "env0002"}, {"app0002", "env0003"}}
			var all, want []*appconfigd.Deployment
			for i, state := range states {
				env := envs[i%len(envs)]
				d := newDeployment(env[0], env[1], i+1, state)
				d.EventLog = d.EventLog[:i%3]
				all = append(all, d)
				if state.Active() {
					want = append(want, d)
				}
			}
			createDeployments(t, s, all...)
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.ListActiveDeployments(ctx)
				if err != nil {
					return err
				}
				slices.SortFunc(got, func(a, b *appconfigd.Deployment) int { return cmp.Compare(a.DeploymentNumber, b.DeploymentNumber) })
				wantEqual(t, "ListActiveDeployments, by number", got, want)
				return nil
			})
		}},
		{"ListServingIsOrderedByApplicationEnvironmentAndNumber", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "bbb0001", "env0002", "env0001")
			seedEnvironment(t, s, "aaa0002", "env0003")
			d := func(app, env string, n int) *appconfigd.Deployment {
				return newDeployment(app, env, n, appconfigd.DeploymentComplete)
			}
			createDeployments(t, s,
				d("bbb0001", "env0002", 2), d("bbb0001", "env0001", 1), d("aaa0002", "env0003", 10),
				d("bbb0001", "env0002", 1), d("aaa0002", "env0003", 9), d("bbb0001", "env0001", 3))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.ListServingDeployments(ctx)
				if err != nil {
					return err
				}
				wantEqual(t, "ListServingDeployments", got, []*appconfigd.Deployment{
					withoutEvents(d("aaa0002", "env0003", 9)), withoutEvents(d("aaa0002", "env0003", 10)),
					withoutEvents(d("bbb0001", "env0001", 1)), withoutEvents(d("bbb0001", "env0001", 3)),
					withoutEvents(d("bbb0001", "env0002", 1)), withoutEvents(d("bbb0001", "env0002", 2)),
				})
				return nil
			})
		}},
		{"CountProfileDeploymentsCountsEveryEnvironment", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			seedEnvironment(t, s, "app0002", "env0003")
			d := func(app, env string, n int, profile string) *appconfigd.Deployment {
				dep := newDeployment(app, env, n, appconfigd.DeploymentComplete)
				dep.ConfigurationProfileID = profile
				return dep
			}
			createDeployments(t, s,
				d("app0001", "env0001", 1, "prof001"), d("app0001", "env0001", 2, "prof001"),
				d("app0001", "env0002", 1, "prof001"), d("app0001", "env0002", 2, "prof002"),
				d("app0002", "env0003", 1, "prof001"))
			wantCount(t, s, "CountProfileDeployments", 3, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountProfileDeployments(ctx, "app0001", "prof001")
			})
			wantCount(t, s, "CountProfileDeployments of an undeployed profile", 0, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountProfileDeployments(ctx, "app0001", "prof003")
			})
		}},
		{"NumbersArePagedAcrossTheirOwnEnvironmentOnly", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001", "env0002")
			createDeployments(t, s,
				newDeployment("app0001", "env0001", 1, appconfigd.DeploymentComplete),
				newDeployment("app0001", "env0002", 2, appconfigd.DeploymentComplete),
				newDeployment("app0001", "env0001", 3, appconfigd.DeploymentComplete),
				newDeployment("app0001", "env0002", 4, appconfigd.DeploymentComplete))
			pages := collectPages(t, s, 1, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.Deployment, int64, error) {
				return tx.ListDeployments(ctx, "app0001", "env0001", p)
			})
			wantEqual(t, "pages of env0001's deployments", pageKeys(pages, deploymentNumber), [][]int{{3}, {1}})
		}},
	}
}
