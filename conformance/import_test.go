package conformance

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd/cmd/appconfigd/daemon"
	"github.com/appconfigd/appconfigd/gitops"
)

// runImport runs appconfigd import into against ts with the test's key.
func runImport(t *testing.T, ts *testServer, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runClientCommand(t, daemon.RunImport, ts, args...)
}

// interrupted is the AppConfig client of a target whose calls fail: the
// first DeleteHostedConfigurationVersion when failDelete is set, and the
// StartDeployment numbered failDeployment (from 1) when it is not 0, as a
// lost connection or a Ctrl-C would stop an import there.
type interrupted struct {
	gitops.ApplyClient
	failDelete     atomic.Bool
	failDeployment int32
	deployments    atomic.Int32
}

var errInterrupted = errors.New("interrupted")

func (c *interrupted) DeleteHostedConfigurationVersion(ctx context.Context, in *appconfig.DeleteHostedConfigurationVersionInput, opts ...func(*appconfig.Options)) (*appconfig.DeleteHostedConfigurationVersionOutput, error) {
	if c.failDelete.CompareAndSwap(true, false) {
		return nil, errInterrupted
	}
	return c.ApplyClient.DeleteHostedConfigurationVersion(ctx, in, opts...)
}

func (c *interrupted) StartDeployment(ctx context.Context, in *appconfig.StartDeploymentInput, opts ...func(*appconfig.Options)) (*appconfig.StartDeploymentOutput, error) {
	if c.deployments.Add(1) == c.failDeployment {
		return nil, errInterrupted
	}
	return c.ApplyClient.StartDeployment(ctx, in, opts...)
}

