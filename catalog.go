package appconfigd

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/appconfigd/appconfigd/featureflag"
)

// Catalog is the in-memory view the data plane serves from, so that
// GetLatestConfiguration does no database work (issue "hot path"). It holds
// the names and IDs of applications, environments and profiles, and the
// content of every hosted version some environment serves. Reload rebuilds
// it from the store whenever the control plane changes something.
type Catalog struct {
	snapshot atomic.Pointer[catalogSnapshot]

	reloadMu sync.Mutex
	// versions caches hosted versions by key; they are immutable.
	versions map[versionKey]*ServedVersion
}

type versionKey struct {
	ApplicationID          string
	ConfigurationProfileID string
	VersionNumber          int
}

// ServedVersion is a hosted configuration version as the data plane serves
// it: for feature-flag profiles, in the retrieval-time format (docs/WIRE.md §4.2).
type ServedVersion struct {
	VersionNumber int
	ContentType   string
	VersionLabel  string
	Content       []byte
}

type catalogSnapshot struct {
	apps      map[string]*catalogApp
	appsNamed map[string][]string
	plans     map[servingKey]*servingPlan
	versions  map[versionKey]*ServedVersion
	// deployments counts the deployments in each state.
	deployments map[DeploymentState]int
}

type catalogApp struct {
	name      string
	envs      map[string]bool
	envsNamed map[string][]string
	profiles  map[string]bool
	// flagProfiles holds the profiles of type AWS.AppConfig.FeatureFlags.
	flagProfiles  map[string]bool
	profilesNamed map[string][]string
}

// Reload rebuilds the catalog from the store. Concurrent calls are
// serialized; each sees everything committed before it started. Problems
// that do not stop the reload are logged to logger.
func (c *Catalog) Reload(ctx context.Context, store Store, logger *slog.Logger) error {
	c.reloadMu.Lock()
	defer c.reloadMu.Unlock()
	snap := &catalogSnapshot{
		apps:      make(map[string]*catalogApp),
		appsNamed: make(map[string][]string),
		versions:  make(map[versionKey]*ServedVersion),
	}
	if c.versions == nil {
		c.versions = make(map[versionKey]*ServedVersion)
	}
	err := store.View(ctx, func(tx Tx) error {
		apps, _, err := tx.ListApplications(ctx, Page{})
		if err != nil {
			return err
		}
		for _, a := range apps {
			ca := &catalogApp{
				name: a.Name,
				envs: make(map[string]bool), envsNamed: make(map[string][]string),
				profiles: make(map[string]bool), profilesNamed: make(map[string][]string),
				flagProfiles: make(map[string]bool),
			}
			snap.apps[a.ID] = ca
			snap.appsNamed[a.Name] = append(snap.appsNamed[a.Name], a.ID)
			envs, _, err := tx.ListEnvironments(ctx, a.ID, Page{})
			if err != nil {
				return err
			}
			for _, e := range envs {
				ca.envs[e.ID] = true
				ca.envsNamed[e.Name] = append(ca.envsNamed[e.Name], e.ID)
			}
			profiles, _, err := tx.ListConfigurationProfiles(ctx, a.ID, ConfigurationProfileFilter{}, Page{})
			if err != nil {
				return err
			}
			for _, p := range profiles {
				ca.profiles[p.ID] = true
				if p.Type == ProfileTypeFeatureFlags {
					ca.flagProfiles[p.ID] = true
				}
				ca.profilesNamed[p.Name] = append(ca.profilesNamed[p.Name], p.ID)
			}
		}
		deployments, err := tx.ListServingDeployments(ctx)
		if err != nil {
			return err
		}
		snap.plans = planServing(deployments)
		snap.deployments = make(map[DeploymentState]int)
		for _, d := range deployments {
			snap.deployments[d.State]++
		}
		for k, p := range snap.plans {
			if ca := snap.apps[k.ApplicationID]; ca == nil || !ca.profiles[k.ConfigurationProfileID] {
				// Deployments outlive the profile they deployed
				// (deleting a profile deletes its versions): there is
				// nothing left to serve.
				continue
			}
			for _, n := range []int{p.Baseline, p.Rollout} {
				if n == 0 {
					continue
				}
				vk := versionKey{k.ApplicationID, k.ConfigurationProfileID, n}
				v := c.versions[vk]
				if v == nil {
					// A version deleted while served is served until a
					// deployment replaces it.
					hv, err := tx.FindServedHostedConfigurationVersion(ctx, k.ApplicationID, k.ConfigurationProfileID, n)
					if err != nil {
						return fmt.Errorf("load deployed version %d of profile %s: %w", n, k.ConfigurationProfileID, err)
					}
					v = servedVersion(hv, snap.apps[k.ApplicationID].flagProfiles[k.ConfigurationProfileID], logger)
				}
				snap.versions[vk] = v
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reload catalog: %w", err)
	}
	// Keep only versions still served, so memory follows what is deployed.
	c.versions = snap.versions
	c.snapshot.Store(snap)
	return nil
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
	if r.ApplicationID, err = pick(snap.apps[app] != nil, app, snap.appsNamed[app], ResourceApplication, "ApplicationIdentifier"); err != nil {
		return r, err
	}
	ca := snap.apps[r.ApplicationID]
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
		if ca := snap.apps[appID]; ca != nil {
			return ca.name
		}
	}
	return ""
}

// plan returns the serving plan of a session's environment and profile,
// nil when nothing was ever deployed, or an ENotFound error when the
// session's application, environment or profile has been deleted. The
// returned snapshot holds the plan's versions.
func (c *Catalog) plan(t *SessionToken) (*catalogSnapshot, *servingPlan, error) {
	snap := c.snapshot.Load()
	if snap == nil {
		return nil, nil, Errorf(EInternal, "catalog not loaded")
	}
	ca := snap.apps[t.ApplicationID]
	switch {
	case ca == nil:
		return nil, nil, &Error{Code: ENotFound, Message: "Application " + t.ApplicationID + " of this session no longer exists", ResourceType: ResourceApplication, ResourceName: t.ApplicationID}
	case !ca.envs[t.EnvironmentID]:
		return nil, nil, &Error{Code: ENotFound, Message: "Environment " + t.EnvironmentID + " of this session no longer exists", ResourceType: ResourceEnvironment, ResourceName: t.EnvironmentID}
	case !ca.profiles[t.ConfigurationProfileID]:
		return nil, nil, &Error{Code: ENotFound, Message: "Configuration profile " + t.ConfigurationProfileID + " of this session no longer exists", ResourceType: ResourceConfigurationProfile, ResourceName: t.ConfigurationProfileID}
	}
	return snap, snap.plans[servingKey{t.ApplicationID, t.EnvironmentID, t.ConfigurationProfileID}], nil
}

// version returns hosted version n of the session's profile as served, nil
// for 0.
func (snap *catalogSnapshot) version(t *SessionToken, n int) *ServedVersion {
	if n == 0 {
		return nil
	}
	return snap.versions[versionKey{t.ApplicationID, t.ConfigurationProfileID, n}]
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
	for k, p := range snap.plans {
		ca := snap.apps[k.ApplicationID]
		if ca == nil || !ca.envs[k.EnvironmentID] || !ca.profiles[k.ConfigurationProfileID] {
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
	return r
}
