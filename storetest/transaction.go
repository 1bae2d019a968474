package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// writeEverything writes one of each kind of record, for rollback tests.
func writeEverything(ctx context.Context, tx appconfigd.Tx) error {
	steps := []func() error{
		func() error { return tx.CreateApplication(ctx, newApplication("app0001", "web")) },
		func() error { return tx.CreateEnvironment(ctx, newEnvironment("app0001", "env0001", "prod")) },
		func() error { return tx.CreateConfigurationProfile(ctx, newProfile("app0001", "prof001", "flags")) },
		func() error { return tx.CreateHostedConfigurationVersion(ctx, newVersion("app0001", "prof001", 1, "")) },
		func() error { return tx.CreateDeploymentStrategy(ctx, newStrategy("strat01", "slow")) },
		func() error {
			return tx.CreateDeployment(ctx, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying))
		},
		func() error { return tx.ReplaceTags(ctx, appARN, map[string]string{"team": "payments"}) },
		func() error { return tx.CreateSealingKey(ctx, newSealingKey(1, 1)) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// wantNothingWritten fails the test if anything writeEverything writes is
// in the store.
func wantNothingWritten(t *testing.T, s appconfigd.Store) {
	t.Helper()
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		counts := map[string]func() (int, error){
			"applications":  func() (int, error) { return tx.CountApplications(ctx) },
			"environments":  func() (int, error) { return tx.CountEnvironments(ctx, "app0001") },
			"profiles":      func() (int, error) { return tx.CountConfigurationProfiles(ctx, "app0001") },
			"versions":      func() (int, error) { return tx.CountHostedConfigurationVersions(ctx, "app0001", "prof001") },
			"version count": func() (int, error) { return tx.LatestHostedConfigurationVersionNumber(ctx, "app0001", "prof001") },
			"strategies":    func() (int, error) { return tx.CountDeploymentStrategies(ctx) },
			"deployments":   func() (int, error) { return tx.CountProfileDeployments(ctx, "app0001", "prof001") },
			"tags": func() (int, error) {
				tags, err := tx.FindTags(ctx, appARN)
				return len(tags), err
			},
			"sealing keys": func() (int, error) {
				keys, err := tx.SealingKeys(ctx)
				return len(keys), err
			},
		}
		for what, count := range counts {
			n, err := count()
			if err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("%s after a rolled back Update: %d, want 0", what, n)
			}
		}
		return nil
	})
}

