package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/postgres"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/token"
)

// catalogOptions are the flags of the catalog subcommand.
type catalogOptions struct {
	apps        []int
	writes      int
	iterations  int
	replicas    int
	databaseURL string
}

// runCatalog is `appconfigd-replicas-bench catalog`: the cost of the
// control plane as the catalog grows (docs/PERFORMANCE.md, "A catalog of
// 10,000 applications"). For each --apps count N it seeds N applications ×
// 3 environments × 3 profiles, each profile with a hosted version deployed
// to every environment, straight through the store, then opens Services
// in this process, as the binary does, and measures: how long Open takes
// (the start-up load of the catalog), the latency of CreateApplication
// with one writer and with 8 at once (--writes each), and, --iterations
// times, deploy-to-served: from StartDeployment of a new version with a
// strategy of zero duration and zero bake through replica A until a new
// session on every replica gets it. On SQLite there is one process; on
// PostgreSQL (--database-url) --replicas Services share a schema, each with
// its own pool and a change feed followed as the daemon's sync loop
// follows it (re-reading the applications a notification names).
func runCatalog(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := &catalogOptions{apps: []int{100, 10000}}
	fs := flag.NewFlagSet("appconfigd-replicas-bench catalog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Func("apps", "comma-separated application `counts` to measure (default 100,10000)", func(v string) error {
		o.apps = nil
		for f := range strings.SplitSeq(v, ",") {
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 {
				return fmt.Errorf("want positive counts, got %q", f)
			}
			o.apps = append(o.apps, n)
		}
		return nil
	})
	fs.IntVar(&o.writes, "writes", 200, "CreateApplication calls measured, with one writer and with 8")
	fs.IntVar(&o.iterations, "iterations", 50, "deployments measured for deploy-to-served")
	fs.IntVar(&o.replicas, "replicas", 3, "Services sharing the PostgreSQL schema")
	fs.StringVar(&o.databaseURL, "database-url", os.Getenv("APPCONFIGD_DATABASE_URL"), "PostgreSQL `URL` to measure on besides SQLite; a schema is created in it for each run and dropped after")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if o.writes < 8 || o.iterations < 1 || o.replicas < 1 {
		fmt.Fprintln(stderr, "appconfigd-replicas-bench catalog: --writes must be at least 8, --iterations and --replicas positive")
		return 2
	}
	fmt.Fprintln(stdout, "| store | applications | start-up load | CreateApplication p50 / p99 | 8 writers p50 / p99 | deploy-to-served p50 / p99 |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|---:|")
	for _, n := range o.apps {
		for _, pg := range []bool{false, true} {
			if pg && o.databaseURL == "" {
				continue
			}
			fmt.Fprintf(stderr, "== %d applications, PostgreSQL %v\n", n, pg)
			row, err := measureCatalog(ctx, o, n, pg)
			if err != nil {
				fmt.Fprintf(stderr, "appconfigd-replicas-bench catalog: %v\n", err)
				return 1
			}
			fmt.Fprintln(stdout, row)
		}
	}
	return 0
}

// measureCatalog measures one store at n applications and returns its
// table row.
func measureCatalog(ctx context.Context, o *catalogOptions, n int, pg bool) (string, error) {
	var stores []appconfigd.Store
	defer func() {
		for _, s := range stores {
			s.Close()
		}
	}()
	kind := "SQLite"
	if pg {
		kind = fmt.Sprintf("PostgreSQL, %d replicas", o.replicas)
		sc, err := createSchema(ctx, o.databaseURL)
		if err != nil {
			return "", err
		}
		defer sc.drop()
		for range o.replicas {
			db, err := postgres.Open(ctx, sc.dsn)
			if err != nil {
				return "", err
			}
			stores = append(stores, db)
		}
	} else {
		dir, err := os.MkdirTemp("", "appconfigd-catalog-bench")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
		db, err := sqlite.Open(ctx, filepath.Join(dir, "db"))
		if err != nil {
			return "", err
		}
		stores = append(stores, db)
	}
	if err := seedCatalog(ctx, stores[0], n); err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	var svcs []*appconfigd.Service
	var startup time.Duration
	for i, store := range stores {
		svc := catalogService(store, fmt.Sprintf("replica-%c", 'A'+i))
		started := time.Now()
		if err := svc.Open(ctx); err != nil {
			return "", err
		}
		startup = max(startup, time.Since(started))
		svcs = append(svcs, svc)
	}
	fctx, stop := context.WithCancel(ctx)
	var followers sync.WaitGroup
	defer func() {
		stop()
		followers.Wait()
	}()
	for i, store := range stores {
		if feed, ok := store.(appconfigd.ChangeFeed); ok {
			followers.Go(func() { follow(fctx, feed, svcs[i]) })
		}
	}
	single, err := createApplications(ctx, svcs[0], "single", 1, o.writes)
	if err != nil {
		return "", err
	}
	eight, err := createApplications(ctx, svcs[0], "eight", 8, o.writes/8)
	if err != nil {
		return "", err
	}
	served, err := deployToServed(ctx, svcs, n, o.iterations)
	if err != nil {
		return "", err
	}
	for _, ds := range [][]time.Duration{single, eight, served} {
		slices.Sort(ds)
	}
	return fmt.Sprintf("| %s | %d | %s | %s / %s | %s / %s | %s / %s |", kind, n, ms(startup),
		ms(percentile(single, 50)), ms(percentile(single, 99)), ms(percentile(eight, 50)), ms(percentile(eight, 99)),
		ms(percentile(served, 50)), ms(percentile(served, 99))), nil
}

