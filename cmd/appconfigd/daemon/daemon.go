// Package daemon wires appconfigd together: the store (SQLite, or
// PostgreSQL for replicas), the access keys and the authenticator chain,
// the service, the deployment engine, and the control plane, data plane
// and admin API behind one HTTP listener, with its limits, TLS and health
// endpoints. It also holds the command lines (serve, copy-to-postgres,
// audit, agent). It is the only package that knows every adapter; the
// appconfigd binary and the conformance suite both start the server
// through it.
package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
	"github.com/appconfigd/appconfigd/adminapi"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/console"
	"github.com/appconfigd/appconfigd/controlapi"
	"github.com/appconfigd/appconfigd/dataapi"
	"github.com/appconfigd/appconfigd/deploy"
	"github.com/appconfigd/appconfigd/extensionhttp"
	"github.com/appconfigd/appconfigd/loadshed"
	"github.com/appconfigd/appconfigd/metrics"
	"github.com/appconfigd/appconfigd/postgres"
	"github.com/appconfigd/appconfigd/sigv4"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/stsapi"
	"github.com/appconfigd/appconfigd/token"
	"github.com/appconfigd/appconfigd/validation"
)

// Config is everything the server can be told.
type Config struct {
	// Listen is the TCP address to serve on; port 0 picks a free port.
	Listen string
	// DataDir holds the SQLite database.
	DataDir string
	// DatabaseURL, when set, selects a PostgreSQL store instead of
	// SQLite; replicas that share it serve as one.
	DatabaseURL string
	// TokenTTL is how long a configuration token stays valid.
	TokenTTL time.Duration
	// DeploymentTimeScale runs deployment and bake time this many times
	// faster (1 = real time).
	DeploymentTimeScale float64
	// Region and AccountID appear in ARNs.
	Region    string
	AccountID string
	// StrictARNs makes tagging accept only ARNs with Region and
	// AccountID, instead of any region and account.
	StrictARNs bool
	// KeyRotation is how often a new token sealing key is made; 0 never.
	KeyRotation time.Duration
	// ResyncInterval is how often the in-memory view is reloaded from the
	// store even without a change notification, a safety net for
	// replicas.
	ResyncInterval time.Duration
	// Limits are the service quotas.
	Limits appconfigd.Limits
	// Auth is "on" (verify SigV4 signatures against the access keys) or
	// "off" (accept any credentials as admin; local development only).
	Auth string
	// KeysFile is a JSON file of access keys (mode 0600), or "".
	KeysFile string
	// Keys, when set, replaces loading access keys from the environment,
	// KeysFile and the data directory.
	Keys *accesskey.Set
	// RateLimit is how many requests per second each access key may
	// make, with bursts of RateBurst (0: twice RateLimit); 0, the
	// default, turns the limit off: a fleet usually shares one key, and
	// load is bounded by MaxInFlight instead. It applies only when Auth
	// is on.
	RateLimit float64
	RateBurst int
	// MaxInFlight bounds the requests handled at once (0: no bound); a
	// request that finds no slot within MaxQueueWait gets
	// ThrottlingException. Health checks are never held back.
	MaxInFlight  int
	MaxQueueWait time.Duration
	// AuthFailureRate is how many failed authentications per second a
	// source address, and an access key ID, may cause after a burst of
	// AuthFailureBurst before its requests are refused unverified; 0
	// turns the limit off. It applies only when Auth is on.
	AuthFailureRate  float64
	AuthFailureBurst int
	// TLSCert and TLSKey, both or neither, are PEM files that make the
	// server speak HTTPS.
	TLSCert string
	TLSKey  string
	// ValidatorNetworks, when set, are the only networks webhook
	// validators may reach; empty means any but validation.BlockedByDefault.
	ValidatorNetworks []netip.Prefix
	// ReplayCapacity is how many token chains the replay guard remembers
	// (appconfigd.ReplayGuard).
	ReplayCapacity int
	// MaxWaiters is how many polls may wait for a change at once
	// (appconfigd.Service.MaxWaiters); 0 lets none wait.
	MaxWaiters int
	// ReplaySaveInterval is how often the replay guard is saved to the
	// data directory besides at shutdown, with SQLite; 0 saves only at
	// shutdown.
	ReplaySaveInterval time.Duration
	// MaxConnections bounds the connections open at once (0: no bound);
	// beyond it new connections wait to be accepted.
	MaxConnections int
	// MaxBodyMemory bounds the request body bytes held at once while
	// signatures are verified (0: no bound); a request that finds no room
	// within a second gets ThrottlingException. It must be at least the
	// hosted configuration size limit.
	MaxBodyMemory int64
	// BodyReadTimeout is how long a request with a body may take to send
	// it once its headers have arrived (0: only the server's 60 s
	// ReadTimeout).
	BodyReadTimeout time.Duration
	// MetricsListen, when set, is the TCP address GET /metrics is served
	// on instead of Listen (docs/OPERATIONS.md, "Metrics").
	MetricsListen string
}