func transactionSpecs() []spec {
	return []spec{
		{"UpdateCommitsWhenFnSucceeds", func(t *testing.T, s appconfigd.Store) {
			update(t, s, writeEverything)
			wantCount(t, s, "CountApplications", 1, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountApplications(ctx)
			})
		}},
		{"UpdateRollsBackWhenFnFails", func(t *testing.T, s appconfigd.Store) {
			errFn := errors.New("fn failed")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				if err := writeEverything(ctx, tx); err != nil {
					return err
				}
				return errFn
			})
			if !errors.Is(err, errFn) {
				t.Fatalf("Update returned %v, want the error of fn", err)
			}
			wantNothingWritten(t, s)
		}},
		{"UpdateKeepsTheCodeOfFnsError", func(t *testing.T, s appconfigd.Store) {
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				if err := tx.CreateApplication(ctx, newApplication("app0001", "web")); err != nil {
					return err
				}
				return tx.CreateApplication(ctx, newApplication("app0001", "web"))
			})
			wantCode(t, err, appconfigd.EConflict)
			wantNothingWritten(t, s)
		}},
		{"UpdateRollsBackWhenFnPanics", func(t *testing.T, s appconfigd.Store) {
			type boom struct{}
			func() {
				defer func() {
					if r := recover(); r != (boom{}) {
						t.Fatalf("recovered %v, want the panic of fn", r)
					}
				}()
				_ = updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					if err := writeEverything(ctx, tx); err != nil {
						return err
					}
					panic(boom{})
				})
			}()
			wantNothingWritten(t, s)
			// The store is still usable.
			update(t, s, writeEverything)
		}},
		{"UpdateReturnsFnsErrorAsItIs", func(t *testing.T, s appconfigd.Store) {
			errFn := errors.New("fn failed")
			err := updateErr(t, s, func(context.Context, appconfigd.Tx) error { return errFn })
			if err != errFn {
				t.Errorf("Update returned %v, want fn's error as it is", err)
			}
		}},
		{"UpdateHonoursACanceledContext", func(t *testing.T, s appconfigd.Store) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			called := false
			err := s.Update(ctx, func(appconfigd.Tx) error { called = true; return nil })
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Update with a canceled context: %v, want context.Canceled", err)
			}
			if called {
				t.Errorf("Update with a canceled context ran fn")
			}
		}},
		{"ViewRejectsWrites", func(t *testing.T, s appconfigd.Store) {
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateApplication(ctx, newApplication("app0001", "web"))
			})
			if err == nil {
				t.Errorf("CreateApplication in View succeeded, want an error")
			}
			wantNothingWritten(t, s)
		}},
		{"ViewGoesOnReadingAfterARejectedWrite", func(t *testing.T, s appconfigd.Store) {
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				if err := tx.CreateApplication(ctx, newApplication("app0001", "web")); err == nil {
					t.Errorf("CreateApplication in View succeeded, want an error")
				}
				_, err := tx.CountApplications(ctx)
				return err
			})
		}},
		{"AFailedCreateLeavesTheTransactionUsable", func(t *testing.T, s appconfigd.Store) {
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				if err := tx.CreateApplication(ctx, newApplication("app0001", "web")); err != nil {
					return err
				}
				err := tx.CreateApplication(ctx, newApplication("app0001", "again"))
				if !appconfigd.IsCode(err, appconfigd.EConflict) {
					t.Errorf("duplicate create: %v, want %s", err, appconfigd.EConflict)
				}
				err = tx.CreateEnvironment(ctx, newEnvironment("app0002", "env0001", "prod"))
				if !appconfigd.IsCode(err, appconfigd.ENotFound) {
					t.Errorf("create under a missing parent: %v, want %s", err, appconfigd.ENotFound)
				}
				return tx.CreateEnvironment(ctx, newEnvironment("app0001", "env0001", "prod"))
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindApplication(ctx, "app0001")
				if err != nil {
					return err
				}
				wantEqual(t, "application after the failed create", got, newApplication("app0001", "web"))
				return nil
			})
			wantCount(t, s, "CountEnvironments", 1, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountEnvironments(ctx, "app0001")
			})
		}},
		{"ViewSeesOneSnapshot", func(t *testing.T, s appconfigd.Store) {
			createApplications(t, s, newApplication("app0001", "web"))
			written := make(chan error, 1)
			writerDone := false
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				before, err := tx.CountApplications(ctx)
				if err != nil {
					return err
				}
				go func() {
					written <- s.Update(ctx, func(tx appconfigd.Tx) error {
						return tx.CreateApplication(ctx, newApplication("app0002", "api"))
					})
				}()
				// A store may let the writer commit now or make it wait for
				// this View; either way the View must not see the write.
				select {
				case err := <-written:
					if err != nil {
						t.Fatalf("concurrent Update: %v", err)
					}
					writerDone = true
				case <-time.After(2 * time.Second):
				}
				after, err := tx.CountApplications(ctx)
				if err != nil {
					return err
				}
				if after != before {
					t.Errorf("CountApplications in one View went from %d to %d", before, after)
				}
				_, err = tx.FindApplication(ctx, "app0002")
				wantCode(t, err, appconfigd.ENotFound)
				return nil
			})
			if !writerDone {
				if err := <-written; err != nil {
					t.Fatalf("concurrent Update: %v", err)
				}
			}
			wantCount(t, s, "CountApplications after the View", 2, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountApplications(ctx)
			})
		}},
		{"ConcurrentCreatesOfOneDeploymentNumberLetOneWin", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			const writers = 8
			errs := make([]error, writers)
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					errs[i] = updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
						d := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying)
						d.Description = itoa(i)
						return tx.CreateDeployment(ctx, d)
					})
				})
			}
			wg.Wait()
			wantOneCreator(t, errs, "writer")
		}},
		{"ConcurrentReadCheckWritesAreSerialized", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			const writers = 8
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					err := updateErr(t, s, createNextDeployment)
					if err != nil {
						t.Errorf("writer %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			pages := collectPages(t, s, 0, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.Deployment, int64, error) {
				return tx.ListDeployments(ctx, "app0001", "env0001", p)
			})
			wantEqual(t, "deployment numbers", pageKeys(pages, deploymentNumber), [][]int{{8, 7, 6, 5, 4, 3, 2, 1}})
		}},
	}
}
