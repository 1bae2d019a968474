package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

func TestRunImportFails(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1.
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"UnexpectedArgument", []string{"--from-endpoint", "http://127.0.0.1:1", "extra"}, 2, `unexpected argument "extra"`},
		{"UnknownFlag", []string{"--bogus"}, 2, "-bogus"},
		{"UnreachableSource", []string{"--from-endpoint", "http://127.0.0.1:1", "--endpoint-url", "http://127.0.0.1:1"}, 1, "appconfigd import: read the source: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr apptest.Buffer
			if code := RunImport(context.Background(), tt.args, getenv(exportVars), &stdout, &stderr); code != tt.wantCode {
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
}

func TestRunImportHelp(t *testing.T) {
	t.Parallel()
	checkHelp(t, RunImport,
		[]string{"appconfigd import copies", "-from-endpoint URL", "-from-region region", "-from-profile profile", "-from-account-id id", "-dry-run", "-endpoint-url URL", "else http://127.0.0.1:2771"},
		[]string{"appconfigd import [flags]", "Flags of import:"})
}

// TestImportSourceClient checks where the source's settings come from:
// the endpoint variables configure the target, never the source, which
// is --from-endpoint or AWS; its region is --from-region, else the
// target's; its credentials those of --from-profile, else the target's.
// It sets process variables that the SDK reads, so it does not run in
// parallel.
func TestImportSourceClient(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	profile := "[profile old-account]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = source-secret\n"
	if err := os.WriteFile(config, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_ENDPOINT_URL", "http://target-from-process")
	vars := map[string]string{"AWS_ENDPOINT_URL_APPCONFIG": "http://target", "AWS_ACCESS_KEY_ID": "AKIDTARGET", "AWS_SECRET_ACCESS_KEY": "secret"}
	tests := []struct {
		name         string
		opts         importOptions
		wantEndpoint string
		wantRegion   string
		wantKey      string
	}{
		{"AWSInTheTargetRegion", importOptions{}, "", "eu-west-1", "AKIDTARGET"},
		{"FromEndpointAndRegion", importOptions{fromEndpoint: "http://source", fromRegion: "us-east-2"}, "http://source", "us-east-2", "AKIDTARGET"},
		{"FromProfile", importOptions{fromProfile: "old-account"}, "", "eu-west-1", "AKIDSOURCE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, region, err := importSourceClient(t.Context(), &tt.opts, "eu-west-1", getenv(vars))
			if err != nil {
				t.Fatalf("importSourceClient: %v", err)
			}
			checkClient(t, client, region, tt.wantEndpoint, tt.wantRegion, tt.wantKey)
		})
	}
}