// catalogService returns a Service on store wired as the binary wires it,
// with no validators and no extension actions.
func catalogService(store appconfigd.Store, instance string) *appconfigd.Service {
	svc := appconfigd.NewService(store)
	svc.InstanceID = instance
	svc.Validators, svc.Actions = acceptAll{}, noActions{}
	svc.NewSealer = func(keys []appconfigd.SealingKey) (appconfigd.TokenSealer, error) { return token.NewSealer(keys, nil) }
	svc.Limits.Applications = 1 << 30
	return svc
}

// acceptAll accepts every configuration.
type acceptAll struct{}

func (acceptAll) Check(appconfigd.Validator) error { return nil }
func (acceptAll) Validate(context.Context, *appconfigd.ConfigurationProfile, *appconfigd.HostedConfigurationVersion) error {
	return nil
}

// noActions runs no extension action.
type noActions struct{}

func (noActions) Check(string) error { return nil }
func (noActions) Invoke(context.Context, *appconfigd.ActionRequest) (*appconfigd.ActionResponse, error) {
	return &appconfigd.ActionResponse{}, nil
}

// seedBatch is how many applications seedCatalog writes per transaction.
const seedBatch = 500

// seedCatalog writes n applications "s000000"… with environments e0–e2,
// profiles p0–p2 and version 1 of each profile deployed (COMPLETE) to every
// environment.
func seedCatalog(ctx context.Context, store appconfigd.Store, n int) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	for from := 0; from < n; from += seedBatch {
		err := store.Update(ctx, func(tx appconfigd.Tx) error {
			for i := from; i < min(n, from+seedBatch); i++ {
				if err := seedApplication(ctx, tx, fmt.Sprintf("s%06d", i), now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// seedApplication writes one application of seedCatalog.
func seedApplication(ctx context.Context, tx appconfigd.Tx, id string, now time.Time) error {
	if err := tx.CreateApplication(ctx, &appconfigd.Application{ID: id, Name: id, CreatedAt: now}); err != nil {
		return err
	}
	for e := range 3 {
		env := &appconfigd.Environment{ApplicationID: id, ID: fmt.Sprintf("e%d", e), Name: fmt.Sprintf("env%d", e), CreatedAt: now}
		if err := tx.CreateEnvironment(ctx, env); err != nil {
			return err
		}
	}
	for p := range 3 {
		pid := fmt.Sprintf("p%d", p)
		prof := &appconfigd.ConfigurationProfile{ApplicationID: id, ID: pid, Name: "prof" + pid, LocationURI: appconfigd.LocationHosted, CreatedAt: now}
		if err := tx.CreateConfigurationProfile(ctx, prof); err != nil {
			return err
		}
		v := &appconfigd.HostedConfigurationVersion{ApplicationID: id, ConfigurationProfileID: pid, VersionNumber: 1,
			Content: []byte(`{"seeded":true}`), ContentType: "application/json", CreatedAt: now}
		if err := tx.CreateHostedConfigurationVersion(ctx, v); err != nil {
			return err
		}
	}
	for e := range 3 {
		for p := range 3 {
			d := &appconfigd.Deployment{ApplicationID: id, EnvironmentID: fmt.Sprintf("e%d", e), DeploymentNumber: p + 1,
				ConfigurationProfileID: fmt.Sprintf("p%d", p), DeploymentStrategyID: "AppConfig.AllAtOnce", ConfigurationName: "prof",
				ConfigurationLocationURI: appconfigd.LocationHosted, VersionNumber: 1, GrowthType: appconfigd.GrowthLinear, GrowthFactor: 100,
				State: appconfigd.DeploymentComplete, PercentageComplete: 100, StartedAt: now, CompletedAt: now, TimeScale: 1,
				EventLog: []appconfigd.DeploymentEvent{{EventType: appconfigd.EventDeploymentStarted, TriggeredBy: appconfigd.TriggeredByUser, Description: "seeded", OccurredAt: now}}}
			if err := tx.CreateDeployment(ctx, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// createApplications has writers goroutines each create per applications
// through svc and returns the latency of every call.
func createApplications(ctx context.Context, svc *appconfigd.Service, prefix string, writers, per int) ([]time.Duration, error) {
	var (
		mu    sync.Mutex
		taken []time.Duration
		errs  []error
		wg    sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			for i := range per {
				start := time.Now()
				_, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: fmt.Sprintf("%s-%d-%d", prefix, w, i)}, nil)
				d := time.Since(start)
				mu.Lock()
				taken = append(taken, d)
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return taken, errors.Join(errs...)
}

// deployToServed deploys a new version of profile p0 to environment e0 of
// a seeded application through svcs[0], iterations times, and returns how
// long each took until a new session on every Service got it.
func deployToServed(ctx context.Context, svcs []*appconfigd.Service, n, iterations int) ([]time.Duration, error) {
	st, err := svcs[0].CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "bench-now", GrowthFactor: 100}, nil)
	if err != nil {
		return nil, err
	}
	var taken []time.Duration
	for i := range iterations {
		app := fmt.Sprintf("s%06d", i*7919%n)
		v, err := svcs[0].CreateHostedConfigurationVersion(ctx, app, "p0", &appconfigd.HostedConfigurationVersion{
			Content: fmt.Appendf(nil, `{"iteration":%d}`, i), ContentType: "application/json"}, nil)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		_, err = svcs[0].StartDeployment(ctx, app, "e0", appconfigd.StartDeploymentInput{
			DeploymentStrategyID: st.ID, ConfigurationProfileID: "p0", ConfigurationVersion: fmt.Sprint(v.VersionNumber)})
		if err != nil {
			return nil, err
		}
		for _, svc := range svcs {
			if err := awaitServed(ctx, svc, app, v.Content); err != nil {
				return nil, err
			}
		}
		taken = append(taken, time.Since(start))
	}
	return taken, nil
}

// servedTimeout bounds the wait for a deployment to be served.
const servedTimeout = 30 * time.Second

// awaitServed polls new sessions of app/e0/p0 on svc until one gets
// content.
func awaitServed(ctx context.Context, svc *appconfigd.Service, app string, content []byte) error {
	deadline := time.Now().Add(servedTimeout)
	for time.Now().Before(deadline) {
		tok, err := svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
			ApplicationIdentifier: app, EnvironmentIdentifier: "e0", ConfigurationProfileIdentifier: "p0"})
		if err != nil {
			return err
		}
		out, err := svc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{})
		if err != nil {
			return err
		}
		if slices.Equal(out.Content, content) {
			return nil
		}
	}
	return fmt.Errorf("%s was not served a deployment within %v", svc.InstanceID, servedTimeout)
}

// follow keeps svc in step with the other replicas as the daemon's sync
// loop does (cmd/appconfigd/daemon/sync.go): the changes heard while a
// refresh runs are refreshed together, by application when the feed
// names them, and what a failed refresh took is kept and retried after
// followRetry. It returns once ctx is done and its Listen has returned,
// so that the stores can be closed.
func follow(ctx context.Context, feed appconfigd.ChangeFeed, svc *appconfigd.Service) {
	var (
		mu   sync.Mutex
		all  bool
		apps = make(map[string]bool)
	)
	// keep notes a change to refresh.
	keep := func(full bool, ids []string) {
		mu.Lock()
		defer mu.Unlock()
		all = all || full
		for _, id := range ids {
			apps[id] = true
		}
	}
	kick := make(chan struct{}, 1)
	var listening sync.WaitGroup
	defer listening.Wait()
	listening.Go(func() {
		_ = feed.Listen(ctx, func(c appconfigd.StoreChange) {
			keep(c.All, c.Applications)
			select {
			case kick <- struct{}{}:
			default:
			}
		})
	})
	var retry <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-retry:
			retry = nil
		}
		mu.Lock()
		full, ids := all, make([]string, 0, len(apps))
		for id := range apps {
			ids = append(ids, id)
		}
		all, apps = false, make(map[string]bool)
		mu.Unlock()
		var err error
		if full {
			err = svc.Refresh(ctx)
		} else if len(ids) > 0 {
			err = svc.RefreshApplications(ctx, ids)
		}
		if err != nil && ctx.Err() == nil {
			keep(full, ids)
			retry = time.After(followRetry)
		}
	}
}

// followRetry is how long follow waits to retry a failed refresh: short,
// as a change left unserved stalls the measurement until awaitServed
// gives up.
const followRetry = 100 * time.Millisecond
