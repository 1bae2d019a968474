package appconfigd

import (
	"context"
	"time"
)

// Store persists the domain. It is deliberately dumb: the rules live in
// [Service], written once on top of [Tx], so every dialect behaves alike.
// The contract is pinned by the storetest package.
type Store interface {
	// Update runs fn in a read-write transaction. If fn returns an error
	// the transaction rolls back and nothing it wrote is kept. Update
	// transactions are serialized so that read-check-write sequences in fn
	// are atomic.
	Update(ctx context.Context, fn func(tx Tx) error) error

	// View runs fn in a read-only transaction that sees one consistent
	// snapshot.
	View(ctx context.Context, fn func(tx Tx) error) error

	// Close releases the store's resources.
	Close() error
}

// Page selects one page of a listing. Cursor is the opaque position
// returned with the previous page (0 for the first page); Limit is the page
// size, or 0 for everything.
type Page struct {
	Cursor int64
	Limit  int
}

// Tx is one transaction. Find methods that take a key return an *Error
// with code ENotFound, ResourceType and ResourceName when nothing matches;
// Find*ByName methods return an empty slice instead, and FindTags an empty
// map. Update and Delete methods return ENotFound for a missing key. Create
// methods return EConflict when the key already exists, and ENotFound when
// the parent does not. Keys of child resources are scoped by their parent.
// List methods return the items and the cursor of the next page, 0 when
// there is none. Times round-trip to the nanosecond. A committed Update
// makes the other processes sharing the store reload (see [ChangeFeed])
// unless it wrote only what none of them holds in memory: leases
// (TryLease), poll times (RaiseLastPolled), the action invocations of
// event logs (AddActionInvocations) and fleet sketches
// (PutFleetSketches, DeleteFleetSketchesBefore).
type Tx interface {
	CreateApplication(ctx context.Context, a *Application) error
	FindApplication(ctx context.Context, id string) (*Application, error)
	FindApplicationsByName(ctx context.Context, name string) ([]*Application, error)
	// ListApplications lists applications in creation order.
	ListApplications(ctx context.Context, page Page) ([]*Application, int64, error)
	CountApplications(ctx context.Context) (int, error)
	UpdateApplication(ctx context.Context, a *Application) error
	DeleteApplication(ctx context.Context, id string) error

	// Environments come with LatestDeploymentState filled in.
	CreateEnvironment(ctx context.Context, e *Environment) error
	FindEnvironment(ctx context.Context, appID, id string) (*Environment, error)
	FindEnvironmentsByName(ctx context.Context, appID, name string) ([]*Environment, error)
	// ListEnvironments lists an application's environments in creation
	// order.
	ListEnvironments(ctx context.Context, appID string, page Page) ([]*Environment, int64, error)
	CountEnvironments(ctx context.Context, appID string) (int, error)
	UpdateEnvironment(ctx context.Context, e *Environment) error
	// DeleteEnvironment deletes the environment and its deployments.
	DeleteEnvironment(ctx context.Context, appID, id string) error

	CreateConfigurationProfile(ctx context.Context, p *ConfigurationProfile) error
	FindConfigurationProfile(ctx context.Context, appID, id string) (*ConfigurationProfile, error)
	FindConfigurationProfilesByName(ctx context.Context, appID, name string) ([]*ConfigurationProfile, error)
	// ListConfigurationProfiles lists an application's profiles in creation
	// order, keeping those that match filter.
	ListConfigurationProfiles(ctx context.Context, appID string, filter ConfigurationProfileFilter, page Page) ([]*ConfigurationProfile, int64, error)
	CountConfigurationProfiles(ctx context.Context, appID string) (int, error)
	UpdateConfigurationProfile(ctx context.Context, p *ConfigurationProfile) error
	DeleteConfigurationProfile(ctx context.Context, appID, id string) error

	// CreateHostedConfigurationVersion stores v, whose VersionNumber the
	// caller chose with LatestHostedConfigurationVersionNumber.
	CreateHostedConfigurationVersion(ctx context.Context, v *HostedConfigurationVersion) error
	// LatestHostedConfigurationVersionNumber returns the highest version
	// number ever created for the profile, deleted versions included, or 0.
	LatestHostedConfigurationVersionNumber(ctx context.Context, appID, profileID string) (int, error)
	// RaiseHostedConfigurationVersionNumber raises the profile's
	// latest-version counter, which LatestHostedConfigurationVersionNumber
	// returns, to at least n; it never lowers it. It exists for copying a
	// store: numbers of deleted versions count as used, and copying the
	// surviving versions alone would let them be reused. ENotFound for a
	// missing profile.
	RaiseHostedConfigurationVersionNumber(ctx context.Context, appID, profileID string, n int) error
	// FindHostedConfigurationVersion, FindHostedConfigurationVersionByLabel,
	// ListHostedConfigurationVersions and CountHostedConfigurationVersions
	// see only versions not marked deleted.
	FindHostedConfigurationVersion(ctx context.Context, appID, profileID string, number int) (*HostedConfigurationVersion, error)
	// FindHostedConfigurationVersionByLabel returns the newest version with
	// that label.
	FindHostedConfigurationVersionByLabel(ctx context.Context, appID, profileID, label string) (*HostedConfigurationVersion, error)
	// ListHostedConfigurationVersions lists versions newest first, without
	// their Content, keeping those that match filter.
	ListHostedConfigurationVersions(ctx context.Context, appID, profileID string, filter HostedConfigurationVersionFilter, page Page) ([]*HostedConfigurationVersion, int64, error)
	CountHostedConfigurationVersions(ctx context.Context, appID, profileID string) (int, error)
	// MarkHostedConfigurationVersionDeleted marks a version deleted: the
	// methods above no longer see it, but its content stays for the data
	// plane, which serves it until a deployment replaces it. ENotFound
	// when the version is missing or already marked.
	MarkHostedConfigurationVersionDeleted(ctx context.Context, appID, profileID string, number int, at time.Time) error
	// FindServedHostedConfigurationVersion returns a version with its
	// content, marked deleted or not: what the data plane serves.
	FindServedHostedConfigurationVersion(ctx context.Context, appID, profileID string, number int) (*HostedConfigurationVersion, error)
	// ListDeletedHostedConfigurationVersions returns every version marked
	// deleted, without content, by application, profile and number.
	ListDeletedHostedConfigurationVersions(ctx context.Context) ([]*HostedConfigurationVersion, error)
	// DeleteHostedConfigurationVersion removes a version, marked deleted
	// or not; its number is not reused.
	DeleteHostedConfigurationVersion(ctx context.Context, appID, profileID string, number int) error

	CreateDeploymentStrategy(ctx context.Context, s *DeploymentStrategy) error
	FindDeploymentStrategy(ctx context.Context, id string) (*DeploymentStrategy, error)
	FindDeploymentStrategiesByName(ctx context.Context, name string) ([]*DeploymentStrategy, error)
	// ListDeploymentStrategies lists strategies in creation order.
	ListDeploymentStrategies(ctx context.Context, page Page) ([]*DeploymentStrategy, int64, error)
	// CountDeploymentStrategies counts strategies that are not predefined.
	CountDeploymentStrategies(ctx context.Context) (int, error)
	UpdateDeploymentStrategy(ctx context.Context, s *DeploymentStrategy) error
	DeleteDeploymentStrategy(ctx context.Context, id string) error

	// CreateDeployment stores d with its event log; EConflict when the
	// environment already has a deployment with that number.
	CreateDeployment(ctx context.Context, d *Deployment) error
	FindDeployment(ctx context.Context, appID, envID string, number int) (*Deployment, error)
	// LatestDeployment returns the environment's highest-numbered
	// deployment, or nil and no error when it has none.
	LatestDeployment(ctx context.Context, appID, envID string) (*Deployment, error)
	// ListDeployments lists an environment's deployments by descending
	// number, with their event logs.
	ListDeployments(ctx context.Context, appID, envID string, page Page) ([]*Deployment, int64, error)
	// UpdateDeployment saves State, PercentageComplete, CompletedAt and the
	// events appended to EventLog since it was read.
	UpdateDeployment(ctx context.Context, d *Deployment) error
	// AddActionInvocations appends invocations to the ActionInvocations
	// of event position (its index in EventLog) of a deployment;
	// ENotFound when there is no such event. Like TryLease it changes
	// nothing other processes must reload.
	AddActionInvocations(ctx context.Context, appID, envID string, number, position int, invocations []ActionInvocation) error
	// ListActiveDeployments returns every deployment whose state is
	// Active, with event logs.
	ListActiveDeployments(ctx context.Context) ([]*Deployment, error)
	// ListServingDeployments returns every deployment without event logs,
	// ordered by application, environment and ascending number: what the
	// data plane needs to decide what each environment serves.
	ListServingDeployments(ctx context.Context) ([]*Deployment, error)
	// CountProfileDeployments counts the deployments of a profile in any
	// environment.
	CountProfileDeployments(ctx context.Context, appID, profileID string) (int, error)

	// The data plane's catalog loads itself through the next four
	// methods: the whole store in a constant number of queries at start,
	// one application in a constant number after a change (catalog.go).
	//
	// ListCatalogEnvironments returns the environments of application
	// appID, or of every application when appID is "", ordered by
	// application and creation, with only what the catalog holds
	// (Type is empty).
	ListCatalogEnvironments(ctx context.Context, appID string) ([]CatalogEntry, error)
	// ListCatalogProfiles returns the configuration profiles of
	// application appID, or of every application when appID is "",
	// ordered by application and creation, with only what the catalog
	// holds.
	ListCatalogProfiles(ctx context.Context, appID string) ([]CatalogEntry, error)
	// ListApplicationServingDeployments returns the deployments of one
	// application as ListServingDeployments returns those of all.
	ListApplicationServingDeployments(ctx context.Context, appID string) ([]*Deployment, error)
	// FindServedHostedConfigurationVersions returns the versions keys
	// name, with their content, marked deleted or not, in no particular
	// order; a key that names no version is left out.
	FindServedHostedConfigurationVersions(ctx context.Context, keys []HostedVersionKey) ([]*HostedConfigurationVersion, error)

	// Extensions are custom extensions; the AWS-owned ones are not
	// stored. Versions of one extension share its ID and name; version 0
	// means the latest (highest) version.
	// CreateExtension stores one version; EConflict when e.ID already has
	// e.VersionNumber.
	CreateExtension(ctx context.Context, e *Extension) error
	FindExtension(ctx context.Context, id string, version int) (*Extension, error)
	// FindExtensionsByName returns the latest version of each extension
	// named name.
	FindExtensionsByName(ctx context.Context, name string) ([]*Extension, error)
	// ListExtensions lists the latest version of every extension in the
	// order the extensions were created, keeping those named name when it
	// is not empty.
	ListExtensions(ctx context.Context, name string) ([]*Extension, error)
	// UpdateExtension saves Description, Actions and Parameters of one
	// version.
	UpdateExtension(ctx context.Context, e *Extension) error
	// DeleteExtension deletes one version.
	DeleteExtension(ctx context.Context, id string, version int) error

	// CreateExtensionAssociation stores a; ENotFound when its resource is
	// missing. Deleting the resource deletes its associations.
	CreateExtensionAssociation(ctx context.Context, a *ExtensionAssociation) error
	FindExtensionAssociation(ctx context.Context, id string) (*ExtensionAssociation, error)
	// ListExtensionAssociations lists associations in creation order,
	// keeping those that match filter.
	ListExtensionAssociations(ctx context.Context, filter ExtensionAssociationFilter, page Page) ([]*ExtensionAssociation, int64, error)
	// UpdateExtensionAssociation saves Parameters.
	UpdateExtensionAssociation(ctx context.Context, a *ExtensionAssociation) error
	DeleteExtensionAssociation(ctx context.Context, id string) error

	// Tags are keyed by resource ARN.
	FindTags(ctx context.Context, arn string) (map[string]string, error)
	// ReplaceTags replaces all tags of arn; an empty map removes them.
	ReplaceTags(ctx context.Context, arn string, tags map[string]string) error

	// PutAlarm creates or replaces the alarm with a.ARN.
	PutAlarm(ctx context.Context, a *Alarm) error
	// ListAlarms returns every alarm whose state was ever set, by ARN.
	ListAlarms(ctx context.Context) ([]*Alarm, error)

	// SealingKeys returns the token sealing keys, newest first.
	SealingKeys(ctx context.Context) ([]SealingKey, error)
	CreateSealingKey(ctx context.Context, k SealingKey) error
	DeleteSealingKey(ctx context.Context, id uint32) error

	// TryLease acquires or renews the named lease for holder until until,
	// and reports whether holder now has it: it does when nobody holds the
	// lease, when the current holder's lease ended before now, or when
	// holder already holds it. It is how replicas sharing a store elect
	// the one that runs the deployment engine.
	TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)

	// AppendAudit adds e, whose Time must not be zero, to the audit trail.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// ListAudit lists the audit entries that match filter newest first:
	// in the reverse order they were appended, which is the order of
	// their times unless clocks of replicas disagree.
	ListAudit(ctx context.Context, filter AuditFilter, page Page) ([]*AuditEntry, int64, error)
	// DeleteAuditBefore deletes the audit entries older than t and
	// returns how many it deleted.
	DeleteAuditBefore(ctx context.Context, t time.Time) (int64, error)

	// FindAccountSettings returns the stored account settings, or nil
	// and no error when none were ever stored.
	FindAccountSettings(ctx context.Context) (*AccountSettings, error)
	// PutAccountSettings stores the account settings.
	PutAccountSettings(ctx context.Context, s *AccountSettings) error
	// RaiseLastPolled records that r was polled at t unless a later poll
	// is recorded already; a missing r is no error, since it may have
	// been deleted after it was polled. Like TryLease it changes nothing
	// other processes must reload.
	RaiseLastPolled(ctx context.Context, r PolledResource, t time.Time) error
	// LastPolled returns when r was last polled, or the zero time when it
	// never was or does not exist.
	LastPolled(ctx context.Context, r PolledResource) (time.Time, error)

	// PutFleetSketches stores rows, each replacing the row of the same
	// replica, key, version and minute. Like TryLease it changes nothing
	// other processes must reload.
	PutFleetSketches(ctx context.Context, rows []FleetSketch) error
	// ListFleetSketches returns the rows of every replica whose minute is
	// at or after since, in no particular order.
	ListFleetSketches(ctx context.Context, since time.Time) ([]FleetSketch, error)
	// DeleteFleetSketchesBefore deletes the rows whose minute is before
	// t. Like PutFleetSketches it changes nothing other processes must
	// reload.
	DeleteFleetSketchesBefore(ctx context.Context, t time.Time) error
}

