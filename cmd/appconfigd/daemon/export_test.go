package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// exportVars are the variables of an export against a local server.
var exportVars = map[string]string{
	"AWS_REGION":            "eu-west-1",
	"AWS_ACCESS_KEY_ID":     "AKIDEXPORT",
	"AWS_SECRET_ACCESS_KEY": "secret",
}

func TestRunExportFails(t *testing.T) {
	t.Parallel()
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "README.md"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A previous --agent-dev-dir export's directory.
	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "shop:prod:settings.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"NoDirectory", []string{"--endpoint-url", "http://127.0.0.1:1"}, 2, "set --to"},
		{"UnexpectedArgument", []string{"--to", t.TempDir(), "extra"}, 2, `unexpected argument "extra"`},
		{"UnknownFlag", []string{"--to", t.TempDir(), "--bogus"}, 2, "-bogus"},
		// Refused before any call: nothing listens on port 1.
		{"NonEmptyDirectoryWithoutForce", []string{"--to", full, "--endpoint-url", "http://127.0.0.1:1"}, 1, "directory is not empty; --force replaces its applications/ and strategies/"},
		{"UnreachableEndpoint", []string{"--to", filepath.Join(t.TempDir(), "out"), "--endpoint-url", "http://127.0.0.1:1"}, 1, "appconfigd export: "},
		{"BothDirectories", []string{"--to", t.TempDir(), "--agent-dev-dir", t.TempDir(), "--environment", "prod"}, 2, "--to and --agent-dev-dir exclude each other"},
		{"AgentDevWithoutEnvironment", []string{"--agent-dev-dir", t.TempDir(), "--endpoint-url", "http://127.0.0.1:1"}, 2, "--agent-dev-dir needs --environment"},
		{"AgentDevEmptyEnvironment", []string{"--agent-dev-dir", t.TempDir(), "--environment", ""}, 2, "--agent-dev-dir needs --environment"},
		{"EnvironmentWithoutAgentDev", []string{"--to", t.TempDir(), "--environment", "prod"}, 2, "--environment is for --agent-dev-dir"},
		{"EnvironmentAlone", []string{"--environment", "prod"}, 2, "no directory to write into"},
		{"AccountIDWithAgentDev", []string{"--agent-dev-dir", t.TempDir(), "--environment", "prod", "--account-id", "123456789012"}, 2, "--account-id is for --to"},
		{"EnvironmentNotAFileName", []string{"--agent-dev-dir", t.TempDir(), "--environment", "a:b"}, 2, `--environment "a:b" has a ":"`},
		// Refused before any call: nothing listens on port 1.
		{"AgentDevConfigurationFilesWithoutForce", []string{"--agent-dev-dir", local, "--environment", "prod", "--endpoint-url", "http://127.0.0.1:1"}, 1,
			"holds configuration files such as shop:prod:settings.json: directory is not empty; --force replaces the files named like configurations"},
		{"AgentDevUnreachableEndpoint", []string{"--agent-dev-dir", t.TempDir(), "--environment", "prod", "--endpoint-url", "http://127.0.0.1:1"}, 1, "appconfigd export: list applications: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr apptest.Buffer
			if code := RunExport(context.Background(), tt.args, getenv(exportVars), &stdout, &stderr); code != tt.wantCode {
				t.Errorf("exit code = %d; want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr = %q; want it to mention %q", stderr.String(), tt.wantErr)
			}
			if stdout.String() != "" {
				t.Errorf("stdout = %q; want nothing", stdout.String())
			}
		})
	}
	t.Run("NonEmptyDirectoryIsLeftAlone", func(t *testing.T) {
		for dir, want := range map[string]string{full: "README.md", local: "shop:prod:settings.json"} {
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Name() != want {
				t.Errorf("entries = %v; want %s only", entries, want)
			}
		}
	})
}

func TestRunExportHelp(t *testing.T) {
	t.Parallel()
	checkHelp(t, RunExport,
		[]string{"appconfigd export writes", "-to directory", "-endpoint-url URL", "-force", "-region", "-account-id", "appconfigd export --agent-dev-dir DIR --environment ENV", "-agent-dev-dir directory", "-environment name"},
		[]string{"appconfigd export --to DIR", "Flags of export:"})
}

