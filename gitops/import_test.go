package gitops

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDropSharedNames checks what an import leaves out where names are
// shared, and that deployed entries then name what is kept.
func TestDropSharedNames(t *testing.T) {
	t.Parallel()
	// Read names a profile or strategy by its ID in deployed entries
	// where another shares its name.
	tree := &Tree{
		Strategies: []*StrategyFile{
			{ID: "s2", DeploymentStrategy: DeploymentStrategy{Name: "fast"}},
			{ID: "s1", DeploymentStrategy: DeploymentStrategy{Name: "fast"}},
			{ID: "s3", DeploymentStrategy: DeploymentStrategy{Name: "slow"}},
		},
		Applications: []*ApplicationTree{{
			ID:          "a1",
			Application: Application{Name: "shop"},
			Profiles: []*ProfileTree{
				{ID: "p1", ConfigurationProfile: ConfigurationProfile{Name: "limits"}},
				{ID: "p0", ConfigurationProfile: ConfigurationProfile{Name: "limits"}},
				{ID: "p2", ConfigurationProfile: ConfigurationProfile{Name: "routes"}},
			},
			Environments: []*EnvironmentFile{
				{ID: "e1", Environment: Environment{Name: "prod", Deployed: []Deployed{
					{Profile: "p0", Version: 1, Strategy: "s2"},
					{Profile: "p1", Version: 4, Strategy: "s1"},
					{Profile: "routes", Version: 2, Strategy: "slow"},
				}}},
				{ID: "e0", Environment: Environment{Name: "prod"}},
			},
		}},
	}
	got := dropSharedNames(tree)
	want := []string{
		"strategies/fast~s2.yaml: deployment strategy fast (s2) shares its name with s1, which is copied in its place",
		"applications/shop/profiles/limits~p1: configuration profile limits (p1) shares its name with p0; rename one on the source to copy both",
		"applications/shop/environments/prod~e1.yaml: environment prod (e1) shares its name with e0; rename one on the source to copy both",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if n := len(tree.Strategies); n != 2 || tree.Strategies[0].ID != "s1" {
		t.Errorf("strategies kept: %d, first %s; want s1 and s3", n, tree.Strategies[0].ID)
	}
	app := tree.Applications[0]
	if len(app.Profiles) != 2 || app.Profiles[0].ID != "p0" || len(app.Environments) != 1 || app.Environments[0].ID != "e0" {
		t.Fatalf("kept profiles %v and environments %v; want p0, p2 and e0", app.Profiles, app.Environments)
	}

	// The environment kept is e0, which deploys nothing; with e1 kept
	// instead, its entries name what is kept.
	tree.Applications[0].Environments = []*EnvironmentFile{{ID: "e1", Environment: Environment{Name: "prod", Deployed: []Deployed{
		{Profile: "p0", Version: 1, Strategy: "s2"},
		{Profile: "p1", Version: 4, Strategy: "s1"},
		{Profile: "routes", Version: 2, Strategy: "slow"},
	}}}}
	tree.Applications[0].Profiles = append(tree.Applications[0].Profiles, &ProfileTree{ID: "p1", ConfigurationProfile: ConfigurationProfile{Name: "limits"}})
	tree.Strategies = append(tree.Strategies, &StrategyFile{ID: "s2", DeploymentStrategy: DeploymentStrategy{Name: "fast"}})
	got = dropSharedNames(tree)
	wantLines := []string{
		"strategies/fast~s2.yaml: deployment strategy fast (s2) shares its name with s1, which is copied in its place",
		"applications/shop/profiles/limits~p1: configuration profile limits (p1) shares its name with p0; rename one on the source to copy both",
		"applications/shop/environments/prod.yaml: deployed version 4 of configuration profile p1: the profile is not copied",
	}
	if diff := cmp.Diff(wantLines, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	wantDeployed := []Deployed{
		{Profile: "limits", Version: 1, Strategy: "fast"},
		{Profile: "routes", Version: 2, Strategy: "slow"},
	}
	if diff := cmp.Diff(wantDeployed, tree.Applications[0].Environments[0].Deployed); diff != "" {
		t.Errorf("deployed entries (-want +got):\n%s", diff)
	}
}

// TestPlanPruneVersions checks that PruneVersions deletes the versions
// the files lack of the profiles they name, and nothing else.
func TestPlanPruneVersions(t *testing.T) {
	t.Parallel()
	current := loaded(t)
	current.Applications[0].Profiles = append(current.Applications[0].Profiles, &ProfileTree{ConfigurationProfile: ConfigurationProfile{Name: "other"}, Versions: []*VersionFile{{HostedConfigurationVersion: HostedConfigurationVersion{Version: 1}}}})
	current.Applications[0].Profiles[0].Versions = append(current.Applications[0].Profiles[0].Versions, &VersionFile{HostedConfigurationVersion: HostedConfigurationVersion{Version: 7}})
	got, err := Plan(loaded(t), current, PlanOptions{PruneVersions: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "- delete hosted version shop/limits version 7\n"; lines(got) != want {
		t.Errorf("plan:\n%s\nwant:\n%s", lines(got), want)
	}
}

// TestPlanImportRefusesAConflictingVersion checks what an import says of a
// version the target has with another content than the source's: what to
// do on the target, not in files.
func TestPlanImportRefusesAConflictingVersion(t *testing.T) {
	t.Parallel()
	source, target := loaded(t), loaded(t)
	target.Applications[0].Profiles[0].Versions[1].Data = []byte(`{"max":4}`)
	_, err := Plan(source, target, PlanOptions{Deploy: true, PruneVersions: true, FromEndpoint: true})
	want := "shop/limits version 2: the target's version has another content than the source's, and hosted versions never change; delete version 2 of shop/limits on the target, or the profile, and import again"
	if err == nil || err.Error() != want {
		t.Errorf("Plan: %v\nwant %s", err, want)
	}
}
