package gitops

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// Client is the part of the AppConfig API that reading an endpoint calls;
// *appconfig.Client is one, against appconfigd or AWS alike.
type Client interface {
	ListApplications(context.Context, *appconfig.ListApplicationsInput, ...func(*appconfig.Options)) (*appconfig.ListApplicationsOutput, error)
	ListEnvironments(context.Context, *appconfig.ListEnvironmentsInput, ...func(*appconfig.Options)) (*appconfig.ListEnvironmentsOutput, error)
	ListConfigurationProfiles(context.Context, *appconfig.ListConfigurationProfilesInput, ...func(*appconfig.Options)) (*appconfig.ListConfigurationProfilesOutput, error)
	GetConfigurationProfile(context.Context, *appconfig.GetConfigurationProfileInput, ...func(*appconfig.Options)) (*appconfig.GetConfigurationProfileOutput, error)
	ListHostedConfigurationVersions(context.Context, *appconfig.ListHostedConfigurationVersionsInput, ...func(*appconfig.Options)) (*appconfig.ListHostedConfigurationVersionsOutput, error)
	GetHostedConfigurationVersion(context.Context, *appconfig.GetHostedConfigurationVersionInput, ...func(*appconfig.Options)) (*appconfig.GetHostedConfigurationVersionOutput, error)
	ListDeploymentStrategies(context.Context, *appconfig.ListDeploymentStrategiesInput, ...func(*appconfig.Options)) (*appconfig.ListDeploymentStrategiesOutput, error)
	ListDeployments(context.Context, *appconfig.ListDeploymentsInput, ...func(*appconfig.Options)) (*appconfig.ListDeploymentsOutput, error)
	GetDeployment(context.Context, *appconfig.GetDeploymentInput, ...func(*appconfig.Options)) (*appconfig.GetDeploymentOutput, error)
	ListTagsForResource(context.Context, *appconfig.ListTagsForResourceInput, ...func(*appconfig.Options)) (*appconfig.ListTagsForResourceOutput, error)
	ListExtensions(context.Context, *appconfig.ListExtensionsInput, ...func(*appconfig.Options)) (*appconfig.ListExtensionsOutput, error)
	ListExtensionAssociations(context.Context, *appconfig.ListExtensionAssociationsInput, ...func(*appconfig.Options)) (*appconfig.ListExtensionAssociationsOutput, error)
}

var _ Client = (*appconfig.Client)(nil)

// ReadOptions configure Read.
type ReadOptions struct {
	// Region is the region of the endpoint, for the ARNs whose tags are
	// listed: the AppConfig API names no resource's ARN, so Read builds
	// them.
	Region string
	// AccountID is the account of those ARNs. When empty, Read takes it
	// from the first ARN the endpoint hands out that carries one (an
	// extension's or an extension association's), else leaves it empty,
	// which appconfigd accepts unless it runs with --strict-arns
	// (docs/COMPATIBILITY.md, "ARNs"); AWS needs it.
	AccountID string
}

// Summary is what a read found, for an export's report.
type Summary struct {
	Strategies   int // custom deployment strategies
	Applications int
	Environments int
	Profiles     int // configuration profiles
	Versions     int // hosted configuration versions
	Deployed     int // deployed entries of environments
	// NotCopied lists what the tree holds no copy of, one line each,
	// starting with the path (relative to the directory Write writes,
	// slash-separated) it concerns: the content of profiles not in the
	// hosted store, and of deployed versions since deleted.
	NotCopied []string
}

// Read returns everything the endpoint behind client holds as a Tree with
// the resources' IDs and no paths: custom deployment strategies (AWS's
// predefined ones are on every endpoint and so in no tree), and every
// application with its environments (what each serves included), its
// configuration profiles and their hosted versions, content byte for
// byte. Every List call is followed through all its pages. Write writes
// the tree as files; Plan compares it with a directory Load read.
func Read(ctx context.Context, client Client, opts ReadOptions) (*Tree, *Summary, error) {
	r := &reader{client: client, tree: &Tree{}, summary: &Summary{}}
	var err error
	if r.arn, err = findARNBase(ctx, client, opts.Region, opts.AccountID); err != nil {
		return nil, nil, err
	}
	if err := r.strategies(ctx); err != nil {
		return nil, nil, err
	}
	if err := r.applications(ctx); err != nil {
		return nil, nil, err
	}
	l := layoutOf(r.tree)
	for _, nc := range r.notCopied {
		file := l.environments[nc.environment]
		if nc.profile != nil {
			file = l.profiles[nc.profile]
		}
		r.summary.NotCopied = append(r.summary.NotCopied, file+": "+nc.what)
	}
	return r.tree, r.summary, nil
}

