package conformance

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/cmd/appconfigd/daemon"
	"github.com/appconfigd/appconfigd/gitops"
)

// runApply runs appconfigd apply against ts with the test's key.
func runApply(t *testing.T, ts *testServer, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runClientCommand(t, daemon.RunApply, ts, args...)
}

// copyTree copies the files of dir into a new directory and returns it.
func copyTree(t *testing.T, dir string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "config")
	for rel, content := range exportTree(t, dir) {
		writeFile(t, filepath.Join(to, filepath.FromSlash(rel)), content)
	}
	return to
}

func writeFile(t *testing.T, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// editFile replaces old, which must be there, with new in dir's file rel.
func editFile(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	file := filepath.Join(dir, filepath.FromSlash(rel))
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not hold %q:\n%s", rel, old, b)
	}
	writeFile(t, file, strings.Replace(string(b), old, new, 1))
}

// lastWrite returns the newest entry of the server's audit trail, which
// records every write and no read, as "Operation Resource".
func lastWrite(t *testing.T, ts *testServer) string {
	t.Helper()
	out, err := ts.daemon.Service().ListAudit(ctx(t), appconfigd.AuditFilter{}, appconfigd.ListInput{MaxResults: 1})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	if len(out.Items) == 0 {
		return ""
	}
	return out.Items[0].RequestID + " " + out.Items[0].Operation + " " + out.Items[0].Resource
}

// exportOf exports ts into a new directory and returns its files.
func exportOf(t *testing.T, ts *testServer) map[string]string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "config")
	if code, _, stderr := runExport(t, ts, "--to", dir); code != 0 {
		t.Fatalf("appconfigd export: exit code %d; stderr:\n%s", code, stderr)
	}
	return exportTree(t, dir)
}

