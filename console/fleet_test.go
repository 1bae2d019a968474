package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// poll starts n sessions of f's profile and polls each once.
func poll(t *testing.T, tc *testConsole, f fixture, n int) {
	t.Helper()
	for range n {
		tok, err := tc.Service.StartConfigurationSession(t.Context(), appconfigd.StartSessionInput{ApplicationIdentifier: f.App.ID, EnvironmentIdentifier: f.Env.ID, ConfigurationProfileIdentifier: f.Profile.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tc.Service.GetLatestConfiguration(t.Context(), tok, appconfigd.PollOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFleet(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	ctx := t.Context()
	f := newFixture(t, tc, "readable")
	other := newFixture(t, tc, "other-app")
	if _, err := tc.Service.StartDeployment(ctx, f.App.ID, f.Env.ID, appconfigd.StartDeploymentInput{ConfigurationProfileID: f.Profile.ID, ConfigurationVersion: "2", DeploymentStrategyID: "AppConfig.AllAtOnce"}); err != nil {
		t.Fatal(err)
	}
	poll(t, tc, f, 3)
	if err := tc.Service.FlushFleet(ctx); err != nil {
		t.Fatal(err)
	}
	fleetPath := "/console/fleet?app=" + f.App.ID + "&env=" + f.Env.ID

	t.Run("FleetPageCountsSessionsByVersion", func(t *testing.T) {
		t.Parallel()
		p := tc.signIn(t, adminID, adminSecret).get(fleetPath)
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		p.mustContain(t, "Fleet of readable / prod", "Last 1 min", "Last 60 min", `<td data-label="Last 1 min">3<br><span class="muted">version 2: 3</span>`, "other-app")
	})
	t.Run("EnvironmentPageShowsTheFleet", func(t *testing.T) {
		t.Parallel()
		p := tc.signIn(t, adminID, adminSecret).get(f.envPath())
		p.mustContain(t, `<td data-label="Last 5 min">3<br><span class="muted">version 2: 3</span>`)
	})
	t.Run("DeploymentStreamSharesTheFleet", func(t *testing.T) {
		t.Parallel()
		s := tc.signIn(t, adminID, adminSecret).openStream(f.envPath() + "/deployments/1/events")
		if !s.lines.Scan() {
			t.Fatal("no event")
		}
		if got, want := s.lines.Text(), `"fleet":{"sessions":3,"onVersion":3,"percent":100}`; !strings.Contains(got, want) {
			t.Fatalf("event %s, want it to contain %s", got, want)
		}
	})
	t.Run("ReaderSeesOnlyItsApplications", func(t *testing.T) {
		t.Parallel()
		reader := tc.signIn(t, readerID, readerSecret)
		p := reader.get("/console/fleet")
		p.mustContain(t, "readable")
		p.mustNotContain(t, "other-app")
		if p := reader.get("/console/fleet?app=" + other.App.ID + "&env=" + other.Env.ID); p.status != http.StatusNotFound {
			t.Fatalf("reader's fleet of another application: status %d, want 404", p.status)
		}
	})
}
