package gitops

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/google/go-cmp/cmp"
)

// fakeClient is an AppConfig endpoint in memory that answers every List
// call one item a page, so that an export that does not follow NextToken
// misses resources.
type fakeClient struct {
	apps       []types.Application
	envs       map[string][]types.Environment                              // by application ID
	profiles   map[string][]*appconfig.GetConfigurationProfileOutput       // by application ID
	versions   map[string][]*appconfig.GetHostedConfigurationVersionOutput // by profile ID
	strategies []types.DeploymentStrategy
	deploys    map[string][]*appconfig.GetDeploymentOutput // by environment ID
	tags       map[string]map[string]string                // by ARN
	extensions []types.ExtensionSummary
	// fail names the operation that fails.
	fail string

	tagARNs []string // the ARNs ListTagsForResource was asked for
	calls   int
}

var errFake = errors.New("injected failure")

// onePage returns the page of items that token (an index) starts.
func onePage[T any](items []T, token *string) ([]T, *string) {
	i := 0
	if token != nil {
		i, _ = strconv.Atoi(*token)
	}
	if i >= len(items) {
		return nil, nil
	}
	var next *string
	if i+1 < len(items) {
		next = aws.String(strconv.Itoa(i + 1))
	}
	return items[i : i+1], next
}

func (f *fakeClient) call(op string) error {
	f.calls++
	if f.fail == op {
		return errFake
	}
	return nil
}

func (f *fakeClient) ListApplications(_ context.Context, in *appconfig.ListApplicationsInput, _ ...func(*appconfig.Options)) (*appconfig.ListApplicationsOutput, error) {
	if err := f.call("ListApplications"); err != nil {
		return nil, err
	}
	items, next := onePage(f.apps, in.NextToken)
	return &appconfig.ListApplicationsOutput{Items: items, NextToken: next}, nil
}

func (f *fakeClient) ListEnvironments(_ context.Context, in *appconfig.ListEnvironmentsInput, _ ...func(*appconfig.Options)) (*appconfig.ListEnvironmentsOutput, error) {
	if err := f.call("ListEnvironments"); err != nil {
		return nil, err
	}
	items, next := onePage(f.envs[*in.ApplicationId], in.NextToken)
	return &appconfig.ListEnvironmentsOutput{Items: items, NextToken: next}, nil
}

func (f *fakeClient) ListConfigurationProfiles(_ context.Context, in *appconfig.ListConfigurationProfilesInput, _ ...func(*appconfig.Options)) (*appconfig.ListConfigurationProfilesOutput, error) {
	if err := f.call("ListConfigurationProfiles"); err != nil {
		return nil, err
	}
	var all []types.ConfigurationProfileSummary
	for _, p := range f.profiles[*in.ApplicationId] {
		all = append(all, types.ConfigurationProfileSummary{ApplicationId: p.ApplicationId, Id: p.Id, Name: p.Name, LocationUri: p.LocationUri, Type: p.Type})
	}
	items, next := onePage(all, in.NextToken)
	return &appconfig.ListConfigurationProfilesOutput{Items: items, NextToken: next}, nil
}

func (f *fakeClient) GetConfigurationProfile(_ context.Context, in *appconfig.GetConfigurationProfileInput, _ ...func(*appconfig.Options)) (*appconfig.GetConfigurationProfileOutput, error) {
	if err := f.call("GetConfigurationProfile"); err != nil {
		return nil, err
	}
	for _, p := range f.profiles[*in.ApplicationId] {
		if *p.Id == *in.ConfigurationProfileId {
			return p, nil
		}
	}
	return nil, errors.New("no such profile")
}

func (f *fakeClient) ListHostedConfigurationVersions(_ context.Context, in *appconfig.ListHostedConfigurationVersionsInput, _ ...func(*appconfig.Options)) (*appconfig.ListHostedConfigurationVersionsOutput, error) {
	if err := f.call("ListHostedConfigurationVersions"); err != nil {
		return nil, err
	}
	var all []types.HostedConfigurationVersionSummary
	for _, v := range f.versions[*in.ConfigurationProfileId] {
		all = append(all, types.HostedConfigurationVersionSummary{VersionNumber: v.VersionNumber, ContentType: v.ContentType})
	}
	items, next := onePage(all, in.NextToken)
	return &appconfig.ListHostedConfigurationVersionsOutput{Items: items, NextToken: next}, nil
}

