package appconfigd

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"
)

// Service implements every AppConfig and AppConfigData operation on top of
// a [Store]. The wire surfaces decode requests, call it and encode what it
// returns; all AWS rules live here.
type Service struct {
	Store  Store
	Clock  Clock
	Limits Limits
	Logger *slog.Logger
	// Rand is the source of randomness for IDs, session identities and
	// keys; nil means crypto/rand.
	Rand io.Reader

	// Region and AccountID make up resource ARNs.
	Region    string
	AccountID string
	// StrictARNs makes the tagging operations accept only ARNs with this
	// server's Region and AccountID; otherwise any region and account
	// name this server's resources (docs/COMPATIBILITY.md, "ARNs").
	StrictARNs bool

	// TokenTTL is how long a configuration token stays valid.
	TokenTTL time.Duration
	// TimeScale makes deployment and bake time run this many times
	// faster for new deployments (1 = real time).
	TimeScale float64
	// NewSealer builds the token sealer from the store's sealing keys.
	NewSealer func(keys []SealingKey) (TokenSealer, error)
	// Validators runs configuration profiles' validators.
	Validators ValidatorRunner
	// Actions runs extension actions (docs/COMPATIBILITY.md, "Extension
	// actions"); Open requires it, as it requires Validators.
	Actions ActionInvoker
	// KeyRotation is how old the newest token sealing key gets before
	// RotateSealingKeys makes a new one; 0 never rotates.
	KeyRotation time.Duration
	// InstanceID names this process among the replicas sharing the store,
	// as the holder of leases.
	InstanceID string
	// DeploymentsChanged, when set, is called after a deployment starts
	// or stops so the deployment engine can reschedule.
	DeploymentsChanged func()
	// AuditRetention is how long audit entries are kept; 0 keeps them
	// forever.
	AuditRetention time.Duration
	// ReplayCapacity is how many token chains the replay guard remembers,
	// at least MinReplayCapacity (see ReplayGuard).
	ReplayCapacity int
	// ChangePropagated, when set, is told how long the data plane took
	// to serve a change this process committed: from the commit to the
	// end of the reload of its view (docs/OPERATIONS.md, "Metrics").
	ChangePropagated func(time.Duration)
	// Fleet counts the sessions that poll, for the fleet view
	// (service_fleet.go); nil turns the fleet view off.
	Fleet FleetTracker
	// MaxWaiters is how many polls may wait for a change at once
	// (docs/WIRE.md §2.5); 0 lets none wait.
	MaxWaiters int

	catalog Catalog
	replay  *ReplayGuard
	keys    keyring
	// auditPruned is when RecordAudit last deleted old entries, in Unix
	// nanoseconds.
	auditPruned atomic.Int64
	// versionsPurged is when purgeDeletedVersions last ran, in Unix
	// nanoseconds.
	versionsPurged atomic.Int64
	// writes is what the service knows of the store's writes; audit
	// keeps the entries the store could not take.
	writes writeHealth
	audit  auditQueue
	// polls is when this process last served each environment and
	// profile, for deletion protection.
	polls pollActivity
	// actions runs deployments' ON_* and AT_DEPLOYMENT_TICK actions in
	// the background.
	actions actionQueue
	// dataPlane counts polls by outcome and sessions started, for the
	// metrics.
	dataPlane DataPlaneCounts
	// fleet is the fleet view's pending rows and last merged view.
	fleet fleetState
	// waiters are the polls that wait for a change.
	waiters changeWaiters
}

// NewService returns a Service on store with AWS's defaults. Set fields,
// then call Open.
func NewService(store Store) *Service {
	return &Service{
		Store:          store,
		Clock:          SystemClock{},
		Limits:         DefaultLimits(),
		Logger:         slog.New(slog.DiscardHandler),
		Region:         "us-east-1",
		AccountID:      "000000000000",
		TokenTTL:       DefaultTokenTTL,
		TimeScale:      1,
		KeyRotation:    24 * time.Hour,
		AuditRetention: DefaultAuditRetention,
		ReplayCapacity: DefaultReplayCapacity,
		MaxWaiters:     DefaultMaxWaiters,
	}
}