// reader is one Read under way.
type reader struct {
	client  Client
	arn     arnBase
	tree    *Tree
	summary *Summary
	// strategyNames names each strategy's ID as a deployed entry writes
	// it: its name, or its ID when other strategies share the name.
	strategyNames map[string]string
	// notCopied are Summary.NotCopied's lines before the paths they
	// concern are known: Write's layout needs the whole tree.
	notCopied []notCopied
}

// notCopied is a line of Summary.NotCopied about a profile's directory or
// an environment's file.
type notCopied struct {
	profile     *ProfileTree
	environment *EnvironmentFile
	what        string
}

// arnBase is what ARNs of one endpoint start with.
type arnBase struct{ partition, region, account string }

func (a arnBase) arn(resource string) string {
	return "arn:" + a.partition + ":appconfig:" + a.region + ":" + a.account + ":" + resource
}

// The ARN resources of the kinds of resource tags are kept on
// (docs/WIRE.md §3.3).
func applicationResource(appID string) string { return "application/" + appID }
func environmentResource(appID, envID string) string {
	return "application/" + appID + "/environment/" + envID
}
func profileResource(appID, profileID string) string {
	return "application/" + appID + "/configurationprofile/" + profileID
}
func strategyResource(id string) string { return "deploymentstrategy/" + id }

// arnPattern matches an ARN that carries an account, capturing its
// partition and account.
var arnPattern = regexp.MustCompile(`^arn:([a-z-]+):appconfig:[^:]*:(\d{12}):`)

// findARNBase finds the partition and account of the endpoint's ARNs:
// account when set, else the first the endpoint's extension associations
// and extensions carry.
func findARNBase(ctx context.Context, client Client, region, account string) (arnBase, error) {
	base := arnBase{partition: partitionOf(region), region: region, account: account}
	if base.account != "" {
		return base, nil
	}
	found := func(arns ...*string) bool {
		for _, a := range arns {
			if m := arnPattern.FindStringSubmatch(aws.ToString(a)); m != nil {
				base.partition, base.account = m[1], m[2]
				return true
			}
		}
		return false
	}
	assocs := appconfig.NewListExtensionAssociationsPaginator(client, &appconfig.ListExtensionAssociationsInput{})
	for assocs.HasMorePages() {
		page, err := assocs.NextPage(ctx)
		if err != nil {
			return base, fmt.Errorf("list extension associations, to learn the account of ARNs: %w", err)
		}
		for _, a := range page.Items {
			if found(a.ExtensionArn, a.ResourceArn) {
				return base, nil
			}
		}
	}
	exts := appconfig.NewListExtensionsPaginator(client, &appconfig.ListExtensionsInput{})
	for exts.HasMorePages() {
		page, err := exts.NextPage(ctx)
		if err != nil {
			return base, fmt.Errorf("list extensions, to learn the account of ARNs: %w", err)
		}
		for _, e := range page.Items {
			if found(e.Arn) {
				return base, nil
			}
		}
	}
	return base, nil
}

// partitionOf returns the ARN partition of region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// tags returns the tags of the resource, nil for none.
func (r *reader) tags(ctx context.Context, what, resource string) (map[string]string, error) {
	arn := r.arn.arn(resource)
	out, err := r.client.ListTagsForResource(ctx, &appconfig.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("list tags of %s (%s): %w", what, arn, err)
	}
	if len(out.Tags) == 0 {
		return nil, nil
	}
	return out.Tags, nil
}

// isPredefined reports whether a strategy is one of AppConfig's own, which
// every endpoint has: their IDs are their AppConfig.* names.
func isPredefined(id string) bool { return strings.HasPrefix(id, "AppConfig.") }

