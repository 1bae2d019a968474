package gitops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ApplyClient is the part of the AppConfig API Apply calls: the writes,
// and the reads of Client (GetDeployment follows a deployment, the
// extension lists tell the account of ARNs); *appconfig.Client is one.
type ApplyClient interface {
	Client
	CreateDeploymentStrategy(context.Context, *appconfig.CreateDeploymentStrategyInput, ...func(*appconfig.Options)) (*appconfig.CreateDeploymentStrategyOutput, error)
	UpdateDeploymentStrategy(context.Context, *appconfig.UpdateDeploymentStrategyInput, ...func(*appconfig.Options)) (*appconfig.UpdateDeploymentStrategyOutput, error)
	DeleteDeploymentStrategy(context.Context, *appconfig.DeleteDeploymentStrategyInput, ...func(*appconfig.Options)) (*appconfig.DeleteDeploymentStrategyOutput, error)
	CreateApplication(context.Context, *appconfig.CreateApplicationInput, ...func(*appconfig.Options)) (*appconfig.CreateApplicationOutput, error)
	UpdateApplication(context.Context, *appconfig.UpdateApplicationInput, ...func(*appconfig.Options)) (*appconfig.UpdateApplicationOutput, error)
	DeleteApplication(context.Context, *appconfig.DeleteApplicationInput, ...func(*appconfig.Options)) (*appconfig.DeleteApplicationOutput, error)
	CreateEnvironment(context.Context, *appconfig.CreateEnvironmentInput, ...func(*appconfig.Options)) (*appconfig.CreateEnvironmentOutput, error)
	UpdateEnvironment(context.Context, *appconfig.UpdateEnvironmentInput, ...func(*appconfig.Options)) (*appconfig.UpdateEnvironmentOutput, error)
	DeleteEnvironment(context.Context, *appconfig.DeleteEnvironmentInput, ...func(*appconfig.Options)) (*appconfig.DeleteEnvironmentOutput, error)
	CreateConfigurationProfile(context.Context, *appconfig.CreateConfigurationProfileInput, ...func(*appconfig.Options)) (*appconfig.CreateConfigurationProfileOutput, error)
	UpdateConfigurationProfile(context.Context, *appconfig.UpdateConfigurationProfileInput, ...func(*appconfig.Options)) (*appconfig.UpdateConfigurationProfileOutput, error)
	DeleteConfigurationProfile(context.Context, *appconfig.DeleteConfigurationProfileInput, ...func(*appconfig.Options)) (*appconfig.DeleteConfigurationProfileOutput, error)
	CreateHostedConfigurationVersion(context.Context, *appconfig.CreateHostedConfigurationVersionInput, ...func(*appconfig.Options)) (*appconfig.CreateHostedConfigurationVersionOutput, error)
	DeleteHostedConfigurationVersion(context.Context, *appconfig.DeleteHostedConfigurationVersionInput, ...func(*appconfig.Options)) (*appconfig.DeleteHostedConfigurationVersionOutput, error)
	StartDeployment(context.Context, *appconfig.StartDeploymentInput, ...func(*appconfig.Options)) (*appconfig.StartDeploymentOutput, error)
	TagResource(context.Context, *appconfig.TagResourceInput, ...func(*appconfig.Options)) (*appconfig.TagResourceOutput, error)
	UntagResource(context.Context, *appconfig.UntagResourceInput, ...func(*appconfig.Options)) (*appconfig.UntagResourceOutput, error)
}

var _ ApplyClient = (*appconfig.Client)(nil)

// DeployAtOnceHeader asks appconfigd to complete a deployment as it
// starts (docs/WIRE.md §3.10).
const DeployAtOnceHeader = "Appconfigd-Deploy-At-Once"

// DefaultPollInterval is how often Apply asks how a deployment is going
// when ApplyOptions.PollInterval is not set.
const DefaultPollInterval = time.Second

