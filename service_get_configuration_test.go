package appconfigd_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

func TestGetConfiguration(t *testing.T) {
	t.Parallel()
	// get calls GetConfiguration on the fixture's environment and profile.
	get := func(t *testing.T, f *rolloutFixture, clientID, clientVersion string) (*appconfigd.Configuration, error) {
		t.Helper()
		return f.svc.GetConfiguration(t.Context(), appconfigd.GetConfigurationInput{
			Application: f.app.ID, Environment: f.env.ID, Configuration: f.profile.ID,
			ClientID: clientID, ClientConfigurationVersion: clientVersion,
		})
	}

	t.Run("ServesTheDeployedVersion", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		for _, in := range []appconfigd.GetConfigurationInput{
			{Application: f.app.ID, Environment: f.env.ID, Configuration: f.profile.ID, ClientID: "c1"},
			{Application: f.app.Name, Environment: f.env.Name, Configuration: f.profile.Name, ClientID: "c1"},
		} {
			out := must(f.svc.GetConfiguration(t.Context(), in))
			want := appconfigd.Configuration{Content: []byte("v1"), ContentType: "text/plain", ConfigurationVersion: "1"}
			if string(out.Content) != string(want.Content) || out.ContentType != want.ContentType || out.ConfigurationVersion != want.ConfigurationVersion || out.Unchanged {
				t.Errorf("GetConfiguration(%+v) = %+v, want %+v", in, out, want)
			}
		}
	})

	t.Run("EmptyWhenTheClientHasTheVersion", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		out := must(get(t, f, "c1", "1"))
		if !out.Unchanged || len(out.Content) != 0 || out.ConfigurationVersion != "1" || out.ContentType != "text/plain" {
			t.Errorf("with the served version: %+v, want Unchanged, no content, version 1, text/plain", out)
		}
		out = must(get(t, f, "c1", "7"))
		if out.Unchanged || string(out.Content) != "v1" {
			t.Errorf("with another version: %+v, want content v1", out)
		}
	})

	t.Run("ClientKeepsItsRolloutBucket", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		d := f.deploy(t, appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 100, GrowthFactor: 50, FinalBakeTimeInMinutes: 10}, f.v2)
		f.clock.Set(d.StartedAt.Add(d.Steps()[0].At))
		must(f.svc.AdvanceDeployments(t.Context()))
		percentage := must(f.svc.GetDeployment(t.Context(), f.app.ID, f.env.ID, d.DeploymentNumber)).PercentageComplete
		if percentage <= 0 || percentage >= 100 {
			t.Fatalf("the deployment is at %g%%; the test needs one under way", percentage)
		}
		const clients = 2000
		newer := 0
		for i := range clients {
			id := fmt.Sprintf("client-%d", i)
			first := string(must(get(t, f, id, "")).Content)
			if again := string(must(get(t, f, id, "")).Content); again != first {
				t.Fatalf("client %s got %s, then %s", id, first, again)
			}
			if first == "v2" {
				newer++
			}
		}
		if got := 100 * float64(newer) / clients; got < percentage-5 || got > percentage+5 {
			t.Errorf("%.1f%% of clients get the version being deployed at %g%%; want within 5 points", got, percentage)
		}
	})

	t.Run("FeatureFlagsAreRefused", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		flags := must(f.svc.CreateConfigurationProfile(t.Context(), f.app.ID, &appconfigd.ConfigurationProfile{
			Name: "flags", LocationURI: "hosted", Type: appconfigd.ProfileTypeFeatureFlags,
		}, nil))
		_, err := f.svc.GetConfiguration(t.Context(), appconfigd.GetConfigurationInput{Application: f.app.ID, Environment: f.env.ID, Configuration: flags.ID, ClientID: "c1"})
		const want = "Feature flag configurations must be accessed via AWS AppConfig Data's GetLatestConfiguration API."
		if !appconfigd.IsCode(err, appconfigd.EBadRequest) || !strings.HasSuffix(err.Error(), ": "+want) {
			t.Errorf("err = %v, want a bad request saying %q", err, want)
		}
	})

	t.Run("NothingDeployedIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		bare := must(f.svc.CreateConfigurationProfile(t.Context(), f.app.ID, &appconfigd.ConfigurationProfile{Name: "bare", LocationURI: "hosted"}, nil))
		_, err := f.svc.GetConfiguration(t.Context(), appconfigd.GetConfigurationInput{Application: f.app.ID, Environment: f.env.ID, Configuration: bare.ID, ClientID: "c1"})
		if !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Errorf("err = %v, want ResourceNotFound", err)
		}
	})

	t.Run("UnknownApplicationIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		_, err := f.svc.GetConfiguration(t.Context(), appconfigd.GetConfigurationInput{Application: "nosuch", Environment: f.env.ID, Configuration: f.profile.ID, ClientID: "c1"})
		if !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Errorf("err = %v, want ResourceNotFound", err)
		}
	})

	t.Run("Validation", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		long := strings.Repeat("x", 65)
		for _, tt := range []struct {
			clientID, clientVersion, member string
		}{
			{"", "", "ClientId"},
			{long, "", "ClientId"},
			{"c1", strings.Repeat("1", 1025), "ClientConfigurationVersion"},
		} {
			_, err := get(t, f, tt.clientID, tt.clientVersion)
			wantBadRequestNaming(t, err, tt.member)
		}
		_, err := f.svc.GetConfiguration(t.Context(), appconfigd.GetConfigurationInput{Application: long, Environment: f.env.ID, Configuration: f.profile.ID, ClientID: "c1"})
		wantBadRequestNaming(t, err, "Application")
	})

	t.Run("ReaderOfOtherApplicationsIsDenied", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		in := appconfigd.GetConfigurationInput{Application: f.app.ID, Environment: f.env.ID, Configuration: f.profile.ID, ClientID: "c1"}
		denied := appconfigd.NewContextWithPrincipal(t.Context(), appconfigd.Principal{Name: "batch", Role: appconfigd.RoleReader, Applications: []string{"batch"}})
		if _, err := f.svc.GetConfiguration(denied, in); !appconfigd.IsCode(err, appconfigd.EAccessDenied) {
			t.Errorf("by a reader of other applications: %v, want AccessDenied", err)
		}
		allowed := appconfigd.NewContextWithPrincipal(t.Context(), appconfigd.Principal{Name: "web", Role: appconfigd.RoleReader, Applications: []string{f.app.Name}})
		if _, err := f.svc.GetConfiguration(allowed, in); err != nil {
			t.Errorf("by a reader of the application: %v", err)
		}
	})

	t.Run("CountsAsAPollForDeletionProtection", func(t *testing.T) {
		t.Parallel()
		f := newProtectionFixture(t, newSQLiteStore(t), true)
		must(get(t, f.rolloutFixture, "c1", ""))
		f.clock.Advance(time.Minute)
		wantProtected(t, f.deleteEnvironment(t, appconfigd.DeletionProtectionAccountDefault))
	})
}
