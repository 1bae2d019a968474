package gitops

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Op is what a Change does.
type Op string

// The operations of a plan, with the sign `appconfigd apply` prints
// before each (docs/GITOPS.md, "Apply").
const (
	OpCreate     Op = "create"
	OpUpdate     Op = "update"
	OpDelete     Op = "delete"
	OpNewVersion Op = "new version"
	OpDeploy     Op = "deploy"
)

// Change is one step of a plan: what to create, change or delete on the
// endpoint so that it matches the files.
type Change struct {
	Op   Op
	Kind string
	// Name names the resource: "APP", "APP/ENV", "APP/PROFILE",
	// "APP/PROFILE version N", or a strategy's name.
	Name string
	// File is the manifest that asks for the change, "" for a deletion.
	File string
	// Fields are the manifest fields an update changes.
	Fields []string
	// Application and Profile name the application the resource is in
	// and, for a hosted version, its profile; "" where there is none.
	// (Names may hold "/", so Name cannot be split to find them.)
	Application, Profile string

	// Desired is the resource as the files have it (nil for a
	// deletion), Current as the endpoint has it (nil for a creation):
	// one of the tree types.
	Desired, Current any
	// Deploy says what a deployment deploys.
	Deploy *DeployChange
}

// DeployChange is a deployment a plan starts.
type DeployChange struct {
	Application *ApplicationTree
	Environment *EnvironmentFile
	Profile     *ProfileTree
	Deployed
}

// String is the change as `appconfigd apply` prints it.
func (c Change) String() string {
	sign := map[Op]string{OpCreate: "+", OpUpdate: "~", OpDelete: "-", OpNewVersion: "+", OpDeploy: ">"}[c.Op]
	kind := kindWords[c.Kind]
	switch c.Op {
	case OpUpdate:
		return fmt.Sprintf("%s update %s %s (%s)", sign, kind, c.Name, strings.Join(c.Fields, ", "))
	case OpDeploy:
		d := c.Deploy
		strategy := d.Strategy
		if strategy == "" {
			strategy = DefaultStrategy
		}
		return fmt.Sprintf("%s deploy %s/%s version %d to %s/%s with %s", sign, d.Application.Name, d.Profile.Name, d.Version, d.Application.Name, d.Environment.Name, strategy)
	case OpNewVersion:
		return fmt.Sprintf("%s new version %s", sign, c.Name)
	}
	return fmt.Sprintf("%s %s %s %s", sign, c.Op, kind, c.Name)
}

// kindWords name the kinds in a plan.
var kindWords = map[string]string{
	KindApplication:                "application",
	KindEnvironment:                "environment",
	KindConfigurationProfile:       "configuration profile",
	KindHostedConfigurationVersion: "hosted version",
	KindDeploymentStrategy:         "deployment strategy",
}

// DefaultStrategy is the strategy a deployment without one uses.
const DefaultStrategy = "AppConfig.AllAtOnce"

// PlanOptions are apply's choices.
type PlanOptions struct {
	// Prune deletes what the files do not name.
	Prune bool
	// Deploy starts the deployments the environments' deployed lists ask
	// for.
	Deploy bool
	// PruneVersions deletes the hosted versions the files do not name of
	// the profiles they do, and nothing else (Prune deletes them too):
	// a hosted version's number is what names it, so a version a copy
	// holds and the original does not is none of the original's.
	PruneVersions bool
	// FromEndpoint says the desired side was read from another endpoint
	// (appconfigd import), not from files, so that a refusal advises
	// what to do on the target rather than in the files.
	FromEndpoint bool
}