// ApplyOptions configure Apply.
type ApplyOptions struct {
	// Region and AccountID make the ARNs tags are changed under, as
	// ReadOptions' make those they are read under: the AppConfig API
	// names no resource's ARN.
	Region    string
	AccountID string
	// PollInterval is how often a deployment's progress is asked for
	// (DefaultPollInterval when 0).
	PollInterval time.Duration
	// Out gets a line per change done, warnings, and the progress of
	// deployments; nil discards them.
	Out io.Writer
	// Terminal draws a status line redrawn in place below the lines of
	// what was done, for a person watching: a bar of the changes done
	// and, during a deployment, a bar of its percentage. Otherwise a
	// deployment writes a line whenever its percentage or state changes,
	// which reads well in a CI log.
	Terminal bool
	// DeployAtOnce asks the endpoint to complete each deployment as it
	// starts (docs/WIRE.md §3.10), as Import recreates what another
	// service deploys; AWS ignores the request and deploys by the
	// strategy.
	DeployAtOnce bool
}

// ChangeError is the failure of one change: the change, whose file and
// action the message names, and the cause.
type ChangeError struct {
	Change Change
	Err    error
}

func (e *ChangeError) Error() string {
	msg := action(e.Change) + ": " + e.Err.Error()
	if e.Change.File != "" {
		msg = e.Change.File + ": " + msg
	}
	return msg
}

func (e *ChangeError) Unwrap() error { return e.Err }

// action words what a change does, for messages: "create environment
// shop/prod", "deploy shop/limits version 3 to shop/prod".
func action(c Change) string {
	switch c.Op {
	case OpNewVersion:
		return "create " + kindWords[c.Kind] + " " + c.Name
	case OpDeploy:
		d := c.Deploy
		return fmt.Sprintf("deploy %s/%s version %d to %s/%s", d.Application.Name, d.Deployed.Profile, d.Version, d.Application.Name, d.Environment.Name)
	}
	return fmt.Sprintf("%s %s %s", c.Op, kindWords[c.Kind], c.Name)
}

// callError is a failed call as AppConfig words it, the exception's name
// and message without the SDK's transport details, after what the call
// was for when it was not the change's own.
type callError struct {
	step string
	err  error
}

func (e *callError) Error() string {
	msg := e.err.Error()
	var apiErr smithy.APIError
	if errors.As(e.err, &apiErr) {
		msg = apiErr.ErrorCode() + ": " + apiErr.ErrorMessage()
	}
	if e.step != "" {
		msg = e.step + ": " + msg
	}
	return msg
}

func (e *callError) Unwrap() error { return e.err }

// called wraps the error of a call, nil for none.
func called(step string, err error) error {
	if err == nil {
		return nil
	}
	return &callError{step: step, err: err}
}