// DefaultConfig returns the defaults of `appconfigd serve`.
func DefaultConfig() Config {
	return Config{
		Listen:              "127.0.0.1:2771",
		DataDir:             "data",
		TokenTTL:            appconfigd.DefaultTokenTTL,
		DeploymentTimeScale: 1,
		Region:              "us-east-1",
		AccountID:           "000000000000",
		KeyRotation:         24 * time.Hour,
		ResyncInterval:      30 * time.Second,
		Limits:              appconfigd.DefaultLimits(),
		Auth:                "on",
		ReplayCapacity:      appconfigd.DefaultReplayCapacity,
		MaxWaiters:          appconfigd.DefaultMaxWaiters,
		ReplaySaveInterval:  5 * time.Minute,
		MaxInFlight:         loadshed.DefaultMaxInFlight(),
		MaxQueueWait:        loadshed.DefaultMaxQueueWait,
		AuthFailureRate:     auth.DefaultFailureRate,
		AuthFailureBurst:    auth.DefaultFailureBurst,
		MaxConnections:      DefaultMaxConnections,
		MaxBodyMemory:       DefaultMaxBodyMemory,
		BodyReadTimeout:     DefaultBodyReadTimeout,
	}
}

// Daemon is a running server.
type Daemon struct {
	Config Config
	Logger *slog.Logger
	Clock  appconfigd.Clock

	store   appconfigd.Store
	service *appconfigd.Service
	// keys are the access keys requests must be signed with; nil when
	// authentication is off. loaded says where they came from.
	keys     *accesskey.Set
	loaded   accesskey.Loaded
	engine   *deploy.Engine
	listener net.Listener
	server   *http.Server
	serveErr chan error
	// stopSync stops the goroutines that keep the view in sync with the
	// store; syncDone is closed when they have.
	stopSync context.CancelFunc
	syncDone sync.WaitGroup
	// replay keeps the replay guard in the data directory.
	replay replayFile
	// polls writes the poll times deletion protection needs to the store.
	polls periodic
	// fleet writes and merges the fleet view's sketches.
	fleet periodic
	// dataDirLock holds the SQLite data directory's lock; nil with
	// PostgreSQL.
	dataDirLock *os.File
	// bodies is the verifier's body budget; nil without one.
	bodies *sigv4.BodyBudget
	// metrics are what GET /metrics serves; Open makes them.
	metrics *metrics.Metrics
	// metricsServer serves them on Config.MetricsListen; nil without it.
	metricsServer *http.Server
	metricsAddr   net.Addr
	// console is the web console Handler serves.
	console *console.Server
}

// localInstanceID is the engine lease holder's name of a server on SQLite.
const localInstanceID = "appconfigd-local"

// New returns a daemon for cfg. Set Logger and Clock if needed, then Open.
func New(cfg Config) *Daemon {
	return &Daemon{
		Config: cfg,
		Logger: slog.New(slog.DiscardHandler),
		Clock:  appconfigd.SystemClock{},
	}
}

