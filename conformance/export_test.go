package conformance

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd/cmd/appconfigd/daemon"
	"github.com/appconfigd/appconfigd/gitops"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// exportSchema is the settings profile's validator, on several lines so
// that the manifest shows it as a block.
const exportSchema = `{
  "type": "object",
  "required": ["mode"]
}
`

// exportFixture is what TestExport creates.
type exportFixture struct {
	shop, web                 string // application IDs
	prod, staging, dev1, dev2 string // environment IDs
	settings, routes, flags   string // profile IDs of shop
}

// newExportFixture fills the server with one of everything the export
// writes: a custom strategy; an application "shop" with environments prod
// (a monitor, tags) and staging, a JSON profile with a JSON Schema
// validator and versions 1 and 3 (2 deleted; 3 labelled and described), a
// YAML profile and a feature-flag profile, and complete deployments; an
// application whose name needs escaping, with two environments named
// alike.
func newExportFixture(t *testing.T, ts *testServer) exportFixture {
	t.Helper()
	c := ts.control
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	var fx exportFixture
	strategy, err := c.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("instant"),
		Description:                 aws.String("At once, no bake"),
		DeploymentDurationInMinutes: aws.Int32(0),
		GrowthFactor:                aws.Float32(100),
		GrowthType:                  types.GrowthTypeLinear,
		Tags:                        map[string]string{"owner": "sre"},
	})
	step("CreateDeploymentStrategy", err)

	app, err := c.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{
		Name: aws.String("shop"), Description: aws.String("The shop"), Tags: map[string]string{"team": "payments"},
	})
	step("CreateApplication", err)
	fx.shop = aws.ToString(app.Id)
	env, err := c.CreateEnvironment(ctx(t), &appconfig.CreateEnvironmentInput{
		ApplicationId: app.Id,
		Name:          aws.String("prod"),
		Monitors: []types.Monitor{{
			AlarmArn:     aws.String("arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors"),
			AlarmRoleArn: aws.String("arn:aws:iam::000000000000:role/alarms"),
		}},
		Tags: map[string]string{"tier": "gold", "team": "payments"},
	})
	step("CreateEnvironment prod", err)
	fx.prod = aws.ToString(env.Id)
	fx.staging = createEnvironment(t, c, fx.shop, "staging")

	profile, err := c.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
		ApplicationId: app.Id,
		Name:          aws.String("settings"),
		LocationUri:   aws.String("hosted"),
		Validators:    []types.Validator{{Type: types.ValidatorTypeJsonSchema, Content: aws.String(exportSchema)}},
		Tags:          map[string]string{"owner": "web"},
	})
	step("CreateConfigurationProfile settings", err)
	fx.settings = aws.ToString(profile.Id)
	createVersion(t, c, fx.shop, fx.settings, []byte(`{"mode":"a"}`), "application/json", "")
	createVersion(t, c, fx.shop, fx.settings, []byte(`{"mode":"b"}`), "application/json", "")
	_, err = c.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
		ApplicationId: app.Id, ConfigurationProfileId: profile.Id,
		Content: []byte("{\n  \"mode\": \"c\"\n}\n"), ContentType: aws.String("application/json"),
		VersionLabel: aws.String("v3"), Description: aws.String("third"),
	})
	step("CreateHostedConfigurationVersion 3", err)
	_, err = c.DeleteHostedConfigurationVersion(ctx(t), &appconfig.DeleteHostedConfigurationVersionInput{
		ApplicationId: app.Id, ConfigurationProfileId: profile.Id, VersionNumber: aws.Int32(2),
	})
	step("DeleteHostedConfigurationVersion 2", err)
	fx.routes = createProfile(t, c, fx.shop, "routes")
	createVersion(t, c, fx.shop, fx.routes, []byte("routes:\n  - /cart\n"), "application/x-yaml", "")
	fx.flags = createFlagProfile(t, c, fx.shop, "flags")
	createVersion(t, c, fx.shop, fx.flags, []byte(basicFlags), "application/json", "")

	deploy := func(env, profile, version, strategy, description string) {
		t.Helper()
		in := &appconfig.StartDeploymentInput{
			ApplicationId: aws.String(fx.shop), EnvironmentId: aws.String(env), ConfigurationProfileId: aws.String(profile),
			ConfigurationVersion: aws.String(version), DeploymentStrategyId: aws.String(strategy),
		}
		if description != "" {
			in.Description = aws.String(description)
		}
		_, err := c.StartDeployment(ctx(t), in)
		step("StartDeployment", err)
	}
	// prod: settings 1, then 3 (the newest complete), then flags 1.
	deploy(fx.prod, fx.settings, "1", "AppConfig.AllAtOnce", "first")
	ts.advance(t, bakeTime)
	deploy(fx.prod, fx.settings, "3", aws.ToString(strategy.Id), "release 3")
	ts.advance(t, 0)
	deploy(fx.prod, fx.flags, "1", "AppConfig.AllAtOnce", "")
	ts.advance(t, bakeTime)
	// staging: routes 1 complete; settings 3 still deploying, so not
	// what staging serves of settings.
	deploy(fx.staging, fx.routes, "1", "AppConfig.AllAtOnce", "")
	ts.advance(t, bakeTime)
	deploy(fx.staging, fx.settings, "3", "AppConfig.Canary10Percent20Minutes", "")

	fx.web = createApplication(t, c, "web/ui é")
	fx.dev1 = createEnvironment(t, c, fx.web, "dev")
	fx.dev2 = createEnvironment(t, c, fx.web, "dev")
	return fx
}

