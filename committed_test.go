package appconfigd_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/postgres"
)

// hangUpAfterCommit is a Store whose Update cancels the caller's context
// right after its transaction commits, as a client that hangs up at that
// moment would.
type hangUpAfterCommit struct {
	appconfigd.Store

	mu     sync.Mutex
	cancel context.CancelFunc
}

// request returns a context that Update cancels after its next commit.
func (s *hangUpAfterCommit) request(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancel = cancel
	return ctx
}

func (s *hangUpAfterCommit) Update(ctx context.Context, fn func(appconfigd.Tx) error) error {
	err := s.Store.Update(ctx, fn)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	return err
}

// TestCommittedChangeIsServed changes what an environment serves through
// requests whose client hangs up right after the change commits: each
// change is served at once all the same, on SQLite as on PostgreSQL
// (docs/ARCHITECTURE.md, "The data plane").
func TestCommittedChangeIsServed(t *testing.T) {
	t.Parallel()
	stores := map[string]func(*testing.T) appconfigd.Store{
		"SQLite":     newSQLiteStore,
		"PostgreSQL": newPostgresStore,
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			store := &hangUpAfterCommit{Store: open(t)}
			f := newRolloutFixtureOn(t, store)
			ctx := t.Context()
			// served is what a new session of the environment gets.
			served := func() string {
				t.Helper()
				token := must(f.svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
					ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID,
				}))
				return string(must(f.svc.GetLatestConfiguration(ctx, token, appconfigd.PollOptions{})).Content)
			}
			check := func(after, want string) {
				t.Helper()
				if got := served(); got != want {
					t.Errorf("after %s, whose client hung up once it committed: served %q, want %q", after, got, want)
				}
			}
			// One step to 100% at 5 minutes, bake until 10 minutes.
			st := must(f.svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{
				Name: "one-step", DeploymentDurationInMinutes: 10, GrowthFactor: 100, FinalBakeTimeInMinutes: 10,
			}, nil))
			start := func() *appconfigd.Deployment {
				t.Helper()
				return must(f.svc.StartDeployment(store.request(ctx), f.app.ID, f.env.ID, appconfigd.StartDeploymentInput{
					DeploymentStrategyID: st.ID, ConfigurationProfileID: f.profile.ID, ConfigurationVersion: itoa(f.v2.VersionNumber),
				}))
			}
			allAtOnce := func() *appconfigd.Deployment {
				t.Helper()
				return must(f.svc.StartDeployment(store.request(ctx), f.app.ID, f.env.ID, appconfigd.StartDeploymentInput{
					DeploymentStrategyID: "AppConfig.AllAtOnce", ConfigurationProfileID: f.profile.ID, ConfigurationVersion: itoa(f.v2.VersionNumber),
				}))
			}
			check("setting up", "v1")

			d := allAtOnce()
			check("StartDeployment (all at once)", "v2")
			must(f.svc.StopDeployment(store.request(ctx), f.app.ID, f.env.ID, d.DeploymentNumber, false))
			check("StopDeployment (rollback)", "v1")

			d = start()
			f.clock.Set(d.StartedAt.Add(5 * time.Minute))
			must(f.svc.AdvanceDeployments(store.request(ctx)))
			check("a growth step to 100%", "v2")
			f.clock.Set(d.StartedAt.Add(21 * time.Minute))
			must(f.svc.AdvanceDeployments(ctx))
			must(f.svc.StopDeployment(store.request(ctx), f.app.ID, f.env.ID, d.DeploymentNumber, true))
			check("StopDeployment (revert)", "v1")
		})
	}
}

// newPostgresStore opens a store in a fresh schema of the test database,
// closed when the test ends (see apptest.NewSchema).
func newPostgresStore(t *testing.T) appconfigd.Store {
	t.Helper()
	db, err := postgres.Open(t.Context(), apptest.NewSchema(t, nil).DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