// Open opens the store, starts the deployment engine and starts serving.
// The listener is bound before Open returns, so Addr is valid and requests
// succeed as soon as it does.
func (d *Daemon) Open(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			_ = d.Close()
		}
	}()
	if d.Config.TokenTTL <= 0 {
		return errors.New("token TTL must be positive")
	}
	if (d.Config.TLSCert == "") != (d.Config.TLSKey == "") {
		return errors.New("TLS needs both a certificate and a key")
	}
	if !(d.Config.DeploymentTimeScale >= 1) {
		return errors.New("deployment time scale must be at least 1")
	}
	if d.Config.MaxWaiters < 0 {
		return fmt.Errorf("push-max-waiters must be 0 or more, got %d", d.Config.MaxWaiters)
	}
	if err := d.Config.checkBodyLimits(); err != nil {
		return err
	}
	if err := d.loadKeys(); err != nil {
		return err
	}
	if d.store, err = d.openStore(ctx); err != nil {
		return err
	}

	// The service's transactions are timed; d.store stays the store
	// itself, for its change feed and its concrete type.
	d.metrics = metrics.New()
	svc := appconfigd.NewService(d.metrics.TimeStore(d.store))
	svc.Clock = d.Clock
	svc.Logger = d.Logger
	svc.Limits = d.Config.Limits
	svc.Region = d.Config.Region
	svc.AccountID = d.Config.AccountID
	svc.StrictARNs = d.Config.StrictARNs
	svc.TokenTTL = d.Config.TokenTTL
	svc.TimeScale = d.Config.DeploymentTimeScale
	svc.KeyRotation = d.Config.KeyRotation
	svc.ReplayCapacity = d.Config.ReplayCapacity
	svc.MaxWaiters = d.Config.MaxWaiters
	if d.Config.DatabaseURL == "" {
		// One process at a time serves a SQLite database (lockDataDir),
		// so its engine lease can name the data directory rather than
		// the process: a process restarted after a crash renews its
		// predecessor's lease at once instead of waiting for it to
		// lapse.
		svc.InstanceID = localInstanceID
	}
	svc.NewSealer = func(keys []appconfigd.SealingKey) (appconfigd.TokenSealer, error) {
		return token.NewSealer(keys, nil)
	}
	validators := validation.NewRunner()
	validators.HTTPClient = validation.NewWebhookClient(validation.NetworkPolicy{Allow: d.Config.ValidatorNetworks})
	svc.Validators = validators
	// Extension actions reach only the networks validators may reach:
	// both call URLs the server's users chose.
	svc.Actions = extensionhttp.NewInvoker(validation.NetworkPolicy{Allow: d.Config.ValidatorNetworks})
	d.watchService(svc)
	d.countFleet(svc)
	if err := svc.Open(ctx); err != nil {
		return err
	}
	d.service = svc
	d.loadReplayGuard()
	// Catch up with deployment steps that fell due while the server was
	// down before answering any request about them.
	if _, err := svc.AdvanceDeployments(ctx); err != nil {
		return err
	}

	d.engine = deploy.NewEngine(svc)
	d.engine.Clock = d.Clock
	d.engine.Logger = d.Logger
	svc.DeploymentsChanged = d.engine.Wake
	if err := d.engine.Open(); err != nil {
		return err
	}
	d.startSync()
	d.startPollFlush()
	d.startFleetFlush()

	if d.listener, err = net.Listen("tcp", d.Config.Listen); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	d.listener = limitConnections(d.listener, d.Config.MaxConnections)
	d.server = &http.Server{
		Handler:           d.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(d.Logger.Handler(), slog.LevelWarn),
	}
	// Shutdown waits for handlers, and the console's live pages stream,
	// polls wait for a change and streams of changes run until told to
	// stop.
	d.server.RegisterOnShutdown(d.console.Close)
	d.server.RegisterOnShutdown(d.service.StopWaiting)
	if d.Config.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(d.Config.TLSCert, d.Config.TLSKey)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		d.server.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		d.listener = tls.NewListener(d.listener, d.server.TLSConfig)
	}
	d.serveErr = make(chan error, 1)
	// Serve the values of now: Close may clear the fields before this
	// goroutine runs.
	server, listener := d.server, d.listener
	go func() { d.serveErr <- server.Serve(listener) }()
	if d.Config.MetricsListen != "" {
		return d.serveMetrics()
	}
	return nil
}

// loadKeys loads the access keys requests must be signed with: Config.Keys,
// or the environment's and KeysFile's, or else an admin key generated once
// in the data directory. Replicas sharing PostgreSQL must be given their
// keys: each would generate a different one.
func (d *Daemon) loadKeys() error {
	switch d.Config.Auth {
	case "off":
		return nil
	case "on":
	default:
		return fmt.Errorf("auth must be on or off, not %q", d.Config.Auth)
	}
	if d.Config.Keys != nil {
		d.keys = d.Config.Keys
		return nil
	}
	loaded, err := accesskey.Load(accesskey.Sources{
		Getenv:     os.Getenv,
		KeysFile:   d.Config.KeysFile,
		DataDir:    d.Config.DataDir,
		NoGenerate: d.Config.DatabaseURL != "",
	})
	if err != nil {
		return fmt.Errorf("access keys: %w", err)
	}
	d.keys, d.loaded = loaded.Set, loaded
	return nil
}

