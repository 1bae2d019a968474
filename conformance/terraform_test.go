package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// defaultTerraformMirror is where the Terraform AWS provider is installed
// as a filesystem mirror on the project's machines; the environment
// variable terraformMirrorVar names another.
const (
	defaultTerraformMirror = "/opt/tf-plugins"
	terraformMirrorVar     = "APPCONFIGD_TEST_TERRAFORM_MIRROR"
	// terraformProvider is the provider version testdata/terraform pins.
	terraformProvider = "registry.terraform.io/hashicorp/aws/5.100.0"
)

// terraform runs the terraform command in one working directory against
// one server.
type terraform struct {
	path string
	dir  string
	env  []string
	// vars are the -var arguments of plan, apply and destroy.
	vars map[string]string
}

// newTerraform prepares a working directory holding every .tf file of
// testdata/terraform, with a CLI configuration that installs the AWS
// provider from the filesystem mirror only, and runs terraform init.
func newTerraform(t *testing.T, endpoint string, skipAccountID bool) *terraform {
	t.Helper()
	path := apptest.NeedCommand(t, "terraform", "install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) to run the Terraform conformance test")
	mirror := os.Getenv(terraformMirrorVar)
	if mirror == "" {
		mirror = defaultTerraformMirror
	}
	if _, err := os.Stat(filepath.Join(mirror, terraformProvider)); err != nil {
		apptest.Missing(t, "the Terraform AWS provider is not in the filesystem mirror "+mirror+" ("+err.Error()+"); set "+terraformMirrorVar+" to a mirror holding "+terraformProvider)
	}
	dir := t.TempDir()
	sources, err := filepath.Glob(filepath.Join("testdata", "terraform", "*.tf"))
	if err != nil || len(sources) == 0 {
		t.Fatalf("no .tf files in testdata/terraform (%v)", err)
	}
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	config := `provider_installation {
  filesystem_mirror {
    path    = ` + strconv.Quote(mirror) + `
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
`
	if err := os.WriteFile(cliConfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
	)
	tf := &terraform{path: path, dir: dir, env: env, vars: map[string]string{
		"endpoint":                   endpoint,
		"access_key":                 accessKeyID,
		"secret_key":                 secretAccessKey,
		"skip_requesting_account_id": strconv.FormatBool(skipAccountID),
		"content":                    `{"color":"blue"}`,
		"description":                "first",
	}}
	tf.run(t, "init", "-input=false", "-no-color")
	return tf
}

// exec runs terraform with args and returns its combined output.
func (tf *terraform) exec(args ...string) ([]byte, error) {
	cmd := exec.Command(tf.path, args...)
	cmd.Dir, cmd.Env = tf.dir, tf.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// run runs terraform and stops the test when it fails.
func (tf *terraform) run(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := tf.exec(args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// varArgs returns the -var arguments of the current variables.
func (tf *terraform) varArgs() []string {
	var args []string
	for _, k := range slices.Sorted(maps.Keys(tf.vars)) {
		args = append(args, "-var", k+"="+tf.vars[k])
	}
	return args
}

// apply applies the configuration and returns its outputs.
func (tf *terraform) apply(t *testing.T) terraformOutputs {
	t.Helper()
	tf.run(t, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, tf.varArgs()...)...)
	var outputs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(tf.run(t, "output", "-json"), &outputs); err != nil {
		t.Fatalf("terraform output -json: %v", err)
	}
	values := make(terraformOutputs)
	for k, v := range outputs {
		values[k] = v.Value
	}
	return values
}

// checkNoDrift runs a plan that must find nothing to change: exit code 0
// of -detailed-exitcode, where 2 means changes.
func (tf *terraform) checkNoDrift(t *testing.T, after string) {
	t.Helper()
	out, err := tf.exec(append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}, tf.varArgs()...)...)
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		t.Errorf("terraform plan after %s wants to change what it just applied (drift):\n%s", after, out)
	default:
		t.Fatalf("terraform plan after %s: %v\n%s", after, err, out)
	}
}

