package gitops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// Client is the part of the AppConfig API an export calls;
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

// ExportOptions configure Export.
type ExportOptions struct {
	// Force lets Export write into a directory that is not empty: it
	// replaces the directory's applications/ and strategies/ trees, so
	// that resources deleted since the last export disappear, and leaves
	// everything else there alone.
	Force bool
	// Region is the region of the endpoint, for the ARNs whose tags are
	// listed: the AppConfig API names no resource's ARN, so Export builds
	// them.
	Region string
	// AccountID is the account of those ARNs. When empty, Export takes it
	// from the first ARN the endpoint hands out that carries one (an
	// extension's or an extension association's), else leaves it empty,
	// which appconfigd accepts unless it runs with --strict-arns
	// (docs/COMPATIBILITY.md, "ARNs"); AWS needs it.
	AccountID string
}

// Summary is what an export wrote, for its report.
type Summary struct {
	Strategies   int // custom deployment strategies
	Applications int
	Environments int
	Profiles     int // configuration profiles
	Versions     int // hosted configuration versions
	Deployed     int // deployed entries of environments
	// NotCopied lists what the export holds no copy of, one line each,
	// starting with the path (relative to the directory, slash-separated)
	// it concerns: the content of profiles not in the hosted store, and of
	// deployed versions since deleted.
	NotCopied []string
}

// ErrNotEmpty is returned by Export for a directory that holds anything
// while ExportOptions.Force is not set.
var ErrNotEmpty = errors.New("directory is not empty")

// Export writes everything the endpoint behind client holds into dir, in
// the layout of docs/GITOPS.md: custom deployment strategies, and every
// application with its environments (what each serves included), its
// configuration profiles and their hosted versions, content byte for byte.
// It builds the tree in a temporary sibling of dir and moves it into place
// only once every call succeeded, so that a failed export leaves dir as it
// was. Every List call is followed through all its pages.
func Export(ctx context.Context, client Client, dir string, opts ExportOptions) (*Summary, error) {
	dir, err := exportDir(dir, opts.Force)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".export-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	build := filepath.Join(tmp, "new")
	x := &exporter{client: client, root: build, summary: &Summary{}}
	if x.arn, err = x.arnBase(ctx, opts); err != nil {
		return nil, err
	}
	if err := x.strategies(ctx); err != nil {
		return nil, err
	}
	if err := x.applications(ctx); err != nil {
		return nil, err
	}
	if err := swapIn(dir, build, tmp); err != nil {
		return nil, err
	}
	return x.summary, nil
}

