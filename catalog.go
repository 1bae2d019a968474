package appconfigd

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/appconfigd/appconfigd/featureflag"
)

// Catalog is the in-memory view the data plane serves from, so that
// GetLatestConfiguration does no database work (docs/ARCHITECTURE.md,
// "The data plane"): a poll must not wait for the store. It holds
// the names and IDs of applications, environments and profiles, and the
// content of every hosted version some environment serves.
//
// The cost of a change does not grow with the number of applications
// (docs/PERFORMANCE.md, "A catalog of 10,000 applications"): a snapshot
// maps each application ID to an immutable part of its own (catalogApp),
// so a change re-reads one application in a constant number of queries
// and publishes a snapshot that shares every other part; only the
// top-level maps are copied. Reload loads everything in a constant
// number of queries (plus one per thousand served versions). Loads run
// one at a time, in batches: a request that arrives while a load runs
// joins the next batch, and that batch re-reads the union of the
// applications its requests name (group commit), so a burst of writers
// costs a few loads, not one each, and every writer returns once a load
// that started after its commit has published.
type Catalog struct {
	snapshot atomic.Pointer[catalogSnapshot]

	mu   sync.Mutex
	cond *sync.Cond
	// next is the batch of requests the next load serves, nil for none;
	// running reports that a load runs.
	next    *catalogBatch
	running bool
	// published, when set, is told of every snapshot once it is
	// published, with the applications it re-read (all: every one), so
	// that polls waiting for a change wake (push.go).
	published func(snap *catalogSnapshot, all bool, appIDs []string)
}

// catalogBatch is the requests one load serves.
type catalogBatch struct {
	// all asks for a full reload; apps for the applications to re-read.
	all  bool
	apps map[string]struct{}
	// done and err are set when the load has published, or failed.
	done bool
	err  error
}

// ServedVersion is a hosted configuration version as the data plane serves
// it: for feature-flag profiles, in the retrieval-time format (docs/WIRE.md §4.2).
type ServedVersion struct {
	VersionNumber int
	ContentType   string
	VersionLabel  string
	Content       []byte
}

// catalogSnapshot is one published state of the catalog. It is never
// changed once published: a change publishes a new one.
type catalogSnapshot struct {
	// apps maps application IDs to their parts, appsNamed a name to the
	// IDs of the applications so named, in ID order. They are sharded
	// (catalog_shards.go), so that a change copies a shard of each, not
	// an entry per application.
	apps      *shardedMap[*catalogApp]
	appsNamed *shardedMap[[]string]
	// deployments counts the deployments in each state, over all
	// applications: the sum of their parts' counts, kept as a running
	// total so the metrics read it without a walk of the applications.
	deployments map[DeploymentState]int
}

// catalogApp is one application's part of a snapshot; immutable.
type catalogApp struct {
	id        string
	name      string
	envs      map[string]bool
	envsNamed map[string][]string
	profiles  map[string]bool
	// flagProfiles holds the profiles of type AWS.AppConfig.FeatureFlags.
	flagProfiles  map[string]bool
	profilesNamed map[string][]string
	// plans is what each of its (environment, profile) serves, and
	// versions the content of the versions they serve.
	plans    map[servingKey]*servingPlan
	versions map[HostedVersionKey]*ServedVersion
	// deployments counts its deployments in each state.
	deployments map[DeploymentState]int
}

// Reload rebuilds the whole catalog from the store in a constant number
// of queries. It sees everything committed before it was called. Problems
// that do not stop the reload are logged to logger.
func (c *Catalog) Reload(ctx context.Context, store Store, logger *slog.Logger) error {
	return c.load(ctx, store, logger, true, nil)
}

// ReloadApplications re-reads the named applications from the store (a
// deleted one leaves the catalog) and keeps the rest as it is. It sees
// everything committed to them before it was called.
func (c *Catalog) ReloadApplications(ctx context.Context, store Store, logger *slog.Logger, appIDs []string) error {
	if len(appIDs) == 0 {
		return nil
	}
	return c.load(ctx, store, logger, false, appIDs)
}