// ChangeFeed is implemented by stores that several appconfigd processes can
// share. Listen calls changed whenever some process commits an Update,
// until ctx is done, with what the Update changed; it also calls changed
// with StoreChange{All: true} once it is listening, at the start and after
// it had to reconnect, since changes committed before then were not heard.
// It returns ctx's error.
type ChangeFeed interface {
	Listen(ctx context.Context, changed func(StoreChange)) error
}

// StoreChange is what a committed Update changed of what processes hold in
// memory, as a [ChangeFeed] reports it.
type StoreChange struct {
	// All means anything may have changed: reload everything. It is set
	// for a change the feed cannot describe (too many applications, a
	// sealing key, a store that does not say) and for changes that may
	// have been missed.
	All bool
	// Applications are the IDs of the applications whose catalog part
	// (the application, its environments, profiles and deployments) the
	// Update changed. None, without All, means the Update changed nothing
	// the catalog holds (a strategy, an extension, an audit entry), though
	// it may concern the deployment engine (an alarm).
	Applications []string
}

// CatalogEntry is what the data plane's catalog holds of an environment or
// a configuration profile.
type CatalogEntry struct {
	// ApplicationID is the application the environment or profile
	// belongs to, by which a full load groups the entries.
	ApplicationID string
	// ID is the environment's or profile's ID, and Name its name:
	// sessions name it by either.
	ID   string
	Name string
	// Type is a profile's type; empty for environments.
	Type string
}

// HostedVersionKey names one hosted configuration version.
type HostedVersionKey struct {
	// ApplicationID and ConfigurationProfileID are the application and
	// profile the version belongs to.
	ApplicationID          string
	ConfigurationProfileID string
	// VersionNumber is the version's number within its profile, from 1.
	VersionNumber int
}

// SealingKey is a secret key that seals data-plane session tokens. Keys live
// in the store so every process sharing it can open every token, and so
// tokens survive restarts.
type SealingKey struct {
	ID        uint32
	Secret    []byte
	CreatedAt time.Time
}