// Apply makes the changes of a plan (Plan's, against current as Read
// returned it) on the endpoint behind client, in their order, and stops
// at the first that fails with a *ChangeError. What was done stays done:
// the next Apply plans against the endpoint again and goes on from there.
// Resources created along the way are found by name by the changes after
// them; hosted versions keep their files' numbers (docs/GITOPS.md,
// "Apply"); a deployment is followed until it completes.
func Apply(ctx context.Context, client ApplyClient, changes []Change, current *Tree, opts ApplyOptions) error {
	if current == nil {
		current = &Tree{}
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	a := &applier{
		client:         client,
		opts:           opts,
		current:        current,
		status:         &statusLine{out: opts.Out, terminal: opts.Terminal},
		envApp:         map[*EnvironmentFile]*ApplicationTree{},
		profileApp:     map[*ProfileTree]*ApplicationTree{},
		versionProfile: map[*VersionFile]*ProfileTree{},
		strategies:     map[string]string{},
		apps:           map[string]string{},
		envs:           map[child]string{},
		profiles:       map[child]string{},
		versions:       map[versionKey]int{},
	}
	for _, app := range current.Applications {
		for _, e := range app.Environments {
			a.envApp[e] = app
		}
		for _, p := range app.Profiles {
			a.profileApp[p] = app
			for _, v := range p.Versions {
				a.versionProfile[v] = p
			}
		}
	}
	defer a.status.clear()
	for i, c := range changes {
		a.status.draw(bar(i, len(changes)) + fmt.Sprintf(" %d/%d %s", i, len(changes), action(c)))
		if err := a.change(ctx, c); err != nil {
			return &ChangeError{Change: c, Err: err}
		}
	}
	return nil
}

// applier is one Apply under way.
type applier struct {
	client  ApplyClient
	opts    ApplyOptions
	current *Tree
	arn     *arnBase // found at the first change of tags
	status  *statusLine

	// The parents of the current tree's resources.
	envApp         map[*EnvironmentFile]*ApplicationTree
	profileApp     map[*ProfileTree]*ApplicationTree
	versionProfile map[*VersionFile]*ProfileTree

	// The IDs of what this Apply created, by name.
	strategies map[string]string
	apps       map[string]string
	envs       map[child]string
	profiles   map[child]string
	// versions are the endpoint's numbers of the files' versions it
	// numbered otherwise.
	versions map[versionKey]int
}

// child names an environment or profile by its application's name and its
// own.
type child struct{ app, name string }

// versionKey names a hosted version by its file.
type versionKey struct {
	app, profile string
	version      int
}

// done writes a line of what was done, or a warning, above the status
// line.
func (a *applier) done(format string, args ...any) {
	a.status.println(fmt.Sprintf(format, args...))
}

func (a *applier) change(ctx context.Context, c Change) error {
	switch c.Op {
	case OpCreate:
		switch d := c.Desired.(type) {
		case *StrategyFile:
			return a.createStrategy(ctx, d)
		case *ApplicationTree:
			return a.createApplication(ctx, d)
		case *EnvironmentFile:
			return a.createEnvironment(ctx, c, d)
		case *ProfileTree:
			return a.createProfile(ctx, c, d)
		}
	case OpUpdate:
		switch d := c.Desired.(type) {
		case *StrategyFile:
			return a.updateStrategy(ctx, c, d, c.Current.(*StrategyFile))
		case *ApplicationTree:
			return a.updateApplication(ctx, c, d, c.Current.(*ApplicationTree))
		case *EnvironmentFile:
			return a.updateEnvironment(ctx, c, d, c.Current.(*EnvironmentFile))
		case *ProfileTree:
			return a.updateProfile(ctx, c, d, c.Current.(*ProfileTree))
		}
	case OpNewVersion:
		if d, ok := c.Desired.(*VersionFile); ok {
			return a.newVersion(ctx, c, d)
		}
	case OpDeploy:
		if c.Deploy != nil {
			return a.deploy(ctx, c.Deploy)
		}
	case OpDelete:
		return a.delete(ctx, c)
	}
	return fmt.Errorf("no way to %s a %T", c.Op, c.Desired)
}

// optional is s for a member that is left out when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// tagsOrNil is tags, nil for none, so that a create sends no Tags member.
func tagsOrNil(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	return tags
}

func monitors(ms []Monitor) []types.Monitor {
	out := make([]types.Monitor, 0, len(ms))
	for _, m := range ms {
		out = append(out, types.Monitor{AlarmArn: aws.String(m.AlarmARN), AlarmRoleArn: optional(m.AlarmRoleARN)})
	}
	return out
}

func validators(vs []Validator) []types.Validator {
	out := make([]types.Validator, 0, len(vs))
	for _, v := range vs {
		out = append(out, types.Validator{Type: types.ValidatorType(v.Type), Content: aws.String(v.Content)})
	}
	return out
}

func (a *applier) createStrategy(ctx context.Context, d *StrategyFile) error {
	out, err := a.client.CreateDeploymentStrategy(ctx, &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String(d.Name),
		Description:                 optional(d.Description),
		DeploymentDurationInMinutes: aws.Int32(int32(d.DeploymentDurationInMinutes)),
		FinalBakeTimeInMinutes:      int32(d.FinalBakeTimeInMinutes),
		GrowthFactor:                aws.Float32(float32(d.GrowthFactor)),
		GrowthType:                  types.GrowthType(d.GrowthType),
		ReplicateTo:                 types.ReplicateTo(orDefault(d.ReplicateTo, string(types.ReplicateToNone))),
		Tags:                        tagsOrNil(d.Tags),
	})
	if err != nil {
		return called("", err)
	}
	a.strategies[d.Name] = aws.ToString(out.Id)
	a.done("created deployment strategy %s (%s)", d.Name, aws.ToString(out.Id))
	return nil
}

func (a *applier) createApplication(ctx context.Context, d *ApplicationTree) error {
	out, err := a.client.CreateApplication(ctx, &appconfig.CreateApplicationInput{
		Name:        aws.String(d.Name),
		Description: optional(d.Description),
		Tags:        tagsOrNil(d.Tags),
	})
	if err != nil {
		return called("", err)
	}
	a.apps[d.Name] = aws.ToString(out.Id)
	a.done("created application %s (%s)", d.Name, aws.ToString(out.Id))
	return nil
}