// Open prepares the service: it makes sure the predefined deployment
// strategies and a token sealing key exist, builds the sealer and loads the
// data plane's catalog.
func (s *Service) Open(ctx context.Context) error {
	if s.NewSealer == nil || s.Validators == nil || s.Actions == nil {
		return fmt.Errorf("open service: NewSealer, Validators and Actions must be set")
	}
	// From here on every write goes through the watch; see WriteState.
	s.watchWrites()
	if s.ReplayCapacity < MinReplayCapacity {
		return fmt.Errorf("open service: replay capacity must be at least %d, got %d", MinReplayCapacity, s.ReplayCapacity)
	}
	s.replay = NewReplayGuard(s.ReplayCapacity)
	var keys []SealingKey
	err := s.Store.Update(ctx, func(tx Tx) error {
		for _, p := range PredefinedStrategies() {
			if _, err := tx.FindDeploymentStrategy(ctx, p.ID); err == nil {
				continue
			} else if !IsCode(err, ENotFound) {
				return err
			}
			p.CreatedAt = s.now()
			if err := tx.CreateDeploymentStrategy(ctx, &p); err != nil {
				return err
			}
		}
		var err error
		if keys, err = tx.SealingKeys(ctx); err != nil || len(keys) > 0 {
			return err
		}
		secret, err := RandomBytes(s.Rand, 32)
		if err != nil {
			return err
		}
		k := SealingKey{ID: 1, Secret: secret, CreatedAt: s.now()}
		keys = []SealingKey{k}
		return tx.CreateSealingKey(ctx, k)
	})
	if err != nil {
		return fmt.Errorf("open service: %w", err)
	}
	if err := s.installKeys(keys); err != nil {
		return fmt.Errorf("open service: %w", err)
	}
	if s.InstanceID == "" {
		id, err := s.newID()
		if err != nil {
			return err
		}
		s.InstanceID = "appconfigd-" + id
	}
	// The fleet's rows name the process, not the lease holder: a process
	// restarted on SQLite keeps InstanceID, and its first sketch of a
	// minute would replace the one its predecessor wrote for that minute.
	id, err := s.newID()
	if err != nil {
		return err
	}
	s.fleet.replica = s.InstanceID + "/" + id
	s.catalog.published = s.waiters.published
	return s.catalog.Reload(ctx, s.Store, s.Logger)
}

// now returns the current time in UTC, truncated to milliseconds so that
// it survives every store and every wire format unchanged.
func (s *Service) now() time.Time {
	return s.Clock.Now().UTC().Truncate(time.Millisecond)
}

func (s *Service) newID() (string, error) {
	return IDGenerator{Rand: s.Rand}.NewID()
}

// refreshTimeout bounds a load of the data plane's view, which runs on a
// context of its own: it serves every request joined to its batch, so it
// does not stop when the request that runs it does (see Catalog.runBatch).
const refreshTimeout = 30 * time.Second

// fullLoadTimeout bounds a load of the whole data plane's view, at start
// and on a replica's periodic resync: it takes seconds for 10,000
// applications (docs/PERFORMANCE.md, "A catalog of 10,000 applications"),
// so its bound leaves room for catalogs far larger than that.
const fullLoadTimeout = 10 * time.Minute

// changed refreshes the data plane's view of the applications appIDs after a
// committed change to it (the application, its environments, profiles or
// deployments). The change is committed, so every client must be served it
// whatever the client that made it does now: the catalog's load runs on a
// context of its own, not cancelled when that client hangs up
// (docs/ARCHITECTURE.md, "The data plane"). It re-reads that one
// application, joining writers that commit at the same time in one load
// (see Catalog). A failure leaves the previous view in place until the
// next change or the periodic resync.
func (s *Service) changed(ctx context.Context, appIDs ...string) {
	committed := s.Clock.Now()
	if err := s.catalog.ReloadApplications(ctx, s.Store, s.Logger, appIDs); err != nil {
		s.Logger.Error("refresh data plane view", "err", err)
		return
	}
	if s.ChangePropagated != nil {
		s.ChangePropagated(s.Clock.Now().Sub(committed))
	}
}

// Refresh reloads what this process keeps in memory from the store: the
// whole data plane's view and the token sealing keys. Replicas sharing a
// store call it when they may have missed changes (at start, after the
// change feed reconnected, for a change it could not describe) and
// periodically as a safety net.
func (s *Service) Refresh(ctx context.Context) error {
	return errors.Join(s.catalog.Reload(ctx, s.Store, s.Logger), s.reloadKeys(ctx))
}

// RefreshApplications re-reads the data plane's view of the applications
// appIDs, which another process sharing the store changed (see
// StoreChange), keeping the rest of the view as it is.
func (s *Service) RefreshApplications(ctx context.Context, appIDs []string) error {
	return s.catalog.ReloadApplications(ctx, s.Store, s.Logger, appIDs)
}

// ListInput is the pagination of a List operation.
type ListInput struct {
	// MaxResults is 1..50; 0 means 50.
	MaxResults int
	// NextToken continues a previous listing.
	NextToken string
}