// terraformOutputs are the values of `terraform output -json`.
type terraformOutputs map[string]json.RawMessage

// str returns a string output.
func (o terraformOutputs) str(t *testing.T, name string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(o[name], &s); err != nil {
		t.Fatalf("output %s = %s: want a string (%v)", name, o[name], err)
	}
	return s
}

// strings returns a list output.
func (o terraformOutputs) strings(t *testing.T, name string) []string {
	t.Helper()
	var s []string
	if err := json.Unmarshal(o[name], &s); err != nil {
		t.Fatalf("output %s = %s: want a list of strings (%v)", name, o[name], err)
	}
	return s
}

// TestTerraform manages every AppConfig resource and data source with the
// real Terraform and AWS provider, configured as users configure it for an
// emulator (docs/COMPATIBILITY.md, "Terraform"): apply creates, a second
// plan finds no drift, a content change replaces the hosted version (the
// deployed one, which AppConfig lets Terraform delete) and deploys the new
// one, a description changes in place, and destroy removes everything.
//
// The provider learns the account ID either from STS GetCallerIdentity on
// the same endpoint, or not at all (skip_requesting_account_id: it then
// builds ARNs with an empty account). Terraform is slow (each command
// starts the provider, seconds of CPU), so the whole scenario runs with
// skip_requesting_account_id, the way most emulator users configure the
// provider, and the STS variant applies, plans and destroys once.
//
// Each resource kind beyond main.tf (extension.tf: an extension and its
// association) is one more .tf file in testdata/terraform, with its checks
// called from checkApplied and checkDestroyed.
func TestTerraform(t *testing.T) {
	if raceDetector {
		// Terraform's own processes take most of the CPU of this test,
		// which the race detector cannot look into; the server's code
		// it runs is raced by the other tests, and .ci/run runs this one
		// without the detector.
		t.Skip("TestTerraform runs in the test pass without the race detector")
	}
	t.Parallel()
	for _, tt := range []struct {
		name          string
		skipAccountID bool
		changes       bool
	}{
		{"SkipRequestingAccountID", true, true},
		{"AccountFromSTS", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t)
			tf := newTerraform(t, ts.url, tt.skipAccountID)

			out := tf.apply(t)
			checkApplied(t, ts, out, `{"color":"blue"}`, "first")
			tf.checkNoDrift(t, "the first apply")
			if tt.changes {
				checkChanges(t, ts, tf, out)
			}

			tf.run(t, append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, tf.varArgs()...)...)
			checkDestroyed(t, ts)
		})
	}
}

// checkChanges changes the content of the settings version and the
// application's description, applies, and checks what happened.
func checkChanges(t *testing.T, ts *testServer, tf *terraform, out terraformOutputs) {
	t.Helper()
	// A new content replaces the hosted version: the provider
	// deletes the deployed version, creates the next one and
	// deploys it. The description changes in place, and with it the
	// extension's description and the association's parameter value.
	tf.vars["content"], tf.vars["description"] = `{"color":"green"}`, "second"
	changed := tf.apply(t)
	for _, id := range []string{"application_id", "extension_id", "extension_association_id"} {
		if got, want := changed.str(t, id), out.str(t, id); got != want {
			t.Errorf("%s after changing the description = %s; want %s, changed in place", id, got, want)
		}
	}
	checkApplied(t, ts, changed, `{"color":"green"}`, "second")
	if got := string(changed["settings_version"]); got != "2" {
		t.Errorf("settings_version after the content changed = %s; want 2, a new version", got)
	}
	tf.checkNoDrift(t, "replacing the hosted version")
	app, profile := out.str(t, "application_id"), out.str(t, "settings_profile_id")
	_, err := ts.control.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
		ApplicationId: aws.String(app), ConfigurationProfileId: aws.String(profile), VersionNumber: aws.Int32(1),
	})
	asError[*types.ResourceNotFoundException](t, err)
}

