package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// fixture is an application with an environment and a hosted profile
// with two versions, made through the Service.
type fixture struct {
	App     *appconfigd.Application
	Env     *appconfigd.Environment
	Profile *appconfigd.ConfigurationProfile
}

// envPath is the console path of the fixture's environment.
func (f fixture) envPath() string { return envURL(f.Env) }

// newFixture makes an application named appName with an environment
// "prod" and a profile "settings" holding versions 1 and 2.
func newFixture(t *testing.T, tc *testConsole, appName string) fixture {
	t.Helper()
	f := fixture{App: tc.application(t, appName)}
	f.Env = tc.environment(t, f.App, "prod")
	f.Profile = tc.hostedProfile(t, f.App, "settings", "")
	tc.versions(t, f.Profile, `{"v":1}`, `{"v":2}`)
	return f
}

func TestEnvironments(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	admin := tc.signIn(t, adminID, adminSecret)

	t.Run("AdminCreatesAnEnvironment", func(t *testing.T) {
		t.Parallel()
		// A browser of its own: parallel subtests would take its one-time message.
		admin := tc.signIn(t, adminID, adminSecret)
		app := tc.application(t, "create-env")
		p := admin.submit("/console/applications/"+app.ID+"/environments", url.Values{"name": {"staging"}, "description": {"pre-production"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/console/applications/"+app.ID+"/environments/") {
			t.Fatalf("got %d to %q, want 303 to the new environment", p.status, p.location)
		}
		admin.get(p.location).mustContain(t, "Created environment staging.", "pre-production", "ReadyForDeployment")
	})
	t.Run("CreateErrorKeepsTheInput", func(t *testing.T) {
		t.Parallel()
		app := tc.application(t, "bad-env")
		p := admin.submit("/console/applications/"+app.ID+"/environments", url.Values{"name": {strings.Repeat("n", 65)}, "description": {"kept"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, `value="kept"`)
	})
	t.Run("PageShowsWhatIsServedAndTheHistory", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, tc, "served")
		if _, err := tc.Service.StartDeployment(t.Context(), f.App.ID, f.Env.ID, appconfigd.StartDeploymentInput{ConfigurationProfileID: f.Profile.ID, ConfigurationVersion: "1", DeploymentStrategyID: "AppConfig.AllAtOnce", Description: "first one"}); err != nil {
			t.Fatal(err)
		}
		p := admin.get(f.envPath())
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		p.mustContain(t, "Deployed configurations", "settings", f.envPath()+"/deployments/1", "first one", "Start a deployment", `name="strategy"`, "AppConfig.AllAtOnce")
	})
	t.Run("AdminUpdatesSettingsAndMonitors", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, tc, "settings-app")
		p := admin.submit(f.envPath(), url.Values{"name": {"production"}, "description": {"live"}, "monitors": {"arn:aws:cloudwatch:us-east-1:111122223333:alarm:Errors\n\nHighLatency\n"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303:\n%s", p.status, p.body)
		}
		e, err := tc.Service.GetEnvironment(t.Context(), f.App.ID, f.Env.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.Name != "production" || len(e.Monitors) != 2 || e.Monitors[1].AlarmARN != "HighLatency" {
			t.Fatalf("environment %+v, want production monitoring two alarms", e)
		}
	})
	t.Run("DeleteNeedsBypassWhilePolled", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		ctx := t.Context()
		f := newFixture(t, tc, "delete-env")
		on := true
		if _, err := tc.Service.UpdateAccountSettings(ctx, appconfigd.AccountSettingsUpdate{DeletionProtectionEnabled: &on}); err != nil {
			t.Fatal(err)
		}
		if _, err := tc.Service.StartDeployment(ctx, f.App.ID, f.Env.ID, appconfigd.StartDeploymentInput{ConfigurationProfileID: f.Profile.ID, ConfigurationVersion: "1", DeploymentStrategyID: "AppConfig.AllAtOnce"}); err != nil {
			t.Fatal(err)
		}
		tc.Clock.Advance(appconfigd.NewResourceGrace + 11*time.Minute)
		if _, err := tc.Service.AdvanceDeployments(ctx); err != nil {
			t.Fatal(err)
		}
		tok, err := tc.Service.StartConfigurationSession(ctx, appconfigd.StartSessionInput{ApplicationIdentifier: f.App.ID, EnvironmentIdentifier: f.Env.ID, ConfigurationProfileIdentifier: f.Profile.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tc.Service.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{}); err != nil {
			t.Fatal(err)
		}
		admin := tc.signIn(t, adminID, adminSecret)

		p := admin.submit(f.envPath()+"/delete", nil)
		if p.status != http.StatusBadRequest {
			t.Fatalf("delete without bypass: status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "Deletion protection")
		p = admin.submit(f.envPath()+"/delete", url.Values{"bypass": {"1"}})
		if p.status != http.StatusSeeOther || p.location != "/console/applications/"+f.App.ID {
			t.Fatalf("delete with bypass: got %d to %q, want 303 to the application", p.status, p.location)
		}
		if _, err := tc.Service.GetEnvironment(ctx, f.App.ID, f.Env.ID); !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Fatalf("environment after delete: err %v, want not found", err)
		}
	})
	t.Run("ReaderSeesItReadOnlyAndIsRefusedChanges", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, tc, "readable")
		reader := tc.signIn(t, readerID, readerSecret)
		p := reader.get(f.envPath())
		if p.status != http.StatusOK {
			t.Fatalf("status %d, want 200", p.status)
		}
		p.mustContain(t, "Deployed configurations", "settings")
		p.mustNotContain(t, "Start a deployment", "Delete environment", `name="monitors"`)
		for _, path := range []string{"/console/applications/" + f.App.ID + "/environments", f.envPath(), f.envPath() + "/delete", f.envPath() + "/deployments"} {
			if p := reader.submit(path, url.Values{"name": {"x"}, "profile": {f.Profile.ID}, "version": {"1"}, "strategy": {"AppConfig.AllAtOnce"}}); p.status != http.StatusForbidden {
				t.Errorf("reader POST %s: status %d, want 403", path, p.status)
			}
		}
		other := newFixture(t, tc, "unreadable")
		if p := reader.get(other.envPath()); p.status != http.StatusNotFound {
			t.Errorf("reader GET of another application's environment: status %d, want 404", p.status)
		}
	})
}
