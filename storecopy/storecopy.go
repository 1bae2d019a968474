// Package storecopy copies everything one appconfigd store holds into
// another, empty one: how a server outgrows its SQLite data directory and
// moves to PostgreSQL without starting over.
//
// [Copy] works through the [appconfigd.Tx] contract alone, so it copies
// between any two stores, and keeps what clients can observe: IDs, names,
// timestamps, list order, hosted configuration versions with their content
// (those deleted but still served included, marked deleted again),
// deployments with their event logs, applied extensions and action
// invocations, the per-profile version counter (the numbers of deleted
// versions stay used), extensions with every version, extension
// associations, tags, alarm states, the account settings, when clients
// last polled each environment and profile (so deletion protection still
// guards what was polled just before the move), and the token sealing
// keys, so configuration tokens issued before the move keep working after
// it. Leases are not copied: they only say which process runs the
// deployment engine, and the new store's replicas elect their own. Nor are
// the fleet view's sketches: they are an hour of estimated counts, which
// the new store's replicas rebuild from the polls they serve.
package storecopy

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// ErrDestinationNotEmpty is the error (wrapped, with what was found) that
// Copy returns when the destination already holds data. Copy never merges:
// the IDs it copies could collide with what is there, and a partly merged
// store is hard to notice and harder to undo.
var ErrDestinationNotEmpty = errors.New("storecopy: the destination store is not empty")

// Options is what Copy needs to know about the server that wrote the
// source store.
type Options struct {
	// Region and AccountID are the ones the source's server ran with
	// (appconfigd serve --region and --account-id). Tags are keyed by
	// resource ARN, which contains both, and the Tx contract cannot list
	// tags, only find those of one ARN; so Copy builds the ARN of every
	// resource from them. Tags stored under another region or account
	// (a server restarted with other settings) were invisible to the
	// server and are not copied.
	Region    string
	AccountID string
}

// Stats counts what Copy copied.
type Stats struct {
	Applications          int
	Environments          int
	ConfigurationProfiles int
	// HostedConfigurationVersions counts the versions that exist; the
	// numbers of deleted ones are carried over in the profiles' counters.
	HostedConfigurationVersions int
	// DeletedHostedConfigurationVersions counts the versions marked
	// deleted that the data plane still serves, which are copied and
	// marked deleted again.
	DeletedHostedConfigurationVersions int
	// DeploymentStrategies counts every strategy, the predefined ones
	// included; PredefinedDeploymentStrategies counts those among them.
	DeploymentStrategies           int
	PredefinedDeploymentStrategies int
	Deployments                    int
	// DeploymentEvents counts the entries of the deployments' event logs.
	DeploymentEvents int
	// TaggedResources counts the resources that have tags; Tags counts
	// the tags.
	TaggedResources int
	Tags            int
	// Extensions counts the custom extensions, ExtensionVersions their
	// versions.
	Extensions            int
	ExtensionVersions     int
	ExtensionAssociations int
	Alarms                int
	SealingKeys           int
	AuditEntries          int
	// AccountSettings reports whether the account settings were ever
	// changed; when they were not, both stores have the defaults.
	AccountSettings bool
	// PollTimes counts the environments and profiles with a recorded
	// last poll.
	PollTimes int
}