// Plan returns the changes that make current, the endpoint as read, match
// desired, the files, in the order they can be made: strategies,
// applications, environments, profiles, versions, deployments, and then
// (with Prune) deletions, children first. It fails, naming the file and
// field, where the files ask for what the API cannot change: a profile's
// type or location, a strategy's replication, or a hosted version whose
// number the endpoint holds with other content (hosted versions never
// change; a new one is a new file).
func Plan(desired, current *Tree, opts PlanOptions) ([]Change, error) {
	p := planner{opts: opts}
	p.strategies(desired.Strategies, current.Strategies)
	for _, d := range desired.Applications {
		p.application(d, find(current.Applications, func(c *ApplicationTree) bool { return c.Name == d.Name }))
	}
	if opts.Prune {
		for _, c := range current.Applications {
			if find(desired.Applications, func(d *ApplicationTree) bool { return d.Name == c.Name }) == nil {
				p.deleteApplication(c)
			}
		}
		for _, c := range current.Strategies {
			if find(desired.Strategies, func(d *StrategyFile) bool { return d.Name == c.Name }) == nil {
				p.deletions = append(p.deletions, Change{Op: OpDelete, Kind: KindDeploymentStrategy, Name: c.Name, Current: c})
			}
		}
	}
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	out := slices.Concat(p.creates, p.versions, p.deploys, p.deletions)
	return out, nil
}

// planner collects a plan by phase.
type planner struct {
	opts                                  PlanOptions
	creates, versions, deploys, deletions []Change
	errs                                  []error
}

func (p *planner) fail(file, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", file, fmt.Sprintf(format, args...)))
}

// find returns the first item that matches, or the zero value.
func find[T any](items []T, match func(T) bool) T {
	for _, it := range items {
		if match(it) {
			return it
		}
	}
	var zero T
	return zero
}

func (p *planner) strategies(desired, current []*StrategyFile) {
	for _, d := range desired {
		c := find(current, func(c *StrategyFile) bool { return c.Name == d.Name })
		if c == nil {
			p.creates = append(p.creates, Change{Op: OpCreate, Kind: KindDeploymentStrategy, Name: d.Name, File: d.Path, Desired: d})
			continue
		}
		if d.ReplicateTo != c.ReplicateTo && !(d.ReplicateTo == "" && c.ReplicateTo == "NONE") {
			p.fail(d.Path, "at /replicateTo: %q on the endpoint, and AppConfig cannot change it; delete the strategy there first", c.ReplicateTo)
			continue
		}
		var fields []string
		fields = changed(fields, "description", d.Description, c.Description)
		fields = changed(fields, "deploymentDurationInMinutes", d.DeploymentDurationInMinutes, c.DeploymentDurationInMinutes)
		fields = changed(fields, "finalBakeTimeInMinutes", d.FinalBakeTimeInMinutes, c.FinalBakeTimeInMinutes)
		fields = changed(fields, "growthFactor", d.GrowthFactor, c.GrowthFactor)
		fields = changed(fields, "growthType", orDefault(d.GrowthType, "LINEAR"), orDefault(c.GrowthType, "LINEAR"))
		fields = changedTags(fields, d.Tags, c.Tags)
		p.update(Change{Kind: KindDeploymentStrategy, Name: d.Name, File: d.Path, Fields: fields, Desired: d, Current: c})
	}
}

// update adds c as an update when it changes fields.
func (p *planner) update(c Change) {
	if len(c.Fields) > 0 {
		c.Op = OpUpdate
		p.creates = append(p.creates, c)
	}
}