// ListOutput is one page of a listing.
type ListOutput[T any] struct {
	Items     []T
	NextToken string
}

// maxListResults is the model's MaxResults maximum and the default page
// size (docs/WIRE.md §3.3).
const maxListResults = 50

// page validates in and converts it to a store Page.
func (in ListInput) page() (Page, error) {
	p := Page{Limit: in.MaxResults}
	if p.Limit == 0 {
		p.Limit = maxListResults
	}
	if p.Limit < 1 || p.Limit > maxListResults {
		return p, badRequest("MaxResults must be between 1 and %d, got %d", maxListResults, in.MaxResults)
	}
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		var cursor int64
		if err == nil {
			cursor, err = strconv.ParseInt(string(b), 10, 64)
		}
		if err != nil || cursor <= 0 || len(in.NextToken) > 2048 {
			return p, badRequest("NextToken is not valid")
		}
		p.Cursor = cursor
	}
	return p, nil
}

// nextToken encodes a store cursor as an opaque NextToken.
func nextToken(cursor int64) string {
	if cursor == 0 {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(cursor, 10)))
}

// findApplication resolves an application ID or name.
func findApplication(ctx context.Context, tx Tx, ident string) (*Application, error) {
	a, err := tx.FindApplication(ctx, ident)
	if !IsCode(err, ENotFound) {
		return a, err
	}
	named, err2 := tx.FindApplicationsByName(ctx, ident)
	if err2 != nil {
		return nil, err2
	}
	if one, err2 := only(named, "application", ident); one != nil || err2 != nil {
		return one, err2
	}
	return nil, err
}

// findEnvironment resolves an environment ID or name within an application.
func findEnvironment(ctx context.Context, tx Tx, appID, ident string) (*Environment, error) {
	e, err := tx.FindEnvironment(ctx, appID, ident)
	if !IsCode(err, ENotFound) {
		return e, err
	}
	named, err2 := tx.FindEnvironmentsByName(ctx, appID, ident)
	if err2 != nil {
		return nil, err2
	}
	if one, err2 := only(named, "environment", ident); one != nil || err2 != nil {
		return one, err2
	}
	return nil, err
}

// findProfile resolves a configuration profile ID or name within an
// application.
func findProfile(ctx context.Context, tx Tx, appID, ident string) (*ConfigurationProfile, error) {
	p, err := tx.FindConfigurationProfile(ctx, appID, ident)
	if !IsCode(err, ENotFound) {
		return p, err
	}
	named, err2 := tx.FindConfigurationProfilesByName(ctx, appID, ident)
	if err2 != nil {
		return nil, err2
	}
	if one, err2 := only(named, "configuration profile", ident); one != nil || err2 != nil {
		return one, err2
	}
	return nil, err
}

// findApplicationEnvironment resolves an application ID or name and an
// environment ID or name within it.
func findApplicationEnvironment(ctx context.Context, tx Tx, appIdent, envIdent string) (*Application, *Environment, error) {
	a, err := findApplication(ctx, tx, appIdent)
	if err != nil {
		return nil, nil, err
	}
	e, err := findEnvironment(ctx, tx, a.ID, envIdent)
	return a, e, err
}

// findApplicationProfile resolves an application ID or name and a
// configuration profile ID or name within it.
func findApplicationProfile(ctx context.Context, tx Tx, appIdent, profileIdent string) (*Application, *ConfigurationProfile, error) {
	a, err := findApplication(ctx, tx, appIdent)
	if err != nil {
		return nil, nil, err
	}
	p, err := findProfile(ctx, tx, a.ID, profileIdent)
	return a, p, err
}

// findStrategy resolves a deployment strategy ID or name.
func findStrategy(ctx context.Context, tx Tx, ident string) (*DeploymentStrategy, error) {
	st, err := tx.FindDeploymentStrategy(ctx, ident)
	if !IsCode(err, ENotFound) {
		return st, err
	}
	named, err2 := tx.FindDeploymentStrategiesByName(ctx, ident)
	if err2 != nil {
		return nil, err2
	}
	if one, err2 := only(named, "deployment strategy", ident); one != nil || err2 != nil {
		return one, err2
	}
	return nil, err
}

// only returns the single element of named, an error when there are
// several (names are not unique in AppConfig), and nil when there is none.
func only[T any](named []*T, kind, name string) (*T, error) {
	switch len(named) {
	case 0:
		return nil, nil
	case 1:
		return named[0], nil
	}
	return nil, badRequest("%d %ss are named %q; use the ID", len(named), kind, name)
}