// checkApplied checks through the SDK what an apply made: the resources
// with their settings and tags, the data sources' outputs, and the
// configuration the data plane serves.
func checkApplied(t *testing.T, ts *testServer, out terraformOutputs, content, description string) {
	t.Helper()
	app, env := out.str(t, "application_id"), out.str(t, "environment_id")
	settings, flags := out.str(t, "settings_profile_id"), out.str(t, "flags_profile_id")

	a, err := ts.control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(app)})
	if err != nil {
		t.Fatalf("GetApplication: %v", err)
	}
	if got := aws.ToString(a.Description); got != description {
		t.Errorf("application Description = %q; want %q", got, description)
	}
	checkTags(t, "application", listTags(t, ts.control, applicationARN(app)), map[string]string{"team": "platform"})
	e, err := ts.control.GetEnvironment(ctx(t), &appconfig.GetEnvironmentInput{ApplicationId: aws.String(app), EnvironmentId: aws.String(env)})
	if err != nil {
		t.Fatalf("GetEnvironment: %v", err)
	}
	if len(e.Monitors) != 1 || aws.ToString(e.Monitors[0].AlarmArn) != "arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors" {
		t.Errorf("environment Monitors = %+v; want the one alarm of main.tf", e.Monitors)
	}
	checkTags(t, "environment", listTags(t, ts.control, environmentARN(app, env)), map[string]string{"stage": "prod"})

	if got, want := out.strings(t, "profile_ids"), sortedPair(settings, flags); !slices.Equal(got, want) {
		t.Errorf("data aws_appconfig_configuration_profiles = %v; want %v", got, want)
	}
	if got := out.strings(t, "environment_ids"); !slices.Equal(got, []string{env}) {
		t.Errorf("data aws_appconfig_environments = %v; want [%s]", got, env)
	}
	if got := out.str(t, "data_profile_name"); got != "settings" {
		t.Errorf("data aws_appconfig_configuration_profile name = %q; want settings", got)
	}
	if got := out.str(t, "data_environment_name"); got != "prod" {
		t.Errorf("data aws_appconfig_environment name = %q; want prod", got)
	}

	served := func(profile string) string {
		t.Helper()
		return string(poll(t, ts.data, startSession(t, ts.data, fixture{app: app, env: env, profile: profile}, 0)).Configuration)
	}
	if got := served(settings); got != content {
		t.Errorf("the data plane serves %s of the settings profile; want %s", got, content)
	}
	var gotFlags, wantFlags any
	if err := json.Unmarshal([]byte(served(flags)), &gotFlags); err != nil {
		t.Errorf("the data plane serves the flags profile as %v; want JSON", err)
	}
	if err := json.Unmarshal([]byte(`{"checkout":{"enabled":true,"limit":5}}`), &wantFlags); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotFlags, wantFlags) {
		t.Errorf("the data plane serves %v of the flags profile; want %v", gotFlags, wantFlags)
	}
	checkExtensionApplied(t, ts, out, description)
}

