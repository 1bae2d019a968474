package gitops

import (
	"strings"
	"testing"
	"testing/fstest"
)

// tree is a small configuration directory that loads.
func tree() fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"strategies/slow.yaml":                              file("apiVersion: appconfigd/v1\nkind: DeploymentStrategy\nname: slow\ndeploymentDurationInMinutes: 30\ngrowthFactor: 20\ngrowthType: LINEAR\n"),
		"applications/shop/application.yaml":                file("apiVersion: appconfigd/v1\nkind: Application\nname: shop\ntags:\n  team: pay\n"),
		"applications/shop/environments/prod.yaml":          file("apiVersion: appconfigd/v1\nkind: Environment\nname: prod\ndeployed:\n  - profile: limits\n    version: 2\n    strategy: slow\n"),
		"applications/shop/profiles/limits/profile.yaml":    file("apiVersion: appconfigd/v1\nkind: ConfigurationProfile\nname: limits\nlocationUri: hosted\n"),
		"applications/shop/profiles/limits/versions/2.yaml": file("apiVersion: appconfigd/v1\nkind: HostedConfigurationVersion\nversion: 2\ncontentType: application/json\nversionLabel: v2\ncontent: 2.json\n"),
		"applications/shop/profiles/limits/versions/2.json": file(`{"max":3}`),
		"applications/shop/profiles/limits/versions/1.yaml": file("apiVersion: appconfigd/v1\nkind: HostedConfigurationVersion\nversion: 1\ncontentType: application/json\ncontent: 1.json\n"),
		"applications/shop/profiles/limits/versions/1.json": file(`{"max":1}`),
		"README.md": file("not a manifest"),
	}
}

// TestLoad reads a directory into its resources.
func TestLoad(t *testing.T) {
	t.Parallel()
	tr, err := Load(tree(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Strategies) != 1 || tr.Strategies[0].GrowthFactor != 20 || tr.Strategies[0].Path != "strategies/slow.yaml" {
		t.Errorf("strategies %+v", tr.Strategies)
	}
	if len(tr.Applications) != 1 {
		t.Fatalf("applications %+v", tr.Applications)
	}
	a := tr.Applications[0]
	if a.Name != "shop" || a.Tags["team"] != "pay" || len(a.Environments) != 1 || len(a.Profiles) != 1 {
		t.Fatalf("application %+v", a)
	}
	if d := a.Environments[0].Deployed; len(d) != 1 || d[0] != (Deployed{Profile: "limits", Version: 2, Strategy: "slow"}) {
		t.Errorf("deployed %+v", d)
	}
	vs := a.Profiles[0].Versions
	if len(vs) != 2 || vs[0].Version != 1 || vs[1].Version != 2 || string(vs[1].Data) != `{"max":3}` || vs[1].VersionLabel != "v2" {
		t.Errorf("versions %+v", vs)
	}
}

// TestLoadNamesTheFileAndField: each problem is reported with the file
// it is in and, for a manifest, the field.
func TestLoadNamesTheFileAndField(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, tt := range []struct {
		name   string
		change func(fstest.MapFS)
		want   string
	}{
		{"NotYAML", func(m fstest.MapFS) { m["strategies/slow.yaml"] = file("name: [unclosed") }, "strategies/slow.yaml: not YAML"},
		{"UnknownField", func(m fstest.MapFS) {
			m["applications/shop/application.yaml"] = file("apiVersion: appconfigd/v1\nkind: Application\nname: shop\ncolour: red\n")
		}, "applications/shop/application.yaml: at /: additional properties 'colour' not allowed"},
		{"WrongKindInPlace", func(m fstest.MapFS) {
			m["applications/shop/environments/prod.yaml"] = file("apiVersion: appconfigd/v1\nkind: Application\nname: prod\n")
		}, "applications/shop/environments/prod.yaml: kind Application where kind Environment belongs"},
		{"VersionFileMisnamed", func(m fstest.MapFS) {
			m["applications/shop/profiles/limits/versions/3.yaml"] = m["applications/shop/profiles/limits/versions/1.yaml"]
		}, "versions/3.yaml: version 1 in a file named 3.yaml"},
		{"ContentMissing", func(m fstest.MapFS) { delete(m, "applications/shop/profiles/limits/versions/2.json") }, "versions/2.yaml: content: "},
		{"ContentOutsideItsDirectory", func(m fstest.MapFS) {
			m["applications/shop/profiles/limits/versions/1.yaml"] = file("apiVersion: appconfigd/v1\nkind: HostedConfigurationVersion\nversion: 1\ncontentType: text/plain\ncontent: ../../../application.yaml\n")
		}, "must be a file beside the manifest"},
		{"DeployedUnknownProfile", func(m fstest.MapFS) {
			m["applications/shop/environments/prod.yaml"] = file("apiVersion: appconfigd/v1\nkind: Environment\nname: prod\ndeployed:\n  - profile: nope\n    version: 1\n")
		}, `prod.yaml: at /deployed/0/profile: application "shop" has no profile "nope"`},
		{"DeployedUnknownVersion", func(m fstest.MapFS) {
			m["applications/shop/environments/prod.yaml"] = file("apiVersion: appconfigd/v1\nkind: Environment\nname: prod\ndeployed:\n  - profile: limits\n    version: 9\n")
		}, `at /deployed/0/version: profile "limits" has no version 9`},
		{"TwoApplicationsOneName", func(m fstest.MapFS) {
			m["applications/shop2/application.yaml"] = m["applications/shop/application.yaml"]
		}, `applications/shop2/application.yaml: name "shop" is also the name in applications/shop/application.yaml`},
		{"MissingVersionNumber", func(m fstest.MapFS) {
			m["applications/shop/profiles/limits/versions/1.yaml"] = file("apiVersion: appconfigd/v1\nkind: HostedConfigurationVersion\ncontentType: text/plain\ncontent: 1.json\n")
		}, "versions/1.yaml: at /: missing property 'version'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := tree()
			tt.change(m)
			_, err := Load(m, ".")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
