package gitops

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/google/go-cmp/cmp"
)

// applyFake is an endpoint that records the writes Apply makes, one line
// each, and answers them as AppConfig would: new IDs id1, id2, …; version
// numbers one above the highest a profile ever had; deployments that go
// through states, in turn, before they complete.
type applyFake struct {
	*fakeClient
	writes []string
	ids    int
	// latest is the highest version number of each profile, by ID.
	latest map[string]int
	// states are what StartDeployment, then each GetDeployment, answer
	// in turn; when they run out, COMPLETE at 100%.
	states []deploymentState
	gets   int // GetDeployment calls
	// failOn names the write that fails with BadRequestException.
	failOn string
}

type deploymentState struct {
	state   types.DeploymentState
	percent float32
}

func newApplyFake() *applyFake {
	return &applyFake{fakeClient: &fakeClient{}, latest: map[string]int{}}
}

var _ ApplyClient = (*applyFake)(nil)

func (f *applyFake) write(op string, format string, args ...any) error {
	f.writes = append(f.writes, op+" "+fmt.Sprintf(format, args...))
	if f.failOn == op {
		return &types.BadRequestException{Message: aws.String("no way")}
	}
	return nil
}

func (f *applyFake) newID() *string {
	f.ids++
	return aws.String(fmt.Sprintf("id%d", f.ids))
}