// Copy copies everything src holds into dst, which must be empty: no
// application, deployment strategy (predefined ones included, which a
// server seeds when it first opens a store), sealing key, alarm, extension
// or account settings. It reads src in one View, so it copies one
// consistent snapshot, and writes dst in one Update, so on any error
// nothing is written. Stop the server that uses src first: what it writes
// after the snapshot is not copied.
//
// The hosted version counters are carried over with
// RaiseHostedConfigurationVersionNumber, so a version created in dst after
// the copy gets the number src would have given it.
func Copy(ctx context.Context, dst, src appconfigd.Store, opts Options) (Stats, error) {
	if opts.Region == "" || opts.AccountID == "" {
		return Stats{}, errors.New("storecopy: the source server's Region and AccountID are required to find tags, which are keyed by ARN")
	}
	if sameStore(dst, src) {
		// The emptiness check would refuse it too, except for an empty
		// in-memory SQLite store, where the Update would wait forever for
		// the View's only connection.
		return Stats{}, errors.New("storecopy: the source and destination are the same store")
	}
	var stats Stats
	err := src.View(ctx, func(from appconfigd.Tx) error {
		return dst.Update(ctx, func(to appconfigd.Tx) error {
			c := &copier{ctx: ctx, src: from, dst: to, opts: opts}
			if err := c.checkEmpty(); err != nil {
				return err
			}
			if err := c.copyAll(); err != nil {
				return err
			}
			stats = c.stats
			return nil
		})
	})
	if err != nil {
		return Stats{}, err
	}
	return stats, nil
}

// sameStore reports whether dst and src are the same store, without
// panicking on a store type that cannot be compared.
func sameStore(dst, src appconfigd.Store) bool {
	t := reflect.TypeOf(dst)
	return t == reflect.TypeOf(src) && t != nil && t.Comparable() && dst == src
}

// copier is one Copy in progress: a transaction on each store.
type copier struct {
	ctx      context.Context
	src, dst appconfigd.Tx
	opts     Options
	stats    Stats
}

// all is the Page of a whole listing.
var all = appconfigd.Page{}

// profileKey names a configuration profile across applications.
type profileKey struct{ appID, profileID string }

// checkEmpty returns ErrDestinationNotEmpty, saying what it found, unless
// dst holds nothing Copy would write. Hosted versions, deployments,
// associations, poll times and tags need an application, strategy or
// extension to belong to, so they are covered.
func (c *copier) checkEmpty() error {
	var found []string
	apps, err := c.dst.CountApplications(c.ctx)
	if err != nil {
		return fmt.Errorf("storecopy: check the destination: %w", err)
	}
	found = appendCount(found, apps, "application")
	strategies, _, err := c.dst.ListDeploymentStrategies(c.ctx, all)
	if err != nil {
		return fmt.Errorf("storecopy: check the destination: %w", err)
	}
	found = appendCount(found, len(strategies), "deployment strategy")
	keys, err := c.dst.SealingKeys(c.ctx)
	if err != nil {
		return fmt.Errorf("storecopy: check the destination: %w", err)
	}
	found = appendCount(found, len(keys), "token sealing key")
	alarms, err := c.dst.ListAlarms(c.ctx)
	if err != nil {
		return fmt.Errorf("storecopy: check the destination: %w", err)
	}
	found = appendCount(found, len(alarms), "alarm state")
	extensions, err := c.dst.ListExtensions(c.ctx, "")
	if err != nil {
		return fmt.Errorf("storecopy: check the destination: %w", err)
	}
	found = appendCount(found, len(extensions), "extension")
	settings, err := c.dst.FindAccountSettings(c.ctx)
	if err != nil {
		return fmt.Errorf("storecopy: check the destination: %w", err)
	}
	if settings != nil {
		found = append(found, "account settings")
	}
	if len(found) == 0 {
		return nil
	}
	return fmt.Errorf("%w: it holds %s (a server has used it); copy only into a new, empty store, for PostgreSQL a new database or schema",
		ErrDestinationNotEmpty, strings.Join(found, ", "))
}

// appendCount appends "n things" to found when n > 0.
func appendCount(found []string, n int, thing string) []string {
	switch {
	case n == 0:
		return found
	case n == 1:
		return append(found, "1 "+thing)
	case strings.HasSuffix(thing, "y"):
		return append(found, fmt.Sprintf("%d %sies", n, strings.TrimSuffix(thing, "y")))
	}
	return append(found, fmt.Sprintf("%d %ss", n, thing))
}