// strategies reads the custom deployment strategies and learns how
// deployed entries name every strategy.
func (r *reader) strategies(ctx context.Context) error {
	var all []types.DeploymentStrategy
	p := appconfig.NewListDeploymentStrategiesPaginator(r.client, &appconfig.ListDeploymentStrategiesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list deployment strategies: %w", err)
		}
		all = append(all, page.Items...)
	}
	byName := map[string]int{}
	for _, s := range all {
		byName[aws.ToString(s.Name)]++
	}
	r.strategyNames = make(map[string]string, len(all))
	for _, s := range all {
		id, name := aws.ToString(s.Id), aws.ToString(s.Name)
		r.strategyNames[id] = name
		if byName[name] > 1 {
			r.strategyNames[id] = id
		}
	}
	for _, s := range all {
		id := aws.ToString(s.Id)
		if isPredefined(id) {
			continue
		}
		what := fmt.Sprintf("deployment strategy %q (%s)", aws.ToString(s.Name), id)
		tags, err := r.tags(ctx, what, strategyResource(id))
		if err != nil {
			return err
		}
		r.tree.Strategies = append(r.tree.Strategies, &StrategyFile{ID: id, DeploymentStrategy: DeploymentStrategy{
			Header:                      Header{APIVersion: APIVersion, Kind: KindDeploymentStrategy},
			Name:                        aws.ToString(s.Name),
			Description:                 aws.ToString(s.Description),
			DeploymentDurationInMinutes: int(s.DeploymentDurationInMinutes),
			FinalBakeTimeInMinutes:      int(s.FinalBakeTimeInMinutes),
			GrowthFactor:                growthFactor(s.GrowthFactor),
			GrowthType:                  string(s.GrowthType),
			ReplicateTo:                 string(s.ReplicateTo),
			Tags:                        tags,
		}})
		r.summary.Strategies++
	}
	return nil
}

// growthFactor returns the wire's float32 as the float64 of its shortest
// decimal form, so that 0.1 is written 0.1 and not 0.10000000149011612.
func growthFactor(f *float32) float64 {
	if f == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(*f), 'g', -1, 32), 64)
	return v
}