// parentApp returns the name and ID of the application a change's
// environment or profile is in.
func (a *applier) parentApp(c Change) (name, id string, err error) {
	if c.Application == "" {
		return "", "", fmt.Errorf("change %q names no application", c.Name)
	}
	id, err = a.appID(c.Application)
	return c.Application, id, err
}

func (a *applier) createEnvironment(ctx context.Context, c Change, d *EnvironmentFile) error {
	app, appID, err := a.parentApp(c)
	if err != nil {
		return err
	}
	in := &appconfig.CreateEnvironmentInput{
		ApplicationId: aws.String(appID),
		Name:          aws.String(d.Name),
		Description:   optional(d.Description),
		Tags:          tagsOrNil(d.Tags),
	}
	if len(d.Monitors) > 0 {
		in.Monitors = monitors(d.Monitors)
	}
	out, err := a.client.CreateEnvironment(ctx, in)
	if err != nil {
		return called("", err)
	}
	a.envs[child{app, d.Name}] = aws.ToString(out.Id)
	a.done("created environment %s (%s)", c.Name, aws.ToString(out.Id))
	return nil
}

func (a *applier) createProfile(ctx context.Context, c Change, d *ProfileTree) error {
	app, appID, err := a.parentApp(c)
	if err != nil {
		return err
	}
	in := &appconfig.CreateConfigurationProfileInput{
		ApplicationId:    aws.String(appID),
		Name:             aws.String(d.Name),
		LocationUri:      aws.String(d.LocationURI),
		Type:             optional(d.Type),
		Description:      optional(d.Description),
		RetrievalRoleArn: optional(d.RetrievalRoleARN),
		KmsKeyIdentifier: optional(d.KMSKeyIdentifier),
		Tags:             tagsOrNil(d.Tags),
	}
	if len(d.Validators) > 0 {
		in.Validators = validators(d.Validators)
	}
	out, err := a.client.CreateConfigurationProfile(ctx, in)
	if err != nil {
		return called("", err)
	}
	a.profiles[child{app, d.Name}] = aws.ToString(out.Id)
	a.done("created configuration profile %s (%s)", c.Name, aws.ToString(out.Id))
	return nil
}

// updated reports whether an update changes field.
func updated(c Change, field string) bool { return slices.Contains(c.Fields, field) }

func (a *applier) updateStrategy(ctx context.Context, c Change, d, cur *StrategyFile) error {
	in := &appconfig.UpdateDeploymentStrategyInput{DeploymentStrategyId: aws.String(cur.ID)}
	call := false
	for _, f := range c.Fields {
		switch f {
		case "description":
			in.Description, call = aws.String(d.Description), true
		case "deploymentDurationInMinutes":
			in.DeploymentDurationInMinutes, call = aws.Int32(int32(d.DeploymentDurationInMinutes)), true
		case "finalBakeTimeInMinutes":
			in.FinalBakeTimeInMinutes, call = aws.Int32(int32(d.FinalBakeTimeInMinutes)), true
		case "growthFactor":
			in.GrowthFactor, call = aws.Float32(float32(d.GrowthFactor)), true
		case "growthType":
			in.GrowthType, call = types.GrowthType(orDefault(d.GrowthType, string(types.GrowthTypeLinear))), true
		}
	}
	if call {
		if _, err := a.client.UpdateDeploymentStrategy(ctx, in); err != nil {
			return called("", err)
		}
	}
	return a.updated(ctx, c, strategyResource(cur.ID), d.Tags, cur.Tags)
}

func (a *applier) updateApplication(ctx context.Context, c Change, d, cur *ApplicationTree) error {
	if updated(c, "description") {
		_, err := a.client.UpdateApplication(ctx, &appconfig.UpdateApplicationInput{
			ApplicationId: aws.String(cur.ID),
			Description:   aws.String(d.Description),
		})
		if err != nil {
			return called("", err)
		}
	}
	return a.updated(ctx, c, applicationResource(cur.ID), d.Tags, cur.Tags)
}