// copyAll copies every kind of record, parents before children, each kind
// in its list order so that the destination lists them alike.
func (c *copier) copyAll() error {
	if err := c.copySealingKeys(); err != nil {
		return err
	}
	if err := c.copyAccountSettings(); err != nil {
		return err
	}
	if err := c.copyStrategies(); err != nil {
		return err
	}
	if err := c.copyExtensions(); err != nil {
		return err
	}
	deleted, err := c.deletedVersions()
	if err != nil {
		return err
	}
	apps, _, err := c.src.ListApplications(c.ctx, all)
	if err != nil {
		return fmt.Errorf("storecopy: list applications: %w", err)
	}
	for _, a := range apps {
		if err := c.copyApplication(a, deleted); err != nil {
			return err
		}
	}
	if err := c.copyAssociations(); err != nil {
		return err
	}
	if err := c.copyAlarms(); err != nil {
		return err
	}
	return c.copyAudit()
}

// copySealingKeys copies the token sealing keys, so that the configuration
// tokens clients hold open on the destination too.
func (c *copier) copySealingKeys() error {
	keys, err := c.src.SealingKeys(c.ctx)
	if err != nil {
		return fmt.Errorf("storecopy: list sealing keys: %w", err)
	}
	// Oldest first, as they were made; SealingKeys orders by time anyway.
	for _, k := range slices.Backward(keys) {
		if err := c.dst.CreateSealingKey(c.ctx, k); err != nil {
			return fmt.Errorf("storecopy: copy sealing key %d: %w", k.ID, err)
		}
		c.stats.SealingKeys++
	}
	return nil
}

// copyStrategies copies every deployment strategy, predefined ones with
// their flag, and their tags.
func (c *copier) copyStrategies() error {
	strategies, _, err := c.src.ListDeploymentStrategies(c.ctx, all)
	if err != nil {
		return fmt.Errorf("storecopy: list deployment strategies: %w", err)
	}
	for _, st := range strategies {
		if err := c.dst.CreateDeploymentStrategy(c.ctx, st); err != nil {
			return fmt.Errorf("storecopy: copy deployment strategy %s: %w", st.ID, err)
		}
		c.stats.DeploymentStrategies++
		if st.Predefined {
			c.stats.PredefinedDeploymentStrategies++
		}
		if err := c.copyTags(appconfigd.FormatDeploymentStrategyARN(c.opts.Region, c.opts.AccountID, st.ID)); err != nil {
			return err
		}
	}
	return nil
}

// copyAccountSettings copies the account settings, if they were ever
// stored, so that deletion protection stays as it was set.
func (c *copier) copyAccountSettings() error {
	settings, err := c.src.FindAccountSettings(c.ctx)
	if err != nil {
		return fmt.Errorf("storecopy: read account settings: %w", err)
	}
	if settings == nil {
		return nil
	}
	if err := c.dst.PutAccountSettings(c.ctx, settings); err != nil {
		return fmt.Errorf("storecopy: copy account settings: %w", err)
	}
	c.stats.AccountSettings = true
	return nil
}

// deletedVersions returns the hosted versions marked deleted, by profile,
// each profile's by ascending number.
func (c *copier) deletedVersions() (map[profileKey][]*appconfigd.HostedConfigurationVersion, error) {
	versions, err := c.src.ListDeletedHostedConfigurationVersions(c.ctx)
	if err != nil {
		return nil, fmt.Errorf("storecopy: list deleted hosted configuration versions: %w", err)
	}
	byProfile := make(map[profileKey][]*appconfigd.HostedConfigurationVersion)
	for _, v := range versions {
		k := profileKey{v.ApplicationID, v.ConfigurationProfileID}
		byProfile[k] = append(byProfile[k], v)
	}
	return byProfile, nil
}