// TestExportClient checks where the client's settings come from: flags
// before the variables getenv reads, AWS_ENDPOINT_URL_APPCONFIG before
// AWS_ENDPOINT_URL, none with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS.
func TestExportClient(t *testing.T) {
	t.Parallel()
	with := func(extra map[string]string) map[string]string {
		vars := map[string]string{}
		for k, v := range exportVars {
			vars[k] = v
		}
		for k, v := range extra {
			vars[k] = v
		}
		return vars
	}
	tests := []struct {
		name         string
		opts         exportOptions
		vars         map[string]string
		wantEndpoint string
		wantRegion   string
	}{
		{"FlagsWin", exportOptions{endpointURL: "http://flag", region: "us-west-2"}, with(map[string]string{"AWS_ENDPOINT_URL_APPCONFIG": "http://service", "AWS_ENDPOINT_URL": "http://all"}), "http://flag", "us-west-2"},
		{"ServiceVariable", exportOptions{}, with(map[string]string{"AWS_ENDPOINT_URL_APPCONFIG": "http://service", "AWS_ENDPOINT_URL": "http://all"}), "http://service", "eu-west-1"},
		{"GeneralVariable", exportOptions{}, with(map[string]string{"AWS_ENDPOINT_URL": "http://all"}), "http://all", "eu-west-1"},
		{"IgnoredVariables", exportOptions{}, with(map[string]string{"AWS_ENDPOINT_URL": "http://all", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}), "", "eu-west-1"},
		{"DefaultRegionVariable", exportOptions{}, map[string]string{"AWS_DEFAULT_REGION": "ap-south-1", "AWS_ACCESS_KEY_ID": "AKIDEXPORT", "AWS_SECRET_ACCESS_KEY": "secret"}, "", "ap-south-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, region, err := exportClient(t.Context(), &tt.opts, getenv(tt.vars))
			if err != nil {
				t.Fatalf("exportClient: %v", err)
			}
			checkClient(t, client, region, tt.wantEndpoint, tt.wantRegion, "AKIDEXPORT")
		})
	}
}

// TestAgentDevClients checks the endpoints of export --agent-dev-dir's
// clients: AppConfigData at the AppConfig URL (the flag, or the
// variables), AWS_ENDPOINT_URL_APPCONFIGDATA first; none, for the SDK to
// resolve AWS's, when nothing is set; the region and credentials of both
// from the same place.
func TestAgentDevClients(t *testing.T) {
	t.Parallel()
	with := func(extra map[string]string) map[string]string {
		vars := map[string]string{}
		for k, v := range exportVars {
			vars[k] = v
		}
		for k, v := range extra {
			vars[k] = v
		}
		return vars
	}
	tests := []struct {
		name        string
		opts        exportOptions
		vars        map[string]string
		wantControl string
		wantData    string
		wantRegion  string
	}{
		{"Flag", exportOptions{endpointURL: "http://flag", region: "us-west-2"}, with(map[string]string{"AWS_ENDPOINT_URL_APPCONFIGDATA": "http://data", "AWS_ENDPOINT_URL": "http://all"}), "http://flag", "http://flag", "us-west-2"},
		{"ControlVariable", exportOptions{}, with(map[string]string{"AWS_ENDPOINT_URL_APPCONFIG": "http://service", "AWS_ENDPOINT_URL": "http://all"}), "http://service", "http://service", "eu-west-1"},
		{"DataVariable", exportOptions{}, with(map[string]string{"AWS_ENDPOINT_URL_APPCONFIGDATA": "http://data", "AWS_ENDPOINT_URL_APPCONFIG": "http://service"}), "http://service", "http://data", "eu-west-1"},
		{"GeneralVariable", exportOptions{}, with(map[string]string{"AWS_ENDPOINT_URL": "http://all"}), "http://all", "http://all", "eu-west-1"},
		{"AWS", exportOptions{}, with(nil), "", "", "eu-west-1"},
		{"IgnoredVariables", exportOptions{}, with(map[string]string{"AWS_ENDPOINT_URL_APPCONFIGDATA": "http://data", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}), "", "", "eu-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			control, data, err := agentDevClients(t.Context(), &tt.opts, getenv(tt.vars))
			if err != nil {
				t.Fatalf("agentDevClients: %v", err)
			}
			co, do := control.Options(), data.Options()
			if got := aws.ToString(co.BaseEndpoint); got != tt.wantControl {
				t.Errorf("AppConfig BaseEndpoint = %q; want %q", got, tt.wantControl)
			}
			if got := aws.ToString(do.BaseEndpoint); got != tt.wantData {
				t.Errorf("AppConfigData BaseEndpoint = %q; want %q", got, tt.wantData)
			}
			if co.Region != tt.wantRegion || do.Region != tt.wantRegion {
				t.Errorf("regions = %q, %q; want %q", co.Region, do.Region, tt.wantRegion)
			}
			creds, err := do.Credentials.Retrieve(t.Context())
			if err != nil {
				t.Fatalf("Retrieve credentials: %v", err)
			}
			if creds.AccessKeyID != "AKIDEXPORT" {
				t.Errorf("AppConfigData AccessKeyID = %q; want the one getenv gave", creds.AccessKeyID)
			}
		})
	}
}