// clientCommand is how appconfigd's export, apply and import commands
// are called: daemon.RunExport, RunApply or RunImport.
type clientCommand func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int

// runClientCommand runs run against ts with the test's key and returns its
// exit code and output.
func runClientCommand(t *testing.T, run clientCommand, ts *testServer, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	vars := map[string]string{"AWS_REGION": region, "AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": secretAccessKey}
	getenv := func(name string) string { return vars[name] }
	var out, errOut apptest.Buffer
	code = run(ctx(t), append([]string{"--endpoint-url", ts.url}, args...), getenv, &out, &errOut)
	return code, out.String(), errOut.String()
}

// runExport runs appconfigd export against ts with the test's key.
func runExport(t *testing.T, ts *testServer, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runClientCommand(t, daemon.RunExport, ts, args...)
}

// exportTree returns every file under dir by slash-separated path.
func exportTree(t *testing.T, dir string) map[string]string {
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
		rel, err := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestExport exports a server's configuration with appconfigd export and
// checks the tree: its files, the manifests, the content byte for byte,
// what each environment serves; that a second export with --force writes
// the same bytes; that deleted resources disappear; that a directory
// with files is refused without --force.
func TestExport(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newExportFixture(t, ts)
	dir := filepath.Join(t.TempDir(), "config")

	code, stdout, stderr := runExport(t, ts, "--to", dir)
	if code != 0 {
		t.Fatalf("appconfigd export: exit code %d; stderr:\n%s", code, stderr)
	}
	files := exportTree(t, dir)

	t.Run("Files", func(t *testing.T) {
		shop, settings := "applications/shop/", "applications/shop/profiles/settings/"
		web := "applications/web%2Fui%20%C3%A9/"
		want := []string{
			shop + "application.yaml",
			shop + "environments/prod.yaml",
			shop + "environments/staging.yaml",
			shop + "profiles/flags/profile.yaml",
			shop + "profiles/flags/versions/1.json",
			shop + "profiles/flags/versions/1.yaml",
			shop + "profiles/routes/profile.yaml",
			shop + "profiles/routes/versions/1.yaml",
			shop + "profiles/routes/versions/1.yml",
			settings + "profile.yaml",
			settings + "versions/1.json",
			settings + "versions/1.yaml",
			settings + "versions/3.json",
			settings + "versions/3.yaml",
			web + "application.yaml",
			web + "environments/dev~" + fx.dev1 + ".yaml",
			web + "environments/dev~" + fx.dev2 + ".yaml",
			"strategies/instant.yaml",
		}
		slices.Sort(want)
		got := slices.Sorted(maps.Keys(files))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("exported files (-want +got):\n%s", diff)
		}
	})

	t.Run("Manifests", func(t *testing.T) {
		want := map[string]string{
			"strategies/instant.yaml": `apiVersion: appconfigd/v1
kind: DeploymentStrategy
name: instant
description: At once, no bake
deploymentDurationInMinutes: 0
finalBakeTimeInMinutes: 0
growthFactor: 100
growthType: LINEAR
replicateTo: NONE
tags:
  owner: sre
`,
			"applications/shop/application.yaml": `apiVersion: appconfigd/v1
kind: Application
name: shop
description: The shop
tags:
  team: payments
`,
			"applications/shop/environments/prod.yaml": `apiVersion: appconfigd/v1
kind: Environment
name: prod
monitors:
  - alarmArn: arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors
    alarmRoleArn: arn:aws:iam::000000000000:role/alarms
tags:
  team: payments
  tier: gold
deployed:
  - profile: flags
    version: 1
    strategy: AppConfig.AllAtOnce
  - profile: settings
    version: 3
    strategy: instant
    description: release 3
`,
			"applications/shop/environments/staging.yaml": `apiVersion: appconfigd/v1
kind: Environment
name: staging
deployed:
  - profile: routes
    version: 1
    strategy: AppConfig.AllAtOnce
`,
			"applications/shop/profiles/settings/profile.yaml": `apiVersion: appconfigd/v1
kind: ConfigurationProfile
name: settings
locationUri: hosted
validators:
  - type: JSON_SCHEMA
    content: |
      {
        "type": "object",
        "required": ["mode"]
      }
tags:
  owner: web
`,
			"applications/shop/profiles/settings/versions/3.yaml": `apiVersion: appconfigd/v1
kind: HostedConfigurationVersion
version: 3
contentType: application/json
description: third
versionLabel: v3
content: 3.json
`,
			"applications/shop/profiles/flags/profile.yaml": `apiVersion: appconfigd/v1
kind: ConfigurationProfile
name: flags
type: AWS.AppConfig.FeatureFlags
locationUri: hosted
`,
			"applications/shop/profiles/routes/versions/1.yaml": `apiVersion: appconfigd/v1
kind: HostedConfigurationVersion
version: 1
contentType: application/x-yaml
content: 1.yml
`,
			"applications/web%2Fui%20%C3%A9/application.yaml": `apiVersion: appconfigd/v1
kind: Application
name: web/ui é
`,
			"applications/web%2Fui%20%C3%A9/environments/dev~" + fx.dev2 + ".yaml": `apiVersion: appconfigd/v1
kind: Environment
name: dev
`,
		}
		for _, p := range slices.Sorted(maps.Keys(want)) {
			if diff := cmp.Diff(want[p], files[p]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", p, diff)
			}
		}
	})

	t.Run("ContentIsByteForByte", func(t *testing.T) {
		for _, v := range []struct {
			profile, dir string
			version      int32
			ext          string
		}{
			{fx.settings, "settings", 1, "json"},
			{fx.settings, "settings", 3, "json"},
			{fx.routes, "routes", 1, "yml"},
			{fx.flags, "flags", 1, "json"},
		} {
			out, err := ts.control.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
				ApplicationId: aws.String(fx.shop), ConfigurationProfileId: aws.String(v.profile), VersionNumber: aws.Int32(v.version),
			})
			if err != nil {
				t.Fatalf("GetHostedConfigurationVersion: %v", err)
			}
			p := fmt.Sprintf("applications/shop/profiles/%s/versions/%d.%s", v.dir, v.version, v.ext)
			if got := files[p]; got != string(out.Content) {
				t.Errorf("%s = %q; want the version's content %q", p, got, out.Content)
			}
		}
	})

	t.Run("Summary", func(t *testing.T) {
		for _, want := range []string{
			"Exported into " + dir + ":\n",
			"       1 custom deployment strategies\n",
			"       2 applications\n",
			"       4 environments (3 deployed versions)\n",
			"       3 configuration profiles\n",
			"       4 hosted configuration versions\n",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("summary does not say %q:\n%s", want, stdout)
			}
		}
		if strings.Contains(stdout, "Not copied") {
			t.Errorf("summary lists content not copied; want none:\n%s", stdout)
		}
	})

	t.Run("NonEmptyDirectoryIsRefusedWithoutForce", func(t *testing.T) {
		code, stdout, stderr := runExport(t, ts, "--to", dir)
		if code != 1 {
			t.Errorf("exit code = %d; want 1", code)
		}
		if !strings.Contains(stderr, "not empty") || !strings.Contains(stderr, "--force") {
			t.Errorf("stderr = %q; want it to say the directory is not empty and name --force", stderr)
		}
		if stdout != "" {
			t.Errorf("stdout = %q; want nothing", stdout)
		}
		if diff := cmp.Diff(files, exportTree(t, dir)); diff != "" {
			t.Errorf("the refused export changed the tree (-before +after):\n%s", diff)
		}
	})

	t.Run("ForceWritesTheSameBytes", func(t *testing.T) {
		if code, _, stderr := runExport(t, ts, "--to", dir, "--force"); code != 0 {
			t.Fatalf("appconfigd export --force: exit code %d; stderr:\n%s", code, stderr)
		}
		if diff := cmp.Diff(files, exportTree(t, dir)); diff != "" {
			t.Errorf("second export differs (-first +second):\n%s", diff)
		}
	})

	t.Run("ForceRemovesDeletedResourcesOnly", func(t *testing.T) {
		readme := filepath.Join(dir, "README.md")
		if err := os.WriteFile(readme, []byte("kept"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, env := range []string{fx.dev1, fx.dev2} {
			if _, err := ts.control.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(fx.web), EnvironmentId: aws.String(env)}); err != nil {
				t.Fatalf("DeleteEnvironment: %v", err)
			}
		}
		if _, err := ts.control.DeleteApplication(ctx(t), &appconfig.DeleteApplicationInput{ApplicationId: aws.String(fx.web)}); err != nil {
			t.Fatalf("DeleteApplication: %v", err)
		}
		if code, _, stderr := runExport(t, ts, "--to", dir, "--force"); code != 0 {
			t.Fatalf("appconfigd export --force: exit code %d; stderr:\n%s", code, stderr)
		}
		want := map[string]string{"README.md": "kept"}
		for p, content := range files {
			if !strings.HasPrefix(p, "applications/web%2F") {
				want[p] = content
			}
		}
		if diff := cmp.Diff(want, exportTree(t, dir)); diff != "" {
			t.Errorf("tree after deleting web/ui é (-want +got):\n%s", diff)
		}
	})

	// What export writes, gitops reads back. (The tree with web/ui é's
	// two environments named alike is refused: names identify resources
	// in the files.)
	t.Run("TreeLoads", func(t *testing.T) {
		tree, err := gitops.LoadDir(dir)
		if err != nil {
			t.Fatalf("LoadDir: %v", err)
		}
		if len(tree.Applications) != 1 || len(tree.Strategies) != 1 {
			t.Errorf("loaded %d applications and %d strategies; want 1 and 1", len(tree.Applications), len(tree.Strategies))
		}
	})
}

// TestExportStrictARNs: against a server that takes only its own account
// in ARNs, tags are found under the account --account-id gives; without
// it the export fails naming the resource and writes nothing.
func TestExportStrictARNs(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(o *serverOptions) { o.config.StrictARNs = true })
	if _, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String("shop"), Tags: map[string]string{"team": "payments"}}); err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}

	dir := filepath.Join(t.TempDir(), "config")
	code, _, stderr := runExport(t, ts, "--to", dir)
	if code != 1 {
		t.Errorf("without --account-id: exit code = %d; want 1", code)
	}
	if !strings.Contains(stderr, `list tags of application "shop"`) {
		t.Errorf("stderr = %q; want it to name the application", stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Stat(%s) = %v; want the failed export to write nothing", dir, err)
	}

	if code, _, stderr := runExport(t, ts, "--to", dir, "--account-id", accountID); code != 0 {
		t.Fatalf("with --account-id: exit code %d; stderr:\n%s", code, stderr)
	}
	want := "apiVersion: appconfigd/v1\nkind: Application\nname: shop\ntags:\n  team: payments\n"
	if got := exportTree(t, dir)["applications/shop/application.yaml"]; got != want {
		t.Errorf("application.yaml =\n%s\nwant\n%s", got, want)
	}
}