// copyApplication copies an application with everything in it;
// deleted holds the hosted versions marked deleted, by profile.
func (c *copier) copyApplication(a *appconfigd.Application, deleted map[profileKey][]*appconfigd.HostedConfigurationVersion) error {
	if err := c.dst.CreateApplication(c.ctx, a); err != nil {
		return fmt.Errorf("storecopy: copy application %s: %w", a.ID, err)
	}
	c.stats.Applications++
	if err := c.copyTags(appconfigd.FormatApplicationARN(c.opts.Region, c.opts.AccountID, a.ID)); err != nil {
		return err
	}
	profiles, _, err := c.src.ListConfigurationProfiles(c.ctx, a.ID, appconfigd.ConfigurationProfileFilter{}, all)
	if err != nil {
		return fmt.Errorf("storecopy: list configuration profiles of application %s: %w", a.ID, err)
	}
	for _, p := range profiles {
		if err := c.copyProfile(p, deleted[profileKey{p.ApplicationID, p.ID}]); err != nil {
			return err
		}
	}
	envs, _, err := c.src.ListEnvironments(c.ctx, a.ID, all)
	if err != nil {
		return fmt.Errorf("storecopy: list environments of application %s: %w", a.ID, err)
	}
	for _, e := range envs {
		if err := c.copyEnvironment(e); err != nil {
			return err
		}
	}
	return nil
}

// copyProfile copies a configuration profile, its hosted versions with
// their content (deleted, those marked deleted), its version counter, its
// last poll time and its tags.
func (c *copier) copyProfile(p *appconfigd.ConfigurationProfile, deleted []*appconfigd.HostedConfigurationVersion) error {
	if err := c.dst.CreateConfigurationProfile(c.ctx, p); err != nil {
		return fmt.Errorf("storecopy: copy configuration profile %s of application %s: %w", p.ID, p.ApplicationID, err)
	}
	c.stats.ConfigurationProfiles++
	if err := c.copyTags(appconfigd.FormatConfigurationProfileARN(c.opts.Region, c.opts.AccountID, p.ApplicationID, p.ID)); err != nil {
		return err
	}
	if err := c.copyLastPolled(appconfigd.PolledResource{Type: appconfigd.ResourceConfigurationProfile, ApplicationID: p.ApplicationID, ID: p.ID}); err != nil {
		return err
	}
	versions, _, err := c.src.ListHostedConfigurationVersions(c.ctx, p.ApplicationID, p.ID, appconfigd.HostedConfigurationVersionFilter{}, all)
	if err != nil {
		return fmt.Errorf("storecopy: list hosted configuration versions of profile %s of application %s: %w", p.ID, p.ApplicationID, err)
	}
	// The listing is newest first and leaves out content; read each
	// version whole, one at a time, so that at most one content is held.
	for _, listed := range slices.Backward(versions) {
		if err := c.copyVersion(listed); err != nil {
			return err
		}
		c.stats.HostedConfigurationVersions++
	}
	// A version marked deleted is hidden from the control plane but
	// served until a deployment replaces it: without it a server on the
	// destination could not load what its environments serve. When it
	// was marked is not in the Tx contract, and nothing reads that time
	// back; its creation time is the one known time not after it.
	for _, v := range deleted {
		if err := c.copyVersion(v); err != nil {
			return err
		}
		if err := c.dst.MarkHostedConfigurationVersionDeleted(c.ctx, v.ApplicationID, v.ConfigurationProfileID, v.VersionNumber, v.CreatedAt); err != nil {
			return fmt.Errorf("storecopy: mark hosted configuration version %d of profile %s of application %s deleted: %w", v.VersionNumber, p.ID, p.ApplicationID, err)
		}
		c.stats.DeletedHostedConfigurationVersions++
	}
	// Creating the surviving versions set the counter to the highest of
	// them; deleted versions above it must stay used.
	latest, err := c.src.LatestHostedConfigurationVersionNumber(c.ctx, p.ApplicationID, p.ID)
	if err != nil {
		return fmt.Errorf("storecopy: read the version counter of profile %s of application %s: %w", p.ID, p.ApplicationID, err)
	}
	if err := c.dst.RaiseHostedConfigurationVersionNumber(c.ctx, p.ApplicationID, p.ID, latest); err != nil {
		return fmt.Errorf("storecopy: copy the version counter of profile %s of application %s: %w", p.ID, p.ApplicationID, err)
	}
	return nil
}