func (f *fakeClient) GetHostedConfigurationVersion(_ context.Context, in *appconfig.GetHostedConfigurationVersionInput, _ ...func(*appconfig.Options)) (*appconfig.GetHostedConfigurationVersionOutput, error) {
	if err := f.call("GetHostedConfigurationVersion"); err != nil {
		return nil, err
	}
	for _, v := range f.versions[*in.ConfigurationProfileId] {
		if v.VersionNumber == *in.VersionNumber {
			return v, nil
		}
	}
	return nil, errors.New("no such version")
}

func (f *fakeClient) ListDeploymentStrategies(_ context.Context, in *appconfig.ListDeploymentStrategiesInput, _ ...func(*appconfig.Options)) (*appconfig.ListDeploymentStrategiesOutput, error) {
	if err := f.call("ListDeploymentStrategies"); err != nil {
		return nil, err
	}
	items, next := onePage(f.strategies, in.NextToken)
	return &appconfig.ListDeploymentStrategiesOutput{Items: items, NextToken: next}, nil
}

func (f *fakeClient) ListDeployments(_ context.Context, in *appconfig.ListDeploymentsInput, _ ...func(*appconfig.Options)) (*appconfig.ListDeploymentsOutput, error) {
	if err := f.call("ListDeployments"); err != nil {
		return nil, err
	}
	var all []types.DeploymentSummary
	for _, d := range f.deploys[*in.EnvironmentId] {
		all = append(all, types.DeploymentSummary{DeploymentNumber: d.DeploymentNumber, ConfigurationName: d.ConfigurationName, ConfigurationVersion: d.ConfigurationVersion, State: d.State})
	}
	items, next := onePage(all, in.NextToken)
	return &appconfig.ListDeploymentsOutput{Items: items, NextToken: next}, nil
}

func (f *fakeClient) GetDeployment(_ context.Context, in *appconfig.GetDeploymentInput, _ ...func(*appconfig.Options)) (*appconfig.GetDeploymentOutput, error) {
	if err := f.call("GetDeployment"); err != nil {
		return nil, err
	}
	for _, d := range f.deploys[*in.EnvironmentId] {
		if d.DeploymentNumber == *in.DeploymentNumber {
			return d, nil
		}
	}
	return nil, errors.New("no such deployment")
}

func (f *fakeClient) ListTagsForResource(_ context.Context, in *appconfig.ListTagsForResourceInput, _ ...func(*appconfig.Options)) (*appconfig.ListTagsForResourceOutput, error) {
	if err := f.call("ListTagsForResource"); err != nil {
		return nil, err
	}
	f.tagARNs = append(f.tagARNs, *in.ResourceArn)
	return &appconfig.ListTagsForResourceOutput{Tags: f.tags[*in.ResourceArn]}, nil
}

func (f *fakeClient) ListExtensions(_ context.Context, in *appconfig.ListExtensionsInput, _ ...func(*appconfig.Options)) (*appconfig.ListExtensionsOutput, error) {
	if err := f.call("ListExtensions"); err != nil {
		return nil, err
	}
	items, next := onePage(f.extensions, in.NextToken)
	return &appconfig.ListExtensionsOutput{Items: items, NextToken: next}, nil
}

func (f *fakeClient) ListExtensionAssociations(_ context.Context, in *appconfig.ListExtensionAssociationsInput, _ ...func(*appconfig.Options)) (*appconfig.ListExtensionAssociationsOutput, error) {
	if err := f.call("ListExtensionAssociations"); err != nil {
		return nil, err
	}
	return &appconfig.ListExtensionAssociationsOutput{}, nil
}

const testARN = "arn:aws:appconfig:eu-west-1:123456789012:"