// load joins the next batch and returns once a load that serves it has
// published, or failed (see Catalog). The caller whose turn it is runs the
// load for every request of the batch.
func (c *Catalog) load(ctx context.Context, store Store, logger *slog.Logger, all bool, appIDs []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cond == nil {
		c.cond = sync.NewCond(&c.mu)
	}
	if c.next == nil {
		c.next = &catalogBatch{apps: make(map[string]struct{})}
	}
	b := c.next
	b.all = b.all || all
	for _, id := range appIDs {
		b.apps[id] = struct{}{}
	}
	for !b.done {
		if c.running {
			c.cond.Wait()
			continue
		}
		// No load runs and b is not done, so nobody took it: b is
		// still c.next, and its load is ours to run.
		c.running, c.next = true, nil
		c.runBatch(ctx, store, logger, b)
	}
	return b.err
}

// runBatch runs the load of batch b with c.mu unlocked; it is called, and
// returns, with c.mu locked. Whatever the load does, a panic included (a
// stored document that breaks a conversion, say), it records the outcome
// in b, marks that no load runs and wakes the waiters, so that the
// requests of the batch get an error instead of waiting for ever and the
// next load can run.
//
// The load serves every request of the batch, not only the caller's: it
// runs on a context of its own, so that a caller that gives up does not
// fail the others, bounded by refreshTimeout, or fullLoadTimeout for a
// load of the whole catalog, whose time grows with it.
func (c *Catalog) runBatch(ctx context.Context, store Store, logger *slog.Logger, b *catalogBatch) {
	c.mu.Unlock()
	var err error
	defer func() {
		if r := recover(); r != nil {
			logger.Error("catalog load panicked", "panic", r, "stack", string(debug.Stack()))
			err = Errorf(EInternal, "reload catalog: panic: %v", r)
		}
		c.mu.Lock()
		b.done, b.err, c.running = true, err, false
		c.cond.Broadcast()
	}()
	timeout := refreshTimeout
	if b.all {
		timeout = fullLoadTimeout
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	err = c.run(ctx, store, logger, b)
}

// run loads what batch b asks for and publishes the result.
func (c *Catalog) run(ctx context.Context, store Store, logger *slog.Logger, b *catalogBatch) error {
	old := c.snapshot.Load()
	if b.all || old == nil {
		snap, err := loadCatalog(ctx, store, logger, old)
		if err != nil {
			return fmt.Errorf("reload catalog: %w", err)
		}
		c.snapshot.Store(snap)
		c.publish(snap, true, nil)
		return nil
	}
	ids := make([]string, 0, len(b.apps))
	for id := range b.apps {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	parts, err := loadApplications(ctx, store, logger, old, ids)
	if err != nil {
		return fmt.Errorf("reload catalog of applications %s: %w", strings.Join(ids, ", "), err)
	}
	snap := old.with(ids, parts)
	c.snapshot.Store(snap)
	c.publish(snap, false, ids)
	return nil
}

// publish tells published, if set, of a snapshot just published.
func (c *Catalog) publish(snap *catalogSnapshot, all bool, appIDs []string) {
	if c.published != nil {
		c.published(snap, all, appIDs)
	}
}

// loadCatalog reads the whole catalog: the applications, every
// environment, every profile and every deployment in one query each,
// then the content of the served versions that old does not hold
// already, in batches.
func loadCatalog(ctx context.Context, store Store, logger *slog.Logger, old *catalogSnapshot) (*catalogSnapshot, error) {
	parts := make(map[string]*catalogApp)
	err := store.View(ctx, func(tx Tx) error {
		apps, _, err := tx.ListApplications(ctx, Page{})
		if err != nil {
			return err
		}
		envs, err := tx.ListCatalogEnvironments(ctx, "")
		if err != nil {
			return err
		}
		profiles, err := tx.ListCatalogProfiles(ctx, "")
		if err != nil {
			return err
		}
		deployments, err := tx.ListServingDeployments(ctx)
		if err != nil {
			return err
		}
		envsOf, profilesOf := byApplication(envs), byApplication(profiles)
		deploymentsOf := make(map[string][]*Deployment)
		for _, d := range deployments {
			deploymentsOf[d.ApplicationID] = append(deploymentsOf[d.ApplicationID], d)
		}
		for _, a := range apps {
			parts[a.ID] = newCatalogApp(a, envsOf[a.ID], profilesOf[a.ID], deploymentsOf[a.ID])
		}
		return loadVersions(ctx, tx, logger, old, parts)
	})
	if err != nil {
		return nil, err
	}
	return newCatalogSnapshot(parts), nil
}

// newCatalogSnapshot returns the snapshot of the application parts apps,
// by ID.
func newCatalogSnapshot(apps map[string]*catalogApp) *catalogSnapshot {
	named := make(map[string][]string)
	deployments := make(map[DeploymentState]int)
	for id, ca := range apps {
		named[ca.name] = insertSorted(named[ca.name], id)
		for st, n := range ca.deployments {
			deployments[st] += n
		}
	}
	return &catalogSnapshot{apps: newShardedMap(apps), appsNamed: newShardedMap(named), deployments: deployments}
}

// app returns the part of application id, nil when there is none.
func (snap *catalogSnapshot) app(id string) *catalogApp {
	ca, _ := snap.apps.get(id)
	return ca
}

// loadApplications re-reads the applications ids in one transaction, a
// constant number of queries each, and returns their parts: nil for one
// that no longer exists.
func loadApplications(ctx context.Context, store Store, logger *slog.Logger, old *catalogSnapshot, ids []string) (map[string]*catalogApp, error) {
	parts := make(map[string]*catalogApp, len(ids))
	err := store.View(ctx, func(tx Tx) error {
		for _, id := range ids {
			a, err := tx.FindApplication(ctx, id)
			if IsCode(err, ENotFound) {
				parts[id] = nil
				continue
			}
			if err != nil {
				return err
			}
			envs, err := tx.ListCatalogEnvironments(ctx, id)
			if err != nil {
				return err
			}
			profiles, err := tx.ListCatalogProfiles(ctx, id)
			if err != nil {
				return err
			}
			deployments, err := tx.ListApplicationServingDeployments(ctx, id)
			if err != nil {
				return err
			}
			parts[id] = newCatalogApp(a, envs, profiles, deployments)
		}
		found := make(map[string]*catalogApp, len(parts))
		for id, ca := range parts {
			if ca != nil {
				found[id] = ca
			}
		}
		return loadVersions(ctx, tx, logger, old, found)
	})
	return parts, err
}

// byApplication groups catalog entries by application, keeping their
// order.
func byApplication(entries []CatalogEntry) map[string][]CatalogEntry {
	of := make(map[string][]CatalogEntry)
	for _, e := range entries {
		of[e.ApplicationID] = append(of[e.ApplicationID], e)
	}
	return of
}

// newCatalogApp builds an application's part, without the content of its
// versions (see loadVersions), from its environments, its profiles and its
// deployments ordered by environment and ascending number.
func newCatalogApp(a *Application, envs, profiles []CatalogEntry, deployments []*Deployment) *catalogApp {
	ca := &catalogApp{
		id: a.ID, name: a.Name,
		envs: make(map[string]bool, len(envs)), envsNamed: make(map[string][]string, len(envs)),
		profiles: make(map[string]bool, len(profiles)), profilesNamed: make(map[string][]string, len(profiles)),
		flagProfiles: make(map[string]bool),
		plans:        planServing(deployments),
		versions:     make(map[HostedVersionKey]*ServedVersion),
		deployments:  make(map[DeploymentState]int),
	}
	for _, e := range envs {
		ca.envs[e.ID] = true
		ca.envsNamed[e.Name] = append(ca.envsNamed[e.Name], e.ID)
	}
	for _, p := range profiles {
		ca.profiles[p.ID] = true
		if p.Type == ProfileTypeFeatureFlags {
			ca.flagProfiles[p.ID] = true
		}
		ca.profilesNamed[p.Name] = append(ca.profilesNamed[p.Name], p.ID)
	}
	for _, d := range deployments {
		ca.deployments[d.State]++
	}
	return ca
}

// loadVersions fills in the served versions of parts: those old holds
// already are shared (versions are immutable), the others are read in one
// query per batch of keys. A version deleted while served is served until
// a deployment replaces it, so the read includes versions marked deleted.
func loadVersions(ctx context.Context, tx Tx, logger *slog.Logger, old *catalogSnapshot, parts map[string]*catalogApp) error {
	var missing []HostedVersionKey
	for _, ca := range parts {
		var was *catalogApp
		if old != nil {
			was = old.app(ca.id)
		}
		for k, p := range ca.plans {
			if !ca.profiles[k.ConfigurationProfileID] {
				// Deployments outlive the profile they deployed
				// (deleting a profile deletes its versions): there is
				// nothing left to serve.
				continue
			}
			for _, n := range []int{p.Baseline, p.Rollout} {
				vk := HostedVersionKey{ca.id, k.ConfigurationProfileID, n}
				// A version several environments serve is queued once:
				// the nil placeholder of a queued one counts as present.
				if _, queued := ca.versions[vk]; n == 0 || queued {
					continue
				}
				if was != nil && was.versions[vk] != nil {
					ca.versions[vk] = was.versions[vk]
					continue
				}
				ca.versions[vk] = nil
				missing = append(missing, vk)
			}
		}
	}
	for len(missing) > 0 {
		chunk := missing[:min(len(missing), versionBatch)]
		missing = missing[len(chunk):]
		hvs, err := tx.FindServedHostedConfigurationVersions(ctx, chunk)
		if err != nil {
			return err
		}
		for _, hv := range hvs {
			ca := parts[hv.ApplicationID]
			ca.versions[HostedVersionKey{hv.ApplicationID, hv.ConfigurationProfileID, hv.VersionNumber}] = servedVersion(hv, ca.flagProfiles[hv.ConfigurationProfileID], logger)
		}
		for _, vk := range chunk {
			if parts[vk.ApplicationID].versions[vk] == nil {
				return fmt.Errorf("load deployed version %d of profile %s: %w", vk.VersionNumber, vk.ConfigurationProfileID,
					Errorf(ENotFound, "hosted configuration version %d of profile %s not found", vk.VersionNumber, vk.ConfigurationProfileID))
			}
		}
	}
	return nil
}

// versionBatch is how many versions loadVersions reads per query: few
// enough for the bound on a query's parameters of both databases.
const versionBatch = 1000

// with returns a snapshot like snap in which the applications ids have the
// parts of parts (nil: deleted). It copies only the shards of the
// top-level maps that hold them, sharing every other application's part.
func (snap *catalogSnapshot) with(ids []string, parts map[string]*catalogApp) *catalogSnapshot {
	deployments := maps.Clone(snap.deployments)
	set := make(map[string]*catalogApp)
	var del []string
	names := make(map[string][]string)
	named := func(name string) []string {
		if changed, ok := names[name]; ok {
			return changed
		}
		had, _ := snap.appsNamed.get(name)
		return slices.Clone(had)
	}
	for _, id := range ids {
		was, now := snap.app(id), parts[id]
		if was != nil {
			for st, n := range was.deployments {
				deployments[st] -= n
			}
		}
		if now != nil {
			for st, n := range now.deployments {
				deployments[st] += n
			}
			set[id] = now
		} else {
			del = append(del, id)
		}
		if was != nil && (now == nil || was.name != now.name) {
			names[was.name] = slices.DeleteFunc(named(was.name), func(s string) bool { return s == id })
		}
		if now != nil && (was == nil || was.name != now.name) {
			names[now.name] = insertSorted(named(now.name), id)
		}
	}
	for st, n := range deployments {
		if n == 0 {
			delete(deployments, st)
		}
	}
	next := &catalogSnapshot{apps: snap.apps.with(set, del), appsNamed: snap.appsNamed, deployments: deployments}
	if len(names) > 0 {
		var gone []string
		for name, members := range names {
			if len(members) == 0 {
				delete(names, name)
				gone = append(gone, name)
			}
		}
		next.appsNamed = snap.appsNamed.with(names, gone)
	}
	return next
}

// insertSorted inserts id into the sorted ids.
func insertSorted(ids []string, id string) []string {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

// plansOf returns the serving plans of the applications appIDs.
func (snap *catalogSnapshot) plansOf(appIDs []string) map[servingKey]*servingPlan {
	plans := make(map[servingKey]*servingPlan)
	for _, id := range appIDs {
		if ca := snap.app(id); ca != nil {
			maps.Copy(plans, ca.plans)
		}
	}
	return plans
}

// servedVersion prepares a hosted version for serving. Feature flags are
// converted to the retrieval-time format once here, so polls only copy
// bytes. A flag document that does not convert (stored before validation
// existed, say) is served as stored and logged, rather than taking the
// whole environment offline.
func servedVersion(hv *HostedConfigurationVersion, flags bool, logger *slog.Logger) *ServedVersion {
	v := &ServedVersion{VersionNumber: hv.VersionNumber, ContentType: hv.ContentType, VersionLabel: hv.VersionLabel, Content: hv.Content}
	if !flags {
		return v
	}
	body, contentType, err := featureflag.Retrieval(hv.Content)
	if err != nil {
		logger.Error("feature flags served as stored: not in the deployment-time format",
			"application", hv.ApplicationID, "profile", hv.ConfigurationProfileID, "version", hv.VersionNumber, "err", err)
		return v
	}
	v.Content, v.ContentType = body, contentType
	return v
}

// resolved holds the IDs a session's identifiers resolved to, and the
// application's name.
type resolved struct {
	ApplicationID, EnvironmentID, ConfigurationProfileID string
	ApplicationName                                      string
	// FeatureFlags reports that the profile is of type
	// AWS.AppConfig.FeatureFlags.
	FeatureFlags bool
}

// Resolve turns the application, environment and profile identifiers of
// StartConfigurationSession (each an ID or a name) into IDs.
func (c *Catalog) resolve(app, env, profile string) (resolved, error) {
	snap := c.snapshot.Load()
	if snap == nil {
		return resolved{}, Errorf(EInternal, "catalog not loaded")
	}
	var r resolved
	var err error
	named, _ := snap.appsNamed.get(app)
	if r.ApplicationID, err = pick(snap.app(app) != nil, app, named, ResourceApplication, "ApplicationIdentifier"); err != nil {
		return r, err
	}
	ca := snap.app(r.ApplicationID)
	r.ApplicationName = ca.name
	if r.EnvironmentID, err = pick(ca.envs[env], env, ca.envsNamed[env], ResourceEnvironment, "EnvironmentIdentifier"); err != nil {
		return r, err
	}
	if r.ConfigurationProfileID, err = pick(ca.profiles[profile], profile, ca.profilesNamed[profile], ResourceConfigurationProfile, "ConfigurationProfileIdentifier"); err != nil {
		return r, err
	}
	r.FeatureFlags = ca.flagProfiles[r.ConfigurationProfileID]
	return r, nil
}

// pick resolves an identifier that is an ID (isID) or a name with the given
// matching IDs.
func pick(isID bool, ident string, named []string, rt ResourceType, param string) (string, error) {
	switch {
	case isID:
		return ident, nil
	case len(named) == 1:
		return named[0], nil
	case len(named) > 1:
		return "", &Error{Code: EBadRequest, Message: fmt.Sprintf("%s %q matches %d resources named %q; use the ID", param, ident, len(named), ident)}
	}
	return "", &Error{
		Code:         ENotFound,
		Message:      fmt.Sprintf("%s %s not found", rt, ident),
		ResourceType: rt,
		ResourceName: ident,
		ReferencedBy: map[string]string{param: ident},
	}
}

// applicationName returns the name of an application, "" when unknown.
func (c *Catalog) applicationName(appID string) string {
	if snap := c.snapshot.Load(); snap != nil {
		if ca := snap.app(appID); ca != nil {
			return ca.name
		}
	}
	return ""
}

// plan returns the serving plan of a session's environment and profile,
// nil when nothing was ever deployed, or an ENotFound error when the
// session's application, environment or profile has been deleted. The
// returned part of the session's application holds the plan's versions,
// so that the poll looks the application up once.
func (c *Catalog) plan(t *SessionToken) (*catalogApp, *servingPlan, error) {
	snap := c.snapshot.Load()
	if snap == nil {
		return nil, nil, Errorf(EInternal, "catalog not loaded")
	}
	ca := snap.app(t.ApplicationID)
	switch {
	case ca == nil:
		return nil, nil, &Error{Code: ENotFound, Message: "Application " + t.ApplicationID + " of this session no longer exists", ResourceType: ResourceApplication, ResourceName: t.ApplicationID}
	case !ca.envs[t.EnvironmentID]:
		return nil, nil, &Error{Code: ENotFound, Message: "Environment " + t.EnvironmentID + " of this session no longer exists", ResourceType: ResourceEnvironment, ResourceName: t.EnvironmentID}
	case !ca.profiles[t.ConfigurationProfileID]:
		return nil, nil, &Error{Code: ENotFound, Message: "Configuration profile " + t.ConfigurationProfileID + " of this session no longer exists", ResourceType: ResourceConfigurationProfile, ResourceName: t.ConfigurationProfileID}
	}
	return ca, ca.plans[servingKey{t.ApplicationID, t.EnvironmentID, t.ConfigurationProfileID}], nil
}

// version returns hosted version n of the session's profile as served, nil
// for 0.
func (ca *catalogApp) version(t *SessionToken, n int) *ServedVersion {
	if n == 0 {
		return nil
	}
	return ca.versions[HostedVersionKey{t.ApplicationID, t.ConfigurationProfileID, n}]
}

// servedVersion returns the served version k, nil when the catalog holds
// none.
func (snap *catalogSnapshot) servedVersion(k HostedVersionKey) *ServedVersion {
	if k.VersionNumber == 0 {
		return nil
	}
	if ca := snap.app(k.ApplicationID); ca != nil {
		return ca.versions[k]
	}
	return nil
}

// ServingReport is what the data plane serves and how many deployments
// are in each state, as the catalog last loaded them, so that the metrics
// read it at scrape time without a query (docs/OPERATIONS.md, "Metrics").
type ServingReport struct {
	// Deployments counts the deployments in each state; every state is
	// present.
	Deployments map[DeploymentState]int
	// Profiles is what each environment serves of each profile something
	// was deployed to, for the environments and profiles that exist.
	Profiles []ProfileServing
}

// ProfileServing is what one environment serves of one configuration
// profile.
type ProfileServing struct {
	ApplicationID, EnvironmentID, ConfigurationProfileID string
	// Version is the hosted version sessions get outside a rollout, 0
	// while none was deployed.
	Version int
	// Rollout is the deployment in progress (deploying or baking), nil
	// for none.
	Rollout *RolloutServing
}

// RolloutServing is a deployment in progress as the data plane serves it.
type RolloutServing struct {
	DeploymentNumber int
	VersionNumber    int
	// Percentage is the share of sessions that get VersionNumber, 0 to
	// 100.
	Percentage float64
}

// deploymentStates are every deployment state, which ServingReport
// always reports.
var deploymentStates = []DeploymentState{
	DeploymentValidating, DeploymentDeploying, DeploymentBaking, DeploymentComplete,
	DeploymentRollingBack, DeploymentRolledBack, DeploymentReverted,
}

// Serving reports what the data plane serves; empty before Open.
func (s *Service) Serving() ServingReport {
	r := ServingReport{Deployments: make(map[DeploymentState]int, len(deploymentStates))}
	for _, st := range deploymentStates {
		r.Deployments[st] = 0
	}
	snap := s.catalog.snapshot.Load()
	if snap == nil {
		return r
	}
	for st, n := range snap.deployments {
		r.Deployments[st] = n
	}
	snap.apps.all(func(_ string, ca *catalogApp) bool {
		for k, p := range ca.plans {
			if !ca.envs[k.EnvironmentID] || !ca.profiles[k.ConfigurationProfileID] {
				// Deployments outlive what they deployed; what is gone
				// serves nothing.
				continue
			}
			ps := ProfileServing{ApplicationID: k.ApplicationID, EnvironmentID: k.EnvironmentID, ConfigurationProfileID: k.ConfigurationProfileID, Version: p.Baseline}
			if p.Rollout != 0 {
				ps.Rollout = &RolloutServing{DeploymentNumber: p.RolloutDeployment, VersionNumber: p.Rollout, Percentage: p.Percentage}
			}
			r.Profiles = append(r.Profiles, ps)
		}
		return true
	})
	return r
}