// copyVersion reads the hosted version listed names, with its content,
// and creates it in dst. Versions marked deleted are found too.
func (c *copier) copyVersion(listed *appconfigd.HostedConfigurationVersion) error {
	appID, profileID, n := listed.ApplicationID, listed.ConfigurationProfileID, listed.VersionNumber
	v, err := c.src.FindServedHostedConfigurationVersion(c.ctx, appID, profileID, n)
	if err != nil {
		return fmt.Errorf("storecopy: read hosted configuration version %d of profile %s of application %s: %w", n, profileID, appID, err)
	}
	if err := c.dst.CreateHostedConfigurationVersion(c.ctx, v); err != nil {
		return fmt.Errorf("storecopy: copy hosted configuration version %d of profile %s of application %s: %w", n, profileID, appID, err)
	}
	return nil
}

// copyLastPolled copies when clients last polled r, if they ever did, so
// that deletion protection on the destination still refuses to delete
// what was polled just before the move.
func (c *copier) copyLastPolled(r appconfigd.PolledResource) error {
	at, err := c.src.LastPolled(c.ctx, r)
	if err != nil {
		return fmt.Errorf("storecopy: read the last poll time of %s %s of application %s: %w", r.Type, r.ID, r.ApplicationID, err)
	}
	if at.IsZero() {
		return nil
	}
	if err := c.dst.RaiseLastPolled(c.ctx, r, at); err != nil {
		return fmt.Errorf("storecopy: copy the last poll time of %s %s of application %s: %w", r.Type, r.ID, r.ApplicationID, err)
	}
	c.stats.PollTimes++
	return nil
}

// copyEnvironment copies an environment with its monitors, its tags, its
// last poll time, and its deployments with their event logs (action
// invocations included), applied extensions and tags.
func (c *copier) copyEnvironment(e *appconfigd.Environment) error {
	if err := c.dst.CreateEnvironment(c.ctx, e); err != nil {
		return fmt.Errorf("storecopy: copy environment %s of application %s: %w", e.ID, e.ApplicationID, err)
	}
	c.stats.Environments++
	if err := c.copyTags(appconfigd.FormatEnvironmentARN(c.opts.Region, c.opts.AccountID, e.ApplicationID, e.ID)); err != nil {
		return err
	}
	if err := c.copyLastPolled(appconfigd.PolledResource{Type: appconfigd.ResourceEnvironment, ApplicationID: e.ApplicationID, ID: e.ID}); err != nil {
		return err
	}
	deployments, _, err := c.src.ListDeployments(c.ctx, e.ApplicationID, e.ID, all)
	if err != nil {
		return fmt.Errorf("storecopy: list deployments of environment %s of application %s: %w", e.ID, e.ApplicationID, err)
	}
	// Oldest first, as they happened; the listing is newest first.
	for _, d := range slices.Backward(deployments) {
		if err := c.dst.CreateDeployment(c.ctx, d); err != nil {
			return fmt.Errorf("storecopy: copy deployment %d of environment %s of application %s: %w", d.DeploymentNumber, e.ID, e.ApplicationID, err)
		}
		c.stats.Deployments++
		c.stats.DeploymentEvents += len(d.EventLog)
		if err := c.copyTags(appconfigd.FormatDeploymentARN(c.opts.Region, c.opts.AccountID, e.ApplicationID, e.ID, d.DeploymentNumber)); err != nil {
			return err
		}
	}
	return nil
}