// newFake returns an endpoint with one application "shop": environments
// "prod" and two named "dev"; a hosted profile "settings" (versions 1 and
// 3), a hosted profile whose content is elsewhere ("remote", in S3) and
// two hosted profiles named "flags"; a custom strategy besides a
// predefined one. prod's deployments: settings 1 (complete), settings 3
// (complete, the newest of settings), remote (complete), flags A version 2
// (complete, since deleted), flags B (rolled back).
func newFake() *fakeClient {
	profile := func(id, name, location string) *appconfig.GetConfigurationProfileOutput {
		return &appconfig.GetConfigurationProfileOutput{ApplicationId: aws.String("app1"), Id: aws.String(id), Name: aws.String(name), LocationUri: aws.String(location), Type: aws.String("AWS.Freeform")}
	}
	version := func(n int32, content, contentType string) *appconfig.GetHostedConfigurationVersionOutput {
		return &appconfig.GetHostedConfigurationVersionOutput{VersionNumber: n, Content: []byte(content), ContentType: aws.String(contentType)}
	}
	deploy := func(n int32, profileID, name, version, strategy string, state types.DeploymentState) *appconfig.GetDeploymentOutput {
		return &appconfig.GetDeploymentOutput{DeploymentNumber: n, ConfigurationProfileId: aws.String(profileID), ConfigurationName: aws.String(name), ConfigurationVersion: aws.String(version), DeploymentStrategyId: aws.String(strategy), State: state, Description: aws.String("deployment " + strconv.Itoa(int(n)))}
	}
	settings := profile("pset", "settings", "hosted")
	settings.Validators = []types.Validator{{Type: types.ValidatorTypeJsonSchema, Content: aws.String(`{"type": "object"}`)}}
	return &fakeClient{
		apps: []types.Application{{Id: aws.String("app1"), Name: aws.String("shop")}},
		envs: map[string][]types.Environment{"app1": {
			{Id: aws.String("eprod"), Name: aws.String("prod"), Monitors: []types.Monitor{{AlarmArn: aws.String("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:errors")}}},
			{Id: aws.String("edev1"), Name: aws.String("dev")},
			{Id: aws.String("edev2"), Name: aws.String("dev")},
		}},
		profiles: map[string][]*appconfig.GetConfigurationProfileOutput{"app1": {
			settings,
			profile("premote", "remote", "s3://bucket/remote.json"),
			profile("pflaga", "flags", "hosted"),
			profile("pflagb", "flags", "hosted"),
		}},
		versions: map[string][]*appconfig.GetHostedConfigurationVersionOutput{
			"pset":   {version(1, `{"a": 1}`, "application/json"), version(3, "a: 3\n", "application/x-yaml")},
			"pflaga": {version(1, "one", "text/plain")},
			"pflagb": {version(1, "\x00\x01", "application/octet-stream")},
		},
		strategies: []types.DeploymentStrategy{
			{Id: aws.String("AppConfig.AllAtOnce"), Name: aws.String("AppConfig.AllAtOnce"), GrowthFactor: aws.Float32(100), GrowthType: types.GrowthTypeLinear, FinalBakeTimeInMinutes: 10},
			{Id: aws.String("strat1"), Name: aws.String("gentle"), GrowthFactor: aws.Float32(0.1), GrowthType: types.GrowthTypeExponential, DeploymentDurationInMinutes: 30},
		},
		deploys: map[string][]*appconfig.GetDeploymentOutput{"eprod": {
			deploy(5, "pflagb", "flags", "1", "strat1", types.DeploymentStateRolledBack),
			deploy(4, "pflaga", "flags", "2", "AppConfig.AllAtOnce", types.DeploymentStateComplete),
			deploy(3, "premote", "remote", "7", "AppConfig.AllAtOnce", types.DeploymentStateComplete),
			deploy(2, "pset", "settings", "3", "strat1", types.DeploymentStateComplete),
			deploy(1, "pset", "settings", "1", "AppConfig.AllAtOnce", types.DeploymentStateComplete),
		}},
		tags: map[string]map[string]string{
			testARN + "application/app1":                   {"team": "web"},
			testARN + "application/app1/environment/eprod": {"tier": "gold"},
			testARN + "deploymentstrategy/strat1":          {"owner": "sre"},
		},
		extensions: []types.ExtensionSummary{
			{Arn: aws.String("arn:aws:appconfig:eu-west-1::extension/AWS.AppConfig.FeatureFlags/1")},
			{Arn: aws.String(testARN + "extension/ext1/1")},
		},
	}
}