// tagList writes tags in a fixed order.
func tagList(tags map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// member writes an optional member: "-" when absent.
func member(s *string) string {
	if s == nil {
		return "-"
	}
	return fmt.Sprintf("%q", *s)
}

// list writes an optional list member: "-" when absent, else its length.
func list[T any](items []T) string {
	if items == nil {
		return "-"
	}
	return fmt.Sprint(len(items))
}

func (f *applyFake) CreateDeploymentStrategy(_ context.Context, in *appconfig.CreateDeploymentStrategyInput, _ ...func(*appconfig.Options)) (*appconfig.CreateDeploymentStrategyOutput, error) {
	if err := f.write("CreateDeploymentStrategy", "%s duration=%d bake=%d growth=%g %s replicateTo=%s tags=%s", *in.Name, *in.DeploymentDurationInMinutes, in.FinalBakeTimeInMinutes, *in.GrowthFactor, in.GrowthType, in.ReplicateTo, tagList(in.Tags)); err != nil {
		return nil, err
	}
	return &appconfig.CreateDeploymentStrategyOutput{Id: f.newID()}, nil
}

func (f *applyFake) UpdateDeploymentStrategy(_ context.Context, in *appconfig.UpdateDeploymentStrategyInput, _ ...func(*appconfig.Options)) (*appconfig.UpdateDeploymentStrategyOutput, error) {
	growth := "-"
	if in.GrowthFactor != nil {
		growth = fmt.Sprint(*in.GrowthFactor)
	}
	return &appconfig.UpdateDeploymentStrategyOutput{}, f.write("UpdateDeploymentStrategy", "%s description=%s growth=%s", *in.DeploymentStrategyId, member(in.Description), growth)
}

func (f *applyFake) DeleteDeploymentStrategy(_ context.Context, in *appconfig.DeleteDeploymentStrategyInput, _ ...func(*appconfig.Options)) (*appconfig.DeleteDeploymentStrategyOutput, error) {
	return &appconfig.DeleteDeploymentStrategyOutput{}, f.write("DeleteDeploymentStrategy", "%s", *in.DeploymentStrategyId)
}

func (f *applyFake) CreateApplication(_ context.Context, in *appconfig.CreateApplicationInput, _ ...func(*appconfig.Options)) (*appconfig.CreateApplicationOutput, error) {
	if err := f.write("CreateApplication", "%s description=%s tags=%s", *in.Name, member(in.Description), tagList(in.Tags)); err != nil {
		return nil, err
	}
	return &appconfig.CreateApplicationOutput{Id: f.newID()}, nil
}

func (f *applyFake) UpdateApplication(_ context.Context, in *appconfig.UpdateApplicationInput, _ ...func(*appconfig.Options)) (*appconfig.UpdateApplicationOutput, error) {
	return &appconfig.UpdateApplicationOutput{}, f.write("UpdateApplication", "%s description=%s", *in.ApplicationId, member(in.Description))
}

func (f *applyFake) DeleteApplication(_ context.Context, in *appconfig.DeleteApplicationInput, _ ...func(*appconfig.Options)) (*appconfig.DeleteApplicationOutput, error) {
	return &appconfig.DeleteApplicationOutput{}, f.write("DeleteApplication", "%s", *in.ApplicationId)
}

func (f *applyFake) CreateEnvironment(_ context.Context, in *appconfig.CreateEnvironmentInput, _ ...func(*appconfig.Options)) (*appconfig.CreateEnvironmentOutput, error) {
	if err := f.write("CreateEnvironment", "%s %s monitors=%s tags=%s", *in.ApplicationId, *in.Name, list(in.Monitors), tagList(in.Tags)); err != nil {
		return nil, err
	}
	return &appconfig.CreateEnvironmentOutput{Id: f.newID()}, nil
}

func (f *applyFake) UpdateEnvironment(_ context.Context, in *appconfig.UpdateEnvironmentInput, _ ...func(*appconfig.Options)) (*appconfig.UpdateEnvironmentOutput, error) {
	return &appconfig.UpdateEnvironmentOutput{}, f.write("UpdateEnvironment", "%s %s description=%s monitors=%s", *in.ApplicationId, *in.EnvironmentId, member(in.Description), list(in.Monitors))
}

func (f *applyFake) DeleteEnvironment(_ context.Context, in *appconfig.DeleteEnvironmentInput, _ ...func(*appconfig.Options)) (*appconfig.DeleteEnvironmentOutput, error) {
	return &appconfig.DeleteEnvironmentOutput{}, f.write("DeleteEnvironment", "%s %s", *in.ApplicationId, *in.EnvironmentId)
}

func (f *applyFake) CreateConfigurationProfile(_ context.Context, in *appconfig.CreateConfigurationProfileInput, _ ...func(*appconfig.Options)) (*appconfig.CreateConfigurationProfileOutput, error) {
	if err := f.write("CreateConfigurationProfile", "%s %s %s type=%s validators=%s tags=%s", *in.ApplicationId, *in.Name, *in.LocationUri, member(in.Type), list(in.Validators), tagList(in.Tags)); err != nil {
		return nil, err
	}
	return &appconfig.CreateConfigurationProfileOutput{Id: f.newID()}, nil
}

func (f *applyFake) UpdateConfigurationProfile(_ context.Context, in *appconfig.UpdateConfigurationProfileInput, _ ...func(*appconfig.Options)) (*appconfig.UpdateConfigurationProfileOutput, error) {
	return &appconfig.UpdateConfigurationProfileOutput{}, f.write("UpdateConfigurationProfile", "%s %s description=%s validators=%s", *in.ApplicationId, *in.ConfigurationProfileId, member(in.Description), list(in.Validators))
}

func (f *applyFake) DeleteConfigurationProfile(_ context.Context, in *appconfig.DeleteConfigurationProfileInput, _ ...func(*appconfig.Options)) (*appconfig.DeleteConfigurationProfileOutput, error) {
	return &appconfig.DeleteConfigurationProfileOutput{}, f.write("DeleteConfigurationProfile", "%s %s", *in.ApplicationId, *in.ConfigurationProfileId)
}

func (f *applyFake) CreateHostedConfigurationVersion(_ context.Context, in *appconfig.CreateHostedConfigurationVersionInput, _ ...func(*appconfig.Options)) (*appconfig.CreateHostedConfigurationVersionOutput, error) {
	n := f.latest[*in.ConfigurationProfileId] + 1
	if err := f.write("CreateHostedConfigurationVersion", "%s %s %s %s label=%s -> %d", *in.ApplicationId, *in.ConfigurationProfileId, in.Content, *in.ContentType, member(in.VersionLabel), n); err != nil {
		return nil, err
	}
	f.latest[*in.ConfigurationProfileId] = n
	return &appconfig.CreateHostedConfigurationVersionOutput{VersionNumber: int32(n)}, nil
}

func (f *applyFake) DeleteHostedConfigurationVersion(_ context.Context, in *appconfig.DeleteHostedConfigurationVersionInput, _ ...func(*appconfig.Options)) (*appconfig.DeleteHostedConfigurationVersionOutput, error) {
	return &appconfig.DeleteHostedConfigurationVersionOutput{}, f.write("DeleteHostedConfigurationVersion", "%s %s %d", *in.ApplicationId, *in.ConfigurationProfileId, *in.VersionNumber)
}

// nextState is the deployment's next answer.
func (f *applyFake) nextState() deploymentState {
	if len(f.states) == 0 {
		return deploymentState{types.DeploymentStateComplete, 100}
	}
	s := f.states[0]
	f.states = f.states[1:]
	return s
}

func (f *applyFake) StartDeployment(_ context.Context, in *appconfig.StartDeploymentInput, _ ...func(*appconfig.Options)) (*appconfig.StartDeploymentOutput, error) {
	if err := f.write("StartDeployment", "%s %s %s version=%s strategy=%s description=%s", *in.ApplicationId, *in.EnvironmentId, *in.ConfigurationProfileId, *in.ConfigurationVersion, *in.DeploymentStrategyId, member(in.Description)); err != nil {
		return nil, err
	}
	s := f.nextState()
	return &appconfig.StartDeploymentOutput{DeploymentNumber: 1, State: s.state, PercentageComplete: aws.Float32(s.percent)}, nil
}

func (f *applyFake) GetDeployment(_ context.Context, in *appconfig.GetDeploymentInput, _ ...func(*appconfig.Options)) (*appconfig.GetDeploymentOutput, error) {
	f.gets++
	s := f.nextState()
	return &appconfig.GetDeploymentOutput{DeploymentNumber: *in.DeploymentNumber, State: s.state, PercentageComplete: aws.Float32(s.percent)}, nil
}

func (f *applyFake) TagResource(_ context.Context, in *appconfig.TagResourceInput, _ ...func(*appconfig.Options)) (*appconfig.TagResourceOutput, error) {
	return &appconfig.TagResourceOutput{}, f.write("TagResource", "%s %s", *in.ResourceArn, tagList(in.Tags))
}

func (f *applyFake) UntagResource(_ context.Context, in *appconfig.UntagResourceInput, _ ...func(*appconfig.Options)) (*appconfig.UntagResourceOutput, error) {
	return &appconfig.UntagResourceOutput{}, f.write("UntagResource", "%s %v", *in.ResourceArn, in.TagKeys)
}

// withIDs returns the test tree as Read would return it from an endpoint
// that has it: IDs, no paths.
func withIDs(t *testing.T) *Tree {
	t.Helper()
	tr := loaded(t)
	tr.Strategies[0].ID, tr.Strategies[0].Path = "slow1", ""
	a := tr.Applications[0]
	a.ID, a.Path = "app1", ""
	a.Environments[0].ID, a.Environments[0].Path = "env1", ""
	a.Profiles[0].ID, a.Profiles[0].Path = "prof1", ""
	for _, v := range a.Profiles[0].Versions {
		v.Path = ""
	}
	return tr
}

// applyOptions are the options of the tests' Apply: ARNs of account
// 123456789012 in eu-west-1, a poll every 5 s.
func applyOptions(out *strings.Builder) ApplyOptions {
	return ApplyOptions{Region: "eu-west-1", AccountID: "123456789012", PollInterval: 5 * time.Second, Out: out}
}

// plan returns Plan's changes, failing the test on an error.
func plan(t *testing.T, desired, current *Tree, opts PlanOptions) []Change {
	t.Helper()
	changes, err := Plan(desired, current, opts)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return changes
}

func TestApply(t *testing.T) {
	t.Parallel()

	t.Run("EmptyEndpointGetsEverythingUnderTheIDsItGave", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			f := newApplyFake()
			f.states = []deploymentState{{types.DeploymentStateDeploying, 0}, {types.DeploymentStateDeploying, 35}, {types.DeploymentStateBaking, 100}}
			var out strings.Builder
			start := time.Now()
			if err := Apply(t.Context(), f, plan(t, loaded(t), &Tree{}, PlanOptions{Deploy: true}), &Tree{}, applyOptions(&out)); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := []string{
				"CreateDeploymentStrategy slow duration=30 bake=0 growth=20 LINEAR replicateTo=NONE tags=[]",
				"CreateApplication shop description=- tags=[team=pay]",
				"CreateEnvironment id2 prod monitors=- tags=[]",
				"CreateConfigurationProfile id2 limits hosted type=- validators=- tags=[]",
				`CreateHostedConfigurationVersion id2 id4 {"max":1} application/json label=- -> 1`,
				`CreateHostedConfigurationVersion id2 id4 {"max":3} application/json label="v2" -> 2`,
				"StartDeployment id2 id3 id4 version=2 strategy=id1 description=-",
			}
			if diff := cmp.Diff(want, f.writes); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			// Three polls, one every PollInterval, until COMPLETE.
			if got, want := time.Since(start), 15*time.Second; f.gets != 3 || got != want {
				t.Errorf("GetDeployment called %d times over %v; want 3 over %v", f.gets, got, want)
			}
			wantOut := `created deployment strategy slow (id1)
created application shop (id2)
created environment shop/prod (id3)
created configuration profile shop/limits (id4)
created hosted version shop/limits version 1
created hosted version shop/limits version 2
deploying shop/limits version 2 to prod: 0% DEPLOYING
deploying shop/limits version 2 to prod: 35% DEPLOYING
deploying shop/limits version 2 to prod: 100% BAKING
deploying shop/limits version 2 to prod: 100% COMPLETE
deployed shop/limits version 2 to shop/prod (deployment 1)
`
			if diff := cmp.Diff(wantOut, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("VersionGapInTheFilesIsKept", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			d := loaded(t)
			d.Applications[0].Profiles[0].Versions[1].Version = 3
			d.Applications[0].Environments[0].Deployed[0].Version = 3
			f := newApplyFake()
			var out strings.Builder
			if err := Apply(t.Context(), f, plan(t, d, &Tree{}, PlanOptions{Deploy: true}), &Tree{}, applyOptions(&out)); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := []string{
				`CreateHostedConfigurationVersion id2 id4 {"max":1} application/json label=- -> 1`,
				`CreateHostedConfigurationVersion id2 id4 {"max":3} application/json label="v2" -> 2`,
				"DeleteHostedConfigurationVersion id2 id4 2",
				`CreateHostedConfigurationVersion id2 id4 {"max":3} application/json label="v2" -> 3`,
				"StartDeployment id2 id3 id4 version=3 strategy=id1 description=-",
			}
			if diff := cmp.Diff(want, f.writes[4:]); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			if want := "created hosted version shop/limits version 3 (made and deleted 2 first: the files skip those numbers)\n"; !strings.Contains(out.String(), want) {
				t.Errorf("output does not say %q:\n%s", want, out.String())
			}
		})
	})

	t.Run("HigherNumberIsWarnedAndDeployed", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			d, c := loaded(t), withIDs(t)
			p := d.Applications[0].Profiles[0]
			p.Versions = append(p.Versions, &VersionFile{Path: "applications/shop/profiles/limits/versions/3.yaml", HostedConfigurationVersion: HostedConfigurationVersion{Version: 3, ContentType: "text/plain"}, Data: []byte("three")})
			d.Applications[0].Environments[0].Deployed[0].Version = 3
			f := newApplyFake()
			f.latest["prof1"] = 6 // versions 3 to 6 were made and deleted
			var out strings.Builder
			if err := Apply(t.Context(), f, plan(t, d, c, PlanOptions{Deploy: true}), c, applyOptions(&out)); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := []string{
				"CreateHostedConfigurationVersion app1 prof1 three text/plain label=- -> 7",
				// The strategy "slow" is the endpoint's, by its ID.
				"StartDeployment app1 env1 prof1 version=7 strategy=slow1 description=-",
			}
			if diff := cmp.Diff(want, f.writes); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			if want := "warning: applications/shop/profiles/limits/versions/3.yaml: the endpoint numbered the new version 7, not 3"; !strings.Contains(out.String(), want) {
				t.Errorf("output does not say %q:\n%s", want, out.String())
			}
		})
	})

	t.Run("UpdatesSendTheChangedFieldsAndTagsByARN", func(t *testing.T) {
		t.Parallel()
		d, c := loaded(t), withIDs(t)
		d.Strategies[0].GrowthFactor = 25
		d.Applications[0].Description = "the shop"
		d.Applications[0].Tags = map[string]string{"team": "web", "tier": "gold"}
		c.Applications[0].Tags = map[string]string{"team": "pay", "old": "x"}
		c.Applications[0].Environments[0].Monitors = []Monitor{{AlarmARN: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:errors"}}
		d.Applications[0].Profiles[0].Tags = map[string]string{"owner": "web"}
		f := newApplyFake()
		var out strings.Builder
		if err := Apply(t.Context(), f, plan(t, d, c, PlanOptions{}), c, applyOptions(&out)); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		const arn = "arn:aws:appconfig:eu-west-1:123456789012:"
		want := []string{
			"UpdateDeploymentStrategy slow1 description=- growth=25",
			`UpdateApplication app1 description="the shop"`,
			"UntagResource " + arn + "application/app1 [old]",
			"TagResource " + arn + "application/app1 [team=web tier=gold]",
			// An empty list removes the monitors; the description is
			// left alone.
			"UpdateEnvironment app1 env1 description=- monitors=0",
			// Only the tags changed: no UpdateConfigurationProfile.
			"TagResource " + arn + "application/app1/configurationprofile/prof1 [owner=web]",
		}
		if diff := cmp.Diff(want, f.writes); diff != "" {
			t.Errorf("writes (-want +got):\n%s", diff)
		}
		wantOut := `updated deployment strategy slow (growthFactor)
updated application shop (description, tags)
updated environment shop/prod (monitors)
updated configuration profile shop/limits (tags)
`
		if diff := cmp.Diff(wantOut, out.String()); diff != "" {
			t.Errorf("output (-want +got):\n%s", diff)
		}
	})

	t.Run("DeletionsUseTheEndpointsIDs", func(t *testing.T) {
		t.Parallel()
		c := withIDs(t)
		c.Applications = append(c.Applications, &ApplicationTree{
			ID: "app2", Application: Application{Name: "old"},
			Environments: []*EnvironmentFile{{ID: "env2", Environment: Environment{Name: "dev"}}},
			Profiles: []*ProfileTree{{ID: "prof2", ConfigurationProfile: ConfigurationProfile{Name: "p", LocationURI: "hosted"},
				Versions: []*VersionFile{{HostedConfigurationVersion: HostedConfigurationVersion{Version: 4}}}}},
		})
		c.Strategies = append(c.Strategies, &StrategyFile{ID: "gone1", DeploymentStrategy: DeploymentStrategy{Name: "gone"}})
		f := newApplyFake()
		var out strings.Builder
		if err := Apply(t.Context(), f, plan(t, loaded(t), c, PlanOptions{Prune: true}), c, applyOptions(&out)); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		want := []string{
			"DeleteHostedConfigurationVersion app2 prof2 4",
			"DeleteConfigurationProfile app2 prof2",
			"DeleteEnvironment app2 env2",
			"DeleteApplication app2",
			"DeleteDeploymentStrategy gone1",
		}
		if diff := cmp.Diff(want, f.writes); diff != "" {
			t.Errorf("writes (-want +got):\n%s", diff)
		}
	})

	t.Run("StrategyNotInAnyTreeIsAnIDOrPredefinedName", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct{ strategy, want string }{
			{"", DefaultStrategy},
			{"AppConfig.Linear50PercentEvery30Seconds", "AppConfig.Linear50PercentEvery30Seconds"},
			{"abc1234", "abc1234"},
		} {
			d, c := loaded(t), withIDs(t)
			c.Applications[0].Environments[0].Deployed = nil
			d.Applications[0].Environments[0].Deployed[0].Strategy = tt.strategy
			f := newApplyFake()
			if err := Apply(t.Context(), f, plan(t, d, c, PlanOptions{Deploy: true}), c, applyOptions(&strings.Builder{})); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if want := "StartDeployment app1 env1 prof1 version=2 strategy=" + tt.want + " description=-"; len(f.writes) != 1 || f.writes[0] != want {
				t.Errorf("strategy %q: writes %q; want [%q]", tt.strategy, f.writes, want)
			}
		}
	})

	t.Run("FailureNamesTheFileAndChangeAndStops", func(t *testing.T) {
		t.Parallel()
		f := newApplyFake()
		f.failOn = "CreateEnvironment"
		var out strings.Builder
		err := Apply(t.Context(), f, plan(t, loaded(t), &Tree{}, PlanOptions{Deploy: true}), &Tree{}, applyOptions(&out))
		want := "applications/shop/environments/prod.yaml: create environment shop/prod: BadRequestException: no way"
		if err == nil || err.Error() != want {
			t.Fatalf("Apply = %v; want %q", err, want)
		}
		var changeErr *ChangeError
		var badRequest *types.BadRequestException
		if !errors.As(err, &changeErr) || changeErr.Change.Kind != KindEnvironment || !errors.As(err, &badRequest) {
			t.Errorf("Apply = %#v; want a *ChangeError of the environment wrapping the BadRequestException", err)
		}
		if got := f.writes[len(f.writes)-1]; !strings.HasPrefix(got, "CreateEnvironment ") {
			t.Errorf("last write %q; want nothing after the failed CreateEnvironment", got)
		}
	})

	t.Run("RolledBackDeploymentIsAnErrorNamingTheEnvironmentFile", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			f := newApplyFake()
			f.states = []deploymentState{{types.DeploymentStateDeploying, 20}, {types.DeploymentStateRollingBack, 20}, {types.DeploymentStateRolledBack, 0}}
			var out strings.Builder
			err := Apply(t.Context(), f, plan(t, loaded(t), &Tree{}, PlanOptions{Deploy: true}), &Tree{}, applyOptions(&out))
			want := "applications/shop/environments/prod.yaml: deploy shop/limits version 2 to shop/prod: deployment 1 ended ROLLED_BACK"
			if err == nil || err.Error() != want {
				t.Fatalf("Apply = %v; want %q", err, want)
			}
		})
	})

	t.Run("TerminalRedrawsOneLine", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			d, c := loaded(t), withIDs(t)
			c.Applications[0].Environments[0].Deployed = nil
			f := newApplyFake()
			f.states = []deploymentState{{types.DeploymentStateDeploying, 0}, {types.DeploymentStateDeploying, 35}, {types.DeploymentStateDeploying, 35}}
			var out strings.Builder
			opts := applyOptions(&out)
			opts.Terminal = true
			if err := Apply(t.Context(), f, plan(t, d, c, PlanOptions{Deploy: true}), c, opts); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			// What the terminal shows once Apply returned: the status line
			// is gone, the lines of what was done stay.
			if got, want := screen(out.String()), "deployed shop/limits version 2 to shop/prod (deployment 1)\n"; got != want {
				t.Errorf("screen after Apply = %q; want %q", got, want)
			}
			// What the status line showed, in order.
			var drawn []string
			for _, frame := range strings.Split(out.String(), "\r") {
				if frame = strings.TrimRight(frame, " "); frame != "" && !strings.Contains(frame, "\n") {
					drawn = append(drawn, frame)
				}
			}
			want := []string{
				"[....................] 0/1 deploy shop/limits version 2 to shop/prod",
				"[....................] 0% deploying shop/limits version 2 to prod",
				"[#######.............] 35% deploying shop/limits version 2 to prod",
				"[####################] 100% deploying shop/limits version 2 to prod",
			}
			if diff := cmp.Diff(want, drawn); diff != "" {
				t.Errorf("status lines drawn (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("ParentNamesHoldingSlashesAreFound", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			d := loaded(t)
			d.Applications[0].Name = "web/ui"
			d.Applications[0].Profiles[0].Name = "a/b"
			d.Applications[0].Environments[0].Deployed[0].Profile = "a/b"
			f := newApplyFake()
			if err := Apply(t.Context(), f, plan(t, d, &Tree{}, PlanOptions{Deploy: true}), &Tree{}, applyOptions(&strings.Builder{})); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if got, want := f.writes[len(f.writes)-1], "StartDeployment id2 id3 id4 version=2 strategy=id1 description=-"; got != want {
				t.Errorf("last write %q; want %q", got, want)
			}
		})
	})
}