func (p *planner) application(d, c *ApplicationTree) {
	if c == nil {
		p.creates = append(p.creates, Change{Op: OpCreate, Kind: KindApplication, Name: d.Name, File: d.Path, Desired: d})
		c = &ApplicationTree{}
	} else {
		var fields []string
		fields = changed(fields, "description", d.Description, c.Description)
		fields = changedTags(fields, d.Tags, c.Tags)
		p.update(Change{Kind: KindApplication, Name: d.Name, File: d.Path, Fields: fields, Desired: d, Current: c})
	}
	for _, de := range d.Environments {
		ce := find(c.Environments, func(e *EnvironmentFile) bool { return e.Name == de.Name })
		name := d.Name + "/" + de.Name
		if ce == nil {
			p.creates = append(p.creates, Change{Op: OpCreate, Kind: KindEnvironment, Name: name, File: de.Path, Application: d.Name, Desired: de})
			continue
		}
		var fields []string
		fields = changed(fields, "description", de.Description, ce.Description)
		if !slices.Equal(de.Monitors, ce.Monitors) {
			fields = append(fields, "monitors")
		}
		fields = changedTags(fields, de.Tags, ce.Tags)
		p.update(Change{Kind: KindEnvironment, Name: name, File: de.Path, Application: d.Name, Fields: fields, Desired: de, Current: ce})
	}
	for _, dp := range d.Profiles {
		p.profile(d, dp, find(c.Profiles, func(cp *ProfileTree) bool { return cp.Name == dp.Name }))
	}
	if p.opts.Deploy {
		p.deployments(d, c)
	}
	switch {
	case p.opts.Prune:
		p.pruneApplication(d, c)
	case p.opts.PruneVersions:
		for _, cp := range c.Profiles {
			if dp := find(d.Profiles, func(p *ProfileTree) bool { return p.Name == cp.Name }); dp != nil {
				p.pruneVersions(c, dp, cp)
			}
		}
	}
}

func (p *planner) profile(a *ApplicationTree, d, c *ProfileTree) {
	name := a.Name + "/" + d.Name
	if c == nil {
		p.creates = append(p.creates, Change{Op: OpCreate, Kind: KindConfigurationProfile, Name: name, File: d.Path, Application: a.Name, Desired: d})
		c = &ProfileTree{}
	} else {
		if d.LocationURI != c.LocationURI {
			p.fail(d.Path, "at /locationUri: %q on the endpoint, and AppConfig cannot change a profile's location; give the profile another name", c.LocationURI)
			return
		}
		if orDefault(d.Type, "AWS.Freeform") != orDefault(c.Type, "AWS.Freeform") {
			p.fail(d.Path, "at /type: %q on the endpoint, and AppConfig cannot change a profile's type; give the profile another name", orDefault(c.Type, "AWS.Freeform"))
			return
		}
		var fields []string
		fields = changed(fields, "description", d.Description, c.Description)
		fields = changed(fields, "retrievalRoleArn", d.RetrievalRoleARN, c.RetrievalRoleARN)
		fields = changed(fields, "kmsKeyIdentifier", d.KMSKeyIdentifier, c.KMSKeyIdentifier)
		if !slices.Equal(d.Validators, c.Validators) {
			fields = append(fields, "validators")
		}
		fields = changedTags(fields, d.Tags, c.Tags)
		p.update(Change{Kind: KindConfigurationProfile, Name: name, File: d.Path, Application: a.Name, Fields: fields, Desired: d, Current: c})
	}
	for _, dv := range d.Versions {
		cv := find(c.Versions, func(v *VersionFile) bool { return v.Version == dv.Version })
		vname := fmt.Sprintf("%s version %d", name, dv.Version)
		if cv == nil {
			p.versions = append(p.versions, Change{Op: OpNewVersion, Kind: KindHostedConfigurationVersion, Name: vname, File: dv.Path, Application: a.Name, Profile: d.Name, Desired: dv})
			continue
		}
		var differs []string
		if !bytes.Equal(dv.Data, cv.Data) {
			differs = append(differs, "content")
		}
		differs = changed(differs, "contentType", dv.ContentType, cv.ContentType)
		differs = changed(differs, "description", dv.Description, cv.Description)
		differs = changed(differs, "versionLabel", dv.VersionLabel, cv.VersionLabel)
		switch {
		case len(differs) == 0:
		case p.opts.FromEndpoint:
			p.fail(vname, "the target's version has another %s than the source's, and hosted versions never change; delete version %d of %s/%s on the target, or the profile, and import again", strings.Join(differs, ", "), dv.Version, a.Name, d.Name)
		default:
			p.fail(dv.Path, "version %d on the endpoint has another %s, and hosted versions never change; put the new content in a new version file (%d.yaml and its content)", dv.Version, strings.Join(differs, ", "), latest(d, c)+1)
		}
	}
}