func (a *applier) updateEnvironment(ctx context.Context, c Change, d, cur *EnvironmentFile) error {
	app := a.envApp[cur]
	if app == nil {
		return errors.New("the environment is not in the endpoint's tree")
	}
	in := &appconfig.UpdateEnvironmentInput{ApplicationId: aws.String(app.ID), EnvironmentId: aws.String(cur.ID)}
	call := false
	if updated(c, "description") {
		in.Description, call = aws.String(d.Description), true
	}
	if updated(c, "monitors") {
		// An empty list, not a missing one, removes every monitor.
		in.Monitors, call = monitors(d.Monitors), true
	}
	if call {
		if _, err := a.client.UpdateEnvironment(ctx, in); err != nil {
			return called("", err)
		}
	}
	return a.updated(ctx, c, environmentResource(app.ID, cur.ID), d.Tags, cur.Tags)
}

func (a *applier) updateProfile(ctx context.Context, c Change, d, cur *ProfileTree) error {
	app := a.profileApp[cur]
	if app == nil {
		return errors.New("the profile is not in the endpoint's tree")
	}
	in := &appconfig.UpdateConfigurationProfileInput{ApplicationId: aws.String(app.ID), ConfigurationProfileId: aws.String(cur.ID)}
	call := false
	for _, f := range c.Fields {
		switch f {
		case "description":
			in.Description, call = aws.String(d.Description), true
		case "retrievalRoleArn":
			in.RetrievalRoleArn, call = aws.String(d.RetrievalRoleARN), true
		case "kmsKeyIdentifier":
			in.KmsKeyIdentifier, call = aws.String(d.KMSKeyIdentifier), true
		case "validators":
			// An empty list, not a missing one, removes every validator.
			in.Validators, call = validators(d.Validators), true
		}
	}
	if call {
		if _, err := a.client.UpdateConfigurationProfile(ctx, in); err != nil {
			return called("", err)
		}
	}
	return a.updated(ctx, c, profileResource(app.ID, cur.ID), d.Tags, cur.Tags)
}

// updated changes the resource's tags when the update changes them, from
// have to want, and reports the update done. The Update operations take
// no tags, so tags change by ARN: TagResource for the new and changed,
// UntagResource for the removed.
func (a *applier) updated(ctx context.Context, c Change, resource string, want, have map[string]string) error {
	if updated(c, "tags") {
		if err := a.retag(ctx, resource, want, have); err != nil {
			return err
		}
	}
	a.done("updated %s %s (%s)", kindWords[c.Kind], c.Name, strings.Join(c.Fields, ", "))
	return nil
}

func (a *applier) retag(ctx context.Context, resource string, want, have map[string]string) error {
	if a.arn == nil {
		base, err := findARNBase(ctx, a.client, a.opts.Region, a.opts.AccountID)
		if err != nil {
			return err
		}
		a.arn = &base
	}
	arn := a.arn.arn(resource)
	var remove []string
	for k := range have {
		if _, ok := want[k]; !ok {
			remove = append(remove, k)
		}
	}
	slices.Sort(remove)
	add := map[string]string{}
	for k, v := range want {
		if old, ok := have[k]; !ok || old != v {
			add[k] = v
		}
	}
	if len(remove) > 0 {
		_, err := a.client.UntagResource(ctx, &appconfig.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove})
		if err != nil {
			return called("untag "+arn, err)
		}
	}
	if len(add) > 0 {
		_, err := a.client.TagResource(ctx, &appconfig.TagResourceInput{ResourceArn: aws.String(arn), Tags: add})
		if err != nil {
			return called("tag "+arn, err)
		}
	}
	return nil
}

// appID returns the ID of the application named name: made by this
// Apply, or on the endpoint.
func (a *applier) appID(name string) (string, error) {
	if id, ok := a.apps[name]; ok {
		return id, nil
	}
	if app := find(a.current.Applications, func(c *ApplicationTree) bool { return c.Name == name }); app != nil {
		return app.ID, nil
	}
	return "", fmt.Errorf("no application %q on the endpoint", name)
}