// exportDir returns dir as an absolute path with its symbolic links
// resolved, so that the temporary sibling is on its file system, after
// checking that Export may write into it.
func exportDir(dir string, force bool) (string, error) {
	if dir == "" {
		return "", errors.New("no directory to export into")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	resolved, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, os.ErrNotExist) {
		return dir, nil
	}
	if err != nil {
		return "", err
	}
	f, err := os.Open(resolved)
	if err != nil {
		return "", err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	switch {
	case errors.Is(err, io.EOF):
		return resolved, nil
	case err != nil:
		return "", fmt.Errorf("%s: %w", dir, err)
	case !force:
		return "", fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	return resolved, nil
}

// swapIn replaces dir's applications/ and strategies/ with those built in
// build, moving the old ones into tmp (removed by the caller). Each tree
// moves with one rename; when one fails, the trees already moved are put
// back.
func swapIn(dir, build, tmp string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var undo []func()
	rollback := func(err error) error {
		for _, u := range slices.Backward(undo) {
			u()
		}
		return err
	}
	for _, tree := range []string{ApplicationsDir, StrategiesDir} {
		target := filepath.Join(dir, tree)
		old := filepath.Join(tmp, "old-"+tree)
		switch err := os.Rename(target, old); {
		case err == nil:
			undo = append(undo, func() { os.Rename(old, target) })
		case !errors.Is(err, os.ErrNotExist):
			return rollback(err)
		}
		built := filepath.Join(build, tree)
		switch err := os.Rename(built, target); {
		case err == nil:
			undo = append(undo, func() { os.Rename(target, built) })
		case !errors.Is(err, os.ErrNotExist):
			return rollback(err)
		}
	}
	return nil
}

// exporter is one export under way.
type exporter struct {
	client  Client
	root    string // the tree being built
	arn     arnBase
	summary *Summary
	// strategyNames names each strategy's ID as a deployed entry writes
	// it: its name, or its ID when other strategies share the name.
	strategyNames map[string]string
}

// arnBase is what ARNs of one endpoint start with.
type arnBase struct{ partition, region, account string }

func (a arnBase) arn(resource string) string {
	return "arn:" + a.partition + ":appconfig:" + a.region + ":" + a.account + ":" + resource
}

// arnPattern matches an ARN that carries an account, capturing its
// partition and account.
var arnPattern = regexp.MustCompile(`^arn:([a-z-]+):appconfig:[^:]*:(\d{12}):`)

// arnBase finds the partition and account of the endpoint's ARNs.
func (x *exporter) arnBase(ctx context.Context, opts ExportOptions) (arnBase, error) {
	base := arnBase{partition: partitionOf(opts.Region), region: opts.Region, account: opts.AccountID}
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
	assocs := appconfig.NewListExtensionAssociationsPaginator(x.client, &appconfig.ListExtensionAssociationsInput{})
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
	exts := appconfig.NewListExtensionsPaginator(x.client, &appconfig.ListExtensionsInput{})
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
func (x *exporter) tags(ctx context.Context, what, resource string) (map[string]string, error) {
	arn := x.arn.arn(resource)
	out, err := x.client.ListTagsForResource(ctx, &appconfig.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("list tags of %s (%s): %w", what, arn, err)
	}
	if len(out.Tags) == 0 {
		return nil, nil
	}
	return out.Tags, nil
}

// write writes a file of the tree at rel, a slash-separated path.
func (x *exporter) write(rel string, data []byte) error {
	p := filepath.Join(x.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// writeManifest writes manifest as YAML at rel.
func (x *exporter) writeManifest(rel string, manifest any) error {
	data, err := Marshal(manifest)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	return x.write(rel, data)
}

// isPredefined reports whether a strategy is one of AppConfig's own, which
// every endpoint has: their IDs are their AppConfig.* names.
func isPredefined(id string) bool { return strings.HasPrefix(id, "AppConfig.") }

// strategies writes the custom deployment strategies and learns how
// deployed entries name every strategy.
func (x *exporter) strategies(ctx context.Context) error {
	var all []types.DeploymentStrategy
	p := appconfig.NewListDeploymentStrategiesPaginator(x.client, &appconfig.ListDeploymentStrategiesInput{})
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
	x.strategyNames = make(map[string]string, len(all))
	var custom []Resource
	for _, s := range all {
		id, name := aws.ToString(s.Id), aws.ToString(s.Name)
		x.strategyNames[id] = name
		if byName[name] > 1 {
			x.strategyNames[id] = id
		}
		if !isPredefined(id) {
			custom = append(custom, Resource{ID: id, Name: name})
		}
	}
	files := DirNames(custom)
	for _, s := range all {
		id := aws.ToString(s.Id)
		if isPredefined(id) {
			continue
		}
		what := fmt.Sprintf("deployment strategy %q (%s)", aws.ToString(s.Name), id)
		tags, err := x.tags(ctx, what, "deploymentstrategy/"+id)
		if err != nil {
			return err
		}
		m := DeploymentStrategy{
			Header:                      Header{APIVersion: APIVersion, Kind: KindDeploymentStrategy},
			Name:                        aws.ToString(s.Name),
			Description:                 aws.ToString(s.Description),
			DeploymentDurationInMinutes: int(s.DeploymentDurationInMinutes),
			FinalBakeTimeInMinutes:      int(s.FinalBakeTimeInMinutes),
			GrowthFactor:                growthFactor(s.GrowthFactor),
			GrowthType:                  string(s.GrowthType),
			ReplicateTo:                 string(s.ReplicateTo),
			Tags:                        tags,
		}
		if err := x.writeManifest(path.Join(StrategiesDir, files[id]+ManifestExt), m); err != nil {
			return err
		}
		x.summary.Strategies++
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

// applications writes every application and what it holds.
func (x *exporter) applications(ctx context.Context) error {
	var apps []types.Application
	p := appconfig.NewListApplicationsPaginator(x.client, &appconfig.ListApplicationsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list applications: %w", err)
		}
		apps = append(apps, page.Items...)
	}
	rs := make([]Resource, len(apps))
	for i, a := range apps {
		rs[i] = Resource{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name)}
	}
	dirs := DirNames(rs)
	for _, a := range apps {
		if err := x.application(ctx, a, path.Join(ApplicationsDir, dirs[aws.ToString(a.Id)])); err != nil {
			return err
		}
	}
	return nil
}

// profileInfo is what deployed entries need of a profile.
type profileInfo struct {
	name     string // as deployed entries write it
	dir      string // applications/APP/profiles/PROFILE
	hosted   bool
	versions map[int32]bool
}

func (x *exporter) application(ctx context.Context, a types.Application, dir string) error {
	id := aws.ToString(a.Id)
	what := fmt.Sprintf("application %q (%s)", aws.ToString(a.Name), id)
	tags, err := x.tags(ctx, what, "application/"+id)
	if err != nil {
		return err
	}
	err = x.writeManifest(path.Join(dir, ApplicationFile), Application{
		Header:      Header{APIVersion: APIVersion, Kind: KindApplication},
		Name:        aws.ToString(a.Name),
		Description: aws.ToString(a.Description),
		Tags:        tags,
	})
	if err != nil {
		return err
	}
	x.summary.Applications++
	profiles, err := x.profiles(ctx, id, what, dir)
	if err != nil {
		return err
	}
	return x.environments(ctx, id, what, dir, profiles)
}

// profiles writes the application's configuration profiles and their
// hosted versions, and returns them by ID.
func (x *exporter) profiles(ctx context.Context, appID, appWhat, appDir string) (map[string]*profileInfo, error) {
	var summaries []types.ConfigurationProfileSummary
	p := appconfig.NewListConfigurationProfilesPaginator(x.client, &appconfig.ListConfigurationProfilesInput{ApplicationId: aws.String(appID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list configuration profiles of %s: %w", appWhat, err)
		}
		summaries = append(summaries, page.Items...)
	}
	rs := make([]Resource, len(summaries))
	byName := map[string]int{}
	for i, s := range summaries {
		rs[i] = Resource{ID: aws.ToString(s.Id), Name: aws.ToString(s.Name)}
		byName[rs[i].Name]++
	}
	dirs := DirNames(rs)
	infos := make(map[string]*profileInfo, len(summaries))
	for _, r := range rs {
		what := fmt.Sprintf("configuration profile %q (%s) of %s", r.Name, r.ID, appWhat)
		out, err := x.client.GetConfigurationProfile(ctx, &appconfig.GetConfigurationProfileInput{
			ApplicationId:          aws.String(appID),
			ConfigurationProfileId: aws.String(r.ID),
		})
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", what, err)
		}
		tags, err := x.tags(ctx, what, "application/"+appID+"/configurationprofile/"+r.ID)
		if err != nil {
			return nil, err
		}
		m := ConfigurationProfile{
			Header:           Header{APIVersion: APIVersion, Kind: KindConfigurationProfile},
			Name:             aws.ToString(out.Name),
			Description:      aws.ToString(out.Description),
			Type:             aws.ToString(out.Type),
			LocationURI:      aws.ToString(out.LocationUri),
			RetrievalRoleARN: aws.ToString(out.RetrievalRoleArn),
			KMSKeyIdentifier: aws.ToString(out.KmsKeyIdentifier),
			Tags:             tags,
		}
		for _, v := range out.Validators {
			m.Validators = append(m.Validators, Validator{Type: string(v.Type), Content: aws.ToString(v.Content)})
		}
		dir := path.Join(appDir, ProfilesDir, dirs[r.ID])
		if err := x.writeManifest(path.Join(dir, ProfileFile), m); err != nil {
			return nil, err
		}
		x.summary.Profiles++
		info := &profileInfo{name: r.Name, dir: dir, hosted: m.LocationURI == "hosted", versions: map[int32]bool{}}
		if byName[r.Name] > 1 {
			info.name = r.ID
		}
		infos[r.ID] = info
		if !info.hosted {
			x.summary.NotCopied = append(x.summary.NotCopied, dir+": content is not hosted")
			continue
		}
		if err := x.versions(ctx, appID, r.ID, what, info); err != nil {
			return nil, err
		}
	}
	return infos, nil
}

// versions writes a hosted profile's versions: the manifest and the
// content of each.
func (x *exporter) versions(ctx context.Context, appID, profileID, profileWhat string, info *profileInfo) error {
	p := appconfig.NewListHostedConfigurationVersionsPaginator(x.client, &appconfig.ListHostedConfigurationVersionsInput{
		ApplicationId:          aws.String(appID),
		ConfigurationProfileId: aws.String(profileID),
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
		out, err := x.client.GetHostedConfigurationVersion(ctx, &appconfig.GetHostedConfigurationVersionInput{
			ApplicationId:          aws.String(appID),
			ConfigurationProfileId: aws.String(profileID),
			VersionNumber:          aws.Int32(n),
		})
		if err != nil {
			return fmt.Errorf("get hosted configuration version %d of %s: %w", n, profileWhat, err)
		}
		base := path.Join(info.dir, VersionsDir, strconv.Itoa(int(n)))
		contentType := aws.ToString(out.ContentType)
		content := strconv.Itoa(int(n)) + "." + ContentExtension(contentType)
		if err := x.write(path.Join(info.dir, VersionsDir, content), out.Content); err != nil {
			return err
		}
		err = x.writeManifest(base+ManifestExt, HostedConfigurationVersion{
			Header:       Header{APIVersion: APIVersion, Kind: KindHostedConfigurationVersion},
			Version:      int(n),
			ContentType:  contentType,
			Description:  aws.ToString(out.Description),
			VersionLabel: aws.ToString(out.VersionLabel),
			Content:      content,
		})
		if err != nil {
			return err
		}
		info.versions[n] = true
		x.summary.Versions++
	}
	return nil
}

// environments writes the application's environments.
func (x *exporter) environments(ctx context.Context, appID, appWhat, appDir string, profiles map[string]*profileInfo) error {
	var envs []types.Environment
	p := appconfig.NewListEnvironmentsPaginator(x.client, &appconfig.ListEnvironmentsInput{ApplicationId: aws.String(appID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list environments of %s: %w", appWhat, err)
		}
		envs = append(envs, page.Items...)
	}
	rs := make([]Resource, len(envs))
	for i, e := range envs {
		rs[i] = Resource{ID: aws.ToString(e.Id), Name: aws.ToString(e.Name)}
	}
	files := DirNames(rs)
	for _, e := range envs {
		id := aws.ToString(e.Id)
		what := fmt.Sprintf("environment %q (%s) of %s", aws.ToString(e.Name), id, appWhat)
		tags, err := x.tags(ctx, what, "application/"+appID+"/environment/"+id)
		if err != nil {
			return err
		}
		rel := path.Join(appDir, EnvironmentsDir, files[id]+ManifestExt)
		deployed, err := x.deployed(ctx, appID, id, what, rel, profiles)
		if err != nil {
			return err
		}
		m := Environment{
			Header:      Header{APIVersion: APIVersion, Kind: KindEnvironment},
			Name:        aws.ToString(e.Name),
			Description: aws.ToString(e.Description),
			Tags:        tags,
			Deployed:    deployed,
		}
		for _, mon := range e.Monitors {
			m.Monitors = append(m.Monitors, Monitor{AlarmARN: aws.ToString(mon.AlarmArn), AlarmRoleARN: aws.ToString(mon.AlarmRoleArn)})
		}
		if err := x.writeManifest(rel, m); err != nil {
			return err
		}
		x.summary.Environments++
		x.summary.Deployed += len(deployed)
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
func (x *exporter) deployed(ctx context.Context, appID, envID, envWhat, envRel string, profiles map[string]*profileInfo) ([]Deployed, error) {
	var complete []int32
	p := appconfig.NewListDeploymentsPaginator(x.client, &appconfig.ListDeploymentsInput{
		ApplicationId: aws.String(appID),
		EnvironmentId: aws.String(envID),
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
		got, err := x.client.GetDeployment(ctx, &appconfig.GetDeploymentInput{
			ApplicationId:    aws.String(appID),
			EnvironmentId:    aws.String(envID),
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
			x.summary.NotCopied = append(x.summary.NotCopied, fmt.Sprintf("%s: deployed version %q of %s: content is not hosted", envRel, version, info.name))
			continue
		}
		if !info.versions[int32(n)] {
			// The endpoint still serves it, but the tree cannot name a
			// version it does not hold.
			x.summary.NotCopied = append(x.summary.NotCopied, fmt.Sprintf("%s: deployed version %d of %s: the version was deleted", envRel, n, info.name))
			continue
		}
		strategy := aws.ToString(got.DeploymentStrategyId)
		if name, ok := x.strategyNames[strategy]; ok {
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
