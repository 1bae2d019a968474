package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func strategyID(s *appconfigd.DeploymentStrategy) string { return s.ID }

// createStrategies stores ss in one transaction.
func createStrategies(t *testing.T, s appconfigd.Store, ss ...*appconfigd.DeploymentStrategy) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		for _, st := range ss {
			if err := tx.CreateDeploymentStrategy(ctx, st); err != nil {
				return err
			}
		}
		return nil
	})
}

// createPredefined stores the predefined strategies.
func createPredefined(t *testing.T, s appconfigd.Store) []*appconfigd.DeploymentStrategy {
	t.Helper()
	var out []*appconfigd.DeploymentStrategy
	for _, p := range appconfigd.PredefinedStrategies() {
		p.CreatedAt = instant(0)
		out = append(out, &p)
	}
	createStrategies(t, s, out...)
	return out
}

// findStrategy returns a strategy read in its own View.
func findStrategy(t *testing.T, s appconfigd.Store, id string) *appconfigd.DeploymentStrategy {
	t.Helper()
	var st *appconfigd.DeploymentStrategy
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		st, err = tx.FindDeploymentStrategy(ctx, id)
		return err
	})
	return st
}

func strategySpecs() []spec {
	return []spec{
		{"CreateThenFindReturnsEveryField", func(t *testing.T, s appconfigd.Store) {
			want := newStrategy("strat01", "slow")
			createStrategies(t, s, want)
			wantEqual(t, "FindDeploymentStrategy", findStrategy(t, s, "strat01"), want)
		}},
		{"PredefinedStrategiesRoundTrip", func(t *testing.T, s appconfigd.Store) {
			want := createPredefined(t, s)
			for _, p := range want {
				wantEqual(t, "FindDeploymentStrategy "+p.ID, findStrategy(t, s, p.ID), p)
			}
		}},
		{"FindMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			createStrategies(t, s, newStrategy("strat01", "slow"))
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindDeploymentStrategy(ctx, "strat99")
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceDeploymentStrategy, "strat99")
		}},
		{"CreateDuplicateIDReturnsConflict", func(t *testing.T, s appconfigd.Store) {
			createStrategies(t, s, newStrategy("strat01", "slow"))
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateDeploymentStrategy(ctx, newStrategy("strat01", "again"))
			})
			wantCode(t, err, appconfigd.EConflict)
		}},
		{"FindByNameReturnsEveryMatchInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			createStrategies(t, s, newStrategy("zzz0001", "slow"), newStrategy("aaa0002", "fast"), newStrategy("mmm0003", "slow"))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindDeploymentStrategiesByName(ctx, "slow")
				if err != nil {
					return err
				}
				wantEqual(t, "FindDeploymentStrategiesByName", got, []*appconfigd.DeploymentStrategy{
					newStrategy("zzz0001", "slow"), newStrategy("mmm0003", "slow"),
				})
				return nil
			})
		}},
		{"FindByNameWithoutMatchReturnsNoneAndNoError", func(t *testing.T, s appconfigd.Store) {
			createStrategies(t, s, newStrategy("strat01", "slow"))
			wantNoMatch(t, s, `FindDeploymentStrategiesByName("medium")`, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				found, err := tx.FindDeploymentStrategiesByName(ctx, "medium")
				return len(found), err
			})
		}},
		{"ListPagesInCreationOrder", func(t *testing.T, s appconfigd.Store) {
			predefined := createPredefined(t, s)
			createStrategies(t, s, newStrategy("zzz0001", "z"), newStrategy("aaa0002", "a"))
			want := append(keysOf(predefined, strategyID), "zzz0001", "aaa0002")
			pages := collectPages(t, s, 4, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.DeploymentStrategy, int64, error) {
				return tx.ListDeploymentStrategies(ctx, p)
			})
			wantEqual(t, "pages of ListDeploymentStrategies", pageKeys(pages, strategyID), [][]string{want[:4], want[4:]})
			wantEqual(t, "last strategy listed", pages[1][1], newStrategy("aaa0002", "a"))
		}},
		{"CountExcludesPredefined", func(t *testing.T, s appconfigd.Store) {
			createPredefined(t, s)
			count := func(ctx context.Context, tx appconfigd.Tx) (int, error) { return tx.CountDeploymentStrategies(ctx) }
			wantCount(t, s, "CountDeploymentStrategies with only predefined ones", 0, count)
			createStrategies(t, s, newStrategy("strat01", "a"), newStrategy("strat02", "b"))
			wantCount(t, s, "CountDeploymentStrategies", 2, count)
		}},
		{"UpdateSavesChanges", func(t *testing.T, s appconfigd.Store) {
			createStrategies(t, s, newStrategy("strat01", "slow"), newStrategy("strat02", "other"))
			want := newStrategy("strat01", "slow")
			want.Description = "changed"
			want.DeploymentDurationInMinutes = 0
			want.FinalBakeTimeInMinutes = 1440
			want.GrowthFactor = 100
			want.GrowthType = appconfigd.GrowthLinear
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateDeploymentStrategy(ctx, want) })
			wantEqual(t, "updated strategy", findStrategy(t, s, "strat01"), want)
			wantEqual(t, "other strategy", findStrategy(t, s, "strat02"), newStrategy("strat02", "other"))
		}},
		{"UpdateMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.UpdateDeploymentStrategy(ctx, newStrategy("strat01", "slow"))
			})
			wantNotFound(t, err, appconfigd.ResourceDeploymentStrategy, "strat01")
		}},
		{"DeleteRemovesOnlyThatStrategy", func(t *testing.T, s appconfigd.Store) {
			createStrategies(t, s, newStrategy("strat01", "a"), newStrategy("strat02", "b"))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteDeploymentStrategy(ctx, "strat01") })
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindDeploymentStrategy(ctx, "strat01")
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceDeploymentStrategy, "strat01")
			wantEqual(t, "strategy left", findStrategy(t, s, "strat02"), newStrategy("strat02", "b"))
		}},
		{"DeleteMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteDeploymentStrategy(ctx, "strat01")
			})
			wantNotFound(t, err, appconfigd.ResourceDeploymentStrategy, "strat01")
		}},
	}
}
