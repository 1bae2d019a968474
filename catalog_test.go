package appconfigd_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/postgres"
)

// fullLoads is a Store that counts the queries that read every
// application, environment, profile or deployment of the store: those of
// a full reload of the catalog.
type fullLoads struct {
	appconfigd.Store
	n atomic.Int32
}

func (s *fullLoads) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return s.Store.Update(ctx, func(tx appconfigd.Tx) error { return fn(fullLoadTx{tx, &s.n}) })
}

func (s *fullLoads) View(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return s.Store.View(ctx, func(tx appconfigd.Tx) error { return fn(fullLoadTx{tx, &s.n}) })
}

// fullLoadTx counts in n its calls that read the whole store.
type fullLoadTx struct {
	appconfigd.Tx
	n *atomic.Int32
}

func (tx fullLoadTx) ListApplications(ctx context.Context, page appconfigd.Page) ([]*appconfigd.Application, int64, error) {
	tx.n.Add(1)
	return tx.Tx.ListApplications(ctx, page)
}

func (tx fullLoadTx) ListServingDeployments(ctx context.Context) ([]*appconfigd.Deployment, error) {
	tx.n.Add(1)
	return tx.Tx.ListServingDeployments(ctx)
}

func (tx fullLoadTx) ListCatalogEnvironments(ctx context.Context, appID string) ([]appconfigd.CatalogEntry, error) {
	if appID == "" {
		tx.n.Add(1)
	}
	return tx.Tx.ListCatalogEnvironments(ctx, appID)
}

func (tx fullLoadTx) ListCatalogProfiles(ctx context.Context, appID string) ([]appconfigd.CatalogEntry, error) {
	if appID == "" {
		tx.n.Add(1)
	}
	return tx.Tx.ListCatalogProfiles(ctx, appID)
}

// wantCatalogLikeFullReload fails the test when the catalog differs from
// a full reload of the store.
func wantCatalogLikeFullReload(t *testing.T, svc *appconfigd.Service, after string) {
	t.Helper()
	diff, err := svc.CatalogMismatch(t.Context())
	if err != nil {
		t.Fatalf("full reload after %s: %v", after, err)
	}
	if diff != "" {
		t.Fatalf("after %s: %s", after, diff)
	}
}

// served returns what a new session of app/env/profile (IDs or names)
// gets, or the error of starting it.
func servedTo(t *testing.T, svc *appconfigd.Service, app, env, profile string) (string, error) {
	t.Helper()
	tok, err := svc.StartConfigurationSession(t.Context(), appconfigd.StartSessionInput{
		ApplicationIdentifier: app, EnvironmentIdentifier: env, ConfigurationProfileIdentifier: profile,
	})
	if err != nil {
		return "", err
	}
	out, err := svc.GetLatestConfiguration(t.Context(), tok, appconfigd.PollOptions{})
	if err != nil {
		return "", err
	}
	return string(out.Content), nil
}

