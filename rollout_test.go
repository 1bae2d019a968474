package appconfigd_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
)

// newService opens a Service on a fresh SQLite database with a fake clock.
func newService(t *testing.T) (*appconfigd.Service, *apptest.Clock) {
	t.Helper()
	return newServiceOn(t, newSQLiteStore(t))
}

// newSQLiteStore opens a fresh SQLite database, closed when the test ends.
func newSQLiteStore(t *testing.T) appconfigd.Store {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// newServiceOn opens a Service on store with a fake clock.
func newServiceOn(t *testing.T, store appconfigd.Store) (*appconfigd.Service, *apptest.Clock) {
	t.Helper()
	clock := apptest.NewClock(time.Time{})
	return apptest.NewService(t, store, clock, nil, nil), clock
}

// must returns v, or stops the test by panicking when err is set; it keeps
// fixture set-up to one line per step.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

// TestRolloutShare measures, with 10,000 sessions polling through the
// service, the share that has the new version at each step of a gradual
// deployment: it stays within 3 points of PercentageComplete (session IDs
// are random; 3 points is six standard deviations at 10,000), a session
// never loses the new version while the deployment grows, and after a
// rollback every session that had it gets the previous version again.
func TestRolloutShareOfSessions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	svc, clock, app, env, profile := f.svc, f.clock, f.app, f.env, f.profile

	const sessions = 10000
	tokens := make([]string, sessions)
	has := make([]string, sessions)
	// poll polls every session once and records what it now has.
	poll := func(step string) {
		t.Helper()
		for i := range tokens {
			out := must(svc.GetLatestConfiguration(ctx, tokens[i], appconfigd.PollOptions{}))
			tokens[i] = out.NextPollConfigurationToken
			if len(out.Content) > 0 {
				if string(out.Content) == has[i] {
					t.Fatalf("%s: session %d was sent %s again although it has it", step, i, out.Content)
				}
				if has[i] == "v2" && step != "rollback" {
					t.Fatalf("%s: session %d went back from v2 to %s during the rollout", step, i, out.Content)
				}
				has[i] = string(out.Content)
			}
		}
	}
	for i := range tokens {
		tokens[i] = must(svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
			ApplicationIdentifier: app.ID, EnvironmentIdentifier: env.ID, ConfigurationProfileIdentifier: profile.ID,
		}))
	}
	poll("baseline")
	share := func() float64 {
		n := 0
		for _, h := range has {
			if h == "v2" {
				n++
			}
		}
		return 100 * float64(n) / sessions
	}
	if got := share(); got != 0 {
		t.Fatalf("before the deployment %.2f%% have v2", got)
	}

	d := f.deploy(t, appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 60, GrowthFactor: 20, FinalBakeTimeInMinutes: 30}, f.v2)
	for _, step := range d.Steps() {
		clock.Set(d.StartedAt.Add(step.At))
		must(svc.AdvanceDeployments(ctx))
		poll("step")
		cur := must(svc.GetDeployment(ctx, app.ID, env.ID, d.DeploymentNumber))
		if cur.PercentageComplete != step.Percentage {
			t.Fatalf("at +%v PercentageComplete = %g, want %g", step.At, cur.PercentageComplete, step.Percentage)
		}
		if got := share(); got < step.Percentage-3 || got > step.Percentage+3 {
			t.Errorf("at %g%%: %.2f%% of %d sessions have the new version; want within ±3 points", step.Percentage, got, sessions)
		} else {
			t.Logf("at %g%%: %.2f%% of sessions have the new version", step.Percentage, got)
		}
	}

	// Roll back during the bake: everyone is back on v1, and only the
	// sessions that had v2 are sent anything.
	must(svc.StopDeployment(ctx, app.ID, env.ID, d.DeploymentNumber, false))
	poll("rollback")
	for i, h := range has {
		if h != "v1" {
			t.Fatalf("after rollback session %d has %s, want v1", i, h)
		}
	}
}

// rolloutFixture is where the rollout tests start: a service with one
// application, environment and hosted profile holding versions "v1" and
// "v2", v1 deployed at once.
type rolloutFixture struct {
	svc     *appconfigd.Service
	clock   *apptest.Clock
	app     *appconfigd.Application
	env     *appconfigd.Environment
	profile *appconfigd.ConfigurationProfile
	v1, v2  *appconfigd.HostedConfigurationVersion
}

func newRolloutFixture(t testing.TB) *rolloutFixture {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newRolloutFixtureOn(t, store)
}

// newRolloutFixtureOn is newRolloutFixture on the given store.
func newRolloutFixtureOn(t testing.TB, store appconfigd.Store) *rolloutFixture {
	t.Helper()
	ctx := t.Context()
	f := &rolloutFixture{}
	f.clock = apptest.NewClock(time.Time{})
	f.svc = apptest.NewService(t, store, f.clock, nil, nil)
	f.app = must(f.svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
	f.env = must(f.svc.CreateEnvironment(ctx, f.app.ID, &appconfigd.Environment{Name: "env"}, nil))
	f.profile = must(f.svc.CreateConfigurationProfile(ctx, f.app.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil))
	version := func(content string) *appconfigd.HostedConfigurationVersion {
		return must(f.svc.CreateHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, &appconfigd.HostedConfigurationVersion{Content: []byte(content), ContentType: "text/plain"}, nil))
	}
	f.v1, f.v2 = version("v1"), version("v2")
	f.deploy(t, appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}, f.v1)
	return f
}

// deploy starts deploying v with a new strategy shaped like st.
func (f *rolloutFixture) deploy(t testing.TB, st appconfigd.DeploymentStrategy, v *appconfigd.HostedConfigurationVersion) *appconfigd.Deployment {
	t.Helper()
	ctx := t.Context()
	strategy := must(f.svc.CreateDeploymentStrategy(ctx, &st, nil))
	return must(f.svc.StartDeployment(ctx, f.app.ID, f.env.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: strategy.ID, ConfigurationProfileID: f.profile.ID, ConfigurationVersion: itoa(v.VersionNumber),
	}))
}

func itoa(n int) string { return strconv.Itoa(n) }