// copyExtensions copies every custom extension with all its versions and
// their tags. Extensions are copied in their list order, each with its
// versions oldest first, so that they list alike: by the first surviving
// version. A version number that a deleted version left unused stays
// unused; the next version is numbered after the latest, in either store.
func (c *copier) copyExtensions() error {
	latest, err := c.src.ListExtensions(c.ctx, "")
	if err != nil {
		return fmt.Errorf("storecopy: list extensions: %w", err)
	}
	for _, l := range latest {
		c.stats.Extensions++
		// The contract lists only each extension's latest version; the
		// others are found by number, and a number not found is that of
		// a deleted version.
		for n := 1; n <= l.VersionNumber; n++ {
			e, err := c.src.FindExtension(c.ctx, l.ID, n)
			if appconfigd.IsCode(err, appconfigd.ENotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("storecopy: read version %d of extension %s: %w", n, l.ID, err)
			}
			if err := c.dst.CreateExtension(c.ctx, e); err != nil {
				return fmt.Errorf("storecopy: copy version %d of extension %s: %w", n, l.ID, err)
			}
			c.stats.ExtensionVersions++
			// Each version has an ARN of its own, and tags of its own.
			if err := c.copyTags(appconfigd.FormatExtensionARN(c.opts.Region, c.opts.AccountID, e.ID, e.VersionNumber)); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyAssociations copies the extension associations in creation order,
// with their tags, once the resources they name are there.
func (c *copier) copyAssociations() error {
	associations, _, err := c.src.ListExtensionAssociations(c.ctx, appconfigd.ExtensionAssociationFilter{}, all)
	if err != nil {
		return fmt.Errorf("storecopy: list extension associations: %w", err)
	}
	for _, a := range associations {
		if err := c.dst.CreateExtensionAssociation(c.ctx, a); err != nil {
			return fmt.Errorf("storecopy: copy extension association %s: %w", a.ID, err)
		}
		c.stats.ExtensionAssociations++
		if err := c.copyTags(appconfigd.FormatExtensionAssociationARN(c.opts.Region, c.opts.AccountID, a.ID)); err != nil {
			return err
		}
	}
	return nil
}

// copyAlarms copies the alarm states, so that a deployment to an
// environment whose alarm is firing is still rolled back after the move.
func (c *copier) copyAlarms() error {
	alarms, err := c.src.ListAlarms(c.ctx)
	if err != nil {
		return fmt.Errorf("storecopy: list alarms: %w", err)
	}
	for _, a := range alarms {
		if err := c.dst.PutAlarm(c.ctx, a); err != nil {
			return fmt.Errorf("storecopy: copy alarm %s: %w", a.ARN, err)
		}
		c.stats.Alarms++
	}
	return nil
}

// copyTags copies the tags of the resource arn names, if it has any.
func (c *copier) copyTags(arn string) error {
	tags, err := c.src.FindTags(c.ctx, arn)
	if err != nil {
		return fmt.Errorf("storecopy: read tags of %s: %w", arn, err)
	}
	if len(tags) == 0 {
		return nil
	}
	if err := c.dst.ReplaceTags(c.ctx, arn, tags); err != nil {
		return fmt.Errorf("storecopy: copy tags of %s: %w", arn, err)
	}
	c.stats.TaggedResources++
	c.stats.Tags += len(tags)
	return nil
}

// copyAudit copies the audit trail oldest first, so that it lists in the
// same order, newest first, after the move.
func (c *copier) copyAudit() error {
	entries, _, err := c.src.ListAudit(c.ctx, appconfigd.AuditFilter{}, appconfigd.Page{})
	if err != nil {
		return fmt.Errorf("storecopy: list audit entries: %w", err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if err := c.dst.AppendAudit(c.ctx, entries[i]); err != nil {
			return fmt.Errorf("storecopy: copy audit entry of %s: %w", entries[i].Time, err)
		}
		c.stats.AuditEntries++
	}
	return nil
}