// applications reads every application and what it holds.
func (r *reader) applications(ctx context.Context) error {
	var apps []types.Application
	p := appconfig.NewListApplicationsPaginator(r.client, &appconfig.ListApplicationsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list applications: %w", err)
		}
		apps = append(apps, page.Items...)
	}
	for _, a := range apps {
		if err := r.application(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// profileInfo is what deployed entries need of a profile.
type profileInfo struct {
	tree     *ProfileTree
	name     string // as deployed entries write it
	hosted   bool
	versions map[int32]bool
}

func (r *reader) application(ctx context.Context, a types.Application) error {
	id := aws.ToString(a.Id)
	what := fmt.Sprintf("application %q (%s)", aws.ToString(a.Name), id)
	tags, err := r.tags(ctx, what, applicationResource(id))
	if err != nil {
		return err
	}
	app := &ApplicationTree{ID: id, Application: Application{
		Header:      Header{APIVersion: APIVersion, Kind: KindApplication},
		Name:        aws.ToString(a.Name),
		Description: aws.ToString(a.Description),
		Tags:        tags,
	}}
	r.tree.Applications = append(r.tree.Applications, app)
	r.summary.Applications++
	profiles, err := r.profiles(ctx, app, what)
	if err != nil {
		return err
	}
	return r.environments(ctx, app, what, profiles)
}

// profiles reads the application's configuration profiles and their
// hosted versions, and returns them by ID.
func (r *reader) profiles(ctx context.Context, app *ApplicationTree, appWhat string) (map[string]*profileInfo, error) {
	var summaries []types.ConfigurationProfileSummary
	p := appconfig.NewListConfigurationProfilesPaginator(r.client, &appconfig.ListConfigurationProfilesInput{ApplicationId: aws.String(app.ID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list configuration profiles of %s: %w", appWhat, err)
		}
		summaries = append(summaries, page.Items...)
	}
	byName := map[string]int{}
	for _, s := range summaries {
		byName[aws.ToString(s.Name)]++
	}
	infos := make(map[string]*profileInfo, len(summaries))
	for _, s := range summaries {
		id, name := aws.ToString(s.Id), aws.ToString(s.Name)
		what := fmt.Sprintf("configuration profile %q (%s) of %s", name, id, appWhat)
		out, err := r.client.GetConfigurationProfile(ctx, &appconfig.GetConfigurationProfileInput{
			ApplicationId:          aws.String(app.ID),
			ConfigurationProfileId: aws.String(id),
		})
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", what, err)
		}
		tags, err := r.tags(ctx, what, profileResource(app.ID, id))
		if err != nil {
			return nil, err
		}
		prof := &ProfileTree{ID: id, ConfigurationProfile: ConfigurationProfile{
			Header:           Header{APIVersion: APIVersion, Kind: KindConfigurationProfile},
			Name:             aws.ToString(out.Name),
			Description:      aws.ToString(out.Description),
			Type:             aws.ToString(out.Type),
			LocationURI:      aws.ToString(out.LocationUri),
			RetrievalRoleARN: aws.ToString(out.RetrievalRoleArn),
			KMSKeyIdentifier: aws.ToString(out.KmsKeyIdentifier),
			Tags:             tags,
		}}
		for _, v := range out.Validators {
			prof.Validators = append(prof.Validators, Validator{Type: string(v.Type), Content: aws.ToString(v.Content)})
		}
		app.Profiles = append(app.Profiles, prof)
		r.summary.Profiles++
		info := &profileInfo{tree: prof, name: name, hosted: prof.LocationURI == "hosted", versions: map[int32]bool{}}
		if byName[name] > 1 {
			info.name = id
		}
		infos[id] = info
		if !info.hosted {
			r.notCopied = append(r.notCopied, notCopied{profile: prof, what: "content is not hosted"})
			continue
		}
		if err := r.versions(ctx, app.ID, what, info); err != nil {
			return nil, err
		}
	}
	return infos, nil
}

// versions reads a hosted profile's versions: the metadata and the
// content of each.
func (r *reader) versions(ctx context.Context, appID, profileWhat string, info *profileInfo) error {
	p := appconfig.NewListHostedConfigurationVersionsPaginator(r.client, &appconfig.ListHostedConfigurationVersionsInput{
		ApplicationId:          aws.String(appID),
		ConfigurationProfileId: aws.String(info.tree.ID),
	})
	var numbers []int32
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list hosted configuration versions of %s: %w", profileWhat, err)
		}
		for _, v := range page.Items {
			numbers = append(numbers, v.VersionNumber)
		}
	}
	for _, n := range numbers {
		out, err := r.client.GetHostedConfigurationVersion(ctx, &appconfig.GetHostedConfigurationVersionInput{
			ApplicationId:          aws.String(appID),
			ConfigurationProfileId: aws.String(info.tree.ID),
			VersionNumber:          aws.Int32(n),
		})
		if err != nil {
			return fmt.Errorf("get hosted configuration version %d of %s: %w", n, profileWhat, err)
		}
		contentType := aws.ToString(out.ContentType)
		info.tree.Versions = append(info.tree.Versions, &VersionFile{
			HostedConfigurationVersion: HostedConfigurationVersion{
				Header:       Header{APIVersion: APIVersion, Kind: KindHostedConfigurationVersion},
				Version:      int(n),
				ContentType:  contentType,
				Description:  aws.ToString(out.Description),
				VersionLabel: aws.ToString(out.VersionLabel),
				Content:      contentFile(int(n), contentType),
			},
			Data: out.Content,
		})
		info.versions[n] = true
		r.summary.Versions++
	}
	slices.SortFunc(info.tree.Versions, func(a, b *VersionFile) int { return a.Version - b.Version })
	return nil
}

// contentFile is the name of a hosted version's content file: its number
// and its content type's extension (docs/GITOPS.md, "Layout").
func contentFile(version int, contentType string) string {
	return strconv.Itoa(version) + "." + ContentExtension(contentType)
}