func (a *applier) envID(app, name string) (string, error) {
	if id, ok := a.envs[child{app, name}]; ok {
		return id, nil
	}
	if c := find(a.current.Applications, func(c *ApplicationTree) bool { return c.Name == app }); c != nil {
		if e := find(c.Environments, func(e *EnvironmentFile) bool { return e.Name == name }); e != nil {
			return e.ID, nil
		}
	}
	return "", fmt.Errorf("no environment %q of application %q on the endpoint", name, app)
}

func (a *applier) profileID(app, name string) (string, error) {
	if id, ok := a.profiles[child{app, name}]; ok {
		return id, nil
	}
	if c := find(a.current.Applications, func(c *ApplicationTree) bool { return c.Name == app }); c != nil {
		if p := find(c.Profiles, func(p *ProfileTree) bool { return p.Name == name }); p != nil {
			return p.ID, nil
		}
	}
	return "", fmt.Errorf("no configuration profile %q of application %q on the endpoint", name, app)
}

// versionOwner returns the application and profile of a new version.
func (a *applier) versionOwner(c Change) (child, error) {
	if c.Application == "" || c.Profile == "" {
		return child{}, fmt.Errorf("change %q names no application and profile", c.Name)
	}
	return child{c.Application, c.Profile}, nil
}

// newVersion creates a hosted version under its file's number. The
// endpoint numbers versions itself, one above the highest it ever made,
// and never reuses a deleted version's number (docs/COMPATIBILITY.md,
// "The control plane"); so where the files skip numbers (a version was
// deleted), the versions it makes below the file's number are deleted
// until the numbers meet. A number above the file's cannot be undone: it
// is used, with a warning, wherever the files name the version.
func (a *applier) newVersion(ctx context.Context, c Change, v *VersionFile) error {
	owner, err := a.versionOwner(c)
	if err != nil {
		return err
	}
	appID, err := a.appID(owner.app)
	if err != nil {
		return err
	}
	profileID, err := a.profileID(owner.app, owner.name)
	if err != nil {
		return err
	}
	var skipped []string
	for {
		out, err := a.client.CreateHostedConfigurationVersion(ctx, &appconfig.CreateHostedConfigurationVersionInput{
			ApplicationId:          aws.String(appID),
			ConfigurationProfileId: aws.String(profileID),
			Content:                v.Data,
			ContentType:            aws.String(v.ContentType),
			Description:            optional(v.Description),
			VersionLabel:           optional(v.VersionLabel),
		})
		if err != nil {
			return called("", err)
		}
		got := int(out.VersionNumber)
		switch {
		case got == v.Version:
			if len(skipped) > 0 {
				a.done("created hosted version %s (made and deleted %s first: the files skip those numbers)", c.Name, strings.Join(skipped, ", "))
			} else {
				a.done("created hosted version %s", c.Name)
			}
			return nil
		case got > v.Version:
			a.versions[versionKey{owner.app, owner.name, v.Version}] = got
			a.done("warning: %s: the endpoint numbered the new version %d, not %d (it never reuses a number); this run deploys it as version %d, and the files should be renamed to match", c.File, got, v.Version, got)
			a.done("created hosted version %s as version %d", c.Name, got)
			return nil
		}
		_, err = a.client.DeleteHostedConfigurationVersion(ctx, &appconfig.DeleteHostedConfigurationVersionInput{
			ApplicationId:          aws.String(appID),
			ConfigurationProfileId: aws.String(profileID),
			VersionNumber:          aws.Int32(int32(got)),
		})
		if err != nil {
			return called(fmt.Sprintf("delete version %d, made below the file's number", got), err)
		}
		skipped = append(skipped, strconv.Itoa(got))
	}
}

// strategyID resolves a deployed entry's strategy: by name among the
// strategies this Apply made and those on the endpoint, else as it is
// written, an ID or a predefined strategy's name (which is its ID).
func (a *applier) strategyID(name string) string {
	if name == "" {
		return DefaultStrategy
	}
	if id, ok := a.strategies[name]; ok {
		return id
	}
	if s := find(a.current.Strategies, func(s *StrategyFile) bool { return s.Name == name }); s != nil {
		return s.ID
	}
	return name
}