// TestCatalogFollowsEachChangeWithoutFullReload makes every kind of change
// the catalog holds (applications, environments and profiles created,
// renamed and deleted; deployments started, advanced, completed; a served
// version deleted) and checks after each that it is served at once, that
// the catalog equals a full reload, and that no change reloaded the whole
// store.
func TestCatalogFollowsEachChangeWithoutFullReload(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := &fullLoads{Store: newSQLiteStore(t)}
	svc, clock := newServiceOn(t, store)
	store.n.Store(0)
	steps := int32(0)
	step := func(what string) {
		t.Helper()
		steps++
		wantCatalogLikeFullReload(t, svc, what)
	}
	other := must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "other"}, nil))
	app := must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
	step("CreateApplication")
	env := must(svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "env"}, nil))
	step("CreateEnvironment")
	profile := must(svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil))
	step("CreateConfigurationProfile")
	v1 := must(svc.CreateHostedConfigurationVersion(ctx, app.ID, profile.ID, &appconfigd.HostedConfigurationVersion{Content: []byte("one"), ContentType: "text/plain"}, nil))
	v2 := must(svc.CreateHostedConfigurationVersion(ctx, app.ID, profile.ID, &appconfigd.HostedConfigurationVersion{Content: []byte("two"), ContentType: "text/plain"}, nil))
	instant := must(svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}, nil))
	linear := must(svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "linear", GrowthFactor: 50, DeploymentDurationInMinutes: 2}, nil))
	deploy := func(st *appconfigd.DeploymentStrategy, v *appconfigd.HostedConfigurationVersion) {
		t.Helper()
		must(svc.StartDeployment(ctx, app.ID, env.ID, appconfigd.StartDeploymentInput{
			DeploymentStrategyID: st.ID, ConfigurationProfileID: profile.ID, ConfigurationVersion: itoa(v.VersionNumber),
		}))
	}
	deploy(instant, v1)
	step("StartDeployment that completes at once")
	if got, err := servedTo(t, svc, "app", "env", "p"); err != nil || got != "one" {
		t.Fatalf("served after the first deployment %q, %v; want %q", got, err, "one")
	}
	deploy(linear, v2)
	step("StartDeployment in steps")
	for range 3 {
		clock.Advance(time.Minute)
		must(svc.AdvanceDeployments(ctx))
		step("a deployment step")
	}
	if got, err := servedTo(t, svc, "app", "env", "p"); err != nil || got != "two" {
		t.Fatalf("served after the deployment completed %q, %v; want %q", got, err, "two")
	}
	if err := svc.DeleteHostedConfigurationVersion(ctx, app.ID, profile.ID, v2.VersionNumber); err != nil {
		t.Fatal(err)
	}
	step("DeleteHostedConfigurationVersion of the served version")
	if got, err := servedTo(t, svc, "app", "env", "p"); err != nil || got != "two" {
		t.Fatalf("served after its version was deleted %q, %v; want %q", got, err, "two")
	}
	must(svc.UpdateApplication(ctx, app.ID, appconfigd.ApplicationUpdate{Name: new("renamed")}))
	must(svc.UpdateEnvironment(ctx, app.ID, env.ID, appconfigd.EnvironmentUpdate{Name: new("env2")}))
	must(svc.UpdateConfigurationProfile(ctx, app.ID, profile.ID, appconfigd.ConfigurationProfileUpdate{Name: new("p2")}))
	step("renames")
	if got, err := servedTo(t, svc, "renamed", "env2", "p2"); err != nil || got != "two" {
		t.Fatalf("served by the new names %q, %v; want %q", got, err, "two")
	}
	if _, err := servedTo(t, svc, "app", "env2", "p2"); !appconfigd.IsCode(err, appconfigd.ENotFound) {
		t.Fatalf("the old application name still resolves: %v", err)
	}
	if err := svc.DeleteEnvironment(ctx, app.ID, env.ID, appconfigd.DeletionProtectionBypass); err != nil {
		t.Fatal(err)
	}
	step("DeleteEnvironment")
	if err := svc.DeleteHostedConfigurationVersion(ctx, app.ID, profile.ID, v1.VersionNumber); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteConfigurationProfile(ctx, app.ID, profile.ID, appconfigd.DeletionProtectionBypass); err != nil {
		t.Fatal(err)
	}
	step("DeleteConfigurationProfile")
	if err := svc.DeleteApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	step("DeleteApplication")
	if _, err := servedTo(t, svc, app.ID, env.ID, profile.ID); !appconfigd.IsCode(err, appconfigd.ENotFound) {
		t.Fatalf("a deleted application still resolves: %v", err)
	}
	if _, err := svc.GetApplication(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	// The comparisons with a full reload count 4 queries each; nothing
	// else may read the whole store.
	if got, want := store.n.Load(), 4*steps; got != want {
		t.Errorf("queries of the whole store: %d, want %d (the test's own full reloads)", got, want)
	}
}

// TestCatalogServesConcurrentWriters has writers change different
// applications at once: each is served its change as soon as its request
// returns, and the catalog ends up equal to a full reload.
func TestCatalogServesConcurrentWriters(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newServiceOn(t, newSQLiteStore(t))
	instant := must(svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}, nil))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 3 {
				name := fmt.Sprintf("w%d-%d", w, i)
				app, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: name}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				env, err := svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "env"}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				p, err := svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				v, err := svc.CreateHostedConfigurationVersion(ctx, app.ID, p.ID, &appconfigd.HostedConfigurationVersion{Content: []byte(name), ContentType: "text/plain"}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				_, err = svc.StartDeployment(ctx, app.ID, env.ID, appconfigd.StartDeploymentInput{
					DeploymentStrategyID: instant.ID, ConfigurationProfileID: p.ID, ConfigurationVersion: itoa(v.VersionNumber),
				})
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := servedTo(t, svc, name, "env", "p"); err != nil || got != name {
					t.Errorf("writer %d served %q, %v right after deploying; want %q", w, got, err, name)
				}
			}
		})
	}
	wg.Wait()
	wantCatalogLikeFullReload(t, svc, "concurrent writers")
}

