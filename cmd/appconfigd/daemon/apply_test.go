package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/gitops"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

func TestRunApplyFails(t *testing.T) {
	t.Parallel()
	bad := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bad, "strategies"), 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := "apiVersion: appconfigd/v1\nkind: DeploymentStrategy\nname: slow\ndeploymentDurationInMinutes: soon\nfinalBakeTimeInMinutes: 0\ngrowthFactor: 10\ngrowthType: LINEAR\n"
	if err := os.WriteFile(filepath.Join(bad, "strategies", "slow.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nope")
	// Nothing listens on port 1: each failure comes before any call.
	endpoint := []string{"--endpoint-url", "http://127.0.0.1:1"}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"NoDirectory", endpoint, 2, "set --from"},
		{"UnexpectedArgument", []string{"--from", bad, "extra"}, 2, `unexpected argument "extra"`},
		{"UnknownFlag", []string{"--from", bad, "--bogus"}, 2, "-bogus"},
		{"MissingDirectory", append([]string{"--from", missing, "--prune"}, endpoint...), 1, "appconfigd apply: " + missing + ": no such directory"},
		{"BadManifestNamesFileAndField", append([]string{"--from", bad}, endpoint...), 1, "appconfigd apply: strategies/slow.yaml: at /deploymentDurationInMinutes: "},
		{"UnreachableEndpoint", append([]string{"--from", t.TempDir()}, endpoint...), 1, "appconfigd apply: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr apptest.Buffer
			if code := RunApply(context.Background(), tt.args, getenv(exportVars), &stdout, &stderr); code != tt.wantCode {
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

func TestRunApplyHelp(t *testing.T) {
	t.Parallel()
	checkHelp(t, RunApply,
		[]string{"appconfigd apply makes", "-from directory", "-dry-run", "-prune", "-deploy", "-endpoint-url URL", "-region", "-account-id"},
		[]string{"appconfigd apply --from DIR", "Flags of apply:"})
}

func TestPlanSummary(t *testing.T) {
	t.Parallel()
	changes := []gitops.Change{{Op: gitops.OpCreate}, {Op: gitops.OpCreate}, {Op: gitops.OpUpdate}, {Op: gitops.OpNewVersion}, {Op: gitops.OpDeploy}, {Op: gitops.OpDelete}, {Op: gitops.OpDelete}, {Op: gitops.OpDelete}}
	want := "Plan: 2 to create, 1 to update, 3 to delete, 1 new versions, 1 deployments."
	if got := planSummary(changes); got != want {
		t.Errorf("planSummary = %q; want %q", got, want)
	}
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&apptest.Buffer{}) {
		t.Error("isTerminal = true for a file or a buffer; want false")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !isTerminal(tty) {
			t.Error("isTerminal(/dev/tty) = false; want true")
		}
	}
}