// TestLoadMissingDirectory: a directory that is not there is an error,
// not an empty tree, which Plan with Prune would make "delete
// everything" of.
func TestLoadMissingDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() + "/nope"
	if tr, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), dir+": no such directory") {
		t.Errorf("LoadDir(missing) = %+v, %v; want an error naming it", tr, err)
	}
	if tr, err := Load(tree(), "nope"); err == nil || !strings.Contains(err.Error(), "nope: no such directory") {
		t.Errorf("Load(missing) = %+v, %v; want an error naming it", tr, err)
	}
	if tr, err := Load(tree(), "README.md"); err == nil || !strings.Contains(err.Error(), "README.md: not a directory") {
		t.Errorf("Load(file) = %+v, %v; want an error naming it", tr, err)
	}
}

// screen returns what a terminal shows after out was written to it: a
// carriage return moves back to the line's start, and later characters
// overwrite earlier ones; trailing spaces are dropped.
func screen(out string) string {
	var lines []string
	var line []rune
	col := 0
	for _, r := range out {
		switch r {
		case '\r':
			col = 0
		case '\n':
			lines = append(lines, strings.TrimRight(string(line), " "))
			line, col = nil, 0
		default:
			if col < len(line) {
				line[col] = r
			} else {
				line = append(line, r)
			}
			col++
		}
	}
	if s := strings.TrimRight(string(line), " "); s != "" {
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n") + "\n"
}
