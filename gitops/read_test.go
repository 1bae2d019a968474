package gitops

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRead reads the fake endpoint into a tree: the resources with their
// IDs and no paths, every version's content, what each environment
// serves as export writes it.
func TestRead(t *testing.T) {
	t.Parallel()
	tr, summary, err := Read(t.Context(), newFake(), ReadOptions{Region: "eu-west-1"})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(tr.Strategies) != 1 || tr.Strategies[0].ID != "strat1" || tr.Strategies[0].Name != "gentle" || tr.Strategies[0].Tags["owner"] != "sre" {
		t.Errorf("strategies %+v; want the custom one, gentle (strat1), alone", tr.Strategies)
	}
	if len(tr.Applications) != 1 {
		t.Fatalf("applications %+v; want shop", tr.Applications)
	}
	a := tr.Applications[0]
	if a.ID != "app1" || a.Name != "shop" || a.Path != "" || a.Tags["team"] != "web" {
		t.Errorf("application %+v", a.Application)
	}
	var envs []string
	for _, e := range a.Environments {
		envs = append(envs, e.ID+" "+e.Name+" "+e.Path)
	}
	if diff := cmp.Diff([]string{"eprod prod ", "edev1 dev ", "edev2 dev "}, envs); diff != "" {
		t.Errorf("environments (-want +got):\n%s", diff)
	}
	wantDeployed := []Deployed{{Profile: "settings", Version: 3, Strategy: "gentle", Description: "deployment 2"}}
	if diff := cmp.Diff(wantDeployed, a.Environments[0].Deployed); diff != "" {
		t.Errorf("prod's deployed (-want +got):\n%s", diff)
	}
	settings := a.Profiles[0]
	if settings.ID != "pset" || settings.Name != "settings" || len(settings.Validators) != 1 {
		t.Errorf("profile %+v", settings.ConfigurationProfile)
	}
	var versions []string
	for _, v := range settings.Versions {
		versions = append(versions, v.Content+" "+v.ContentType+" "+string(v.Data)+" "+v.Path)
	}
	if diff := cmp.Diff([]string{`1.json application/json {"a": 1} `, "3.yml application/x-yaml a: 3\n "}, versions); diff != "" {
		t.Errorf("versions of settings (-want +got):\n%s", diff)
	}
	if remote := a.Profiles[1]; remote.Name != "remote" || remote.Versions != nil {
		t.Errorf("profile %q has versions %v; want the S3 profile without any", remote.Name, remote.Versions)
	}
	// The paths of what the tree holds no copy of are those Write gives.
	wantNotCopied := []string{
		"applications/shop/profiles/remote: content is not hosted",
		"applications/shop/environments/prod.yaml: deployed version 2 of pflaga: the version was deleted",
		`applications/shop/environments/prod.yaml: deployed version "7" of remote: content is not hosted`,
	}
	if diff := cmp.Diff(wantNotCopied, summary.NotCopied); diff != "" {
		t.Errorf("not copied (-want +got):\n%s", diff)
	}
}
