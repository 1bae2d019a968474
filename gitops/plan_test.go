package gitops

import (
	"strings"
	"testing"
)

// loaded returns the test tree as Load reads it.
func loaded(t *testing.T) *Tree {
	t.Helper()
	tr, err := Load(tree(), ".")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// lines is a plan as apply prints it.
func lines(changes []Change) string {
	var b strings.Builder
	for _, c := range changes {
		b.WriteString(c.String() + "\n")
	}
	return b.String()
}

// TestPlan follows the plan of the test tree against endpoints in
// several states.
func TestPlan(t *testing.T) {
	t.Parallel()

	t.Run("EmptyEndpointGetsEverythingInOrder", func(t *testing.T) {
		t.Parallel()
		got, err := Plan(loaded(t), &Tree{}, PlanOptions{Deploy: true})
		if err != nil {
			t.Fatal(err)
		}
		want := `+ create deployment strategy slow
+ create application shop
+ create environment shop/prod
+ create configuration profile shop/limits
+ new version shop/limits version 1
+ new version shop/limits version 2
> deploy shop/limits version 2 to shop/prod with slow
`
		if lines(got) != want {
			t.Errorf("plan:\n%s\nwant:\n%s", lines(got), want)
		}
	})

	t.Run("SameStateChangesNothing", func(t *testing.T) {
		t.Parallel()
		got, err := Plan(loaded(t), loaded(t), PlanOptions{Deploy: true, Prune: true})
		if err != nil || len(got) != 0 {
			t.Fatalf("plan %q, %v; want nothing", lines(got), err)
		}
	})

	t.Run("ChangedFieldsAreUpdates", func(t *testing.T) {
		t.Parallel()
		d, c := loaded(t), loaded(t)
		d.Applications[0].Description = "the shop"
		d.Applications[0].Tags = map[string]string{"team": "web"}
		d.Strategies[0].GrowthFactor = 25
		d.Applications[0].Profiles[0].Validators = []Validator{{Type: "JSON_SCHEMA", Content: "{}"}}
		got, err := Plan(d, c, PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := `~ update deployment strategy slow (growthFactor)
~ update application shop (description, tags)
~ update configuration profile shop/limits (validators)
`
		if lines(got) != want {
			t.Errorf("plan:\n%s\nwant:\n%s", lines(got), want)
		}
	})

	t.Run("NewVersionFileIsANewVersion", func(t *testing.T) {
		t.Parallel()
		d, c := loaded(t), loaded(t)
		p := d.Applications[0].Profiles[0]
		p.Versions = append(p.Versions, &VersionFile{Path: "x/3.yaml", HostedConfigurationVersion: HostedConfigurationVersion{Version: 3, ContentType: "application/json"}, Data: []byte("{}")})
		d.Applications[0].Environments[0].Deployed[0].Version = 3
		got, err := Plan(d, c, PlanOptions{Deploy: true})
		if err != nil {
			t.Fatal(err)
		}
		want := "+ new version shop/limits version 3\n> deploy shop/limits version 3 to shop/prod with slow\n"
		if lines(got) != want {
			t.Errorf("plan:\n%s\nwant:\n%s", lines(got), want)
		}
	})

	t.Run("WithoutDeployNothingIsDeployed", func(t *testing.T) {
		t.Parallel()
		d, c := loaded(t), loaded(t)
		c.Applications[0].Environments[0].Deployed = nil
		if got, err := Plan(d, c, PlanOptions{}); err != nil || len(got) != 0 {
			t.Fatalf("plan %q, %v; want nothing", lines(got), err)
		}
	})

	t.Run("PruneDeletesWhatTheFilesDoNotName", func(t *testing.T) {
		t.Parallel()
		d, c := loaded(t), loaded(t)
		d.Applications[0].Profiles[0].Versions = d.Applications[0].Profiles[0].Versions[1:]
		c.Applications = append(c.Applications, &ApplicationTree{
			Application:  Application{Name: "old"},
			Environments: []*EnvironmentFile{{Environment: Environment{Name: "dev"}}},
			Profiles:     []*ProfileTree{{ConfigurationProfile: ConfigurationProfile{Name: "p", LocationURI: "hosted"}, Versions: []*VersionFile{{HostedConfigurationVersion: HostedConfigurationVersion{Version: 1}}}}},
		})
		c.Strategies = append(c.Strategies, &StrategyFile{DeploymentStrategy: DeploymentStrategy{Name: "gone"}})
		got, err := Plan(d, c, PlanOptions{Prune: true})
		if err != nil {
			t.Fatal(err)
		}
		want := `- delete hosted version shop/limits version 1
- delete hosted version old/p version 1
- delete configuration profile old/p
- delete environment old/dev
- delete application old
- delete deployment strategy gone
`
		if lines(got) != want {
			t.Errorf("plan:\n%s\nwant:\n%s", lines(got), want)
		}
		if got, err := Plan(d, c, PlanOptions{}); err != nil || len(got) != 0 {
			t.Errorf("without prune: plan %q, %v; want nothing", lines(got), err)
		}
	})

	t.Run("ChangedVersionContentIsRefused", func(t *testing.T) {
		t.Parallel()
		d, c := loaded(t), loaded(t)
		d.Applications[0].Profiles[0].Versions[1].Data = []byte(`{"max":4}`)
		_, err := Plan(d, c, PlanOptions{})
		want := "applications/shop/profiles/limits/versions/2.yaml: version 2 on the endpoint has another content, and hosted versions never change; put the new content in a new version file (3.yaml and its content)"
		if err == nil || err.Error() != want {
			t.Fatalf("Plan = %v, want %q", err, want)
		}
	})

	t.Run("ImmutableFieldsAreRefused", func(t *testing.T) {
		t.Parallel()
		d, c := loaded(t), loaded(t)
		d.Applications[0].Profiles[0].Type = "AWS.AppConfig.FeatureFlags"
		_, err := Plan(d, c, PlanOptions{})
		if err == nil || !strings.Contains(err.Error(), "applications/shop/profiles/limits/profile.yaml: at /type:") {
			t.Fatalf("Plan = %v, want the profile's type refused", err)
		}
	})
}