// TestCatalogIncrementalEqualsFullReload is a property test: whatever
// sequence of changes builds the catalog change by change, it equals a
// full reload of the store.
func TestCatalogIncrementalEqualsFullReload(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, clock := newServiceOn(t, newSQLiteStore(t))
	rng := rand.New(rand.NewPCG(14, 5))
	linear := must(svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "linear", GrowthFactor: 50, DeploymentDurationInMinutes: 2}, nil))
	type target struct{ app, env, profile string }
	var apps []string
	var targets []target
	for i := range 200 {
		var err error
		switch op := rng.IntN(6); {
		case op == 0 || len(apps) == 0:
			var a *appconfigd.Application
			a, err = svc.CreateApplication(ctx, &appconfigd.Application{Name: fmt.Sprintf("a%d", rng.IntN(4))}, nil)
			if err == nil {
				apps = append(apps, a.ID)
			}
		case op == 1:
			app := apps[rng.IntN(len(apps))]
			var e *appconfigd.Environment
			var p *appconfigd.ConfigurationProfile
			if e, err = svc.CreateEnvironment(ctx, app, &appconfigd.Environment{Name: fmt.Sprintf("e%d", rng.IntN(3))}, nil); err == nil {
				p, err = svc.CreateConfigurationProfile(ctx, app, &appconfigd.ConfigurationProfile{Name: fmt.Sprintf("p%d", rng.IntN(3)), LocationURI: "hosted"}, nil)
			}
			if err == nil {
				targets = append(targets, target{app, e.ID, p.ID})
			}
		case op == 2 && len(targets) > 0:
			tg := targets[rng.IntN(len(targets))]
			var v *appconfigd.HostedConfigurationVersion
			if v, err = svc.CreateHostedConfigurationVersion(ctx, tg.app, tg.profile, &appconfigd.HostedConfigurationVersion{Content: fmt.Appendf(nil, "c%d", i), ContentType: "text/plain"}, nil); err == nil {
				_, err = svc.StartDeployment(ctx, tg.app, tg.env, appconfigd.StartDeploymentInput{
					DeploymentStrategyID: linear.ID, ConfigurationProfileID: tg.profile, ConfigurationVersion: itoa(v.VersionNumber),
				})
				if appconfigd.IsCode(err, appconfigd.EConflict) {
					err = nil // a deployment is in progress there
				}
			}
		case op == 3:
			clock.Advance(time.Duration(rng.IntN(90)) * time.Second)
			_, err = svc.AdvanceDeployments(ctx)
		case op == 4:
			_, err = svc.UpdateApplication(ctx, apps[rng.IntN(len(apps))], appconfigd.ApplicationUpdate{Name: new(fmt.Sprintf("a%d", rng.IntN(4)))})
		case op == 5:
			k := rng.IntN(len(apps))
			if err = svc.DeleteApplication(ctx, apps[k]); err == nil {
				apps = append(apps[:k], apps[k+1:]...)
			} else if appconfigd.IsCode(err, appconfigd.EBadRequest) {
				err = nil // it still has environments or profiles
			}
		}
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		wantCatalogLikeFullReload(t, svc, fmt.Sprintf("change %d", i))
	}
}

// TestReplicaRereadsOnlyWhatANotificationNames runs two Services on one
// PostgreSQL schema, B following A's changes through the store's feed as
// the daemon does (cmd/appconfigd/daemon/sync.go): B serves each of A's
// changes, re-reading only the application the notification names, and
// ends up equal to a full reload.
func TestReplicaRereadsOnlyWhatANotificationNames(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := apptest.NewSchema(t, nil).DSN
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, _ := newServiceOn(t, open())
	dbB := open()
	storeB := &fullLoads{Store: dbB}
	b, _ := newServiceOn(t, storeB)

	heard := make(chan appconfigd.StoreChange, 64)
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = dbB.Listen(fctx, func(c appconfigd.StoreChange) { heard <- c })
	}()
	t.Cleanup(func() { cancel(); <-done })
	// refresh applies what B heard until want is served on B.
	refresh := func(served func() bool) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for !served() {
			select {
			case c := <-heard:
				var err error
				if c.All {
					err = b.Refresh(ctx)
				} else {
					err = b.RefreshApplications(ctx, c.Applications)
				}
				if err != nil {
					t.Fatal(err)
				}
			case <-deadline:
				t.Fatal("B did not serve A's change within 10 s")
			}
		}
	}
	// The feed reports everything once it listens.
	select {
	case c := <-heard:
		if !c.All {
			t.Fatalf("first report %+v, want one of everything", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the feed did not report within 10 s")
	}
	storeB.n.Store(0)

	app := must(a.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
	env := must(a.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "env"}, nil))
	p := must(a.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil))
	v := must(a.CreateHostedConfigurationVersion(ctx, app.ID, p.ID, &appconfigd.HostedConfigurationVersion{Content: []byte("on B"), ContentType: "text/plain"}, nil))
	st := must(a.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}, nil))
	must(a.StartDeployment(ctx, app.ID, env.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: st.ID, ConfigurationProfileID: p.ID, ConfigurationVersion: itoa(v.VersionNumber),
	}))
	refresh(func() bool {
		got, err := servedTo(t, b, "app", "env", "p")
		return err == nil && got == "on B"
	})
	if got := storeB.n.Load(); got != 0 {
		t.Errorf("B read the whole store %d times to follow A, want 0", got)
	}
	wantCatalogLikeFullReload(t, b, "following A")
}