// environments reads the application's environments.
func (r *reader) environments(ctx context.Context, app *ApplicationTree, appWhat string, profiles map[string]*profileInfo) error {
	var envs []types.Environment
	p := appconfig.NewListEnvironmentsPaginator(r.client, &appconfig.ListEnvironmentsInput{ApplicationId: aws.String(app.ID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list environments of %s: %w", appWhat, err)
		}
		envs = append(envs, page.Items...)
	}
	for _, e := range envs {
		id := aws.ToString(e.Id)
		what := fmt.Sprintf("environment %q (%s) of %s", aws.ToString(e.Name), id, appWhat)
		tags, err := r.tags(ctx, what, environmentResource(app.ID, id))
		if err != nil {
			return err
		}
		env := &EnvironmentFile{ID: id, Environment: Environment{
			Header:      Header{APIVersion: APIVersion, Kind: KindEnvironment},
			Name:        aws.ToString(e.Name),
			Description: aws.ToString(e.Description),
			Tags:        tags,
		}}
		for _, mon := range e.Monitors {
			env.Monitors = append(env.Monitors, Monitor{AlarmARN: aws.ToString(mon.AlarmArn), AlarmRoleARN: aws.ToString(mon.AlarmRoleArn)})
		}
		if env.Deployed, err = r.deployed(ctx, app.ID, env, what, profiles); err != nil {
			return err
		}
		app.Environments = append(app.Environments, env)
		r.summary.Environments++
		r.summary.Deployed += len(env.Deployed)
	}
	return nil
}

// deployed returns what the environment serves of each profile: the
// version its newest complete deployment of the profile left, with that
// deployment's strategy and description, sorted by profile. A deployment
// summary names its profile only by the name it had then, which profiles
// may share and a profile may have changed since, so GetDeployment tells
// which profile each complete deployment deployed, newest first, until
// every profile is found. A deployed version since deleted is left out
// (the tree holds no such version) and listed as not copied, as is one of
// a profile whose content is not hosted.
func (r *reader) deployed(ctx context.Context, appID string, env *EnvironmentFile, envWhat string, profiles map[string]*profileInfo) ([]Deployed, error) {
	var complete []int32
	p := appconfig.NewListDeploymentsPaginator(r.client, &appconfig.ListDeploymentsInput{
		ApplicationId: aws.String(appID),
		EnvironmentId: aws.String(env.ID),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list deployments of %s: %w", envWhat, err)
		}
		for _, d := range page.Items {
			if d.State == types.DeploymentStateComplete {
				complete = append(complete, d.DeploymentNumber)
			}
		}
	}
	slices.Sort(complete)
	slices.Reverse(complete)
	found := map[string]bool{}
	var out []Deployed
	for _, number := range complete {
		if len(found) == len(profiles) {
			break
		}
		got, err := r.client.GetDeployment(ctx, &appconfig.GetDeploymentInput{
			ApplicationId:    aws.String(appID),
			EnvironmentId:    aws.String(env.ID),
			DeploymentNumber: aws.Int32(number),
		})
		if err != nil {
			return nil, fmt.Errorf("get deployment %d of %s: %w", number, envWhat, err)
		}
		profileID := aws.ToString(got.ConfigurationProfileId)
		info := profiles[profileID]
		if info == nil || found[profileID] {
			continue
		}
		found[profileID] = true
		version := aws.ToString(got.ConfigurationVersion)
		n, err := strconv.ParseInt(version, 10, 32)
		if !info.hosted || err != nil {
			r.notCopied = append(r.notCopied, notCopied{environment: env, what: fmt.Sprintf("deployed version %q of %s: content is not hosted", version, info.name)})
			continue
		}
		if !info.versions[int32(n)] {
			// The endpoint still serves it, but the tree cannot name a
			// version it does not hold.
			r.notCopied = append(r.notCopied, notCopied{environment: env, what: fmt.Sprintf("deployed version %d of %s: the version was deleted", n, info.name)})
			continue
		}
		strategy := aws.ToString(got.DeploymentStrategyId)
		if name, ok := r.strategyNames[strategy]; ok {
			strategy = name
		}
		out = append(out, Deployed{
			Profile:     info.name,
			Version:     int(n),
			Strategy:    strategy,
			Description: aws.ToString(got.Description),
		})
	}
	slices.SortFunc(out, func(a, b Deployed) int { return strings.Compare(a.Profile, b.Profile) })
	return out, nil
}