// openStore opens PostgreSQL when DatabaseURL is set, and otherwise the
// SQLite database in DataDir.
func (d *Daemon) openStore(ctx context.Context) (appconfigd.Store, error) {
	if d.Config.DatabaseURL != "" {
		db, err := postgres.Open(ctx, d.Config.DatabaseURL)
		if err != nil {
			return nil, err
		}
		db.Logger = d.Logger
		return db, nil
	}
	if err := os.MkdirAll(d.Config.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock, err := lockDataDir(d.Config.DataDir)
	if err != nil {
		return nil, err
	}
	d.dataDirLock = lock
	return sqlite.Open(ctx, filepath.Join(d.Config.DataDir, "appconfigd.db"))
}

// Handler returns the HTTP handler: both AWS surfaces plus the health
// endpoints, behind request IDs and access logging.
func (d *Daemon) Handler() http.Handler {
	d.metrics.WatchDataPlane(d.service.DataPlaneCounts())
	d.metrics.WatchWaiting(d.service.WaitingPolls)
	var authn, adminAuthn auth.Authenticator = auth.AcceptAll{}, auth.AcceptAll{}
	web := &console.Server{Service: d.service, Secure: d.Config.TLSCert != "", Logger: d.Logger}
	d.console = web
	if d.keys != nil {
		web.Keys = d.keys
		var signIn auth.Authenticator = d.metrics.CountAuthFailures(auth.FormCredentials{Keys: d.keys})
		// The verifier keeps the wall clock even when d.Clock is a test's:
		// signatures are made with the client's real time.
		v := sigv4.NewVerifier(d.keys)
		// Twice the largest body a handler takes, so that a slightly
		// oversized configuration still gets the handler's own
		// PayloadTooLargeException with its sizes. What a request may
		// hold is its operation's bound (auth.Operation).
		v.MaxBodyBytes = 2 * int64(max(d.Config.Limits.HostedConfigurationSizeBytes, controlapi.DefaultMaxBodyBytes))
		if d.Config.MaxBodyMemory > 0 {
			v.Budget = sigv4.NewBodyBudget(d.Config.MaxBodyMemory)
			v.Budget.Drained = d.returnMemory()
			d.bodies = v.Budget
		}
		authn = d.metrics.CountAuthFailures(v)
		// Alertmanager cannot sign; it sends Basic credentials.
		adminAuthn = d.metrics.CountAuthFailures(auth.BasicOr{Keys: d.keys, Next: v})
		if d.Config.RateLimit > 0 {
			burst := d.Config.RateBurst
			if burst <= 0 {
				burst = int(max(2*d.Config.RateLimit, 1))
			}
			limited := &auth.RateLimited{Next: authn, PerSecond: d.Config.RateLimit, Burst: burst}
			adminLimited := &auth.RateLimited{Next: adminAuthn, PerSecond: d.Config.RateLimit, Burst: burst}
			d.metrics.WatchRefusals(metrics.LimiterRate, func() uint64 { return limited.Refused() + adminLimited.Refused() })
			authn, adminAuthn = limited, adminLimited
		}
		if d.Config.AuthFailureRate > 0 {
			// One limiter for every surface: an address has one budget.
			// Its clock is the wall clock, as the verifier's is.
			failures := &auth.FailureLimiter{
				PerSecond: d.Config.AuthFailureRate,
				Burst:     d.Config.AuthFailureBurst,
				Known: func(id string) bool {
					_, _, ok := d.keys.LookupAccessKey(id)
					return ok
				},
			}
			authn = auth.FailureLimited{Next: authn, Limiter: failures}
			adminAuthn = auth.FailureLimited{Next: adminAuthn, Limiter: failures}
			signIn = auth.FailureLimited{Next: signIn, Limiter: failures}
			d.metrics.WatchRefusals(metrics.LimiterAuthFailures, failures.Refused)
		}
		web.SignIn = signIn
	}
	control := &controlapi.Server{Service: d.service, Auth: authn, Logger: d.Logger}
	data := &dataapi.Server{Service: d.service, Auth: authn, Logger: d.Logger}
	admin := &adminapi.Server{Service: d.service, Auth: adminAuthn, Logger: d.Logger}
	routes := labelRoutes(metrics.SurfaceControl, control.Routes())
	routes = append(routes, labelRoutes(metrics.SurfaceData, data.Routes())...)
	routes = append(routes, labelRoutes(metrics.SurfaceAdmin, admin.Routes())...)
	routes = append(routes,
		awsjson.Route{Method: http.MethodGet, Pattern: "/healthz", Handler: labelled(metrics.SurfaceServer, "healthz", http.HandlerFunc(d.handleHealthz))},
		awsjson.Route{Method: http.MethodGet, Pattern: "/readyz", Handler: labelled(metrics.SurfaceServer, "readyz", http.HandlerFunc(d.handleReadyz))},
	)
	webHandler := labelled(metrics.SurfaceConsole, "console", web.Handler())
	routes = append(routes,
		awsjson.Route{Method: http.MethodGet, Pattern: console.Path + "/", Handler: webHandler},
		awsjson.Route{Method: http.MethodPost, Pattern: console.Path + "/", Handler: webHandler},
		awsjson.Route{Method: http.MethodGet, Pattern: console.Path, Handler: labelled(metrics.SurfaceConsole, "console", http.RedirectHandler(console.Path+"/applications", http.StatusSeeOther))},
	)
	exempt := []string{"/healthz", "/readyz"}
	if d.Config.MetricsListen == "" {
		// Scrapes are never held back, as health checks are not: an
		// overloaded server is when its metrics matter most.
		routes = append(routes, awsjson.Route{Method: http.MethodGet, Pattern: metricsPath, Handler: labelled(metrics.SurfaceServer, "metrics", d.metrics.Handler())})
		exempt = append(exempt, metricsPath)
	}
	sts := &stsapi.Server{Auth: authn, AccountID: d.Config.AccountID, Logger: d.Logger}
	router := loadshed.New(withSTSLabels(sts.Wrap, awsjson.NewRouter(routes)), d.Config.MaxInFlight, d.Config.MaxQueueWait, exempt...)
	if shed, ok := router.(*loadshed.Limiter); ok {
		d.metrics.WatchRefusals(metrics.LimiterLoadShed, shed.Refused)
	}
	return limitBodyTime(awsjson.WithRequestID(d.logRequests(router)), d.Config.BodyReadTimeout)
}

// Addr returns the address the daemon listens on.
func (d *Daemon) Addr() string { return d.listener.Addr().String() }

// URL returns the endpoint URL clients use.
func (d *Daemon) URL() string {
	if d.Config.TLSCert != "" {
		return "https://" + d.Addr()
	}
	return "http://" + d.Addr()
}

// Service returns the domain service, for tests that need to reach past
// the wire.
func (d *Daemon) Service() *appconfigd.Service { return d.service }

// Wait blocks until the HTTP server stops on its own (a listener failure).
func (d *Daemon) Wait() <-chan error { return d.serveErr }

// Close stops serving, letting requests in flight finish for up to ten
// seconds, then stops the engine and the extension actions, saves the
// replay guard, writes the poll times deletion protection needs and closes
// the store.
func (d *Daemon) Close() error {
	var errs []error
	if d.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shut down http server: %w", err))
		}
		d.server = nil
	} else if d.listener != nil {
		errs = append(errs, d.listener.Close())
	}
	errs = append(errs, d.closeMetrics())
	if d.stopSync != nil {
		d.stopSync()
		d.syncDone.Wait()
		d.stopSync = nil
	}
	if d.engine != nil {
		errs = append(errs, d.engine.Close())
		d.engine = nil
	}
	if d.service != nil {
		// Extension actions still running get as long as a request in
		// flight; what they record needs the store.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		d.service.StopActions(ctx)
		cancel()
	}
	errs = append(errs, d.closeReplayGuard())
	errs = append(errs, d.closePollFlush())
	errs = append(errs, d.closeFleetFlush())
	if d.store != nil {
		errs = append(errs, d.store.Close())
		d.store = nil
	}
	if d.dataDirLock != nil {
		errs = append(errs, d.dataDirLock.Close())
		d.dataDirLock = nil
	}
	return errors.Join(errs...)
}