// checkExtensionApplied checks the extension and association of
// extension.tf: the extension's description, action, parameter and tags,
// and the association's parameter value and the ARNs it names.
func checkExtensionApplied(t *testing.T, ts *testServer, out terraformOutputs, description string) {
	t.Helper()
	id, arn := out.str(t, "extension_id"), out.str(t, "extension_arn")
	e, err := ts.control.GetExtension(ctx(t), &appconfig.GetExtensionInput{ExtensionIdentifier: aws.String(id)})
	if err != nil {
		t.Fatalf("GetExtension: %v", err)
	}
	if got, want := aws.ToString(e.Arn), extensionARN(id, 1); got != want || arn != want {
		t.Errorf("extension Arn = %s, Terraform's arn = %s; want version 1, %s", got, arn, want)
	}
	if got, want := aws.ToString(e.Description), "Pages on rollbacks ("+description+")"; got != want {
		t.Errorf("extension Description = %q; want %q", got, want)
	}
	actions := e.Actions[string(types.ActionPointOnDeploymentRolledBack)]
	if len(e.Actions) != 1 || len(actions) != 1 || aws.ToString(actions[0].Uri) != "arn:aws:lambda:us-east-1:000000000000:function:appconfig-rollback" ||
		aws.ToString(actions[0].RoleArn) != "arn:aws:iam::000000000000:role/appconfig-extension" {
		t.Errorf("extension Actions = %+v; want the one ON_DEPLOYMENT_ROLLED_BACK action of extension.tf", e.Actions)
	}
	if p, ok := e.Parameters["channel"]; len(e.Parameters) != 1 || !ok || !p.Required || aws.ToString(p.Description) != "Where to page" {
		t.Errorf("extension Parameters = %+v; want the required parameter channel", e.Parameters)
	}
	checkTags(t, "extension", listTags(t, ts.control, arn), map[string]string{"owner": "sre"})

	a, err := ts.control.GetExtensionAssociation(ctx(t), &appconfig.GetExtensionAssociationInput{ExtensionAssociationId: aws.String(out.str(t, "extension_association_id"))})
	if err != nil {
		t.Fatalf("GetExtensionAssociation: %v", err)
	}
	if got := aws.ToString(a.ExtensionArn); got != arn {
		t.Errorf("association ExtensionArn = %s; want %s", got, arn)
	}
	if got, want := aws.ToString(a.ResourceArn), out.str(t, "application_arn"); got != want {
		t.Errorf("association ResourceArn = %s; want the application's ARN as Terraform sent it, %s", got, want)
	}
	if want := map[string]string{"channel": "#config-" + description}; !maps.Equal(a.Parameters, want) {
		t.Errorf("association Parameters = %v; want %v", a.Parameters, want)
	}
}

// sortedPair returns a and b in order.
func sortedPair(a, b string) []string {
	s := []string{a, b}
	slices.Sort(s)
	return s
}

// checkDestroyed checks that nothing Terraform made is left: no
// application, and no deployment strategy but the predefined ones.
func checkDestroyed(t *testing.T, ts *testServer) {
	t.Helper()
	apps, err := ts.control.ListApplications(ctx(t), &appconfig.ListApplicationsInput{})
	if err != nil {
		t.Fatalf("ListApplications: %v", err)
	}
	if len(apps.Items) != 0 {
		t.Errorf("after terraform destroy %d applications are left; want none", len(apps.Items))
	}
	strategies, err := ts.control.ListDeploymentStrategies(ctx(t), &appconfig.ListDeploymentStrategiesInput{})
	if err != nil {
		t.Fatalf("ListDeploymentStrategies: %v", err)
	}
	for _, s := range strategies.Items {
		if name := aws.ToString(s.Name); !strings.HasPrefix(name, "AppConfig.") {
			t.Errorf("after terraform destroy deployment strategy %s is left; want only the predefined ones", name)
		}
	}
	extensions, err := ts.control.ListExtensions(ctx(t), &appconfig.ListExtensionsInput{})
	if err != nil {
		t.Fatalf("ListExtensions: %v", err)
	}
	for _, e := range extensions.Items {
		if id := aws.ToString(e.Id); !strings.HasPrefix(id, "AWS.") {
			t.Errorf("after terraform destroy extension %s (%s) is left; want only the AWS-owned ones", aws.ToString(e.Name), id)
		}
	}
	associations, err := ts.control.ListExtensionAssociations(ctx(t), &appconfig.ListExtensionAssociationsInput{})
	if err != nil {
		t.Fatalf("ListExtensionAssociations: %v", err)
	}
	if len(associations.Items) != 0 {
		t.Errorf("after terraform destroy %d extension associations are left; want none", len(associations.Items))
	}
}