// readTree returns every file under dir by slash-separated path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestExport(t *testing.T) {
	t.Parallel()
	opts := ExportOptions{Region: "eu-west-1"}

	t.Run("WritesTheTree", func(t *testing.T) {
		t.Parallel()
		f := newFake()
		dir := filepath.Join(t.TempDir(), "config")
		summary, err := Export(t.Context(), f, dir, opts)
		if err != nil {
			t.Fatalf("Export: %v", err)
		}
		files := readTree(t, dir)
		var paths []string
		for p := range files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		wantPaths := []string{
			"applications/shop/application.yaml",
			"applications/shop/environments/dev~edev1.yaml",
			"applications/shop/environments/dev~edev2.yaml",
			"applications/shop/environments/prod.yaml",
			"applications/shop/profiles/flags~pflaga/profile.yaml",
			"applications/shop/profiles/flags~pflaga/versions/1.txt",
			"applications/shop/profiles/flags~pflaga/versions/1.yaml",
			"applications/shop/profiles/flags~pflagb/profile.yaml",
			"applications/shop/profiles/flags~pflagb/versions/1.bin",
			"applications/shop/profiles/flags~pflagb/versions/1.yaml",
			"applications/shop/profiles/remote/profile.yaml",
			"applications/shop/profiles/settings/profile.yaml",
			"applications/shop/profiles/settings/versions/1.json",
			"applications/shop/profiles/settings/versions/1.yaml",
			"applications/shop/profiles/settings/versions/3.yaml",
			"applications/shop/profiles/settings/versions/3.yml",
			"strategies/gentle.yaml",
		}
		if diff := cmp.Diff(wantPaths, paths); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
		wantFiles := map[string]string{
			"applications/shop/application.yaml": "apiVersion: appconfigd/v1\nkind: Application\nname: shop\ntags:\n  team: web\n",
			"applications/shop/environments/prod.yaml": `apiVersion: appconfigd/v1
kind: Environment
name: prod
monitors:
  - alarmArn: arn:aws:cloudwatch:eu-west-1:123456789012:alarm:errors
tags:
  tier: gold
deployed:
  - profile: settings
    version: 3
    strategy: gentle
    description: deployment 2
`,
			"applications/shop/environments/dev~edev1.yaml":          "apiVersion: appconfigd/v1\nkind: Environment\nname: dev\n",
			"applications/shop/profiles/remote/profile.yaml":         "apiVersion: appconfigd/v1\nkind: ConfigurationProfile\nname: remote\ntype: AWS.Freeform\nlocationUri: s3://bucket/remote.json\n",
			"applications/shop/profiles/settings/profile.yaml":       "apiVersion: appconfigd/v1\nkind: ConfigurationProfile\nname: settings\ntype: AWS.Freeform\nlocationUri: hosted\nvalidators:\n  - type: JSON_SCHEMA\n    content: '{\"type\": \"object\"}'\n",
			"applications/shop/profiles/settings/versions/3.yaml":    "apiVersion: appconfigd/v1\nkind: HostedConfigurationVersion\nversion: 3\ncontentType: application/x-yaml\ncontent: 3.yml\n",
			"applications/shop/profiles/settings/versions/1.json":    `{"a": 1}`,
			"applications/shop/profiles/flags~pflagb/versions/1.bin": "\x00\x01",
			"strategies/gentle.yaml":                                 "apiVersion: appconfigd/v1\nkind: DeploymentStrategy\nname: gentle\ndeploymentDurationInMinutes: 30\nfinalBakeTimeInMinutes: 0\ngrowthFactor: 0.1\ngrowthType: EXPONENTIAL\ntags:\n  owner: sre\n",
		}
		for p, want := range wantFiles {
			if got := files[p]; got != want {
				t.Errorf("%s =\n%s\nwant\n%s", p, got, want)
			}
		}
		wantSummary := &Summary{
			Strategies: 1, Applications: 1, Environments: 3, Profiles: 4, Versions: 4, Deployed: 1,
			NotCopied: []string{
				"applications/shop/profiles/remote: content is not hosted",
				`applications/shop/environments/prod.yaml: deployed version 2 of pflaga: the version was deleted`,
				`applications/shop/environments/prod.yaml: deployed version "7" of remote: content is not hosted`,
			},
		}
		if diff := cmp.Diff(wantSummary, summary); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
	})

	t.Run("TagsAreListedUnderTheAccountOfTheEndpointsARNs", func(t *testing.T) {
		t.Parallel()
		f := newFake()
		if _, err := Export(t.Context(), f, t.TempDir(), opts); err != nil {
			t.Fatalf("Export: %v", err)
		}
		for _, arn := range f.tagARNs {
			if !strings.HasPrefix(arn, testARN) {
				t.Errorf("ListTagsForResource(%q); want an ARN starting %q", arn, testARN)
			}
		}
		if !slices.Contains(f.tagARNs, testARN+"application/app1/configurationprofile/premote") {
			t.Errorf("ListTagsForResource ARNs = %q; want the profile remote's among them", f.tagARNs)
		}
	})

	t.Run("AccountIDOptionWins", func(t *testing.T) {
		t.Parallel()
		f := newFake()
		opts := opts
		opts.AccountID = "999999999999"
		if _, err := Export(t.Context(), f, t.TempDir(), opts); err != nil {
			t.Fatalf("Export: %v", err)
		}
		if got, want := f.tagARNs[0], "arn:aws:appconfig:eu-west-1:999999999999:deploymentstrategy/strat1"; got != want {
			t.Errorf("first ListTagsForResource ARN = %q; want %q", got, want)
		}
	})

	t.Run("NonEmptyDirectoryIsRefused", func(t *testing.T) {
		t.Parallel()
		f := newFake()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "README"), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Export(t.Context(), f, dir, opts)
		if !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("Export = %v; want ErrNotEmpty", err)
		}
		if f.calls != 0 {
			t.Errorf("API calls = %d; want none before the directory is checked", f.calls)
		}
		if diff := cmp.Diff(map[string]string{"README": "mine"}, readTree(t, dir)); diff != "" {
			t.Errorf("directory changed (-want +got):\n%s", diff)
		}
	})

	t.Run("ForceReplacesOnlyTheExportsTrees", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		for p, content := range map[string]string{
			"README.md":                          "mine",
			"applications/gone/application.yaml": "old",
			"applications/shop/stale.yaml":       "old",
			"strategies/gone.yaml":               "old",
			"other/x.yaml":                       "mine",
		} {
			p = filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		opts := opts
		opts.Force = true
		if _, err := Export(t.Context(), newFake(), dir, opts); err != nil {
			t.Fatalf("Export: %v", err)
		}
		files := readTree(t, dir)
		for _, p := range []string{"applications/gone/application.yaml", "applications/shop/stale.yaml", "strategies/gone.yaml"} {
			if _, ok := files[p]; ok {
				t.Errorf("%s is still there; want it removed", p)
			}
		}
		for _, p := range []string{"README.md", "other/x.yaml"} {
			if files[p] != "mine" {
				t.Errorf("%s = %q; want it left alone", p, files[p])
			}
		}
		if _, ok := files["strategies/gentle.yaml"]; !ok {
			t.Error("strategies/gentle.yaml is missing")
		}
		entries, err := os.ReadDir(filepath.Dir(dir))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Errorf("entries beside the directory = %v; want the temporary one gone", entries)
		}
	})

	t.Run("FailedCallNamesTheResourceAndLeavesTheDirectory", func(t *testing.T) {
		t.Parallel()
		for _, op := range []string{"ListDeploymentStrategies", "ListTagsForResource", "GetHostedConfigurationVersion", "GetDeployment"} {
			t.Run(op, func(t *testing.T) {
				t.Parallel()
				f := newFake()
				f.fail = op
				dir := t.TempDir()
				if err := os.MkdirAll(filepath.Join(dir, "applications", "old"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "applications", "old", "application.yaml"), []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
				_, err := Export(t.Context(), f, dir, ExportOptions{Region: "eu-west-1", Force: true})
				if !errors.Is(err, errFake) {
					t.Fatalf("Export = %v; want the injected failure", err)
				}
				want := map[string]string{
					"ListDeploymentStrategies":      "list deployment strategies",
					"ListTagsForResource":           `deployment strategy "gentle" (strat1)`,
					"GetHostedConfigurationVersion": `hosted configuration version 1 of configuration profile "settings" (pset) of application "shop" (app1)`,
					"GetDeployment":                 `deployment 4 of environment "prod" (eprod) of application "shop" (app1)`,
				}[op]
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error = %q; want it to name %s", err, want)
				}
				if diff := cmp.Diff(map[string]string{"applications/old/application.yaml": "old"}, readTree(t, dir)); diff != "" {
					t.Errorf("directory changed (-want +got):\n%s", diff)
				}
				entries, err := os.ReadDir(filepath.Dir(dir))
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != 1 {
					t.Errorf("entries beside the directory = %v; want the temporary one gone", entries)
				}
			})
		}
	})
}