func (a *applier) deploy(ctx context.Context, d *DeployChange) error {
	app, env, profile := d.Application.Name, d.Environment.Name, d.Deployed.Profile
	appID, err := a.appID(app)
	if err != nil {
		return err
	}
	envID, err := a.envID(app, env)
	if err != nil {
		return err
	}
	profileID, err := a.profileID(app, profile)
	if err != nil {
		return err
	}
	version := d.Version
	if n, ok := a.versions[versionKey{app, profile, version}]; ok {
		version = n
	}
	var atOnce []func(*appconfig.Options)
	if a.opts.DeployAtOnce {
		atOnce = append(atOnce, func(o *appconfig.Options) {
			o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue(DeployAtOnceHeader, "true"))
		})
	}
	out, err := a.client.StartDeployment(ctx, &appconfig.StartDeploymentInput{
		ApplicationId:          aws.String(appID),
		EnvironmentId:          aws.String(envID),
		ConfigurationProfileId: aws.String(profileID),
		ConfigurationVersion:   aws.String(strconv.Itoa(version)),
		DeploymentStrategyId:   aws.String(a.strategyID(d.Strategy)),
		Description:            optional(d.Description),
	}, atOnce...)
	if err != nil {
		return called("", err)
	}
	p := &deployProgress{status: a.status, what: fmt.Sprintf("%s/%s version %d to %s", app, profile, version, env)}
	state, percent := out.State, out.PercentageComplete
	for {
		p.show(state, aws.ToFloat32(percent))
		switch state {
		case types.DeploymentStateComplete:
			a.done("deployed %s/%s version %d to %s/%s (deployment %d)", app, profile, version, app, env, out.DeploymentNumber)
			return nil
		case types.DeploymentStateRolledBack, types.DeploymentStateReverted:
			return fmt.Errorf("deployment %d ended %s", out.DeploymentNumber, state)
		}
		if err := sleep(ctx, a.opts.PollInterval); err != nil {
			return fmt.Errorf("waiting for deployment %d: %w", out.DeploymentNumber, err)
		}
		got, err := a.client.GetDeployment(ctx, &appconfig.GetDeploymentInput{
			ApplicationId:    aws.String(appID),
			EnvironmentId:    aws.String(envID),
			DeploymentNumber: aws.Int32(out.DeploymentNumber),
		})
		if err != nil {
			return called(fmt.Sprintf("get deployment %d", out.DeploymentNumber), err)
		}
		state, percent = got.State, got.PercentageComplete
	}
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (a *applier) delete(ctx context.Context, c Change) error {
	var err error
	switch cur := c.Current.(type) {
	case *VersionFile:
		p := a.versionProfile[cur]
		if p == nil || a.profileApp[p] == nil {
			return errors.New("the version is not in the endpoint's tree")
		}
		_, err = a.client.DeleteHostedConfigurationVersion(ctx, &appconfig.DeleteHostedConfigurationVersionInput{
			ApplicationId:          aws.String(a.profileApp[p].ID),
			ConfigurationProfileId: aws.String(p.ID),
			VersionNumber:          aws.Int32(int32(cur.Version)),
		})
	case *ProfileTree:
		app := a.profileApp[cur]
		if app == nil {
			return errors.New("the profile is not in the endpoint's tree")
		}
		_, err = a.client.DeleteConfigurationProfile(ctx, &appconfig.DeleteConfigurationProfileInput{
			ApplicationId:          aws.String(app.ID),
			ConfigurationProfileId: aws.String(cur.ID),
		})
	case *EnvironmentFile:
		app := a.envApp[cur]
		if app == nil {
			return errors.New("the environment is not in the endpoint's tree")
		}
		_, err = a.client.DeleteEnvironment(ctx, &appconfig.DeleteEnvironmentInput{
			ApplicationId: aws.String(app.ID),
			EnvironmentId: aws.String(cur.ID),
		})
	case *ApplicationTree:
		_, err = a.client.DeleteApplication(ctx, &appconfig.DeleteApplicationInput{ApplicationId: aws.String(cur.ID)})
	case *StrategyFile:
		_, err = a.client.DeleteDeploymentStrategy(ctx, &appconfig.DeleteDeploymentStrategyInput{DeploymentStrategyId: aws.String(cur.ID)})
	default:
		return fmt.Errorf("no way to delete a %T", c.Current)
	}
	if err != nil {
		return called("", err)
	}
	a.done("deleted %s %s", kindWords[c.Kind], c.Name)
	return nil
}