// TestImport copies a server into an empty one with appconfigd import
// (docs/GITOPS.md, "Import"): the exports of both are then the same byte
// for byte, versions numbered alike; what is deployed is recreated as
// completed deployments; a second import changes nothing; what cannot be
// copied is listed; and an import interrupted twice goes on from where it
// stopped.
func TestImport(t *testing.T) {
	t.Parallel()
	a := startServer(t)
	fx := newExportFixture(t, a)
	// Two environments of web share the name dev: the lower ID is copied.
	kept, other := fx.dev1, fx.dev2
	if other < kept {
		kept, other = other, kept
	}
	b := startServer(t)

	t.Run("IntoAnEmptyServer", func(t *testing.T) {
		code, stdout, stderr := runImport(t, b, "--from-endpoint", a.url)
		if code != 0 {
			t.Fatalf("appconfigd import: exit code %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		for _, want := range []string{
			"Read from " + a.url + ": 1 custom deployment strategies, 2 applications, 4 environments (3 deployed versions), 3 configuration profiles, 4 hosted configuration versions.\n",
			"+ new version shop/settings version 3\n",
			"> deploy shop/settings version 3 to shop/prod with instant\n",
			"created hosted version shop/settings version 3 (made and deleted 2 first: the files skip those numbers)\n",
			"deployed shop/settings version 3 to shop/prod (deployment 2)\n",
			"Imported: 16 changes.\n",
			"Not copied:\n  applications/web%2Fui%20%C3%A9/environments/dev~" + other + ".yaml: environment dev (" + other + ") shares its name with " + kept + "; rename one on the source to copy both\n",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout does not say %q:\n%s", want, stdout)
			}
		}
		// What prod serves of settings is a deployment completed as it
		// started, with the source's strategy and description (flags
		// came first).
		shop, prod := findByName(t, b, "shop", "prod")
		got, err := b.control.GetDeployment(ctx(t), &appconfig.GetDeploymentInput{ApplicationId: aws.String(shop), EnvironmentId: aws.String(prod), DeploymentNumber: aws.Int32(2)})
		if err != nil {
			t.Fatalf("GetDeployment: %v", err)
		}
		if got.State != types.DeploymentStateComplete || aws.ToString(got.ConfigurationVersion) != "3" || aws.ToString(got.Description) != "release 3" || len(got.EventLog) != 2 {
			t.Errorf("deployment 2 of prod: %s version %s %q with %d events; want COMPLETE version 3 \"release 3\" with 2", got.State, aws.ToString(got.ConfigurationVersion), aws.ToString(got.Description), len(got.EventLog))
		}
	})

	t.Run("SecondImportChangesNothing", func(t *testing.T) {
		before := lastWrite(t, b)
		code, stdout, stderr := runImport(t, b, "--from-endpoint", a.url)
		if code != 0 {
			t.Fatalf("appconfigd import: exit code %d; stderr:\n%s", code, stderr)
		}
		if !strings.Contains(stdout, "Nothing to import: the target holds what the source holds.\n") {
			t.Errorf("stdout does not say there is nothing to import:\n%s", stdout)
		}
		if after := lastWrite(t, b); after != before {
			t.Errorf("newest write = %q; want %q, no call but reads", after, before)
		}
	})

	// With the environment that was not copied gone from the source,
	// source and copy export the same files.
	if _, err := a.control.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(fx.web), EnvironmentId: aws.String(other)}); err != nil {
		t.Fatalf("DeleteEnvironment: %v", err)
	}
	want := exportOf(t, a)

	t.Run("ExportOfTheCopyIsTheExportOfTheSource", func(t *testing.T) {
		if diff := cmp.Diff(want, exportOf(t, b)); diff != "" {
			t.Errorf("export of the copy (-source +copy):\n%s", diff)
		}
	})

	t.Run("GoesOnAfterAnInterruption", func(t *testing.T) {
		c := startServer(t)
		opts := gitops.ImportOptions{From: gitops.ReadOptions{Region: region}, To: gitops.ReadOptions{Region: region}}
		// Stopped between making version 2 of settings (to reach number
		// 3) and deleting it, and then at the second deployment.
		target := &interrupted{ApplyClient: c.control, failDeployment: 2}
		target.failDelete.Store(true)
		for range 2 {
			plan, err := gitops.PlanImport(ctx(t), a.control, target, opts)
			if err != nil {
				t.Fatalf("PlanImport: %v", err)
			}
			if err := plan.Apply(ctx(t), target, gitops.ApplyOptions{Region: region}); !errors.Is(err, errInterrupted) {
				t.Fatalf("Apply = %v; want it interrupted", err)
			}
		}
		code, stdout, stderr := runImport(t, c, "--from-endpoint", a.url)
		if code != 0 {
			t.Fatalf("appconfigd import: exit code %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		// The version made on the way to 3 goes, and only the
		// deployments not done yet are started.
		for _, want := range []string{"- delete hosted version shop/settings version 2\n", "Plan: 0 to create, 0 to update, 1 to delete, 0 new versions, 2 deployments.\n"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout does not say %q:\n%s", want, stdout)
			}
		}
		if diff := cmp.Diff(want, exportOf(t, c)); diff != "" {
			t.Errorf("export of the copy (-source +copy):\n%s", diff)
		}
	})
}

// findByName returns the IDs of ts's application and its environment of
// those names.
func findByName(t *testing.T, ts *testServer, app, env string) (appID, envID string) {
	t.Helper()
	apps, err := ts.control.ListApplications(ctx(t), &appconfig.ListApplicationsInput{})
	if err != nil {
		t.Fatalf("ListApplications: %v", err)
	}
	for _, a := range apps.Items {
		if aws.ToString(a.Name) == app {
			appID = aws.ToString(a.Id)
		}
	}
	envs, err := ts.control.ListEnvironments(ctx(t), &appconfig.ListEnvironmentsInput{ApplicationId: aws.String(appID)})
	if err != nil {
		t.Fatalf("ListEnvironments: %v", err)
	}
	for _, e := range envs.Items {
		if aws.ToString(e.Name) == env {
			envID = aws.ToString(e.Id)
		}
	}
	if appID == "" || envID == "" {
		t.Fatalf("%s has no application %s with an environment %s", ts.url, app, env)
	}
	return appID, envID
}