// panickingViews is a Store whose reads panic, as a read of a stored
// document that breaks a conversion would.
type panickingViews struct{ appconfigd.Store }

func (panickingViews) View(context.Context, func(tx appconfigd.Tx) error) error {
	panic("broken stored document")
}

// TestCatalogLoadThatPanicsFailsItsBatch: a load that panics fails the
// requests of its batch with an error instead of taking the process
// down, and the next load runs.
func TestCatalogLoadThatPanicsFailsItsBatch(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var c appconfigd.Catalog
	if err := c.Reload(t.Context(), panickingViews{store}, logger); !appconfigd.IsCode(err, appconfigd.EInternal) {
		t.Errorf("Reload that panics = %v, want an internal error", err)
	}
	if err := c.ReloadApplications(t.Context(), panickingViews{store}, logger, []string{"app"}); !appconfigd.IsCode(err, appconfigd.EInternal) {
		t.Errorf("ReloadApplications that panics = %v, want an internal error", err)
	}
	if err := c.Reload(t.Context(), store, logger); err != nil {
		t.Errorf("Reload after loads that panicked = %v, want nil", err)
	}
}

// TestCatalogLoadOutlivesItsRunnersContext: the load serves every request
// of its batch, so the cancelled context of the caller that runs it does
// not fail it.
func TestCatalogLoadOutlivesItsRunnersContext(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var c appconfigd.Catalog
	if err := c.Reload(ctx, store, logger); err != nil {
		t.Errorf("Reload on a cancelled context = %v, want nil", err)
	}
	if err := c.ReloadApplications(ctx, store, logger, []string{"app"}); err != nil {
		t.Errorf("ReloadApplications on a cancelled context = %v, want nil", err)
	}
}

// versionReads is a Store that records the keys of every
// FindServedHostedConfigurationVersions.
type versionReads struct {
	appconfigd.Store
	mu   sync.Mutex
	keys []appconfigd.HostedVersionKey
}

func (s *versionReads) View(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return s.Store.View(ctx, func(tx appconfigd.Tx) error { return fn(versionReadTx{tx, s}) })
}

// versionReadTx records its version reads in s.
type versionReadTx struct {
	appconfigd.Tx
	s *versionReads
}

func (tx versionReadTx) FindServedHostedConfigurationVersions(ctx context.Context, keys []appconfigd.HostedVersionKey) ([]*appconfigd.HostedConfigurationVersion, error) {
	tx.s.mu.Lock()
	tx.s.keys = append(tx.s.keys, keys...)
	tx.s.mu.Unlock()
	return tx.Tx.FindServedHostedConfigurationVersions(ctx, keys)
}

// TestCatalogReadsAVersionSeveralEnvironmentsServeOnce deploys one version to three
// environments: a load of the catalog reads its content once.
func TestCatalogReadsAVersionSeveralEnvironmentsServeOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newServiceOn(t, newSQLiteStore(t))
	instant := must(svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}, nil))
	app := must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
	p := must(svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil))
	v := must(svc.CreateHostedConfigurationVersion(ctx, app.ID, p.ID, &appconfigd.HostedConfigurationVersion{Content: []byte("v"), ContentType: "text/plain"}, nil))
	for _, name := range []string{"a", "b", "c"} {
		env := must(svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: name}, nil))
		must(svc.StartDeployment(ctx, app.ID, env.ID, appconfigd.StartDeploymentInput{
			DeploymentStrategyID: instant.ID, ConfigurationProfileID: p.ID, ConfigurationVersion: itoa(v.VersionNumber),
		}))
	}
	store := &versionReads{Store: svc.Store}
	var c appconfigd.Catalog
	if err := c.Reload(ctx, store, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	want := []appconfigd.HostedVersionKey{{ApplicationID: app.ID, ConfigurationProfileID: p.ID, VersionNumber: v.VersionNumber}}
	if !slices.Equal(store.keys, want) {
		t.Errorf("a full load read the versions %v, want %v once", store.keys, want)
	}
}
