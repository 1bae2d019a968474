package daemon

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// clientCommand is RunExport, RunApply or RunImport.
type clientCommand func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int

// checkHelp checks that run -h exits 0 with a help that mentions each of
// own, and that appconfigd help mentions each of inHelp.
func checkHelp(t *testing.T, run clientCommand, own, inHelp []string) {
	t.Helper()
	var stdout, stderr apptest.Buffer
	if code := run(context.Background(), []string{"-h"}, getenv(nil), &stdout, &stderr); code != 0 {
		t.Errorf("exit code = %d; want 0", code)
	}
	for _, want := range own {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("help does not mention %q:\n%s", want, stderr.String())
		}
	}
	var help apptest.Buffer
	if code := Run(context.Background(), []string{"help"}, &help, &stderr); code != 0 {
		t.Errorf("appconfigd help: exit code = %d; want 0", code)
	}
	for _, want := range inHelp {
		if !strings.Contains(help.String(), want) {
			t.Errorf("appconfigd help does not mention %q", want)
		}
	}
}

// checkClient checks where a client command's AppConfig client goes and
// as whom: its endpoint, its region (also as the command reports it) and
// its credentials' access key ID.
func checkClient(t *testing.T, client *appconfig.Client, region, wantEndpoint, wantRegion, wantKey string) {
	t.Helper()
	o := client.Options()
	if got := aws.ToString(o.BaseEndpoint); got != wantEndpoint {
		t.Errorf("BaseEndpoint = %q; want %q", got, wantEndpoint)
	}
	if region != wantRegion || o.Region != wantRegion {
		t.Errorf("region = %q, client's %q; want %q", region, o.Region, wantRegion)
	}
	creds, err := o.Credentials.Retrieve(t.Context())
	if err != nil {
		t.Fatalf("Retrieve credentials: %v", err)
	}
	if creds.AccessKeyID != wantKey {
		t.Errorf("AccessKeyID = %q; want %q", creds.AccessKeyID, wantKey)
	}
}