// latest is the highest version number either side has.
func latest(d, c *ProfileTree) int {
	n := 0
	for _, v := range slices.Concat(d.Versions, c.Versions) {
		n = max(n, v.Version)
	}
	return n
}

func (p *planner) deployments(d, c *ApplicationTree) {
	for _, de := range d.Environments {
		ce := find(c.Environments, func(e *EnvironmentFile) bool { return e.Name == de.Name })
		for _, want := range de.Deployed {
			if ce != nil && slices.ContainsFunc(ce.Deployed, func(have Deployed) bool { return have.Profile == want.Profile && have.Version == want.Version }) {
				continue
			}
			prof := find(d.Profiles, func(p *ProfileTree) bool { return p.Name == want.Profile })
			p.deploys = append(p.deploys, Change{
				Op: OpDeploy, Kind: KindEnvironment, Name: d.Name + "/" + de.Name, File: de.Path, Application: d.Name,
				Deploy: &DeployChange{Application: d, Environment: de, Profile: prof, Deployed: want},
			})
		}
	}
}

// pruneApplication deletes what an application has on the endpoint and
// not in the files, versions first.
func (p *planner) pruneApplication(d, c *ApplicationTree) {
	for _, cp := range c.Profiles {
		dp := find(d.Profiles, func(p *ProfileTree) bool { return p.Name == cp.Name })
		if dp == nil {
			p.deleteProfile(c, cp)
			continue
		}
		p.pruneVersions(c, dp, cp)
	}
	for _, ce := range c.Environments {
		if find(d.Environments, func(e *EnvironmentFile) bool { return e.Name == ce.Name }) == nil {
			p.deletions = append(p.deletions, Change{Op: OpDelete, Kind: KindEnvironment, Name: c.Name + "/" + ce.Name, Application: c.Name, Current: ce})
		}
	}
}

// pruneVersions deletes the versions the endpoint's profile cp has and
// the files' dp does not.
func (p *planner) pruneVersions(c *ApplicationTree, dp, cp *ProfileTree) {
	for _, cv := range cp.Versions {
		if find(dp.Versions, func(v *VersionFile) bool { return v.Version == cv.Version }) == nil {
			p.deletions = append(p.deletions, Change{Op: OpDelete, Kind: KindHostedConfigurationVersion, Name: fmt.Sprintf("%s/%s version %d", c.Name, cp.Name, cv.Version), Application: c.Name, Profile: cp.Name, Current: cv})
		}
	}
}

func (p *planner) deleteProfile(a *ApplicationTree, cp *ProfileTree) {
	for _, cv := range cp.Versions {
		p.deletions = append(p.deletions, Change{Op: OpDelete, Kind: KindHostedConfigurationVersion, Name: fmt.Sprintf("%s/%s version %d", a.Name, cp.Name, cv.Version), Application: a.Name, Profile: cp.Name, Current: cv})
	}
	p.deletions = append(p.deletions, Change{Op: OpDelete, Kind: KindConfigurationProfile, Name: a.Name + "/" + cp.Name, Application: a.Name, Current: cp})
}

func (p *planner) deleteApplication(c *ApplicationTree) {
	for _, cp := range c.Profiles {
		p.deleteProfile(c, cp)
	}
	for _, ce := range c.Environments {
		p.deletions = append(p.deletions, Change{Op: OpDelete, Kind: KindEnvironment, Name: c.Name + "/" + ce.Name, Application: c.Name, Current: ce})
	}
	p.deletions = append(p.deletions, Change{Op: OpDelete, Kind: KindApplication, Name: c.Name, Current: c})
}

// changed appends field when the values differ.
func changed[T comparable](fields []string, field string, d, c T) []string {
	if d != c {
		return append(fields, field)
	}
	return fields
}

// changedTags appends "tags" when the tag sets differ.
func changedTags(fields []string, d, c map[string]string) []string {
	if !maps.Equal(d, c) {
		return append(fields, "tags")
	}
	return fields
}

// orDefault is v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