// TestApply exports a server's configuration, applies the directory to
// an empty server and follows that server through changed files: the
// round trip (apply, then export, gives the directory back), a second
// apply that changes nothing, an edited and extended directory, a
// changed version refused, pruning, and a bad manifest.
func TestApply(t *testing.T) {
	t.Parallel()
	a := startServer(t)
	fx := newExportFixture(t, a)
	// Two environments named alike cannot be told apart in files (the
	// tree does not load); one of them goes.
	if _, err := a.control.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(fx.web), EnvironmentId: aws.String(fx.dev2)}); err != nil {
		t.Fatalf("DeleteEnvironment: %v", err)
	}
	dir1 := filepath.Join(t.TempDir(), "config")
	if code, _, stderr := runExport(t, a, "--to", dir1); code != 0 {
		t.Fatalf("appconfigd export: exit code %d; stderr:\n%s", code, stderr)
	}
	files1 := exportTree(t, dir1)
	for _, p := range []string{"applications/shop/profiles/settings/versions/3.json", "applications/web%2Fui%20%C3%A9/environments/dev.yaml"} {
		if _, ok := files1[p]; !ok {
			t.Fatalf("the export of the fixture has no %s", p)
		}
	}
	// Deployment and bake time run 3000 times faster: the 10-minute bake
	// of AppConfig.AllAtOnce lasts 0.2 s, and the engine ends it.
	b := startServer(t, withRealClock(3000))

	t.Run("ApplyToAnEmptyServerThenExportReproducesTheDirectory", func(t *testing.T) {
		code, stdout, stderr := runApply(t, b, "--from", dir1, "--deploy")
		if code != 0 {
			t.Fatalf("appconfigd apply: exit code %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		for _, want := range []string{
			"+ create deployment strategy instant\n",
			"+ new version shop/settings version 3\n",
			"> deploy shop/settings version 3 to shop/prod with instant\n",
			"Plan: 9 to create, 0 to update, 0 to delete, 4 new versions, 3 deployments.\n",
			// Version 2 was deleted on a: b numbers the second version
			// 2, which goes, so that the third is 3.
			"created hosted version shop/settings version 3 (made and deleted 2 first: the files skip those numbers)\n",
			"deployed shop/settings version 3 to shop/prod (deployment 2)\n",
			"Applied 16 changes.\n",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout does not say %q:\n%s", want, stdout)
			}
		}
		if diff := cmp.Diff(files1, exportOf(t, b)); diff != "" {
			t.Errorf("export of the server applied to (-applied +exported):\n%s", diff)
		}
	})

	t.Run("SecondApplyChangesNothing", func(t *testing.T) {
		before := lastWrite(t, b)
		code, stdout, stderr := runApply(t, b, "--from", dir1, "--deploy", "--prune")
		if code != 0 {
			t.Fatalf("appconfigd apply: exit code %d; stderr:\n%s", code, stderr)
		}
		if want := "No changes. The endpoint matches " + dir1 + ".\n"; stdout != want {
			t.Errorf("stdout = %q; want %q", stdout, want)
		}
		// Unchanged content makes no version, and nothing else is
		// written either.
		if after := lastWrite(t, b); after != before {
			t.Errorf("newest write = %q; want %q, no call but reads", after, before)
		}
	})

	dir3 := copyTree(t, dir1)
	editFile(t, dir3, "applications/shop/application.yaml", "description: The shop\n", "description: The web shop\n")
	editFile(t, dir3, "applications/shop/environments/prod.yaml", "tier: gold\n", "tier: platinum\n")
	editFile(t, dir3, "applications/shop/environments/prod.yaml", "  - profile: settings\n    version: 3\n    strategy: instant\n    description: release 3\n",
		"  - profile: settings\n    version: 4\n    strategy: instant\n    description: release 4\n")
	versions := filepath.Join(dir3, "applications", "shop", "profiles", "settings", "versions")
	writeFile(t, filepath.Join(versions, "4.yaml"), "apiVersion: appconfigd/v1\nkind: HostedConfigurationVersion\nversion: 4\ncontentType: application/json\ncontent: 4.json\n")
	writeFile(t, filepath.Join(versions, "4.json"), `{"mode":"d"}`)

	t.Run("ChangedFileIsUpdated", func(t *testing.T) {
		before := lastWrite(t, b)
		code, stdout, stderr := runApply(t, b, "--from", dir3, "--deploy", "--dry-run")
		if code != 0 {
			t.Fatalf("appconfigd apply --dry-run: exit code %d; stderr:\n%s", code, stderr)
		}
		want := `~ update application shop (description)
~ update environment shop/prod (tags)
+ new version shop/settings version 4
> deploy shop/settings version 4 to shop/prod with instant
Plan: 0 to create, 2 to update, 0 to delete, 1 new versions, 1 deployments.
`
		if diff := cmp.Diff(want, stdout); diff != "" {
			t.Errorf("dry run's plan (-want +got):\n%s", diff)
		}
		if after := lastWrite(t, b); after != before {
			t.Errorf("newest write after the dry run = %q; want %q", after, before)
		}

		code, stdout, stderr = runApply(t, b, "--from", dir3, "--deploy")
		if code != 0 {
			t.Fatalf("appconfigd apply: exit code %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		for _, want := range []string{
			"updated application shop (description)\n",
			"updated environment shop/prod (tags)\n",
			"created hosted version shop/settings version 4\n",
			"deploying shop/settings version 4 to prod: 100% COMPLETE\n",
			"deployed shop/settings version 4 to shop/prod (deployment 3)\n",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout does not say %q:\n%s", want, stdout)
			}
		}
		if diff := cmp.Diff(exportTree(t, dir3), exportOf(t, b)); diff != "" {
			t.Errorf("export after applying the changes (-applied +exported):\n%s", diff)
		}
		session, err := b.data.StartConfigurationSession(ctx(t), &appconfigdata.StartConfigurationSessionInput{
			ApplicationIdentifier:          aws.String("shop"),
			EnvironmentIdentifier:          aws.String("prod"),
			ConfigurationProfileIdentifier: aws.String("settings"),
		})
		if err != nil {
			t.Fatalf("StartConfigurationSession: %v", err)
		}
		got := poll(t, b.data, aws.ToString(session.InitialConfigurationToken))
		if string(got.Configuration) != `{"mode":"d"}` {
			t.Errorf("prod serves %q of settings; want the new version's content", got.Configuration)
		}
	})

	t.Run("ChangedContentOfAnExistingVersionIsRefused", func(t *testing.T) {
		dir := copyTree(t, dir3)
		writeFile(t, filepath.Join(dir, "applications", "shop", "profiles", "settings", "versions", "1.json"), `{"mode":"z"}`)
		before := lastWrite(t, b)
		code, stdout, stderr := runApply(t, b, "--from", dir, "--deploy")
		if code != 1 {
			t.Errorf("exit code = %d; want 1", code)
		}
		want := "appconfigd apply: applications/shop/profiles/settings/versions/1.yaml: version 1 on the endpoint has another content, and hosted versions never change"
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr = %q; want it to say %q", stderr, want)
		}
		if stdout != "" {
			t.Errorf("stdout = %q; want nothing", stdout)
		}
		if after := lastWrite(t, b); after != before {
			t.Errorf("newest write = %q; want %q", after, before)
		}
	})

	t.Run("PruneDeletesWhatTheDirectoryNoLongerHas", func(t *testing.T) {
		dir := copyTree(t, dir3)
		for _, rel := range []string{"applications/shop/environments/staging.yaml", "applications/shop/profiles/routes", "applications/web%2Fui%20%C3%A9"} {
			if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
				t.Fatal(err)
			}
		}
		code, stdout, stderr := runApply(t, b, "--from", dir, "--deploy")
		if code != 0 || !strings.HasPrefix(stdout, "No changes.") {
			t.Errorf("without --prune: exit code %d, stdout %q, stderr %q; want no changes", code, stdout, stderr)
		}
		code, stdout, stderr = runApply(t, b, "--from", dir, "--deploy", "--prune")
		if code != 0 {
			t.Fatalf("appconfigd apply --prune: exit code %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		want := `- delete hosted version shop/routes version 1
- delete configuration profile shop/routes
- delete environment shop/staging
- delete environment web/ui é/dev
- delete application web/ui é
Plan: 0 to create, 0 to update, 5 to delete, 0 new versions, 0 deployments.
`
		if !strings.HasPrefix(stdout, want) {
			t.Errorf("stdout:\n%s\nwant it to start:\n%s", stdout, want)
		}
		if diff := cmp.Diff(exportTree(t, dir), exportOf(t, b)); diff != "" {
			t.Errorf("export after pruning (-applied +exported):\n%s", diff)
		}
		tree, _, err := gitops.Read(ctx(t), b.control, gitops.ReadOptions{Region: region})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		var names []string
		for _, app := range tree.Applications {
			names = append(names, app.Name)
			for _, e := range app.Environments {
				names = append(names, app.Name+"/"+e.Name)
			}
			for _, p := range app.Profiles {
				names = append(names, app.Name+"/"+p.Name)
			}
		}
		slices.Sort(names)
		if diff := cmp.Diff([]string{"shop", "shop/flags", "shop/prod", "shop/settings"}, names); diff != "" {
			t.Errorf("resources left (-want +got):\n%s", diff)
		}
	})

	t.Run("BadManifestNamesFileAndField", func(t *testing.T) {
		dir := copyTree(t, dir1)
		editFile(t, dir, "strategies/instant.yaml", "growthFactor: 100\n", "growthFactor: fast\n")
		before := lastWrite(t, b)
		code, stdout, stderr := runApply(t, b, "--from", dir, "--prune")
		if code != 1 {
			t.Errorf("exit code = %d; want 1", code)
		}
		if want := "appconfigd apply: strategies/instant.yaml: at /growthFactor: "; !strings.Contains(stderr, want) {
			t.Errorf("stderr = %q; want it to say %q", stderr, want)
		}
		if stdout != "" {
			t.Errorf("stdout = %q; want nothing", stdout)
		}
		if after := lastWrite(t, b); after != before {
			t.Errorf("newest write = %q; want %q", after, before)
		}
	})
}
